//! MON-010: a virtual network records no flow logs.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-010",
        name: "vnet-flow-logs-off",
        title: "Network traffic is not recorded",
        severity: Severity::Medium,
        severity_reason: "Medium: without flow logs network traffic cannot be investigated or \
                           analysed for malicious addresses; detection, not protection (MCSB \
                           LT-4).",
        kind: RuleKind::Property,
        se: &["SE:10", "SE:06"],
        mcsb: &["LT-4"],
        stride: Stride::Repudiation,
        scope: &["virtual_network"],
        checks: "Every virtual network has VNet flow logs on.",
        rationale: "Flow logs are the record of which addresses talked to which, on which ports, and \
                    whether the traffic was allowed. They show lateral movement and data exfiltration \
                    that no resource log sees, and traffic analytics flags traffic with known \
                    malicious addresses.",
        remediation: "Enable VNet flow logs through Network Watcher to a storage account, with traffic \
                      analytics sending the processed records to the central workspace.",
        false_positives: "Networks covered by NSG flow logs that the design does not show (NSG flow \
                          logs are being retired in favour of VNet flow logs).",
        learn: "https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for vnet in ctx.nodes_of_kind("virtual_network") {
        if !ctx.bool(vnet, "flow_logs") {
            report.node(
                &vnet.id,
                format_args!("Virtual network `{}` records no flow logs", ctx.label(vnet)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_the_platform_default() {
        let design = DesignBuilder::new().node("vnet", "virtual_network").build();
        assert_fires_on(&RULE, &design, &["vnet"]);
    }

    #[test]
    fn quiet_with_flow_logs() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .set("vnet", "flow_logs", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
