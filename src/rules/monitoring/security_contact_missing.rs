//! MON-005: Defender for Cloud has nobody to tell about alerts.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-005",
        name: "security-contact-missing",
        title: "No security contact receives Defender alerts",
        severity: Severity::Medium,
        severity_reason: "Medium: Defender alerts reach nobody, so an attack it detects can run \
                           unanswered; detection, not protection (MCSB IR-2).",
        kind: RuleKind::Property,
        se: &["SE:12"],
        mcsb: &["IR-2"],
        stride: Stride::Repudiation,
        scope: &["cspm"],
        checks: "Every Defender for Cloud has a security contact email address.",
        rationale: "Alerts that nobody receives are not acted on. Microsoft also uses the security \
                    contact when it detects that your resources are compromised or are attacking \
                    others; without it, that notice goes nowhere.",
        remediation: "Set the security contact to a monitored team mailbox or distribution list (not a \
                      single person), and choose the lowest alert severity that should trigger an \
                      email.",
        false_positives: "Alerts routed only through Sentinel or continuous export to an on-call system; \
                          still set a contact for Microsoft's own notifications.",
        learn: "https://learn.microsoft.com/azure/defender-for-cloud/configure-email-notifications",
        psrule: &[
            "Azure.Defender.SecurityContact",
            "Azure.DefenderCloud.Contact",
        ],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for defender in ctx.nodes_of_kind("defender_for_cloud") {
        if ctx
            .text(defender, "security_contact_email")
            .trim()
            .is_empty()
        {
            report.node(
                &defender.id,
                format_args!(
                    "Defender for Cloud `{}` has no security contact, so its alerts reach nobody",
                    ctx.label(defender)
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
    fn fires_without_a_contact() {
        let design = DesignBuilder::new()
            .node("mdc", "defender_for_cloud")
            .build();
        assert_fires_on(&RULE, &design, &["mdc"]);
    }

    #[test]
    fn quiet_with_a_contact() {
        let design = DesignBuilder::new()
            .node("mdc", "defender_for_cloud")
            .set("mdc", "security_contact_email", "secops@contoso.example")
            .build();
        assert_quiet(&RULE, &design);
    }
}
