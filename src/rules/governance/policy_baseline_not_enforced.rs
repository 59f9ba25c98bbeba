//! GOV-004: an Azure Policy assignment only reports and never blocks or remediates.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "GOV-004",
        name: "policy-baseline-not-enforced",
        title: "Azure Policy baseline only audits",
        severity: Severity::Medium,
        severity_reason: "Medium: audit-only policies detect drift without preventing it, the same \
                           gap as a detect-only firewall one level down; non-compliant resources \
                           deploy (MCSB PV-2).",
        kind: RuleKind::Property,
        se: &["SE:01"],
        mcsb: &["PV-2"],
        stride: Stride::Tampering,
        scope: &["azure_policy_assignment"],
        checks: "Azure Policy assignments are in Default enforcement mode and use Deny, \
                 DeployIfNotExists or a mix of effects, not Audit alone.",
        rationale: "An audit-only baseline reports drift after the fact and relies on someone acting on \
                    the report. Enforcing the key controls (public access off, TLS 1.2, diagnostics on) \
                    stops insecure resources from being deployed and fixes missing settings \
                    automatically.",
        remediation: "Move the controls your teams already comply with to Deny or DeployIfNotExists, \
                      keep Audit for the rest while they are remediated, and set the enforcement mode \
                      back to Default once testing is over.",
        false_positives: "A new assignment being rolled out in audit mode first, which is good practice \
                          for a limited time.",
        learn: "https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for assignment in ctx.nodes_of_kind("azure_policy_assignment") {
        let label = ctx.label(assignment);
        if ctx.text(assignment, "enforcement_mode") == "DoNotEnforce" {
            report.node(
                &assignment.id,
                format_args!(
                    "Azure Policy assignment `{label}` is in DoNotEnforce mode, so none of its \
                     effects apply"
                ),
            );
        } else if ctx.text(assignment, "effect_profile") == "Audit" {
            report.node(
                &assignment.id,
                format_args!(
                    "Azure Policy assignment `{label}` only audits: it never blocks or fixes a \
                     non-compliant resource"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_audit_only_and_do_not_enforce() {
        let design = DesignBuilder::new()
            .node("audit", "azure_policy_assignment")
            .node("off", "azure_policy_assignment")
            .set("off", "effect_profile", "Deny")
            .set("off", "enforcement_mode", "DoNotEnforce")
            .build();
        assert_fires_on(&RULE, &design, &["audit", "off"]);
    }

    #[test]
    fn quiet_with_enforcing_effects() {
        let design = DesignBuilder::new()
            .node("policy", "azure_policy_assignment")
            .set("policy", "effect_profile", "Mixed")
            .build();
        assert_quiet(&RULE, &design);
    }
}
