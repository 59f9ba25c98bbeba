//! MON-012: an Azure Monitor Private Link Scope that lets its networks reach Azure Monitor
//! resources outside the scope.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-012",
        name: "private-link-scope-open",
        title: "Azure Monitor Private Link Scope lets traffic reach resources outside the scope",
        severity: Severity::Medium,
        severity_reason: "Medium: Open access mode lets clients on the private network send data to, and \
                          query, resources outside the scope, an exfiltration path that needs a foothold \
                          inside first (MCSB NS-2, DP-2).",
        kind: RuleKind::Property,
        se: &["SE:06", "SE:10"],
        mcsb: &["NS-2", "DP-2"],
        stride: Stride::InformationDisclosure,
        scope: &["monitor_private_link_scope"],
        checks: "Every Azure Monitor Private Link Scope has its ingestion and query access modes set to \
                 Private Only.",
        rationale: "Azure Monitor endpoints are shared by every tenant, and the scope's private endpoint \
                    changes how a whole network resolves them. In Open mode, machines on that network \
                    can still send logs to, or query, any workspace or Application Insights resource \
                    outside the scope, including an attacker's: an exfiltration path that looks like \
                    ordinary telemetry. Private Only limits the network to the resources in the scope.",
        remediation: "Add every workspace and Application Insights resource the network needs to the \
                      scope, then set the ingestion and query access modes to Private Only.",
        false_positives: "Networks that must still reach Azure Monitor resources of other tenants, such \
                          as a managed service provider's workspace, during a migration.",
        learn: "https://learn.microsoft.com/azure/azure-monitor/logs/private-link-design",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for scope in ctx.nodes_of_kind("monitor_private_link_scope") {
        let ingestion = ctx.text(scope, "ingestion_access_mode") == "Open";
        let query = ctx.text(scope, "query_access_mode") == "Open";
        let open = match (ingestion, query) {
            (false, false) => continue,
            (true, false) => "ingestion",
            (false, true) => "query",
            (true, true) => "ingestion and query",
        };
        report.node(
            &scope.id,
            format_args!(
                "Azure Monitor Private Link Scope `{}` leaves {open} access Open, so its networks \
                 can reach Azure Monitor resources outside the scope",
                ctx.label(scope)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_open_ingestion_or_query() {
        let design = DesignBuilder::new()
            .node("default", "monitor_private_link_scope")
            .node("query-open", "monitor_private_link_scope")
            .set("query-open", "ingestion_access_mode", "PrivateOnly")
            .build();
        assert_fires_on(&RULE, &design, &["default", "query-open"]);
    }

    #[test]
    fn quiet_when_both_modes_are_private_only() {
        let design = DesignBuilder::new()
            .node("ampls", "monitor_private_link_scope")
            .set("ampls", "ingestion_access_mode", "PrivateOnly")
            .set("ampls", "query_access_mode", "PrivateOnly")
            .build();
        assert_quiet(&RULE, &design);
    }
}
