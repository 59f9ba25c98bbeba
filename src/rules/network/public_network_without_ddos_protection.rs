//! NET-014: a virtual network with public entry points and no DDoS Network Protection.

use std::collections::BTreeMap;

use super::join_labels;
use crate::model::{Node, NodeId, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-014",
        name: "public-network-without-ddos-protection",
        title: "Network with public entry points has no DDoS protection",
        severity: Severity::Medium,
        severity_reason: "Medium: without DDoS Network Protection public endpoints rely on basic \
                           platform protection; availability rather than confidentiality is at \
                           stake (MCSB NS-5).",
        kind: RuleKind::Topology,
        se: &["SE:06"],
        mcsb: &["NS-5"],
        stride: Stride::DenialOfService,
        scope: &["virtual_network"],
        checks: "Every production or shared virtual network that holds a public entry point (a public \
                 Application Gateway, Azure Firewall, VPN or ExpressRoute gateway, Bastion, public load \
                 balancer, external App Service Environment or API Management, a VM with a public IP, or a \
                 component a public IP sends traffic to) has DDoS Network Protection: set on the network, or \
                 linked from an enabled DDoS protection plan, or DDoS IP Protection on the public IPs of every \
                 entry point.",
        rationale: "Infrastructure-level protection is tuned for Azure as a whole, not for one application's \
                    traffic. Network Protection learns each public IP's normal traffic, mitigates smaller \
                    volumetric and protocol attacks sooner, and adds attack telemetry and rapid response.",
        remediation: "Link the network to a DDoS protection plan (one plan can cover networks across \
                      subscriptions), or enable DDoS IP Protection on each public IP when only a few exist.",
        false_positives: "Networks whose only public entry point is Front Door, which has its own protection at the \
                          edge, or workloads that accept an outage under attack.",
        learn: "https://learn.microsoft.com/azure/ddos-protection/ddos-protection-overview",
        psrule: &[],
    },
    check,
};

/// The kinds [`public_entry`] looks at.
const ENTRY_KINDS: [&str; 8] = [
    "application_gateway",
    "azure_firewall",
    "vnet_gateway",
    "bastion",
    "load_balancer",
    "virtual_machine",
    "api_management",
    "app_service_environment",
];

/// Whether a node inside a virtual network carries a public IP by its own settings.
fn public_entry(ctx: &Context, node: &Node) -> bool {
    match node.kind.as_str() {
        "application_gateway" => matches!(ctx.text(node, "frontend"), "Public" | "Both"),
        "azure_firewall" | "vnet_gateway" => true,
        "bastion" => ctx.text(node, "sku") != "Developer",
        "load_balancer" => ctx.text(node, "type") == "Public",
        "virtual_machine" => ctx.bool(node, "public_ip"),
        "api_management" => ctx.text(node, "vnet_mode") == "External",
        "app_service_environment" => ctx.text(node, "load_balancer") == "External",
        _ => false,
    }
}

fn check(ctx: &Context, report: &mut Report) {
    // Entry points: nodes a public IP sends traffic to, and nodes public by their own settings.
    let mut candidates: Vec<&Node> = ctx
        .nodes_of_kinds(&ENTRY_KINDS)
        .into_iter()
        .filter(|n| public_entry(ctx, n))
        .collect();
    for ip in ctx.nodes_of_kind("public_ip") {
        let fed = ctx
            .outgoing(ip)
            .iter()
            .filter(|c| ctx.link_is(c, "traffic"));
        candidates.extend(fed.map(|c| ctx.target_of(c)));
    }
    candidates.sort_by(|a, b| a.id.cmp(&b.id));
    candidates.dedup_by(|a, b| a.id == b.id);
    let mut entries: BTreeMap<&NodeId, Vec<&Node>> = BTreeMap::new();
    for node in candidates {
        if let Some(network) = ctx.enclosing(node, "virtual_network") {
            entries.entry(&network.id).or_default().push(node);
        }
    }
    for (network_id, entry_points) in entries {
        let Some(network) = ctx.node(network_id) else {
            continue;
        };
        if ctx.environment(network) == "NonProduction"
            || ctx.text(network, "ddos_protection") == "NetworkProtection"
        {
            continue;
        }
        let planned = ctx
            .sources(network_id, "protects")
            .iter()
            .any(|p| p.kind == "ddos_protection_plan" && ctx.bool(p, "enabled"));
        let per_ip = entry_points.iter().all(|entry| {
            ctx.sources(entry, "traffic")
                .iter()
                .any(|ip| ip.kind == "public_ip" && ctx.bool(ip, "ddos_ip_protection"))
        });
        if planned || per_ip {
            continue;
        }
        report.node_with(
            network_id,
            entry_points.iter().map(|n| n.id.clone()).collect(),
            format_args!(
                "Virtual network `{}` holds public entry points ({}) but has no DDoS Network Protection",
                ctx.label(network),
                join_labels(ctx, &entry_points)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn gateway_network(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("vnet", "virtual_network")
            .child("agw-snet", "subnet", "vnet")
            .child("agw", "application_gateway", "agw-snet")
            .node("pip", "public_ip")
            .connect("pip", "agw", "traffic")
    }

    #[test]
    fn fires_on_a_public_gateway_without_protection() {
        let design = gateway_network(DesignBuilder::new()).build();
        assert_fires_on(&RULE, &design, &["vnet"]);
    }

    #[test]
    fn quiet_with_a_protection_plan_or_ip_protection() {
        let design = gateway_network(DesignBuilder::new())
            .node("plan", "ddos_protection_plan")
            .connect("plan", "vnet", "protects")
            .build();
        assert_quiet(&RULE, &design);
        let design = gateway_network(DesignBuilder::new())
            .set("pip", "ddos_ip_protection", true)
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn quiet_for_private_networks() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
            .build();
        assert_quiet(&RULE, &design);
    }
}
