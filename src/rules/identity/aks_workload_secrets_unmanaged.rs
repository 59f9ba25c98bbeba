//! IAM-016: pods in an AKS cluster get their credentials outside workload identity and Key Vault.

use crate::model::{Node, Severity};
use crate::rules::network::{Phrases, join_list};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-016",
        name: "aks-workload-secrets-unmanaged",
        title: "AKS workloads keep their credentials in the cluster",
        severity: Severity::Medium,
        severity_reason: "Medium: pods without workload identity or the Key Vault secrets provider \
                           hold long-lived secrets in Kubernetes objects that anyone who can read \
                           the namespace can copy; it takes access to the cluster first (MCSB \
                           IM-3, IM-8).",
        kind: RuleKind::Property,
        se: &["SE:05", "SE:09"],
        mcsb: &["IM-3", "IM-8"],
        stride: Stride::InformationDisclosure,
        scope: &["aks_cluster"],
        checks: "Every AKS cluster has workload identity on, so pods get Entra tokens through federation, \
                 and the Key Vault secrets provider on with secret rotation, so the secrets pods still \
                 need come from Key Vault and follow its rotation.",
        rationale: "Without workload identity, pods reach Azure services with client secrets or keys kept in \
                    Kubernetes secrets, which are only base64-encoded and readable by anyone with access to \
                    the namespace. Mounting secrets from Key Vault keeps them in one audited place; without \
                    rotation a pod keeps using a secret after Key Vault has replaced it.",
        remediation: "Turn on the OIDC issuer and workload identity and federate each workload's managed \
                      identity with its Kubernetes service account; turn on the Azure Key Vault provider for \
                      the Secrets Store CSI driver with rotation (`enableSecretRotation`), and move remaining \
                      secrets into Key Vault.",
        false_positives: "Clusters whose workloads call no Azure service and use no secrets, or that use \
                          another external secret store the design does not show.",
        learn: "https://learn.microsoft.com/azure/aks/workload-identity-overview",
        psrule: &["Azure.AKS.SecretStore", "Azure.AKS.SecretStoreRotation"],
    },
    check,
};

fn gaps(ctx: &Context, cluster: &Node) -> Phrases<'static, 3> {
    let mut gaps = Phrases::new();
    if !ctx.bool(cluster, "workload_identity") {
        gaps.push("no workload identity, so pods authenticate with stored secrets");
    }
    if !ctx.bool(cluster, "secrets_store_csi") {
        gaps.push("no Key Vault secrets provider, so secrets live in Kubernetes objects");
    } else if !ctx.bool(cluster, "secret_rotation") {
        gaps.push("secrets mounted from Key Vault are not refreshed when they rotate");
    }
    gaps
}

fn check(ctx: &Context, report: &mut Report) {
    for cluster in ctx.nodes_of_kind("aks_cluster") {
        let gaps = gaps(ctx, cluster);
        if !gaps.is_empty() {
            report.node(
                &cluster.id,
                format_args!(
                    "AKS cluster `{}` keeps workload credentials in the cluster: {}",
                    ctx.label(cluster),
                    join_list(gaps.as_slice())
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    fn cluster() -> DesignBuilder {
        DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("aks", "aks_cluster", "snet")
    }

    #[test]
    fn fires_on_the_platform_defaults() {
        assert_fires_on(&RULE, &cluster().build(), &["aks"]);
    }

    #[test]
    fn fires_when_mounted_secrets_do_not_rotate() {
        let design = cluster()
            .set("aks", "workload_identity", true)
            .set("aks", "secrets_store_csi", true)
            .build();
        assert_fires_on(&RULE, &design, &["aks"]);
        assert!(
            run(&RULE, &design)[0]
                .message
                .as_str()
                .contains("not refreshed")
        );
    }

    #[test]
    fn quiet_with_workload_identity_and_rotated_key_vault_secrets() {
        let design = cluster()
            .set("aks", "workload_identity", true)
            .set("aks", "secrets_store_csi", true)
            .set("aks", "secret_rotation", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
