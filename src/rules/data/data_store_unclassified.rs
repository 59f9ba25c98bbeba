//! DATA-008: a data store has no data classification.

use super::kind_label;
use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DATA-008",
        name: "data-store-unclassified",
        title: "Data store has no classification",
        severity: Severity::Low,
        severity_reason: "Low: hygiene; an unclassified store is not exposed by that, but the \
                           rules that raise the bar for confidential data cannot apply to it (MCSB \
                           DP-1).",
        kind: RuleKind::Property,
        se: &["SE:03"],
        mcsb: &["DP-1"],
        stride: Stride::InformationDisclosure,
        scope: &["data_store"],
        checks: "Every data store (except Key Vault and Managed HSM, whose contents are secret by \
                 definition) has a data classification other than Unset.",
        rationale: "How a store must be protected (customer-managed keys, private access only, stricter \
                    monitoring, backup) depends on how sensitive its data is. Unlabelled stores are \
                    either over-protected at a cost or, more often, under-protected, and several rules \
                    can only judge a store once it is labelled.",
        remediation: "Set the classification from your organisation's taxonomy (Public, General, \
                      Confidential, Highly confidential), and use Microsoft Purview or SQL data \
                      discovery to confirm what the store really holds.",
        false_positives: "Stores that only hold disposable or generated data; label them Public or \
                          General to say so.",
        learn: "https://learn.microsoft.com/azure/well-architected/security/data-classification",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for store in ctx.nodes_with_trait("data_store") {
        if matches!(store.kind.as_str(), "key_vault" | "key_vault_managed_hsm")
            || !ctx.has_property(store, "data_classification")
        {
            continue;
        }
        if ctx.text(store, "data_classification") == "Unset" {
            report.node(
                &store.id,
                format_args!(
                    "{} `{}` has no data classification",
                    kind_label(ctx, store),
                    ctx.label(store)
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
    fn fires_on_unlabelled_stores() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .node("cosmos", "cosmos_db")
            .node("kv", "key_vault")
            .build();
        assert_fires_on(&RULE, &design, &["cosmos", "st"]);
    }

    #[test]
    fn quiet_when_labelled() {
        let design = DesignBuilder::new()
            .node("st", "storage_account")
            .set("st", "data_classification", "General")
            .build();
        assert_quiet(&RULE, &design);
    }
}
