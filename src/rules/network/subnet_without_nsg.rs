//! NET-005: a subnet with no network security group.

use super::{PLATFORM_SUBNETS, nsgs_of};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-005",
        name: "subnet-without-nsg",
        title: "Subnet has no network security group",
        severity: Severity::High,
        severity_reason: "High: a subnet without an NSG has no network filtering at all, so \
                           anything reaching the network reaches every machine in it (MCSB NS-1). \
                           Medium when the NSG exists but skips the subnet's private endpoints: \
                           only the PaaS services behind them go unfiltered, and they still ask \
                           for their own authentication.",
        kind: RuleKind::Topology,
        se: &["SE:06", "SE:04"],
        mcsb: &["NS-1"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["subnet"],
        checks: "Every subnet has a network security group associated with it (an `nsg_association` from a \
                 network security group into the subnet). Platform subnets where Azure does not support or \
                 need an NSG are skipped: GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet \
                 and RouteServerSubnet. A subnet holding private endpoints also has private endpoint \
                 network policies on for NSGs (`Enabled` or `NetworkSecurityGroupEnabled`), so its NSG \
                 applies to them.",
        rationale: "Without an NSG every resource in the subnet accepts traffic from anywhere in the virtual \
                    network and its peers, so one compromised host can reach every port of its neighbours. \
                    An NSG is the cheapest segmentation control Azure has and the basis of flow logging.",
        remediation: "Create a network security group for the subnet with rules that allow only the flows the \
                      workload needs, and associate it with the subnet. Where the subnet holds private \
                      endpoints, set `privateEndpointNetworkPolicies` to `Enabled`.",
        false_positives: "Subnets whose every network interface carries its own NSG, which the design does not \
                          show as associations.",
        learn: "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview",
        psrule: &["Azure.VNET.UseNSGs", "Azure.NSG.Associated"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for subnet in ctx.nodes_of_kind("subnet") {
        if PLATFORM_SUBNETS.contains(&ctx.text(subnet, "purpose")) {
            continue;
        }
        if nsgs_of(ctx, subnet).is_empty() {
            report.node(
                &subnet.id,
                format_args!(
                    "Subnet `{}` has no network security group",
                    ctx.label(subnet)
                ),
            );
        } else if !matches!(
            ctx.text(subnet, "private_endpoint_network_policies"),
            "Enabled" | "NetworkSecurityGroupEnabled"
        ) && ctx
            .children(subnet)
            .any(|child| child.kind == "private_endpoint")
        {
            // Without the policy, the subnet's NSG rules skip its private endpoints.
            report.node_with_graded(
                &subnet.id,
                Vec::new(),
                Severity::Medium,
                format_args!(
                    "Subnet `{}` has a network security group, but its private endpoints are not \
                     filtered by it: private endpoint network policies are off",
                    ctx.label(subnet)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Severity;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    #[test]
    fn fires_on_a_workload_subnet_without_an_nsg() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .build();
        assert_fires_on(&RULE, &design, &["snet"]);
    }

    #[test]
    fn quiet_with_an_nsg_and_for_platform_subnets() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("fw-snet", "subnet", "vnet")
            .set("fw-snet", "purpose", "AzureFirewallSubnet")
            .node("nsg", "network_security_group")
            .connect("nsg", "snet", "nsg_association")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn private_endpoints_outside_the_nsg_are_medium() {
        let endpoints = |policies: &str| {
            DesignBuilder::new()
                .node("vnet", "virtual_network")
                .child("snet", "subnet", "vnet")
                .set("snet", "private_endpoint_network_policies", policies)
                .child("pe", "private_endpoint", "snet")
                .node("nsg", "network_security_group")
                .connect("nsg", "snet", "nsg_association")
                .build()
        };
        let findings = run(&RULE, &endpoints("Disabled"));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Medium);
        assert_quiet(&RULE, &endpoints("Enabled"));
    }
}
