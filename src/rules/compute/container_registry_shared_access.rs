//! CMP-008: a container registry with the admin user or anonymous pull enabled.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-008",
        name: "container-registry-shared-access",
        title: "Container registry allows admin or anonymous access",
        severity: Severity::High,
        severity_reason: "High: anonymous pull lets anyone read the images, with their embedded \
                           configuration, and the admin user is a shared credential that can push \
                           tampered images (MCSB IM-1, DS-6).",
        kind: RuleKind::Property,
        se: &["SE:05", "SE:02"],
        mcsb: &["IM-1", "DS-6"],
        stride: Stride::Tampering,
        scope: &["container_registry"],
        checks: "Every container registry has the admin user disabled and anonymous pull disabled, so every \
                 push and pull is made by an Entra identity with a role on the registry.",
        rationale: "The admin user is a shared account with push and delete rights on every repository, \
                    invisible in sign-in logs; whoever holds its password can replace the images production \
                    runs. Anonymous pull publishes every image, with whatever configuration and secrets were \
                    baked into it, to the whole internet.",
        remediation: "Move clients to managed identities or service principals with AcrPull or AcrPush, then \
                      disable the admin user and anonymous pull.",
        false_positives: "Registries that deliberately publish open-source images to the public.",
        learn: "https://learn.microsoft.com/azure/container-registry/container-registry-authentication",
        psrule: &["Azure.ACR.AdminUser", "Azure.ACR.AnonymousAccess"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for registry in ctx.nodes_of_kind("container_registry") {
        let problem = match (
            ctx.bool(registry, "admin_user"),
            ctx.bool(registry, "anonymous_pull"),
        ) {
            (false, false) => continue,
            (true, false) => "its admin user is enabled",
            (false, true) => "anonymous pull is enabled",
            (true, true) => "its admin user and anonymous pull are enabled",
        };
        report.node(
            &registry.id,
            format_args!(
                "Container registry `{}` allows access without a personal identity: {problem}",
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
    fn fires_on_admin_user_or_anonymous_pull() {
        let design = DesignBuilder::new()
            .node("acr", "container_registry")
            .set("acr", "admin_user", true)
            .node("pub", "container_registry")
            .set("pub", "anonymous_pull", true)
            .build();
        assert_fires_on(&RULE, &design, &["acr", "pub"]);
    }

    #[test]
    fn quiet_on_the_platform_defaults() {
        let design = DesignBuilder::new()
            .node("acr", "container_registry")
            .build();
        assert_quiet(&RULE, &design);
    }
}
