//! CMP-011: AI model deployments do not block harmful content or prompt injection.

use crate::model::Severity;
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-011",
        name: "ai-content-filter-weakened",
        title: "AI model deployments do not block harmful content or prompt attacks",
        severity: Severity::High,
        severity_reason: "High: without blocking filters a model deployment can be steered by prompt \
                          injection into leaking data or producing harmful output, and nothing stops it in \
                          front of the model (MCSB NS-6).",
        kind: RuleKind::Property,
        se: &["SE:08", "SE:06"],
        mcsb: &["NS-6"],
        stride: Stride::Tampering,
        scope: &["ai_services"],
        checks: "Every Azure OpenAI or AI Foundry account filters its model deployments with a policy \
                 that blocks: the default policy or a custom one, not annotation only and not off, with \
                 Prompt Shields (jailbreak detection) on.",
        rationale: "Content filters and Prompt Shields are the input and output screening of a model, in \
                    the place a web application firewall holds for a web app: they stop prompts that try \
                    to override the system instructions and responses with harmful content. Annotating \
                    without blocking, or switching filters off, leaves every application built on the \
                    deployment to do that screening itself.",
        remediation: "Assign the default content filter policy, or a custom policy that blocks at least \
                      medium severity, to every deployment, and keep Prompt Shields on for user prompts. \
                      Where a use case was approved for modified filtering, screen inputs and outputs in \
                      the application and record the approval.",
        false_positives: "Deployments approved by Microsoft for modified content filtering whose \
                          application screens prompts and responses itself.",
        learn: "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter",
        psrule: &[],
    },
    check,
};

fn check(ctx: &Context, report: &mut Report) {
    for account in ctx.nodes_of_kind("ai_services") {
        let filter = match ctx.text(account, "content_filter") {
            "AnnotateOnly" => Some("its content filter only annotates and blocks nothing"),
            "Off" => Some("its content filter is off"),
            _ => None,
        };
        let shields_off = !ctx.bool(account, "prompt_shields");
        let problem = match (filter, shields_off) {
            (None, false) => continue,
            (Some(filter), false) => filter.to_owned(),
            (None, true) => "Prompt Shields (jailbreak detection) is off".to_owned(),
            (Some(filter), true) => format!("{filter}, and Prompt Shields is off"),
        };
        report.node(
            &account.id,
            format_args!(
                "{} `{}` lets harmful content or prompt attacks through: {problem}",
                ctx.kind_name(account),
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
    fn fires_when_filtering_only_annotates_or_shields_are_off() {
        let design = DesignBuilder::new()
            .node("annotate", "ai_services")
            .set("annotate", "content_filter", "AnnotateOnly")
            .node("open", "ai_services")
            .set("open", "content_filter", "Off")
            .set("open", "prompt_shields", false)
            .node("shields", "ai_services")
            .set("shields", "content_filter", "Custom")
            .set("shields", "prompt_shields", false)
            .build();
        assert_fires_on(&RULE, &design, &["annotate", "open", "shields"]);
    }

    #[test]
    fn quiet_with_the_default_or_a_blocking_custom_policy() {
        let design = DesignBuilder::new()
            .node("default", "ai_services")
            .node("custom", "ai_services")
            .set("custom", "content_filter", "Custom")
            .build();
        assert_quiet(&RULE, &design);
    }
}
