//! CMP-016: an on-premises server that Azure's security tooling cannot see.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-016",
        name: "on-premises-server-not-arc-enabled",
        title: "On-premises server is not onboarded to Azure Arc",
        severity: Severity::Medium,
        severity_reason: "Medium: a server outside Arc gets no Defender for Servers, Azure Policy \
                           or Update Manager, so its weaknesses go unseen by the tools that watch \
                           the rest of the design; it is not exposed by that alone (MCSB AM-1, \
                           ES-1).",
        kind: RuleKind::Property,
        se: &["SE:08", "SE:10"],
        mcsb: &["AM-1", "ES-1", "PV-6"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["on_premises_server"],
        checks: "Every on-premises server is onboarded to Azure Arc.",
        rationale: "Attackers move from the weakest machine that can reach the workload. Arc brings \
                    on-premises servers into the same inventory, policy, patching and endpoint detection \
                    as the Azure ones, so a hybrid design is watched as one.",
        remediation: "Install the Azure Connected Machine agent on the server, then extend Defender for \
                      Servers, Azure Policy guest configuration and Update Manager to it.",
        false_positives: "Servers managed and monitored by equivalent on-premises tooling that the design \
                          does not show.",
        learn: "https://learn.microsoft.com/azure/azure-arc/servers/overview",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for server in ctx.nodes_of_kind("on_premises_server") {
        if !ctx.bool(server, "arc_enabled") {
            report.node(
                &server.id,
                format_args!(
                    "On-premises server `{}` is not onboarded to Azure Arc, so Defender, Policy and \
                     Update Manager do not cover it",
                    ctx.label(server)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn server(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("onprem", "on_premises_network")
            .child("srv", "on_premises_server", "onprem")
    }

    #[test]
    fn fires_on_the_default() {
        assert_fires_on(&RULE, &server(DesignBuilder::new()).build(), &["srv"]);
    }

    #[test]
    fn quiet_when_arc_enabled() {
        let design = server(DesignBuilder::new())
            .set("srv", "arc_enabled", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
