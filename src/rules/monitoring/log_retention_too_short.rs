//! MON-006: a Log Analytics workspace keeps logs for less than 90 days, with no archive.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

/// Days of retention the baseline expects when logs are not archived elsewhere.
const BASELINE_DAYS: i64 = 90;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-006",
        name: "log-retention-too-short",
        title: "Security logs are kept too briefly",
        severity: Severity::Low,
        severity_reason: "Low: logs exist but age out before many intrusions are discovered; it \
                           limits investigation rather than detection (MCSB LT-6).",
        kind: RuleKind::Property,
        se: &["SE:10"],
        mcsb: &["LT-6"],
        stride: Stride::Repudiation,
        scope: &["log_analytics_workspace"],
        checks: "Every Log Analytics workspace retains data for at least 90 days, or exports it to \
                 immutable storage for long-term retention.",
        rationale: "Intrusions are often discovered weeks or months after they start. When the logs of \
                    the first days have already expired, nobody can tell how the attacker got in or \
                    what they took.",
        remediation: "Raise the workspace retention to 90 days or more (Sentinel includes 90 days at no \
                      extra cost), and export to immutable storage or use long-term retention for the \
                      period your regulations require.",
        false_positives: "Workspaces that only hold performance data; keep security logs in a separate \
                          workspace.",
        learn: "https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for workspace in ctx.nodes_of_kind("log_analytics_workspace") {
        let days = ctx.int(workspace, "retention_days");
        if days < BASELINE_DAYS && !ctx.bool(workspace, "immutable_export") {
            report.node(
                &workspace.id,
                format_args!(
                    "Log Analytics workspace `{}` keeps logs for {days} days and archives them \
                     nowhere",
                    ctx.label(workspace)
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
    fn fires_on_the_platform_default() {
        let design = DesignBuilder::new()
            .node("law", "log_analytics_workspace")
            .build();
        assert_fires_on(&RULE, &design, &["law"]);
    }

    #[test]
    fn quiet_with_90_days_or_an_archive() {
        let design = DesignBuilder::new()
            .node("law", "log_analytics_workspace")
            .set("law", "retention_days", 90_i64)
            .node("archived", "log_analytics_workspace")
            .set("archived", "immutable_export", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
