//! CMP-015: a network-restricted container registry still lets its images be copied out.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-015",
        name: "container-registry-export-allowed",
        title: "Private container registry allows its images to be exported",
        severity: Severity::Medium,
        severity_reason: "Medium: an identity with rights on the registry can copy every image to \
                           a registry outside the network boundary, past the private access the \
                           registry was set up with; it takes such an identity first (MCSB DP-2).",
        kind: RuleKind::Property,
        se: &["SE:06", "SE:04"],
        mcsb: &["DP-2", "NS-2"],
        stride: Stride::InformationDisclosure,
        scope: &["container_registry"],
        checks: "Every container registry with public network access disabled also has its export policy \
                 disabled. Registries with a public endpoint are left to the network rules: exports add \
                 little where images can be pulled from anywhere.",
        rationale: "Import into another registry and export pipelines move artifacts without passing the \
                    registry's network rules, so closing the public endpoint alone does not keep images, \
                    and the code and configuration inside them, in the network.",
        remediation: "Remove any export pipelines and set the export policy to disabled \
                      (`policies.exportPolicy.status: disabled`, Premium SKU with public network access \
                      disabled).",
        false_positives: "Registries that deliberately replicate images to partner or disaster recovery \
                          registries through export pipelines.",
        learn: "https://learn.microsoft.com/azure/container-registry/data-loss-prevention",
        psrule: &["Azure.ACR.ExportPolicy"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for registry in ctx.nodes_of_kind("container_registry") {
        if ctx.text(registry, "public_network_access") == "Disabled"
            && ctx.bool(registry, "export_policy_enabled")
        {
            report.node(
                &registry.id,
                format_args!(
                    "Container registry `{}` is closed to public networks but still lets its images \
                     be exported to other registries",
                    ctx.label(registry)
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
    fn fires_on_a_private_registry_that_allows_export() {
        let design = DesignBuilder::new()
            .node("acr", "container_registry")
            .set("acr", "sku", "Premium")
            .set("acr", "public_network_access", "Disabled")
            .build();
        assert_fires_on(&RULE, &design, &["acr"]);
    }

    #[test]
    fn quiet_with_export_disabled_or_a_public_registry() {
        let design = DesignBuilder::new()
            .node("acr", "container_registry")
            .set("acr", "sku", "Premium")
            .set("acr", "public_network_access", "Disabled")
            .set("acr", "export_policy_enabled", false)
            .node("public", "container_registry")
            .build();
        assert_quiet(&RULE, &design);
    }
}
