//! MON-001: the design has no Log Analytics workspace to collect security logs.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-001",
        name: "log-analytics-workspace-missing",
        title: "No central place to collect security logs",
        severity: Severity::High,
        severity_reason: "High: without a central workspace no log can be correlated or alerted \
                           on, so every later detection rule has nothing to read (MCSB LT-5).",
        kind: RuleKind::DesignWide,
        se: &["SE:10"],
        mcsb: &["LT-5"],
        stride: Stride::Repudiation,
        scope: &[
            "compute",
            "data_store",
            "waf_capable",
            "firewall",
            "gateway",
        ],
        checks: "A design with workloads, data stores or network security appliances holds a Log \
                 Analytics workspace.",
        rationale: "Resource logs are only kept when a diagnostic setting sends them somewhere. Without \
                    a central workspace, the audit trail of the workload is either missing or scattered \
                    across places nobody searches, and there is nothing for a SIEM to analyse.",
        remediation: "Add a Log Analytics workspace, preferably a shared one owned by the security or \
                      platform team outside the workload's own subscription, and send every resource's \
                      diagnostics to it.",
        false_positives: "Designs that show only part of an estate whose central workspace is drawn \
                          elsewhere; add it as a node to make the dependency visible.",
        learn: "https://learn.microsoft.com/azure/well-architected/security/monitor-threats",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    if !ctx.has("log_sink") {
        report.design(
            "The design has no Log Analytics workspace, so its resources' security logs are not \
             collected in one place",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_without_a_workspace() {
        let design = DesignBuilder::new().node("app", "app_service").build();
        assert_fires_on(&RULE, &design, &["design"]);
    }

    #[test]
    fn quiet_with_a_workspace() {
        let design = DesignBuilder::new()
            .node("app", "app_service")
            .node("law", "log_analytics_workspace")
            .build();
        assert_quiet(&RULE, &design);
    }
}
