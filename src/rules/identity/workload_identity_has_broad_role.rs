//! IAM-012: a managed identity or service principal controls a whole subscription.

use super::{Assignee, assignee, is_broad_assignment, is_scope_control_role, role_assignments};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-012",
        name: "workload-identity-has-broad-role",
        title: "Workload identity controls a whole subscription",
        severity: Severity::High,
        severity_reason: "High: a workload compromised through its own code inherits control of a \
                           whole subscription or more (MCSB PA-7).",
        kind: RuleKind::Topology,
        se: &["SE:05"],
        mcsb: &["PA-7"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["principal", "compute"],
        checks: "No managed identity or service principal holds Owner, Contributor, User Access \
                 Administrator or Role Based Access Control Administrator on a subscription or \
                 management group.",
        rationale: "Whoever runs code as that identity (a compromised app, a poisoned pipeline, a leaked \
                    client secret) can change or delete every resource in the scope, or grant itself \
                    more. Workloads need data-plane roles on the few resources they use.",
        remediation: "Grant the identity data-plane or resource-specific roles on the resources or \
                      resource groups it needs. Deployment pipelines that must create resources get \
                      Contributor on their own resource groups, not on the subscription.",
        false_positives: "Platform automation identities (landing zone deployment, policy remediation) \
                          that are meant to manage the scope; protect them with federation and approval \
                          gates.",
        learn: "https://learn.microsoft.com/azure/role-based-access-control/best-practices",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for assignment in role_assignments(ctx) {
        let role = ctx.connection_text(assignment, "role");
        if assignee(ctx, assignment) != Assignee::Workload
            || !is_scope_control_role(role)
            || !is_broad_assignment(ctx, assignment)
        {
            continue;
        }
        let (who, target) = (ctx.source_of(assignment), ctx.target_of(assignment));
        let scope = match target.kind.as_str() {
            "subscription" | "management_group" => {
                format!(
                    "{} `{}`",
                    ctx.kind_name(target).to_lowercase(),
                    ctx.label(target)
                )
            }
            _ => format!("the whole scope around `{}`", ctx.label(target)),
        };
        report.connection(
            &assignment.id,
            format_args!(
                "Workload identity `{}` holds {role} on {scope}",
                ctx.label(who)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_on_a_contributor_identity_at_subscription_scope() {
        let design = DesignBuilder::new()
            .node("sub", "subscription")
            .child("id", "managed_identity", "sub")
            .connect_with("id", "sub", "rbac", &[("role", Value::from("Contributor"))])
            .build();
        assert_fires_on(&RULE, &design, &["c-1"]);
    }

    #[test]
    fn fires_when_the_scope_property_says_subscription() {
        let design = DesignBuilder::new()
            .node("sp", "service_principal")
            .node("kv", "key_vault")
            .connect_with(
                "sp",
                "kv",
                "rbac",
                &[
                    ("role", Value::from("Owner")),
                    ("scope", Value::from("Subscription")),
                ],
            )
            .build();
        assert_fires_on(&RULE, &design, &["c-1"]);
    }

    #[test]
    fn quiet_for_resource_scoped_data_roles() {
        let design = DesignBuilder::new()
            .node("id", "managed_identity")
            .node("kv", "key_vault")
            .connect_with(
                "id",
                "kv",
                "rbac",
                &[("role", Value::from("Key Vault Secrets User"))],
            )
            .build();
        assert_quiet(&RULE, &design);
    }
}
