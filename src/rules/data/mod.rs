//! Data protection: encryption, exposure of stored data, classification and backup (SE:03,
//! SE:07, SE:12).

use super::{Context, Rule};
use crate::model::Node;

mod backups_can_be_deleted;
mod confidential_data_without_customer_managed_key;
mod data_service_accepts_old_tls;
mod data_store_unclassified;
mod database_auditing_off;
mod database_open_to_all_azure_services;
mod database_vulnerabilities_not_assessed;
mod sensitive_data_not_backed_up;
mod sql_encryption_at_rest_off;
mod storage_anonymous_blob_access;
mod unencrypted_data_connections_accepted;

/// DATA-001 to DATA-011, in id order.
pub(super) static RULES: &[&Rule] = &[
    &data_service_accepts_old_tls::RULE,
    &unencrypted_data_connections_accepted::RULE,
    &storage_anonymous_blob_access::RULE,
    &sql_encryption_at_rest_off::RULE,
    &database_auditing_off::RULE,
    &database_open_to_all_azure_services::RULE,
    &confidential_data_without_customer_managed_key::RULE,
    &data_store_unclassified::RULE,
    &backups_can_be_deleted::RULE,
    &sensitive_data_not_backed_up::RULE,
    &database_vulnerabilities_not_assessed::RULE,
];

/// The node's data classification when it is Confidential or Highly confidential, in words.
fn sensitive_classification(ctx: &Context, node: &Node) -> Option<&'static str> {
    match ctx.text(node, "data_classification") {
        "Confidential" => Some("confidential"),
        "HighlyConfidential" => Some("highly confidential"),
        _ => None,
    }
}

/// How a node's kind reads in a message: the catalog name, except for the flexible server kind,
/// which names its engine.
fn kind_label(ctx: &Context, node: &Node) -> String {
    if node.kind == "postgresql_flexible_server" {
        format!("{} flexible server", ctx.text(node, "engine"))
    } else {
        ctx.kind_name(node).to_owned()
    }
}
