//! IAM-013: administrators sign in with phishable methods or from unmanaged devices.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-013",
        name: "admin-sign-in-not-hardened",
        title: "Administrators sign in with phishable methods or from unmanaged devices",
        severity: Severity::Medium,
        severity_reason: "Medium: MFA is still in place; phishable methods and unmanaged devices \
                           leave administrators open to adversary-in-the-middle phishing and token \
                           theft (MCSB PA-6).",
        kind: RuleKind::Property,
        se: &["SE:05"],
        mcsb: &["IM-6", "PA-6"],
        stride: Stride::Spoofing,
        scope: &["operator"],
        checks: "Every operator signs in with phishing-resistant MFA (FIDO2, passkeys, certificates) and \
                 administers from a privileged access workstation or a device that Conditional Access \
                 requires to be compliant.",
        rationale: "Administrator sessions are the most valuable target in the tenant. Push and SMS \
                    prompts can be phished or relayed, and an admin session on an everyday laptop is \
                    one malicious attachment away from an attacker.",
        remediation: "Require an authentication strength of phishing-resistant MFA for admin roles, and \
                      a compliant device (ideally a dedicated privileged access workstation) in \
                      Conditional Access.",
        false_positives: "Operators with read-only access, who are not administrators.",
        learn: "https://learn.microsoft.com/security/privileged-access-workstations/privileged-access-devices",
        psrule: &[],
    },
    check,
};

/// What the operator's sign-in lacks, in words.
fn gaps(ctx: &Context, operator: &Node) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !ctx.bool(operator, "phishing_resistant_mfa") {
        out.push("without phishing-resistant MFA");
    }
    if !ctx.bool(operator, "uses_privileged_access_workstation")
        && !ctx.bool(operator, "compliant_device_required")
    {
        out.push("from devices that are neither privileged access workstations nor required to be compliant");
    }
    out
}

fn check(ctx: &Context, report: &mut Report) {
    for operator in ctx.nodes_of_kind("operator") {
        let gaps = gaps(ctx, operator);
        if gaps.is_empty() {
            continue;
        }
        report.node(
            &operator.id,
            format_args!(
                "Operator `{}` signs in {}",
                ctx.label(operator),
                gaps.join(" and ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_the_defaults() {
        let design = DesignBuilder::new().node("admin", "operator").build();
        assert_fires_on(&RULE, &design, &["admin"]);
    }

    #[test]
    fn fires_when_only_the_device_is_managed() {
        let design = DesignBuilder::new()
            .node("admin", "operator")
            .set("admin", "compliant_device_required", true)
            .build();
        assert_fires_on(&RULE, &design, &["admin"]);
    }

    #[test]
    fn quiet_with_phishing_resistant_mfa_from_a_compliant_device() {
        let design = DesignBuilder::new()
            .node("admin", "operator")
            .set("admin", "phishing_resistant_mfa", true)
            .set("admin", "compliant_device_required", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
