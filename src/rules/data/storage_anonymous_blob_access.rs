//! DATA-003: a storage account lets containers be made public.

use super::sensitive_classification;
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-003",
        name: "storage-anonymous-blob-access",
        title: "Storage account allows anonymous blob access",
        severity: Severity::High,
        severity_reason: "High: with anonymous access allowed, one container set to public exposes \
                           its blobs to the whole internet without credentials (MCSB NS-2).",
        kind: RuleKind::Property,
        se: &["SE:06", "SE:08"],
        mcsb: &["NS-2"],
        stride: Stride::InformationDisclosure,
        scope: &["storage_account"],
        checks: "Every storage account has anonymous blob access disallowed at account level.",
        rationale: "With the account setting on, one container switched to public access exposes its \
                    blobs to anyone with the URL, with no credentials and no sign-in in the logs. \
                    Accidentally public containers are one of the most common causes of cloud data \
                    leaks.",
        remediation: "Disallow anonymous access on the account (`allowBlobPublicAccess: false`). Serve \
                      public content through Front Door or a CDN, and give other readers Entra roles \
                      or short-lived user delegation SAS.",
        false_positives: "Accounts that host deliberately public static content and hold nothing else; \
                          prefer a separate account for them.",
        learn: "https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent",
        psrule: &[
            "Azure.Storage.BlobPublicAccess",
            "Azure.Storage.BlobAccessType",
        ],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for account in ctx.nodes_of_kind("storage_account") {
        if !ctx.bool(account, "allow_blob_anonymous_access") {
            continue;
        }
        let holding = sensitive_classification(ctx, account)
            .map(|c| format!(" although it holds {c} data"))
            .unwrap_or_default();
        report.node(
            &account.id,
            format_args!(
                "Storage account `{}` allows anonymous read access to blobs{holding}",
                ctx.label(account)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    #[test]
    fn fires_when_anonymous_access_is_allowed() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .set("st", "allow_blob_anonymous_access", true)
            .build();
        assert_fires_on(&RULE, &design, &["st"]);
    }

    #[test]
    fn quiet_on_the_platform_default() {
        let design = DesignBuilder::new().node("st", "storage_account").build();
        assert_quiet(&RULE, &design);
    }
}
