//! CMP-004: a virtual machine without automatic patching or endpoint detection and response.

use std::collections::BTreeSet;

use super::{covered_by, defender_plan_scopes};
use crate::model::{Node, NodeId, Severity};
use crate::rules::network::{Phrase, Phrases, join_list};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-004",
        name: "vm-patching-or-edr-missing",
        title: "Virtual machine is not patched automatically or has no EDR",
        severity: Severity::Medium,
        severity_reason: "Medium: unpatched machines without EDR let a known exploit persist \
                           undetected once an attacker reaches them; reachability is judged by the \
                           network rules, so this is defence in depth (MCSB PV-6, ES-2).",
        kind: RuleKind::Property,
        se: &["SE:08", "SE:10"],
        mcsb: &["PV-6", "ES-1", "ES-2"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["virtual_machine"],
        checks: "Every virtual machine receives guest OS updates automatically (patch orchestration by the \
                 platform or, on Windows, by the OS) and is covered by Defender for Servers: its own plan \
                 setting, or a Defender for Cloud node with the Servers plan on that governs the machine or \
                 a scope around it.",
        rationale: "Most VM compromises use vulnerabilities that already had a patch. Manual patching drifts, \
                    and image defaults differ per distribution. Defender for Servers brings Defender for \
                    Endpoint, which detects and contains an intrusion that patching did not prevent, and \
                    vulnerability assessment that shows what is missing.",
        remediation: "Set the patch mode to AutomaticByPlatform (or schedule patching with Azure Update \
                      Manager), and enable Defender for Servers Plan 2 on the subscription.",
        false_positives: "Immutable machines rebuilt from a patched image on a schedule, or machines protected \
                          by a third-party EDR the design does not show.",
        learn: "https://learn.microsoft.com/azure/virtual-machines/automatic-vm-guest-patching",
        psrule: &["Azure.VM.Updates", "Azure.Defender.Servers"],
    },
    check,
};

fn gaps<'n>(ctx: &Context<'n>, defended: &BTreeSet<&NodeId>, vm: &'n Node) -> Phrases<'n, 2> {
    let mut gaps = Phrases::new();
    let patch_mode = ctx.text(vm, "patch_mode");
    let automatic = patch_mode == "AutomaticByPlatform"
        || (patch_mode == "AutomaticByOS" && ctx.text(vm, "os") == "Windows");
    if !automatic {
        gaps.push(Phrase::Around("patch mode is ", patch_mode, ""));
    }
    let own_plan = ctx.text(vm, "defender_for_servers") != "Off";
    if !own_plan && !covered_by(ctx, defended, vm) {
        gaps.push("no Defender for Servers plan covers it");
    }
    gaps
}

fn check(ctx: &Context, report: &mut Report) {
    let defended = defender_plan_scopes(ctx, "servers");
    for vm in ctx.nodes_of_kind("virtual_machine") {
        let gaps = gaps(ctx, &defended, vm);
        if !gaps.is_empty() {
            report.node(
                &vm.id,
                format_args!(
                    "Virtual machine `{}` is left exposed to known vulnerabilities: {}",
                    ctx.label(vm),
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

    fn vm(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("sub", "subscription")
            .child("vnet", "virtual_network", "sub")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
    }

    #[test]
    fn fires_on_the_platform_defaults() {
        let design = vm(DesignBuilder::new()).build();
        assert_fires_on(&RULE, &design, &["vm"]);
    }

    #[test]
    fn quiet_with_platform_patching_and_a_governing_plan() {
        let design = vm(DesignBuilder::new())
            .set("vm", "patch_mode", "AutomaticByPlatform")
            .node("mdc", "defender_for_cloud")
            .set("mdc", "servers", "P2")
            .connect("mdc", "sub", "governs")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn fires_when_the_governing_plan_leaves_servers_off() {
        let design = vm(DesignBuilder::new())
            .set("vm", "patch_mode", "AutomaticByPlatform")
            .node("mdc", "defender_for_cloud")
            .connect("mdc", "sub", "governs")
            .build();
        assert_fires_on(&RULE, &design, &["vm"]);
    }
}
