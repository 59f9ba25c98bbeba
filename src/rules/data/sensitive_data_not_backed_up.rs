//! DATA-010: production resources holding sensitive data have no backup.

use super::sensitive_classification;
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

/// Kinds whose data only survives a disaster or ransomware through Azure Backup. Managed
/// databases keep their own point-in-time backups and are not listed.
const NEEDS_BACKUP: &[&str] = &["virtual_machine", "aks_cluster", "storage_account"];

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-010",
        name: "sensitive-data-not-backed-up",
        title: "Production resource with sensitive data has no backup",
        severity: Severity::Medium,
        severity_reason: "Medium: without a backup, data lost to ransomware or mistakes cannot be \
                           restored; it affects recovery rather than exposure (MCSB BR-1).",
        kind: RuleKind::Topology,
        se: &["SE:12"],
        mcsb: &["BR-1"],
        stride: Stride::DenialOfService,
        scope: &["virtual_machine", "aks_cluster", "storage_account"],
        checks: "Every production virtual machine, AKS cluster and storage account classified \
                 Confidential or Highly confidential has a backup connection from a vault.",
        rationale: "After ransomware or a destructive mistake, a clean backup is what decides between \
                    restoring and rebuilding, or losing the data. Resources without their own \
                    point-in-time restore need one drawn and planned.",
        remediation: "Protect the resource with Azure Backup (Recovery Services vault for VMs and file \
                      shares, Backup vault for blobs and AKS) and make the vault immutable (DATA-009).",
        false_positives: "Stateless VMs and clusters rebuilt from code whose data lives elsewhere; label \
                          them General to say so.",
        learn: "https://learn.microsoft.com/azure/backup/backup-overview",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for node in ctx.nodes_of_kinds(NEEDS_BACKUP) {
        if !NEEDS_BACKUP.contains(&node.kind.as_str()) || ctx.environment(node) != "Production" {
            continue;
        }
        let Some(classification) = sensitive_classification(ctx, node) else {
            continue;
        };
        if ctx.sources(node, "backup").is_empty() {
            report.node(
                &node.id,
                format_args!(
                    "{} `{}` holds {classification} production data but nothing backs it up",
                    ctx.kind_name(node),
                    ctx.label(node)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn confidential_vm() -> DesignBuilder {
        DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
            .set("vm", "data_classification", "Confidential")
    }

    #[test]
    fn fires_without_a_backup() {
        assert_fires_on(&RULE, &confidential_vm().build(), &["vm"]);
    }

    #[test]
    fn quiet_with_a_backup() {
        let design = confidential_vm()
            .node("rsv", "recovery_services_vault")
            .connect("rsv", "vm", "backup")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn quiet_for_non_production_or_unlabelled() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .node("test", "storage_account")
            .set("test", "environment", "NonProduction")
            .set("test", "data_classification", "Confidential")
            .build();
        assert_quiet(&RULE, &design);
    }
}
