//! IAM-006: a role is assigned to an individual person rather than to a group.

use super::{Assignee, assignee, role_assignments};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-006",
        name: "role-assigned-to-user",
        title: "Role assigned directly to a person",
        severity: Severity::Low,
        severity_reason: "Low: hygiene; a role on a user account works but drifts from the group \
                           model and survives role changes (MCSB PA-7).",
        kind: RuleKind::Topology,
        se: &["SE:05"],
        mcsb: &["PA-7"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["principal"],
        checks: "Role assignments that people hold go to Entra security groups, not to individual user \
                 accounts (an operator node, or an assignment whose principal type is User).",
        rationale: "Assignments to individuals pile up: they survive role changes, are hard to review and \
                    make it unclear why someone has access. Groups aligned to job functions keep access \
                    reviewable and remove it when membership ends.",
        remediation: "Create a group per job function, assign the role to the group, and manage membership \
                      (ideally through PIM for groups or access packages).",
        false_positives: "Break-glass accounts, which are assigned directly on purpose.",
        learn: "https://learn.microsoft.com/azure/role-based-access-control/best-practices",
        psrule: &["Azure.RBAC.UseGroups"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for assignment in role_assignments(ctx) {
        if assignee(ctx, assignment) != Assignee::User {
            continue;
        }
        let (who, target) = (ctx.source_of(assignment), ctx.target_of(assignment));
        let role = ctx.connection_text(assignment, "role");
        let role = if role.trim().is_empty() {
            "a role"
        } else {
            role
        };
        report.connection(
            &assignment.id,
            format_args!(
                "`{}` holds {role} on `{}` as an individual rather than through a group",
                ctx.label(who),
                ctx.label(target)
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
    fn fires_on_an_operator_assignment() {
        let design = DesignBuilder::new()
            .node("admin", "operator")
            .node("kv", "key_vault")
            .connect_with(
                "admin",
                "kv",
                "rbac",
                &[("role", Value::from("Key Vault Administrator"))],
            )
            .build();
        assert_fires_on(&RULE, &design, &["c-1"]);
    }

    #[test]
    fn quiet_for_groups_and_identities() {
        let design = DesignBuilder::new()
            .node("admins", "entra_group")
            .node("id", "managed_identity")
            .node("kv", "key_vault")
            .connect("admins", "kv", "rbac")
            .connect_with(
                "id",
                "kv",
                "rbac",
                &[("principal_type", Value::from("ManagedIdentity"))],
            )
            .build();
        assert_quiet(&RULE, &design);
    }
}
