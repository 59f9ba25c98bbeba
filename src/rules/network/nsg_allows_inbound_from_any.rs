//! NET-006: a network security group that admits inbound traffic from any source.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-006",
        name: "nsg-allows-inbound-from-any",
        title: "Network security group allows inbound traffic from any source",
        severity: Severity::High,
        severity_reason: "High: an inbound rule open to any source exposes the listed ports to the \
                           internet wherever a public address reaches them (MCSB NS-1).",
        kind: RuleKind::Property,
        se: &["SE:06"],
        mcsb: &["NS-1"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["network_security_group"],
        checks: "No network security group has an inbound allow rule whose source is Any or Internet, except \
                 when it is applied only to subnets that must accept client traffic from the internet: \
                 Application Gateway and Azure Bastion subnets.",
        rationale: "A rule open to any source exposes every listed port to the whole internet and every peered \
                    network, which defeats the purpose of the NSG. Sources should name the callers: service \
                    tags, application security groups or specific prefixes.",
        remediation: "Replace Any or Internet sources with the service tag, application security group or address \
                      range of the real callers. Keep internet sources only on the subnet of the gateway that \
                      publishes the workload.",
        false_positives: "NSGs on subnets that host an internet-facing service the catalog has no purpose for, \
                          such as a third-party reverse proxy.",
        learn: "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview",
        psrule: &["Azure.NSG.AnyInboundSource"],
    },
    check,
};

/// Whether the NSG is applied only to subnets whose service must take internet traffic.
fn guards_only_internet_gateways(ctx: &Context, nsg: &Node) -> bool {
    let applied_to = ctx.targets(nsg, "nsg_association");
    !applied_to.is_empty()
        && applied_to.iter().all(|target| {
            target.kind == "subnet"
                && matches!(
                    ctx.text(target, "purpose"),
                    "ApplicationGateway" | "AzureBastionSubnet"
                )
        })
}

fn check(ctx: &Context, report: &mut Report) {
    for nsg in ctx.nodes_of_kind("network_security_group") {
        if ctx.bool(nsg, "allows_inbound_from_any") && !guards_only_internet_gateways(ctx, nsg) {
            report.node(
                &nsg.id,
                format_args!(
                    "Network security group `{}` allows inbound traffic from any source",
                    ctx.label(nsg)
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
    fn fires_on_an_open_rule_for_a_workload_subnet() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .node("nsg", "network_security_group")
            .set("nsg", "allows_inbound_from_any", true)
            .connect("nsg", "snet", "nsg_association")
            .build();
        assert_fires_on(&RULE, &design, &["nsg"]);
    }

    #[test]
    fn quiet_on_a_gateway_subnet_and_by_default() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("agw-snet", "subnet", "vnet")
            .set("agw-snet", "purpose", "ApplicationGateway")
            .node("nsg-agw", "network_security_group")
            .set("nsg-agw", "allows_inbound_from_any", true)
            .connect("nsg-agw", "agw-snet", "nsg_association")
            .node("nsg", "network_security_group")
            .build();
        assert_quiet(&RULE, &design);
    }
}
