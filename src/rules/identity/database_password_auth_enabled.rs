//! IAM-004: a database still accepts logins with passwords.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-004",
        name: "database-password-auth-enabled",
        title: "Database accepts password logins",
        severity: Severity::High,
        severity_reason: "High: password logins bypass Entra ID's MFA and conditional access and \
                           can be guessed or sprayed wherever the endpoint is reachable (MCSB \
                           IM-1).",
        kind: RuleKind::Property,
        se: &["SE:05"],
        mcsb: &["IM-1"],
        stride: Stride::Spoofing,
        scope: &[
            "sql_database",
            "sql_managed_instance",
            "postgresql_flexible_server",
        ],
        checks: "SQL Database and SQL Managed Instance have an Entra admin and Entra-only \
                 authentication; PostgreSQL and MySQL flexible servers use Entra-only authentication.",
        rationale: "Database logins with passwords sit outside the identity provider: no MFA, no \
                    Conditional Access, no central disabling when someone leaves, and passwords that \
                    end up in connection strings. The server admin login is also a favourite target \
                    for password spraying.",
        remediation: "Set an Entra group as the database administrator, move apps to managed identities \
                      and people to Entra accounts, then turn on Microsoft Entra-only authentication.",
        false_positives: "Legacy clients or tools that cannot obtain Entra tokens; keep their logins few \
                          and their passwords in Key Vault.",
        learn: "https://learn.microsoft.com/azure/azure-sql/database/authentication-azure-ad-only-authentication",
        psrule: &[
            "Azure.SQL.AAD",
            "Azure.SQL.AADOnly",
            "Azure.SQLMI.AAD",
            "Azure.SQLMI.AADOnly",
            "Azure.PostgreSQL.AAD",
            "Azure.PostgreSQL.AADOnly",
            "Azure.MySQL.AAD",
            "Azure.MySQL.AADOnly",
        ],
    },
    check,
};

/// Why the database still takes passwords, or `None` when it does not.
fn password_logins(ctx: &Context, db: &Node) -> Option<&'static str> {
    match db.kind.as_str() {
        "sql_database" | "sql_managed_instance" => {
            if !ctx.bool(db, "entra_admin") {
                Some("has no Entra admin, so only SQL logins with passwords can sign in")
            } else if !ctx.bool(db, "entra_only_auth") {
                Some("still accepts SQL logins with passwords next to Entra ID")
            } else {
                None
            }
        }
        "postgresql_flexible_server" => match ctx.text(db, "auth") {
            "EntraOnly" => None,
            "EntraAndLocal" => Some("still accepts database passwords next to Entra ID"),
            _ => Some("only accepts database passwords"),
        },
        _ => None,
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for db in ctx.nodes_of_kinds(&[
        "sql_database",
        "sql_managed_instance",
        "postgresql_flexible_server",
    ]) {
        let Some(problem) = password_logins(ctx, db) else {
            continue;
        };
        let kind = if db.kind == "postgresql_flexible_server" {
            format!("{} server", ctx.text(db, "engine"))
        } else {
            ctx.kind_name(db).to_owned()
        };
        report.node(&db.id, format_args!("{kind} `{}` {problem}", ctx.label(db)));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_platform_defaults() {
        let design = DesignBuilder::new()
            .node("sql", "sql_database")
            .node("pg", "postgresql_flexible_server")
            .build();
        assert_fires_on(&RULE, &design, &["pg", "sql"]);
    }

    #[test]
    fn fires_when_sql_has_an_entra_admin_but_keeps_passwords() {
        let design = DesignBuilder::new()
            .node("sql", "sql_database")
            .set("sql", "entra_admin", true)
            .build();
        assert_fires_on(&RULE, &design, &["sql"]);
    }

    #[test]
    fn quiet_with_entra_only_authentication() {
        let design = DesignBuilder::new()
            .node("sql", "sql_database")
            .set("sql", "entra_admin", true)
            .set("sql", "entra_only_auth", true)
            .node("pg", "postgresql_flexible_server")
            .set("pg", "auth", "EntraOnly")
            .build();
        assert_quiet(&RULE, &design);
    }
}
