//! EDGE-001: an Application Gateway or Front Door without an active web application firewall.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "EDGE-001",
        name: "gateway-without-active-waf",
        title: "Gateway runs without an active web application firewall",
        severity: Severity::High,
        severity_reason: "High: a gateway without an active WAF passes common web attacks \
                           (injection, cross-site scripting) from the internet to the application \
                           (MCSB NS-6).",
        kind: RuleKind::Property,
        se: &["SE:06"],
        mcsb: &["NS-6"],
        stride: Stride::Tampering,
        scope: &["waf_capable"],
        checks: "Every Application Gateway runs the WAF_v2 SKU with its web application firewall enabled, and \
                 every Front Door profile has an enabled WAF policy attached to its endpoints.",
        rationale: "The gateway is where web traffic is decrypted and routed, so it is the natural place to \
                    inspect it. Without a WAF, injection, cross-site scripting and known exploit payloads pass \
                    straight to the backends, and NET-001 then finds every web workload behind it exposed.",
        remediation: "Move Application Gateway to the WAF_v2 SKU and associate an enabled WAF policy; attach an \
                      enabled WAF policy to each Front Door endpoint (Premium for managed rule sets).",
        false_positives: "Gateways that publish only non-HTTP or internal test traffic, or that sit behind \
                          another WAF (for example Front Door in front of Application Gateway).",
        learn: "https://learn.microsoft.com/azure/web-application-firewall/ag/ag-overview",
        psrule: &[
            "Azure.AppGw.UseWAF",
            "Azure.AppGw.WAFEnabled",
            "Azure.FrontDoor.UseWAF",
            "Azure.FrontDoor.WAF.Enabled",
        ],
    },
    check,
};

/// Why the gateway's WAF is not running.
fn reason(ctx: &Context, gateway: &Node) -> String {
    if ctx.has_property(gateway, "sku") && ctx.text(gateway, "sku") != "WAF_v2" {
        return format!(
            "the {} SKU has no web application firewall",
            ctx.text(gateway, "sku")
        );
    }
    if ctx.has_property(gateway, "waf_policy_attached") && !ctx.bool(gateway, "waf_policy_attached")
    {
        return "no WAF policy is attached".to_owned();
    }
    "its web application firewall is turned off".to_owned()
}

fn check(ctx: &Context, report: &mut Report) {
    for gateway in ctx.nodes_with_trait("waf_capable") {
        if ctx.is_active_waf(gateway) {
            continue;
        }
        report.node(
            &gateway.id,
            format_args!(
                "{} `{}` does not filter web attacks: {}",
                ctx.kind_name(gateway),
                ctx.label(gateway),
                reason(ctx, gateway)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn gateway(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("agw", "application_gateway", "snet")
            .node("fd", "front_door")
    }

    #[test]
    fn fires_on_the_platform_defaults() {
        let design = gateway(DesignBuilder::new()).build();
        assert_fires_on(&RULE, &design, &["agw", "fd"]);
    }

    #[test]
    fn quiet_with_active_wafs() {
        let design = gateway(DesignBuilder::new())
            .set("agw", "sku", "WAF_v2")
            .set("agw", "waf_enabled", true)
            .set("fd", "waf_policy_attached", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
