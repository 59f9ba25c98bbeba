//! CMP-006: an AKS cluster without its runtime protection, policy and upgrade automation.

use std::collections::BTreeSet;

use super::{covered_by, defender_plan_scopes};
use crate::model::{Node, NodeId, Severity};
use crate::rules::network::{Phrases, join_list};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-006",
        name: "aks-security-addons-missing",
        title: "AKS cluster lacks runtime protection, policy or automatic upgrades",
        severity: Severity::Medium,
        severity_reason: "Medium: without runtime protection, policy enforcement and automatic \
                           upgrades, cluster compromise is harder to prevent and detect, but the \
                           cluster is not exposed by it (MCSB PV-6, LT-1).",
        kind: RuleKind::Property,
        se: &["SE:08", "SE:10"],
        mcsb: &["PV-2", "PV-6", "LT-1"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["aks_cluster"],
        checks: "Every AKS cluster runs the Defender for Containers sensor (its own setting, or a governing \
                 Defender for Cloud node with the Containers plan on), the Azure Policy add-on, an automatic \
                 cluster upgrade channel and a node OS upgrade channel that applies security patches, and \
                 does not use the retired HTTP application routing add-on.",
        rationale: "The Defender sensor sees container escapes, crypto miners and suspicious processes at run \
                    time. The Policy add-on stops privileged pods and unapproved images at admission. Clusters \
                    and node images that are not upgraded automatically fall behind on fixes within weeks, and \
                    the HTTP routing add-on was never meant for production.",
        remediation: "Enable the Defender sensor and the Azure Policy add-on with the baseline or restricted pod \
                      security initiative, choose the patch or stable auto-upgrade channel and the NodeImage or \
                      SecurityPatch node OS channel with a maintenance window, and replace HTTP application \
                      routing with the application routing add-on or another ingress controller.",
        false_positives: "Clusters upgraded by a tested pipeline on a fixed schedule instead of an auto-upgrade \
                          channel.",
        learn: "https://learn.microsoft.com/azure/aks/use-azure-policy",
        psrule: &[
            "Azure.AKS.DefenderProfile",
            "Azure.AKS.AzurePolicyAddOn",
            "Azure.AKS.AutoUpgrade",
            "Azure.AKS.NodeAutoUpgrade",
            "Azure.AKS.HttpAppRouting",
        ],
    },
    check,
};

fn gaps(ctx: &Context, defended: &BTreeSet<&NodeId>, cluster: &Node) -> Phrases<'static, 5> {
    let mut gaps = Phrases::new();
    if !ctx.bool(cluster, "defender_profile") && !covered_by(ctx, defended, cluster) {
        gaps.push("no Defender sensor");
    }
    if !ctx.bool(cluster, "azure_policy_addon") {
        gaps.push("no Azure Policy add-on");
    }
    if ctx.text(cluster, "auto_upgrade_channel") == "none" {
        gaps.push("no automatic cluster upgrades");
    }
    if matches!(
        ctx.text(cluster, "node_os_upgrade_channel"),
        "None" | "Unmanaged"
    ) {
        gaps.push("no managed node OS security updates");
    }
    if ctx.bool(cluster, "http_application_routing") {
        gaps.push("the retired HTTP application routing add-on");
    }
    gaps
}

fn check(ctx: &Context, report: &mut Report) {
    let defended = defender_plan_scopes(ctx, "containers");
    for cluster in ctx.nodes_of_kind("aks_cluster") {
        let gaps = gaps(ctx, &defended, cluster);
        if !gaps.is_empty() {
            report.node(
                &cluster.id,
                format_args!(
                    "AKS cluster `{}` lacks security add-ons: {}",
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
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn cluster(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("sub", "subscription")
            .child("vnet", "virtual_network", "sub")
            .child("snet", "subnet", "vnet")
            .child("aks", "aks_cluster", "snet")
    }

    #[test]
    fn fires_on_the_platform_defaults() {
        let design = cluster(DesignBuilder::new()).build();
        assert_fires_on(&RULE, &design, &["aks"]);
    }

    #[test]
    fn quiet_with_add_ons_and_a_governing_containers_plan() {
        let design = cluster(DesignBuilder::new())
            .set("aks", "azure_policy_addon", true)
            .set("aks", "auto_upgrade_channel", "patch")
            .node("mdc", "defender_for_cloud")
            .set("mdc", "containers", true)
            .connect("mdc", "sub", "governs")
            .build();
        assert_quiet(&RULE, &design);
    }
}
