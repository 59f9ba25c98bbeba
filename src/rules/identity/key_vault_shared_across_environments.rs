//! KV-007: one Key Vault serves secrets to more than one environment.

use std::collections::BTreeMap;

use crate::model::{NodeId, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "KV-007",
        name: "key-vault-shared-across-environments",
        title: "Key Vault is shared between environments",
        severity: Severity::Medium,
        severity_reason: "Medium: a vault shared with non-production gives non-production \
                           identities and mistakes a path to production secrets; it takes a role \
                           assignment to be abused (MCSB DP-8, SE:04).",
        kind: RuleKind::Topology,
        se: &["SE:09", "SE:04"],
        mcsb: &["DP-8", "GS-2"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["key_vault"],
        checks: "The components that read from a Key Vault (secret references), together with the \
                 vault itself, belong to a single environment. Vaults and consumers in the Shared \
                 environment do not count.",
        rationale: "A vault shared by production and non-production lets test systems, test pipelines \
                    and the people who run them read production secrets, and turns a test compromise \
                    into a production one. Vaults cost nothing extra, so one per application and \
                    environment is the norm.",
        remediation: "Create one vault per application and environment, move each environment's secrets \
                      into its own vault, and grant each environment's identities access only to it.",
        false_positives: "A platform vault holding certificates that are meant to be shared, such as a \
                          wildcard certificate; keep it in the Shared environment.",
        learn: "https://learn.microsoft.com/azure/key-vault/general/best-practices",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for vault in ctx.nodes_of_kind("key_vault") {
        // A vault placed in the Shared environment is a platform vault, shared on purpose.
        if ctx.environment(vault) == "Shared" {
            continue;
        }
        let consumers = ctx.sources(vault, "secret_reference");
        if consumers.is_empty() {
            continue;
        }
        // Environment → one node that belongs to it, for the message.
        let mut environments: BTreeMap<&str, &NodeId> = BTreeMap::new();
        for node in consumers.iter().copied().chain(std::iter::once(*vault)) {
            let environment = ctx.environment(node);
            if environment != "Shared" && !environment.is_empty() {
                environments.entry(environment).or_insert(&node.id);
            }
        }
        if environments.len() < 2 {
            continue;
        }
        let names: Vec<&str> = environments
            .keys()
            .map(|e| match *e {
                "NonProduction" => "non-production",
                "Production" => "production",
                other => other,
            })
            .collect();
        let related = consumers.iter().map(|n| n.id.clone()).collect();
        report.node_with(
            &vault.id,
            related,
            format_args!(
                "Key Vault `{}` serves both {} components",
                ctx.label(vault),
                names.join(" and ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_when_test_reads_a_production_vault() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .node("prod", "app_service")
            .node("test", "app_service")
            .set("test", "environment", "NonProduction")
            .connect("prod", "kv", "secret_reference")
            .connect("test", "kv", "secret_reference")
            .build();
        assert_fires_on(&RULE, &design, &["kv"]);
    }

    #[test]
    fn fires_through_the_subscription_environment() {
        let design = DesignBuilder::new()
            .node("sub-test", "subscription")
            .set("sub-test", "environment", "NonProduction")
            .child("test", "app_service", "sub-test")
            .node("kv", "key_vault")
            .connect("test", "kv", "secret_reference")
            .build();
        assert_fires_on(&RULE, &design, &["kv"]);
    }

    #[test]
    fn quiet_for_one_environment_or_shared_vaults() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .node("app", "app_service")
            .connect("app", "kv", "secret_reference")
            .node("platform", "key_vault")
            .set("platform", "environment", "Shared")
            .node("test", "app_service")
            .set("test", "environment", "NonProduction")
            .connect("app", "platform", "secret_reference")
            .connect("test", "platform", "secret_reference")
            .build();
        assert_quiet(&RULE, &design);
    }
}
