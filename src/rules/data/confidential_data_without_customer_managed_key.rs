//! DATA-007: confidential data is encrypted only with Microsoft-managed keys.

use super::{kind_label, sensitive_classification};
use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-007",
        name: "confidential-data-without-customer-managed-key",
        title: "Confidential data is not encrypted with a key you control",
        severity: Severity::Medium,
        severity_reason: "Medium: platform-managed keys still encrypt the data; a customer-managed \
                           key adds control over revocation for confidential data, defence in \
                           depth (MCSB DP-5).",
        kind: RuleKind::Topology,
        se: &["SE:07", "SE:03"],
        mcsb: &["DP-5"],
        stride: Stride::InformationDisclosure,
        scope: &["data_store"],
        checks: "A data store classified Confidential or Highly confidential, of a kind that supports \
                 customer-managed keys (storage, SQL, Cosmos DB, PostgreSQL, Service Bus, Event Hubs, \
                 Azure Cache for Redis, Azure OpenAI / AI Foundry, AI Search and App Configuration), \
                 uses one. For Highly confidential data, the key it references is \
                 not in a Standard (software) Key Vault but in a Premium vault or a Managed HSM.",
        rationale: "With a customer-managed key you decide who can use the key, you see every use in the \
                    vault's audit log, and you can revoke it to make the data unreadable at once. \
                    Regulations for sensitive data often require it, and for the most sensitive data \
                    keys protected by hardware.",
        remediation: "Create the key in Key Vault Premium or a Managed HSM (with purge protection), give \
                      the service's managed identity wrap and unwrap rights, and switch the service to \
                      the customer-managed key. Service Bus needs the Premium tier for this, Event Hubs \
                      Premium or Dedicated, and Redis the Azure Managed Redis tier.",
        false_positives: "Data classified Confidential where policy accepts Microsoft-managed keys.",
        learn: "https://learn.microsoft.com/azure/security/fundamentals/encryption-models",
        psrule: &[],
    },
    check,
};

/// Whether the store uses a customer-managed key, or `None` when its kind cannot.
fn uses_cmk(ctx: &Context, store: &Node) -> Option<bool> {
    match store.kind.as_str() {
        "storage_account" => Some(ctx.text(store, "encryption_key") == "CustomerManaged"),
        "sql_database" | "sql_managed_instance" => {
            Some(ctx.bool(store, "tde_customer_managed_key"))
        }
        "cosmos_db"
        | "postgresql_flexible_server"
        | "service_bus"
        | "event_hubs"
        | "redis_cache"
        | "ai_services"
        | "ai_search"
        | "app_configuration" => Some(ctx.bool(store, "customer_managed_key")),
        _ => None,
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for store in ctx.nodes_with_trait("data_store") {
        let Some(classification) = sensitive_classification(ctx, store) else {
            continue;
        };
        let Some(cmk) = uses_cmk(ctx, store) else {
            continue;
        };
        let label = ctx.label(store);
        let kind = kind_label(ctx, store);
        if !cmk {
            report.node(
                &store.id,
                format_args!(
                    "{kind} `{label}` holds {classification} data but encrypts it with \
                     Microsoft-managed keys"
                ),
            );
            continue;
        }
        if classification != "highly confidential" {
            continue;
        }
        // The key's home, as drawn: a Standard vault keeps keys in software.
        let software_vault = ctx
            .outgoing(store)
            .iter()
            .filter(|c| ctx.link_is(c, "secret_reference"))
            .filter(|c| ctx.connection_text(c, "purpose") == "Key")
            .filter_map(|c| ctx.node(&c.to))
            .find(|v| v.kind == "key_vault" && ctx.text(v, "sku") == "Standard");
        if let Some(vault) = software_vault {
            report.node_with(
                &store.id,
                vec![vault.id.clone()],
                format_args!(
                    "{kind} `{label}` holds highly confidential data but its key sits in Key Vault \
                     `{}` (Standard), which protects keys in software rather than in an HSM",
                    ctx.label(vault)
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
    fn fires_on_confidential_data_with_platform_keys() {
        let design = DesignBuilder::new()
            .node("sql", "sql_database")
            .set("sql", "data_classification", "Confidential")
            .build();
        assert_fires_on(&RULE, &design, &["sql"]);
    }

    #[test]
    fn fires_on_a_highly_confidential_key_in_a_standard_vault() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .set("st", "data_classification", "HighlyConfidential")
            .set("st", "encryption_key", "CustomerManaged")
            .node("kv", "key_vault")
            .connect_with(
                "st",
                "kv",
                "secret_reference",
                &[("purpose", Value::from("Key"))],
            )
            .build();
        assert_fires_on(&RULE, &design, &["st"]);
    }

    #[test]
    fn quiet_with_an_hsm_backed_key_or_general_data() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .set("st", "data_classification", "HighlyConfidential")
            .set("st", "encryption_key", "CustomerManaged")
            .node("kv", "key_vault")
            .set("kv", "sku", "Premium")
            .connect_with(
                "st",
                "kv",
                "secret_reference",
                &[("purpose", Value::from("Key"))],
            )
            .node("logs", "storage_account")
            .set("logs", "data_classification", "General")
            .node("cache", "redis_cache")
            .set("cache", "data_classification", "Confidential")
            .set("cache", "customer_managed_key", true)
            .node("queue", "service_bus")
            .set("queue", "data_classification", "Confidential")
            .set("queue", "sku", "Premium")
            .set("queue", "customer_managed_key", true)
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_on_confidential_messaging_and_caches_with_platform_keys() {
        let design = DesignBuilder::new()
            .node("queue", "service_bus")
            .set("queue", "data_classification", "Confidential")
            .node("events", "event_hubs")
            .set("events", "data_classification", "HighlyConfidential")
            .node("cache", "redis_cache")
            .set("cache", "data_classification", "Confidential")
            .node("general", "event_hubs")
            .set("general", "data_classification", "General")
            .build();
        assert_fires_on(&RULE, &design, &["cache", "events", "queue"]);
    }

    #[test]
    fn fires_on_confidential_ai_and_configuration_stores_with_platform_keys() {
        let design = DesignBuilder::new()
            .node("aoai", "ai_services")
            .set("aoai", "data_classification", "Confidential")
            .node("search", "ai_search")
            .set("search", "data_classification", "HighlyConfidential")
            .node("appcs", "app_configuration")
            .set("appcs", "data_classification", "Confidential")
            .node("keyed", "ai_services")
            .set("keyed", "data_classification", "Confidential")
            .set("keyed", "customer_managed_key", true)
            .build();
        assert_fires_on(&RULE, &design, &["aoai", "appcs", "search"]);
    }
}
