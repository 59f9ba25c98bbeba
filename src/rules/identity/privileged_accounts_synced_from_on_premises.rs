//! IAM-014: on-premises administrator accounts are synchronised into the cloud tenant.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM-014",
        name: "privileged-accounts-synced-from-on-premises",
        title: "On-premises administrator accounts are synchronised to the cloud",
        severity: Severity::High,
        severity_reason: "High: a synchronised administrator lets whoever compromises on-premises \
                           Active Directory take over the cloud tenant too; Microsoft advises \
                           cloud-only accounts for privileged roles (MCSB PA-1).",
        kind: RuleKind::Property,
        se: &["SE:05", "SE:04"],
        mcsb: &["PA-1"],
        stride: Stride::ElevationOfPrivilege,
        scope: &["entra_id"],
        checks: "With hybrid sync on, privileged on-premises accounts are not synchronised to Entra ID; \
                 cloud administrators are cloud-only accounts.",
        rationale: "A synchronised admin account is controlled from Active Directory: an attacker who \
                    takes over the domain can reset its password or add it to groups and walk into the \
                    cloud with it. Cloud-only admin accounts keep an on-premises compromise from \
                    spreading.",
        remediation: "Exclude privileged on-premises accounts from sync, and give cloud administrators \
                      separate cloud-only accounts protected by PIM and phishing-resistant MFA.",
        false_positives: "None known: synchronised accounts can keep ordinary user access while the \
                          admin roles move to cloud-only accounts.",
        learn: "https://learn.microsoft.com/entra/architecture/protect-m365-from-on-premises-attacks",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for tenant in ctx.nodes_of_kind("entra_id") {
        if ctx.bool(tenant, "hybrid_sync") && ctx.bool(tenant, "sync_privileged_onprem_accounts") {
            report.node(
                &tenant.id,
                format_args!(
                    "Entra ID `{}` synchronises privileged on-premises accounts, so a compromised \
                     Active Directory reaches the cloud",
                    ctx.label(tenant)
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
    fn fires_when_admins_are_synced() {
        let design = DesignBuilder::new()
            .node("entra", "entra_id")
            .set("entra", "hybrid_sync", true)
            .set("entra", "sync_privileged_onprem_accounts", true)
            .build();
        assert_fires_on(&RULE, &design, &["entra"]);
    }

    #[test]
    fn quiet_when_only_users_are_synced() {
        let design = DesignBuilder::new()
            .node("entra", "entra_id")
            .set("entra", "hybrid_sync", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
