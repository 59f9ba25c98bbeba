//! Coverage per Well-Architected checklist item and one overall score.
//!
//! Score formula: every applicable rule weighs by its severity (critical 10, high 5, medium 3,
//! low 1, info 0). A rule passes when it raised no finding. The score is the passing weight over
//! the applicable weight, as a whole percentage (100 when nothing applies). Disabled rules are
//! not applicable; a severity override changes the weight.

use std::collections::BTreeSet;

use super::{Findings, registry};
use crate::model::Severity;

/// The twelve security checklist items of the Well-Architected Framework.
pub const SE_ITEMS: [(&str, &str); 12] = [
    ("SE:01", "Security baseline"),
    ("SE:02", "Secure development lifecycle"),
    ("SE:03", "Data classification"),
    ("SE:04", "Segmentation and perimeters"),
    ("SE:05", "Identity and access management"),
    ("SE:06", "Network controls"),
    ("SE:07", "Encryption"),
    ("SE:08", "Hardening"),
    ("SE:09", "Application secrets"),
    ("SE:10", "Monitoring and threat detection"),
    ("SE:11", "Security testing"),
    ("SE:12", "Incident response"),
];

/// How one checklist item fares in a design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub code: &'static str,
    pub title: &'static str,
    /// Rules mapped to this item that apply to the design.
    pub applicable: usize,
    /// Of those, the ones with no finding.
    pub passing: usize,
}

/// The overall score and the per-item coverage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Score {
    /// 0 to 100.
    pub value: u32,
    pub coverage: Vec<Coverage>,
}

pub fn weight(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 10,
        Severity::High => 5,
        Severity::Medium => 3,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// Computes the score of an evaluation.
pub fn score(findings: &Findings) -> Score {
    let failing: BTreeSet<&str> = findings.items.iter().map(|f| f.rule.id).collect();
    let mut coverage: Vec<Coverage> = SE_ITEMS
        .iter()
        .map(|&(code, title)| Coverage {
            code,
            title,
            applicable: 0,
            passing: 0,
        })
        .collect();
    let (mut total, mut passing) = (0u32, 0u32);
    for rule in registry::all() {
        // The severity the rule ran at: an override weighs a passing rule as much as a
        // failing one.
        let Some(severity) = findings.applies(rule.meta.id) else {
            continue;
        };
        let fails = failing.contains(rule.meta.id);
        total += weight(severity);
        if !fails {
            passing += weight(severity);
        }
        for item in coverage
            .iter_mut()
            .filter(|c| rule.meta.se.contains(&c.code))
        {
            item.applicable += 1;
            if !fails {
                item.passing += 1;
            }
        }
    }
    // Rounded to the nearest whole percent; 100 when no rule applies.
    let value = (passing * 100 + total / 2)
        .checked_div(total)
        .unwrap_or(100);
    Score { value, coverage }
}
