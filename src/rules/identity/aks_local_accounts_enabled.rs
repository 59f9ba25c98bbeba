//! IAM-008: an AKS cluster can be administered with its static local account.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-008",
        name: "aks-local-accounts-enabled",
        title: "AKS cluster access bypasses Entra ID or Azure RBAC",
        severity: Severity::High,
        severity_reason: "High: the AKS local administrator credential grants cluster admin, \
                           bypasses Entra ID and cannot be audited per user (MCSB IM-1, PA-7). \
                           Medium for Entra sign-in with Kubernetes role bindings only: people are \
                           identified, but their rights are granted outside Azure RBAC, PIM and \
                           access reviews.",
        kind: RuleKind::Property,
        se: &["SE:05"],
        mcsb: &["IM-1", "PA-7"],
        stride: Stride::Spoofing,
        scope: &["aks_cluster"],
        checks: "Every AKS cluster has Entra ID integration on, local accounts disabled and Azure RBAC for \
                 Kubernetes authorization on.",
        rationale: "The local cluster-admin credential is a certificate that never expires with the \
                    person who downloaded it: whoever holds a copy of the kubeconfig has full control \
                    of the cluster, without MFA and without an identity in the audit log.",
        remediation: "Turn on AKS-managed Entra integration, use Azure RBAC for Kubernetes \
                      authorization, then disable local accounts (`disableLocalAccounts: true`).",
        false_positives: "Short-lived test clusters that hold no real workloads.",
        learn: "https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad",
        psrule: &[
            "Azure.AKS.ManagedAAD",
            "Azure.AKS.LocalAccounts",
            "Azure.AKS.AzureRBAC",
        ],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for cluster in ctx.nodes_of_kind("aks_cluster") {
        let label = ctx.label(cluster);
        if !ctx.bool(cluster, "entra_integration") {
            report.node(
                &cluster.id,
                format_args!(
                    "AKS cluster `{label}` has no Entra ID integration, so people sign in with \
                     static cluster credentials"
                ),
            );
        } else if !ctx.bool(cluster, "local_accounts_disabled") {
            report.node(
                &cluster.id,
                format_args!("AKS cluster `{label}` keeps its local cluster-admin account"),
            );
        } else if !ctx.bool(cluster, "azure_rbac") {
            report.node_with_graded(
                &cluster.id,
                Vec::new(),
                Severity::Medium,
                format_args!(
                    "AKS cluster `{label}` authorises with Kubernetes role bindings only, outside \
                     Azure role assignments and PIM"
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

    fn cluster() -> DesignBuilder {
        DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("aks", "aks_cluster", "snet")
    }

    #[test]
    fn fires_on_platform_defaults() {
        assert_fires_on(&RULE, &cluster().build(), &["aks"]);
    }

    #[test]
    fn fires_when_entra_is_on_but_local_accounts_stay() {
        let design = cluster().set("aks", "entra_integration", true).build();
        assert_fires_on(&RULE, &design, &["aks"]);
    }

    #[test]
    fn quiet_with_entra_only_access() {
        let design = cluster()
            .set("aks", "entra_integration", true)
            .set("aks", "local_accounts_disabled", true)
            .set("aks", "azure_rbac", true)
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn kubernetes_role_bindings_alone_are_medium() {
        let design = cluster()
            .set("aks", "entra_integration", true)
            .set("aks", "local_accounts_disabled", true)
            .build();
        let findings = run(&RULE, &design);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Medium);
    }
}
