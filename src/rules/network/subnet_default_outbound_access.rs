//! NET-011: a subnet that still gives machines implicit internet access.

use super::PLATFORM_SUBNETS;
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-011",
        name: "subnet-default-outbound-access",
        title: "Subnet gives machines implicit internet access",
        severity: Severity::Medium,
        severity_reason: "Medium: default outbound access gives machines an implicit internet path \
                           that no control was set up for; it matters once a machine is \
                           compromised (MCSB NS-3).",
        kind: RuleKind::Property,
        se: &["SE:06"],
        mcsb: &["NS-3"],
        stride: Stride::InformationDisclosure,
        scope: &["subnet"],
        checks: "Every subnet that can hold virtual machines or scale sets has default outbound access turned \
                 off (a private subnet). Platform subnets (gateway, firewall, Route Server, Bastion, Application \
                 Gateway) and subnets delegated to a PaaS service, which manages its own egress, are skipped.",
        rationale: "Default outbound access hands machines a Microsoft-owned public address for egress that no \
                    one chose, no firewall sees and no one can allow-list. Private subnets make every internet \
                    path explicit: a firewall route, a NAT gateway or load balancer outbound rules.",
        remediation: "Turn default outbound access off on the subnet and give machines that need the internet an \
                      explicit path, preferably a route through Azure Firewall, otherwise a NAT gateway.",
        false_positives: "Existing subnets that already send all egress through an explicit method, where the \
                          setting has no effect; it is still worth turning off so it stays explicit.",
        learn: "https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access",
        psrule: &["Azure.VNET.PrivateSubnet"],
    },
    check,
};

/// Subnets where no customer VM runs, so the setting does not apply.
const NO_VM_SUBNETS: [&str; 5] = [
    "AzureBastionSubnet",
    "ApplicationGateway",
    "AppServiceIntegration",
    "AppServiceEnvironment",
    "ContainerAppsEnvironment",
];

fn check(ctx: &Context, report: &mut Report) {
    for subnet in ctx.nodes_of_kind("subnet") {
        let purpose = ctx.text(subnet, "purpose");
        if PLATFORM_SUBNETS.contains(&purpose)
            || NO_VM_SUBNETS.contains(&purpose)
            || !ctx.text(subnet, "delegation").trim().is_empty()
        {
            continue;
        }
        if ctx.bool(subnet, "default_outbound_access") {
            report.node(
                &subnet.id,
                format_args!(
                    "Subnet `{}` still gives its machines default outbound internet access",
                    ctx.label(subnet)
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
    fn fires_on_the_platform_default() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .build();
        assert_fires_on(&RULE, &design, &["snet"]);
    }

    #[test]
    fn quiet_for_private_platform_and_delegated_subnets() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .set("snet", "default_outbound_access", false)
            .child("gw", "subnet", "vnet")
            .set("gw", "purpose", "GatewaySubnet")
            .child("int", "subnet", "vnet")
            .set("int", "delegation", "Microsoft.Web/serverFarms")
            .build();
        assert_quiet(&RULE, &design);
    }
}
