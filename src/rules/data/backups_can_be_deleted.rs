//! DATA-009: a backup vault lets its recovery points be deleted before they expire.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-009",
        name: "backups-can-be-deleted",
        title: "Backups or blobs can be deleted beyond recovery",
        severity: Severity::Medium,
        severity_reason: "Medium: mutable backups and blobs without soft delete are lost exactly \
                           when ransomware or a rogue administrator deletes them, but only after \
                           privileged access is gained (MCSB BR-2). Low for a protected vault \
                           without multi-user authorization: its recovery points are safe, one \
                           person can only weaken its settings.",
        kind: RuleKind::Property,
        se: &["SE:12", "SE:07"],
        mcsb: &["BR-2"],
        stride: Stride::Tampering,
        scope: &["recovery_services_vault", "storage_account"],
        checks: "Every Recovery Services vault has immutability on (enabled or locked), soft delete not \
                 disabled and multi-user authorization on; every storage account has blob soft delete on.",
        rationale: "Ransomware operators delete backups before they encrypt production, so that paying \
                    is the only way back. Immutable recovery points and soft delete keep a clean copy \
                    even when an administrator account is compromised.",
        remediation: "Turn on immutability (lock it once the retention settings are right) and keep soft \
                      delete on (always-on where possible). Add multi-user authorization so destructive \
                      operations need a second person. Turn on blob soft delete on storage accounts, with \
                      a retention long enough to notice a deletion.",
        false_positives: "Vaults and storage accounts for short-lived test systems, or accounts holding only \
                          data that is rebuilt from elsewhere.",
        learn: "https://learn.microsoft.com/azure/backup/backup-azure-immutable-vault-concept",
        psrule: &["Azure.RSV.Immutable", "Azure.Storage.SoftDelete"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for vault in ctx.nodes_of_kind("recovery_services_vault") {
        let mutable = ctx.text(vault, "immutability") == "Disabled";
        let no_soft_delete = ctx.text(vault, "soft_delete") == "Disabled";
        let (severity, what) = match (mutable, no_soft_delete) {
            (true, true) => (
                Severity::Medium,
                "has neither immutability nor soft delete, so its backups can be deleted for good \
                 at once",
            ),
            (true, false) => (
                Severity::Medium,
                "is not immutable, so recovery points can be deleted before they expire",
            ),
            (false, true) => (
                Severity::Medium,
                "has soft delete off, so deleted backups cannot be recovered",
            ),
            // The recovery points are safe; what is left is one administrator weakening the
            // vault's settings alone.
            (false, false) if !ctx.bool(vault, "multi_user_authorization") => (
                Severity::Low,
                "lets one administrator disable its protections: multi-user authorization is off",
            ),
            (false, false) => continue,
        };
        report.node_with_graded(
            &vault.id,
            Vec::new(),
            severity,
            format_args!("Recovery Services vault `{}` {what}", ctx.label(vault)),
        );
    }
    for account in ctx.nodes_of_kind("storage_account") {
        if !ctx.bool(account, "blob_soft_delete") {
            report.node(
                &account.id,
                format_args!(
                    "Storage account `{}` has blob soft delete off, so deleted or overwritten blobs \
                     cannot be recovered",
                    ctx.label(account)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Severity;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    #[test]
    fn fires_on_the_platform_default() {
        let design = DesignBuilder::new()
            .node("rsv", "recovery_services_vault")
            .node("st", "storage_account")
            .build();
        assert_fires_on(&RULE, &design, &["rsv", "st"]);
    }

    #[test]
    fn a_protected_vault_without_a_second_approver_is_low() {
        let design = DesignBuilder::new()
            .node("rsv", "recovery_services_vault")
            .set("rsv", "immutability", "Locked")
            .set("rsv", "soft_delete", "AlwaysOn")
            .build();
        let findings = run(&RULE, &design);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Low);
    }

    #[test]
    fn quiet_when_immutable_with_soft_delete_and_a_second_approver() {
        let design = DesignBuilder::new()
            .node("rsv", "recovery_services_vault")
            .set("rsv", "immutability", "Locked")
            .set("rsv", "soft_delete", "AlwaysOn")
            .set("rsv", "multi_user_authorization", true)
            .node("st", "storage_account")
            .set("st", "blob_soft_delete", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
