//! ATT&CK coverage: for each technique, the strongest protection, detection and response the
//! design's controls give, and who gives it.

use std::collections::BTreeMap;

use crate::model::NodeId;

use super::controls::Provided;
use super::data::{Category, Score, Tables, Technique, technique_order};

/// One technique and what the design does about it.
#[derive(Debug)]
pub struct TechniqueCoverage {
    pub technique: &'static Technique,
    /// The strongest score per category; `None` when no control gives it.
    pub protect: Option<Score>,
    pub detect: Option<Score>,
    pub respond: Option<Score>,
    /// Each control instance that counts, with its score; sorted.
    pub providers: Vec<Provider>,
}

/// A control a component provides, and what it gives against one technique.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Provider {
    pub category: Category,
    pub score: Score,
    pub control: &'static str,
    pub control_name: &'static str,
    pub node: NodeId,
}

impl TechniqueCoverage {
    /// The strongest protect or detect score: what a matrix cell is shaded by.
    pub fn strongest(&self) -> Option<Score> {
        self.protect.max(self.detect)
    }

    pub fn is_covered(&self) -> bool {
        self.protect.is_some() || self.detect.is_some() || self.respond.is_some()
    }
}

/// Coverage of every technique in the table (covered or not), in id order.
pub fn coverage(tables: &'static Tables, provided: &[Provided]) -> Vec<TechniqueCoverage> {
    let mut by_technique: BTreeMap<&str, Vec<Provider>> = BTreeMap::new();
    for instance in provided {
        // A control counts only where it covers resources of the design.
        if !instance.covers_something() {
            continue;
        }
        let control = instance.control;
        for (technique, category, score) in tables.attack_coverage(&control.control) {
            if instance.alert_only && *category != Category::Detect {
                continue;
            }
            by_technique
                .entry(technique.as_str())
                .or_default()
                .push(Provider {
                    category: *category,
                    score: *score,
                    control: control.control.as_str(),
                    control_name: control.name.as_str(),
                    node: instance.provider.id.clone(),
                });
        }
    }
    let mut all: Vec<TechniqueCoverage> = tables
        .attack
        .techniques
        .iter()
        .map(|technique| {
            let mut providers = by_technique
                .remove(technique.id.as_str())
                .unwrap_or_default();
            providers.sort();
            providers.dedup();
            let best = |category| {
                providers
                    .iter()
                    .filter(|p| p.category == category)
                    .map(|p| p.score)
                    .max()
            };
            TechniqueCoverage {
                technique,
                protect: best(Category::Protect),
                detect: best(Category::Detect),
                respond: best(Category::Respond),
                providers,
            }
        })
        .collect();
    all.sort_by_key(|c| technique_order(&c.technique.id));
    all
}
