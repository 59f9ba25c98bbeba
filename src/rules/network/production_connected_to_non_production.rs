//! NET-012: production and non-production networks or workloads connected directly.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NET-012",
        name: "production-connected-to-non-production",
        title: "Production is connected directly to non-production",
        severity: Severity::High,
        severity_reason: "High: a direct connection lets an attacker in the weaker non-production \
                           environment reach production (MCSB NS-1, SE:04).",
        kind: RuleKind::Topology,
        se: &["SE:04", "SE:02"],
        mcsb: &["NS-1", "GS-2"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["virtual_network", "compute", "data_store"],
        checks: "No peering joins a virtual network in the Production environment to one in NonProduction, and \
                 no data flow (traffic, private link, hybrid link) joins a production component to a \
                 non-production one. A component's environment is its own setting, else its subscription's. \
                 Shared components (hubs, central logging) may connect to both.",
        rationale: "Non-production environments have weaker controls, broader developer access and test code. A \
                    direct path into production lets a compromise there, or a test job pointed at the wrong \
                    endpoint, reach production systems and data.",
        remediation: "Remove the peering or flow. Put shared services in a Shared hub, and send any flow that must \
                      cross environments through the hub firewall with explicit rules.",
        false_positives: "Deliberate, reviewed one-way flows such as anonymised data copies, when they pass through \
                          a control the design does not show.",
        learn: "https://learn.microsoft.com/azure/well-architected/security/segmentation",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    if !(ctx.has_environment("Production") && ctx.has_environment("NonProduction")) {
        return;
    }
    let peerings = ctx.connections_of_kind("peering").iter();
    for connection in peerings.chain(ctx.flows()) {
        let peering = ctx.link_is(connection, "peering");
        let (from, to) = (ctx.source_of(connection), ctx.target_of(connection));
        let environments = (ctx.environment(from), ctx.environment(to));
        if !matches!(
            environments,
            ("Production", "NonProduction") | ("NonProduction", "Production")
        ) {
            continue;
        }
        let what = if peering {
            "is peered with"
        } else {
            "exchanges data with"
        };
        report.connection(
            &connection.id,
            format_args!(
                "`{}` ({}) {what} `{}` ({})",
                ctx.label(from),
                environments.0,
                ctx.label(to),
                environments.1
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_peering_and_flows_across_environments() {
        let design = DesignBuilder::new()
            .node("sub-dev", "subscription")
            .set("sub-dev", "environment", "NonProduction")
            .child("vnet-dev", "virtual_network", "sub-dev")
            .child("app-dev", "app_service", "sub-dev")
            .node("vnet-prod", "virtual_network")
            .node("sql-prod", "sql_database")
            .connect("vnet-dev", "vnet-prod", "peering")
            .connect("app-dev", "sql-prod", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["c-1", "c-2"]);
    }

    #[test]
    fn quiet_for_shared_hubs_and_same_environment() {
        let design = DesignBuilder::new()
            .node("hub", "virtual_network")
            .set("hub", "environment", "Shared")
            .node("dev", "virtual_network")
            .set("dev", "environment", "NonProduction")
            .node("prod", "virtual_network")
            .node("prod2", "virtual_network")
            .connect("hub", "dev", "peering")
            .connect("hub", "prod", "peering")
            .connect("prod", "prod2", "peering")
            .build();
        assert_quiet(&RULE, &design);
    }
}
