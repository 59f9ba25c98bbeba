//! NET-008: a virtual machine with its own public IP address.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-008",
        name: "vm-public-ip-attached",
        title: "Virtual machine has its own public IP address",
        severity: Severity::High,
        severity_reason: "High: a public IP on a virtual machine puts its open ports on the \
                           internet, without a gateway or firewall in front (MCSB NS-1).",
        kind: RuleKind::Topology,
        se: &["SE:06", "SE:08"],
        mcsb: &["NS-1"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["virtual_machine"],
        checks: "No virtual machine has a public IP on its network interface (the `public_ip` setting, or a \
                 traffic flow from a public IP component straight to the VM). Network virtual appliances \
                 (role NVA) are exempt.",
        rationale: "A public IP on a VM puts the machine directly on the internet: every open port is reachable, \
                    and a single NSG mistake exposes it. Inbound traffic belongs on a gateway or load balancer, \
                    administration on Bastion, and outbound traffic on a firewall or NAT gateway.",
        remediation: "Remove the public IP. Publish services through Application Gateway, Front Door or a load \
                      balancer, manage the VM through Azure Bastion, and give it explicit outbound access through \
                      Azure Firewall or a NAT gateway.",
        false_positives: "Appliances that terminate public traffic themselves but are not marked with the NVA \
                          role, such as a third-party VPN concentrator.",
        learn: "https://learn.microsoft.com/azure/virtual-network/ip-services/remove-public-ip-address-vm",
        psrule: &["Azure.VM.PublicIPAttached", "Azure.VMSS.PublicIPAttached"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for vm in ctx.nodes_of_kind("virtual_machine") {
        if ctx.text(vm, "role") == "NVA" {
            continue;
        }
        let attached: Vec<_> = ctx
            .sources(vm, "traffic")
            .into_iter()
            .filter(|n| n.kind == "public_ip")
            .collect();
        if ctx.bool(vm, "public_ip") || !attached.is_empty() {
            report.node_with(
                &vm.id,
                attached.iter().map(|n| n.id.clone()).collect(),
                format_args!(
                    "Virtual machine `{}` has its own public IP address",
                    ctx.label(vm)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn vms(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("a", "virtual_machine", "snet")
            .child("b", "virtual_machine", "snet")
    }

    #[test]
    fn fires_on_the_setting_and_on_a_drawn_public_ip() {
        let design = vms(DesignBuilder::new())
            .set("a", "public_ip", true)
            .node("pip", "public_ip")
            .connect("pip", "b", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["a", "b"]);
    }

    #[test]
    fn quiet_for_private_vms_and_appliances() {
        let design = vms(DesignBuilder::new())
            .set("a", "role", "NVA")
            .set("a", "public_ip", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
