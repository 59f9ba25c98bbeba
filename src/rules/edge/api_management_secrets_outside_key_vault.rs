//! EDGE-009: API Management keeps secrets in the service instead of Key Vault.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "EDGE-009",
        name: "api-management-secrets-outside-key-vault",
        title: "API Management keeps secrets outside Key Vault",
        severity: Severity::Medium,
        severity_reason: "Medium: secrets held in API Management named values are readable by its \
                           administrators and cannot be rotated centrally; they must leak before \
                           they are used (MCSB IM-3, DP-7).",
        kind: RuleKind::Property,
        se: &["SE:09", "SE:05"],
        mcsb: &["IM-3", "DP-7"],
        stride: Stride::InformationDisclosure,
        scope: &["api_management"],
        checks: "Every API Management instance has a managed identity and takes its secret named values (backend \
                 keys, client secrets) from Key Vault references.",
        rationale: "Secrets typed into named values live in the service configuration, are copied into every \
                    export and backup, and are rotated by hand. Key Vault references read through the gateway's \
                    managed identity keep one copy in an audited store and pick up rotations automatically.",
        remediation: "Enable a managed identity on the instance, grant it Key Vault Secrets User on the vault, and \
                      convert secret named values to Key Vault references.",
        false_positives: "Instances with no secret named values at all.",
        learn: "https://learn.microsoft.com/azure/api-management/api-management-howto-properties",
        psrule: &["Azure.APIM.ManagedIdentity", "Azure.APIM.EncryptValues"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for apim in ctx.nodes_of_kind("api_management") {
        let problem = match (
            ctx.bool(apim, "managed_identity"),
            ctx.bool(apim, "named_values_from_key_vault"),
        ) {
            (true, true) => continue,
            (false, _) => "it has no managed identity to read Key Vault",
            (true, false) => "its secret named values are stored in the service",
        };
        report.node(
            &apim.id,
            format_args!(
                "API Management `{}` keeps secrets outside Key Vault: {problem}",
                ctx.label(apim)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_the_defaults() {
        let design = DesignBuilder::new().node("apim", "api_management").build();
        assert_fires_on(&RULE, &design, &["apim"]);
    }

    #[test]
    fn quiet_with_key_vault_references() {
        let design = DesignBuilder::new()
            .node("apim", "api_management")
            .set("apim", "managed_identity", true)
            .set("apim", "named_values_from_key_vault", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
