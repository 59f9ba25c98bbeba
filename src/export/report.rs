//! What the HTML and Markdown reports share: the summary numbers and the groupings.

use crate::model::Severity;
use crate::rules::score::{self, SE_ITEMS};
use crate::rules::{Finding, Findings, RuleMeta};

/// How the score is computed, in one sentence for readers of a report.
pub const SCORE_NOTE: &str = "The score is the weight of the applicable rules that pass over the weight of all applicable rules (critical 10, high 5, medium 3, low 1, info 0), as a percentage; 100 when no rule applies.";

/// `2 critical, 1 high, 4 medium` (only the non-zero counts), or `no findings`.
pub fn counts_text(findings: &Findings) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .filter(|s| findings.count(**s) > 0)
        .map(|s| format!("{} {}", findings.count(*s), s.as_str()))
        .collect();
    if parts.is_empty() {
        "no findings".to_owned()
    } else {
        parts.join(", ")
    }
}

/// A finding with its position in [`Findings::items`] (which gives its anchor).
pub type Indexed<'a> = (usize, &'a Finding);

/// The findings of each severity, most severe first, leaving out severities with none.
pub fn by_severity(findings: &Findings) -> Vec<(Severity, Vec<Indexed<'_>>)> {
    Severity::ALL
        .into_iter()
        .map(|s| {
            let items: Vec<Indexed<'_>> = findings
                .items
                .iter()
                .enumerate()
                .filter(|(_, f)| f.severity == s)
                .collect();
            (s, items)
        })
        .filter(|(_, items)| !items.is_empty())
        .collect()
}

/// Findings grouped by rule, in the order the rules first appear.
pub fn by_rule<'a>(items: &[Indexed<'a>]) -> Vec<(&'static RuleMeta, Vec<Indexed<'a>>)> {
    let mut groups: Vec<(&'static RuleMeta, Vec<Indexed<'a>>)> = Vec::new();
    for &(index, finding) in items {
        match groups
            .iter_mut()
            .find(|(rule, _)| rule.id == finding.rule.id)
        {
            Some((_, group)) => group.push((index, finding)),
            None => groups.push((finding.rule, vec![(index, finding)])),
        }
    }
    groups
}

/// Each checklist item with its code, title and findings (a finding whose rule maps to several
/// items appears under each), in checklist order; items with no finding are left out.
pub fn by_se(findings: &Findings) -> Vec<(&'static str, &'static str, Vec<Indexed<'_>>)> {
    SE_ITEMS
        .iter()
        .map(|&(code, title)| {
            let items: Vec<Indexed<'_>> = findings
                .items
                .iter()
                .enumerate()
                .filter(|(_, f)| f.rule.se.contains(&code))
                .collect();
            (code, title, items)
        })
        .filter(|(_, _, items)| !items.is_empty())
        .collect()
}

/// How a checklist item fares, in words: `not assessed`, `passing` or `2 of 5 failing`.
pub fn coverage_status(coverage: &score::Coverage) -> String {
    if coverage.applicable == 0 {
        "not assessed".to_owned()
    } else if coverage.passing == coverage.applicable {
        "passing".to_owned()
    } else {
        format!(
            "{} of {} failing",
            coverage.applicable - coverage.passing,
            coverage.applicable
        )
    }
}

/// The rules a design switches off or re-grades, by id, with their settings: every report
/// lists them, so no switch goes unseen.
pub fn switches(design: &crate::model::Design) -> Vec<(&str, &crate::model::RuleSetting)> {
    design
        .meta
        .rule_settings
        .iter()
        .filter(|(_, s)| !s.enabled || s.severity.is_some())
        .map(|(rule, s)| (rule.as_str(), s))
        .collect()
}

/// The design's notes for the reports, in id order: what each points at (by name, for a
/// callout) and its text.
pub fn notes(design: &crate::model::Design) -> Vec<(Option<&str>, &str)> {
    design
        .notes()
        .filter(|n| !n.text.trim().is_empty())
        .map(|n| {
            let target = n.anchor.as_ref().and_then(|a| design.node(a));
            (target.map(|t| t.name.as_str()), n.text.trim())
        })
        .collect()
}

/// The text with its first letter in upper case (`critical` → `Critical`).
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// `disabled` or `severity low`.
pub fn switch_text(setting: &crate::model::RuleSetting) -> String {
    match (setting.enabled, setting.severity) {
        (false, _) => "disabled".to_owned(),
        (true, Some(s)) => format!("severity {}", s.as_str()),
        (true, None) => "enabled".to_owned(),
    }
}

/// The stable anchor of a finding within a report (`finding-3`), by its index in the list.
pub fn anchor(index: usize) -> String {
    format!("finding-{}", index + 1)
}
