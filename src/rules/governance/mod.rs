//! Governance: the baseline enforced with Azure Policy, segmentation of environments and
//! ownership (SE:01, SE:04). Also the coverage helpers the monitoring rules share.

use std::collections::BTreeMap;

use super::{Context, Rule};
use crate::model::{Node, NodeId};

mod azure_policy_not_assigned;
mod policy_baseline_not_enforced;
mod production_shares_subscription_with_non_production;
mod segment_without_owner;

/// GOV-001 to GOV-004, in id order.
pub(super) static RULES: &[&Rule] = &[
    &azure_policy_not_assigned::RULE,
    &production_shares_subscription_with_non_production::RULE,
    &segment_without_owner::RULE,
    &policy_baseline_not_enforced::RULE,
];

/// The resources a workload is made of: compute and data stores, sorted by id.
pub(super) fn workload_nodes<'a>(ctx: &Context<'a>) -> Vec<&'a Node> {
    ctx.nodes_with_traits(&["compute", "data_store"])
}

/// Workload nodes that `covered` rejects, grouped by their subscription. Each entry is the
/// subject to report (the subscription, or the node itself when it sits in none) and the
/// uncovered nodes it holds, sorted by subject id.
pub(super) fn coverage_gaps<'a>(
    ctx: &Context<'a>,
    covered: impl Fn(&'a Node) -> bool,
) -> Vec<(&'a Node, Vec<&'a Node>)> {
    let mut gaps: BTreeMap<&NodeId, (&Node, Vec<&Node>)> = BTreeMap::new();
    for node in workload_nodes(ctx) {
        if covered(node) {
            continue;
        }
        let subject = ctx.enclosing(node, "subscription").unwrap_or(node);
        gaps.entry(&subject.id)
            .or_insert_with(|| (subject, Vec::new()))
            .1
            .push(node);
    }
    gaps.into_values().collect()
}

/// A short list of labels for messages: `a`, `b` and `c`, or `a`, `b` and 3 more.
pub(super) fn describe_nodes(ctx: &Context, nodes: &[&Node]) -> String {
    const SHOWN: usize = 3;
    let labels: Vec<String> = nodes
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{}`", ctx.label(n)))
        .collect();
    match (nodes.len(), labels.split_last()) {
        (_, None) => String::new(),
        (1, Some((only, _))) => only.clone(),
        (n, Some((last, first))) if n <= SHOWN => format!("{} and {last}", first.join(", ")),
        (n, _) => format!("{} and {} more", labels.join(", "), n - SHOWN),
    }
}
