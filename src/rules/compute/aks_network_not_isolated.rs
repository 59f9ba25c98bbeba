//! CMP-005: an AKS cluster whose API server, pod traffic or egress is not isolated.

use crate::model::{Node, Severity};
use crate::rules::network::{Phrase, Phrases, join_list};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-005",
        name: "aks-network-not-isolated",
        title: "AKS cluster network is not isolated",
        severity: Severity::High,
        severity_reason: "High: a public Kubernetes API server or flat pod network gives an \
                           attacker who holds or steals one credential the whole cluster and a \
                           direct way out; MCSB NS-2 asks to secure cloud services with network \
                           controls.",
        kind: RuleKind::Property,
        se: &["SE:06"],
        mcsb: &["NS-1", "NS-2", "NS-3"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["aks_cluster"],
        checks: "Every AKS cluster has a private API server or one limited to authorised IP ranges, enforces \
                 network policies between pods, and sends egress through user-defined routing (a firewall) \
                 rather than straight out of a load balancer or NAT gateway.",
        rationale: "A public API server is reachable by anyone holding a stolen kubeconfig or token and is \
                    probed constantly. Without network policies every pod can reach every other pod, so one \
                    vulnerable container reaches the whole cluster. Uninspected egress lets a compromised pod \
                    download tools and exfiltrate data freely.",
        remediation: "Make the cluster private (or set authorised IP ranges), enable Azure, Calico or Cilium \
                      network policy with default-deny policies per namespace, and set the outbound type to \
                      user-defined routing with the node subnet routed to Azure Firewall.",
        false_positives: "Clusters whose egress goes through an appliance reached by other means the design does \
                          not show.",
        learn: "https://learn.microsoft.com/azure/aks/private-clusters",
        psrule: &["Azure.AKS.AuthorizedIPs", "Azure.AKS.NetworkPolicy"],
    },
    check,
};

fn gaps<'n>(ctx: &Context<'n>, cluster: &'n Node) -> Phrases<'n, 3> {
    let mut gaps = Phrases::new();
    if !ctx.bool(cluster, "private_cluster") && !ctx.bool(cluster, "authorized_ip_ranges") {
        gaps.push("its API server accepts connections from any address");
    }
    if ctx.text(cluster, "network_policy") == "None" {
        gaps.push("no network policy limits pod-to-pod traffic");
    }
    let outbound = ctx.text(cluster, "outbound_type");
    if outbound != "userDefinedRouting" {
        gaps.push(Phrase::Around(
            "egress leaves through ",
            outbound,
            " without firewall inspection",
        ));
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
                    "AKS cluster `{}` is not isolated: {}",
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
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("aks", "aks_cluster", "snet")
    }

    #[test]
    fn fires_on_the_platform_defaults() {
        let design = cluster(DesignBuilder::new()).build();
        assert_fires_on(&RULE, &design, &["aks"]);
    }

    #[test]
    fn quiet_for_a_private_cluster_with_policies_and_routed_egress() {
        let design = cluster(DesignBuilder::new())
            .set("aks", "private_cluster", true)
            .set("aks", "network_policy", "Cilium")
            .set("aks", "outbound_type", "userDefinedRouting")
            .build();
        assert_quiet(&RULE, &design);
    }
}
