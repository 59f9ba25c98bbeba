//! DATA-005: SQL auditing is off.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-005",
        name: "database-auditing-off",
        title: "Database activity is not audited",
        severity: Severity::Medium,
        kind: RuleKind::Property,
        se: &["SE:10"],
        mcsb: &["LT-3"],
        stride: Stride::Repudiation,
        scope: &["sql_database", "sql_managed_instance"],
        checks: "Auditing is on for every SQL Database and SQL Managed Instance.",
        rationale: "SQL audit records who signed in, from where, and which statements they ran. Without \
                    them, data theft through a legitimate-looking login or an injection flaw leaves no \
                    trace to investigate, and the Defender for SQL detections have less to work with.",
        remediation: "Turn on server-level auditing to the central Log Analytics workspace (or to an \
                      immutable storage account for long retention).",
        false_positives: "Databases audited by a server-level or policy-deployed setting that the design \
                          does not show.",
        learn: "https://learn.microsoft.com/azure/azure-sql/database/auditing-overview",
        psrule: &["Azure.SQL.Auditing"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for db in ctx.nodes_of_kinds(&["sql_database", "sql_managed_instance"]) {
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
    fn quiet_with_auditing() {
        let design = DesignBuilder::new()
            .node("sql", "sql_database")
            .set("sql", "auditing", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
