//! Process recommendations the design owner confirms (SE:02, SE:11, SE:12).

use super::Rule;

/// Attestation keys in the design file, with the statement the owner confirms.
pub const ATTESTATIONS: &[(&str, &str)] = &[
    ("threat_model", "A threat model of this design is recorded and reviewed"),
    ("security_testing", "The workload has a security testing regime (scans, penetration tests)"),
    ("incident_response", "An incident response plan exists and has been rehearsed"),
];

pub(super) static RULES: &[&Rule] = &[];
