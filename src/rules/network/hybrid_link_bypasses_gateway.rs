//! NET-015: on-premises connectivity that does not terminate on a VPN or ExpressRoute gateway.

use crate::model::{NodeId, Severity};
use crate::rules::hash::FxHashSet;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-015",
        name: "hybrid-link-bypasses-gateway",
        title: "On-premises traffic does not arrive through a VPN or ExpressRoute gateway",
        severity: Severity::Medium,
        severity_reason: "Medium: on-premises traffic that skips the gateway goes to public \
                           endpoints the internet also reaches; the components themselves are \
                           judged by the exposure rules (MCSB NS-9).",
        kind: RuleKind::Topology,
        se: &["SE:06", "SE:07"],
        mcsb: &["NS-9"],
        stride: Stride::InformationDisclosure,
        scope: &["on_premises_zone"],
        checks: "Every hybrid link ends at a VPN or ExpressRoute gateway, and no traffic flow from an on-premises \
                 network goes straight to an Azure component's public endpoint. Flows to public entry points \
                 (public IPs, gateways, Front Door) are treated as deliberate public access, and flows to \
                 private-only components as shorthand for a path through the gateway.",
        rationale: "Internal traffic that crosses the internet to a public endpoint depends on that endpoint \
                    staying open to the company's egress addresses and travels outside the private network. A \
                    gateway in the hub keeps the traffic private and lets the firewall and NSGs filter it like \
                    any other internal flow.",
        remediation: "Connect the on-premises network with site-to-site VPN or ExpressRoute private peering to a \
                      gateway in the hub, reach services through private endpoints over that link, and then \
                      close their public endpoints.",
        false_positives: "Services that are deliberately public and also used by on-premises users over the \
                          internet.",
        learn: "https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpngateways",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    // On-premises nodes: the zones and everything inside them.
    let mut on_premises: FxHashSet<&NodeId> = FxHashSet::default();
    for zone in ctx.nodes_with_trait("on_premises_zone") {
        on_premises.insert(&zone.id);
        on_premises.extend(ctx.descendants(zone).into_iter().map(|n| &n.id));
    }
    let links = ctx.connections_of_kind("hybrid_link").iter();
    let from_on_premises = ctx
        .connections_of_kind("traffic")
        .iter()
        .filter(|c| on_premises.contains(&c.from));
    for connection in links.chain(from_on_premises) {
        let (Some(from), Some(to)) = (ctx.node(&connection.from), ctx.node(&connection.to)) else {
            continue;
        };
        if connection.kind == "hybrid_link" {
            if from.kind != "vnet_gateway" && to.kind != "vnet_gateway" {
                report.connection(
                    &connection.id,
                    format_args!(
                        "Hybrid link between `{}` and `{}` does not end at a VPN or ExpressRoute gateway",
                        ctx.label(from),
                        ctx.label(to)
                    ),
                );
            }
            continue;
        }
        let in_azure =
            !ctx.has_trait(to, "boundary_zone") && !ctx.inside_trait(to, "boundary_zone");
        if in_azure
            && to.kind != "vnet_gateway"
            && !ctx.has_trait(to, "public_entry")
            && ctx.publicly_accessible(to)
        {
            report.connection(
                &connection.id,
                format_args!(
                    "`{}` reaches {} `{}` over its public endpoint instead of through the hybrid gateway",
                    ctx.label(from),
                    ctx.kind_name(to),
                    ctx.label(to)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_a_link_to_a_vm_and_a_flow_to_a_public_app() {
        let design = DesignBuilder::new()
            .node("onprem", "on_premises_network")
            .child("server", "on_premises_server", "onprem")
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
            .node("app", "app_service")
            .connect("onprem", "vm", "hybrid_link")
            .connect("server", "app", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["c-1", "c-2"]);
    }

    #[test]
    fn quiet_through_a_gateway() {
        let design = DesignBuilder::new()
            .node("onprem", "on_premises_network")
            .child("server", "on_premises_server", "onprem")
            .node("vnet", "virtual_network")
            .child("gw-snet", "subnet", "vnet")
            .set("gw-snet", "purpose", "GatewaySubnet")
            .child("gw", "vnet_gateway", "gw-snet")
            .node("app", "app_service")
            .set("app", "public_network_access", "Disabled")
            .connect("onprem", "gw", "hybrid_link")
            .connect("server", "gw", "traffic")
            .connect("gw", "app", "traffic")
            .build();
        assert_quiet(&RULE, &design);
    }
}
