//! NET-003: a workload calls a PaaS dependency over its public endpoint instead of Private Link.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-003",
        name: "paas-reached-over-public-endpoint",
        title: "Workload reaches a PaaS dependency over its public endpoint",
        severity: Severity::High,
        severity_reason: "High: the dependency's public endpoint stays open for the workload to \
                           use, so the service is reachable from outside the network too (MCSB \
                           NS-2).",
        kind: RuleKind::Topology,
        se: &["SE:06"],
        mcsb: &["NS-2"],
        stride: Stride::InformationDisclosure,
        scope: &["private_link_capable"],
        checks: "Every traffic flow from a compute or web workload to a Private Link-capable service must end at \
                 a private endpoint for that service, unless the service is injected into a virtual network \
                 (SQL Managed Instance, a VNet-injected flexible server, an internal container app or API \
                 Management, an app in an App Service Environment). Also reported: an App Service or function \
                 app that calls a private endpoint without VNet integration (or on a plan that cannot have it), \
                 and a private endpoint that registers no private DNS record.",
        rationale: "Calls to a public endpoint leave the virtual network, cannot be filtered by NSGs or the \
                    firewall, and force the service to keep its public endpoint open. A private endpoint keeps \
                    the traffic on the Microsoft backbone and lets the service's public access be turned off. \
                    Without VNet integration or private DNS, clients silently fall back to the public address.",
        remediation: "Add a private endpoint for the service in a private endpoint subnet, register it in the \
                      matching privatelink DNS zone linked to the consumer's network, connect the app through \
                      VNet integration, and then disable the service's public network access.",
        false_positives: "Services used from outside Azure, or telemetry sent over public ingestion by design. \
                          Designs that draw a flow straight to the service as shorthand for a private endpoint \
                          they do not show.",
        learn: "https://learn.microsoft.com/azure/private-link/private-endpoint-overview",
        psrule: &[
            "Azure.AppService.PublicAccess",
            "Azure.Storage.Firewall",
            "Azure.KeyVault.Firewall",
        ],
    },
    check,
};

/// Whether the service lives inside a virtual network, so calls to it stay private anyway.
fn injected_into_network(ctx: &Context, node: &Node) -> bool {
    match node.kind.as_str() {
        "sql_managed_instance" => !ctx.bool(node, "public_data_endpoint"),
        "postgresql_flexible_server" => ctx.text(node, "network_mode") == "VnetInjected",
        "api_management" => ctx.text(node, "vnet_mode") == "Internal",
        "container_app" => {
            ctx.bool(node, "environment_internal") && ctx.enclosing(node, "subnet").is_some()
        }
        // An App Service Environment always lives in a subnet; an external one adds a public
        // address for inbound traffic, which NET-001 and EDGE-006 judge.
        "app_service" | "function_app" => ctx.enclosing(node, "app_service_environment").is_some(),
        _ => false,
    }
}

/// Services whose public endpoint a workload should not use: Private Link-capable PaaS that is
/// not a Private Link service itself or a telemetry sink (monitoring rules cover ingestion).
fn needs_private_link(ctx: &Context, node: &Node) -> bool {
    ctx.has_trait(node, "private_link_capable")
        && !matches!(
            node.kind.as_str(),
            "private_link_service" | "log_analytics_workspace" | "application_insights"
        )
        && !injected_into_network(ctx, node)
}

/// Why an app cannot reach a private endpoint, if it cannot: no VNet integration, or a plan
/// without it.
fn integration_gap(ctx: &Context, app: &Node) -> Option<&'static str> {
    if ctx.enclosing(app, "app_service_environment").is_some() {
        return None;
    }
    let plan_lacks_it = match app.kind.as_str() {
        "app_service" => ctx.text(app, "plan_sku") == "Free",
        "function_app" => ctx.text(app, "hosting_plan") == "Consumption",
        _ => return None,
    };
    if plan_lacks_it {
        Some("its plan does not support VNet integration")
    } else if ctx.targets(app, "vnet_integration").is_empty() {
        Some("it has no VNet integration")
    } else {
        None
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for connection in ctx.connections_of_kind("traffic") {
        let (source, target) = (ctx.source_of(connection), ctx.target_of(connection));
        if !(ctx.has_trait(source, "compute") || ctx.has_trait(source, "web_workload")) {
            continue;
        }
        if target.kind == "private_endpoint" {
            if let Some(gap) = integration_gap(ctx, source) {
                report.connection(
                    &connection.id,
                    format_args!(
                        "{} `{}` calls private endpoint `{}`, but {gap}, so the call goes to the public endpoint",
                        ctx.kind_name(source),
                        ctx.label(source),
                        ctx.label(target)
                    ),
                );
            }
            continue;
        }
        if needs_private_link(ctx, target) {
            report.connection(
                &connection.id,
                format_args!(
                    "`{}` reaches {} `{}` over its public endpoint, not through a private endpoint",
                    ctx.label(source),
                    ctx.kind_name(target),
                    ctx.label(target)
                ),
            );
        }
    }
    for endpoint in ctx.nodes_of_kind("private_endpoint") {
        if !ctx.bool(endpoint, "dns_zone_group") {
            report.node(
                &endpoint.id,
                format_args!(
                    "Private endpoint `{}` registers no private DNS record, so clients resolve the service's public address",
                    ctx.label(endpoint)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn network(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("vnet", "virtual_network")
            .child("snet-int", "subnet", "vnet")
            .child("snet-pe", "subnet", "vnet")
            .child("pe", "private_endpoint", "snet-pe")
    }

    #[test]
    fn fires_on_a_direct_call_to_a_public_endpoint() {
        let design = DesignBuilder::new()
            .node("app", "app_service")
            .node("sql", "sql_database")
            .connect("app", "sql", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["c-1"]);
    }

    #[test]
    fn fires_on_a_private_endpoint_without_integration_or_dns() {
        let design = network(DesignBuilder::new())
            .set("pe", "dns_zone_group", false)
            .node("app", "app_service")
            .node("kv", "key_vault")
            .connect("app", "pe", "traffic")
            .connect("pe", "kv", "private_link")
            .build();
        assert_fires_on(&RULE, &design, &["c-1", "pe"]);
    }

    #[test]
    fn quiet_over_private_link_with_integration() {
        let design = network(DesignBuilder::new())
            .node("app", "app_service")
            .node("kv", "key_vault")
            .connect("app", "snet-int", "vnet_integration")
            .connect("app", "pe", "traffic")
            .connect("pe", "kv", "private_link")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn quiet_for_network_injected_services() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
            .child("mi", "sql_managed_instance", "snet")
            .node("pg", "postgresql_flexible_server")
            .set("pg", "network_mode", "VnetInjected")
            // Apps in an App Service Environment, even an external one, live in its subnet.
            .child("ase", "app_service_environment", "snet")
            .set("ase", "load_balancer", "External")
            .child("web", "app_service", "ase")
            .child("api", "app_service", "ase")
            .connect("vm", "mi", "traffic")
            .connect("vm", "pg", "traffic")
            .connect("web", "api", "traffic")
            .connect("vm", "web", "traffic")
            .build();
        assert_quiet(&RULE, &design);
    }
}
