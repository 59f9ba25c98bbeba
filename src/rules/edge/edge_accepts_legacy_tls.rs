//! EDGE-005: a gateway that accepts TLS versions or ciphers older than TLS 1.2.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "EDGE-005",
        name: "edge-accepts-legacy-tls",
        title: "Gateway accepts TLS older than 1.2 or weak ciphers",
        severity: Severity::High,
        severity_reason: "High: legacy TLS and weak ciphers on an internet-facing gateway can be \
                           downgraded and broken by anyone on the path (MCSB DP-3).",
        kind: RuleKind::Property,
        se: &["SE:07"],
        mcsb: &["DP-3"],
        stride: Stride::InformationDisclosure,
        scope: &["application_gateway", "front_door", "api_management"],
        checks: "Application Gateways with HTTPS listeners use a TLS policy whose minimum is TLS 1.2 (not \
                 AppGwSslPolicy20150501 or AppGwSslPolicy20170401), Front Door requires TLS 1.2, and API \
                 Management has legacy TLS versions and weak ciphers such as 3DES turned off.",
        rationale: "TLS 1.0 and 1.1 and the ciphers they bring have practical attacks and are no longer \
                    supported by Azure services; accepting them lets a downgrade expose traffic the gateway was \
                    meant to protect.",
        remediation: "Apply AppGwSslPolicy20220101S (or 20220101) on Application Gateway, set Front Door's \
                      minimum TLS to 1.2, and turn off TLS 1.0, 1.1, SSL 3.0 and 3DES on API Management.",
        false_positives: "Gateways that must serve legacy clients for a documented, time-limited period.",
        learn: "https://learn.microsoft.com/azure/application-gateway/application-gateway-ssl-policy-overview",
        psrule: &[
            "Azure.AppGw.SSLPolicy",
            "Azure.FrontDoor.MinTLS",
            "Azure.APIM.Protocols",
            "Azure.APIM.Ciphers",
        ],
    },
    check,
};

fn weakness(ctx: &Context, node: &Node) -> Option<String> {
    match node.kind.as_str() {
        "application_gateway" => {
            let policy = ctx.text(node, "tls_policy");
            let has_tls_listener = ctx.text(node, "listener_protocol") != "HTTP";
            (has_tls_listener
                && matches!(policy, "AppGwSslPolicy20150501" | "AppGwSslPolicy20170401"))
            .then(|| format!("its TLS policy {policy} allows TLS versions older than 1.2"))
        }
        "front_door" => (ctx.text(node, "min_tls_version") == "1.0")
            .then(|| "its minimum TLS version is 1.0".to_owned()),
        "api_management" => {
            match (
                ctx.bool(node, "legacy_tls_enabled"),
                ctx.bool(node, "weak_ciphers_enabled"),
            ) {
                (true, true) => Some("legacy TLS versions and weak ciphers are enabled".to_owned()),
                (true, false) => Some("legacy TLS versions are enabled".to_owned()),
                (false, true) => Some("weak ciphers are enabled".to_owned()),
                (false, false) => None,
            }
        }
        _ => None,
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for node in ctx.nodes_of_kinds(&["application_gateway", "front_door", "api_management"]) {
        if let Some(weakness) = weakness(ctx, node) {
            report.node(
                &node.id,
                format_args!(
                    "{} `{}` accepts outdated TLS: {weakness}",
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
            .set("agw", "listener_protocol", "HTTPS")
            .node("fd", "front_door")
            .node("apim", "api_management")
    }

    #[test]
    fn fires_on_old_policies_and_protocols() {
        let design = gateways(DesignBuilder::new())
            .set("agw", "tls_policy", "AppGwSslPolicy20150501")
            .set("fd", "min_tls_version", "1.0")
            .set("apim", "weak_ciphers_enabled", true)
            .build();
        assert_fires_on(&RULE, &design, &["agw", "apim", "fd"]);
    }

    #[test]
    fn quiet_on_current_defaults_and_the_strict_2017_policy() {
        let design = gateways(DesignBuilder::new())
            .set("agw", "tls_policy", "AppGwSslPolicy20170401S")
            .build();
        assert_quiet(&RULE, &design);
    }
}
