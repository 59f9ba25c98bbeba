//! Compiler-style text output for `palisade check`. Everything a design supplies (names,
//! messages, the file's path) is made inert: a design cannot act on the reviewer's terminal.

use std::io::{self, Write};
use std::path::Path;

use crate::model::Design;
use crate::model::Severity;
use crate::model::text::inert;
use crate::rules::{Findings, score};

/// One block per finding, then a summary line.
pub fn findings(
    file: &Path,
    design: &Design,
    findings: &Findings,
    out: &mut dyn Write,
) -> io::Result<()> {
    let shown_file = file.display().to_string();
    let shown_file = inert(&shown_file);
    for f in &findings.items {
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
        writeln!(
            out,
            "   = {} | MCSB {} | {}",
            f.rule.se.join(", "),
            f.rule.mcsb.join(", "),
            f.rule.stride.as_str()
        )?;
        writeln!(out, "   = help: {}", f.rule.remediation)?;
        writeln!(out, "   = see: {}", f.rule.learn)?;
        writeln!(out)?;
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter(|s| findings.count(**s) > 0)
        .map(|s| format!("{} {}", findings.count(*s), s.as_str()))
        .collect();
    let summary = if counts.is_empty() {
        "no findings".to_owned()
    } else {
        counts.join(", ")
    };
    writeln!(
        out,
        "{shown_file}: {summary}; score {}/100",
        score::score(findings).value
    )
}
