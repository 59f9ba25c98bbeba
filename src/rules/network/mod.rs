//! Network isolation and filtering (SE:04, SE:06), and the exposure analysis the edge and
//! compute groups share.
//!
//! The internet reach these rules read ([`Context::internet_reachable`] and its variants) is
//! computed once per evaluation and shared.

use std::collections::BTreeMap;

use super::context::Link;
use super::{Context, Rule};
use crate::model::{Node, NodeId};

mod data_store_exposed_to_internet;
mod data_store_open_to_named_ranges;
mod egress_bypasses_firewall;
mod firewall_lets_threats_through;
mod hybrid_link_bypasses_gateway;
mod hybrid_link_unencrypted;
mod management_ports_open_to_internet;
mod nsg_allows_inbound_from_any;
mod on_premises_private_dns_unresolved;
mod paas_reached_over_public_endpoint;
mod production_connected_to_non_production;
mod public_network_without_ddos_protection;
mod subnet_default_outbound_access;
mod subnet_without_nsg;
mod virtual_hub_not_secured;
mod vm_admin_without_bastion;
mod vm_public_ip_attached;
mod web_workload_without_waf;

pub(super) static RULES: &[&Rule] = &[
    &web_workload_without_waf::RULE,
    &data_store_exposed_to_internet::RULE,
    &data_store_open_to_named_ranges::RULE,
    &paas_reached_over_public_endpoint::RULE,
    &subnet_without_nsg::RULE,
    &nsg_allows_inbound_from_any::RULE,
    &management_ports_open_to_internet::RULE,
    &vm_public_ip_attached::RULE,
    &vm_admin_without_bastion::RULE,
    &egress_bypasses_firewall::RULE,
    &subnet_default_outbound_access::RULE,
    &production_connected_to_non_production::RULE,
    &firewall_lets_threats_through::RULE,
    &public_network_without_ddos_protection::RULE,
    &hybrid_link_bypasses_gateway::RULE,
    &hybrid_link_unencrypted::RULE,
    &virtual_hub_not_secured::RULE,
    &on_premises_private_dns_unresolved::RULE,
];

pub(super) use crate::rules::context::Reach;

/// Subnet purposes reserved for platform services, which manage their own filtering and routing.
pub(super) const PLATFORM_SUBNETS: [&str; 4] = [
    "GatewaySubnet",
    "AzureFirewallSubnet",
    "AzureFirewallManagementSubnet",
    "RouteServerSubnet",
];

/// How the internet gets to a reached node, for a finding: the other nodes on the path (its
/// related nodes), and the path in words, or that the node is open by itself.
pub(super) fn exposure<'a>(ctx: &Context<'a>, reach: &Reach, node: &Node) -> (Vec<NodeId>, String) {
    let path = ctx.path_from_internet(reach, node);
    let related = path
        .iter()
        .filter(|n| n.id != node.id)
        .map(|n| n.id.clone())
        .collect();
    let text = if path.len() < 2 {
        let own_ip = path
            .first()
            .is_some_and(|n| ctx.has_property(n, "public_ip") && ctx.bool(n, "public_ip"));
        if own_ip {
            "it has a public IP address of its own".to_owned()
        } else {
            "its own public endpoint accepts traffic from any network".to_owned()
        }
    } else {
        let starts_in_internet = path.first().is_some_and(|n| ctx.in_internet(n));
        let mut text = String::with_capacity(path.len() * 32);
        text.push_str(if starts_in_internet {
            "along "
        } else {
            "along internet → "
        });
        text.push_str(&ctx.describe_path(&path));
        text
    };
    (related, text)
}

/// Web servers behind an active web application firewall: the targets of its traffic, looking
/// through private endpoints, load balancers and firewalls to the resources behind them
/// ([`Context::reached_by`]). Each maps to the firewalls in front.
pub(super) fn waf_origins<'a>(ctx: &Context<'a>) -> BTreeMap<&'a NodeId, Vec<&'a Node>> {
    let mut origins: BTreeMap<&'a NodeId, Vec<&'a Node>> = BTreeMap::new();
    for gateway in ctx.nodes_with_trait("waf_capable") {
        if !ctx.is_active_waf(gateway) {
            continue;
        }
        for target in ctx.targets(gateway, "traffic") {
            for reached in ctx.reached_by(target) {
                let gateways = origins.entry(&reached.service.id).or_default();
                // Two routes to one origin name its firewall once.
                if !gateways.iter().any(|g| g.id == gateway.id) {
                    gateways.push(gateway);
                }
            }
        }
    }
    origins
}

/// The RDP and SSH sessions drawn in the design (see [`Context::is_management_session`]).
pub(super) fn management_sessions<'c, 'a>(ctx: &'c Context<'a>) -> Vec<&'c Link<'a>> {
    ctx.connections_of_kind("traffic")
        .iter()
        .filter(|c| ctx.is_management_session(*c))
        .collect()
}

/// Whether a management session starts on the internet: in the internet zone, or at a layer-4
/// device (public IP, load balancer, firewall DNAT) the internet reaches, which forwards the port.
pub(super) fn session_from_internet<'a>(ctx: &Context<'a>, reach: &Reach, from: &Node) -> bool {
    ctx.in_internet(from)
        || (matches!(
            from.kind.as_str(),
            "public_ip" | "load_balancer" | "azure_firewall"
        ) && ctx.reaches(reach, from))
}

/// Network security groups applied to a node (subnet or VM) through `nsg_association`.
pub(super) fn nsgs_of<'a>(ctx: &Context<'a>, node: &Node) -> Vec<&'a Node> {
    ctx.sources(node, "nsg_association")
        .into_iter()
        .filter(|n| n.kind == "network_security_group")
        .collect()
}

/// Route tables applied to a subnet (the association may be drawn either way).
pub(super) fn route_tables_of<'a>(ctx: &Context<'a>, subnet: &NodeId) -> Vec<&'a Node> {
    let mut tables: Vec<&Node> = ctx
        .sources(subnet, "route_association")
        .into_iter()
        .chain(ctx.targets(subnet, "route_association"))
        .filter(|n| n.kind == "route_table")
        .collect();
    tables.sort_by(|a, b| a.id.cmp(&b.id));
    tables.dedup_by(|a, b| a.id == b.id);
    tables
}

/// Joins labels for messages: "`a`", "`a` and `b`", "`a`, `b` and `c`".
pub(super) fn join_labels(ctx: &Context, nodes: &[&Node]) -> String {
    let labels: Vec<String> = nodes
        .iter()
        .map(|n| format!("`{}`", ctx.label(n)))
        .collect();
    join_list(&labels).to_string()
}

/// Joins phrases for messages: "a", "a and b", "a, b and c". Written straight into the
/// message that shows it.
pub(super) fn join_list<S: std::fmt::Display>(items: &[S]) -> JoinedList<'_, S> {
    JoinedList(items)
}

/// Phrases shown joined, as [`join_list`] describes.
pub(super) struct JoinedList<'s, S>(&'s [S]);

impl<S: std::fmt::Display> std::fmt::Display for JoinedList<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == self.0.len() { " and " } else { ", " })?;
            }
            item.fmt(f)?;
        }
        Ok(())
    }
}

/// A phrase of a message: text, or a value inside text (`patch mode is Manual`), written into
/// the message without a string of its own.
#[derive(Clone, Copy)]
pub(super) enum Phrase<'a> {
    Text(&'a str),
    Around(&'static str, &'a str, &'static str),
}

impl std::fmt::Display for Phrase<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Self::Text(text) => f.write_str(text),
            Self::Around(before, value, after) => {
                f.write_str(before)?;
                f.write_str(value)?;
                f.write_str(after)
            }
        }
    }
}

impl<'a> From<&'a str> for Phrase<'a> {
    fn from(text: &'a str) -> Self {
        Self::Text(text)
    }
}

/// Up to `N` phrases, kept on the stack: several rules list what a node lacks for every node
/// they examine, and a list on the heap each time had cost more than the checks themselves.
pub(super) struct Phrases<'a, const N: usize> {
    items: [Phrase<'a>; N],
    len: usize,
}

impl<'a, const N: usize> Phrases<'a, N> {
    pub(super) fn new() -> Self {
        Self {
            items: [Phrase::Text(""); N],
            len: 0,
        }
    }

    /// Adds a phrase; a rule never has more than `N` to say.
    pub(super) fn push(&mut self, phrase: impl Into<Phrase<'a>>) {
        debug_assert!(self.len < N, "more than {N} phrases");
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = phrase.into();
            self.len += 1;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn as_slice(&self) -> &[Phrase<'a>] {
        &self.items[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::{Phrase, Phrases, join_list};

    #[test]
    fn phrases_join_like_a_sentence() {
        let mut gaps: Phrases<'_, 3> = Phrases::new();
        assert!(gaps.is_empty());
        gaps.push("no backups");
        assert_eq!(join_list(gaps.as_slice()).to_string(), "no backups");
        gaps.push(Phrase::Around("patch mode is ", "Manual", ""));
        assert_eq!(
            join_list(gaps.as_slice()).to_string(),
            "no backups and patch mode is Manual"
        );
        gaps.push("no sensor");
        assert!(!gaps.is_empty());
        assert_eq!(
            join_list(gaps.as_slice()).to_string(),
            "no backups, patch mode is Manual and no sensor"
        );
    }
}
