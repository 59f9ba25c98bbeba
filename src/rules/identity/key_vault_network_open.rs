//! KV-004: a Key Vault or Managed HSM accepts traffic from any network.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "KV-004",
        name: "key-vault-network-open",
        title: "Key Vault accepts traffic from any network",
        severity: Severity::High,
        severity_reason: "High: a vault reachable from any network leaves only its credentials \
                           between the internet and the workload's secrets and keys (MCSB NS-2, \
                           DP-8).",
        kind: RuleKind::Property,
        se: &["SE:06", "SE:09"],
        mcsb: &["NS-2", "DP-8"],
        stride: Stride::InformationDisclosure,
        scope: &["key_vault", "key_vault_managed_hsm"],
        checks: "Every Key Vault and Managed HSM has public network access disabled or its firewall set \
                 to deny by default.",
        rationale: "With an open public endpoint, a stolen token or client secret can be used against the \
                    vault from anywhere on the internet. Closing the network path means a leaked \
                    credential alone is not enough.",
        remediation: "Disable public network access and reach the vault through a private endpoint with \
                      the `privatelink.vaultcore.azure.net` zone, or at least set the firewall's default \
                      action to Deny with named exceptions.",
        false_positives: "Vaults that must serve clients without private connectivity, restricted by IP \
                          rules the design does not show.",
        learn: "https://learn.microsoft.com/azure/key-vault/general/network-security",
        psrule: &["Azure.KeyVault.Firewall"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for vault in ctx.nodes_of_kinds(&["key_vault", "key_vault_managed_hsm"]) {
        if ctx.publicly_accessible(vault) {
            report.node(
                &vault.id,
                format_args!(
                    "{} `{}` accepts traffic from any network on its public endpoint",
                    ctx.kind_name(vault),
                    ctx.label(vault)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_platform_defaults() {
        let design = DesignBuilder::new()
            .node("kv", "key_vault")
            .node("hsm", "key_vault_managed_hsm")
            .build();
        assert_fires_on(&RULE, &design, &["hsm", "kv"]);
    }

    #[test]
    fn quiet_when_closed_or_default_deny() {
        let design = DesignBuilder::new()
            .node("private", "key_vault")
            .set("private", "public_network_access", "Disabled")
            .node("filtered", "key_vault")
            .set("filtered", "network_default_action", "Deny")
            .build();
        assert_quiet(&RULE, &design);
    }
}
