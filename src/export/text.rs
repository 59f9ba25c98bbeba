//! Compiler-style text output for `palisade check`.

use std::fmt::Write as _;
use std::path::Path;

use crate::model::{Design, Severity};
use crate::rules::{Findings, score};

/// One block per finding, then a summary line.
pub fn findings(file: &Path, design: &Design, findings: &Findings) -> String {
    let mut out = String::new();
    for f in &findings.items {
        let _ = writeln!(out, "{}[{}]: {}", f.severity.as_str(), f.rule.id, f.message);
        let _ = writeln!(
            out,
            "  --> {} @ {}",
            file.display(),
            super::json::subject_name(design, &f.subject)
        );
        let _ = writeln!(
            out,
            "   = {} | MCSB {} | {}",
            f.rule.se.join(", "),
            f.rule.mcsb.join(", "),
            f.rule.stride.as_str()
        );
        let _ = writeln!(out, "   = help: {}", f.rule.remediation);
        let _ = writeln!(out, "   = see: {}", f.rule.learn);
        out.push('\n');
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
    let _ = writeln!(
        out,
        "{}: {summary}; score {}/100",
        file.display(),
        score::score(findings).value
    );
    out
}
