//! NET-016: a hybrid link that carries traffic unencrypted.

use crate::model::{Connection, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-016",
        name: "hybrid-link-unencrypted",
        title: "Hybrid link carries traffic unencrypted",
        severity: Severity::High,
        severity_reason: "High for a VPN link carried over the internet without encryption: anyone \
                           on the path reads and alters the traffic. Medium for ExpressRoute \
                           without IPsec or MACsec: the circuit is private, but traffic crosses \
                           provider equipment in clear text (MCSB DP-3).",
        kind: RuleKind::Topology,
        se: &["SE:07"],
        mcsb: &["DP-3", "NS-9"],
        stride: Stride::InformationDisclosure,
        scope: &["on_premises_zone", "gateway"],
        checks: "Every hybrid link is encrypted. VPN links are encrypted unless marked otherwise. An \
                 ExpressRoute link counts as encrypted only when its gateway runs IPsec over ExpressRoute or \
                 MACsec, or, with no gateway drawn, when the link is explicitly marked encrypted: ExpressRoute \
                 private peering is private but not encrypted by default.",
        rationale: "ExpressRoute keeps traffic off the internet, but it crosses provider and colocation \
                    equipment in clear text. Encryption in transit on every hop, including private ones, is what \
                    the benchmark asks for when confidential data crosses the link.",
        remediation: "Run a site-to-site VPN over ExpressRoute private peering, or enable MACsec on ExpressRoute \
                      Direct ports; make sure applications use TLS on top either way.",
        false_positives: "Links that carry only traffic already protected with TLS end to end, where the extra \
                          layer is a choice rather than a gap.",
        learn: "https://learn.microsoft.com/azure/expressroute/expressroute-about-encryption",
        psrule: &[],
    },
    check,
};

fn encrypted(ctx: &Context, link: &Connection) -> bool {
    if ctx.connection_text(link, "type") != "ExpressRoute" {
        return ctx.connection_bool(link, "encrypted");
    }
    let gateway = [&link.from, &link.to]
        .into_iter()
        .filter_map(|id| ctx.node(id))
        .find(|n| n.kind == "vnet_gateway");
    match gateway {
        Some(gateway) => ctx.text(gateway, "er_encryption") != "None",
        // The catalog defaults `encrypted` to on for every link type; for ExpressRoute only an
        // explicit setting is evidence of encryption.
        None => link.properties.get("encrypted").and_then(|v| v.as_bool()) == Some(true),
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for link in ctx.connections_of_kind("hybrid_link") {
        if encrypted(ctx, link) {
            continue;
        }
        let (from, to) = (ctx.source_of(link), ctx.target_of(link));
        // A VPN runs over the internet; an ExpressRoute circuit is private, if not encrypted.
        let severity = if ctx.connection_text(link, "type") == "ExpressRoute" {
            Severity::Medium
        } else {
            Severity::High
        };
        report.connection_graded(
            &link.id,
            severity,
            format_args!(
                "{} link between `{}` and `{}` is not encrypted",
                ctx.connection_text(link, "type").replace('_', " "),
                ctx.label(from),
                ctx.label(to)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::{RuleSetting, Severity, Value};
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    fn hub(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("onprem", "on_premises_network")
            .node("hub", "virtual_network")
            .child("gw-snet", "subnet", "hub")
            .set("gw-snet", "purpose", "GatewaySubnet")
            .child("gw", "vnet_gateway", "gw-snet")
            .set("gw", "type", "ExpressRoute")
    }

    #[test]
    fn fires_on_plain_expressroute() {
        let design = hub(DesignBuilder::new())
            .connect_with(
                "onprem",
                "gw",
                "hybrid_link",
                &[("type", Value::from("ExpressRoute"))],
            )
            .build();
        assert_fires_on(&RULE, &design, &["c-1"]);
    }

    #[test]
    fn an_unencrypted_vpn_is_graded_above_a_private_circuit() {
        let design = hub(DesignBuilder::new())
            .connect_with(
                "onprem",
                "gw",
                "hybrid_link",
                &[("type", Value::from("ExpressRoute"))],
            )
            .node("branch", "on_premises_network")
            .connect_with(
                "branch",
                "gw",
                "hybrid_link",
                &[("encrypted", Value::from(false))],
            )
            .build();
        let findings = run(&RULE, &design);
        let graded: Vec<(&str, Severity)> = findings
            .iter()
            .map(|f| (f.subject.key(), f.severity))
            .collect();
        // The VPN's finding sorts first: findings are sorted by severity before subject.
        assert_eq!(graded, [("c-2", Severity::High), ("c-1", Severity::Medium)]);
    }

    #[test]
    fn a_design_override_holds_for_every_graded_finding() {
        let mut design = hub(DesignBuilder::new())
            .connect_with(
                "onprem",
                "gw",
                "hybrid_link",
                &[("type", Value::from("ExpressRoute"))],
            )
            .build();
        design.meta.rule_settings.insert(
            RULE.meta.id.to_owned(),
            RuleSetting {
                enabled: true,
                severity: Some(Severity::Low),
                reason: "accepted for this lab".to_owned(),
            },
        );
        let findings = run(&RULE, &design);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Low);
    }

    #[test]
    fn quiet_with_macsec_and_for_vpn() {
        let design = hub(DesignBuilder::new())
            .set("gw", "er_encryption", "MACsec")
            .connect_with(
                "onprem",
                "gw",
                "hybrid_link",
                &[("type", Value::from("ExpressRoute"))],
            )
            .node("branch", "on_premises_network")
            .connect("branch", "gw", "hybrid_link")
            .build();
        assert_quiet(&RULE, &design);
    }
}
