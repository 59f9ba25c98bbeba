//! KV-003: a Key Vault authorises data access with vault access policies instead of Azure RBAC.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "KV-003",
        name: "key-vault-uses-access-policies",
        title: "Key Vault uses access policies instead of Azure RBAC",
        severity: Severity::Medium,
        severity_reason: "Medium: access policies grant vault-wide rights outside Azure RBAC and \
                           PIM, so access is broader and harder to review, but still needs an \
                           identity (MCSB PA-7).",
        kind: RuleKind::Property,
        se: &["SE:05", "SE:09"],
        mcsb: &["PA-7"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["key_vault"],
        checks: "Every Key Vault uses the Azure RBAC permission model for its data plane, and no secret \
                 reference is authorised through an access policy.",
        rationale: "Access policies are a second permission system that PIM, Conditional Access and \
                    access reviews do not cover. Anyone with Contributor on the vault can also grant \
                    themselves an access policy and read every secret, and policies cannot be scoped \
                    to a single secret.",
        remediation: "Switch the vault to the RBAC permission model (`enableRbacAuthorization: true`) \
                      after granting equivalent roles such as Key Vault Secrets User to each consumer's \
                      identity.",
        false_positives: "Vaults used by older services that only support access policies.",
        learn: "https://learn.microsoft.com/azure/key-vault/general/rbac-guide",
        psrule: &["Azure.KeyVault.RBAC"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for vault in ctx.nodes_of_kind("key_vault") {
        if !ctx.bool(vault, "rbac_authorization") {
            report.node(
                &vault.id,
                format_args!(
                    "Key Vault `{}` grants data access through access policies rather than Azure RBAC",
                    ctx.label(vault)
                ),
            );
        }
    }
    for reference in ctx.connections_of_kind("secret_reference") {
        if ctx.connection_text(reference, "via") == "AccessPolicy" {
            report.connection(
                &reference.id,
                format_args!(
                    "`{}` reads from `{}` through an access policy rather than an Azure role",
                    ctx.label(ctx.source_of(reference)),
                    ctx.label(ctx.target_of(reference))
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

    #[test]
    fn fires_on_the_platform_default() {
        let design = DesignBuilder::new().node("kv", "key_vault").build();
        assert_fires_on(&RULE, &design, &["kv"]);
    }

    #[test]
    fn quiet_with_rbac() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .set("kv", "rbac_authorization", true)
            .node("app", "app_service")
            .connect("app", "kv", "secret_reference")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_on_a_reference_through_an_access_policy() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .set("kv", "rbac_authorization", true)
            .node("app", "app_service")
            .connect_with(
                "app",
                "kv",
                "secret_reference",
                &[("via", Value::from("AccessPolicy"))],
            )
            .build();
        assert_fires_on(&RULE, &design, &["c-1"]);
    }
}
