//! The JSON findings report (`palisade check --format json`, File → Export → JSON).
//!
//! Schema `palisade-findings/1`: `{ schema, designs: [ { file, name, score, coverage: [...],
//! counts: {critical, high, medium, low, info}, findings: [ { fingerprint, rule, title,
//! severity, se, mcsb, stride, subject: {type, id, name, source?}, related, message, remediation,
//! learn, triage? } ], rule_settings?, stale_triage?, triaged? } ] }`; `triage` is `{ status, justification, by,
//! date, expires?, state }` where a decision exists. Fields are only ever added within a schema
//! version; keys are written in
//! alphabetical order (structs below declare their fields so).
//!
//! Reports are written as they are serialised, never built as a tree first: a design of
//! 100,000 components has some 200,000 findings.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::ser::{Formatter, PrettyFormatter};
use serde_json::{Value as Json, json};

use crate::model::text::Clipped;
use crate::model::{Design, Severity, Triage, Value};
use crate::review::triage::{Reviewed, State, review};
use crate::rules::context::LABEL_LIMIT;
use crate::rules::{Finding, Findings, Subject, score};

/// Identifies the document layout; bumped on any breaking change.
pub const SCHEMA: &str = "palisade-findings/1";

/// A property value as plain JSON.
pub fn value(value: &Value) -> Json {
    match value {
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Text(t) => json!(t),
        Value::List(l) => json!(l),
    }
}

/// The name of a finding's subject, as users know it, cut at [`LABEL_LIMIT`] characters:
/// reports repeat it for every finding, so a huge name must not be copied thousands of times.
pub fn subject_name(design: &Design, subject: &Subject) -> String {
    let clip = |text: &str| Clipped::new(text, LABEL_LIMIT).to_string();
    match subject {
        Subject::Design => clip(&design.meta.name),
        Subject::Node(id) => design
            .node(id)
            .map_or_else(|| id.to_string(), |n| clip(&n.name)),
        Subject::Connection(id) => design.connection(id).map_or_else(
            || id.to_string(),
            |c| {
                let name = |n: &crate::model::NodeId| {
                    design
                        .node(n)
                        .map_or_else(|| n.to_string(), |n| clip(&n.name))
                };
                format!("{} → {}", name(&c.from), name(&c.to))
            },
        ),
    }
}

/// Where an imported subject came from (template and resource), if it was imported.
pub fn subject_source<'a>(design: &'a Design, subject: &Subject) -> Option<&'a str> {
    match subject {
        Subject::Node(id) => design
            .node(id)
            .and_then(|n| crate::import::arm::provenance(&n.notes)),
        _ => None,
    }
}

pub fn subject_type(subject: &Subject) -> &'static str {
    match subject {
        Subject::Design => "design",
        Subject::Node(_) => "node",
        Subject::Connection(_) => "connection",
    }
}

/// Writes a value as pretty JSON through [`InertFormatter`], then a line break.
pub fn write_pretty(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut *out, InertFormatter(PrettyFormatter::new()));
    value.serialize(&mut serializer).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// The whole `palisade-findings/1` document for the designs given, with decisions judged as of
/// `today`.
pub fn write_document(
    out: &mut dyn Write,
    designs: &[(&Path, &Design, &Findings)],
    today: &str,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Document<'a> {
        designs: Vec<Report<'a>>,
        schema: &'static str,
    }
    let designs = designs
        .iter()
        .map(|&(file, design, findings)| Report {
            file,
            design,
            reviewed: review(design, findings, today),
        })
        .collect();
    write_pretty(
        out,
        &Document {
            designs,
            schema: SCHEMA,
        },
    )
}

/// One design's report object.
struct Report<'a> {
    file: &'a Path,
    design: &'a Design,
    reviewed: Reviewed<'a>,
}

impl Serialize for Report<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Coverage<'a> {
            applicable: usize,
            passing: usize,
            se: &'a str,
            title: &'a str,
        }
        let findings = self.reviewed.findings;
        let score = score::score(findings);
        let counts: std::collections::BTreeMap<&str, usize> = Severity::ALL
            .iter()
            .map(|s| (s.as_str(), findings.count(*s)))
            .collect();
        let coverage: Vec<Coverage<'_>> = score
            .coverage
            .iter()
            .map(|c| Coverage {
                applicable: c.applicable,
                passing: c.passing,
                se: c.code,
                title: c.title,
            })
            .collect();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("counts", &counts)?;
        map.serialize_entry("coverage", &coverage)?;
        map.serialize_entry("file", &self.file.display().to_string())?;
        map.serialize_entry(
            "findings",
            &Items {
                design: self.design,
                reviewed: &self.reviewed,
            },
        )?;
        map.serialize_entry("name", &self.design.meta.name)?;
        // The review notes on the diagram, for tools that collect a review's remarks.
        let notes: Vec<Json> = self
            .design
            .notes()
            .filter(|n| !n.text.trim().is_empty())
            .map(|n| {
                json!({"id": n.id.as_str(), "points_at": n.anchor.as_ref().map(|a| a.as_str()), "text": n.text})
            })
            .collect();
        if !notes.is_empty() {
            map.serialize_entry("notes", &notes)?;
        }
        let switches = super::report::switches(self.design);
        if !switches.is_empty() {
            let listed: Vec<Json> = switches
                .iter()
                .map(|(rule, s)| {
                    json!({"rule": rule, "enabled": s.enabled, "severity": s.severity.map(Severity::as_str), "reason": s.reason})
                })
                .collect();
            map.serialize_entry("rule_settings", &listed)?;
        }
        map.serialize_entry("score", &score.value)?;
        // Decisions that match no finding, so they can be removed.
        if !self.reviewed.stale.is_empty() {
            let stale: Vec<StaleJson<'_>> = self
                .reviewed
                .stale
                .iter()
                .map(|&(fingerprint, triage)| StaleJson {
                    decision: TriageJson::new(triage, "stale"),
                    fingerprint,
                })
                .collect();
            map.serialize_entry("stale_triage", &stale)?;
        }
        let triaged = self.reviewed.triaged_count();
        if triaged > 0 {
            map.serialize_entry("triaged", &triaged)?;
        }
        map.end()
    }
}

/// The findings, serialised one at a time.
struct Items<'a> {
    design: &'a Design,
    reviewed: &'a Reviewed<'a>,
}

impl Serialize for Items<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.reviewed
                .iter()
                .map(|(f, state)| FindingJson::new(self.design, f, state)),
        )
    }
}

/// A decision as reports carry it; `state` is `in_force`, `expired` or `stale`.
#[derive(Serialize)]
pub struct TriageJson<'a> {
    by: &'a str,
    date: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<&'a str>,
    justification: &'a str,
    state: &'static str,
    status: &'static str,
}

impl<'a> TriageJson<'a> {
    pub fn new(t: &'a Triage, state: &'static str) -> Self {
        Self {
            by: &t.by,
            date: &t.date,
            expires: t.expires.as_deref(),
            justification: &t.justification,
            state,
            status: t.status.as_str(),
        }
    }

    /// The decision behind a finding's state, if it has one.
    pub fn of(state: State<'a>) -> Option<Self> {
        match state {
            State::Open => None,
            State::Triaged(t) => Some(Self::new(t, "in_force")),
            State::Expired(t) => Some(Self::new(t, "expired")),
        }
    }
}

#[derive(Serialize)]
struct StaleJson<'a> {
    #[serde(flatten)]
    decision: TriageJson<'a>,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    fingerprint: String,
    learn: &'static str,
    mcsb: &'static [&'static str],
    message: &'a str,
    name: &'static str,
    related: Vec<&'a str>,
    remediation: &'static str,
    rule: &'static str,
    se: &'static [&'static str],
    severity: &'static str,
    stride: &'static str,
    subject: SubjectJson<'a>,
    title: &'static str,
    /// Present when the finding has a decision (in force or expired).
    #[serde(skip_serializing_if = "Option::is_none")]
    triage: Option<TriageJson<'a>>,
}

#[derive(Serialize)]
struct SubjectJson<'a> {
    id: &'a str,
    name: String,
    /// The template resource an imported subject came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'static str,
}

impl<'a> FindingJson<'a> {
    fn new(design: &'a Design, f: &'a Finding, state: State<'a>) -> Self {
        Self {
            fingerprint: f.fingerprint(),
            learn: f.rule.learn,
            mcsb: f.rule.mcsb,
            message: &f.message,
            name: f.rule.name,
            related: f.related.iter().map(|id| id.as_str()).collect(),
            remediation: f.rule.remediation,
            rule: f.rule.id,
            se: f.rule.se,
            severity: f.severity.as_str(),
            stride: f.rule.stride.as_str(),
            subject: SubjectJson {
                id: f.subject.key(),
                name: subject_name(design, &f.subject),
                source: subject_source(design, &f.subject),
                kind: subject_type(&f.subject),
            },
            title: f.rule.title,
            triage: TriageJson::of(state),
        }
    }
}

/// Pretty JSON in which the characters that can act on a terminal or reorder text (DEL, C1
/// controls, bidi overrides and isolates; serde_json already escapes C0) are written as `\uXXXX`
/// escapes. They can only occur inside strings, so the document stays the same JSON.
pub struct InertFormatter(pub PrettyFormatter<'static>);

impl Formatter for InertFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut clean = 0;
        for (i, c) in fragment.char_indices() {
            if crate::model::text::is_control(c) {
                writer.write_all(&fragment.as_bytes()[clean..i])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                clean = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[clean..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_in_strings_are_escaped_and_the_json_is_unchanged() {
        let text = "a\u{1b}[2J\u{9b}31m\u{202e}b\u{7f}";
        let mut out = Vec::new();
        write_pretty(&mut out, &json!({ "name": text })).expect("write");
        let written = String::from_utf8(out).expect("utf-8");
        assert!(
            !written
                .chars()
                .any(|c| crate::model::text::is_control(c) && c != '\n'),
            "{written}"
        );
        let back: Json = serde_json::from_str(&written).expect("still JSON");
        assert_eq!(back["name"], text);
    }
}
