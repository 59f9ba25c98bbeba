//! DATA-011: a SQL database that is never scanned for misconfigurations.

use crate::model::{Node, Severity, Value};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-011",
        name: "database-vulnerabilities-not-assessed",
        title: "SQL database is not scanned for vulnerabilities",
        severity: Severity::Medium,
        severity_reason: "Medium: without vulnerability assessment, excessive permissions, exposed \
                           sensitive columns and missing hardening stay unnoticed; it finds \
                           weaknesses rather than blocking attacks (MCSB PV-5).",
        kind: RuleKind::Property,
        se: &["SE:08", "SE:11"],
        mcsb: &["PV-5"],
        stride: Stride::InformationDisclosure,
        scope: &["sql_database", "sql_managed_instance"],
        checks: "Every SQL Database and SQL Managed Instance has vulnerability assessment on, or Defender \
                 for SQL (its own setting, or a governing Defender for Cloud with the SQL plan on), which \
                 turns on the express vulnerability assessment with it.",
        rationale: "Vulnerability assessment compares the database against a baseline of permissions, \
                    surface area and data protection settings, and tracks drift from the accepted state. \
                    Without it, a grant to the wrong role or a newly exposed column is found by an \
                    attacker first.",
        remediation: "Turn on Defender for SQL, which enables the express vulnerability assessment, review \
                      the findings and approve a baseline so that drift is reported.",
        false_positives: "Databases scanned by another assessment tool the design does not show.",
        learn: "https://learn.microsoft.com/azure/defender-for-cloud/sql-azure-vulnerability-assessment-overview",
        psrule: &["Azure.SQL.VAScan"],
    },
    check,
};

/// Whether Defender for SQL covers the database: its own switch or a governing plan.
fn defender_for_sql(ctx: &Context, database: &Node) -> bool {
    ctx.bool(database, "defender_for_sql")
        || ctx
            .governors(database, "cspm")
            .iter()
            .any(|defender| matches!(ctx.value(defender, "sql_paas"), Some(Value::Bool(true))))
}

fn check(ctx: &Context, report: &mut Report) {
    for database in ctx.nodes_of_kinds(&["sql_database", "sql_managed_instance"]) {
        if ctx.bool(database, "vulnerability_assessment") || defender_for_sql(ctx, database) {
            continue;
        }
        report.node(
            &database.id,
            format_args!(
                "{} `{}` has neither vulnerability assessment nor Defender for SQL",
                ctx.kind_name(database),
                ctx.label(database)
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
            .node("sql", "sql_database")
            .node("mi-vnet", "virtual_network")
            .child("mi-snet", "subnet", "mi-vnet")
            .child("mi", "sql_managed_instance", "mi-snet")
            .build();
        assert_fires_on(&RULE, &design, &["mi", "sql"]);
    }

    #[test]
    fn quiet_when_assessed_or_covered_by_defender_for_sql() {
        let design = DesignBuilder::new()
            .node("assessed", "sql_database")
            .set("assessed", "vulnerability_assessment", true)
            .node("own-plan", "sql_database")
            .set("own-plan", "defender_for_sql", true)
            .node("sub", "subscription")
            .child("governed", "sql_database", "sub")
            .node("defender", "defender_for_cloud")
            .set("defender", "sql_paas", true)
            .connect("defender", "sub", "governs")
            .build();
        assert_quiet(&RULE, &design);
    }
}
