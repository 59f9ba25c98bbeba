//! EDGE-007: a gateway that forwards traffic to its backends unencrypted.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "EDGE-007",
        name: "edge-to-backend-unencrypted",
        title: "Gateway forwards traffic to backends unencrypted",
        severity: Severity::Medium,
        severity_reason: "Medium: traffic from the gateway to the backend crosses Azure networks \
                           in clear text; exploiting it needs a foothold on that network, unlike \
                           client-side HTTP (MCSB DP-3).",
        kind: RuleKind::Topology,
        se: &["SE:07"],
        mcsb: &["DP-3"],
        stride: Stride::InformationDisclosure,
        scope: &["application_gateway", "front_door", "api_management"],
        checks: "Application Gateway and API Management call backends over HTTPS, and Front Door connects to \
                 origins over HTTPS (Match request counts only when clients are held to HTTPS). Where the \
                 setting is right, every traffic flow drawn from the gateway is checked too: protocol HTTP or \
                 an unencrypted flow is reported.",
        rationale: "Terminating TLS at the edge and forwarding plain HTTP leaves credentials, tokens and data \
                    readable on every network hop behind the gateway, including shared platform networks \
                    between Front Door and a public origin. End-to-end TLS keeps the zero-trust promise that \
                    internal networks are not trusted.",
        remediation: "Use HTTPS backend settings with certificate validation on Application Gateway, set Front \
                      Door origins to HTTPS only, and configure API Management backends with HTTPS URLs.",
        false_positives: "Backends on a network segment the organisation accepts as trusted, such as a sidecar \
                          on the same host.",
        learn: "https://learn.microsoft.com/azure/application-gateway/ssl-overview",
        psrule: &["Azure.APIM.HTTPBackend"],
    },
    check,
};

/// The gateway setting that sends plain HTTP to backends, if it does.
fn plain_backend_setting(ctx: &Context, node: &Node) -> Option<&'static str> {
    match node.kind.as_str() {
        "application_gateway" | "api_management" => {
            (ctx.text(node, "backend_protocol") == "HTTP").then_some("its backend protocol is HTTP")
        }
        "front_door" => {
            let clients_may_use_http = ctx.text(node, "accepted_protocols") != "HttpsOnly"
                && !ctx.bool(node, "https_redirect");
            match ctx.text(node, "origin_protocol") {
                "HttpOnly" => Some("its origin protocol is HTTP only"),
                "MatchRequest" if clients_may_use_http => {
                    Some("it forwards plain HTTP requests to origins as HTTP")
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for gateway in ctx.nodes_of_kinds(&["application_gateway", "front_door", "api_management"]) {
        if let Some(setting) = plain_backend_setting(ctx, gateway) {
            report.node_with(
                &gateway.id,
                ctx.targets(gateway, "traffic")
                    .iter()
                    .map(|n| n.id.clone())
                    .collect(),
                format_args!(
                    "{} `{}` sends traffic to its backends unencrypted: {setting}",
                    ctx.kind_name(gateway),
                    ctx.label(gateway)
                ),
            );
            continue;
        }
        for flow in ctx.outgoing(gateway) {
            if !ctx.link_is(flow, "traffic") {
                continue;
            }
            let plain = ctx.connection_text(flow, "protocol") == "HTTP"
                || !ctx.connection_bool(flow, "encrypted");
            let Some(backend) = ctx.node(&flow.to) else {
                continue;
            };
            if plain {
                report.connection(
                    &flow.id,
                    format_args!(
                        "`{}` forwards traffic to `{}` unencrypted",
                        ctx.label(gateway),
                        ctx.label(backend)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn gateway(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("agw", "application_gateway", "snet")
            .node("app", "app_service")
            .connect("agw", "app", "traffic")
    }

    #[test]
    fn fires_on_the_http_default_and_on_a_plain_flow() {
        let design = gateway(DesignBuilder::new())
            .node("apim", "api_management")
            .connect_with(
                "apim",
                "app",
                "traffic",
                &[("protocol", Value::from("HTTP"))],
            )
            .build();
        assert_fires_on(&RULE, &design, &["agw", "c-2"]);
    }

    #[test]
    fn quiet_with_https_backends() {
        let design = gateway(DesignBuilder::new())
            .set("agw", "backend_protocol", "HTTPS")
            .node("fd", "front_door")
            .set("fd", "accepted_protocols", "HttpsOnly")
            .connect("fd", "app", "traffic")
            .build();
        assert_quiet(&RULE, &design);
    }
}
