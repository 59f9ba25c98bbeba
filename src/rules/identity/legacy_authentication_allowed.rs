//! IAM-009: the tenant still accepts legacy authentication protocols that cannot do MFA.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-009",
        name: "legacy-authentication-allowed",
        title: "Legacy authentication protocols are not blocked",
        severity: Severity::High,
        severity_reason: "High: legacy protocols cannot do MFA, so password spraying from the \
                           internet works against every account while they are allowed (MCSB \
                           IM-7).",
        kind: RuleKind::Property,
        se: &["SE:05", "SE:08"],
        mcsb: &["IM-7"],
        stride: Stride::Spoofing,
        scope: &["entra_id"],
        checks: "Entra ID blocks legacy authentication, either with a Conditional Access policy or \
                 through security defaults (which block it).",
        rationale: "Protocols such as basic authentication, POP, IMAP and older SMTP send a bare password \
                    and cannot answer an MFA challenge, so they bypass MFA entirely. They are the usual \
                    channel for password spraying.",
        remediation: "Create a Conditional Access policy that blocks legacy authentication clients for all \
                      users, after checking the sign-in logs for anything that still uses them.",
        false_positives: "None known for Azure workloads; old mail clients and devices are the usual \
                          reason to delay the block.",
        learn: "https://learn.microsoft.com/entra/identity/conditional-access/policy-block-legacy-authentication",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for tenant in ctx.nodes_of_kind("entra_id") {
        let blocked_by_defaults = ctx.text(tenant, "mfa_enforcement") == "SecurityDefaults";
        if !blocked_by_defaults && !ctx.bool(tenant, "legacy_auth_blocked") {
            report.node(
                &tenant.id,
                format_args!(
                    "Entra ID `{}` still accepts legacy authentication, which skips MFA",
                    ctx.label(tenant)
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
    fn fires_when_conditional_access_leaves_it_open() {
        let design = DesignBuilder::new()
            .node("entra", "entra_id")
            .set("entra", "mfa_enforcement", "ConditionalAccess")
            .build();
        assert_fires_on(&RULE, &design, &["entra"]);
    }

    #[test]
    fn quiet_with_security_defaults_or_a_block() {
        let design = DesignBuilder::new()
            .node("defaults", "entra_id")
            .node("blocked", "entra_id")
            .set("blocked", "mfa_enforcement", "ConditionalAccess")
            .set("blocked", "legacy_auth_blocked", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
