//! NET-010: internet-bound traffic from a workload subnet does not go through the firewall.

use std::collections::{BTreeMap, BTreeSet};

use super::{PLATFORM_SUBNETS, route_tables_of};
use crate::model::{Node, NodeId, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-010",
        name: "egress-bypasses-firewall",
        title: "Workload egress does not go through the firewall",
        severity: Severity::High,
        severity_reason: "High: egress that bypasses the firewall lets a compromised workload \
                           exfiltrate data or reach its command server unfiltered (MCSB NS-3).",
        kind: RuleKind::Topology,
        se: &["SE:06"],
        mcsb: &["NS-3"],
        stride: Stride::InformationDisclosure,
        scope: &["virtual_network"],
        checks: "In spoke networks, and in any network that holds an Azure Firewall, every subnet that holds \
                 compute (VMs, AKS, App Service Environments, container apps, API Management) or receives an \
                 app's VNet integration has a route table whose default route goes to a virtual appliance (or \
                 to the VPN gateway, for forced tunnelling). A route to an appliance needs an Azure Firewall \
                 or an NVA in the design. VNet integration into such a network must route all traffic. Subnets \
                 for gateways, firewalls, Route Server, Bastion, Application Gateway and private endpoints \
                 are skipped.",
        rationale: "Without a default route to the firewall, workloads reach the internet directly: malware can \
                    call its command server and data can leave without inspection, logging or FQDN filtering. \
                    An app that routes only private ranges through its VNet sends every internet call around \
                    the firewall the network was built around.",
        remediation: "Associate a route table with 0.0.0.0/0 pointing to the firewall's private IP with each \
                      workload subnet (or use Virtual WAN routing intent), turn on Route All for VNet \
                      integration, and set AKS clusters to user-defined routing.",
        false_positives: "Subnets whose egress is filtered by a third-party appliance reached through a route the \
                          design does not show, or workloads with no outbound internet needs at all.",
        learn: "https://learn.microsoft.com/azure/architecture/networking/architecture/hub-spoke",
        psrule: &["Azure.VNET.FirewallSubnet"],
    },
    check,
};

/// Subnets whose egress is the platform's own business, or that never start internet traffic.
const EXEMPT_SUBNETS: [&str; 3] = [
    "AzureBastionSubnet",
    "ApplicationGateway",
    "PrivateEndpoints",
];

fn check(ctx: &Context, report: &mut Report) {
    // Networks expected to send egress through a firewall.
    let mut routed: BTreeSet<&NodeId> = ctx
        .nodes_of_kind("virtual_network")
        .iter()
        .filter(|n| ctx.text(n, "role") == "Spoke")
        .map(|n| &n.id)
        .collect();
    for firewall in ctx.nodes_of_kind("azure_firewall") {
        if let Some(network) = ctx.enclosing(firewall, "virtual_network") {
            routed.insert(&network.id);
        }
    }
    if routed.is_empty() {
        return;
    }
    let appliance_present = !ctx.nodes_of_kind("azure_firewall").is_empty()
        || ctx
            .nodes_of_kind("virtual_machine")
            .iter()
            .any(|vm| ctx.text(vm, "role") == "NVA");

    // Subnets that start egress, each with the workloads that do.
    let mut egress: BTreeMap<&NodeId, Vec<&Node>> = BTreeMap::new();
    for node in ctx.nodes_with_traits(&["compute", "web_workload"]) {
        if let Some(subnet) = ctx.enclosing(node, "subnet") {
            egress.entry(&subnet.id).or_default().push(node);
        }
    }
    let integrations = ctx.connections_of_kind("vnet_integration");
    for integration in integrations {
        if let Some(app) = ctx.node(&integration.from) {
            egress.entry(&integration.to).or_default().push(app);
        }
    }

    for (subnet_id, workloads) in &egress {
        let Some(subnet) = ctx.node(subnet_id) else {
            continue;
        };
        let purpose = ctx.text(subnet, "purpose");
        if PLATFORM_SUBNETS.contains(&purpose) || EXEMPT_SUBNETS.contains(&purpose) {
            continue;
        }
        let Some(network) = ctx.enclosing(subnet_id, "virtual_network") else {
            continue;
        };
        if !routed.contains(&network.id) {
            continue;
        }
        let tables = route_tables_of(ctx, subnet_id);
        let to_appliance = tables
            .iter()
            .any(|t| ctx.text(t, "default_route_next_hop") == "VirtualAppliance");
        let to_gateway = tables
            .iter()
            .any(|t| ctx.text(t, "default_route_next_hop") == "VirtualNetworkGateway");
        let problem = if to_gateway || (to_appliance && appliance_present) {
            continue;
        } else if to_appliance {
            "its default route points to a virtual appliance, but the design has no firewall or NVA"
                .to_owned()
        } else if let Some(table) = tables.first() {
            format!(
                "route table `{}` sends the default route to {}, not to the firewall",
                ctx.label(table),
                ctx.text(table, "default_route_next_hop")
            )
        } else {
            "it has no route table sending the default route to the firewall".to_owned()
        };
        report.node_with(
            subnet_id,
            workloads.iter().map(|n| n.id.clone()).collect(),
            format_args!(
                "Internet traffic from subnet `{}` bypasses the firewall: {problem}",
                ctx.label(subnet)
            ),
        );
    }

    for integration in integrations {
        if ctx.connection_bool(integration, "route_all") {
            continue;
        }
        let in_routed_network = ctx
            .enclosing(&integration.to, "virtual_network")
            .is_some_and(|n| routed.contains(&n.id));
        let Some(app) = ctx.node(&integration.from) else {
            continue;
        };
        if in_routed_network {
            report.connection(
                &integration.id,
                format_args!(
                    "VNet integration of `{}` routes only private ranges, so its internet traffic skips the firewall",
                    ctx.label(app)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{self, DesignBuilder, assert_fires_on, assert_quiet};

    /// The shared hub and spoke with a VM, an integration subnet and an app.
    fn hub_and_spoke(builder: DesignBuilder) -> DesignBuilder {
        testing::hub_and_spoke(builder)
            .child("vm", "virtual_machine", "snet")
            .child("snet-int", "subnet", "spoke")
            .node("app", "app_service")
    }

    #[test]
    fn fires_on_unrouted_subnets_and_partial_integration() {
        let design = hub_and_spoke(DesignBuilder::new())
            .connect("app", "snet-int", "vnet_integration")
            .build();
        assert_fires_on(&RULE, &design, &["snet", "snet-int", "c-1"]);
    }

    #[test]
    fn quiet_when_routed_to_the_firewall() {
        let design = hub_and_spoke(DesignBuilder::new())
            .node("rt", "route_table")
            .set("rt", "default_route_next_hop", "VirtualAppliance")
            .connect("rt", "snet", "route_association")
            .connect("rt", "snet-int", "route_association")
            .connect_with(
                "app",
                "snet-int",
                "vnet_integration",
                &[("route_all", Value::from(true))],
            )
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn quiet_for_standalone_networks_without_a_firewall() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
            .build();
        assert_quiet(&RULE, &design);
    }
}
