//! The JSON findings report (`palisade check --format json`, File → Export → JSON).
//!
//! Schema `palisade-findings/1`: `{ schema, designs: [ { file, name, score, coverage: [...],
//! counts: {critical, high, medium, low, info}, findings: [ { fingerprint, rule, title,
//! severity, se, mcsb, stride, subject: {type, id, name}, related, message, remediation,
//! learn } ] } ] }`. Fields are only ever added within a schema version.

use std::path::Path;

use serde_json::{Value as Json, json};

use crate::model::{Design, Severity, Value};
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

/// The name of a finding's subject, as users know it.
pub fn subject_name(design: &Design, subject: &Subject) -> String {
    match subject {
        Subject::Design => design.meta.name.clone(),
        Subject::Node(id) => design
            .node(id)
            .map_or_else(|| id.to_string(), |n| n.name.clone()),
        Subject::Connection(id) => design.connection(id).map_or_else(
            || id.to_string(),
            |c| {
                let name = |n: &crate::model::NodeId| {
                    design
                        .node(n)
                        .map_or_else(|| n.to_string(), |n| n.name.clone())
                };
                format!("{} → {}", name(&c.from), name(&c.to))
            },
        ),
    }
}

pub fn subject_type(subject: &Subject) -> &'static str {
    match subject {
        Subject::Design => "design",
        Subject::Node(_) => "node",
        Subject::Connection(_) => "connection",
    }
}

fn finding(design: &Design, f: &Finding) -> Json {
    json!({
        "fingerprint": f.fingerprint(),
        "rule": f.rule.id,
        "name": f.rule.name,
        "title": f.rule.title,
        "severity": f.severity.as_str(),
        "se": f.rule.se,
        "mcsb": f.rule.mcsb,
        "stride": f.rule.stride.as_str(),
        "subject": { "type": subject_type(&f.subject), "id": f.subject.key(), "name": subject_name(design, &f.subject) },
        "related": f.related.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "message": f.message,
        "remediation": f.rule.remediation,
        "learn": f.rule.learn,
    })
}

/// One design's report object.
pub fn report(file: &Path, design: &Design, findings: &Findings) -> Json {
    let score = score::score(findings);
    let counts: serde_json::Map<String, Json> = Severity::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), json!(findings.count(*s))))
        .collect();
    json!({
        "file": file.display().to_string(),
        "name": design.meta.name,
        "score": score.value,
        "coverage": score.coverage.iter().map(|c| json!({"se": c.code, "title": c.title, "applicable": c.applicable, "passing": c.passing})).collect::<Vec<_>>(),
        "counts": counts,
        "findings": findings.items.iter().map(|f| finding(design, f)).collect::<Vec<_>>(),
    })
}
