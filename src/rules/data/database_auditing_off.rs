//! DATA-005: database auditing is off.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-005",
        name: "database-auditing-off",
        title: "Database activity is not audited",
        severity: Severity::Medium,
        severity_reason: "Medium: without auditing, misuse of the database cannot be detected or \
                           investigated; detect-only, it prevents nothing (MCSB LT-3).",
        kind: RuleKind::Property,
        se: &["SE:10"],
        mcsb: &["LT-3"],
        stride: Stride::Repudiation,
        scope: &[
            "sql_database",
            "sql_managed_instance",
            "postgresql_flexible_server",
        ],
        checks: "Auditing is on for every SQL Database and SQL Managed Instance, and audit logging \
                 (the pgaudit extension) for every PostgreSQL flexible server.",
        rationale: "An audit log records who signed in, from where, and which statements they ran. Without \
                    them, data theft through a legitimate-looking login or an injection flaw leaves no \
                    trace to investigate, and the Defender for SQL detections have less to work with.",
        remediation: "Turn on server-level auditing to the central Log Analytics workspace (or to an \
                      immutable storage account for long retention). On PostgreSQL, load the pgaudit \
                      extension, choose the statement classes to log, and send the server's logs there \
                      through a diagnostic setting.",
        false_positives: "Databases audited by a server-level or policy-deployed setting that the design \
                          does not show.",
        learn: "https://learn.microsoft.com/azure/azure-sql/database/auditing-overview",
        psrule: &["Azure.SQL.Auditing"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for db in ctx.nodes_of_kinds(&[
        "sql_database",
        "sql_managed_instance",
        "postgresql_flexible_server",
    ]) {
        if !ctx.bool(db, "auditing") {
            report.node(
                &db.id,
                format_args!(
                    "{} `{}` does not audit its activity",
                    ctx.kind_name(db),
                    ctx.label(db)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_the_platform_default() {
        let design = DesignBuilder::new().node("sql", "sql_database").build();
        assert_fires_on(&RULE, &design, &["sql"]);
    }

    #[test]
    fn fires_on_postgresql_without_pgaudit() {
        let design = DesignBuilder::new()
            .node("pg", "postgresql_flexible_server")
            .build();
        assert_fires_on(&RULE, &design, &["pg"]);
    }

    #[test]
    fn quiet_with_auditing() {
        let design = DesignBuilder::new()
            .node("sql", "sql_database")
            .set("sql", "auditing", true)
            .node("pg", "postgresql_flexible_server")
            .set("pg", "auditing", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
