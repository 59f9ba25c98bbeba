//! IAM-010: an app registration proves its identity with a client secret.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-010",
        name: "service-principal-uses-client-secret",
        title: "Service principal authenticates with a client secret",
        severity: Severity::Medium,
        severity_reason: "Medium: a client secret is a password for the application; it must leak \
                           to be used and usually has an expiry, unlike a standing privileged role \
                           (MCSB IM-3).",
        kind: RuleKind::Property,
        se: &["SE:05", "SE:09"],
        mcsb: &["IM-3"],
        stride: Stride::Spoofing,
        scope: &["service_principal"],
        checks: "Service principals use a federated credential or a certificate, not a client secret.",
        rationale: "A client secret is a password for software: it is copied into pipelines and config \
                    files, works from anywhere, and is valid for months. Federated credentials leave no \
                    secret to steal, and certificates at least keep the private key out of text files.",
        remediation: "Use workload identity federation (GitHub Actions, Azure DevOps, Kubernetes, other \
                      clouds), or a managed identity when the code runs in Azure. Where neither works, \
                      use a certificate kept in Key Vault with a short lifetime.",
        false_positives: "Third-party SaaS integrations that only accept a client secret; keep it in Key \
                          Vault and rotate it.",
        learn: "https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for principal in ctx.nodes_of_kind("service_principal") {
        if ctx.text(principal, "credential_type") != "ClientSecret" {
            continue;
        }
        report.node(
            &principal.id,
            format_args!(
                "Service principal `{}` authenticates with a client secret valid for {} days",
                ctx.label(principal),
                ctx.int(principal, "secret_lifetime_days")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_the_default_client_secret() {
        let design = DesignBuilder::new().node("sp", "service_principal").build();
        assert_fires_on(&RULE, &design, &["sp"]);
    }

    #[test]
    fn quiet_with_a_federated_credential() {
        let design = DesignBuilder::new()
            .node("sp", "service_principal")
            .set("sp", "credential_type", "FederatedCredential")
            .build();
        assert_quiet(&RULE, &design);
    }
}
