//! Which controls a design holds, who provides them and what they cover.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Node, NodeId, Value};
use crate::rules::Context;

use super::data::{ControlDef, Covers, Realisation};

/// A control provided by one component of the design.
#[derive(Debug)]
pub struct Provided<'a> {
    pub control: &'static ControlDef,
    pub provider: &'a Node,
    /// In an alert-only mode (a WAF in Detection mode): it detects, it does not block.
    pub alert_only: bool,
    pub covers: Covered,
}

/// What a provided control covers.
#[derive(Debug, PartialEq, Eq)]
pub enum Covered {
    Everything,
    Nodes(BTreeSet<NodeId>),
}

impl Provided<'_> {
    /// Whether it covers anything at all: a Defender for Storage plan in a design with no
    /// storage counts for nothing.
    pub fn covers_something(&self) -> bool {
        match &self.covers {
            Covered::Everything => true,
            Covered::Nodes(nodes) => !nodes.is_empty(),
        }
    }
}

/// Every control the design holds, sorted by control id, then provider id.
pub fn provided<'a>(ctx: &Context<'a>, controls: &'static [ControlDef]) -> Vec<Provided<'a>> {
    let mut found = Vec::new();
    for control in controls {
        for way in &control.realised_by {
            for provider in ctx.nodes_of_kind(&way.kind) {
                if !way
                    .when
                    .iter()
                    .all(|(p, values)| has(ctx, provider, p, values))
                {
                    continue;
                }
                let alert_only = way
                    .alert_only
                    .iter()
                    .any(|(p, values)| has(ctx, provider, p, values));
                found.push(Provided {
                    control,
                    provider,
                    alert_only,
                    covers: covered(ctx, provider, way),
                });
            }
        }
    }
    found.sort_by(|a, b| {
        (a.control.control.as_str(), &a.provider.id)
            .cmp(&(b.control.control.as_str(), &b.provider.id))
    });
    found
}

/// Which blocking control instance covers which node, for lookups by (control, node).
pub struct Blocking<'p, 'a> {
    everywhere: BTreeMap<&'static str, &'p Provided<'a>>,
    by_node: BTreeMap<(&'static str, &'p NodeId), &'p Provided<'a>>,
}

impl<'p, 'a> Blocking<'p, 'a> {
    /// Indexes the instances that block (not alert-only); the first by provider id wins.
    pub fn new(provided: &'p [Provided<'a>]) -> Self {
        let mut everywhere = BTreeMap::new();
        let mut by_node = BTreeMap::new();
        for instance in provided.iter().filter(|p| !p.alert_only) {
            let control = instance.control.control.as_str();
            match &instance.covers {
                Covered::Everything => {
                    everywhere.entry(control).or_insert(instance);
                }
                Covered::Nodes(nodes) => {
                    for node in nodes {
                        by_node.entry((control, node)).or_insert(instance);
                    }
                }
            }
        }
        Self {
            everywhere,
            by_node,
        }
    }

    /// A blocking instance of the control that covers the node.
    pub fn covering(&self, control: &str, node: &NodeId) -> Option<&'p Provided<'a>> {
        self.everywhere
            .get(control)
            .or_else(|| self.by_node.get(&(control, node)))
            .copied()
    }
}

/// Whether a component's property has one of `values` (a list property: contains one).
pub fn has(ctx: &Context, node: &Node, property: &'static str, values: &[Value]) -> bool {
    ctx.value(node, property)
        .is_some_and(|value| matches_any(value, values))
}

pub fn matches_any(value: &Value, values: &[Value]) -> bool {
    match value {
        Value::List(items) => values
            .iter()
            .any(|v| v.as_text().is_some_and(|t| items.iter().any(|i| i == t))),
        _ => values.contains(value),
    }
}

fn covered(ctx: &Context, provider: &Node, way: &'static Realisation) -> Covered {
    let mut nodes = BTreeSet::new();
    let add_with_contents = |nodes: &mut BTreeSet<NodeId>, node: &Node| {
        nodes.insert(node.id.clone());
        nodes.extend(ctx.descendants(node).into_iter().map(|n| n.id.clone()));
    };
    match &way.covers {
        Covers::Design => return Covered::Everything,
        Covers::Itself => {
            nodes.insert(provider.id.clone());
        }
        Covers::Contents => add_with_contents(&mut nodes, provider),
        Covers::Governed(kinds) => {
            let mut governed = BTreeSet::new();
            for scope in ctx.targets(provider, "governs") {
                add_with_contents(&mut governed, scope);
            }
            for id in governed {
                if let Some(node) = ctx.node(&id)
                    && kinds
                        .iter()
                        .any(|k| node.kind == k.as_str() || ctx.has_trait(node, k))
                {
                    nodes.insert(id);
                }
            }
        }
        Covers::Downstream => {
            // A WAF inspects the requests sent to it as well as those it passes on.
            nodes.insert(provider.id.clone());
            for link in ctx.outgoing(provider) {
                if !link.flow {
                    continue;
                }
                let target = ctx.target_of(link);
                nodes.insert(target.id.clone());
                for reached in ctx.reached_by(target) {
                    nodes.insert(reached.service.id.clone());
                }
            }
        }
        Covers::Linked(kind) => {
            for node in ctx
                .targets(provider, kind)
                .into_iter()
                .chain(ctx.sources(provider, kind))
            {
                add_with_contents(&mut nodes, node);
            }
        }
        Covers::Network => {
            let home = if provider.kind == "virtual_network" {
                Some(provider)
            } else {
                ctx.enclosing(provider, "virtual_network")
            };
            if let Some(home) = home {
                add_with_contents(&mut nodes, home);
                for peer in ctx
                    .targets(home, "peering")
                    .into_iter()
                    .chain(ctx.sources(home, "peering"))
                {
                    add_with_contents(&mut nodes, peer);
                }
            }
        }
    }
    Covered::Nodes(nodes)
}
