//! One CSV row per finding, for spreadsheets and trackers (RFC 4180, CRLF line ends).
//!
//! Every cell goes through [`escape::csv`]: quoted where needed, and a cell that a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is prefixed with `'`.

use super::escape;
use super::json::{subject_name, subject_type};
use super::sink::Sink;
use crate::model::Design;
use crate::model::Triage;
use crate::review::triage::review;
use crate::rules::Findings;

/// The header row's column names, in order.
pub const COLUMNS: [&str; 19] = [
    "severity",
    "rule",
    "title",
    "subject_type",
    "subject_id",
    "subject",
    "message",
    "se",
    "mcsb",
    "stride",
    "rationale",
    "remediation",
    "learn",
    "fingerprint",
    "triage_status",
    "triage_justification",
    "triage_by",
    "triage_date",
    "triage_expires",
];

/// Writes the findings as CSV text with a header row.
/// `triage_status` is `open`, `expired` or the decision's status as of `today`.
pub fn findings(
    design: &Design,
    findings: &Findings,
    today: &str,
    writer: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = Sink::new(writer);
    push_row(&mut out, COLUMNS.iter().map(|c| (*c).to_owned()));
    let reviewed = review(design, findings, today);
    for (f, state) in reviewed.iter() {
        let decision = state.decision();
        let field = |read: fn(&Triage) -> String| decision.map(read).unwrap_or_default();
        push_row(
            &mut out,
            [
                f.severity.as_str().to_owned(),
                f.rule.id.to_owned(),
                f.rule.title.to_owned(),
                subject_type(&f.subject).to_owned(),
                f.subject.key().to_owned(),
                subject_name(design, &f.subject),
                f.message.to_string(),
                f.rule.se.join(" "),
                f.rule.mcsb.join(" "),
                f.rule.stride.as_str().to_owned(),
                f.rule.rationale.to_owned(),
                f.rule.remediation.to_owned(),
                f.rule.learn.to_owned(),
                f.fingerprint(),
                state.as_str().to_owned(),
                field(|t| t.justification.clone()),
                field(|t| t.by.clone()),
                field(|t| t.date.clone()),
                field(|t| t.expires.clone().unwrap_or_default()),
            ],
        );
    }
    out.finish()
}

fn push_row(out: &mut Sink<'_>, cells: impl IntoIterator<Item = String>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&escape::csv(&cell));
    }
    out.push_str("\r\n");
}
