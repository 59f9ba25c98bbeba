//! Compute hardening: App Service, virtual machines, AKS, containers and build agents (SE:08,
//! SE:07, SE:02).

use std::collections::BTreeSet;

use super::{Context, Rule};
use crate::model::{Node, NodeId, Value};

mod ai_content_filter_weakened;
mod aks_network_not_isolated;
mod aks_security_addons_missing;
mod build_agent_not_isolated;
mod container_app_pulls_with_admin_credentials;
mod container_images_not_scanned;
mod container_registry_export_allowed;
mod container_registry_shared_access;
mod data_factory_not_isolated;
mod databricks_workspace_not_isolated;
mod logic_app_http_trigger_unrestricted;
mod on_premises_server_not_arc_enabled;
mod vm_not_hardened;
mod vm_patching_or_edr_missing;
mod web_app_accepts_insecure_transport;
mod web_app_attack_surface_open;

pub(super) static RULES: &[&Rule] = &[
    &web_app_accepts_insecure_transport::RULE,
    &web_app_attack_surface_open::RULE,
    &vm_not_hardened::RULE,
    &vm_patching_or_edr_missing::RULE,
    &aks_network_not_isolated::RULE,
    &aks_security_addons_missing::RULE,
    &container_app_pulls_with_admin_credentials::RULE,
    &container_registry_shared_access::RULE,
    &build_agent_not_isolated::RULE,
    &container_images_not_scanned::RULE,
    &ai_content_filter_weakened::RULE,
    &data_factory_not_isolated::RULE,
    &databricks_workspace_not_isolated::RULE,
    &logic_app_http_trigger_unrestricted::RULE,
    &container_registry_export_allowed::RULE,
    &on_premises_server_not_arc_enabled::RULE,
];

/// Scopes governed by a Defender for Cloud node with `plan` switched on (a true flag, or a tier
/// other than `Off`). Computed once per check, so looking a node up stays cheap.
fn defender_plan_scopes<'a>(ctx: &Context<'a>, plan: &'static str) -> BTreeSet<&'a NodeId> {
    let mut scopes = BTreeSet::new();
    for defender in ctx.nodes_of_kind("defender_for_cloud") {
        let on = match ctx.value(defender, plan) {
            Some(Value::Bool(on)) => *on,
            Some(Value::Text(tier)) => tier != "Off",
            _ => false,
        };
        if on {
            scopes.extend(ctx.targets(defender, "governs").into_iter().map(|s| &s.id));
        }
    }
    scopes
}

/// Whether the node, or a container around it, is one of the governed scopes.
fn covered_by(ctx: &Context, scopes: &BTreeSet<&NodeId>, node: &Node) -> bool {
    !scopes.is_empty()
        && (scopes.contains(&node.id) || ctx.ancestors(node).any(|a| scopes.contains(&a.id)))
}
