//! ATT-002: nobody has confirmed that the workload's security is tested.

use super::{SECURITY_TESTING, confirmed};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ATT-002",
        name: "security-testing-not-recorded",
        title: "No security testing regime is recorded",
        severity: Severity::Info,
        severity_reason: "Info: a process item to confirm; missing testing (SE:11) leaves \
                           weaknesses undiscovered rather than opening one.",
        kind: RuleKind::Attestation,
        se: &["SE:11"],
        mcsb: &["PV-7", "DS-4", "DS-5"],
        stride: Stride::Tampering,
        scope: &[],
        checks: "The design owner has confirmed the `security_testing` attestation: code, dependency \
                 and infrastructure scanning run in the pipelines, penetration tests are done on a \
                 schedule, and detections are tested to fire.",
        rationale: "A design can be right on paper and wrong in production: a missed setting, a \
                    vulnerable dependency, an alert that never fires. Regular testing with an \
                    assume-breach mindset is how the controls in this design are shown to work.",
        remediation: "Run static analysis, dependency and secret scanning, and IaC checks in the \
                      pipelines; schedule penetration tests (and a DDoS simulation where DDoS \
                      Protection is used); test that Defender and Sentinel raise the expected alerts. \
                      Link the plan as evidence and confirm the attestation.",
        false_positives: "None: confirm the attestation once the testing regime exists.",
        learn: "https://learn.microsoft.com/azure/well-architected/security/test",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    if !confirmed(ctx, SECURITY_TESTING) {
        report.design("No security testing regime for this workload is confirmed");
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_until_attested() {
        let design = DesignBuilder::new().node("app", "app_service").build();
        assert_fires_on(&RULE, &design, &["design"]);
    }

    #[test]
    fn quiet_once_attested() {
        let design = DesignBuilder::new().attest("security_testing").build();
        assert_quiet(&RULE, &design);
    }
}
