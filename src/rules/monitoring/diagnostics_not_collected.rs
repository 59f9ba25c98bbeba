//! MON-002: a resource sends no logs to any sink.

use super::{is_checked_elsewhere, is_security_critical, sends_logs};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-002",
        name: "diagnostics-not-collected",
        title: "Resource logs are not collected",
        severity: Severity::Medium,
        severity_reason: "Medium: a resource without logs cannot be investigated; detect-only, it \
                           prevents nothing, and the most security-relevant kinds are MON-009's \
                           (MCSB LT-3).",
        kind: RuleKind::Topology,
        se: &["SE:10"],
        mcsb: &["LT-3"],
        stride: Stride::Repudiation,
        scope: &["log_sink"],
        checks: "Once the design has a Log Analytics workspace, every resource that supports diagnostic \
                 settings has a diagnostics connection carrying logs (not only metrics). Edge, \
                 firewall, gateway, Bastion, database, AKS and API Management logs are checked by \
                 MON-009, Key Vault by KV-005, Entra ID by MON-007, and virtual networks by their \
                 flow logs (MON-010); workspace-based Application Insights needs no setting.",
        rationale: "Resource logs record control- and data-plane activity that exists nowhere else: who \
                    called the service, what failed, what changed. An investigation that needs them \
                    after the fact finds nothing if the diagnostic setting was never created.",
        remediation: "Add a diagnostic setting with the `allLogs` (or at least `audit`) category group \
                      to the central workspace, ideally deployed by Azure Policy for every resource \
                      type.",
        false_positives: "Resources covered by a policy-deployed diagnostic setting that the design does \
                          not draw.",
        learn: "https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings",
        psrule: &["Azure.ServiceBus.AuditLogs", "Azure.ACR.AuditLogs"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    let others = ctx
        .kinds_with_trait("diagnostics_capable")
        .filter(|(kind, _)| !is_security_critical(kind) && !is_checked_elsewhere(kind));
    for node in others.flat_map(|(_, nodes)| nodes) {
        // Workspace-based Application Insights already stores its telemetry in a workspace.
        if node.kind == "application_insights" && ctx.bool(node, "workspace_based") {
            continue;
        }
        if !sends_logs(ctx, node) {
            report.node(
                &node.id,
                format_args!(
                    "{} `{}` sends no logs to a workspace",
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
    use crate::model::Value;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_resources_without_logs() {
        let design = DesignBuilder::new()
            .node("law", "log_analytics_workspace")
            .node("app", "app_service")
            .node("st", "storage_account")
            .connect_with(
                "st",
                "law",
                "diagnostics",
                &[("categories", Value::from("metrics"))],
            )
            .node("sql", "sql_database")
            .build();
        assert_fires_on(&RULE, &design, &["app", "st"]);
    }

    #[test]
    fn quiet_when_logs_flow() {
        let design = DesignBuilder::new()
            .node("law", "log_analytics_workspace")
            .node("app", "app_service")
            .connect("app", "law", "diagnostics")
            .node("appi", "application_insights")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn not_applicable_without_a_workspace() {
        let design = DesignBuilder::new().node("app", "app_service").build();
        assert_quiet(&RULE, &design);
    }
}
