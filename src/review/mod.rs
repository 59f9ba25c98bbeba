//! What a reviewer decides and compares: triage of findings ([`triage`]) and the difference
//! between two versions of a design ([`diff`]). Reads the model and the rules' findings.

pub mod diff;
pub mod triage;
