//! SARIF 2.1.0 for code-scanning uploads (`palisade check --format sarif`).
//!
//! Results are written as they are serialised (see [`super::json::write_pretty`]): a large
//! design's log is never held in memory as a tree.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::{Value as Json, json};

use crate::model::{Design, Severity};
use crate::review::triage::{State, review};
use crate::rules::{Finding, Findings, registry};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub orders code-scanning alerts by this 0.0–10.0 score.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// The rule descriptors: few and small, so built as JSON values.
fn rules() -> Vec<Json> {
    registry::all()
        .iter()
        .map(|r| {
            let m = &r.meta;
            json!({
                "id": m.id,
                "name": m.name,
                "shortDescription": { "text": m.title },
                "fullDescription": { "text": m.checks },
                "help": { "text": format!("{}\n\n{}", m.rationale, m.remediation), "markdown": format!("{}\n\n**Fix:** {}\n\n[Learn more]({})", m.rationale, m.remediation, m.learn) },
                "helpUri": m.learn,
                "defaultConfiguration": { "level": level(m.severity) },
                "properties": {
                    "tags": (["security"].into_iter().chain(m.se.iter().copied()).chain(m.mcsb.iter().copied()).collect::<Vec<_>>()),
                    "security-severity": security_severity(m.severity),
                    "severity-reason": m.severity_reason,
                    "precision": "high",
                },
            })
        })
        .collect()
}

/// Writes one SARIF log with a run holding the findings of every checked design. A finding
/// with a decision in force (as of `today`) carries it as a suppression, so code scanning shows
/// it as dismissed, with the justification.
pub fn write(
    out: &mut dyn Write,
    designs: &[(&Path, &Design, &Findings)],
    today: &str,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Log<'a> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        runs: [Run<'a>; 1],
        version: &'static str,
    }
    #[derive(Serialize)]
    struct Run<'a> {
        invocations: [Json; 1],
        results: Results<'a>,
        tool: Json,
    }
    // Rules a design switches off or re-grades, as SARIF's configuration overrides, with the
    // reason: code scanning and CI logs show them.
    let overrides: Vec<Json> = designs
        .iter()
        .flat_map(|&(file, design, _)| {
            let uri = file.to_string_lossy().replace('\\', "/");
            super::report::switches(design)
                .into_iter()
                .map(move |(rule, s)| {
                    json!({
                        "descriptor": { "id": rule, "index": rule_index(rule) },
                        "configuration": {
                            "enabled": s.enabled,
                            "level": s.severity.map_or("none", level),
                            "properties": { "reason": s.reason, "design": uri, "severity": s.severity.map(Severity::as_str) },
                        },
                    })
                })
        })
        .collect();
    let invocation =
        json!({ "executionSuccessful": true, "ruleConfigurationOverrides": overrides });
    let tool = json!({ "driver": {
        "name": "Palisade",
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": "https://learn.microsoft.com/azure/well-architected/security/checklist",
        "rules": rules(),
    }});
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            invocations: [invocation],
            results: Results { designs, today },
            tool,
        }],
        version: "2.1.0",
    };
    super::json::write_pretty(out, &log)
}

/// Every design's findings as SARIF results, serialised one at a time.
struct Results<'a> {
    designs: &'a [(&'a Path, &'a Design, &'a Findings)],
    today: &'a str,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.designs.iter().flat_map(|&(file, design, findings)| {
            let uri = file.to_string_lossy().replace('\\', "/");
            let reviewed = review(design, findings, self.today);
            (0..findings.items.len())
                .map(move |i| result(&uri, design, &findings.items[i], reviewed.states[i]))
        }))
    }
}

/// The registry's position of a rule, which SARIF results refer to.
fn rule_index(id: &str) -> usize {
    registry::all()
        .iter()
        .position(|r| r.meta.id == id)
        .unwrap_or(0)
}

fn result(uri: &str, design: &Design, f: &Finding, state: State<'_>) -> Json {
    let mut result = json!({
        "ruleId": f.rule.id,
        "ruleIndex": rule_index(f.rule.id),
        "level": level(f.severity),
        "message": { "text": format!("{} ({})", f.message, f.rule.remediation) },
        "locations": [{
            "physicalLocation": { "artifactLocation": { "uri": uri }, "region": { "startLine": 1 } },
            "logicalLocations": [{ "name": super::json::subject_name(design, &f.subject), "fullyQualifiedName": f.subject.key(), "kind": super::json::subject_type(&f.subject) }],
        }],
        "partialFingerprints": { "palisadeFinding/v1": f.fingerprint() },
        "properties": { "severity": f.severity.as_str() },
    });
    if state.decision().is_some() {
        result["properties"]["triage"] = json!(state.as_str());
    }
    if let Some(source) = super::json::subject_source(design, &f.subject) {
        result["properties"]["source"] = json!(source);
    }
    if let State::Triaged(t) = state {
        // Decisions live in the design file that was analysed: in source, and accepted.
        result["suppressions"] = json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": format!("{}: {}", t.status.label(), t.justification.trim()),
            "properties": {
                "status": t.status.as_str(),
                "by": t.by,
                "date": t.date,
                "expires": t.expires,
            },
        }]);
    }
    result
}
