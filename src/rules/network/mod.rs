//! Network isolation and filtering (SE:04, SE:06), and the exposure analysis the edge and
//! compute groups share.
//!
//! The exposure helpers refine [`Context::publicly_accessible`] for kinds whose public endpoint
//! is set by other properties (container apps, internal API Management, apps in an App Service
//! Environment, public entry points that need no drawn internet edge). Each rule that uses them
//! runs one breadth-first search, so the cost stays linear in nodes plus connections.

use std::collections::BTreeMap;

use super::{Context, Rule};
use crate::model::{Connection, Node, NodeId};

mod data_store_exposed_to_internet;
mod egress_bypasses_firewall;
mod firewall_lets_threats_through;
mod hybrid_link_bypasses_gateway;
mod hybrid_link_unencrypted;
mod management_ports_open_to_internet;
mod nsg_allows_inbound_from_any;
mod paas_reached_over_public_endpoint;
mod production_connected_to_non_production;
mod public_network_without_ddos_protection;
mod subnet_default_outbound_access;
mod subnet_without_nsg;
mod vm_admin_without_bastion;
mod vm_public_ip_attached;
mod web_workload_without_waf;

pub(super) static RULES: &[&Rule] = &[
    &web_workload_without_waf::RULE,
    &data_store_exposed_to_internet::RULE,
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
];

/// Nodes the internet reaches, each mapped to the node it was reached from (`None` for a node
/// that is open by itself), in the shape [`Context::path_from_internet`] reads.
pub(super) type Reach<'a> = BTreeMap<&'a NodeId, Option<&'a NodeId>>;

/// Subnet purposes reserved for platform services, which manage their own filtering and routing.
pub(super) const PLATFORM_SUBNETS: [&str; 4] = [
    "GatewaySubnet",
    "AzureFirewallSubnet",
    "AzureFirewallManagementSubnet",
    "RouteServerSubnet",
];

/// Whether a node accepts traffic from the internet although no connection is drawn to it.
pub(super) fn open_to_internet(ctx: &Context, node: &Node) -> bool {
    match node.kind.as_str() {
        // Public entry points exist to take internet traffic.
        "public_ip" | "front_door" => true,
        "load_balancer" => ctx.text(node, "type") == "Public",
        "application_gateway" => matches!(ctx.text(node, "frontend"), "Public" | "Both"),
        "app_service_environment" => ctx.text(node, "load_balancer") == "External",
        // In internal mode the gateway has only a private address, whatever the public network
        // access setting says (that setting governs the private endpoint scenario).
        "api_management" => {
            ctx.text(node, "vnet_mode") != "Internal" && ctx.publicly_accessible(node)
        }
        // Apps in an App Service Environment are exposed through the environment's load balancer.
        "app_service" | "function_app"
            if ctx.enclosing(&node.id, "app_service_environment").is_some() =>
        {
            false
        }
        "container_app" => {
            ctx.text(node, "ingress") == "External"
                && !ctx.bool(node, "environment_internal")
                && ctx.text(node, "environment_public_network_access") == "Enabled"
                && ctx.text(node, "ip_restrictions_mode") != "Allow"
        }
        "postgresql_flexible_server" => ctx.text(node, "network_mode") == "PublicAccess",
        "sql_managed_instance" => ctx.bool(node, "public_data_endpoint"),
        _ => ctx.publicly_accessible(node),
    }
}

/// What the internet reaches along data flows, from the internet zone and from nodes open by
/// themselves. Traffic continues only out of nodes `expands` accepts and never enters a node
/// `blocks` accepts (a blocked node is not a starting point either).
pub(super) fn internet_reach<'a>(
    ctx: &Context<'a>,
    expands: impl Fn(&Node) -> bool,
    blocks: impl Fn(&Node) -> bool,
) -> Reach<'a> {
    let design = ctx.design;
    let zone = ctx.internet_sources();
    let open: Vec<&'a NodeId> = ctx
        .nodes()
        .filter(|n| !blocks(n) && open_to_internet(ctx, n))
        .map(|n| &n.id)
        .collect();
    let sources = zone.iter().copied().chain(open.iter().copied());
    let follow = |c: &Connection| ctx.is_flow(c) && design.node(&c.from).is_some_and(&expands);
    let mut reach: Reach<'a> = design
        .reachable(sources, follow, &blocks)
        .into_iter()
        .map(|(node, previous)| (node, Some(previous)))
        .collect();
    for id in open {
        reach.entry(id).or_insert(None);
    }
    // Nodes inside the internet zone are the internet, not exposed to it.
    for id in zone {
        reach.remove(id);
    }
    reach
}

/// How the internet gets to a reached node, for messages: the drawn path, or its own endpoint.
pub(super) fn describe_exposure<'a>(ctx: &Context<'a>, reach: &Reach<'a>, node: &NodeId) -> String {
    let path = ctx.path_from_internet(reach, node);
    if path.len() < 2 {
        let own_ip = path
            .first()
            .is_some_and(|n| ctx.has_property(n, "public_ip") && ctx.bool(n, "public_ip"));
        return if own_ip {
            "it has a public IP address of its own".to_owned()
        } else {
            "its own public endpoint accepts traffic from any network".to_owned()
        };
    }
    let starts_in_internet = path.first().is_some_and(|n| {
        ctx.has_trait(n, "internet_zone") || ctx.inside_trait(&n.id, "internet_zone")
    });
    let text = ctx.describe_path(&path);
    if starts_in_internet {
        format!("along {text}")
    } else {
        format!("along internet → {text}")
    }
}

/// The other nodes on the path to a reached node, for a finding's related list.
pub(super) fn path_nodes<'a>(ctx: &Context<'a>, reach: &Reach<'a>, node: &NodeId) -> Vec<NodeId> {
    ctx.path_from_internet(reach, node)
        .into_iter()
        .filter(|n| &n.id != node)
        .map(|n| n.id.clone())
        .collect()
}

/// Web servers behind an active web application firewall: the targets of its traffic, looking
/// through private endpoints to the resource they expose. Each maps to the firewalls in front.
pub(super) fn waf_origins<'a>(ctx: &Context<'a>) -> BTreeMap<&'a NodeId, Vec<&'a Node>> {
    let mut origins: BTreeMap<&'a NodeId, Vec<&'a Node>> = BTreeMap::new();
    for gateway in ctx.nodes_with_trait("waf_capable") {
        if !ctx.is_active_waf(gateway) {
            continue;
        }
        for target in ctx.targets(&gateway.id, "traffic") {
            if target.kind == "private_endpoint" {
                for resource in ctx.targets(&target.id, "private_link") {
                    origins.entry(&resource.id).or_default().push(gateway);
                }
            } else {
                origins.entry(&target.id).or_default().push(gateway);
            }
        }
    }
    origins
}

/// Whether a connection is an RDP or SSH session (by protocol, or by port 22 or 3389).
pub(super) fn is_management_session(ctx: &Context, connection: &Connection) -> bool {
    connection.kind == "traffic"
        && (matches!(ctx.connection_text(connection, "protocol"), "RDP" | "SSH")
            || matches!(ctx.connection_int(connection, "port"), 22 | 3389))
}

/// Whether a management session starts on the internet: in the internet zone, or at a layer-4
/// device (public IP, load balancer, firewall DNAT) the internet reaches, which forwards the port.
pub(super) fn session_from_internet<'a>(ctx: &Context<'a>, reach: &Reach<'a>, from: &Node) -> bool {
    ctx.has_trait(from, "internet_zone")
        || ctx.inside_trait(&from.id, "internet_zone")
        || (matches!(
            from.kind.as_str(),
            "public_ip" | "load_balancer" | "azure_firewall"
        ) && reach.contains_key(&from.id))
}

/// Network security groups applied to a node (subnet or VM) through `nsg_association`.
pub(super) fn nsgs_of<'a>(ctx: &Context<'a>, node: &NodeId) -> Vec<&'a Node> {
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
    join_list(&labels)
}

/// Joins phrases for messages: "a", "a and b", "a, b and c".
pub(super) fn join_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
