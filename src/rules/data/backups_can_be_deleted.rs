//! DATA-009: a backup vault lets its recovery points be deleted before they expire.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-009",
        name: "backups-can-be-deleted",
        title: "Backups can be deleted before they expire",
        severity: Severity::Medium,
        severity_reason: "Medium: mutable backups fail exactly when ransomware or a rogue \
                           administrator deletes them, but only after privileged access is gained \
                           (MCSB BR-2).",
        kind: RuleKind::Property,
        se: &["SE:12", "SE:07"],
        mcsb: &["BR-2"],
        stride: Stride::Tampering,
        scope: &["recovery_services_vault"],
        checks: "Every Recovery Services vault has immutability on (enabled or locked) and soft delete \
                 not disabled.",
        rationale: "Ransomware operators delete backups before they encrypt production, so that paying \
                    is the only way back. Immutable recovery points and soft delete keep a clean copy \
                    even when an administrator account is compromised.",
        remediation: "Turn on immutability (lock it once the retention settings are right) and keep soft \
                      delete on (always-on where possible). Add multi-user authorization so destructive \
                      operations need a second person.",
        false_positives: "Vaults for short-lived test systems.",
        learn: "https://learn.microsoft.com/azure/backup/backup-azure-immutable-vault-concept",
        psrule: &["Azure.RSV.Immutable"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for vault in ctx.nodes_of_kind("recovery_services_vault") {
        let mutable = ctx.text(vault, "immutability") == "Disabled";
        let no_soft_delete = ctx.text(vault, "soft_delete") == "Disabled";
        let what = match (mutable, no_soft_delete) {
            (true, true) => {
                "has neither immutability nor soft delete, so its backups can be deleted \
                             for good at once"
            }
            (true, false) => {
                "is not immutable, so recovery points can be deleted before they expire"
            }
            (false, true) => "has soft delete off, so deleted backups cannot be recovered",
            (false, false) => continue,
        };
        report.node(
            &vault.id,
            format_args!("Recovery Services vault `{}` {what}", ctx.label(vault)),
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
            .node("rsv", "recovery_services_vault")
            .build();
        assert_fires_on(&RULE, &design, &["rsv"]);
    }

    #[test]
    fn quiet_when_immutable_with_soft_delete() {
        let design = DesignBuilder::new()
            .node("rsv", "recovery_services_vault")
            .set("rsv", "immutability", "Locked")
            .set("rsv", "soft_delete", "AlwaysOn")
            .build();
        assert_quiet(&RULE, &design);
    }
}
