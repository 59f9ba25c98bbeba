//! EDGE-003: a web application firewall without managed rules, with rules switched off, or
//! without bot protection.

use crate::model::{Node, Severity};
use crate::rules::network::join_list;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "EDGE-003",
        name: "waf-managed-rules-incomplete",
        title: "Web application firewall rules leave gaps",
        severity: Severity::Medium,
        severity_reason: "Medium: an active WAF with rule gaps, disabled groups or broad \
                           exclusions still blocks much; the gaps let some attacks or bots through \
                           (MCSB NS-6).",
        kind: RuleKind::Property,
        se: &["SE:06"],
        mcsb: &["NS-6"],
        stride: Stride::Tampering,
        scope: &["waf_capable"],
        checks: "Every active web application firewall runs a Microsoft-managed rule set (on Front Door this \
                 needs the Premium tier) newer than OWASP CRS 3.1, has the bot manager rule set on, has no managed rule groups \
                 disabled, and has at most ten rule exclusions; Front Door's WAF also has rate-limit rules.",
        rationale: "The managed rule sets carry the protections against injection, cross-site scripting and \
                    known exploits, kept current by Microsoft; without them a WAF only runs the custom rules \
                    someone wrote. Disabled groups and broad exclusions quietly reopen the attacks they cover, \
                    and bad bots drive credential stuffing and scraping.",
        remediation: "Enable the Default Rule Set 2.1 (or OWASP 3.2 on Application Gateway) and the Bot Manager \
                      rule set; on Front Door use the Premium tier. Replace disabled groups and broad \
                      exclusions with exclusions scoped to the specific rule and request field.",
        false_positives: "APIs for which the bot manager rule set brings no value, or WAFs with many narrow, \
                          reviewed exclusions.",
        learn: "https://learn.microsoft.com/azure/web-application-firewall/afds/afds-overview",
        psrule: &[
            "Azure.AppGw.OWASP",
            "Azure.AppGw.WAFRules",
            "Azure.AppGwWAF.RuleGroups",
            "Azure.AppGwWAF.Exclusions",
            "Azure.FrontDoorWAF.RuleGroups",
            "Azure.FrontDoorWAF.Exclusions",
        ],
    },
    check,
};

/// Beyond this many exclusions a WAF inspects noticeably less than its rule set promises.
const MAX_EXCLUSIONS: i64 = 10;

fn gaps(ctx: &Context, gateway: &Node) -> Vec<String> {
    let mut gaps = Vec::new();
    let standard_front_door =
        ctx.has_property(gateway, "tier") && ctx.text(gateway, "tier") != "Premium";
    if standard_front_door {
        gaps.push("the Standard tier runs no managed rule sets or bot protection".to_owned());
    } else {
        let older = match ctx.text(gateway, "managed_rule_set") {
            "None" => Some("no managed rule set"),
            // CRS 3.0 and 3.1 predate the Default Rule Set and no longer get rule updates.
            "OWASP_3_0" => Some("it runs the older OWASP CRS 3.0 rule set"),
            "OWASP_3_1" => Some("it runs the older OWASP CRS 3.1 rule set"),
            _ => None,
        };
        gaps.extend(older.map(str::to_owned));
        if !ctx.bool(gateway, "bot_manager") {
            gaps.push("bot protection is off".to_owned());
        }
    }
    if ctx.has_property(gateway, "rate_limit_rules") && !ctx.bool(gateway, "rate_limit_rules") {
        gaps.push("no rate-limit rules throttle abusive clients".to_owned());
    }
    let disabled = ctx.int(gateway, "disabled_rule_groups");
    if disabled > 0 {
        gaps.push(format!("{disabled} managed rule groups are disabled"));
    }
    let exclusions = ctx.int(gateway, "rule_exclusions");
    if exclusions > MAX_EXCLUSIONS {
        gaps.push(format!("{exclusions} rule exclusions"));
    }
    gaps
}

fn check(ctx: &Context, report: &mut Report) {
    for gateway in ctx.nodes_with_trait("waf_capable") {
        if !ctx.is_active_waf(gateway) {
            continue;
        }
        let gaps = gaps(ctx, gateway);
        if !gaps.is_empty() {
            report.node(
                &gateway.id,
                format_args!(
                    "Web application firewall on {} `{}` leaves gaps: {}",
                    ctx.kind_name(gateway),
                    ctx.label(gateway),
                    join_list(&gaps)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn gateways(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("agw", "application_gateway", "snet")
            .set("agw", "sku", "WAF_v2")
            .set("agw", "waf_enabled", true)
            .node("fd", "front_door")
            .set("fd", "waf_policy_attached", true)
    }

    #[test]
    fn fires_on_an_older_owasp_rule_set() {
        let design = DesignBuilder::new()
            .node("agw", "application_gateway")
            .set("agw", "sku", "WAF_v2")
            .set("agw", "waf_enabled", true)
            .set("agw", "waf_mode", "Prevention")
            .set("agw", "bot_manager", true)
            .set("agw", "managed_rule_set", "OWASP_3_0")
            .build();
        assert_fires_on(&RULE, &design, &["agw"]);
    }

    #[test]
    fn fires_on_default_rules_and_a_standard_front_door() {
        let design = gateways(DesignBuilder::new())
            .set("fd", "managed_rule_set", "DRS_2_1")
            .build();
        assert_fires_on(&RULE, &design, &["agw", "fd"]);
    }

    #[test]
    fn quiet_with_full_managed_rules() {
        let design = gateways(DesignBuilder::new())
            .set("agw", "managed_rule_set", "DRS_2_1")
            .set("agw", "bot_manager", true)
            .set("agw", "rule_exclusions", 3_i64)
            .set("fd", "tier", "Premium")
            .set("fd", "managed_rule_set", "DRS_2_1")
            .set("fd", "bot_manager", true)
            .set("fd", "rate_limit_rules", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
