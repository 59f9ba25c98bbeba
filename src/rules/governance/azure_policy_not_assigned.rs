//! GOV-001: no Azure Policy assignment governs the workload's subscriptions.

use super::{coverage_gaps, describe_nodes};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "GOV-001",
        name: "azure-policy-not-assigned",
        title: "No Azure Policy baseline governs the workload",
        severity: Severity::High,
        severity_reason: "High: without an enforced policy baseline, every misconfiguration the \
                           other rules catch can come back unnoticed in deployment; it is the \
                           primary governance control (SE:01, MCSB PV-1).",
        kind: RuleKind::DesignWide,
        se: &["SE:01"],
        mcsb: &["PV-1", "PV-2"],
        stride: Stride::Tampering,
        scope: &["compute", "data_store"],
        checks: "The design holds an Azure Policy assignment, and every compute and data resource is \
                 governed by one: a `governs` connection to the resource, its resource group, its \
                 subscription or a management group above it.",
        rationale: "A baseline that is only written down drifts: each new resource is configured by hand \
                    and mistakes stay until someone looks. Policy assignments measure every resource \
                    against the baseline continuously, and with Deny or DeployIfNotExists effects keep \
                    the insecure configurations from being created at all.",
        remediation: "Assign the Microsoft cloud security benchmark initiative (the Defender for Cloud \
                      default) at the management group or subscriptions that hold the workload, plus \
                      custom policies derived from your baseline; draw a `governs` connection from the \
                      assignment to that scope.",
        false_positives: "Assignments inherited from a management group that the design does not show; \
                          draw the management group or a `governs` connection to the subscription.",
        learn: "https://learn.microsoft.com/azure/governance/policy/overview",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    if !ctx.has("governance") {
        report.design(
            "The design has no Azure Policy assignment, so nothing measures or enforces the security \
             baseline",
        );
        return;
    }
    let gaps = coverage_gaps(ctx, |n| ctx.governed_by(n, "governance"));
    for (subject, uncovered) in gaps {
        let related = uncovered.iter().map(|n| n.id.clone()).collect();
        let message = if subject.kind == "subscription" {
            format!(
                "Subscription `{}` holds {} but no Azure Policy assignment governs it",
                ctx.label(subject),
                describe_nodes(ctx, &uncovered)
            )
        } else {
            format!(
                "{} `{}` is not governed by any Azure Policy assignment",
                ctx.kind_name(subject),
                ctx.label(subject)
            )
        };
        report.node_with(&subject.id, related, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_the_design_without_policy() {
        let design = DesignBuilder::new().node("st", "storage_account").build();
        assert_fires_on(&RULE, &design, &["design"]);
    }

    #[test]
    fn fires_on_ungoverned_subscriptions_and_loose_resources() {
        let design = DesignBuilder::new()
            .node("sub-a", "subscription")
            .child("st", "storage_account", "sub-a")
            .node("sub-b", "subscription")
            .child("app", "app_service", "sub-b")
            .node("loose", "sql_database")
            .node("policy", "azure_policy_assignment")
            .connect("policy", "sub-a", "governs")
            .build();
        assert_fires_on(&RULE, &design, &["loose", "sub-b"]);
    }

    #[test]
    fn quiet_when_a_management_group_assignment_covers_everything() {
        let design = DesignBuilder::new()
            .node("mg", "management_group")
            .child("sub", "subscription", "mg")
            .child("rg", "resource_group", "sub")
            .child("st", "storage_account", "rg")
            .child("policy", "azure_policy_assignment", "mg")
            .connect("policy", "mg", "governs")
            .build();
        assert_quiet(&RULE, &design);
    }
}
