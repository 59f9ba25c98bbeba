//! DATA-001: a data or messaging service accepts TLS versions older than 1.2.

use super::kind_label;
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-001",
        name: "data-service-accepts-old-tls",
        title: "Data service accepts TLS older than 1.2",
        severity: Severity::High,
        severity_reason: "High: TLS 1.0 and 1.1 have known weaknesses and are refused by current \
                           baselines; data services carry the workload's data, so a downgrade \
                           exposes it in transit (MCSB DP-3).",
        kind: RuleKind::Property,
        se: &["SE:07"],
        mcsb: &["DP-3"],
        stride: Stride::InformationDisclosure,
        scope: &["data_store"],
        checks: "Every data store with a minimum TLS version setting (storage, SQL, PostgreSQL and \
                 MySQL, Cosmos DB, Redis, Service Bus, Event Hubs) requires TLS 1.2 or newer, and no traffic \
                 connection into a data store (or into a private endpoint, load balancer, firewall or gateway in \
                 front of one) negotiates TLS 1.0 or 1.1.",
        rationale: "TLS 1.0 and 1.1 have known weaknesses and lack modern cipher suites. As long as the \
                    service accepts them, a client can be downgraded and its traffic, including \
                    credentials and data, exposed.",
        remediation: "Set the minimum TLS version to 1.2 (1.3 where the service supports it) after \
                      checking the service's logs for clients that still use older versions.",
        false_positives: "None for new designs; old clients are the only reason to wait.",
        learn: "https://learn.microsoft.com/azure/storage/common/transport-layer-security-configure-minimum-version",
        psrule: &[
            "Azure.Storage.MinTLS",
            "Azure.SQL.MinTLS",
            "Azure.PostgreSQL.MinTLS",
            "Azure.MySQL.MinTLS",
            "Azure.Redis.MinTLS",
            "Azure.Cosmos.MinTLS",
            "Azure.ServiceBus.MinTLS",
            "Azure.EventHub.MinTLS",
        ],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for store in ctx.nodes_with_trait("data_store") {
        if !ctx.has_property(store, "min_tls_version") {
            continue;
        }
        let version = ctx.text(store, "min_tls_version");
        if matches!(version, "1.0" | "1.1") {
            report.node(
                &store.id,
                format_args!(
                    "{} `{}` accepts TLS {version}",
                    kind_label(ctx, store),
                    ctx.label(store)
                ),
            );
        }
    }
    for traffic in ctx.connections_of_kind("traffic") {
        let version = ctx.connection_text(traffic, "tls_version");
        if !matches!(version, "1.0" | "1.1") {
            continue;
        }
        let Some(store) = ctx.data_store_reached_by(traffic) else {
            continue;
        };
        let through = ctx.describe_through(store.through);
        report.connection(
            &traffic.id,
            format_args!(
                "`{}` connects to {} `{}`{through} with TLS {version}",
                ctx.label(ctx.source_of(traffic)),
                kind_label(ctx, store.service),
                ctx.label(store.service),
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

    #[test]
    fn fires_on_tls_1_0_and_1_1() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .set("st", "min_tls_version", "1.0")
            .node("sb", "service_bus")
            .set("sb", "min_tls_version", "1.1")
            .build();
        assert_fires_on(&RULE, &design, &["sb", "st"]);
    }

    #[test]
    fn quiet_on_platform_defaults() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .node("sql", "sql_database")
            .node("kv", "key_vault")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_on_an_old_tls_flow_through_a_private_endpoint() {
        let design = app_to_sql_through_private_endpoint(&[("tls_version", Value::from("1.0"))]);
        assert_fires_on(&RULE, &design, &["c-1"]);
        assert_eq!(
            run(&RULE, &design)[0].message,
            "`app` connects to SQL Database `sql` through Private endpoint `pe-sql` with TLS 1.0"
        );
        let current = [("tls_version", Value::from("1.3"))];
        assert_quiet(&RULE, &app_to_sql_through_private_endpoint(&current));
    }
}
