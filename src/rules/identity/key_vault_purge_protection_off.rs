//! KV-002: a Key Vault or Managed HSM without purge protection.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "KV-002",
        name: "key-vault-purge-protection-off",
        title: "Key Vault can be purged before its retention period ends",
        severity: Severity::High,
        severity_reason: "High: without purge protection one compromised privileged account can \
                           destroy the vault and its keys for good, and with them any data \
                           encrypted by those keys (MCSB DP-8).",
        kind: RuleKind::Property,
        se: &["SE:09", "SE:07"],
        mcsb: &["DP-8"],
        stride: Stride::DenialOfService,
        scope: &["key_vault", "key_vault_managed_hsm", "app_configuration"],
        checks: "Every Key Vault and Managed HSM has purge protection on, and soft delete is not off (it \
                 is always on for new vaults, but older ones may have been created without it). App \
                 Configuration stores, which soft-delete the same way, have purge protection on too.",
        rationale: "Without purge protection, anyone who can delete the vault or its keys can also purge them \
                    at once. Data encrypted with those keys is then lost for good, which makes a stolen \
                    administrator account a ransom tool.",
        remediation: "Turn on purge protection (`enablePurgeProtection`). It cannot be turned off again, so \
                      keep the soft-delete retention period short enough for test vaults.",
        false_positives: "Short-lived test vaults that hold no keys protecting real data.",
        learn: "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
        psrule: &["Azure.KeyVault.PurgeProtect", "Azure.KeyVault.SoftDelete"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for vault in ctx.nodes_of_kinds(&["key_vault", "key_vault_managed_hsm", "app_configuration"]) {
        // Soft delete can no longer be turned off on new vaults; an older vault without it
        // loses deleted keys at once, whatever purge protection says.
        let soft_delete_off =
            ctx.has_property(vault, "soft_delete") && !ctx.bool(vault, "soft_delete");
        let gap = if soft_delete_off {
            "has soft delete off, so a deleted vault or key is gone at once"
        } else if !ctx.bool(vault, "purge_protection") {
            "has purge protection off"
        } else {
            continue;
        };
        report.node(
            &vault.id,
            format_args!("{} `{}` {gap}", ctx.kind_name(vault), ctx.label(vault)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_the_platform_default() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .node("hsm", "key_vault_managed_hsm")
            .node("appcs", "app_configuration")
            .build();
        assert_fires_on(&RULE, &design, &["appcs", "hsm", "kv"]);
    }

    #[test]
    fn quiet_when_purge_protection_is_on() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .set("kv", "purge_protection", true)
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_when_soft_delete_is_off_even_with_purge_protection() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .set("kv", "purge_protection", true)
            .set("kv", "soft_delete", false)
            .build();
        assert_fires_on(&RULE, &design, &["kv"]);
    }
}
