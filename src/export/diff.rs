//! `palisade diff` output: plain text for a terminal, Markdown to paste as a pull-request
//! comment, JSON for tools. User text is escaped for each (inert for the terminal, Markdown
//! escapes for the comment).

use std::io::{self, Write};

use serde_json::{Value as Json, json};

use super::escape::markdown as md;
use crate::model::Triage;
use crate::model::text::inert;
use crate::review::diff::{Change, DesignDiff, ElementChange, FindingChange, TriageChange};

fn change_word(e: &ElementChange) -> &'static str {
    match (e.change, e.moved) {
        (Change::Added, _) => "added",
        (Change::Removed, _) => "removed",
        (Change::Changed, true) => "moved",
        (Change::Changed, false) => "changed",
    }
}

fn decision_text(t: Option<&Triage>) -> String {
    t.map_or_else(|| "open".to_owned(), super::text::decision)
}

fn sections(diff: &DesignDiff) -> [(&'static str, &[ElementChange]); 4] {
    [
        ("Containers", &diff.containers),
        ("Components", &diff.components),
        ("Connections", &diff.connections),
        ("Notes", &diff.notes),
    ]
}

fn coverage_text(c: &crate::review::diff::CoverageChange) -> String {
    format!(
        "{} {}: {}/{} → {}/{} rules passing",
        c.code, c.title, c.old.1, c.old.0, c.new.1, c.new.0
    )
}

/// The diff as text: one line per change, indented field lines.
pub fn text(out: &mut dyn Write, old: &str, new: &str, diff: &DesignDiff) -> io::Result<()> {
    writeln!(out, "--- {}\n+++ {}", inert(old), inert(new))?;
    if diff.is_empty() {
        writeln!(out, "no differences")?;
    }
    for f in &diff.design {
        writeln!(
            out,
            "design: {} {} → {}",
            f.field,
            inert(&f.old),
            inert(&f.new)
        )?;
    }
    for (title, changes) in sections(diff) {
        for e in changes {
            writeln!(
                out,
                "{} {} `{}` ({}, {})",
                change_word(e),
                title.to_lowercase().trim_end_matches('s'),
                inert(&e.name),
                inert(&e.kind),
                inert(&e.id)
            )?;
            for f in &e.fields {
                writeln!(
                    out,
                    "    {}: {} → {}",
                    f.field,
                    inert(&f.old),
                    inert(&f.new)
                )?;
            }
        }
    }
    for (word, findings) in [
        ("introduced", &diff.introduced),
        ("resolved", &diff.resolved),
    ] {
        for f in findings {
            writeln!(
                out,
                "finding {word}: {}[{}] {}",
                f.severity.as_str(),
                f.rule,
                inert(&f.message)
            )?;
        }
    }
    for t in &diff.triage {
        writeln!(
            out,
            "triage {}: {} → {}",
            inert(&t.fingerprint),
            decision_text(t.old.as_ref()),
            decision_text(t.new.as_ref())
        )?;
    }
    for c in &diff.coverage {
        writeln!(out, "coverage {}", coverage_text(c))?;
    }
    writeln!(
        out,
        "score {} → {}; {} finding{} introduced, {} resolved",
        diff.score.0,
        diff.score.1,
        diff.introduced.len(),
        if diff.introduced.len() == 1 { "" } else { "s" },
        diff.resolved.len()
    )
}

/// The diff as Markdown for a pull-request comment.
pub fn markdown(out: &mut dyn Write, old: &str, new: &str, diff: &DesignDiff) -> io::Result<()> {
    let delta = i64::from(diff.score.1) - i64::from(diff.score.0);
    writeln!(out, "## Palisade design review\n")?;
    writeln!(
        out,
        "Comparing {} with {}: score **{} → {}** ({delta:+}), **{}** finding{} introduced, **{}** resolved.\n",
        md(old),
        md(new),
        diff.score.0,
        diff.score.1,
        diff.introduced.len(),
        if diff.introduced.len() == 1 { "" } else { "s" },
        diff.resolved.len()
    )?;
    if diff.is_empty() {
        writeln!(out, "No differences.")?;
        return Ok(());
    }
    finding_table(out, "Findings introduced", &diff.introduced)?;
    finding_table(out, "Findings resolved", &diff.resolved)?;
    let changes: usize = sections(diff).iter().map(|(_, c)| c.len()).sum();
    if changes > 0 || !diff.design.is_empty() {
        writeln!(out, "### Changes\n")?;
        writeln!(
            out,
            "| | Element | Kind | What changed |\n|---|---|---|---|"
        )?;
        for f in &diff.design {
            writeln!(
                out,
                "| changed | Design | | {}: {} → {} |",
                md(&f.field),
                md(&f.old),
                md(&f.new)
            )?;
        }
        for (_, list) in sections(diff) {
            for e in list {
                let what: Vec<String> = e
                    .fields
                    .iter()
                    .map(|f| format!("{}: {} → {}", md(&f.field), md(&f.old), md(&f.new)))
                    .collect();
                writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    change_word(e),
                    md(&e.name),
                    md(&e.kind),
                    what.join("<br>")
                )?;
            }
        }
        writeln!(out)?;
    }
    if !diff.triage.is_empty() {
        writeln!(out, "### Triage\n")?;
        writeln!(out, "| Finding | Before | After |\n|---|---|---|")?;
        for TriageChange {
            fingerprint,
            old,
            new,
        } in &diff.triage
        {
            writeln!(
                out,
                "| {} | {} | {} |",
                md(fingerprint),
                md(&decision_text(old.as_ref())),
                md(&decision_text(new.as_ref()))
            )?;
        }
        writeln!(out)?;
    }
    if !diff.coverage.is_empty() {
        writeln!(out, "### Well-Architected coverage\n")?;
        for c in &diff.coverage {
            writeln!(out, "- {}", coverage_text(c))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn finding_table(out: &mut dyn Write, title: &str, findings: &[FindingChange]) -> io::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "### {title}\n")?;
    writeln!(out, "| Severity | Rule | Finding |\n|---|---|---|")?;
    for f in findings {
        writeln!(
            out,
            "| {} | {} {} | {} |",
            f.severity.as_str(),
            f.rule,
            md(f.title),
            md(&f.message)
        )?;
    }
    writeln!(out)
}

/// The diff as JSON (`palisade-diff/1`).
pub fn json(out: &mut dyn Write, old: &str, new: &str, diff: &DesignDiff) -> io::Result<()> {
    let element = |e: &ElementChange| {
        json!({
            "id": e.id, "kind": e.kind, "name": e.name, "change": change_word(e),
            "fields": e.fields.iter().map(|f| json!({"field": f.field, "old": f.old, "new": f.new})).collect::<Vec<_>>(),
        })
    };
    let finding = |f: &FindingChange| json!({"fingerprint": f.fingerprint, "severity": f.severity.as_str(), "rule": f.rule, "title": f.title, "message": f.message});
    let decision = |t: &Option<Triage>| -> Json {
        t.as_ref().map_or(Json::Null, |t| {
            json!({"status": t.status.as_str(), "justification": t.justification, "by": t.by, "date": t.date, "expires": t.expires})
        })
    };
    let doc = json!({
        "schema": "palisade-diff/1",
        "old": old,
        "new": new,
        "design": diff.design.iter().map(|f| json!({"field": f.field, "old": f.old, "new": f.new})).collect::<Vec<_>>(),
        "containers": diff.containers.iter().map(element).collect::<Vec<_>>(),
        "components": diff.components.iter().map(element).collect::<Vec<_>>(),
        "connections": diff.connections.iter().map(element).collect::<Vec<_>>(),
        "notes": diff.notes.iter().map(element).collect::<Vec<_>>(),
        "findings_introduced": diff.introduced.iter().map(finding).collect::<Vec<_>>(),
        "findings_resolved": diff.resolved.iter().map(finding).collect::<Vec<_>>(),
        "triage": diff.triage.iter().map(|t| json!({"fingerprint": t.fingerprint, "old": decision(&t.old), "new": decision(&t.new)})).collect::<Vec<_>>(),
        "score": {"old": diff.score.0, "new": diff.score.1},
        "coverage": diff.coverage.iter().map(|c| json!({"se": c.code, "title": c.title, "old": {"applicable": c.old.0, "passing": c.old.1}, "new": {"applicable": c.new.0, "passing": c.new.1}})).collect::<Vec<_>>(),
    });
    super::json::write_pretty(out, &doc)
}
