//! The Markdown report: for a pull-request comment or a wiki page.
//!
//! Everything users typed (names, descriptions, owner, messages naming components, reasons) goes
//! through [`escape::markdown`]: no raw HTML, links, tables breaks or mentions can come from a
//! design. Rule text is ours and written as Markdown already.

use std::fmt::Write as _;

use super::escape::markdown as md;
use super::format::ExportOptions;
use super::json::subject_name;
use super::report::{self, SCORE_NOTE};
use super::sink::Sink;
use super::svg::severity_label;
use crate::model::{Catalog, Design};
use crate::review::triage::{State, review};
use crate::rules::{Findings, score};

/// The report as Markdown text.
pub fn report(
    design: &Design,
    catalog: &Catalog,
    findings: &Findings,
    options: &ExportOptions,
    writer: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = Sink::new(writer);
    let meta = &design.meta;
    let score = score::score(findings);
    let as_of = options.date.clone().unwrap_or_else(super::today);
    let reviewed = review(design, findings, &as_of);
    let title = if meta.name.trim().is_empty() {
        "Untitled design".to_owned()
    } else {
        md(meta.name.trim())
    };
    let _ = writeln!(out, "# Security review: {title}\n");
    if !meta.description.trim().is_empty() {
        let _ = writeln!(out, "{}\n", md(meta.description.trim()));
    }
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| **Score** | **{} / 100** |", score.value);
    let _ = writeln!(out, "| Findings | {} |", report::counts_text(findings));
    let _ = writeln!(
        out,
        "| Components | {} ({} connections) |",
        design.nodes().len(),
        design.connections().len()
    );
    for (label, value) in [
        ("Owner", &meta.owner),
        ("Data classification", &meta.data_classification),
    ] {
        if !value.trim().is_empty() {
            let _ = writeln!(out, "| {label} | {} |", md(value.trim()));
        }
    }
    if let Some(date) = options.date.as_deref().filter(|d| !d.trim().is_empty()) {
        let _ = writeln!(out, "| Date | {} |", md(date.trim()));
    }
    let _ = writeln!(out, "\n{SCORE_NOTE}\n");
    let notes = report::notes(design);
    if !notes.is_empty() {
        let _ = writeln!(out, "## Review notes\n");
        for (target, text) in notes {
            let lines: Vec<String> = text.lines().map(|l| md(l.trim())).collect();
            // Lines after the first continue the item, each on its own line.
            let text = lines.join("  \n  ");
            match target {
                Some(target) => {
                    let _ = writeln!(out, "- **On {}:** {text}", md(target));
                }
                None => {
                    let _ = writeln!(out, "- {text}");
                }
            }
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Well-Architected security checklist\n");
    let _ = writeln!(
        out,
        "| Item | Title | Rules passing | Status |\n|---|---|---|---|"
    );
    for c in &score.coverage {
        let passing = if c.applicable == 0 {
            "–".to_owned()
        } else {
            format!("{} / {}", c.passing, c.applicable)
        };
        let _ = writeln!(
            out,
            "| {} | {} | {passing} | {} |",
            c.code,
            c.title,
            report::coverage_status(c)
        );
    }

    let _ = writeln!(out, "\n## Findings\n");
    if findings.items.is_empty() {
        let _ = writeln!(out, "No findings: every applicable rule passes.");
    }
    for (severity, items) in report::by_severity(findings) {
        let _ = writeln!(out, "### {} ({})\n", severity_label(severity), items.len());
        for (m, group) in report::by_rule(&items) {
            let _ = writeln!(out, "#### {} ({})\n", m.title, m.id);
            for (index, f) in group {
                let triage = match reviewed.states[index] {
                    State::Open => String::new(),
                    State::Triaged(t) => format!(" *Triaged: {}*", md(&super::text::decision(t))),
                    State::Expired(t) => format!(
                        " *Open again, the decision expired: {}*",
                        md(&super::text::decision(t))
                    ),
                };
                let source = super::json::subject_source(design, &f.subject)
                    .map_or_else(String::new, |s| format!(" ({})", md(s)));
                let _ = writeln!(
                    out,
                    "- **{}**: {}{triage}{source}",
                    md(&subject_name(design, &f.subject)),
                    md(&f.message)
                );
            }
            let _ = writeln!(out, "\n**Why it matters:** {}\n", m.rationale);
            let _ = writeln!(out, "**Why this severity:** {}\n", m.severity_reason);
            let _ = writeln!(out, "**Fix:** {}\n", m.remediation);
            let _ = write!(
                out,
                "Well-Architected {} · MCSB {} · STRIDE {}",
                m.se.join(", "),
                m.mcsb.join(", "),
                m.stride.as_str()
            );
            if let Some(url) = super::escape::https_url(m.learn) {
                let _ = write!(out, " · [Learn more]({url})");
            }
            out.push_str("\n\n");
        }
    }

    let by_se = report::by_se(findings);
    if !by_se.is_empty() {
        let _ = writeln!(out, "## Findings by checklist item\n");
        let _ = writeln!(out, "| Item | Findings |\n|---|---|");
        for (code, title, items) in by_se {
            let list: Vec<String> = items
                .iter()
                .map(|(_, f)| {
                    format!(
                        "{} {} on {}",
                        f.severity.as_str(),
                        f.rule.id,
                        md(&subject_name(design, &f.subject))
                    )
                })
                .collect();
            let _ = writeln!(out, "| {code} {title} | {} |", list.join("<br>"));
        }
        out.push('\n');
    }

    super::threats::markdown(
        &mut out,
        design,
        &crate::threats::analyse(design, catalog, &reviewed),
    );

    let overrides = report::switches(design);
    if !overrides.is_empty() {
        let _ = writeln!(out, "## Rule settings\n");
        let _ = writeln!(out, "| Rule | Setting | Reason |\n|---|---|---|");
        for (rule, setting) in overrides {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md(rule),
                report::switch_text(setting),
                md(&setting.reason)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "---\nGenerated by Palisade {} against the Azure Well-Architected security checklist and the Microsoft cloud security benchmark v1.",
        env!("CARGO_PKG_VERSION")
    );
    out.finish()
}
