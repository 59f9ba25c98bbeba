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
        kind: RuleKind::Topology,
        se: &["SE:05", "SE:09"],
        mcsb: &["IM-3"],
        stride: Stride::Spoofing,
        scope: &["data_store"],
        checks: "Every traffic connection into a data store, from anything other than a persona or the \
                 internet, authenticates with a managed identity, a federated credential, a \
                 certificate or an Entra user, not with an access key, SAS, connection string, \
                 password or client secret.",
        rationale: "A shared secret works for whoever holds it, from anywhere, until someone rotates it. \
                    Secrets leak through config files, logs, pipelines and developer machines, and a \
                    leaked key grants everything the key can do without any sign-in to detect.",
        remediation: "Give the caller a managed identity (or workload identity federation outside Azure), \
                      grant it a data-plane role on the target, switch the connection to token \
                      authentication, and then turn key-based access off on the service (IAM-003).",
        false_positives: "Clients that cannot obtain Entra tokens, such as some third-party products; keep \
                          their secret in Key Vault and rotate it.",
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
    for traffic in ctx.connections_of_kind("traffic") {
        let (from, to) = (ctx.source_of(traffic), ctx.target_of(traffic));
        if !ctx.has_trait(to, "data_store") || is_outside_actor(ctx, from) {
            continue;
        }
        let Some(secret) = secret_auth(ctx, traffic) else {
            continue;
        };
        report.connection(
            &traffic.id,
            format_args!(
                "`{}` reaches {} `{}` with {secret} instead of a managed identity",
                ctx.label(from),
                ctx.kind_name(to),
                ctx.label(to)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

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
    fn quiet_for_users_with_a_sas() {
        let design = DesignBuilder::new()
            .node("net", "internet")
            .child("users", "internet_users", "net")
            .node("st", "storage_account")
            .connect_with("users", "st", "traffic", &[("auth", "SAS".into())])
            .build();
        assert_quiet(&RULE, &design);
    }
}
