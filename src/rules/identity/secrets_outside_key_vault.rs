//! KV-001: a workload uses secrets that are not kept in (or read from) Key Vault.

use std::collections::BTreeMap;

use super::{is_outside_actor, secret_auth};
use crate::model::{Node, NodeId, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "KV-001",
        name: "secrets-outside-key-vault",
        title: "Secrets are kept outside Key Vault",
        severity: Severity::High,
        severity_reason: "High: a secret kept in configuration or code is readable by anyone with \
                           access to it, and cannot be rotated or audited centrally (MCSB IM-8).",
        kind: RuleKind::Topology,
        se: &["SE:09"],
        mcsb: &["IM-8", "DP-6"],
        stride: Stride::InformationDisclosure,
        scope: &[
            "compute",
            "web_workload",
            "service_principal",
            "on_premises_server",
        ],
        checks: "A component that authenticates with a secret (access key, SAS, connection string, \
                 password, client secret) reads it from Key Vault: a secret reference to a vault, or \
                 Key Vault references turned on for App Service and Functions. A service principal's \
                 secret or certificate is kept in Key Vault.",
        rationale: "Secrets in app settings, config files and pipeline variables are readable by anyone \
                    with access to those places, are copied into backups and logs, and are rarely \
                    rotated. Key Vault keeps one audited copy, readable only by the identities that \
                    need it, and lets you rotate it in one place.",
        remediation: "Store the secret in Key Vault, grant the consumer's managed identity the Key Vault \
                      Secrets User role, and reference it (App Service Key Vault references, the AKS \
                      secrets store CSI driver, API Management named values). Better still, remove the \
                      secret with a managed identity (IAM-002).",
        false_positives: "Secrets injected at runtime from another hardened store that the design does not \
                          show.",
        learn: "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references",
        psrule: &["Azure.AKS.SecretStore", "Azure.APIM.EncryptValues"],
    },
    check,
};

/// Whether the node takes its secrets from a vault.
fn reads_from_vault(ctx: &Context, node: &Node) -> bool {
    // App Service and Functions say so with a setting; a drawn reference without it still
    // leaves the secret in plain app settings.
    if ctx.has_property(node, "key_vault_references") {
        return ctx.bool(node, "key_vault_references");
    }
    ctx.targets(node, "secret_reference")
        .iter()
        .any(|v| ctx.has_trait(v, "secret_store"))
}

fn check(ctx: &Context, report: &mut Report) {
    let no_vault = if ctx.has("secret_store") {
        ""
    } else {
        ", and the design has no Key Vault"
    };
    for principal in ctx.nodes_of_kind("service_principal") {
        if is_outside_actor(ctx, principal) {
            continue;
        }
        if ctx.text(principal, "credential_type") != "FederatedCredential"
            && !ctx.bool(principal, "credential_stored_in_key_vault")
        {
            report.node(
                &principal.id,
                format_args!(
                    "Service principal `{}` keeps its credential outside Key Vault{no_vault}",
                    ctx.label(principal)
                ),
            );
        }
    }
    // Each caller's first connection (by id) that uses a secret names it in the message.
    let mut secret_uses = BTreeMap::new();
    for traffic in ctx.connections_of_kind("traffic") {
        if secret_uses.contains_key(&traffic.from) {
            continue;
        }
        let Some(secret) = secret_auth(ctx, traffic) else {
            continue;
        };
        // A flow into a private endpoint or load balancer uses the secret of what is behind it.
        if let Some(reached) = ctx.reached_by(ctx.target_of(traffic)).next() {
            secret_uses.insert(&traffic.from, (secret, reached));
        }
    }
    for (caller, (secret, reached)) in secret_uses {
        let Some(node) = ctx.node(caller) else {
            continue;
        };
        // Service principals hold a credential rather than use one: reported above. A public IP
        // or load balancer forwards the caller's secret and holds none.
        if node.kind == "service_principal"
            || ctx.has_trait(node, "pass_through")
            || is_outside_actor(ctx, node)
            || reads_from_vault(ctx, node)
        {
            continue;
        }
        let target = reached.service;
        let through = match ctx.describe_through(reached.through) {
            route if route.is_empty() => route,
            route => format!(" ({})", route.trim_start()),
        };
        let mut related: Vec<NodeId> = reached.through.iter().map(|n| n.id.clone()).collect();
        related.push(target.id.clone());
        report.node_with(
            &node.id,
            related,
            format_args!(
                "{} `{}` uses {secret} for `{}`{through} but does not read it from Key Vault{no_vault}",
                ctx.kind_name(node),
                ctx.label(node),
                ctx.label(target)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{
        DesignBuilder, app_to_sql_through_private_endpoint, assert_fires_on, assert_quiet, run,
    };

    fn app_with_connection_string() -> DesignBuilder {
        DesignBuilder::new()
            .node("app", "app_service")
            .node("sql", "sql_database")
            .connect_with(
                "app",
                "sql",
                "traffic",
                &[("auth", Value::from("ConnectionString"))],
            )
    }

    #[test]
    fn fires_on_plain_app_settings() {
        let design = app_with_connection_string()
            .node("sp", "service_principal")
            .build();
        assert_fires_on(&RULE, &design, &["app", "sp"]);
    }

    #[test]
    fn quiet_with_key_vault_references() {
        let design = app_with_connection_string()
            .set("app", "key_vault_references", true)
            .node("kv", "key_vault")
            .connect("app", "kv", "secret_reference")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn quiet_for_a_vm_reading_from_the_vault() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
            .node("st", "storage_account")
            .node("kv", "key_vault")
            .connect_with("vm", "st", "traffic", &[("auth", Value::from("AccessKey"))])
            .connect("vm", "kv", "secret_reference")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn names_the_service_behind_a_private_endpoint_and_never_a_public_ip() {
        let design = app_to_sql_through_private_endpoint(&[("auth", Value::from("Password"))]);
        let findings = run(&RULE, &design);
        assert_fires_on(&RULE, &design, &["app"]);
        assert_eq!(
            findings[0].message,
            "App Service `app` uses a password for `sql` (through Private endpoint `pe-sql`) but \
             does not read it from Key Vault, and the design has no Key Vault"
        );
        // The operator's password crosses the public IP; the address holds no secret.
        let rdp = [
            ("protocol", Value::from("RDP")),
            ("auth", Value::from("Password")),
        ];
        let design = DesignBuilder::new()
            .node("internet", "internet")
            .child("admin", "operator", "internet")
            .node("pip", "public_ip")
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
            .connect_with("admin", "pip", "traffic", &rdp)
            .connect_with("pip", "vm", "traffic", &rdp)
            .build();
        assert_quiet(&RULE, &design);
    }
}
