//! MON-007: sign-in risk is not detected, or Entra sign-in and audit logs are not collected.

use super::sends_logs;
use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-007",
        name: "identity-threats-not-monitored",
        title: "Identity attacks are not detected or logged",
        severity: Severity::Medium,
        severity_reason: "Medium: identity attacks such as password spray or token theft are not \
                           flagged; detection, not protection (MCSB LT-2).",
        kind: RuleKind::Topology,
        se: &["SE:10", "SE:05"],
        mcsb: &["LT-2"],
        stride: Stride::Spoofing,
        scope: &["identity_provider"],
        checks: "Entra ID has ID Protection on (with a P2 licence) and sends its sign-in and audit logs \
                 through a diagnostics connection.",
        rationale: "Most cloud breaches start with a stolen identity. ID Protection flags leaked \
                    credentials, impossible travel and token replay as they happen, and the sign-in and \
                    audit logs are what an investigation of a compromised account is built from; Entra \
                    keeps them for 30 days at most unless they are exported.",
        remediation: "Turn on ID Protection with user- and sign-in-risk Conditional Access policies, and \
                      send the Entra sign-in and audit logs to the security workspace (and Sentinel's \
                      Entra ID connector).",
        false_positives: "Tenants whose logs are exported by a setting outside this design.",
        learn: "https://learn.microsoft.com/entra/id-protection/overview-identity-protection",
        psrule: &[],
    },
    check,
};

/// What is missing, in words.
fn gaps(ctx: &Context, tenant: &Node) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !ctx.bool(tenant, "identity_protection") {
        out.push("has ID Protection off, so risky sign-ins and leaked credentials go unflagged");
    } else if ctx.text(tenant, "license") != "P2" {
        out.push("relies on ID Protection, which needs a P2 licence it does not have");
    }
    if !sends_logs(ctx, tenant) {
        out.push("does not export its sign-in and audit logs");
    }
    out
}

fn check(ctx: &Context, report: &mut Report) {
    for tenant in ctx.nodes_of_kind("entra_id") {
        let gaps = gaps(ctx, tenant);
        if gaps.is_empty() {
            continue;
        }
        report.node(
            &tenant.id,
            format_args!("Entra ID `{}` {}", ctx.label(tenant), gaps.join(", and ")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_the_defaults() {
        let design = DesignBuilder::new().node("entra", "entra_id").build();
        assert_fires_on(&RULE, &design, &["entra"]);
    }

    #[test]
    fn fires_when_logs_stay_in_entra() {
        let design = DesignBuilder::new()
            .node("entra", "entra_id")
            .set("entra", "license", "P2")
            .set("entra", "identity_protection", true)
            .build();
        assert_fires_on(&RULE, &design, &["entra"]);
    }

    #[test]
    fn quiet_with_id_protection_and_exported_logs() {
        let design = DesignBuilder::new()
            .node("entra", "entra_id")
            .set("entra", "license", "P2")
            .set("entra", "identity_protection", true)
            .node("law", "log_analytics_workspace")
            .connect("entra", "law", "diagnostics")
            .build();
        assert_quiet(&RULE, &design);
    }
}
