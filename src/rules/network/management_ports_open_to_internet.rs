//! NET-007: RDP or SSH reachable from the internet.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use super::{join_labels, management_sessions, session_from_internet};
use crate::model::{Node, NodeId, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-007",
        name: "management-ports-open-to-internet",
        title: "RDP or SSH is open to the internet",
        severity: Severity::Critical,
        severity_reason: "Critical: RDP and SSH are the most attacked ports on the internet; open \
                           to it they invite brute force and exploits of the protocol itself, \
                           straight to an administrator session (MCSB NS-1, PA-6). High instead \
                           for a machine with just-in-time access, whose port opens only on an \
                           approved request, for the requester's address and a limited time.",
        kind: RuleKind::Topology,
        se: &["SE:06", "SE:08"],
        mcsb: &["NS-1", "PA-6"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["network_security_group", "virtual_machine"],
        checks: "Reports network security groups that allow ports 22 or 3389 from the internet, and RDP or SSH \
                 sessions (by protocol, or port 22 or 3389) that start in the internet zone, or at a public \
                 IP, load balancer or firewall the internet reaches, unless they end at Azure Bastion. A \
                 session is reported on the machine it reaches, looking through public IPs, load balancers \
                 and firewalls, once, with the path from the internet.",
        rationale: "RDP and SSH are the most scanned and brute-forced ports on Azure. An exposed management \
                    port turns a weak or reused password, or an unpatched remote-access flaw, into full control \
                    of the machine and a foothold in the network.",
        remediation: "Remove the internet allow rule and any NAT rule that forwards 22 or 3389. Manage machines \
                      through Azure Bastion, and use just-in-time VM access when a port must be opened for a \
                      short time.",
        false_positives: "Rules opened by just-in-time access only for the duration of a request, if the design \
                          records them as standing rules. Sessions to a machine with just-in-time access (its \
                          own setting or Defender for Cloud's) are reported at high rather than critical.",
        learn: "https://learn.microsoft.com/azure/defender-for-cloud/just-in-time-access-overview",
        psrule: &["Azure.VM.PublicIPAttached", "Azure.NSG.AnyInboundSource"],
    },
    check,
};

/// Whether the machine's management ports open only on request: its own just-in-time setting,
/// or a governing Defender for Cloud with just-in-time VM access on.
fn just_in_time(ctx: &Context, host: &Node) -> bool {
    (ctx.has_property(host, "jit_access") && ctx.bool(host, "jit_access"))
        || ctx
            .governors(host, "cspm")
            .iter()
            .any(|defender| ctx.bool(defender, "jit_vm_access"))
}

fn check(ctx: &Context, report: &mut Report) {
    for nsg in ctx.nodes_of_kind("network_security_group") {
        if !ctx.bool(nsg, "allows_management_ports_from_internet") {
            continue;
        }
        let applied_to = ctx.targets(nsg, "nsg_association");
        let scope = if applied_to.is_empty() {
            String::new()
        } else {
            format!(", exposing {}", join_labels(ctx, &applied_to))
        };
        report.node_with(
            &nsg.id,
            applied_to.iter().map(|n| n.id.clone()).collect(),
            format_args!(
                "Network security group `{}` allows RDP or SSH from the internet{scope}",
                ctx.label(nsg)
            ),
        );
    }

    let sessions = management_sessions(ctx);
    if sessions.is_empty() {
        return;
    }
    let reach = ctx.internet_reachable();
    // Each machine once, with the longest route drawn: a session into a public IP and the
    // address's own session on to the machine are one exposure.
    let mut exposed: BTreeMap<&NodeId, Vec<&Node>> = BTreeMap::new();
    for session in sessions {
        let from = ctx.source_of(session);
        if !session_from_internet(ctx, reach, from) {
            continue;
        }
        for reached in ctx.reached_by(ctx.target_of(session)) {
            let host = reached.service;
            if host.kind == "bastion" {
                continue;
            }
            let mut path = if ctx.in_internet(from) {
                vec![from]
            } else {
                ctx.path_from_internet(reach, from)
            };
            path.extend(reached.through);
            path.push(host);
            match exposed.entry(&host.id) {
                Entry::Vacant(entry) => {
                    entry.insert(path);
                }
                Entry::Occupied(mut entry) if entry.get().len() < path.len() => {
                    entry.insert(path);
                }
                Entry::Occupied(_) => {}
            }
        }
    }
    for path in exposed.values() {
        let Some((host, before)) = path.split_last() else {
            continue;
        };
        let entry = if before.first().is_some_and(|n| ctx.in_internet(n)) {
            ""
        } else {
            "internet → "
        };
        // Just-in-time access keeps the port closed until an approved request opens it, for
        // the requester's address and a few hours: still an internet path, but not a standing one.
        let (severity, standing) = if just_in_time(ctx, host) {
            (Severity::High, " when just-in-time access opens the port")
        } else {
            (Severity::Critical, "")
        };
        report.node_with_graded(
            &host.id,
            before.iter().map(|n| n.id.clone()).collect(),
            severity,
            format_args!(
                "{} `{}` is managed over RDP or SSH straight from the internet{standing}, along \
                 {entry}{}",
                ctx.kind_name(host),
                ctx.label(host),
                ctx.describe_path(path)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::{Severity, Value};
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    fn vm(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
    }

    #[test]
    fn fires_on_an_open_nsg_and_a_nat_rule_from_a_public_ip() {
        let design = vm(DesignBuilder::new())
            .node("nsg", "network_security_group")
            .set("nsg", "allows_management_ports_from_internet", true)
            .connect("nsg", "snet", "nsg_association")
            .node("pip", "public_ip")
            .connect_with("pip", "vm", "traffic", &[("port", Value::from(3389_i64))])
            .build();
        assert_fires_on(&RULE, &design, &["nsg", "vm"]);
    }

    #[test]
    fn fires_on_ssh_drawn_from_the_internet_zone() {
        let design = vm(DesignBuilder::new())
            .node("internet", "internet")
            .child("admin", "operator", "internet")
            .connect_with(
                "admin",
                "vm",
                "traffic",
                &[("protocol", Value::from("SSH"))],
            )
            .build();
        assert_fires_on(&RULE, &design, &["vm"]);
    }

    #[test]
    fn just_in_time_access_grades_the_session_high() {
        let ssh = [("protocol", Value::from("SSH"))];
        let design = vm(DesignBuilder::new())
            .child("vm-jit", "virtual_machine", "snet")
            .set("vm-jit", "jit_access", true)
            .child("vm-defended", "virtual_machine", "snet")
            .node("defender", "defender_for_cloud")
            .set("defender", "jit_vm_access", true)
            .connect("defender", "vm-defended", "governs")
            .node("internet", "internet")
            .child("admin", "operator", "internet")
            .connect_with("admin", "vm", "traffic", &ssh)
            .connect_with("admin", "vm-jit", "traffic", &ssh)
            .connect_with("admin", "vm-defended", "traffic", &ssh)
            .build();
        let graded: Vec<(String, Severity)> = run(&RULE, &design)
            .iter()
            .map(|f| (f.subject.key().to_owned(), f.severity))
            .collect();
        assert_eq!(
            graded,
            [
                ("vm".to_owned(), Severity::Critical),
                ("vm-defended".to_owned(), Severity::High),
                ("vm-jit".to_owned(), Severity::High),
            ]
        );
    }

    #[test]
    fn names_the_machine_behind_a_public_ip_once_with_the_path() {
        let rdp = [("protocol", Value::from("RDP"))];
        let design = vm(DesignBuilder::new())
            .node("internet", "internet")
            .child("admin", "operator", "internet")
            .node("pip", "public_ip")
            .connect_with("admin", "pip", "traffic", &rdp)
            .connect_with("pip", "vm", "traffic", &rdp)
            .build();
        assert_fires_on(&RULE, &design, &["vm"]);
        let findings = run(&RULE, &design);
        assert_eq!(
            findings[0].message,
            "Virtual machine `vm` is managed over RDP or SSH straight from the internet, along \
             admin → pip → vm"
        );
        assert_eq!(findings[0].related.len(), 2);
    }

    #[test]
    fn quiet_through_bastion() {
        let design = vm(DesignBuilder::new())
            .child("bastion-snet", "subnet", "vnet")
            .set("bastion-snet", "purpose", "AzureBastionSubnet")
            .child("bastion", "bastion", "bastion-snet")
            .node("internet", "internet")
            .child("admin", "operator", "internet")
            .connect("admin", "bastion", "traffic")
            .connect_with(
                "bastion",
                "vm",
                "traffic",
                &[("protocol", Value::from("RDP"))],
            )
            .build();
        assert_quiet(&RULE, &design);
    }
}
