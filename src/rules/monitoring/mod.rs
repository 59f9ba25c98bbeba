//! Monitoring and threat detection: log collection, Defender for Cloud, Sentinel and alerting
//! (SE:10, SE:12).

use super::{Context, Rule};
use crate::model::{KindDef, Node};

mod defender_for_cloud_missing;
mod defender_plan_off;
mod diagnostics_not_collected;
mod identity_threats_not_monitored;
mod log_analytics_workspace_missing;
mod log_retention_too_short;
mod private_link_scope_open;
mod security_contact_missing;
mod security_logs_not_collected;
mod sentinel_coverage_incomplete;
mod sentinel_missing;
mod vnet_flow_logs_off;

/// MON-001 to MON-011, in id order.
pub(super) static RULES: &[&Rule] = &[
    &log_analytics_workspace_missing::RULE,
    &diagnostics_not_collected::RULE,
    &defender_for_cloud_missing::RULE,
    &sentinel_missing::RULE,
    &security_contact_missing::RULE,
    &log_retention_too_short::RULE,
    &identity_threats_not_monitored::RULE,
    &defender_plan_off::RULE,
    &security_logs_not_collected::RULE,
    &vnet_flow_logs_off::RULE,
    &sentinel_coverage_incomplete::RULE,
    &private_link_scope_open::RULE,
];

/// Whether the node sends logs (not only metrics) somewhere through a diagnostic setting.
fn sends_logs(ctx: &Context, node: &Node) -> bool {
    ctx.outgoing(node)
        .iter()
        .any(|c| ctx.link_is(c, "diagnostics") && ctx.connection_text(c, "categories") != "metrics")
}

/// Kinds whose logs an investigation cannot do without: the edge and its WAF, firewalls,
/// gateways, Bastion sessions, databases, Kubernetes audit and API gateways.
fn is_security_critical(kind: &KindDef) -> bool {
    ["waf_capable", "firewall", "gateway", "database"]
        .iter()
        .any(|name| kind.has_trait(name))
        || matches!(
            kind.id.as_str(),
            "bastion" | "aks_cluster" | "api_management"
        )
}

/// Kinds whose log collection another rule checks: Key Vault audit (KV-005), Entra sign-in logs
/// (MON-007) and virtual networks, whose useful record is their flow logs (MON-010).
fn is_checked_elsewhere(kind: &KindDef) -> bool {
    kind.has_trait("secret_store")
        || kind.has_trait("identity_provider")
        || matches!(
            kind.id.as_str(),
            "key_vault_managed_hsm" | "virtual_network"
        )
}

/// The Log Analytics workspaces a SIEM node is attached to: any connection, either way, between
/// the two. (The catalog has no dedicated connection kind for it.)
fn attached_workspaces<'a>(ctx: &Context<'a>, siem: &Node) -> Vec<&'a Node> {
    let mut out: Vec<&Node> = ctx
        .outgoing(siem)
        .iter()
        .map(|c| ctx.target_of(c))
        .chain(ctx.incoming(siem).iter().map(|c| ctx.source_of(c)))
        .filter(|n| ctx.has_trait(n, "log_sink"))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    out
}
