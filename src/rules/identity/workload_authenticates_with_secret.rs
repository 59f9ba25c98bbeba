//! IAM-002: a workload reaches a data service with a key, password or connection string.

use super::{is_outside_actor, secret_auth};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-002",
        name: "workload-authenticates-with-secret",
        title: "Workload authenticates to a data service with a shared secret",
        severity: Severity::High,
        severity_reason: "High: a shared key or password in the workload grants data access to \
                           whoever copies it, from anywhere it is accepted, and it rarely rotates \
                           (MCSB IM-3).",
        kind: RuleKind::Topology,
        se: &["SE:05", "SE:09"],
        mcsb: &["IM-3"],
        stride: Stride::Spoofing,
        scope: &["data_store", "function_app"],
        checks: "Every traffic connection into a data store (or into a private endpoint, load balancer, \
                 firewall or gateway in front of one), from anything other than a persona, the internet or \
                 a pass-through forwarding someone else's connection, authenticates with a managed identity, a federated credential, a \
                 certificate or an Entra user, not with an access key, SAS, connection string, \
                 password or client secret. Every function app reaches its host storage \
                 (`AzureWebJobsStorage`) with a managed identity.",
        rationale: "A shared secret works for whoever holds it, from anywhere, until someone rotates it. \
                    Secrets leak through config files, logs, pipelines and developer machines, and a \
                    leaked key grants everything the key can do without any sign-in to detect.",
        remediation: "Give the caller a managed identity (or workload identity federation outside Azure), \
                      grant it a data-plane role on the target, switch the connection to token \
                      authentication, and then turn key-based access off on the service (IAM-003).",
        false_positives: "Clients that cannot obtain Entra tokens, such as some third-party products; keep \
                          their secret in Key Vault and rotate it. Function apps on plans that mount an \
                          Azure Files content share, which still needs a connection string.",
        learn: "https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/overview",
        psrule: &[
            "Azure.AppService.ManagedIdentity",
            "Azure.ContainerApp.ManagedIdentity",
            "Azure.APIM.ManagedIdentity",
        ],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    // Apps whose keyed flow to a storage account is drawn (as an import draws the host storage
    // setting): that finding says it, the setting's would repeat it.
    let mut keyed_to_storage = std::collections::BTreeSet::new();
    for traffic in ctx.connections_of_kind("traffic") {
        let from = ctx.source_of(traffic);
        if is_outside_actor(ctx, from) || ctx.has_trait(from, "pass_through") {
            continue;
        }
        let Some(secret) = secret_auth(ctx, traffic) else {
            continue;
        };
        let Some(store) = ctx.data_store_reached_by(traffic) else {
            continue;
        };
        if store.service.kind == "storage_account" {
            keyed_to_storage.insert(&from.id);
        }
        let through = ctx.describe_through(store.through);
        report.connection(
            &traffic.id,
            format_args!(
                "`{}` reaches {} `{}`{through} with {secret} instead of a managed identity",
                ctx.label(from),
                ctx.kind_name(store.service),
                ctx.label(store.service),
            ),
        );
    }
    // The host storage connection is a setting, seldom drawn: Functions keeps its triggers,
    // keys and often its code package there.
    for app in ctx.nodes_of_kind("function_app") {
        if !ctx.bool(app, "storage_identity_based") && !keyed_to_storage.contains(&app.id) {
            report.node(
                &app.id,
                format_args!(
                    "Function app `{}` reaches its host storage with an account key instead of a \
                     managed identity",
                    ctx.label(app)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{
        DesignBuilder, app_to_sql_through_private_endpoint, assert_fires_on, assert_quiet, run,
    };

    fn app_to_storage(auth: &str) -> crate::model::Design {
        DesignBuilder::new()
            .node("app", "app_service")
            .node("st", "storage_account")
            .connect_with("app", "st", "traffic", &[("auth", auth.into())])
            .build()
    }

    #[test]
    fn fires_on_a_connection_string() {
        assert_fires_on(&RULE, &app_to_storage("ConnectionString"), &["c-1"]);
    }

    #[test]
    fn quiet_with_a_managed_identity() {
        assert_quiet(&RULE, &app_to_storage("ManagedIdentity"));
    }

    #[test]
    fn fires_on_function_host_storage_reached_with_a_key() {
        let design = DesignBuilder::new()
            .node("func", "function_app")
            .node("func-mi", "function_app")
            .set("func-mi", "storage_identity_based", true)
            .build();
        assert_fires_on(&RULE, &design, &["func"]);
    }

    #[test]
    fn quiet_for_users_with_a_sas() {
        let design = DesignBuilder::new()
            .node("net", "internet")
            .child("users", "internet_users", "net")
            .node("st", "storage_account")
            .connect_with("users", "st", "traffic", &[("auth", "SAS".into())])
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_on_the_service_behind_a_private_endpoint() {
        let design = app_to_sql_through_private_endpoint(&[("auth", Value::from("Password"))]);
        assert_fires_on(&RULE, &design, &["c-1"]);
        let message = &run(&RULE, &design)[0].message;
        assert_eq!(
            message,
            "`app` reaches SQL Database `sql` through Private endpoint `pe-sql` with a password \
             instead of a managed identity"
        );
        let managed = [("auth", Value::from("ManagedIdentity"))];
        assert_quiet(&RULE, &app_to_sql_through_private_endpoint(&managed));
    }
}
