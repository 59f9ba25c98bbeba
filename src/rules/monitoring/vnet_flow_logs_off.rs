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
                           LT-4). Low when flow logs are kept without traffic analytics: the record \
                           exists for an investigation, only the flagging of known malicious \
                           traffic is missing.",
        kind: RuleKind::Property,
        se: &["SE:10", "SE:06"],
        mcsb: &["LT-4"],
        stride: Stride::Repudiation,
        scope: &["virtual_network"],
        checks: "Every virtual network has VNet flow logs on, with traffic analytics processing them.",
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
        } else if !ctx.bool(vnet, "traffic_analytics") {
            report.node_with_graded(
                &vnet.id,
                Vec::new(),
                Severity::Low,
                format_args!(
                    "Virtual network `{}` records flow logs but no traffic analytics looks at them",
                    ctx.label(vnet)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Severity;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    #[test]
    fn fires_on_the_platform_default() {
        let design = DesignBuilder::new().node("vnet", "virtual_network").build();
        assert_fires_on(&RULE, &design, &["vnet"]);
    }

    #[test]
    fn quiet_with_analysed_flow_logs() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .set("vnet", "flow_logs", true)
            .set("vnet", "traffic_analytics", true)
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn flow_logs_without_traffic_analytics_are_low() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .set("vnet", "flow_logs", true)
            .build();
        let findings = run(&RULE, &design);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Low);
    }
}
