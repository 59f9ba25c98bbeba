//! CMP-002: a web app that keeps deployment and debugging doors open.

use crate::model::{Node, Severity};
use crate::rules::network::join_list;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-002",
        name: "web-app-attack-surface-open",
        title: "Web app keeps unneeded deployment, debugging or browser access open",
        severity: Severity::Medium,
        severity_reason: "Medium: FTP, basic-auth publishing, remote debugging and open CORS widen \
                           the attack surface, but each needs credentials or a further flaw to \
                           exploit; hardening in depth (SE:08).",
        kind: RuleKind::Property,
        se: &["SE:08"],
        mcsb: &["NS-8", "IM-1", "PV-6"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["app_service", "function_app"],
        checks: "App Service and function apps have plain FTP off (FTPS only or disabled), basic-auth \
                 publishing credentials off, remote debugging off, CORS not open to every origin, and a \
                 language runtime that still receives security fixes.",
        rationale: "Each of these is a way in that the application itself does not need: FTP sends deployment \
                    credentials in clear text, publishing passwords bypass Entra ID and Conditional Access, \
                    remote debugging opens extra ports into the process, a wildcard CORS policy lets any site \
                    call the API with a user's browser, and an unsupported runtime stops receiving patches.",
        remediation: "Disable FTP (or allow FTPS only), turn off basic authentication for FTP and SCM, switch \
                      remote debugging off outside debugging sessions, list the allowed CORS origins, and \
                      upgrade to a supported runtime version.",
        false_positives: "Development slots where remote debugging is in active use for a limited time.",
        learn: "https://learn.microsoft.com/azure/app-service/configure-basic-auth-disable",
        psrule: &[
            "Azure.AppService.WebSecureFtp",
            "Azure.AppService.RemoteDebug",
            "Azure.AppService.NETVersion",
            "Azure.AppService.NodeJsVersion",
        ],
    },
    check,
};

fn open_doors(ctx: &Context, app: &Node) -> Vec<String> {
    let mut doors = Vec::new();
    if ctx.text(app, "ftps_state") == "AllAllowed" {
        doors.push("plain FTP".to_owned());
    }
    if ctx.bool(app, "basic_auth_publishing") {
        doors.push("basic-auth publishing credentials".to_owned());
    }
    if ctx.bool(app, "remote_debugging") {
        doors.push("remote debugging".to_owned());
    }
    if ctx.bool(app, "cors_allow_all_origins") {
        doors.push("CORS open to every origin".to_owned());
    }
    if !ctx.bool(app, "runtime_current") {
        doors.push("an out-of-support runtime".to_owned());
    }
    doors
}

fn check(ctx: &Context, report: &mut Report) {
    for app in ctx.nodes_of_kinds(&["app_service", "function_app"]) {
        let doors = open_doors(ctx, app);
        if !doors.is_empty() {
            report.node(
                &app.id,
                format_args!(
                    "{} `{}` keeps unneeded access open: {}",
                    ctx.kind_name(app),
                    ctx.label(app),
                    join_list(&doors)
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
    fn fires_on_the_platform_defaults() {
        let design = DesignBuilder::new()
            .node("app", "app_service")
            .node("func", "function_app")
            .set("func", "ftps_state", "Disabled")
            .set("func", "basic_auth_publishing", false)
            .set("func", "remote_debugging", true)
            .build();
        assert_fires_on(&RULE, &design, &["app", "func"]);
    }

    #[test]
    fn quiet_when_reduced() {
        let design = DesignBuilder::new()
            .node("app", "app_service")
            .set("app", "ftps_state", "FtpsOnly")
            .set("app", "basic_auth_publishing", false)
            .build();
        assert_quiet(&RULE, &design);
    }
}
