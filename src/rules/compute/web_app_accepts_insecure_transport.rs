//! CMP-001: a web app that accepts plain HTTP or TLS older than 1.2.

use crate::model::{Node, Severity};
use crate::rules::network::join_list;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-001",
        name: "web-app-accepts-insecure-transport",
        title: "Web app accepts plain HTTP or outdated TLS",
        severity: Severity::High,
        severity_reason: "High: a public web app that accepts plain HTTP or TLS below 1.2 exposes \
                           sessions and credentials to anyone on the network path; MCSB DP-3 asks \
                           for encryption of all data in transit.",
        kind: RuleKind::Property,
        se: &["SE:07"],
        mcsb: &["DP-3"],
        stride: Stride::InformationDisclosure,
        scope: &[
            "app_service",
            "function_app",
            "container_app",
            "app_service_environment",
        ],
        checks: "App Service and function apps have HTTPS Only on and a minimum TLS version of 1.2 or newer; \
                 container apps do not allow insecure ingress; App Service Environments require TLS 1.2 on \
                 their front ends.",
        rationale: "Without HTTPS Only, clients that type or follow an http:// link send cookies and tokens in \
                    clear text before any redirect happens. TLS 1.0 and 1.1 have known weaknesses and let an \
                    attacker on the path downgrade the connection.",
        remediation: "Turn on HTTPS Only and set the minimum TLS version to 1.2 (or 1.3); turn off insecure \
                      ingress on container apps; set the App Service Environment's front-end minimum TLS to 1.2.",
        false_positives: "Apps reached only through a gateway that enforces HTTPS and connects to them over \
                          HTTPS, where the app setting is a second line of defence rather than the only one.",
        learn: "https://learn.microsoft.com/azure/app-service/configure-ssl-bindings",
        psrule: &[
            "Azure.AppService.UseHTTPS",
            "Azure.AppService.MinTLS",
            "Azure.ContainerApp.Insecure",
        ],
    },
    check,
};

fn weaknesses(ctx: &Context, node: &Node) -> Vec<String> {
    let mut found = Vec::new();
    match node.kind.as_str() {
        "app_service" | "function_app" => {
            if !ctx.bool(node, "https_only") {
                found.push("HTTPS Only is off".to_owned());
            }
            let tls = ctx.text(node, "min_tls_version");
            if matches!(tls, "1.0" | "1.1") {
                found.push(format!("the minimum TLS version is {tls}"));
            }
        }
        "container_app" if ctx.bool(node, "allow_insecure_ingress") => {
            found.push("insecure HTTP ingress is allowed".to_owned());
        }
        "app_service_environment" if ctx.text(node, "frontend_min_tls") == "1.0" => {
            found.push("its front ends accept TLS 1.0".to_owned());
        }
        _ => {}
    }
    found
}

fn check(ctx: &Context, report: &mut Report) {
    for node in ctx.nodes_of_kinds(&[
        "app_service",
        "function_app",
        "container_app",
        "app_service_environment",
    ]) {
        let found = weaknesses(ctx, node);
        if !found.is_empty() {
            report.node(
                &node.id,
                format_args!(
                    "{} `{}` accepts insecure connections: {}",
                    ctx.kind_name(node),
                    ctx.label(node),
                    join_list(&found)
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
    fn fires_on_the_https_only_default_and_old_tls() {
        let design = DesignBuilder::new()
            .node("app", "app_service")
            .node("func", "function_app")
            .set("func", "https_only", true)
            .set("func", "min_tls_version", "1.1")
            .node("ca", "container_app")
            .set("ca", "allow_insecure_ingress", true)
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("ase", "app_service_environment", "snet")
            .set("ase", "frontend_min_tls", "1.0")
            .build();
        assert_fires_on(&RULE, &design, &["app", "ase", "ca", "func"]);
    }

    #[test]
    fn quiet_when_https_is_enforced() {
        let design = DesignBuilder::new()
            .node("app", "app_service")
            .set("app", "https_only", true)
            .node("ca", "container_app")
            .build();
        assert_quiet(&RULE, &design);
    }
}
