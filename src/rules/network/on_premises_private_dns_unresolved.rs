//! NET-019: on-premises clients reach private endpoints, but nothing lets on-premises DNS
//! resolve their private names.

use crate::model::{NodeId, Severity};
use crate::rules::hash::FxHashSet;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-019",
        name: "on-premises-private-dns-unresolved",
        title: "On-premises clients cannot resolve the private endpoints they use",
        severity: Severity::Medium,
        severity_reason: "Medium: clients that cannot resolve the private zone get the public address and \
                          fail or fall back to the public endpoint, which weakens isolation but needs that \
                          endpoint open to do harm (MCSB NS-2).",
        kind: RuleKind::Topology,
        se: &["SE:06"],
        mcsb: &["NS-2"],
        stride: Stride::InformationDisclosure,
        scope: &["on_premises_zone"],
        checks: "When a traffic flow from an on-premises network reaches a service through a private \
                 endpoint, Azure holds a DNS path on-premises servers can forward privatelink zones to: \
                 a DNS Private Resolver with an inbound endpoint, Azure Firewall with DNS proxy on, or a \
                 virtual network using custom DNS servers (forwarder VMs).",
        rationale: "Private endpoint names resolve to private addresses only inside Azure, through the \
                    private DNS zones linked to its networks. On-premises DNS cannot query those zones \
                    by itself: clients get the public address, so their traffic either fails or, while \
                    the public endpoint is open, leaves the private link for the internet. Teams then \
                    tend to keep public access on to make it work.",
        remediation: "Deploy a DNS Private Resolver with an inbound endpoint in the hub (or enable Azure \
                      Firewall's DNS proxy) and add conditional forwarders for the privatelink zones on \
                      the on-premises DNS servers.",
        false_positives: "On-premises DNS that hosts copies of the privatelink records itself, or \
                          forwarders the design does not show.",
        learn: "https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration",
        psrule: &[],
    },
    check,
};

/// Whether Azure offers on-premises DNS a way into the private DNS zones.
fn resolution_path_exists(ctx: &Context) -> bool {
    ctx.nodes_of_kind("dns_private_resolver")
        .iter()
        .any(|r| ctx.bool(r, "inbound_endpoint"))
        || ctx
            .nodes_of_kind("azure_firewall")
            .iter()
            .any(|f| ctx.bool(f, "dns_proxy"))
        || ctx
            .nodes_of_kind("virtual_network")
            .iter()
            .any(|n| ctx.text(n, "dns") == "Custom")
}

fn check(ctx: &Context, report: &mut Report) {
    if ctx.nodes_of_kind("private_endpoint").is_empty() || resolution_path_exists(ctx) {
        return;
    }
    let mut on_premises: FxHashSet<&NodeId> = FxHashSet::default();
    for zone in ctx.nodes_with_trait("on_premises_zone") {
        on_premises.insert(&zone.id);
        on_premises.extend(ctx.descendants(zone).into_iter().map(|n| &n.id));
    }
    for flow in ctx.connections_of_kind("traffic") {
        if !on_premises.contains(&flow.from) {
            continue;
        }
        let target = ctx.target_of(flow);
        let Some(reached) = ctx.reached_by(target).find(|r| {
            r.service.kind == "private_endpoint"
                || r.through.iter().any(|n| n.kind == "private_endpoint")
        }) else {
            continue;
        };
        let endpoint = reached
            .through
            .iter()
            .copied()
            .find(|n| n.kind == "private_endpoint")
            .unwrap_or(reached.service);
        report.connection(
            &flow.id,
            format_args!(
                "`{}` reaches {} `{}` through private endpoint `{}`, but nothing lets \
                 on-premises DNS resolve its private name",
                ctx.label(ctx.source_of(flow)),
                ctx.kind_name(reached.service),
                ctx.label(reached.service),
                ctx.label(endpoint)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Design;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn on_premises_to_sql_through_endpoint(builder: DesignBuilder) -> Design {
        builder
            .node("corp", "on_premises_network")
            .child("client", "on_premises_server", "corp")
            .node("gw", "vnet_gateway")
            .node("pe", "private_endpoint")
            .node("sql", "sql_database")
            .set("sql", "public_network_access", "Disabled")
            .connect("client", "gw", "traffic")
            .connect("gw", "pe", "traffic")
            .connect("pe", "sql", "private_link")
            .build()
    }

    #[test]
    fn fires_without_a_resolver_proxy_or_forwarders() {
        let design = on_premises_to_sql_through_endpoint(DesignBuilder::new());
        assert_fires_on(&RULE, &design, &["c-1"]);
    }

    #[test]
    fn quiet_with_a_resolver_inbound_endpoint_or_a_dns_proxy() {
        let resolver = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("dnspr", "dns_private_resolver", "vnet")
            .set("dnspr", "inbound_endpoint", true);
        assert_quiet(&RULE, &on_premises_to_sql_through_endpoint(resolver));
        let proxy = DesignBuilder::new()
            .node("fw", "azure_firewall")
            .set("fw", "dns_proxy", true);
        assert_quiet(&RULE, &on_premises_to_sql_through_endpoint(proxy));
    }
}
