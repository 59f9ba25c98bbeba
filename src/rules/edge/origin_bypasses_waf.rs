//! EDGE-006: an origin behind a web application firewall that can also be reached around it.

use crate::model::Severity;
use crate::rules::network::{exposure, join_labels, waf_origins};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "EDGE-006",
        name: "origin-bypasses-waf",
        title: "Origin behind a web application firewall can be reached around it",
        severity: Severity::High,
        severity_reason: "High: an origin reachable around its WAF lets attackers skip the WAF \
                           entirely, so the WAF's protection is void (MCSB NS-6).",
        kind: RuleKind::Topology,
        se: &["SE:06"],
        mcsb: &["NS-2", "NS-6"],
        stride: Stride::Tampering,
        scope: &["waf_capable"],
        checks: "For every origin of an active web application firewall (the targets of its traffic, looking \
                 through private endpoints), no path of web traffic from the internet reaches the origin \
                 without passing a WAF (management flows such as RDP, SSH or portal access are left to the \
                 management rules), and its own public endpoint is closed or restricted. A Front Door origin restricted only \
                 by an IP allow list is also reported: Front Door's addresses are shared by every customer, \
                 so only the AzureFrontDoor.Backend service tag with a check of the X-Azure-FDID header, or \
                 Private Link, ties the origin to one profile.",
        rationale: "A WAF protects only the traffic that goes through it. Attackers look for an origin's own \
                    hostname or address and send requests straight to it, skipping inspection, rate limits and \
                    geo filtering.",
        remediation: "Reach the origin over a private endpoint (Application Gateway) or a Private Link origin \
                      (Front Door Premium) and disable its public network access; otherwise restrict it to the \
                      gateway: the gateway's subnet for Application Gateway, the AzureFrontDoor.Backend tag with \
                      the profile's X-Azure-FDID header for Front Door.",
        false_positives: "Origins whose restriction is enforced in a layer the design does not model, such as a \
                          header check in the application.",
        learn: "https://learn.microsoft.com/azure/frontdoor/origin-security",
        psrule: &["Azure.AppService.PublicAccess"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    let origins = waf_origins(ctx);
    if origins.is_empty() {
        return;
    }
    let reach = ctx.internet_reachable_past_waf();
    for (origin_id, gateways) in &origins {
        let Some(origin) = ctx.node(origin_id) else {
            continue;
        };
        let gateway_ids = gateways.iter().map(|g| g.id.clone());
        if ctx.reaches(reach, origin) {
            let (path, how) = exposure(ctx, reach, origin);
            report.node_with(
                origin_id,
                gateway_ids.chain(path).collect(),
                format_args!(
                    "`{}` sits behind {} but the internet can also reach it directly: {how}",
                    ctx.label(origin),
                    join_labels(ctx, gateways),
                ),
            );
            continue;
        }
        let behind_front_door = gateways.iter().any(|g| g.kind == "front_door");
        let allow_list_only = ctx.has_property(origin, "access_restrictions")
            && ctx.text(origin, "access_restrictions") == "IpAllowList"
            && ctx.text(origin, "public_network_access") == "Enabled";
        if behind_front_door && allow_list_only {
            report.node_with(
                origin_id,
                gateway_ids.collect(),
                format_args!(
                    "`{}` trusts Front Door by IP address only, so any Front Door profile can reach it around {}",
                    ctx.label(origin),
                    join_labels(ctx, gateways)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn front_door(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("internet", "internet")
            .node("fd", "front_door")
            .set("fd", "waf_policy_attached", true)
            .connect("internet", "fd", "traffic")
    }

    #[test]
    fn fires_on_an_open_origin_and_an_ip_allow_list() {
        let design = front_door(DesignBuilder::new())
            .node("open", "app_service")
            .node("listed", "function_app")
            .set("listed", "access_restrictions", "IpAllowList")
            .connect("fd", "open", "traffic")
            .connect("fd", "listed", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["listed", "open"]);
    }

    #[test]
    fn fires_on_a_drawn_path_around_the_gateway() {
        let design = front_door(DesignBuilder::new())
            .node("app", "app_service")
            .set("app", "public_network_access", "Disabled")
            .node("pip", "public_ip")
            .connect("fd", "app", "traffic")
            .connect("pip", "app", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["app"]);
    }

    #[test]
    fn quiet_when_only_management_goes_around_the_gateway() {
        let design = front_door(DesignBuilder::new())
            .node("app", "app_service")
            .set("app", "public_network_access", "Disabled")
            .child("admin", "operator", "internet")
            .connect("fd", "app", "traffic")
            .connect_with(
                "admin",
                "app",
                "traffic",
                &[("purpose", Value::from("Management"))],
            )
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn quiet_for_locked_down_and_private_origins() {
        let design = front_door(DesignBuilder::new())
            .node("locked", "app_service")
            .set("locked", "access_restrictions", "ServiceTagWithFdid")
            .node("private", "app_service")
            .set("private", "public_network_access", "Disabled")
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("pe", "private_endpoint", "snet")
            .connect("fd", "locked", "traffic")
            .connect("fd", "pe", "traffic")
            .connect("pe", "private", "private_link")
            .connect("private", "locked", "traffic")
            .connect("locked", "private", "traffic")
            .build();
        assert_quiet(&RULE, &design);
    }
}
