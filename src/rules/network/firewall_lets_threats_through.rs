//! NET-013: an Azure Firewall that lets known threats or any traffic through.

use super::join_list;
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-013",
        name: "firewall-lets-threats-through",
        title: "Azure Firewall lets known threats or unrestricted traffic through",
        severity: Severity::High,
        severity_reason: "High: a firewall that allows all traffic or does not block known \
                           malicious addresses passes the threats it exists to stop (MCSB NS-3).",
        kind: RuleKind::Property,
        se: &["SE:06", "SE:10"],
        mcsb: &["NS-3", "NS-4"],
        stride: Stride::Tampering,
        scope: &["azure_firewall"],
        checks: "Every Azure Firewall blocks traffic to and from known malicious addresses and domains (threat \
                 intelligence in Deny mode, which the Basic SKU cannot do), scopes its rules instead of \
                 allowing all traffic, and, on the Premium SKU, runs intrusion detection and prevention in \
                 Alert and deny mode.",
        rationale: "A firewall that only alerts on threat intelligence hits lets a compromised host keep talking \
                    to its command server while someone reads the alert; allow-all rules turn it into a router \
                    with logging. IDPS catches exploits and malware traffic that address-based rules miss.",
        remediation: "Set threat intelligence to Alert and deny, replace broad allow rules with rules scoped to \
                      the sources, destinations, FQDNs and ports workloads need, and on Premium set IDPS to Alert \
                      and deny after a tuning period. Use Standard or Premium rather than Basic in production.",
        false_positives: "A firewall used only for a short tuning period in alert mode, or one whose threat \
                          filtering is done by an upstream appliance.",
        learn: "https://learn.microsoft.com/azure/firewall/threat-intel",
        psrule: &["Azure.Firewall.PolicyMode", "Azure.Firewall.Mode"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for firewall in ctx.nodes_of_kind("azure_firewall") {
        let sku = ctx.text(firewall, "sku");
        let mut gaps = Vec::new();
        if ctx.text(firewall, "rule_style") == "AllowAll" {
            gaps.push("its rules allow all traffic".to_owned());
        }
        if sku == "Basic" {
            gaps.push("the Basic SKU can only alert on threat intelligence".to_owned());
        } else if ctx.text(firewall, "threat_intel_mode") != "Deny" {
            gaps.push(format!(
                "threat intelligence is set to {}",
                ctx.text(firewall, "threat_intel_mode")
            ));
        }
        if sku == "Premium" && ctx.text(firewall, "idps_mode") != "AlertAndDeny" {
            gaps.push(format!(
                "IDPS is set to {}",
                ctx.text(firewall, "idps_mode")
            ));
        }
        if !gaps.is_empty() {
            report.node(
                &firewall.id,
                format_args!(
                    "Azure Firewall `{}` lets threats through: {}",
                    ctx.label(firewall),
                    join_list(&gaps)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn firewall(builder: DesignBuilder, id: &str) -> DesignBuilder {
        let subnet = format!("{id}-snet");
        builder
            .child(&subnet, "subnet", "hub")
            .child(id, "azure_firewall", &subnet)
    }

    #[test]
    fn fires_on_the_defaults_and_on_allow_all() {
        let builder = DesignBuilder::new().node("hub", "virtual_network");
        let design = firewall(firewall(builder, "fw"), "fw2")
            .set("fw2", "threat_intel_mode", "Deny")
            .set("fw2", "rule_style", "AllowAll")
            .build();
        assert_fires_on(&RULE, &design, &["fw", "fw2"]);
    }

    #[test]
    fn quiet_when_hardened() {
        let design = firewall(DesignBuilder::new().node("hub", "virtual_network"), "fw")
            .set("fw", "sku", "Premium")
            .set("fw", "threat_intel_mode", "Deny")
            .set("fw", "idps_mode", "AlertAndDeny")
            .build();
        assert_quiet(&RULE, &design);
    }
}
