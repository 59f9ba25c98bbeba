//! KV-005: a Key Vault's audit events are not collected.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "KV-005",
        name: "key-vault-not-audited",
        title: "Key Vault access is not audited",
        severity: Severity::Medium,
        severity_reason: "Medium: without audit logs, who read which secret cannot be detected or \
                           investigated; detect-only, it prevents nothing (MCSB LT-3).",
        kind: RuleKind::Topology,
        se: &["SE:09", "SE:10"],
        mcsb: &["LT-3", "LT-4"],
        stride: Stride::Repudiation,
        scope: &["key_vault", "key_vault_managed_hsm"],
        checks: "Every Key Vault and Managed HSM has a diagnostics connection whose categories include \
                 audit events (`audit` or `allLogs`).",
        rationale: "The audit log is the only record of who read which secret or used which key, and \
                    from where. Without it, a leaked secret cannot be traced and unusual access cannot \
                    be detected.",
        remediation: "Add a diagnostic setting that sends the `audit` category group (AuditEvent) to the \
                      central Log Analytics workspace used by the SIEM.",
        false_positives: "Vaults whose logs are collected by a policy-deployed diagnostic setting that the \
                          design does not draw.",
        learn: "https://learn.microsoft.com/azure/key-vault/general/logging",
        psrule: &["Azure.KeyVault.Logs"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for vault in ctx.nodes_of_kinds(&["key_vault", "key_vault_managed_hsm"]) {
        let settings: Vec<_> = ctx
            .outgoing(vault)
            .iter()
            .filter(|c| ctx.link_is(c, "diagnostics"))
            .collect();
        let audited = settings
            .iter()
            .any(|c| matches!(ctx.connection_text(c, "categories"), "audit" | "allLogs"));
        if audited {
            continue;
        }
        let what = if settings.is_empty() {
            "sends no audit events anywhere"
        } else {
            "sends only metrics, not its audit events"
        };
        report.node(
            &vault.id,
            format_args!("{} `{}` {what}", ctx.kind_name(vault), ctx.label(vault)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_without_logs_or_with_metrics_only() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .node("metrics", "key_vault")
            .node("law", "log_analytics_workspace")
            .connect_with(
                "metrics",
                "law",
                "diagnostics",
                &[("categories", Value::from("metrics"))],
            )
            .build();
        assert_fires_on(&RULE, &design, &["kv", "metrics"]);
    }

    #[test]
    fn quiet_when_audit_events_reach_the_workspace() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .node("law", "log_analytics_workspace")
            .connect_with(
                "kv",
                "law",
                "diagnostics",
                &[("categories", Value::from("audit"))],
            )
            .build();
        assert_quiet(&RULE, &design);
    }
}
