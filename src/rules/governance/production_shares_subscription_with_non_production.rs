//! GOV-002: production and non-production resources share a subscription.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "GOV-002",
        name: "production-shares-subscription-with-non-production",
        title: "Production shares a subscription with non-production",
        severity: Severity::Medium,
        severity_reason: "Medium: a shared subscription lets non-production access, policies and \
                           identities reach production resources; it takes a further \
                           misconfiguration to be abused (SE:04, MCSB GS-2).",
        kind: RuleKind::Topology,
        se: &["SE:04", "SE:02"],
        mcsb: &["GS-2"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["subscription"],
        checks: "No subscription holds both Production and NonProduction resources (by each resource's \
                 environment, or the subscription's when the resource sets none). Shared resources do \
                 not count.",
        rationale: "A subscription is the main boundary for access, policy and budgets. Developers and \
                    test pipelines need broad rights in non-production; when production sits in the \
                    same subscription, those rights and any compromise of them reach production too.",
        remediation: "Move the environments into separate subscriptions (under management groups that \
                      carry the right policies), and give non-production identities no access to \
                      production.",
        false_positives: "Small sandboxes without production data that are labelled Production by the \
                          catalog default; set their environment.",
        learn: "https://learn.microsoft.com/azure/well-architected/security/segmentation",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for subscription in ctx.nodes_of_kind("subscription") {
        let resources = ctx.descendants(subscription);
        let first_in = |environment: &str| -> Option<&Node> {
            resources
                .iter()
                .copied()
                .filter(|n| ctx.has_property(n, "environment"))
                .find(|n| ctx.environment(n) == environment)
        };
        let (Some(production), Some(other)) = (first_in("Production"), first_in("NonProduction"))
        else {
            continue;
        };
        report.node_with(
            &subscription.id,
            vec![production.id.clone(), other.id.clone()],
            format_args!(
                "Subscription `{}` holds production resources such as `{}` next to non-production \
                 ones such as `{}`",
                ctx.label(subscription),
                ctx.label(production),
                ctx.label(other)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_a_mixed_subscription() {
        let design = DesignBuilder::new()
            .node("sub", "subscription")
            .child("prod", "app_service", "sub")
            .child("test", "app_service", "sub")
            .set("test", "environment", "NonProduction")
            .build();
        assert_fires_on(&RULE, &design, &["sub"]);
    }

    #[test]
    fn quiet_for_separate_subscriptions_and_shared_services() {
        let design = DesignBuilder::new()
            .node("sub-prod", "subscription")
            .child("prod", "app_service", "sub-prod")
            .child("hub", "virtual_network", "sub-prod")
            .set("hub", "environment", "Shared")
            .node("sub-test", "subscription")
            .set("sub-test", "environment", "NonProduction")
            .child("test", "app_service", "sub-test")
            .build();
        assert_quiet(&RULE, &design);
    }
}
