//! ATT-001: nobody has confirmed that the design was threat-modelled.

use super::{THREAT_MODEL, confirmed};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ATT-001",
        name: "threat-model-not-recorded",
        title: "No threat model is recorded for the design",
        severity: Severity::Info,
        severity_reason: "Info: a process item the design cannot show; nothing is exposed by the \
                           missing record itself, but without a threat model (SE:02) the other \
                           findings are not weighed against real threats.",
        kind: RuleKind::Attestation,
        se: &["SE:02"],
        mcsb: &["DS-1"],
        stride: Stride::Tampering,
        scope: &[],
        checks: "The design owner has confirmed the `threat_model` attestation: a threat model of this \
                 design exists, is reviewed when the design changes, and its evidence is linked.",
        rationale: "Rules catch known misconfigurations; a threat model finds the risks specific to this \
                    workload, such as abuse of its business logic, trust between its components and \
                    what an attacker would go after first. It is also where accepted risks are \
                    written down.",
        remediation: "Walk through the data flows on this canvas with the team (for example with STRIDE \
                      per flow and trust boundary), record threats, mitigations and accepted risks, \
                      link the result as evidence and confirm the attestation.",
        false_positives: "None: confirm the attestation once the threat model exists.",
        learn: "https://learn.microsoft.com/azure/well-architected/security/secure-development-lifecycle",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    if !confirmed(ctx, THREAT_MODEL) {
        report.design("No threat model of this design is confirmed");
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_until_attested() {
        let design = DesignBuilder::new().build();
        assert_fires_on(&RULE, &design, &["design"]);
    }

    #[test]
    fn fires_on_other_attestations() {
        let design = DesignBuilder::new().attest("security_testing").build();
        assert_fires_on(&RULE, &design, &["design"]);
    }

    #[test]
    fn quiet_once_attested() {
        let design = DesignBuilder::new().attest("threat_model").build();
        assert_quiet(&RULE, &design);
    }
}
