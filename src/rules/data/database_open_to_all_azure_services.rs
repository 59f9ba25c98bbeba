//! DATA-006: a database firewall admits every Azure service, including other customers'.

use super::kind_label;
use crate::model::Severity;
use crate::rules::{Context, PublicEndpoint, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-006",
        name: "database-open-to-all-azure-services",
        title: "Database firewall admits all of Azure",
        severity: Severity::High,
        severity_reason: "High: the exception admits traffic from any Azure subscription, \
                           including an attacker's, leaving only the database credentials between \
                           them and the data (MCSB NS-2).",
        kind: RuleKind::Property,
        se: &["SE:06"],
        mcsb: &["NS-2"],
        stride: Stride::InformationDisclosure,
        scope: &["sql_database", "postgresql_flexible_server"],
        checks: "SQL Database and PostgreSQL or MySQL flexible servers with a public endpoint do not use \
                 the \"Allow Azure services\" firewall exception.",
        rationale: "The exception (the 0.0.0.0 rule) is not limited to your subscription: any VM, \
                    function or service of any Azure customer passes the firewall and only needs a \
                    credential to get in. It quietly turns a restricted endpoint into one open to a \
                    large part of the internet.",
        remediation: "Turn the exception off, reach the database through a private endpoint (or VNet \
                      integration), and add narrow IP rules only for the callers that need them.",
        false_positives: "None: Azure services that need access should use private endpoints, trusted \
                          service access or managed identities instead.",
        learn: "https://learn.microsoft.com/azure/azure-sql/database/network-access-controls-overview",
        psrule: &[
            "Azure.SQL.AllowAzureAccess",
            "Azure.PostgreSQL.AllowAzureAccess",
            "Azure.MySQL.AllowAzureAccess",
        ],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for db in ctx.nodes_of_kinds(&["sql_database", "postgresql_flexible_server"]) {
        // With public access off the exception does nothing; with a rule admitting every
        // address, NET-002 reports the wider opening.
        if ctx.public_endpoint(db) == PublicEndpoint::AzureServices {
            report.node(
                &db.id,
                format_args!(
                    "{} `{}` lets any Azure service, including other customers', through its \
                     firewall",
                    kind_label(ctx, db),
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
    fn fires_on_the_azure_services_exception() {
        let design = DesignBuilder::new()
            .node("sql", "sql_database")
            .set("sql", "allow_azure_services", true)
            .node("pg", "postgresql_flexible_server")
            .set("pg", "allow_azure_services", true)
            .build();
        assert_fires_on(&RULE, &design, &["pg", "sql"]);
    }

    #[test]
    fn quiet_without_the_exception_or_the_endpoint() {
        let design = DesignBuilder::new()
            .node("sql", "sql_database")
            .node("private", "sql_database")
            .set("private", "allow_azure_services", true)
            .set("private", "public_network_access", "Disabled")
            .build();
        assert_quiet(&RULE, &design);
    }
}
