//! CMP-012: a Data Factory reachable from public networks or running pipelines outside a
//! managed virtual network.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-012",
        name: "data-factory-not-isolated",
        title: "Data Factory is open to public networks or runs outside a managed virtual network",
        severity: Severity::High,
        severity_reason: "High: a factory open to public networks, or running its integration outside a \
                          managed virtual network, moves data with credentials to many stores over paths \
                          no network control sees (MCSB NS-2).",
        kind: RuleKind::Property,
        se: &["SE:06"],
        mcsb: &["NS-2"],
        stride: Stride::InformationDisclosure,
        scope: &["data_factory"],
        checks: "Every Data Factory has public network access disabled and runs its Azure integration \
                 runtime in a managed virtual network, reaching data stores through managed private \
                 endpoints.",
        rationale: "A factory holds the connections to every store its pipelines touch and moves data \
                    between them. With its endpoint public, anyone with a stolen token can author or \
                    trigger pipelines from anywhere; with the integration runtime outside a managed \
                    network, the stores it copies from and to must keep their own public endpoints open \
                    to it, and a pipeline can send data to any destination.",
        remediation: "Enable the managed virtual network on the Azure integration runtime, create managed \
                      private endpoints to the stores, then disable public network access and author \
                      through a private endpoint for the portal.",
        false_positives: "Factories that only use a self-hosted integration runtime inside your own \
                          network, which the design does not model as such.",
        learn: "https://learn.microsoft.com/azure/data-factory/managed-virtual-network-private-endpoint",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for factory in ctx.nodes_of_kind("data_factory") {
        let public = ctx.text(factory, "public_network_access") == "Enabled";
        let unmanaged = !ctx.bool(factory, "managed_virtual_network");
        let problem = match (public, unmanaged) {
            (false, false) => continue,
            (true, false) => "its endpoint accepts traffic from public networks",
            (false, true) => "its integration runtime runs outside a managed virtual network",
            (true, true) => {
                "its endpoint accepts traffic from public networks and its integration runtime runs \
                 outside a managed virtual network"
            }
        };
        report.node(
            &factory.id,
            format_args!(
                "Data Factory `{}` is not isolated: {problem}",
                ctx.label(factory)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_the_platform_defaults_and_on_either_gap() {
        let design = DesignBuilder::new()
            .node("default", "data_factory")
            .node("public", "data_factory")
            .set("public", "managed_virtual_network", true)
            .node("unmanaged", "data_factory")
            .set("unmanaged", "public_network_access", "Disabled")
            .build();
        assert_fires_on(&RULE, &design, &["default", "public", "unmanaged"]);
    }

    #[test]
    fn quiet_when_private_with_a_managed_network() {
        let design = DesignBuilder::new()
            .node("adf", "data_factory")
            .set("adf", "public_network_access", "Disabled")
            .set("adf", "managed_virtual_network", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
