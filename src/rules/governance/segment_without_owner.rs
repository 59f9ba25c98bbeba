//! GOV-003: a subscription or resource group has no accountable owner.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "GOV-003",
        name: "segment-without-owner",
        title: "Subscription or resource group has no owner",
        severity: Severity::Low,
        severity_reason: "Low: hygiene; findings and incidents on an ownerless scope have nobody \
                           to go to, but nothing is exposed (SE:01).",
        kind: RuleKind::Property,
        se: &["SE:04", "SE:01"],
        mcsb: &["AM-1"],
        stride: Stride::Repudiation,
        scope: &["subscription", "resource_group"],
        checks: "Every subscription and resource group names an owner (a team or person).",
        rationale: "Segments need someone accountable: a finding, a Defender alert or an incident \
                    without an owner waits in a queue while the clock runs. Ownership is also what \
                    access reviews and clean-up of unused resources depend on.",
        remediation: "Fill in the owner and apply it as a tag (enforced by Azure Policy) so that alerts \
                      and cost reports route to the right team.",
        false_positives: "Containers whose owner is inherited from the enclosing subscription by \
                          convention.",
        learn: "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for segment in ctx.nodes_of_kinds(&["subscription", "resource_group"]) {
        if ctx.text(segment, "owner").trim().is_empty() {
            report.node(
                &segment.id,
                format_args!(
                    "{} `{}` has no owner",
                    ctx.kind_name(segment),
                    ctx.label(segment)
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
    fn fires_on_unowned_segments() {
        let design = DesignBuilder::new()
            .node("sub", "subscription")
            .child("rg", "resource_group", "sub")
            .build();
        assert_fires_on(&RULE, &design, &["rg", "sub"]);
    }

    #[test]
    fn quiet_with_owners() {
        let design = DesignBuilder::new()
            .node("sub", "subscription")
            .set("sub", "owner", "platform-team")
            .child("rg", "resource_group", "sub")
            .set("rg", "owner", "web-team")
            .build();
        assert_quiet(&RULE, &design);
    }
}
