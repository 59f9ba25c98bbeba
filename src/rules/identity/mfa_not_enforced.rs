//! IAM-007: the tenant does not actually require multifactor authentication.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-007",
        name: "mfa-not-enforced",
        title: "Sign-ins are not required to use multifactor authentication",
        severity: Severity::High,
        severity_reason: "High: without MFA one stolen or guessed password is enough to sign in, \
                           from anywhere on the internet; MFA blocks most account attacks (MCSB \
                           IM-6).",
        kind: RuleKind::Property,
        se: &["SE:05"],
        mcsb: &["IM-6", "IM-7"],
        stride: Stride::Spoofing,
        scope: &["entra_id"],
        checks: "Entra ID requires MFA either through security defaults or through Conditional Access. \
                 When Conditional Access is the chosen method, Conditional Access policies exist and \
                 the licence (P1 or P2) allows them.",
        rationale: "A password alone falls to phishing, spraying and reuse from other breaches. MFA \
                    blocks the vast majority of these account takeovers, but only when a policy \
                    actually demands it: turning security defaults off in favour of Conditional Access \
                    without writing the policies leaves no MFA at all.",
        remediation: "Create Conditional Access policies that require MFA (phishing-resistant strength \
                      for administrators) for all users and all cloud apps, with a P1 or P2 licence; \
                      for small tenants without those licences, keep security defaults on.",
        false_positives: "Tenants whose MFA comes from a federated identity provider that the design does \
                          not show.",
        learn: "https://learn.microsoft.com/entra/identity/conditional-access/overview",
        psrule: &[],
    },
    check,
};

/// Why MFA is not in force, or `None` when it is.
fn gap(ctx: &Context, tenant: &Node) -> Option<&'static str> {
    match ctx.text(tenant, "mfa_enforcement") {
        "None" => Some("does not require multifactor authentication"),
        "ConditionalAccess" if ctx.text(tenant, "license") == "Free" => Some(
            "relies on Conditional Access for MFA, but its Free licence cannot run Conditional Access",
        ),
        "ConditionalAccess" if !ctx.bool(tenant, "conditional_access_policies") => Some(
            "relies on Conditional Access for MFA, but no Conditional Access policies are in place",
        ),
        _ => None,
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for tenant in ctx.nodes_of_kind("entra_id") {
        if let Some(gap) = gap(ctx, tenant) {
            report.node(
                &tenant.id,
                format_args!("Entra ID `{}` {gap}", ctx.label(tenant)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_without_mfa() {
        let design = DesignBuilder::new()
            .node("entra", "entra_id")
            .set("entra", "mfa_enforcement", "None")
            .build();
        assert_fires_on(&RULE, &design, &["entra"]);
    }

    #[test]
    fn fires_on_conditional_access_without_policies() {
        let design = DesignBuilder::new()
            .node("entra", "entra_id")
            .set("entra", "license", "P1")
            .set("entra", "mfa_enforcement", "ConditionalAccess")
            .build();
        assert_fires_on(&RULE, &design, &["entra"]);
    }

    #[test]
    fn quiet_with_security_defaults() {
        let design = DesignBuilder::new().node("entra", "entra_id").build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn quiet_with_conditional_access_policies() {
        let design = DesignBuilder::new()
            .node("entra", "entra_id")
            .set("entra", "license", "P2")
            .set("entra", "mfa_enforcement", "ConditionalAccess")
            .set("entra", "conditional_access_policies", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
