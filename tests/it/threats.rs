//! The threat view from outside: threats per template (snapshots), `palisade threats`, the
//! ATT&CK Navigator layer, reports, and threat decisions in the file format.

use std::process::ExitCode;

use palisade::export::{ExportOptions, Format, export};
use palisade::model::{Design, Edit, ThreatDecision, ThreatStatus};
use palisade::review::triage::review;
use palisade::{persistence, rules, threats};

use crate::cli::{palisade, temp_file};
use crate::{catalog, template};

/// One line per threat: id, status, element and what answers it or keeps it open.
fn summary(design: &Design) -> String {
    let findings = rules::evaluate(design, catalog());
    let reviewed = review(design, &findings, "2026-12-02");
    let model = threats::analyse(design, catalog(), &reviewed);
    let mut text = String::new();
    for t in &model.threats {
        let why = match &t.verdict {
            threats::Verdict::Mitigated(evidence) => evidence
                .iter()
                .map(|e| e.text.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            threats::Verdict::Open(related) => related
                .iter()
                .map(|r| r.fingerprint.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        };
        text.push_str(&format!(
            "{} {} | {} | {why}\n",
            t.fingerprint,
            t.status().as_str(),
            t.title
        ));
    }
    let covered = model
        .attack
        .iter()
        .filter(|c| !c.technique.is_subtechnique() && c.is_covered())
        .count();
    text.push_str(&format!("ATT&CK techniques covered: {covered}\n"));
    text
}

#[test]
fn threats_of_every_template() {
    for t in palisade::templates::builtin() {
        insta::assert_snapshot!(
            format!("threats_{}", t.id.replace('-', "_")),
            summary(&template(t.id))
        );
    }
}

#[test]
fn the_weak_demo_has_open_threats_on_every_internet_facing_flow_and_hardening_closes_them() {
    let weak = template("before-hardening");
    let findings = rules::evaluate(&weak, catalog());
    let reviewed = review(&weak, &findings, "2026-12-02");
    let model = threats::analyse(&weak, catalog(), &reviewed);
    let internet_flows: Vec<_> = model
        .threats
        .iter()
        .filter(|t| t.def.id == "THR-001")
        .collect();
    assert!(!internet_flows.is_empty());
    for t in &internet_flows {
        assert!(t.status().is_open(), "{}", t.fingerprint);
        assert!(
            matches!(&t.verdict, threats::Verdict::Open(r) if !r.is_empty()),
            "{}: no related finding",
            t.fingerprint
        );
    }
    // The hardened baselines hold far more of the controls.
    let hub = template("hub-spoke-azure-firewall");
    let findings = rules::evaluate(&hub, catalog());
    let reviewed = review(&hub, &findings, "2026-12-02");
    let hub_model = threats::analyse(&hub, catalog(), &reviewed);
    let share = |m: &threats::ThreatModel| {
        m.count(threats::Status::Mitigated) as f64 / m.threats.len().max(1) as f64
    };
    assert!(
        share(&hub_model) > share(&model),
        "{} vs {}",
        share(&hub_model),
        share(&model)
    );
    let covered = |m: &threats::ThreatModel| m.attack.iter().filter(|c| c.is_covered()).count();
    assert!(covered(&hub_model) > covered(&model) + 50);
}

#[test]
fn the_attack_layer_is_a_navigator_layer() {
    let design = template("hub-spoke-azure-firewall");
    let findings = rules::evaluate(&design, catalog());
    let mut out = Vec::new();
    export(
        Format::AttackLayer,
        &design,
        catalog(),
        &findings,
        &ExportOptions::default(),
        &mut out,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let layer: serde_json::Value = serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(layer["versions"]["layer"], "4.5");
    assert_eq!(layer["domain"], "enterprise-attack");
    assert!(
        layer["name"].as_str().is_some_and(|n| n.contains("Hub")),
        "{}",
        layer["name"]
    );
    let techniques = layer["techniques"]
        .as_array()
        .unwrap_or_else(|| panic!("no techniques"));
    assert!(techniques.len() > 50, "{}", techniques.len());
    for t in techniques {
        let id = t["techniqueID"].as_str().unwrap_or_default();
        assert!(id.starts_with('T') && id.len() >= 5, "{id}");
        let score = t["score"].as_u64().unwrap_or(0);
        assert!([25, 50, 100].contains(&score), "{id}: {score}");
    }
    let gradient = &layer["gradient"];
    assert!(gradient["colors"].as_array().is_some_and(|c| c.len() >= 2));
    assert!(gradient["maxValue"].as_u64() > gradient["minValue"].as_u64());
}

#[test]
fn palisade_threats_lists_threats_and_fails_on_open_ones_when_asked() {
    let path = temp_file(
        "threats-weak.ron",
        palisade::templates::find("before-hardening").map_or("", |t| t.text),
    );
    let file = path.to_str().unwrap_or_default();
    let (code, out, err) = palisade(&["threats", file]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(out.contains("THR-001 open [Tampering]"), "{out}");
    assert!(out.contains("ATT&CK:"), "{out}");
    let (code, _, _) = palisade(&["threats", file, "--fail-on-open"]);
    assert_eq!(code, ExitCode::from(1));
    let (_, json, _) = palisade(&["threats", file, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["schema"], "palisade-threats/1");
    assert!(doc["threats"].as_array().is_some_and(|t| {
        t.iter()
            .all(|t| t["fingerprint"].as_str().is_some_and(|f| f.contains('@')))
    }));
    let (_, markdown, _) = palisade(&["threats", file, "--format", "markdown"]);
    assert!(
        markdown.contains("## Threats") && markdown.contains("## ATT&CK coverage"),
        "{markdown}"
    );
    // An ARM template is imported first, as for `check`.
    let (code, out, err) = palisade(&["threats", "tests/fixtures/arm/azure-bastion.json"]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(
        out.contains("THR-031") || out.contains(" threats: "),
        "{out}"
    );
    let (code, _, err) = palisade(&["threats", "/nonexistent/design.ron"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("nonexistent"), "{err}");
}

#[test]
fn reports_carry_the_threat_list_and_coverage() {
    let design = template("before-hardening");
    let findings = rules::evaluate(&design, catalog());
    for format in [Format::Html, Format::Md] {
        let mut out = Vec::new();
        export(
            format,
            &design,
            catalog(),
            &findings,
            &ExportOptions::default(),
            &mut out,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains("Threats</h2>") || text.contains("## Threats"),
            "{format:?}"
        );
        assert!(text.contains("THR-001"), "{format:?}");
        assert!(
            text.contains("ATT&amp;CK coverage") || text.contains("## ATT&CK coverage"),
            "{format:?}"
        );
    }
}

#[test]
fn threat_decisions_are_saved_and_older_files_still_load() {
    let mut design = template("before-hardening");
    Edit::SetThreatDecision {
        fingerprint: "THR-013@kv".to_owned(),
        decision: Some(ThreatDecision {
            status: ThreatStatus::Mitigated,
            note: "Keys are backed up to a second vault".to_owned(),
        }),
    }
    .apply(&mut design)
    .unwrap_or_else(|e| panic!("{e}"));
    let text = persistence::to_string(&design, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.contains("format_version: 4"), "{text}");
    assert!(
        text.contains("threats: {") && text.contains("status: mitigated"),
        "{text}"
    );
    let again = persistence::load_str(&text, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.meta.threats, design.meta.threats);
    // A version 2 file (no threat decisions) reads as it is.
    let plain = persistence::to_string(&template("before-hardening"), catalog())
        .unwrap_or_else(|e| panic!("{e}"));
    let v2 = plain.replace("format_version: 4", "format_version: 2");
    assert_ne!(v2, plain);
    let old = persistence::load_str(&v2, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert!(old.meta.threats.is_empty());
}
