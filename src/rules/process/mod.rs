//! Process recommendations the design owner confirms (SE:02, SE:11, SE:12).

use super::{Context, Rule};

mod incident_response_plan_not_recorded;
mod security_testing_not_recorded;
mod threat_model_not_recorded;

/// Attestation key: a threat model of this design is recorded and reviewed.
pub const THREAT_MODEL: &str = "threat_model";
/// Attestation key: the workload has a security testing regime.
pub const SECURITY_TESTING: &str = "security_testing";
/// Attestation key: an incident response plan exists and has been rehearsed.
pub const INCIDENT_RESPONSE: &str = "incident_response";

/// Attestation keys in the design file, with the statement the owner confirms.
pub const ATTESTATIONS: &[(&str, &str)] = &[
    (
        THREAT_MODEL,
        "A threat model of this design is recorded and reviewed",
    ),
    (
        SECURITY_TESTING,
        "The workload has a security testing regime (scans, penetration tests)",
    ),
    (
        INCIDENT_RESPONSE,
        "An incident response plan exists and has been rehearsed",
    ),
];

/// ATT-001 to ATT-003, in id order.
pub(super) static RULES: &[&Rule] = &[
    &threat_model_not_recorded::RULE,
    &security_testing_not_recorded::RULE,
    &incident_response_plan_not_recorded::RULE,
];

/// Whether the design owner has confirmed the attestation.
fn confirmed(ctx: &Context, key: &str) -> bool {
    ctx.design
        .meta
        .attestations
        .get(key)
        .is_some_and(|a| a.confirmed)
}
