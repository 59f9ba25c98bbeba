//! IAM-011: too many principals hold full control of a subscription.

use crate::model::{Node, Severity};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

/// More owners than this is a finding, the same limit as `Azure.RBAC.LimitOwner`.
const MAX_OWNERS: i64 = 3;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-011",
        name: "subscription-owner-sprawl",
        title: "Too many principals have full control of a subscription",
        severity: Severity::Medium,
        severity_reason: "Medium: every additional owner or guest with control of a subscription \
                           is another account whose compromise gives full control (MCSB PA-1).",
        kind: RuleKind::Property,
        se: &["SE:05"],
        mcsb: &["PA-1"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["subscription"],
        checks: "Each subscription has at most three owners, no classic co-administrators, and no guest \
                 accounts with Owner or Contributor.",
        rationale: "Every owner can change anything in the subscription, including who else has access. \
                    Each extra owner is another account whose compromise hands over the workload. \
                    Classic co-administrators bypass Azure RBAC altogether, and guests are accounts \
                    whose security another organisation controls.",
        remediation: "Keep two or three owners (through PIM), give everyone else narrower roles, remove \
                      classic administrators, and move guests to reader or scoped roles.",
        false_positives: "Owner counts that include break-glass accounts kept outside daily use.",
        learn: "https://learn.microsoft.com/azure/role-based-access-control/best-practices",
        psrule: &["Azure.RBAC.LimitOwner", "Azure.RBAC.CoAdministrator"],
    },
    check,
};

/// What is wrong with the subscription's privileged access, in words.
fn excesses(ctx: &Context, subscription: &Node) -> Vec<String> {
    let mut out = Vec::new();
    let owners = ctx.int(subscription, "owner_count");
    if owners > MAX_OWNERS {
        out.push(format!("{owners} owners"));
    }
    let co_admins = ctx.int(subscription, "co_administrators");
    if co_admins == 1 {
        out.push("a classic co-administrator".to_owned());
    } else if co_admins > 1 {
        out.push(format!("{co_admins} classic co-administrators"));
    }
    if ctx.bool(subscription, "guest_privileged_access") {
        out.push("guest accounts with privileged roles".to_owned());
    }
    out
}

fn check(ctx: &Context, report: &mut Report) {
    for subscription in ctx.nodes_of_kind("subscription") {
        let excesses = excesses(ctx, subscription);
        let Some((last, first)) = excesses.split_last() else {
            continue;
        };
        let joined = if first.is_empty() {
            last.clone()
        } else {
            format!("{} and {last}", first.join(", "))
        };
        report.node(
            &subscription.id,
            format_args!("Subscription `{}` has {joined}", ctx.label(subscription)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    #[test]
    fn fires_on_many_owners_and_guests() {
        let design = DesignBuilder::new()
            .node("sub", "subscription")
            .set("sub", "owner_count", 6_i64)
            .set("sub", "co_administrators", 1_i64)
            .set("sub", "guest_privileged_access", true)
            .build();
        assert_fires_on(&RULE, &design, &["sub"]);
        let message = &run(&RULE, &design)[0].message;
        assert_eq!(
            message,
            "Subscription `sub` has 6 owners, a classic co-administrator and guest accounts with \
             privileged roles"
        );
    }

    #[test]
    fn quiet_with_few_owners() {
        let design = DesignBuilder::new()
            .node("sub", "subscription")
            .set("sub", "owner_count", 3_i64)
            .build();
        assert_quiet(&RULE, &design);
    }
}
