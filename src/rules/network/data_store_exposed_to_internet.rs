//! NET-002: a data store the internet reaches without going through an application tier.

use super::exposure;
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-002",
        name: "data-store-exposed-to-internet",
        title: "Data store is reachable from the internet",
        severity: Severity::Critical,
        severity_reason: "Critical: a data store the internet reaches directly is one leaked or \
                           guessed credential away from a data breach (MCSB NS-2).",
        kind: RuleKind::Topology,
        se: &["SE:06", "SE:04"],
        mcsb: &["NS-2", "NS-1"],
        stride: Stride::InformationDisclosure,
        scope: &["data_store"],
        checks: "Follows data flows from the internet zone and from every open public endpoint, stopping at \
                 the application tier (compute and web workloads, including API Management). A data store \
                 (storage, databases, caches, messaging, Key Vault, registries, AI services, AI Search, \
                 App Configuration) that is reached this way, or whose own public endpoint accepts \
                 traffic from any network, is reported. What an endpoint accepts follows its network \
                 rules: a firewall that denies by default and names no range admits nobody, one that \
                 names ranges is NET-017's, \"allow Azure services\" is DATA-006's. Flows out of a \
                 data store are not followed, and stores classified as Public are skipped. A Key Vault or \
                 Managed HSM whose only exposure is its own endpoint is left to KV-004. Paths end at Azure \
                 Bastion, and RDP or SSH sessions are not followed.",
        rationale: "A data store that the internet can address directly is one leaked key, weak password or \
                    misconfigured firewall rule away from a breach, and it is the first target of scanners. \
                    Serving data only through the application tier keeps authentication, input validation and \
                    logging in front of it.",
        remediation: "Disable public network access and reach the store through a private endpoint, or at least \
                      set its firewall to deny by default and allow only the networks that need it. Remove any \
                      drawn flow from the internet, a public IP or a gateway straight to the store.",
        false_positives: "Storage that serves public static content (for example through Front Door): mark it \
                          with data classification Public. Stores whose firewall the design does not model.",
        learn: "https://learn.microsoft.com/azure/well-architected/security/networking",
        psrule: &[
            "Azure.Storage.Firewall",
            "Azure.KeyVault.Firewall",
            "Azure.Cosmos.PublicAccess",
            "Azure.Redis.PublicNetworkAccess",
            "Azure.ACR.Firewall",
            "Azure.EventHub.Firewall",
            "Azure.AI.PublicAccess",
        ],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    let reach = ctx.internet_reachable_past_application_tier();
    for store in ctx.nodes_with_trait("data_store") {
        let Some(previous) = ctx.reached_from(reach, *store) else {
            continue;
        };
        if ctx.text(store, "data_classification") == "Public" {
            continue;
        }
        // KV-004 reports a vault's open endpoint; this rule adds the drawn paths to it.
        let vault = matches!(store.kind.as_str(), "key_vault" | "key_vault_managed_hsm");
        if vault && previous.is_none() {
            continue;
        }
        let private_endpoints = ctx.sources(store, "private_link");
        let note = if private_endpoints.is_empty() {
            ""
        } else {
            " (its private endpoint does not close the public one)"
        };
        let (path, how) = exposure(ctx, reach, store);
        report.node_with(
            &store.id,
            path,
            format_args!(
                "{} `{}` is reachable from the internet: {how}{note}",
                ctx.kind_name(store),
                ctx.label(store),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn private_store(builder: DesignBuilder, id: &str) -> DesignBuilder {
        builder
            .node(id, "storage_account")
            .set(id, "public_network_access", "Disabled")
    }

    #[test]
    fn fires_on_the_platform_default_public_endpoint() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .node("kv", "key_vault")
            .build();
        assert_fires_on(&RULE, &design, &["st"]);
    }

    #[test]
    fn fires_on_a_drawn_path_through_a_public_ip() {
        let design = private_store(DesignBuilder::new(), "st")
            .node("pip", "public_ip")
            .connect("pip", "st", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["st"]);
    }

    #[test]
    fn quiet_behind_the_application_tier_even_with_a_waf_and_a_cycle() {
        let design = private_store(DesignBuilder::new(), "st")
            .node("internet", "internet")
            .node("fd", "front_door")
            .set("fd", "waf_policy_attached", true)
            .node("app", "app_service")
            .connect("internet", "fd", "traffic")
            .connect("fd", "app", "traffic")
            .connect("app", "st", "traffic")
            .connect("st", "app", "traffic")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_when_a_waf_forwards_straight_to_a_store() {
        let design = private_store(DesignBuilder::new(), "st")
            .node("internet", "internet")
            .node("fd", "front_door")
            .set("fd", "waf_policy_attached", true)
            .connect("internet", "fd", "traffic")
            .connect("fd", "st", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["st"]);
    }

    #[test]
    fn quiet_for_public_content_and_closed_endpoints() {
        let design = private_store(DesignBuilder::new(), "st")
            .node("web", "storage_account")
            .set("web", "data_classification", "Public")
            .node("sb", "service_bus")
            .set("sb", "network_default_action", "Deny")
            .build();
        assert_quiet(&RULE, &design);
    }
}
