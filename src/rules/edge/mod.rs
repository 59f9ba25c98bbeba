//! Ingress gateways, web application firewalls and TLS at the edge (SE:06, SE:07, SE:09).

use super::Rule;

mod api_management_secrets_outside_key_vault;
mod edge_accepts_legacy_tls;
mod edge_certificate_outside_key_vault;
mod edge_serves_plain_http;
mod edge_to_backend_unencrypted;
mod gateway_without_active_waf;
mod origin_bypasses_waf;
mod waf_in_detection_mode;
mod waf_managed_rules_incomplete;

pub(super) static RULES: &[&Rule] = &[
    &gateway_without_active_waf::RULE,
    &waf_in_detection_mode::RULE,
    &waf_managed_rules_incomplete::RULE,
    &edge_serves_plain_http::RULE,
    &edge_accepts_legacy_tls::RULE,
    &origin_bypasses_waf::RULE,
    &edge_to_backend_unencrypted::RULE,
    &edge_certificate_outside_key_vault::RULE,
    &api_management_secrets_outside_key_vault::RULE,
];
