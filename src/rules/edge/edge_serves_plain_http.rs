//! EDGE-004: a gateway that serves clients over plain HTTP.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "EDGE-004",
        name: "edge-serves-plain-http",
        title: "Gateway serves clients over plain HTTP",
        severity: Severity::High,
        severity_reason: "High: plain HTTP on an internet-facing gateway exposes sessions and \
                           credentials to anyone on the path (MCSB DP-3).",
        kind: RuleKind::Property,
        se: &["SE:07"],
        mcsb: &["DP-3"],
        stride: Stride::InformationDisclosure,
        scope: &["application_gateway", "front_door", "api_management"],
        checks: "Application Gateway listeners use HTTPS (an HTTP listener alongside HTTPS is taken to be a \
                 redirect), Front Door accepts only HTTPS or redirects HTTP to HTTPS, and API Management does \
                 not accept HTTP on its gateway.",
        rationale: "Plain HTTP exposes session cookies, tokens and form data to anyone on the path, and lets \
                    them alter responses. The gateway is where TLS is cheapest to enforce for every backend at \
                    once.",
        remediation: "Add an HTTPS listener with a certificate and turn the HTTP listener into a redirect on \
                      Application Gateway; on Front Door set routes to HTTPS only or enable HTTPS redirect; on \
                      API Management allow only the HTTPS scheme.",
        false_positives: "Internal gateways for protocols that cannot use TLS, behind another TLS-terminating \
                          layer the design does not show.",
        learn: "https://learn.microsoft.com/azure/application-gateway/redirect-http-to-https-portal",
        psrule: &["Azure.AppGw.UseHTTPS", "Azure.APIM.HTTPEndpoint"],
    },
    check,
};

fn serves_plain_http(ctx: &Context, node: &Node) -> bool {
    match node.kind.as_str() {
        "application_gateway" => ctx.text(node, "listener_protocol") == "HTTP",
        "front_door" => {
            ctx.text(node, "accepted_protocols") != "HttpsOnly" && !ctx.bool(node, "https_redirect")
        }
        "api_management" => ctx.bool(node, "http_frontend_enabled"),
        _ => false,
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for node in ctx.nodes_of_kinds(&["application_gateway", "front_door", "api_management"]) {
        if serves_plain_http(ctx, node) {
            report.node(
                &node.id,
                format_args!(
                    "{} `{}` serves clients over plain HTTP",
                    ctx.kind_name(node),
                    ctx.label(node)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn gateways(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("agw", "application_gateway", "snet")
            .node("fd", "front_door")
            .node("apim", "api_management")
    }

    #[test]
    fn fires_on_the_gateway_defaults() {
        let design = gateways(DesignBuilder::new())
            .set("apim", "http_frontend_enabled", true)
            .build();
        assert_fires_on(&RULE, &design, &["agw", "apim", "fd"]);
    }

    #[test]
    fn quiet_when_https_is_enforced() {
        let design = gateways(DesignBuilder::new())
            .set("agw", "listener_protocol", "Both")
            .set("fd", "https_redirect", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
