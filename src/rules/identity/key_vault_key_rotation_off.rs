//! KV-006: keys that encrypt data are never rotated automatically.

use crate::model::{NodeId, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "KV-006",
        name: "key-vault-key-rotation-off",
        title: "Encryption keys are not rotated automatically",
        severity: Severity::Medium,
        severity_reason: "Medium: a key that never rotates can be misused for longer once it \
                           leaks; it must leak first (MCSB DP-6).",
        kind: RuleKind::Topology,
        se: &["SE:09", "SE:07"],
        mcsb: &["DP-6"],
        stride: Stride::InformationDisclosure,
        scope: &["key_vault"],
        checks: "A Key Vault that serves keys to other components (a secret reference with purpose Key, \
                 as for customer-managed keys) has key auto-rotation on.",
        rationale: "A key that never changes protects more data the longer it lives, and a key that \
                    leaked or was misused years ago still works. A rotation policy limits that window \
                    without anyone having to remember it.",
        remediation: "Set a rotation policy on each key (for example every 12 months, with an expiry \
                      notification), and make sure the consuming services follow the latest key version.",
        false_positives: "Keys rotated by an external process the design does not show.",
        learn: "https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation",
        psrule: &["Azure.KeyVault.AutoRotationPolicy"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for vault in ctx.nodes_of_kind("key_vault") {
        if ctx.bool(vault, "key_auto_rotation") {
            continue;
        }
        let consumers: Vec<NodeId> = ctx
            .incoming(vault)
            .iter()
            .filter(|c| ctx.link_is(c, "secret_reference"))
            .filter(|c| ctx.connection_text(c, "purpose") == "Key")
            .map(|c| c.from.clone())
            .collect();
        let Some(first) = consumers.first().and_then(|id| ctx.node(id)) else {
            continue;
        };
        let others = match consumers.len() {
            1 => String::new(),
            2 => " and 1 other".to_owned(),
            n => format!(" and {} others", n - 1),
        };
        report.node_with(
            &vault.id,
            consumers,
            format_args!(
                "Key Vault `{}` holds keys for `{}`{others} but does not rotate them automatically",
                ctx.label(vault),
                ctx.label(first)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn storage_with_cmk() -> DesignBuilder {
        DesignBuilder::new()
            .node("kv", "key_vault")
            .node("st", "storage_account")
            .set("st", "encryption_key", "CustomerManaged")
            .connect_with(
                "st",
                "kv",
                "secret_reference",
                &[("purpose", Value::from("Key"))],
            )
    }

    #[test]
    fn fires_on_a_cmk_vault_without_rotation() {
        assert_fires_on(&RULE, &storage_with_cmk().build(), &["kv"]);
    }

    #[test]
    fn quiet_with_rotation() {
        let design = storage_with_cmk()
            .set("kv", "key_auto_rotation", true)
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn quiet_for_a_vault_that_only_holds_secrets() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .node("app", "app_service")
            .connect("app", "kv", "secret_reference")
            .build();
        assert_quiet(&RULE, &design);
    }
}
