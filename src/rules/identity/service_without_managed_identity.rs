//! IAM-015: an AI, search or integration service that calls other services has no managed
//! identity.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

/// Kinds whose work is calling other services: models reading data, indexers, pipelines and
/// workflows.
const CALLERS: &[&str] = &["ai_services", "ai_search", "data_factory", "logic_app"];

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-015",
        name: "service-without-managed-identity",
        title: "Service that calls other services has no managed identity",
        severity: Severity::Medium,
        severity_reason: "Medium: without a managed identity the service must hold keys or passwords for \
                          what it calls; that is a weakness to exploit once a secret leaks, not an opening \
                          in itself (MCSB IM-3).",
        kind: RuleKind::Property,
        se: &["SE:05", "SE:09"],
        mcsb: &["IM-3"],
        stride: Stride::Spoofing,
        scope: CALLERS,
        checks: "Every Azure OpenAI or AI Foundry account, AI Search service, Data Factory and Logic App \
                 has a system- or user-assigned managed identity.",
        rationale: "These services reach storage, databases, Key Vault and each other on your behalf. \
                    Without a managed identity each of those connections needs a key or connection \
                    string stored in the service, which someone must rotate and which works for whoever \
                    copies it. A managed identity gets short-lived tokens, scoped by role assignments \
                    and visible in sign-in logs.",
        remediation: "Enable a system-assigned identity (or assign a user-assigned one), grant it the \
                      data roles it needs, and switch connections, linked services and data sources to \
                      identity-based authentication.",
        false_positives: "Services that call nothing else, such as a model deployment used only for \
                          completions with no data sources, or a Logic App without connectors.",
        learn: "https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/overview",
        psrule: &["Azure.AI.ManagedIdentity", "Azure.Search.ManagedIdentity"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for service in ctx.nodes_of_kinds(CALLERS) {
        if ctx.text(service, "managed_identity") != "None" {
            continue;
        }
        report.node(
            &service.id,
            format_args!(
                "{} `{}` has no managed identity, so the services it calls need stored secrets",
                ctx.kind_name(service),
                ctx.label(service)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_the_platform_defaults() {
        let design = DesignBuilder::new()
            .node("aoai", "ai_services")
            .node("search", "ai_search")
            .node("adf", "data_factory")
            .node("la", "logic_app")
            .build();
        assert_fires_on(&RULE, &design, &["adf", "aoai", "la", "search"]);
    }

    #[test]
    fn quiet_with_system_or_user_assigned_identities() {
        let design = DesignBuilder::new()
            .node("aoai", "ai_services")
            .set("aoai", "managed_identity", "SystemAssigned")
            .node("search", "ai_search")
            .set("search", "managed_identity", "UserAssigned")
            .build();
        assert_quiet(&RULE, &design);
    }
}
