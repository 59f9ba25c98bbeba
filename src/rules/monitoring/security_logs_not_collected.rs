//! MON-009: a security-critical component sends no logs.

use super::{is_security_critical, sends_logs};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-009",
        name: "security-logs-not-collected",
        title: "Security-critical logs are not collected",
        severity: Severity::High,
        severity_reason: "High: the logs of internet-facing gateways, firewalls, databases and \
                           admin paths are what an investigation of an attack needs first; without \
                           them the attack cannot be reconstructed (MCSB LT-3, LT-4).",
        kind: RuleKind::Topology,
        se: &["SE:10", "SE:06"],
        mcsb: &["LT-3", "LT-4"],
        stride: Stride::Repudiation,
        scope: &["log_sink"],
        checks: "Once the design has a Log Analytics workspace, every Application Gateway, Front Door, \
                 Azure Firewall, VPN or ExpressRoute gateway, Bastion host, database, AKS cluster and \
                 API Management service has a diagnostics connection carrying logs.",
        rationale: "These are the components that see attacks first or guard the data: WAF and firewall \
                    logs show what was blocked and what got through, Bastion and gateway logs show who \
                    came in, database and Kubernetes audit logs show what was done inside. Without them \
                    an incident cannot be scoped.",
        remediation: "Send their logs (`allLogs`, or the WAF, firewall, kube-audit and SQL security audit \
                      categories) to the central workspace, and make sure the SIEM reads that \
                      workspace.",
        false_positives: "Components whose logs are collected by a policy-deployed diagnostic setting \
                          that the design does not draw.",
        learn: "https://learn.microsoft.com/azure/azure-monitor/essentials/resource-logs",
        psrule: &[
            "Azure.FrontDoor.Logs",
            "Azure.AKS.AuditLogs",
            "Azure.AKS.PlatformLogs",
        ],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    let critical = ctx
        .kinds_with_trait("diagnostics_capable")
        .filter(|(kind, _)| is_security_critical(kind));
    for node in critical.flat_map(|(_, nodes)| nodes) {
        if !sends_logs(ctx, node) {
            report.node(
                &node.id,
                format_args!(
                    "{} `{}` sends no logs to a workspace, so attacks on it leave no record",
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

    #[test]
    fn fires_on_a_silent_front_door_and_database() {
        let design = DesignBuilder::new()
            .node("law", "log_analytics_workspace")
            .node("fd", "front_door")
            .node("sql", "sql_database")
            .node("app", "app_service")
            .build();
        assert_fires_on(&RULE, &design, &["fd", "sql"]);
    }

    #[test]
    fn quiet_when_logs_flow() {
        let design = DesignBuilder::new()
            .node("law", "log_analytics_workspace")
            .node("fd", "front_door")
            .connect("fd", "law", "diagnostics")
            .build();
        assert_quiet(&RULE, &design);
    }
}
