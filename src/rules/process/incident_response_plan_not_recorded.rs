//! ATT-003: nobody has confirmed that an incident response plan exists and is rehearsed.

use super::{INCIDENT_RESPONSE, confirmed};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ATT-003",
        name: "incident-response-plan-not-recorded",
        title: "No rehearsed incident response plan is recorded",
        severity: Severity::Info,
        severity_reason: "Info: a process item to confirm; an unrehearsed plan (SE:12) slows \
                           response to an incident but does not cause one.",
        kind: RuleKind::Attestation,
        se: &["SE:12"],
        mcsb: &["IR-1", "IR-7"],
        stride: Stride::Repudiation,
        scope: &[],
        checks: "The design owner has confirmed the `incident_response` attestation: a written plan \
                 names who responds, how they are reached and what they do, and it has been \
                 rehearsed.",
        rationale: "During an incident there is no time to work out who owns what, who may isolate a \
                    system or who talks to customers. Plans that were never rehearsed fail on the \
                    details, such as missing access rights or an outdated on-call number.",
        remediation: "Write the incident response procedures for this workload (roles, contacts, \
                      containment steps, evidence handling, recovery from clean backups), rehearse \
                      them with a tabletop exercise, and link the plan as evidence.",
        false_positives: "None: confirm the attestation once the plan exists and has been rehearsed.",
        learn: "https://learn.microsoft.com/azure/well-architected/security/incident-response",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    if !confirmed(ctx, INCIDENT_RESPONSE) {
        report.design("No rehearsed incident response plan for this workload is confirmed");
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
    fn quiet_once_attested() {
        let design = DesignBuilder::new().attest("incident_response").build();
        assert_quiet(&RULE, &design);
    }
}
