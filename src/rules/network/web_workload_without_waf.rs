//! NET-001: a web workload the internet reaches without passing a web application firewall.

use super::{exposure, waf_origins};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-001",
        name: "web-workload-without-waf",
        title: "Web workload is reachable from the internet without a web application firewall",
        severity: Severity::Critical,
        severity_reason: "Critical: a web workload the internet reaches without a WAF takes common \
                           web attacks directly from anyone; internet reachability plus no primary \
                           control (MCSB NS-6).",
        kind: RuleKind::Topology,
        se: &["SE:06", "SE:08"],
        mcsb: &["NS-6", "NS-1"],
        stride: Stride::Tampering,
        scope: &["web_workload"],
        checks: "Follows data flows from the internet zone and from every open public endpoint (public IPs, \
                 public load balancers and gateways, PaaS services with public network access and no \
                 network rules, VMs with a public IP). Every web workload (App Service, Functions, \
                 container apps, AKS, App Service Environments, API Management, and VMs in the workload \
                 role) reached before an active web application firewall is reported with the path. \
                 Workloads that already sit behind an active WAF but can also be reached around it are \
                 left to EDGE-006. Paths end at Azure Bastion, which terminates the sessions it brokers, \
                 and management flows (RDP or SSH sessions, traffic whose purpose is Management such as \
                 kubectl or portal access) are not followed: they carry no web traffic (NET-007, NET-009 \
                 and the AKS rules cover them). A VM with its own public IP whose drawn inbound flows \
                 are all management is not a web server.",
        rationale: "Web workloads face injection, cross-site scripting, protocol abuse and bot traffic that a \
                    layer-4 device such as a load balancer or a DNAT rule passes straight through. A web \
                    application firewall inspects each request before it reaches the code, and gives one \
                    place to block an attack pattern while the application is fixed.",
        remediation: "Publish the workload through Application Gateway WAF_v2 or Front Door with an enabled WAF \
                      policy, and close every other inbound path: disable the public endpoint or restrict it \
                      to the gateway, and remove public IPs from the backends.",
        false_positives: "Workloads that serve no HTTP traffic, or APIs protected by an equivalent third-party \
                          WAF that the design does not show as a component.",
        learn: "https://learn.microsoft.com/azure/web-application-firewall/overview",
        psrule: &["Azure.AppGw.UseWAF", "Azure.FrontDoor.UseWAF"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    let reach = ctx.internet_reachable_past_waf();
    if reach.is_empty() {
        return;
    }
    let behind_waf = waf_origins(ctx);
    for node in ctx.nodes_with_trait("web_workload") {
        if !ctx.reaches(reach, *node) || behind_waf.contains_key(&node.id) {
            continue;
        }
        // Appliances, jump boxes and build agents are not web servers; other rules cover them.
        if node.kind == "virtual_machine" && ctx.text(node, "role") != "Workload" {
            continue;
        }
        let (path, how) = exposure(ctx, reach, node);
        report.node_with(
            &node.id,
            path,
            format_args!(
                "{} `{}` is reachable from the internet without a web application firewall: {how}",
                ctx.kind_name(node),
                ctx.label(node),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    fn private_app(builder: DesignBuilder, id: &str) -> DesignBuilder {
        builder
            .node(id, "app_service")
            .set(id, "public_network_access", "Disabled")
    }

    #[test]
    fn fires_on_a_path_through_a_load_balancer() {
        let design = DesignBuilder::new()
            .node("internet", "internet")
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("lb", "load_balancer", "snet")
            .set("lb", "type", "Internal")
            .child("vm", "virtual_machine", "snet")
            .connect("internet", "lb", "traffic")
            .connect("lb", "vm", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["vm"]);
        let findings = run(&RULE, &design);
        assert!(
            findings[0].message.ends_with("along internet → lb → vm"),
            "{}",
            findings[0].message
        );
        assert_eq!(findings[0].related.len(), 2);
    }

    #[test]
    fn fires_on_an_app_with_an_open_public_endpoint_and_no_edge() {
        let design = DesignBuilder::new().node("app", "app_service").build();
        assert_fires_on(&RULE, &design, &["app"]);
    }

    #[test]
    fn quiet_behind_an_active_waf() {
        let design = private_app(DesignBuilder::new(), "app")
            .node("internet", "internet")
            .node("fd", "front_door")
            .set("fd", "waf_policy_attached", true)
            .connect("internet", "fd", "traffic")
            .connect("fd", "app", "traffic")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_behind_a_gateway_whose_waf_is_off() {
        let design = private_app(DesignBuilder::new(), "app")
            .node("internet", "internet")
            .node("fd", "front_door")
            .connect("internet", "fd", "traffic")
            .connect("fd", "app", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["app"]);
    }

    #[test]
    fn terminates_on_a_cycle_and_reports_each_node_once() {
        let design = private_app(private_app(DesignBuilder::new(), "a"), "b")
            .node("internet", "internet")
            .connect("internet", "a", "traffic")
            .connect("a", "b", "traffic")
            .connect("b", "a", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["a", "b"]);
    }

    #[test]
    fn quiet_for_management_flows_from_the_internet() {
        let design = DesignBuilder::new()
            .node("internet", "internet")
            .child("admin", "operator", "internet")
            .node("aks", "aks_cluster")
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
            .set("vm", "public_ip", true)
            .connect_with(
                "admin",
                "aks",
                "traffic",
                &[("purpose", Value::from("Management"))],
            )
            .connect_with(
                "admin",
                "vm",
                "traffic",
                &[("protocol", Value::from("RDP"))],
            )
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_on_web_traffic_next_to_management() {
        let design = DesignBuilder::new()
            .node("internet", "internet")
            .child("admin", "operator", "internet")
            .child("users", "internet_users", "internet")
            .node("aks", "aks_cluster")
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
            .set("vm", "public_ip", true)
            .connect_with(
                "admin",
                "aks",
                "traffic",
                &[("purpose", Value::from("Management"))],
            )
            .connect("users", "aks", "traffic")
            .connect_with(
                "admin",
                "vm",
                "traffic",
                &[("protocol", Value::from("RDP"))],
            )
            .connect("users", "vm", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["aks", "vm"]);
    }

    #[test]
    fn quiet_for_private_workloads_and_non_web_vms() {
        let design = private_app(DesignBuilder::new(), "app")
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("nva", "virtual_machine", "snet")
            .set("nva", "role", "NVA")
            .set("nva", "public_ip", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
