//! CMP-009: a self-hosted build or deployment agent that is not isolated.

use crate::model::{Node, Severity};
use crate::rules::network::{Reach, join_list};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-009",
        name: "build-agent-not-isolated",
        title: "Self-hosted build agent is not isolated",
        severity: Severity::Medium,
        severity_reason: "Medium: a build agent that can be reached or that deploys to every \
                           environment is a route from a pipeline compromise into production; it \
                           needs a compromise of the pipeline first.",
        kind: RuleKind::Topology,
        se: &["SE:02", "SE:08"],
        mcsb: &["DS-3"],
        stride: Stride::Tampering,
        scope: &["virtual_machine"],
        checks: "Every virtual machine in the BuildAgent role sits in a dedicated BuildAgents subnet, cannot be \
                 reached from the internet (agents poll their service outbound), deploys with a managed \
                 identity, and does not deploy to both production and non-production components (traffic or \
                 role assignments into both).",
        rationale: "Build agents hold deployment rights to production and run code from every branch. An agent \
                    exposed to the internet, sharing a subnet with workloads, holding stored credentials or \
                    shared with test environments turns any of those into a path to production.",
        remediation: "Place agents in their own subnet with an NSG that allows no inbound traffic, remove public \
                      IPs, give them a managed identity (or workload identity federation) scoped per \
                      environment, and run separate agent pools for production.",
        false_positives: "Ephemeral agents recreated for every job, where isolation comes from the short life.",
        learn: "https://learn.microsoft.com/azure/devops/pipelines/agents/agents",
        psrule: &[],
    },
    check,
};

fn gaps<'a>(ctx: &Context<'a>, reach: &Reach, agent: &Node) -> Vec<String> {
    let mut gaps = Vec::new();
    if ctx.bool(agent, "public_ip") || ctx.reaches(reach, agent) {
        gaps.push("it can be reached from the internet".to_owned());
    }
    match ctx.enclosing(agent, "subnet") {
        Some(subnet) if ctx.text(subnet, "purpose") == "BuildAgents" => {}
        Some(subnet) => gaps.push(format!(
            "it shares subnet `{}` instead of a dedicated BuildAgents subnet",
            ctx.label(subnet)
        )),
        None => gaps.push("it sits in no dedicated subnet".to_owned()),
    }
    if ctx.text(agent, "managed_identity") == "None" {
        gaps.push("it has no managed identity to deploy with".to_owned());
    }
    let mut production = false;
    let mut non_production = false;
    for target in ctx
        .targets(agent, "traffic")
        .into_iter()
        .chain(ctx.sources(agent, "rbac"))
        .chain(ctx.targets(agent, "rbac"))
    {
        match ctx.environment(target) {
            "Production" => production = true,
            "NonProduction" => non_production = true,
            _ => {}
        }
    }
    if production && non_production {
        gaps.push("it deploys to both production and non-production".to_owned());
    }
    gaps
}

fn check(ctx: &Context, report: &mut Report) {
    let agents: Vec<&Node> = ctx
        .nodes_of_kind("virtual_machine")
        .iter()
        .copied()
        .filter(|vm| ctx.text(vm, "role") == "BuildAgent")
        .collect();
    if agents.is_empty() {
        return;
    }
    let reach = ctx.internet_reachable();
    for agent in agents {
        let gaps = gaps(ctx, reach, agent);
        if !gaps.is_empty() {
            report.node(
                &agent.id,
                format_args!(
                    "Build agent `{}` is not isolated: {}",
                    ctx.label(agent),
                    join_list(&gaps)
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
    fn fires_on_an_agent_in_a_shared_subnet_deploying_everywhere() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("agent", "virtual_machine", "snet")
            .set("agent", "role", "BuildAgent")
            .set("agent", "managed_identity", "UserAssigned")
            .node("prod", "app_service")
            .node("dev", "app_service")
            .set("dev", "environment", "NonProduction")
            .connect("agent", "prod", "traffic")
            .connect("agent", "dev", "traffic")
            .build();
        assert_fires_on(&RULE, &design, &["agent"]);
    }

    #[test]
    fn quiet_for_an_isolated_agent_and_other_vms() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .set("snet", "purpose", "BuildAgents")
            .child("agent", "virtual_machine", "snet")
            .set("agent", "role", "BuildAgent")
            .set("agent", "managed_identity", "SystemAssigned")
            .child("vm", "virtual_machine", "snet")
            .node("prod", "app_service")
            .connect("agent", "prod", "traffic")
            .build();
        assert_quiet(&RULE, &design);
    }
}
