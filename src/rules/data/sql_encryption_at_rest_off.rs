//! DATA-004: transparent data encryption is off on a SQL database or managed instance.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-004",
        name: "sql-encryption-at-rest-off",
        title: "SQL data is not encrypted at rest",
        severity: Severity::Medium,
        severity_reason: "Medium: transparent data encryption protects database files and backups \
                           against media theft; an attacker going through the database engine \
                           reads the data either way, so the risk is narrow (MCSB DP-4).",
        kind: RuleKind::Property,
        se: &["SE:07"],
        mcsb: &["DP-4"],
        stride: Stride::InformationDisclosure,
        scope: &["sql_database", "sql_managed_instance"],
        checks: "Transparent data encryption is on for every SQL Database and SQL Managed Instance. \
                 (Storage, Cosmos DB and the other data services always encrypt at rest.)",
        rationale: "Without TDE, database files, logs and backups are stored in clear, so a copied backup \
                    or a detached file is readable without any database permission.",
        remediation: "Keep TDE on (the default for new databases); use a customer-managed key where the \
                      data classification calls for one (DATA-007).",
        false_positives: "None: TDE has no functional downside.",
        learn: "https://learn.microsoft.com/azure/azure-sql/database/transparent-data-encryption-tde-overview",
        psrule: &["Azure.SQL.TDE"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for db in ctx.nodes_of_kinds(&["sql_database", "sql_managed_instance"]) {
        if !ctx.bool(db, "tde") {
            report.node(
                &db.id,
                format_args!(
                    "{} `{}` has transparent data encryption off, so its files and backups are \
                     stored in clear",
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
    fn fires_when_tde_is_off() {
        let design = DesignBuilder::new()
            .node("sql", "sql_database")
            .set("sql", "tde", false)
            .build();
        assert_fires_on(&RULE, &design, &["sql"]);
    }

    #[test]
    fn quiet_on_the_platform_default() {
        let design = DesignBuilder::new().node("sql", "sql_database").build();
        assert_quiet(&RULE, &design);
    }
}
