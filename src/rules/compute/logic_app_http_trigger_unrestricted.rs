//! CMP-014: a Logic App HTTP trigger that anyone holding its callback URL can call from anywhere.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-014",
        name: "logic-app-http-trigger-unrestricted",
        title: "Logic App HTTP trigger is protected only by the key in its URL",
        severity: Severity::Medium,
        severity_reason: "Medium: the key in the trigger URL is a real secret, so this is not open access, \
                          but a leaked URL is all an attacker needs to start the workflow from anywhere \
                          (MCSB NS-2, IM-1).",
        kind: RuleKind::Property,
        se: &["SE:06", "SE:05"],
        mcsb: &["NS-2", "IM-1"],
        stride: Stride::Spoofing,
        scope: &["logic_app"],
        checks: "Every Logic App with an HTTP request trigger limits who may call it beyond the shared \
                 access signature in the callback URL: an allow list of caller IP addresses, Entra ID \
                 OAuth authorization policies, or private access only (public network access \
                 disabled).",
        rationale: "The callback URL carries a shared signature: whoever sees it in a log, a browser \
                    history or a ticket can start the workflow, with the workflow's own permissions, \
                    from anywhere on the internet. The signature names no caller, so the run history \
                    cannot say who did it.",
        remediation: "Restrict the trigger to the callers that need it (for example API Management's \
                      addresses), or require Entra ID tokens with an OAuth authorization policy and \
                      disable SAS for the trigger; for Standard logic apps, reach them through a private \
                      endpoint.",
        false_positives: "Triggers fronted by API Management or another gateway that the design does not \
                          connect to the workflow.",
        learn: "https://learn.microsoft.com/azure/logic-apps/logic-apps-securing-a-logic-app",
        psrule: &["Azure.LogicApp.LimitHTTPTrigger"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for app in ctx.nodes_of_kind("logic_app") {
        // With public network access off, only private networks reach the trigger.
        if !ctx.bool(app, "http_trigger")
            || ctx.text(app, "trigger_access_control") != "None"
            || (ctx.has_property(app, "public_network_access")
                && ctx.text(app, "public_network_access") == "Disabled")
        {
            continue;
        }
        report.node(
            &app.id,
            format_args!(
                "Logic App `{}` starts on HTTP requests from anyone who holds its callback URL, \
                 from any address",
                ctx.label(app)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_an_http_trigger_without_access_control() {
        let design = DesignBuilder::new()
            .node("la", "logic_app")
            .set("la", "http_trigger", true)
            .build();
        assert_fires_on(&RULE, &design, &["la"]);
    }

    #[test]
    fn quiet_when_restricted_or_not_triggered_over_http() {
        let design = DesignBuilder::new()
            .node("restricted", "logic_app")
            .set("restricted", "http_trigger", true)
            .set("restricted", "trigger_access_control", "IpAllowList")
            .node("scheduled", "logic_app")
            .node("private", "logic_app")
            .set("private", "http_trigger", true)
            .set("private", "public_network_access", "Disabled")
            .build();
        assert_quiet(&RULE, &design);
    }
}
