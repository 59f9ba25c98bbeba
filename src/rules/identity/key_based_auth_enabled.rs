//! IAM-003: a data, messaging or monitoring service still accepts keys instead of Entra ID.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-003",
        name: "key-based-auth-enabled",
        title: "Service accepts account keys instead of requiring Entra ID",
        severity: Severity::High,
        severity_reason: "High: account keys give full data-plane access without identity, audit \
                           trail per caller or conditional access, and leak through code and \
                           configuration (MCSB IM-1).",
        kind: RuleKind::Property,
        se: &["SE:05", "SE:09"],
        mcsb: &["IM-1"],
        stride: Stride::Spoofing,
        scope: &[
            "storage_account",
            "cosmos_db",
            "service_bus",
            "event_hubs",
            "redis_cache",
            "application_insights",
            "log_analytics_workspace",
            "ai_services",
            "ai_search",
            "app_configuration",
        ],
        checks: "Storage accounts have shared key access off; Cosmos DB (NoSQL API), Service Bus and \
                 Event Hubs have local authentication off; Azure Cache for Redis has access keys off; \
                 Application Insights and Log Analytics have local authentication off; Azure OpenAI / AI \
                 Foundry accounts, AI Search services and App Configuration stores have key-based \
                 (local) authentication off. The finding says when keys weigh more: a storage account \
                 without a SAS expiration policy, a Cosmos DB account whose keys may change its \
                 databases and containers, a Redis cache without Entra ID authentication.",
        rationale: "As long as the service accepts its account keys, anyone holding a key (or a SAS signed \
                    with one) gets in without a sign-in, without Conditional Access and without an \
                    identity in the logs. Moving every client to Entra ID only helps once the keys stop \
                    working.",
        remediation: "Move every client to Entra ID tokens with data-plane roles, then disable the keys \
                      (`allowSharedKeyAccess: false`, `disableLocalAuth: true`, \
                      `disableAccessKeyAuthentication: true`).",
        false_positives: "Clients that cannot use Entra ID yet, such as a Function app whose host storage \
                          still uses a connection string, or Azure Files over SMB with key access.",
        learn: "https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent",
        psrule: &[
            "Azure.Storage.LocalAuth",
            "Azure.Cosmos.NoSQLLocalAuth",
            "Azure.ServiceBus.DisableLocalAuth",
            "Azure.EventHub.DisableLocalAuth",
            "Azure.Redis.LocalAuth",
            "Azure.AppInsights.LocalAuth",
            "Azure.AI.DisableLocalAuth",
            "Azure.AppConfig.DisableLocalAuth",
        ],
    },
    check,
};

/// What the node still accepts, or `None` when keys are off.
fn accepted_keys(ctx: &Context, node: &Node) -> Option<&'static str> {
    let keys_on = match node.kind.as_str() {
        "storage_account" => ctx.bool(node, "allow_shared_key_access"),
        // Only the NoSQL API can do without keys; the others still need them.
        "cosmos_db" => ctx.text(node, "api") == "NoSQL" && !ctx.bool(node, "disable_local_auth"),
        "service_bus" | "event_hubs" => !ctx.bool(node, "disable_local_auth"),
        "redis_cache" => !ctx.bool(node, "access_keys_disabled"),
        "application_insights" | "log_analytics_workspace" => {
            !ctx.bool(node, "local_auth_disabled")
        }
        "ai_services" | "ai_search" | "app_configuration" => !ctx.bool(node, "disable_local_auth"),
        _ => false,
    };
    keys_on.then_some(match node.kind.as_str() {
        "storage_account" => "shared key authorization",
        "cosmos_db" => "account keys",
        "service_bus" | "event_hubs" => "SAS keys",
        "redis_cache" => "access keys",
        "application_insights" => "telemetry sent with just its instrumentation key",
        "ai_services" | "ai_search" => "requests signed with its API keys",
        "app_configuration" => "connection strings with its access keys",
        _ => "logs sent with workspace keys",
    })
}

/// What makes the keys the node accepts worse, for the message; empty when nothing does.
fn aggravation(ctx: &Context, node: &Node) -> &'static str {
    match node.kind.as_str() {
        "storage_account" if !ctx.bool(node, "sas_expiration_policy") => {
            ", and no SAS expiration policy flags long-lived tokens signed with them"
        }
        "cosmos_db" if !ctx.bool(node, "disable_key_based_metadata_write") => {
            ", which may also change its databases and containers"
        }
        "redis_cache" if !ctx.bool(node, "entra_auth") => {
            ", its only way in: Entra ID authentication is off"
        }
        _ => "",
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for node in ctx.nodes_of_kinds(&[
        "storage_account",
        "cosmos_db",
        "service_bus",
        "event_hubs",
        "redis_cache",
        "application_insights",
        "log_analytics_workspace",
        "ai_services",
        "ai_search",
        "app_configuration",
    ]) {
        if let Some(keys) = accepted_keys(ctx, node) {
            report.node(
                &node.id,
                format_args!(
                    "{} `{}` accepts {keys}{}",
                    ctx.kind_name(node),
                    ctx.label(node),
                    aggravation(ctx, node)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    #[test]
    fn fires_on_platform_defaults() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .node("sb", "service_bus")
            .node("redis", "redis_cache")
            .node("law", "log_analytics_workspace")
            .node("aoai", "ai_services")
            .node("search", "ai_search")
            .node("appcs", "app_configuration")
            .build();
        assert_fires_on(
            &RULE,
            &design,
            &["aoai", "appcs", "law", "redis", "sb", "search", "st"],
        );
    }

    #[test]
    fn quiet_when_keys_are_off() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .set("st", "allow_shared_key_access", false)
            .node("cosmos", "cosmos_db")
            .set("cosmos", "disable_local_auth", true)
            .node("redis", "redis_cache")
            .set("redis", "access_keys_disabled", true)
            .node("aoai", "ai_services")
            .set("aoai", "disable_local_auth", true)
            .node("appcs", "app_configuration")
            .set("appcs", "disable_local_auth", true)
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn says_what_makes_the_keys_weigh_more() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .set("st", "sas_expiration_policy", true)
            .node("st-open", "storage_account")
            .node("cosmos", "cosmos_db")
            .node("redis", "redis_cache")
            .set("redis", "entra_auth", true)
            .build();
        let messages: Vec<String> = run(&RULE, &design)
            .iter()
            .map(|f| f.message.to_string())
            .collect();
        assert_eq!(
            messages,
            [
                "Cosmos DB `cosmos` accepts account keys, which may also change its databases and \
                 containers",
                "Azure Cache for Redis `redis` accepts access keys",
                "Storage account `st` accepts shared key authorization",
                "Storage account `st-open` accepts shared key authorization, and no SAS expiration \
                 policy flags long-lived tokens signed with them",
            ]
        );
    }

    #[test]
    fn quiet_for_cosmos_apis_that_need_keys() {
        let design = DesignBuilder::new()
            .node("cosmos", "cosmos_db")
            .set("cosmos", "api", "MongoDB_RU")
            .build();
        assert_quiet(&RULE, &design);
    }
}
