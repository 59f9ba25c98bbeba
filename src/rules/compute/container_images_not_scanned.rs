//! CMP-010: a container registry whose images are not scanned for vulnerabilities.

use super::{covered_by, defender_plan_scopes};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-010",
        name: "container-images-not-scanned",
        title: "Container images are not scanned for vulnerabilities",
        severity: Severity::Medium,
        severity_reason: "Medium: unscanned images ship known vulnerabilities unnoticed; \
                           detection, not protection, so defence in depth (MCSB PV-5, DS-6).",
        kind: RuleKind::Property,
        se: &["SE:02", "SE:08"],
        mcsb: &["PV-5", "DS-6"],
        stride: Stride::Tampering,
        scope: &["container_registry"],
        checks: "Every container registry has vulnerability scanning on: its own setting, or a Defender for \
                 Cloud node with the Containers plan on that governs the registry or a scope around it.",
        rationale: "Base images and dependencies collect known vulnerabilities after they are built. Without \
                    scanning, nothing tells the team that an image in production carries an exploitable \
                    library, and nothing can stop it from being deployed.",
        remediation: "Enable Defender for Containers on the subscription, review the registry's vulnerability \
                      findings, and gate deployments on them (quarantine or admission policy).",
        false_positives: "Registries scanned by a third-party scanner in the pipeline, which the design does not \
                          show.",
        learn: "https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-introduction",
        psrule: &["Azure.ACR.ContainerScan", "Azure.ACR.ImageHealth"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    let defended = defender_plan_scopes(ctx, "containers");
    for registry in ctx.nodes_of_kind("container_registry") {
        if ctx.bool(registry, "image_scanning") || covered_by(ctx, &defended, registry) {
            continue;
        }
        report.node(
            &registry.id,
            format_args!(
                "Images in container registry `{}` are not scanned for vulnerabilities",
                ctx.label(registry)
            ),
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
            .node("acr", "container_registry")
            .build();
        assert_fires_on(&RULE, &design, &["acr"]);
    }

    #[test]
    fn quiet_with_scanning_or_a_governing_plan() {
        let design = DesignBuilder::new()
            .node("acr", "container_registry")
            .set("acr", "image_scanning", true)
            .node("sub", "subscription")
            .child("acr2", "container_registry", "sub")
            .node("mdc", "defender_for_cloud")
            .set("mdc", "containers", true)
            .connect("mdc", "sub", "governs")
            .build();
        assert_quiet(&RULE, &design);
    }
}
