//! Identity, access, secrets and keys (SE:05, SE:09).

use super::{Context, Rule};
use crate::model::Node;
use crate::rules::context::{ConnectionRef, Link};

mod admin_sign_in_not_hardened;
mod aks_local_accounts_enabled;
mod aks_workload_secrets_unmanaged;
mod database_password_auth_enabled;
mod identity_provider_missing;
mod key_based_auth_enabled;
mod key_vault_key_rotation_off;
mod key_vault_network_open;
mod key_vault_not_audited;
mod key_vault_purge_protection_off;
mod key_vault_shared_across_environments;
mod key_vault_uses_access_policies;
mod legacy_authentication_allowed;
mod mfa_not_enforced;
mod privileged_accounts_synced_from_on_premises;
mod role_assigned_to_user;
mod secrets_outside_key_vault;
mod service_principal_uses_client_secret;
mod service_without_managed_identity;
mod standing_privileged_access;
mod subscription_owner_sprawl;
mod workload_authenticates_with_secret;
mod workload_identity_has_broad_role;

/// IAM-001 to IAM-016, then KV-001 to KV-007, in id order.
pub(super) static RULES: &[&Rule] = &[
    &identity_provider_missing::RULE,
    &workload_authenticates_with_secret::RULE,
    &key_based_auth_enabled::RULE,
    &database_password_auth_enabled::RULE,
    &standing_privileged_access::RULE,
    &role_assigned_to_user::RULE,
    &mfa_not_enforced::RULE,
    &aks_local_accounts_enabled::RULE,
    &legacy_authentication_allowed::RULE,
    &service_principal_uses_client_secret::RULE,
    &subscription_owner_sprawl::RULE,
    &workload_identity_has_broad_role::RULE,
    &admin_sign_in_not_hardened::RULE,
    &privileged_accounts_synced_from_on_premises::RULE,
    &service_without_managed_identity::RULE,
    &aks_workload_secrets_unmanaged::RULE,
    &secrets_outside_key_vault::RULE,
    &key_vault_purge_protection_off::RULE,
    &key_vault_uses_access_policies::RULE,
    &key_vault_network_open::RULE,
    &key_vault_not_audited::RULE,
    &key_vault_key_rotation_off::RULE,
    &key_vault_shared_across_environments::RULE,
];

/// Who holds a role assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Assignee {
    /// A person's own account.
    User,
    /// An Entra group of people.
    Group,
    /// A managed identity or service principal: software, not a person.
    Workload,
}

/// The kind of principal behind an `rbac` connection. The source node decides when it is a
/// principal kind; otherwise (a resource drawn as holding the role through its system-assigned
/// identity, say) the connection's `principal_type` does.
fn assignee(ctx: &Context, assignment: &Link) -> Assignee {
    match ctx.source_of(assignment).kind.as_str() {
        "operator" => Assignee::User,
        "entra_group" => Assignee::Group,
        "managed_identity" | "service_principal" => Assignee::Workload,
        _ => match ctx.connection_text(assignment, "principal_type") {
            "User" => Assignee::User,
            "Group" => Assignee::Group,
            _ => Assignee::Workload,
        },
    }
}

/// Roles that can change resources or grant access: owners, contributors and administrators.
fn is_privileged_role(role: &str) -> bool {
    let role = role.trim().to_ascii_lowercase();
    matches!(role.as_str(), "owner" | "contributor") || role.contains("administrator")
}

/// Roles that control a whole scope: everything in it, or who may touch it.
fn is_scope_control_role(role: &str) -> bool {
    matches!(
        role.trim().to_ascii_lowercase().as_str(),
        "owner"
            | "contributor"
            | "user access administrator"
            | "role based access control administrator"
    )
}

/// Whether a role assignment reaches a whole subscription or management group: by its target
/// container or by its `scope` property.
fn is_broad_assignment(ctx: &Context, assignment: &Link) -> bool {
    matches!(
        ctx.target_of(assignment).kind.as_str(),
        "subscription" | "management_group"
    ) || matches!(
        ctx.connection_text(assignment, "scope"),
        "Subscription" | "ManagementGroup"
    )
}

/// `rbac` connections, in id order.
fn role_assignments<'s, 'a>(ctx: &'s Context<'a>) -> &'s [Link<'a>] {
    ctx.connections_of_kind("rbac")
}

/// Ways of authenticating that put a long-lived secret in the caller's hands.
const SECRET_AUTH: &[(&str, &str)] = &[
    ("AccessKey", "an access key"),
    ("SAS", "a shared access signature"),
    ("ConnectionString", "a connection string"),
    ("Password", "a password"),
    ("ServicePrincipalSecret", "a client secret"),
];

/// How a secret-based `auth` value reads in a message, or `None` when it uses no secret.
fn secret_auth(ctx: &Context, traffic: &(impl ConnectionRef + ?Sized)) -> Option<&'static str> {
    let auth = ctx.connection_text(traffic, "auth");
    SECRET_AUTH
        .iter()
        .find(|(value, _)| *value == auth)
        .map(|(_, words)| *words)
}

/// Whether a node stands for people or the internet rather than for software we run: a
/// persona, a boundary zone, or anything inside the internet zone.
fn is_outside_actor(ctx: &Context, node: &Node) -> bool {
    ctx.has_trait(node, "persona")
        || ctx.has_trait(node, "boundary_zone")
        || ctx.inside_trait(node, "internet_zone")
}
