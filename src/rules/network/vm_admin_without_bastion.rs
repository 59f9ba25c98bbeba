//! NET-009: virtual machines administered without Azure Bastion.

use std::collections::BTreeSet;

use super::{management_sessions, session_from_internet};
use crate::model::{NodeId, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-009",
        name: "vm-admin-without-bastion",
        title: "Virtual machine administration does not go through Azure Bastion",
        severity: Severity::High,
        severity_reason: "High: administrator access that does not go through Bastion needs \
                           management ports reachable some other way, the path attackers use for \
                           lateral movement and brute force (MCSB PA-6, NS-1). Medium for a \
                           Bastion with shareable links: the link skips Entra ID and Conditional \
                           Access, but the machine's own credentials are still needed.",
        kind: RuleKind::Topology,
        se: &["SE:06", "SE:05"],
        mcsb: &["PA-6", "NS-1"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["virtual_machine"],
        checks: "Every virtual machine that is administered interactively (the default; immutable machines turn \
                 `interactive_admin` off) has Azure Bastion in its own virtual network, or in a network peered \
                 with it (the Developer SKU does not reach peers). Every RDP or SSH session drawn to a machine \
                 starts at Bastion or at a VPN gateway; sessions from the internet are left to NET-007. A \
                 session into a load balancer or firewall is judged at the machine behind it, named in the \
                 finding. Bastion hosts have shareable links off.",
        rationale: "Bastion brokers RDP and SSH over TLS from the Azure portal or native clients, behind Entra ID \
                    sign-in and Conditional Access, so machines need no public IP and no management port open \
                    to wider networks. Jump boxes and direct sessions spread credentials and leave standing \
                    paths for lateral movement.",
        remediation: "Deploy Azure Bastion (Basic or higher) in the hub or the workload network, allow 22 and 3389 \
                      on the machines only from the AzureBastionSubnet, and retire jump boxes and direct sessions. \
                      Turn shareable links off, so every session starts with an Entra ID sign-in.",
        false_positives: "Machines managed only through configuration tooling over an authenticated channel, or \
                          through a privileged access solution the design does not show.",
        learn: "https://learn.microsoft.com/azure/bastion/bastion-overview",
        psrule: &["Azure.VNET.BastionSubnet"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    let bastions = ctx.nodes_of_kind("bastion");
    // Networks Bastion serves: its own, plus peered ones unless it is the Developer SKU.
    let mut served: BTreeSet<&NodeId> = BTreeSet::new();
    for bastion in bastions {
        let Some(network) = ctx.enclosing(bastion, "virtual_network") else {
            continue;
        };
        served.insert(&network.id);
        if ctx.text(bastion, "sku") == "Developer" {
            continue;
        }
        for peer in ctx
            .targets(network, "peering")
            .into_iter()
            .chain(ctx.sources(network, "peering"))
        {
            served.insert(&peer.id);
        }
    }
    for vm in ctx.nodes_of_kind("virtual_machine") {
        if !ctx.bool(vm, "interactive_admin") {
            continue;
        }
        let covered = match ctx.enclosing(vm, "virtual_network") {
            Some(network) => served.contains(&network.id),
            // A machine drawn outside any network: any Bastion in the design is taken to serve it.
            None => !bastions.is_empty(),
        };
        if !covered {
            report.node(
                &vm.id,
                format_args!(
                    "Virtual machine `{}` is administered interactively, but no Azure Bastion serves its network",
                    ctx.label(vm)
                ),
            );
        }
    }

    for bastion in bastions {
        if ctx.bool(bastion, "shareable_link") {
            report.node_with_graded(
                &bastion.id,
                Vec::new(),
                Severity::Medium,
                format_args!(
                    "Bastion `{}` hands out shareable links, which reach a machine's sign-in \
                     without an Azure sign-in",
                    ctx.label(bastion)
                ),
            );
        }
    }

    let sessions = management_sessions(ctx);
    if sessions.is_empty() {
        return;
    }
    let reach = ctx.internet_reachable();
    for session in sessions {
        let from = ctx.source_of(session);
        // A VPN gateway, public IP, load balancer or firewall forwards the session of whoever
        // sends it in: that connection is the one reported.
        if from.kind == "bastion"
            || ctx.has_trait(from, "pass_through")
            || session_from_internet(ctx, reach, from)
        {
            continue;
        }
        let mut hosts = ctx.reached_by(ctx.target_of(session)).filter(|r| {
            r.service.kind != "bastion" && !r.through.iter().any(|n| n.kind == "vnet_gateway")
        });
        let Some(host) = hosts.next() else {
            continue;
        };
        report.connection(
            &session.id,
            format_args!(
                "`{}` opens RDP or SSH to `{}`{} directly instead of through Azure Bastion",
                ctx.label(from),
                ctx.label(host.service),
                ctx.describe_through(host.through)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::{Severity, Value};
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    fn spoke(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("spoke", "virtual_network")
            .child("snet", "subnet", "spoke")
            .child("vm", "virtual_machine", "snet")
    }

    fn hub(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("hub", "virtual_network")
            .child("bastion-snet", "subnet", "hub")
            .set("bastion-snet", "purpose", "AzureBastionSubnet")
            .child("bastion", "bastion", "bastion-snet")
    }

    #[test]
    fn fires_without_bastion_and_on_a_jump_box_session() {
        let design = spoke(DesignBuilder::new())
            .child("jump", "virtual_machine", "snet")
            .set("jump", "interactive_admin", false)
            .connect_with("jump", "vm", "traffic", &[("protocol", Value::from("RDP"))])
            .build();
        assert_fires_on(&RULE, &design, &["vm", "c-1"]);
    }

    #[test]
    fn names_the_machine_behind_a_load_balancer_and_not_the_balancer() {
        let ssh = [("protocol", Value::from("SSH"))];
        let design = spoke(DesignBuilder::new())
            .set("vm", "interactive_admin", false)
            .child("jump", "virtual_machine", "snet")
            .set("jump", "interactive_admin", false)
            .child("ilb", "load_balancer", "snet")
            .set("ilb", "type", "Internal")
            .connect_with("jump", "ilb", "traffic", &ssh)
            .connect_with("ilb", "vm", "traffic", &ssh)
            .build();
        assert_fires_on(&RULE, &design, &["c-1"]);
        assert_eq!(
            run(&RULE, &design)[0].message,
            "`jump` opens RDP or SSH to `vm` through Load Balancer `ilb` directly instead of \
             through Azure Bastion"
        );
    }

    #[test]
    fn quiet_with_bastion_in_a_peered_hub() {
        let design = hub(spoke(DesignBuilder::new()))
            .connect("spoke", "hub", "peering")
            .connect_with(
                "bastion",
                "vm",
                "traffic",
                &[("protocol", Value::from("SSH"))],
            )
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_when_the_peered_bastion_is_the_developer_sku() {
        let design = hub(spoke(DesignBuilder::new()))
            .set("bastion", "sku", "Developer")
            .connect("hub", "spoke", "peering")
            .build();
        assert_fires_on(&RULE, &design, &["vm"]);
    }

    #[test]
    fn fires_medium_on_a_bastion_with_shareable_links() {
        let design = hub(spoke(DesignBuilder::new()))
            .set("bastion", "sku", "Standard")
            .set("bastion", "shareable_link", true)
            .connect("hub", "spoke", "peering")
            .build();
        assert_fires_on(&RULE, &design, &["bastion"]);
        assert_eq!(run(&RULE, &design)[0].severity, Severity::Medium);
    }
}
