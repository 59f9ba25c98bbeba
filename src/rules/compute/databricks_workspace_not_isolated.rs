//! CMP-013: a Databricks workspace whose clusters have public IPs or whose workspace is public.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-013",
        name: "databricks-workspace-not-isolated",
        title: "Databricks clusters have public IPs or the workspace is open to public networks",
        severity: Severity::High,
        severity_reason: "High: cluster nodes with public IPs, or a workspace open to any network, put \
                          compute that holds data and credentials on the internet (MCSB NS-2, NS-1).",
        kind: RuleKind::Property,
        se: &["SE:06"],
        mcsb: &["NS-2", "NS-1"],
        stride: Stride::InformationDisclosure,
        scope: &["databricks_workspace"],
        checks: "Every Databricks workspace uses secure cluster connectivity (no public IPs on cluster \
                 nodes) and has public network access to the workspace disabled.",
        rationale: "Without secure cluster connectivity every cluster node gets a public IP and the \
                    control plane opens inbound connections to it, so the nodes that read your data sit \
                    on the internet. A public workspace lets anyone holding a personal access token or a \
                    stolen session run notebooks and jobs against that data from anywhere.",
        remediation: "Deploy the workspace with secure cluster connectivity (No Public IP) and VNet \
                      injection, add front-end and back-end private endpoints, then disable public \
                      network access with the NoAzureDatabricksRules NSG setting.",
        false_positives: "Workspaces whose public endpoint is restricted by IP access lists, which the \
                          design does not model.",
        learn: "https://learn.microsoft.com/azure/databricks/security/network/classic/secure-cluster-connectivity",
        psrule: &[
            "Azure.Databricks.SecureConnectivity",
            "Azure.Databricks.PublicAccess",
        ],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for workspace in ctx.nodes_of_kind("databricks_workspace") {
        let public_nodes = !ctx.bool(workspace, "secure_cluster_connectivity");
        let public_workspace = ctx.text(workspace, "public_network_access") == "Enabled";
        let problem = match (public_nodes, public_workspace) {
            (false, false) => continue,
            (true, false) => "its cluster nodes have public IPs",
            (false, true) => "the workspace accepts traffic from public networks",
            (true, true) => {
                "its cluster nodes have public IPs and the workspace accepts traffic from public \
                 networks"
            }
        };
        report.node(
            &workspace.id,
            format_args!(
                "Databricks workspace `{}` is not isolated: {problem}",
                ctx.label(workspace)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_a_public_workspace_or_public_cluster_nodes() {
        let design = DesignBuilder::new()
            .node("default", "databricks_workspace")
            .node("npip-off", "databricks_workspace")
            .set("npip-off", "public_network_access", "Disabled")
            .set("npip-off", "secure_cluster_connectivity", false)
            .build();
        assert_fires_on(&RULE, &design, &["default", "npip-off"]);
    }

    #[test]
    fn quiet_when_private_with_secure_cluster_connectivity() {
        let design = DesignBuilder::new()
            .node("dbw", "databricks_workspace")
            .set("dbw", "public_network_access", "Disabled")
            .build();
        assert_quiet(&RULE, &design);
    }
}
