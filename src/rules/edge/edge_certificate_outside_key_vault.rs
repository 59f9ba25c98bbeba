//! EDGE-008: an Application Gateway whose TLS certificates are uploaded rather than taken from
//! Key Vault.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "EDGE-008",
        name: "edge-certificate-outside-key-vault",
        title: "Gateway TLS certificate is not kept in Key Vault",
        severity: Severity::Medium,
        severity_reason: "Medium: uploaded certificates are copied around and expire unnoticed; a \
                           leaked private key lets an attacker impersonate the site, but it must \
                           leak first (MCSB DP-7).",
        kind: RuleKind::Property,
        se: &["SE:09", "SE:07"],
        mcsb: &["DP-7"],
        stride: Stride::Spoofing,
        scope: &["application_gateway"],
        checks: "Every Application Gateway with an HTTPS listener takes its certificates from Key Vault rather \
                 than from uploaded PFX files.",
        rationale: "An uploaded certificate is a private key file that someone exported, stored and must \
                    replace by hand before it expires. Referencing Key Vault through the gateway's managed \
                    identity keeps the key in one audited store and lets renewals roll out automatically.",
        remediation: "Import or generate the certificate in Key Vault, give the gateway a user-assigned managed \
                      identity with the Key Vault Secrets User role on the vault, and reference the certificate \
                      by its secret URI (without a version, so renewals are picked up).",
        false_positives: "Short-lived test gateways with throwaway certificates.",
        learn: "https://learn.microsoft.com/azure/application-gateway/key-vault-certs",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for gateway in ctx.nodes_of_kind("application_gateway") {
        let serves_tls = ctx.text(gateway, "listener_protocol") != "HTTP";
        if serves_tls && ctx.text(gateway, "certificate_source") != "KeyVault" {
            report.node(
                &gateway.id,
                format_args!(
                    "Application Gateway `{}` uses an uploaded TLS certificate instead of one from Key Vault",
                    ctx.label(gateway)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn gateway(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("agw", "application_gateway", "snet")
            .set("agw", "listener_protocol", "HTTPS")
    }

    #[test]
    fn fires_on_an_uploaded_certificate() {
        let design = gateway(DesignBuilder::new()).build();
        assert_fires_on(&RULE, &design, &["agw"]);
    }

    #[test]
    fn quiet_with_key_vault_or_no_tls_listener() {
        let design = gateway(DesignBuilder::new())
            .set("agw", "certificate_source", "KeyVault")
            .child("plain", "application_gateway", "snet")
            .build();
        assert_quiet(&RULE, &design);
    }
}
