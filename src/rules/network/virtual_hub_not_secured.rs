//! NET-018: a Virtual WAN hub that inspects none of the traffic it routes.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-018",
        name: "virtual-hub-not-secured",
        title: "Virtual WAN hub routes traffic without inspecting it",
        severity: Severity::High,
        severity_reason: "High: a hub without a firewall or routing intent passes traffic between \
                          branches, spokes and the internet uninspected, so one compromised network \
                          reaches all the others (MCSB NS-3, NS-1).",
        kind: RuleKind::Topology,
        se: &["SE:06"],
        mcsb: &["NS-3", "NS-1"],
        stride: Stride::InformationDisclosure,
        scope: &["virtual_wan_hub"],
        checks: "Every Virtual WAN hub is a secured hub: an Azure Firewall sits in it (or a partner \
                 security provider is set), and routing intent sends internet traffic, private traffic \
                 or both through it.",
        rationale: "A hub joins every connected network, branch and VPN user: without a firewall in it, \
                    traffic between them and out to the internet flows unfiltered and unlogged. A \
                    firewall in the hub inspects nothing until routing intent (or route tables) send \
                    traffic to it.",
        remediation: "Deploy Azure Firewall into the hub (or a supported partner provider), then turn on \
                      routing intent for internet and private traffic with the firewall as next hop.",
        false_positives: "Hubs that steer traffic to the firewall with custom route tables instead of \
                          routing intent, which the design does not model.",
        learn: "https://learn.microsoft.com/azure/virtual-wan/how-to-routing-policies",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for hub in ctx.nodes_of_kind("virtual_wan_hub") {
        let firewall = ctx
            .children(hub)
            .find(|child| child.kind == "azure_firewall");
        let provider = firewall.is_some() || ctx.bool(hub, "third_party_security");
        let routed =
            ctx.bool(hub, "routing_intent_internet") || ctx.bool(hub, "routing_intent_private");
        let label = ctx.label(hub);
        match (provider, firewall) {
            (false, _) => report.node(
                &hub.id,
                format_args!(
                    "Virtual WAN hub `{label}` has no firewall or security provider, so traffic \
                     between its networks, branches and the internet is not inspected"
                ),
            ),
            (true, _) if routed => {}
            (true, Some(firewall)) => report.node_with(
                &hub.id,
                vec![firewall.id.clone()],
                format_args!(
                    "Virtual WAN hub `{label}` holds Azure Firewall `{}` but no routing intent sends \
                     traffic through it",
                    ctx.label(firewall)
                ),
            ),
            (true, None) => report.node(
                &hub.id,
                format_args!(
                    "Virtual WAN hub `{label}` has a partner security provider but no routing intent \
                     sends traffic through it"
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_a_hub_without_a_firewall_or_without_routing_intent() {
        let design = DesignBuilder::new()
            .node("plain", "virtual_wan_hub")
            .node("unrouted", "virtual_wan_hub")
            .child("fw", "azure_firewall", "unrouted")
            .build();
        assert_fires_on(&RULE, &design, &["plain", "unrouted"]);
    }

    #[test]
    fn quiet_on_secured_hubs_with_routing_intent() {
        let design = DesignBuilder::new()
            .node("secured", "virtual_wan_hub")
            .set("secured", "routing_intent_internet", true)
            .child("fw", "azure_firewall", "secured")
            .node("partner", "virtual_wan_hub")
            .set("partner", "third_party_security", true)
            .set("partner", "routing_intent_private", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
