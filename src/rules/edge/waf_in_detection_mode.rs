//! EDGE-002: a web application firewall that only logs attacks.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "EDGE-002",
        name: "waf-in-detection-mode",
        title: "Web application firewall only detects attacks",
        severity: Severity::High,
        severity_reason: "High: a WAF in detection mode logs attacks and lets every one of them \
                           through; it protects nothing on an internet-facing gateway (MCSB NS-6).",
        kind: RuleKind::Property,
        se: &["SE:06"],
        mcsb: &["NS-6"],
        stride: Stride::Tampering,
        scope: &["waf_capable"],
        checks: "Every active web application firewall (Application Gateway WAF_v2, Front Door WAF policy) runs \
                 in Prevention mode.",
        rationale: "In Detection mode the WAF logs matching requests and forwards them anyway, so the workload \
                    is as exposed as without it. Detection is meant for a short tuning period before go-live.",
        remediation: "Tune the rules against real traffic in Detection mode for a limited time, add narrow \
                      exclusions for false positives, then switch the policy to Prevention.",
        false_positives: "A new WAF inside its planned tuning window.",
        learn: "https://learn.microsoft.com/azure/web-application-firewall/ag/policy-overview",
        psrule: &[
            "Azure.AppGw.Prevention",
            "Azure.AppGwWAF.PreventionMode",
            "Azure.FrontDoorWAF.PreventionMode",
        ],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for gateway in ctx.nodes_with_trait("waf_capable") {
        if ctx.is_active_waf(gateway) && ctx.text(gateway, "waf_mode") != "Prevention" {
            report.node(
                &gateway.id,
                format_args!(
                    "Web application firewall on {} `{}` logs attacks but lets them through",
                    ctx.kind_name(gateway),
                    ctx.label(gateway)
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
    fn fires_on_the_default_detection_mode() {
        let design = DesignBuilder::new()
            .node("fd", "front_door")
            .set("fd", "waf_policy_attached", true)
            .build();
        assert_fires_on(&RULE, &design, &["fd"]);
    }

    #[test]
    fn quiet_in_prevention_mode_or_without_a_waf() {
        let design = DesignBuilder::new()
            .node("fd", "front_door")
            .set("fd", "waf_policy_attached", true)
            .set("fd", "waf_mode", "Prevention")
            .node("fd2", "front_door")
            .build();
        assert_quiet(&RULE, &design);
    }
}
