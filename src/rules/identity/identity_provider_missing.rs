//! IAM-001: people and apps sign in, but the design has no Microsoft Entra ID tenant.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-001",
        name: "identity-provider-missing",
        title: "No central identity provider for users, operators and workloads",
        severity: Severity::High,
        severity_reason: "High: without a central identity provider there is no place to enforce \
                           MFA, conditional access or lifecycle for people and workloads (SE:05, \
                           MCSB IM-1).",
        kind: RuleKind::DesignWide,
        se: &["SE:05"],
        mcsb: &["IM-1"],
        stride: Stride::Spoofing,
        scope: &["persona", "web_workload"],
        checks: "A design with people (operators, internet users) or web workloads holds a Microsoft \
                 Entra ID tenant.",
        rationale: "Without one identity provider, every app and every administration path keeps its own \
                    accounts and passwords. Multifactor authentication, Conditional Access, \
                    just-in-time roles and sign-in logs can then not be applied in one place, and \
                    leavers keep access wherever an account was forgotten.",
        remediation: "Add the Microsoft Entra ID tenant, sign users in with OpenID Connect or SAML \
                      (App Service built-in authentication, API Management `validate-jwt`, or the \
                      app's own OIDC library), and give operators and workloads Entra identities.",
        false_positives: "A public, anonymous site that nobody administers interactively. The tenant still \
                          exists for the Azure subscription, so adding it to the diagram costs nothing.",
        learn: "https://learn.microsoft.com/azure/well-architected/security/identity-access",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    if !ctx.has("identity_provider") {
        report.design(
            "The design has no Microsoft Entra ID tenant, so sign-in for people and workloads has \
             no central identity provider",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_when_a_web_app_has_no_tenant() {
        let design = DesignBuilder::new().node("app", "app_service").build();
        assert_fires_on(&RULE, &design, &["design"]);
    }

    #[test]
    fn quiet_with_entra_id() {
        let design = DesignBuilder::new()
            .node("app", "app_service")
            .node("entra", "entra_id")
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn quiet_for_a_design_with_only_data() {
        let design = DesignBuilder::new().node("st", "storage_account").build();
        assert_quiet(&RULE, &design);
    }
}
