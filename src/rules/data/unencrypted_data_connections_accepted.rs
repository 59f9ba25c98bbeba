//! DATA-002: a data service accepts, or a design sends it, unencrypted connections.

use super::kind_label;
use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-002",
        name: "unencrypted-data-connections-accepted",
        title: "Data service accepts unencrypted connections",
        severity: Severity::High,
        severity_reason: "High: a data service that accepts unencrypted connections sends data and \
                           credentials in clear text over any network between caller and service \
                           (MCSB DP-3).",
        kind: RuleKind::Property,
        se: &["SE:07"],
        mcsb: &["DP-3"],
        stride: Stride::InformationDisclosure,
        scope: &["data_store"],
        checks: "Storage accounts require secure transfer, PostgreSQL and MySQL servers require secure \
                 transport, and Redis has its non-TLS port closed. Traffic connections into a data \
                 store, or into a private endpoint, load balancer, firewall or gateway in front of one, are \
                 encrypted (not plain HTTP, not marked unencrypted, TLS not None).",
        rationale: "Data and credentials sent in clear text can be read and altered by anyone on the \
                    path, including inside Azure networks shared with other systems. Requiring \
                    encryption on the service stops a misconfigured client from silently falling back \
                    to plain text.",
        remediation: "Turn on secure transfer (`supportsHttpsTrafficOnly`), `require_secure_transport`, \
                      and close the Redis non-TLS port; configure clients for HTTPS and TLS.",
        false_positives: "NFS 3.0 on storage accounts, which needs secure transfer off and must be \
                          isolated to private networks instead.",
        learn: "https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer",
        psrule: &[
            "Azure.Storage.SecureTransfer",
            "Azure.PostgreSQL.UseSSL",
            "Azure.MySQL.UseSSL",
            "Azure.Redis.NonSslPort",
        ],
    },
    check,
};

/// What the service accepts in clear text, or `None`.
fn plaintext_setting(ctx: &Context, store: &Node) -> Option<&'static str> {
    match store.kind.as_str() {
        "storage_account" if !ctx.bool(store, "secure_transfer_required") => {
            Some("accepts requests over plain HTTP and unencrypted SMB")
        }
        "postgresql_flexible_server" if !ctx.bool(store, "require_secure_transport") => {
            Some("accepts unencrypted client connections")
        }
        "redis_cache" if ctx.bool(store, "non_ssl_port") => {
            Some("has its unencrypted port 6379 open")
        }
        _ => None,
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for store in ctx.nodes_with_trait("data_store") {
        if let Some(what) = plaintext_setting(ctx, store) {
            report.node(
                &store.id,
                format_args!("{} `{}` {what}", kind_label(ctx, store), ctx.label(store)),
            );
        }
    }
    for traffic in ctx.connections_of_kind("traffic") {
        let unencrypted = !ctx.connection_bool(traffic, "encrypted")
            || ctx.connection_text(traffic, "protocol") == "HTTP"
            || ctx.connection_text(traffic, "tls_version") == "None";
        if !unencrypted {
            continue;
        }
        let Some(store) = ctx.data_store_reached_by(traffic) else {
            continue;
        };
        let through = ctx.describe_through(store.through);
        report.connection(
            &traffic.id,
            format_args!(
                "`{}` sends data to {} `{}`{through} unencrypted",
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
    fn fires_on_plaintext_settings_and_flows() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .set("st", "secure_transfer_required", false)
            .node("redis", "redis_cache")
            .set("redis", "non_ssl_port", true)
            .node("app", "app_service")
            .node("pg", "postgresql_flexible_server")
            .connect_with("app", "pg", "traffic", &[("encrypted", Value::from(false))])
            .build();
        assert_fires_on(&RULE, &design, &["c-1", "redis", "st"]);
    }

    #[test]
    fn quiet_on_platform_defaults_with_tls_flows() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .node("pg", "postgresql_flexible_server")
            .node("app", "app_service")
            .connect("app", "st", "traffic")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_on_a_clear_text_flow_through_a_private_endpoint() {
        let design = app_to_sql_through_private_endpoint(&[
            ("protocol", Value::from("SQL")),
            ("encrypted", Value::from(false)),
            ("tls_version", Value::from("None")),
        ]);
        assert_fires_on(&RULE, &design, &["c-1"]);
        assert_eq!(
            run(&RULE, &design)[0].message,
            "`app` sends data to SQL Database `sql` through Private endpoint `pe-sql` unencrypted"
        );
        let encrypted = [("protocol", Value::from("SQL"))];
        assert_quiet(&RULE, &app_to_sql_through_private_endpoint(&encrypted));
    }
}
