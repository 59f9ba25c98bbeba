//! NET-017: a data store keeps its public endpoint open to named address ranges.

use crate::model::Severity;
use crate::rules::{Context, PublicEndpoint, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-017",
        name: "data-store-open-to-named-ranges",
        title: "Data store's public endpoint admits named address ranges",
        severity: Severity::Low,
        severity_reason: "Low: an IP allow-list keeps the internet at large out; what remains is a public \
                          endpoint whose safety rests on the list staying right, far below an endpoint \
                          open to all (MCSB NS-2).",
        kind: RuleKind::Property,
        se: &["SE:06"],
        mcsb: &["NS-2"],
        stride: Stride::InformationDisclosure,
        scope: &["data_store"],
        checks: "A data store whose public network access is on, whose firewall denies by default, and which \
                 admits one or more named IP ranges. A store open to any network is NET-002's (critical), \
                 one open to every Azure tenant's services DATA-006's; a store whose firewall names no range \
                 admits nobody on its public endpoint and is not reported.",
        rationale: "An IP allow-list keeps scanners out, so this is far from an open endpoint. But the store \
                    still listens on the internet, and its protection is only as good as the list: shared \
                    egress addresses, stale office ranges and broad CIDRs let in more than intended, and \
                    traffic from the listed ranges crosses the internet.",
        remediation: "Reach the store through a private endpoint (over VPN or ExpressRoute from on premises) \
                      and disable public network access; until then, keep the list to the few ranges that \
                      need it and review it with each change.",
        false_positives: "Stores that a partner or an on-premises site must reach over the internet by design: \
                          triage the finding as accepted risk with the ranges named.",
        learn: "https://learn.microsoft.com/azure/well-architected/security/networking",
        psrule: &["Azure.Storage.Firewall", "Azure.SQL.FirewallRuleCount"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for store in ctx.nodes_with_trait("data_store") {
        if ctx.text(store, "data_classification") == "Public" {
            continue;
        }
        let endpoint = ctx.public_endpoint(store);
        if let PublicEndpoint::NamedRanges(_) = endpoint {
            report.node(
                &store.id,
                format_args!(
                    "{} `{}` keeps its public endpoint open to {}",
                    ctx.kind_name(store),
                    ctx.label(store),
                    endpoint.describe()
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
    fn fires_on_default_deny_with_named_ranges() {
        let design = DesignBuilder::new()
            .node("sql", "sql_database")
            .set("sql", "firewall_ip_rules", 2)
            .node("st", "storage_account")
            .set("st", "network_default_action", "Deny")
            .set("st", "firewall_ip_rules", 1)
            .node("cosmos", "cosmos_db")
            .set("cosmos", "firewall_ip_rules", 3)
            .build();
        assert_fires_on(&RULE, &design, &["cosmos", "sql", "st"]);
    }

    #[test]
    fn quiet_when_open_to_all_closed_or_naming_no_range() {
        let design = DesignBuilder::new()
            // Default deny with no rule: nobody gets in.
            .node("sql", "sql_database")
            // Open to any network: NET-002's.
            .node("st", "storage_account")
            .set("st", "firewall_ip_rules", 2)
            // Public access off: the ranges do not matter.
            .node("kv", "key_vault")
            .set("kv", "public_network_access", "Disabled")
            .set("kv", "network_default_action", "Deny")
            .set("kv", "firewall_ip_rules", 2)
            // Azure services: DATA-006's.
            .node("pg", "postgresql_flexible_server")
            .set("pg", "allow_azure_services", true)
            .set("pg", "firewall_ip_rules", 1)
            .build();
        assert_quiet(&RULE, &design);
    }
}
