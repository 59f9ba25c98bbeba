//! IAM-005: people hold privileged roles permanently instead of activating them just in time.

use super::{Assignee, assignee, is_privileged_role, role_assignments};
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-005",
        name: "standing-privileged-access",
        title: "People hold privileged roles permanently",
        severity: Severity::High,
        severity_reason: "High: a standing privileged role gives anyone who phishes that one \
                           account full control at once, with no approval or time limit (MCSB \
                           PA-2).",
        kind: RuleKind::Topology,
        se: &["SE:05"],
        mcsb: &["PA-2"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["operator", "entra_group"],
        checks: "Every role assignment that gives a person or a group of people a privileged role \
                 (Owner, Contributor, or any Administrator role) is PIM-eligible, and the tenant has \
                 Privileged Identity Management on (which needs Entra ID P2).",
        rationale: "A permanent Owner or Contributor assignment is a standing key to the workload: any \
                    phished session or stolen token of that person can change or delete everything, at \
                    any hour. Eligible assignments are only active for a short, approved and audited \
                    window.",
        remediation: "Convert the assignments to PIM-eligible ones with a short activation time, MFA and \
                      a justification (approval for the most powerful roles), and keep one or two \
                      break-glass accounts outside PIM.",
        false_positives: "Break-glass accounts, which must stay permanently assigned and are monitored \
                          instead.",
        learn: "https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-configure",
        psrule: &["Azure.RBAC.PIM"],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    // PIM-eligible assignments only mean something when the tenant runs PIM.
    let tenants = ctx.nodes_of_kind("entra_id");
    let tenant_without_pim = tenants
        .iter()
        .find(|t| !ctx.bool(t, "pim_enabled") || ctx.text(t, "license") != "P2");
    for assignment in role_assignments(ctx) {
        if assignee(ctx, assignment) == Assignee::Workload {
            continue;
        }
        let role = ctx.connection_text(assignment, "role");
        if !is_privileged_role(role) {
            continue;
        }
        let (who, target) = (ctx.source_of(assignment), ctx.target_of(assignment));
        if !ctx.connection_bool(assignment, "pim_eligible") {
            report.connection(
                &assignment.id,
                format_args!(
                    "`{}` holds {role} on `{}` permanently",
                    ctx.label(who),
                    ctx.label(target)
                ),
            );
        } else if let Some(tenant) = tenant_without_pim {
            report.connection(
                &assignment.id,
                format_args!(
                    "`{}` is eligible for {role} on `{}`, but Entra ID `{}` does not run \
                     Privileged Identity Management (it needs PIM on and a P2 licence)",
                    ctx.label(who),
                    ctx.label(target),
                    ctx.label(tenant)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::model::Value;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn admins_own_subscription(pim_eligible: bool) -> DesignBuilder {
        DesignBuilder::new()
            .node("sub", "subscription")
            .node("admins", "entra_group")
            .connect_with(
                "admins",
                "sub",
                "rbac",
                &[
                    ("role", Value::from("Owner")),
                    ("pim_eligible", Value::from(pim_eligible)),
                ],
            )
    }

    #[test]
    fn fires_on_a_permanent_owner() {
        let design = admins_own_subscription(false).build();
        assert_fires_on(&RULE, &design, &["c-1"]);
    }

    #[test]
    fn fires_when_the_tenant_has_no_pim() {
        let design = admins_own_subscription(true)
            .node("entra", "entra_id")
            .build();
        assert_fires_on(&RULE, &design, &["c-1"]);
    }

    #[test]
    fn quiet_when_eligible_through_pim() {
        let design = admins_own_subscription(true)
            .node("entra", "entra_id")
            .set("entra", "license", "P2")
            .set("entra", "pim_enabled", true)
            .build();
        assert_quiet(&RULE, &design);
    }

    #[test]
    fn quiet_for_data_roles() {
        let design = DesignBuilder::new()
            .node("readers", "entra_group")
            .node("st", "storage_account")
            .connect_with(
                "readers",
                "st",
                "rbac",
                &[("role", Value::from("Storage Blob Data Reader"))],
            )
            .build();
        assert_quiet(&RULE, &design);
    }
}
