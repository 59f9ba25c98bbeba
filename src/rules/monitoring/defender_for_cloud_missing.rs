//! MON-003: Defender for Cloud does not cover the workload.

use crate::model::Severity;
use crate::rules::governance::{coverage_gaps, describe_nodes};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-003",
        name: "defender-for-cloud-missing",
        title: "Defender for Cloud does not cover the workload",
        severity: Severity::High,
        severity_reason: "High: without Defender for Cloud nothing watches the workload's posture \
                           or raises threat alerts (MCSB LT-1, PV-5).",
        kind: RuleKind::DesignWide,
        se: &["SE:10", "SE:01"],
        mcsb: &["LT-1", "PV-5"],
        stride: Stride::Tampering,
        scope: &["compute", "data_store"],
        checks: "The design holds Defender for Cloud, and every compute and data resource is covered \
                 by it: a `governs` connection to the resource, its resource group, its subscription or \
                 a management group above it.",
        rationale: "Defender for Cloud assesses every resource against the security benchmark and, with \
                    its workload plans, detects attacks in progress (malware uploads, SQL injection, \
                    suspicious key vault access, crypto-mining). Resources outside its scope are \
                    neither assessed nor watched.",
        remediation: "Enable Defender for Cloud on every subscription that holds the workload (ideally \
                      from the management group with Azure Policy), and draw a `governs` connection \
                      from it to those subscriptions.",
        false_positives: "Coverage inherited from a management group that the design does not show.",
        learn: "https://learn.microsoft.com/azure/defender-for-cloud/defender-for-cloud-introduction",
        psrule: &["Azure.Defender.Cspm", "Azure.DefenderCloud.Provisioning"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    if !ctx.has("cspm") {
        report.design(
            "The design has no Defender for Cloud, so its resources are neither assessed against \
             the benchmark nor watched for attacks",
        );
        return;
    }
    for (subject, uncovered) in coverage_gaps(ctx, |n| ctx.governed_by(n, "cspm")) {
        let related = uncovered.iter().map(|n| n.id.clone()).collect();
        let message = if subject.kind == "subscription" {
            format!(
                "Subscription `{}` holds {} but Defender for Cloud does not cover it",
                ctx.label(subject),
                describe_nodes(ctx, &uncovered)
            )
        } else {
            format!(
                "{} `{}` is not covered by Defender for Cloud",
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
    fn fires_on_the_design_without_defender() {
        let design = DesignBuilder::new().node("app", "app_service").build();
        assert_fires_on(&RULE, &design, &["design"]);
    }

    #[test]
    fn fires_on_an_uncovered_subscription() {
        let design = DesignBuilder::new()
            .node("sub-a", "subscription")
            .child("mdc", "defender_for_cloud", "sub-a")
            .child("app", "app_service", "sub-a")
            .node("sub-b", "subscription")
            .child("sql", "sql_database", "sub-b")
            .child("st", "storage_account", "sub-b")
            .connect("mdc", "sub-a", "governs")
            .build();
        assert_fires_on(&RULE, &design, &["sub-b"]);
    }

    #[test]
    fn quiet_when_every_subscription_is_covered() {
        let design = DesignBuilder::new()
            .node("sub", "subscription")
            .child("mdc", "defender_for_cloud", "sub")
            .child("app", "app_service", "sub")
            .connect("mdc", "sub", "governs")
            .build();
        assert_quiet(&RULE, &design);
    }
}
