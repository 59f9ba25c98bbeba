//! The rules reference (`docs/rules.md`, `palisade rules`), generated from rule metadata.

use std::fmt::Write as _;

use serde_json::{Value as Json, json};

use crate::rules::{registry, score::SE_ITEMS};

/// The rule catalog as Markdown; `docs/rules.md` is this text, and a test keeps it in step.
pub fn markdown() -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Palisade rules\n");
    let _ = writeln!(
        out,
        "Generated from the rule metadata by `palisade rules --format markdown`; do not edit by hand.\n"
    );
    let _ = writeln!(
        out,
        "{} rules. Severity: critical = a direct exposure or compromise path; high = a missing primary control; medium = defence in depth; low = hygiene; info = a process item to confirm.\n",
        registry::all().len()
    );
    let _ = writeln!(
        out,
        "| Id | Title | Severity | SE | MCSB |\n|---|---|---|---|---|"
    );
    for rule in registry::all() {
        let m = &rule.meta;
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} | {} | {} |",
            m.id,
            m.id.to_lowercase(),
            m.title,
            m.severity.as_str(),
            m.se.join(", "),
            m.mcsb.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "\n## Coverage of the Well-Architected security checklist\n"
    );
    let _ = writeln!(out, "| Item | Title | Rules |\n|---|---|---|");
    for (code, title) in SE_ITEMS {
        let ids: Vec<&str> = registry::all()
            .iter()
            .filter(|r| r.meta.se.contains(&code))
            .map(|r| r.meta.id)
            .collect();
        let _ = writeln!(out, "| {code} | {title} | {} |", ids.join(", "));
    }
    for rule in registry::all() {
        let m = &rule.meta;
        let _ = writeln!(out, "\n## {}\n", m.id);
        let _ = writeln!(out, "**{}** (`{}`)\n", m.title, m.name);
        let _ = writeln!(
            out,
            "- Severity: {}; kind: {}; STRIDE: {}",
            m.severity.as_str(),
            m.kind.as_str(),
            m.stride.as_str()
        );
        let _ = writeln!(
            out,
            "- Well-Architected: {}; MCSB v1: {}",
            m.se.join(", "),
            m.mcsb.join(", ")
        );
        if !m.psrule.is_empty() {
            let _ = writeln!(out, "- PSRule for Azure: {}", m.psrule.join(", "));
        }
        let _ = writeln!(out, "\n**Checks.** {}\n", m.checks);
        let _ = writeln!(out, "**Why this severity.** {}\n", m.severity_reason);
        let _ = writeln!(out, "**Why it matters.** {}\n", m.rationale);
        let _ = writeln!(out, "**Fix.** {}\n", m.remediation);
        let _ = writeln!(out, "**False positives.** {}\n", m.false_positives);
        let _ = writeln!(out, "Learn more: <{}>", m.learn);
    }
    out
}

/// The rule catalog as JSON.
pub fn json() -> Json {
    Json::Array(
        registry::all()
            .iter()
            .map(|r| {
                let m = &r.meta;
                json!({
                    "id": m.id, "name": m.name, "title": m.title, "severity": m.severity.as_str(),
                    "severity_reason": m.severity_reason, "kind": m.kind.as_str(), "se": m.se, "mcsb": m.mcsb, "stride": m.stride.as_str(),
                    "scope": m.scope, "checks": m.checks, "rationale": m.rationale,
                    "remediation": m.remediation, "false_positives": m.false_positives,
                    "learn": m.learn, "psrule": m.psrule,
                })
            })
            .collect(),
    )
}
