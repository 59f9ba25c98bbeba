//! MON-008: Defender for Cloud covers a resource, but not with the plan that protects its kind.

use crate::model::{Node, Severity, Value};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-008",
        name: "defender-plan-off",
        title: "Defender plan for a resource type is off",
        severity: Severity::Medium,
        severity_reason: "Medium: Defender for Cloud covers the resource but its threat detection \
                           for that resource type is off; detection, not protection (MCSB LT-1).",
        kind: RuleKind::DesignWide,
        se: &["SE:10"],
        mcsb: &["LT-1"],
        stride: Stride::Tampering,
        scope: &["cspm"],
        checks: "Each resource covered by Defender for Cloud has the workload plan for its type on, \
                 either on the governing Defender for Cloud or on the resource itself: Servers for \
                 VMs, App Service for web and function apps, SQL for SQL databases and managed \
                 instances, open-source databases for PostgreSQL and MySQL, Cosmos DB, Storage, Key \
                 Vault, Containers for AKS and registries, APIs for API Management. Defender for \
                 Resource Manager is on for every Defender for Cloud.",
        rationale: "The free posture management tier only assesses configuration. Detection of attacks \
                    in progress (malware uploads, SQL injection, unusual key vault access, suspicious \
                    management operations) comes from the workload plans, one per resource type.",
        remediation: "Turn on the plans for every resource type in the design, plus Defender for \
                      Resource Manager, and Defender CSPM for attack path analysis.",
        false_positives: "Plans enabled at a scope the design does not draw.",
        learn: "https://learn.microsoft.com/azure/defender-for-cloud/defender-for-cloud-introduction",
        psrule: &[
            "Azure.Defender.Servers",
            "Azure.Defender.AppServices",
            "Azure.Defender.SQL",
            "Azure.Defender.OssRdb",
            "Azure.Defender.CosmosDb",
            "Azure.Defender.Storage",
            "Azure.Defender.KeyVault",
            "Azure.Defender.Containers",
            "Azure.Defender.Api",
            "Azure.Defender.Arm",
        ],
    },
    check,
};

/// The kinds [`plan_for`] knows a plan for.
const PLANNED_KINDS: [&str; 13] = [
    "virtual_machine",
    "app_service",
    "function_app",
    "sql_database",
    "sql_managed_instance",
    "postgresql_flexible_server",
    "cosmos_db",
    "storage_account",
    "key_vault",
    "aks_cluster",
    "container_registry",
    "api_management",
    "ai_services",
];

/// The plan that protects a kind: its name, the resource's own switch (if it has one) and the
/// Defender for Cloud property.
fn plan_for(kind: &str) -> Option<(&'static str, Option<&'static str>, &'static str)> {
    Some(match kind {
        "virtual_machine" => (
            "Defender for Servers",
            Some("defender_for_servers"),
            "servers",
        ),
        "app_service" | "function_app" => ("Defender for App Service", None, "app_service"),
        "sql_database" | "sql_managed_instance" => {
            ("Defender for SQL", Some("defender_for_sql"), "sql_paas")
        }
        "postgresql_flexible_server" => (
            "Defender for open-source databases",
            Some("defender_plan"),
            "open_source_dbs",
        ),
        "cosmos_db" => ("Defender for Cosmos DB", Some("defender_plan"), "cosmos_db"),
        "storage_account" => ("Defender for Storage", Some("defender_plan"), "storage"),
        "key_vault" => ("Defender for Key Vault", Some("defender_plan"), "key_vault"),
        "aks_cluster" => ("Defender for Containers", None, "containers"),
        "container_registry" => (
            "Defender for Containers",
            Some("image_scanning"),
            "containers",
        ),
        "api_management" => ("Defender for APIs", Some("defender_for_apis"), "apis"),
        "ai_services" => (
            "Defender for AI services",
            Some("defender_plan"),
            "ai_services",
        ),
        _ => return None,
    })
}

/// Whether a plan switch is on: true, or any tier other than Off.
fn is_on(ctx: &Context, node: &Node, property: &'static str) -> bool {
    match ctx.value(node, property) {
        Some(Value::Bool(on)) => *on,
        Some(Value::Text(tier)) => tier != "Off",
        _ => false,
    }
}

fn check(ctx: &Context, report: &mut Report) {
    for defender in ctx.nodes_with_trait("cspm") {
        if ctx.has_property(defender, "resource_manager")
            && !is_on(ctx, defender, "resource_manager")
        {
            report.node(
                &defender.id,
                format_args!(
                    "Defender for Cloud `{}` has Defender for Resource Manager off, so suspicious \
                     management operations go unnoticed",
                    ctx.label(defender)
                ),
            );
        }
    }
    for node in ctx.nodes_of_kinds(&PLANNED_KINDS) {
        let Some((plan, own_switch, defender_property)) = plan_for(&node.kind) else {
            continue;
        };
        // Resources outside Defender's scope are MON-003's finding.
        let defenders = ctx.governors(node, "cspm");
        if defenders.is_empty() {
            continue;
        }
        let on = own_switch.is_some_and(|p| is_on(ctx, node, p))
            || defenders.iter().any(|d| is_on(ctx, d, defender_property));
        if on {
            continue;
        }
        report.node_with(
            &node.id,
            defenders.iter().map(|d| d.id.clone()).collect(),
            format_args!(
                "{} `{}` is covered by Defender for Cloud without {plan}",
                ctx.kind_name(node),
                ctx.label(node)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{PLANNED_KINDS, RULE, plan_for};
    use crate::model::catalog;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn planned_kinds_are_the_kinds_with_a_plan() {
        let with_plan: Vec<&str> = catalog::builtin()
            .kinds()
            .iter()
            .map(|k| k.id.as_str())
            .filter(|k| plan_for(k).is_some())
            .collect();
        let mut planned = PLANNED_KINDS.to_vec();
        planned.sort_unstable();
        let mut expected = with_plan.clone();
        expected.sort_unstable();
        assert_eq!(planned, expected);
    }

    fn covered_subscription() -> DesignBuilder {
        DesignBuilder::new()
            .node("sub", "subscription")
            .child("mdc", "defender_for_cloud", "sub")
            .set("mdc", "resource_manager", true)
            .connect("mdc", "sub", "governs")
            .child("st", "storage_account", "sub")
            .child("kv", "key_vault", "sub")
    }

    #[test]
    fn fires_on_resources_without_their_plan() {
        let design = covered_subscription()
            .set("mdc", "resource_manager", false)
            .build();
        assert_fires_on(&RULE, &design, &["kv", "mdc", "st"]);
    }

    #[test]
    fn quiet_with_subscription_or_resource_plans() {
        let design = covered_subscription()
            .set("mdc", "storage", true)
            .set("kv", "defender_plan", true)
            .node("loose", "sql_database")
            .build();
        assert_quiet(&RULE, &design);
    }
}
