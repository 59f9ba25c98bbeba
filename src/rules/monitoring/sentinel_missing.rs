//! MON-004: logs are collected, but no SIEM turns them into incidents.

use super::attached_workspaces;
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-004",
        name: "sentinel-missing",
        title: "No SIEM analyses the collected logs",
        severity: Severity::Medium,
        severity_reason: "Medium: logs are collected but nobody correlates them into incidents; \
                           detection, not protection (MCSB LT-5).",
        kind: RuleKind::DesignWide,
        se: &["SE:10", "SE:12"],
        mcsb: &["LT-5", "IR-3"],
        stride: Stride::Repudiation,
        scope: &["log_sink"],
        checks: "A design with a Log Analytics workspace holds Microsoft Sentinel, and each Sentinel \
                 node is attached to a workspace (a connection between the two, in either direction).",
        rationale: "Logs in a workspace are evidence, not detection. A SIEM correlates identity, network \
                    and resource signals into incidents, raises them to the people on call and keeps \
                    the investigation together; without one, an attack is found by chance, if at \
                    all.",
        remediation: "Enable Microsoft Sentinel on the central security workspace and draw the \
                      connection between them; connect the data sources the design holds (MON-011).",
        false_positives: "Organisations that use another SIEM fed from the workspace; draw it as \
                          Sentinel or accept the finding.",
        learn: "https://learn.microsoft.com/azure/sentinel/overview",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    let siems = ctx.nodes_with_trait("siem");
    if siems.is_empty() {
        report.design(
            "The design collects logs but has no Microsoft Sentinel to correlate them into \
             incidents",
        );
        return;
    }
    for siem in siems {
        if attached_workspaces(ctx, siem).is_empty() {
            report.node(
                &siem.id,
                format_args!(
                    "Microsoft Sentinel `{}` is not attached to a Log Analytics workspace",
                    ctx.label(siem)
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
    fn fires_without_sentinel() {
        let design = DesignBuilder::new()
            .node("law", "log_analytics_workspace")
            .build();
        assert_fires_on(&RULE, &design, &["design"]);
    }

    #[test]
    fn fires_on_a_detached_sentinel() {
        let design = DesignBuilder::new()
            .node("law", "log_analytics_workspace")
            .node("sentinel", "microsoft_sentinel")
            .build();
        assert_fires_on(&RULE, &design, &["sentinel"]);
    }

    #[test]
    fn quiet_when_sentinel_runs_on_the_workspace() {
        let design = DesignBuilder::new()
            .node("law", "log_analytics_workspace")
            .node("sentinel", "microsoft_sentinel")
            .connect("sentinel", "law", "governs")
            .build();
        assert_quiet(&RULE, &design);
    }
}
