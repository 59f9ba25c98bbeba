//! MON-011: Sentinel misses data sources the design holds, or detects and responds to nothing.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "MON-011",
        name: "sentinel-coverage-incomplete",
        title: "Sentinel misses data sources, detections or automation",
        severity: Severity::Medium,
        severity_reason: "Medium: Sentinel runs but misses sources, detections or response \
                           automation, so some attacks go unseen or wait for a person (MCSB LT-5, \
                           IR-6).",
        kind: RuleKind::Property,
        se: &["SE:10", "SE:12"],
        mcsb: &["LT-5", "IR-3", "IR-6"],
        stride: Stride::Repudiation,
        scope: &["siem"],
        checks: "Each Sentinel has data connectors for Entra ID and Azure Activity, for Defender for \
                 Cloud (or Defender XDR) when the design holds it, for Azure Firewall, WAF and Key \
                 Vault when the design holds those, and has analytics rules, automation playbooks, \
                 user and entity behaviour analytics (UEBA) and threat intelligence on.",
        rationale: "Sentinel only detects what it receives and only raises what its analytics rules \
                    look for. Sign-ins, management operations and Defender alerts are the sources most \
                    incidents start from, and playbooks make the first response (disable a user, \
                    isolate a host) happen in minutes rather than hours.",
        remediation: "Add the missing data connectors, enable the built-in analytics rule templates for \
                      them, and create playbooks for triage and containment.",
        false_positives: "Sources ingested through a custom connector under another name; use the names \
                          from the property help.",
        learn: "https://learn.microsoft.com/azure/sentinel/connect-data-sources",
        psrule: &[],
    },
    check,
};

/// Connectors the design calls for: the name in `data_connectors` and an alternative that also
/// counts.
fn wanted_connectors(ctx: &Context) -> Vec<(&'static str, Option<&'static str>)> {
    let mut out = vec![("EntraID", None), ("AzureActivity", None)];
    if ctx.has("cspm") {
        out.push(("DefenderForCloud", Some("DefenderXDR")));
    }
    if ctx.has("firewall") {
        out.push(("AzureFirewall", None));
    }
    if ctx.has("waf_capable") {
        out.push(("WAF", None));
    }
    if ctx.has("secret_store") {
        out.push(("KeyVault", None));
    }
    out
}

/// What the Sentinel node lacks, in words.
fn gaps(ctx: &Context, siem: &Node) -> Vec<String> {
    let connected = ctx.list(siem, "data_connectors");
    let has = |name: &str| {
        connected
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(name))
    };
    let missing: Vec<&str> = wanted_connectors(ctx)
        .into_iter()
        .filter(|(name, alternative)| !has(name) && !alternative.is_some_and(has))
        .map(|(name, _)| name)
        .collect();
    let mut out = Vec::new();
    if !missing.is_empty() {
        out.push(format!("no data connector for {}", missing.join(", ")));
    }
    if !ctx.bool(siem, "analytics_rules_enabled") {
        out.push("no analytics rules".to_owned());
    }
    if !ctx.bool(siem, "automation_playbooks") {
        out.push("no automation playbooks".to_owned());
    }
    if !ctx.bool(siem, "ueba") {
        out.push("no user and entity behaviour analytics".to_owned());
    }
    if !ctx.bool(siem, "threat_intelligence") {
        out.push("no threat intelligence matched against its logs".to_owned());
    }
    out
}

fn check(ctx: &Context, report: &mut Report) {
    for siem in ctx.nodes_of_kind("microsoft_sentinel") {
        let gaps = gaps(ctx, siem);
        if gaps.is_empty() {
            continue;
        }
        report.node(
            &siem.id,
            format_args!(
                "Microsoft Sentinel `{}` has {}",
                ctx.label(siem),
                gaps.join("; ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    fn connectors(names: &[&str]) -> Value {
        Value::List(names.iter().map(|n| (*n).to_owned()).collect())
    }

    #[test]
    fn fires_on_the_defaults() {
        let design = DesignBuilder::new()
            .node("sentinel", "microsoft_sentinel")
            .node("kv", "key_vault")
            .build();
        assert_fires_on(&RULE, &design, &["sentinel"]);
        assert_eq!(
            run(&RULE, &design)[0].message,
            "Microsoft Sentinel `sentinel` has no data connector for EntraID, AzureActivity, \
             KeyVault; no analytics rules; no automation playbooks; no user and entity behaviour \
             analytics; no threat intelligence matched against its logs"
        );
    }

    #[test]
    fn quiet_when_connected_detecting_and_automated() {
        let design = DesignBuilder::new()
            .node("sentinel", "microsoft_sentinel")
            .set(
                "sentinel",
                "data_connectors",
                connectors(&["EntraID", "AzureActivity", "DefenderXDR"]),
            )
            .set("sentinel", "analytics_rules_enabled", true)
            .set("sentinel", "automation_playbooks", true)
            .set("sentinel", "ueba", true)
            .set("sentinel", "threat_intelligence", true)
            .node("mdc", "defender_for_cloud")
            .build();
        assert_quiet(&RULE, &design);
    }
}
