//! CMP-007: a container app that pulls its images with registry admin credentials.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-007",
        name: "container-app-pulls-with-admin-credentials",
        title: "Container app pulls images with registry admin credentials",
        severity: Severity::Medium,
        severity_reason: "Medium: the registry admin password is a shared, long-lived secret that \
                           grants push as well as pull; it must leak before it is used, so it is a \
                           credential hygiene gap rather than an open door.",
        kind: RuleKind::Property,
        se: &["SE:05", "SE:09"],
        mcsb: &["IM-3"],
        stride: Stride::Tampering,
        scope: &["container_app"],
        checks: "Every container app authenticates to its container registry with a managed identity rather \
                 than the registry's admin user name and password.",
        rationale: "The registry admin credential is one shared password with push rights to every repository. \
                    Stored as a secret in each app, it can leak from any of them and lets the holder replace \
                    images that production runs. A managed identity with AcrPull can only read.",
        remediation: "Give the app a user-assigned managed identity with the AcrPull role on the registry, \
                      configure the registry with that identity, remove the stored password, then disable the \
                      registry's admin user.",
        false_positives: "Apps that pull from a registry outside Azure that cannot accept Entra ID tokens.",
        learn: "https://learn.microsoft.com/azure/container-apps/managed-identity-image-pull",
        psrule: &["Azure.ContainerApp.ManagedIdentity"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for app in ctx.nodes_of_kind("container_app") {
        if ctx.text(app, "registry_auth") == "AdminCredentials" {
            report.node(
                &app.id,
                format_args!(
                    "Container app `{}` pulls images with the registry's admin credentials",
                    ctx.label(app)
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
    fn fires_on_the_platform_default() {
        let design = DesignBuilder::new().node("ca", "container_app").build();
        assert_fires_on(&RULE, &design, &["ca"]);
    }

    #[test]
    fn quiet_with_a_managed_identity() {
        let design = DesignBuilder::new()
            .node("ca", "container_app")
            .set("ca", "registry_auth", "ManagedIdentity")
            .build();
        assert_quiet(&RULE, &design);
    }
}
