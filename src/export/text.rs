//! Compiler-style text output for `palisade check`. Everything a design supplies (names,
//! messages, decisions, the file's path) is made inert: a design cannot act on the reviewer's
//! terminal.

use std::io::{self, Write};
use std::path::Path;

use crate::model::text::inert;
use crate::model::{Design, Severity, Triage};
use crate::review::triage::{Reviewed, State};
use crate::rules::{Finding, score};

/// One block per open finding (and per triaged one with `show_triaged`), then a summary line.
pub fn findings(
    file: &Path,
    design: &Design,
    reviewed: &Reviewed<'_>,
    show_triaged: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let shown_file = file.display().to_string();
    let shown_file = inert(&shown_file);
    // Switches first: a CI log shows what the design turned off before what it found.
    for (rule, setting) in super::report::switches(design) {
        writeln!(
            out,
            "{shown_file}: note: rule {} is {} in this design: {}",
            inert(rule),
            super::report::switch_text(setting),
            inert(setting.reason.trim())
        )?;
    }
    for (f, state) in reviewed.iter() {
        if state.is_open() || show_triaged {
            finding(out, &shown_file, design, f, state)?;
        }
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|s| (s, reviewed.open().filter(|f| f.severity == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    let mut summary = if counts.is_empty() {
        "no open findings".to_owned()
    } else {
        format!("{} open", counts.join(", "))
    };
    let triaged = reviewed.triaged_count();
    if triaged > 0 {
        summary.push_str(&format!("; {triaged} triaged"));
        if !show_triaged {
            summary.push_str(" (--show-triaged lists them)");
        }
    }
    writeln!(
        out,
        "{shown_file}: {summary}; score {}/100",
        score::score(reviewed.findings).value
    )
}

fn finding(
    out: &mut dyn Write,
    shown_file: &str,
    design: &Design,
    f: &Finding,
    state: State<'_>,
) -> io::Result<()> {
    writeln!(
        out,
        "{}[{}]: {}",
        f.severity.as_str(),
        f.rule.id,
        inert(&f.message)
    )?;
    writeln!(
        out,
        "  --> {shown_file} @ {}",
        inert(&super::json::subject_name(design, &f.subject))
    )?;
    if let Some(source) = super::json::subject_source(design, &f.subject) {
        writeln!(out, "   = {}", inert(source))?;
    }
    match state {
        State::Open => {}
        State::Triaged(t) => writeln!(out, "   = triaged: {}", decision(t))?,
        State::Expired(t) => writeln!(
            out,
            "   = open again, the decision expired: {}",
            decision(t)
        )?,
    }
    writeln!(
        out,
        "   = {} | MCSB {} | {}",
        f.rule.se.join(", "),
        f.rule.mcsb.join(", "),
        f.rule.stride.as_str()
    )?;
    writeln!(out, "   = help: {}", f.rule.remediation)?;
    writeln!(out, "   = see: {}", f.rule.learn)?;
    writeln!(out)
}

/// `accepted risk by Dana on 2026-12-02, until 2027-03-31: the reason`.
pub fn decision(t: &Triage) -> String {
    let mut text = t.status.label().to_lowercase();
    if !t.by.trim().is_empty() {
        text.push_str(&format!(" by {}", inert(t.by.trim())));
    }
    text.push_str(&format!(" on {}", inert(&t.date)));
    if let Some(expires) = &t.expires {
        text.push_str(&format!(", until {}", inert(expires)));
    }
    text.push_str(&format!(": {}", inert(t.justification.trim())));
    text
}
