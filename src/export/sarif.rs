//! SARIF 2.1.0 for code-scanning uploads (`palisade check --format sarif`).

use std::path::Path;

use serde_json::{Value as Json, json};

use crate::model::{Design, Severity};
use crate::rules::{Findings, registry};

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

/// One SARIF log with a run holding the findings of every checked design.
pub fn sarif(designs: &[(&Path, &Design, &Findings)]) -> String {
    let rules: Vec<Json> = registry::all()
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
                    "precision": "high",
                },
            })
        })
        .collect();
    let index_of = |id: &str| {
        registry::all()
            .iter()
            .position(|r| r.meta.id == id)
            .unwrap_or(0)
    };
    let mut results = Vec::new();
    for (file, design, findings) in designs {
        let uri = file.to_string_lossy().replace('\\', "/");
        for f in &findings.items {
            results.push(json!({
                "ruleId": f.rule.id,
                "ruleIndex": index_of(f.rule.id),
                "level": level(f.severity),
                "message": { "text": format!("{} ({})", f.message, f.rule.remediation) },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": uri }, "region": { "startLine": 1 } },
                    "logicalLocations": [{ "name": super::json::subject_name(design, &f.subject), "fullyQualifiedName": f.subject.key(), "kind": super::json::subject_type(&f.subject) }],
                }],
                "partialFingerprints": { "palisadeFinding/v1": f.fingerprint() },
                "properties": { "severity": f.severity.as_str() },
            }));
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "Palisade",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://learn.microsoft.com/azure/well-architected/security/checklist",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}
