//! Triage: decisions per finding that survive edits, expire, go stale, and reach CI and SARIF.

use std::path::Path;
use std::process::ExitCode;

use palisade::model::{Design, Edit, Rect, Severity, Triage, TriageStatus};
use palisade::persistence;
use palisade::review::triage::{State, review};
use palisade::rules::{self, Subject};

use crate::catalog;
use crate::cli::palisade;

fn weak_design() -> Design {
    palisade::templates::find("before-hardening")
        .unwrap_or_else(|| panic!("no demo template"))
        .load(catalog())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn decision(status: TriageStatus, why: &str, expires: Option<&str>) -> Triage {
    Triage {
        status,
        justification: why.to_owned(),
        by: "Dana Reviewer".to_owned(),
        date: "2026-12-01".to_owned(),
        expires: expires.map(str::to_owned),
    }
}

fn triage(design: &mut Design, fingerprint: &str, triage: Triage) {
    Edit::SetTriage {
        fingerprint: fingerprint.to_owned(),
        triage: Some(triage),
    }
    .apply(design)
    .unwrap_or_else(|e| panic!("{e}"));
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap_or_else(|| panic!("path is not UTF-8"))
}

/// The demo's findings at or above high, on nodes (so moving and renaming them matters).
fn high_node_findings(design: &Design) -> Vec<(String, String)> {
    rules::evaluate(design, catalog())
        .items
        .iter()
        .filter(|f| f.severity <= Severity::High)
        .filter_map(|f| match &f.subject {
            Subject::Node(id) => Some((f.fingerprint(), id.to_string())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_reviewer_triages_findings_and_ci_passes_only_when_every_high_one_is_decided() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("weak.ron");
    let mut design = weak_design();
    let high = high_node_findings(&design);
    assert!(high.len() >= 3, "{high:?}");
    triage(
        &mut design,
        &high[0].0,
        decision(
            TriageStatus::AcceptedRisk,
            "Internal pilot only",
            Some("2027-01-31"),
        ),
    );
    triage(
        &mut design,
        &high[1].0,
        decision(
            TriageStatus::AcceptedRisk,
            "Replaced in Q1",
            Some("2027-03-31"),
        ),
    );
    triage(
        &mut design,
        &high[2].0,
        decision(
            TriageStatus::FalsePositive,
            "Traffic is TLS end to end",
            None,
        ),
    );
    persistence::save_path(&design, catalog(), &path).unwrap_or_else(|e| panic!("{e}"));

    // Three decided; the rest of the high findings still fail the check.
    let today = ["--date", "2026-12-02"];
    let (code, out, err) = palisade(&[&["check", arg(&path)][..], &today].concat());
    assert_eq!(code, ExitCode::from(1), "{err}");
    assert!(
        out.contains("3 triaged (--show-triaged lists them)"),
        "{out}"
    );
    for (fingerprint, _) in &high[..3] {
        let rule = fingerprint.split('@').next().unwrap_or_default();
        let listed = out
            .lines()
            .filter(|l| l.contains(&format!("[{rule}]")))
            .count();
        let same_rule = high
            .iter()
            .filter(|(f, _)| f.starts_with(&format!("{rule}@")))
            .count();
        let decided = high[..3]
            .iter()
            .filter(|(f, _)| f.starts_with(&format!("{rule}@")))
            .count();
        assert_eq!(listed, same_rule - decided, "{rule}:\n{out}");
    }
    let (_, shown, _) = palisade(&[&["check", "--show-triaged", arg(&path)][..], &today].concat());
    assert!(shown.contains("= triaged: accepted risk by Dana Reviewer on 2026-12-01, until 2027-01-31: Internal pilot only"), "{shown}");

    // SARIF: the three as suppressed, with their justifications.
    let (_, sarif, _) =
        palisade(&[&["check", "--format", "sarif", arg(&path)][..], &today].concat());
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap_or_else(|e| panic!("{e}"));
    let suppressed: Vec<&serde_json::Value> = log["runs"][0]["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter(|r| r.get("suppressions").is_some())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(suppressed.len(), 3);
    let justifications: Vec<&str> = suppressed
        .iter()
        .filter_map(|r| r["suppressions"][0]["justification"].as_str())
        .collect();
    assert!(
        justifications.contains(&"False positive: Traffic is TLS end to end"),
        "{justifications:?}"
    );
    assert!(
        suppressed
            .iter()
            .all(|r| r["suppressions"][0]["kind"] == "inSource")
    );

    // Triage every high finding (on connections too): the check passes at --fail-on high.
    let rest: Vec<String> = rules::evaluate(&design, catalog())
        .items
        .iter()
        .filter(|f| f.severity <= Severity::High)
        .map(|f| f.fingerprint())
        .filter(|f| !design.meta.triage.contains_key(f))
        .collect();
    for fingerprint in &rest {
        triage(
            &mut design,
            fingerprint,
            decision(
                TriageStatus::MitigatedElsewhere,
                "Azure Policy denies it",
                None,
            ),
        );
    }
    persistence::save_path(&design, catalog(), &path).unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) =
        palisade(&[&["check", "--fail-on", "high", arg(&path)][..], &today].concat());
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
    let (code, _, _) =
        palisade(&[&["check", "--fail-on", "medium", arg(&path)][..], &today].concat());
    assert_eq!(code, ExitCode::from(1), "medium findings are still open");

    // Moved and renamed, the decisions still apply.
    let ids: Vec<_> = design.nodes().map(|n| (n.id.clone(), n.rect)).collect();
    for (id, rect) in ids {
        let moved = Rect::new(rect.x + 40.0, rect.y + 30.0, rect.w, rect.h);
        Edit::SetRect {
            node: id.clone(),
            rect: moved,
        }
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
        Edit::Rename {
            node: id,
            name: "Renamed".to_owned(),
        }
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
    }
    persistence::save_path(&design, catalog(), &path).unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = palisade(&[&["check", arg(&path)][..], &today].concat());
    assert_eq!(code, ExitCode::SUCCESS, "{err}");

    // After the first expiry date, that finding is open again and says so.
    let (code, out, _) = palisade(&["check", arg(&path), "--date", "2027-02-01"]);
    assert_eq!(code, ExitCode::from(1));
    assert!(
        out.contains("= open again, the decision expired: accepted risk"),
        "{out}"
    );
    assert_eq!(out.matches("the decision expired").count(), 1, "{out}");
}

#[test]
fn a_decision_whose_finding_is_gone_is_reported_as_stale() {
    let mut design = weak_design();
    triage(
        &mut design,
        "NET-001@no-such-node",
        decision(TriageStatus::FalsePositive, "Old", None),
    );
    let findings = rules::evaluate(&design, catalog());
    let reviewed = review(&design, &findings, "2026-12-02");
    assert_eq!(
        reviewed.stale.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
        ["NET-001@no-such-node"]
    );
    assert!(reviewed.states.iter().all(|s| *s == State::Open));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("stale.ron");
    persistence::save_path(&design, catalog(), &path).unwrap_or_else(|e| panic!("{e}"));
    let (_, _, err) = palisade(&["check", arg(&path)]);
    assert!(
        err.contains("warning: the decision on `NET-001@no-such-node` matches no finding"),
        "{err}"
    );
    let (_, json, _) = palisade(&["check", "--format", "json", arg(&path)]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc["designs"][0]["stale_triage"][0]["fingerprint"],
        "NET-001@no-such-node"
    );
}

#[test]
fn decisions_round_trip_and_version_1_files_migrate() {
    let mut design = weak_design();
    let high = high_node_findings(&design);
    triage(
        &mut design,
        &high[0].0,
        decision(
            TriageStatus::AcceptedRisk,
            "Until the migration",
            Some("2027-01-31"),
        ),
    );
    let text = persistence::to_string(&design, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.contains("format_version: 4"), "{text}");
    assert!(text.contains("status: accepted_risk"), "{text}");
    let back = persistence::load_str(&text, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.meta.triage, design.meta.triage);

    // The templates are version 1 files: they load, and save as the current version with nothing lost.
    let v1 = include_str!("../../templates/hub-spoke-azure-firewall.ron");
    assert!(v1.contains("format_version: 1"));
    let old = persistence::load_str(v1, catalog()).unwrap_or_else(|e| panic!("{e}"));
    let saved = persistence::to_string(&old, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert!(saved.contains("format_version: 4"));
    let again = persistence::load_str(&saved, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, old);
}

#[test]
fn malformed_decisions_are_rejected_in_plain_words() {
    let design = weak_design();
    let text = persistence::to_string(&design, catalog()).unwrap_or_else(|e| panic!("{e}"));
    let broken = text.replacen(
        "meta: (",
        "meta: (\n        triage: { \"NET-001@web\": (status: accepted_risk, justification: \" \", date: \"2026-13-01\") },",
        1,
    );
    match persistence::load_str(&broken, catalog()) {
        Err(error) => {
            let message = error.to_string();
            assert!(message.contains("needs a justification"), "{message}");
            assert!(message.contains("`2026-13-01` is not a date"), "{message}");
        }
        Ok(_) => panic!("loaded"),
    }
    let unknown_status = text.replacen(
        "meta: (",
        "meta: (\n        triage: { \"NET-001@web\": (status: ignored, justification: \"x\", date: \"2026-12-01\") },",
        1,
    );
    assert!(persistence::load_str(&unknown_status, catalog()).is_err());
}

#[test]
fn a_decision_is_undone_like_every_edit() {
    let mut design = weak_design();
    let before = design.clone();
    let inverse = Edit::SetTriage {
        fingerprint: "NET-001@web".to_owned(),
        triage: Some(decision(TriageStatus::FalsePositive, "x", None)),
    }
    .apply(&mut design)
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(design.meta.triage.len(), 1);
    inverse.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(design, before);
}

#[test]
fn triaged_findings_leave_the_badge_count_and_a_fully_triaged_card_shows_a_check() {
    let mut design = weak_design();
    let findings = rules::evaluate(&design, catalog());
    let Some(node) = findings.items.iter().find_map(|f| match &f.subject {
        Subject::Node(id) => Some(id.clone()),
        _ => None,
    }) else {
        panic!("no node finding")
    };
    let on_node: Vec<String> = findings
        .items
        .iter()
        .filter(|f| f.subject == Subject::Node(node.clone()))
        .map(|f| f.fingerprint())
        .collect();
    for fingerprint in &on_node {
        triage(
            &mut design,
            fingerprint,
            decision(TriageStatus::AcceptedRisk, "ok", None),
        );
    }
    let reviewed = review(&design, &findings, "2026-12-02");
    let scene = palisade::scene::build(&design, catalog(), Some(&reviewed));
    let badge = scene
        .cards
        .iter()
        .map(|c| (&c.id, c.badge))
        .chain(scene.containers.iter().map(|c| (&c.id, c.badge)))
        .find(|(id, _)| **id == node)
        .and_then(|(_, badge)| badge)
        .unwrap_or_else(|| panic!("no badge"));
    assert!(badge.all_triaged());
    assert_eq!(badge.triaged, on_node.len());
}

// ---- design diff ------------------------------------------------------------------------------

use palisade::review::diff::{Change, diff};

#[test]
fn a_design_compared_with_itself_has_no_differences() {
    for template in palisade::templates::builtin() {
        let design = template.load(catalog()).unwrap_or_else(|e| panic!("{e}"));
        let same = diff(&design, &design.clone(), catalog(), "2026-12-02");
        assert!(same.is_empty(), "{}: {same:#?}", template.id);
        assert_eq!(same.score.0, same.score.1);
    }
}

#[test]
fn the_diff_of_an_edited_copy_names_every_change_and_the_findings_it_moved() {
    let old = weak_design();
    let mut new = old.clone();
    let id = |text: &str| palisade::model::NodeId::new(text).unwrap_or_else(|e| panic!("{e}"));
    let edits = vec![
        Edit::SetProperty {
            node: id("sql"),
            property: "allow_azure_services".to_owned(),
            value: Some(palisade::model::Value::Bool(false)),
        },
        Edit::Rename {
            node: id("kv"),
            name: "Secrets vault".to_owned(),
        },
        Edit::SetRect {
            node: id("app"),
            rect: Rect::new(1.0, 2.0, 170.0, 56.0),
        },
    ];
    Edit::Batch(edits)
        .apply(&mut new)
        .unwrap_or_else(|e| panic!("{e}"));
    let removed = new
        .connections()
        .next()
        .map(|c| c.id.clone())
        .unwrap_or_else(|| panic!("no connection"));
    Edit::Disconnect(removed.clone())
        .apply(&mut new)
        .unwrap_or_else(|e| panic!("{e}"));

    let changes = diff(&old, &new, catalog(), "2026-12-02");
    let changed: Vec<(&str, Change)> = changes
        .components
        .iter()
        .map(|e| (e.id.as_str(), e.change))
        .collect();
    // Moving a card changes no risk: `app` is not listed.
    assert_eq!(changed, [("kv", Change::Changed), ("sql", Change::Changed)]);
    let sql = &changes.components[1];
    assert_eq!(sql.fields.len(), 1);
    assert_eq!(
        (
            sql.fields[0].field.as_str(),
            sql.fields[0].old.as_str(),
            sql.fields[0].new.as_str()
        ),
        ("Allow Azure services", "on", "off")
    );
    assert_eq!(changes.connections.len(), 1);
    assert_eq!(changes.connections[0].id, removed.as_str());
    assert_eq!(changes.connections[0].change, Change::Removed);
    // The findings that moved are exactly those whose fingerprints appear on one side only.
    let prints = |d: &Design| -> std::collections::BTreeSet<String> {
        rules::evaluate(d, catalog())
            .items
            .iter()
            .map(|f| f.fingerprint())
            .collect()
    };
    let (before, after) = (prints(&old), prints(&new));
    let resolved: Vec<&str> = changes
        .resolved
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let expected: Vec<&str> = before.difference(&after).map(String::as_str).collect();
    assert!(!resolved.is_empty());
    let mut sorted = resolved.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    let introduced: Vec<&str> = changes
        .introduced
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(introduced.len(), after.difference(&before).count());
}

#[test]
fn palisade_diff_prints_text_markdown_and_json_and_reads_standard_input() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let old = weak_design();
    let mut new = old.clone();
    let id = |text: &str| palisade::model::NodeId::new(text).unwrap_or_else(|e| panic!("{e}"));
    Edit::Rename {
        node: id("sql"),
        name: "Orders | <b>DB</b>".to_owned(),
    }
    .apply(&mut new)
    .unwrap_or_else(|e| panic!("{e}"));
    Edit::SetProperty {
        node: id("kv"),
        property: "purge_protection".to_owned(),
        value: Some(palisade::model::Value::Bool(true)),
    }
    .apply(&mut new)
    .unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (dir.path().join("old.ron"), dir.path().join("new.ron"));
    persistence::save_path(&old, catalog(), &a).unwrap_or_else(|e| panic!("{e}"));
    persistence::save_path(&new, catalog(), &b).unwrap_or_else(|e| panic!("{e}"));

    let (code, text, err) = palisade(&["diff", arg(&a), arg(&b)]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(
        text.contains("changed component `Orders | <b>DB</b>`"),
        "{text}"
    );
    assert!(
        text.contains("    name: SQL Database → Orders | <b>DB</b>"),
        "{text}"
    );
    assert!(text.contains("finding resolved: high[KV-002]"), "{text}");

    let (_, markdown, _) = palisade(&["diff", "--format", "markdown", arg(&a), arg(&b)]);
    assert!(
        markdown.starts_with("## Palisade design review"),
        "{markdown}"
    );
    assert!(
        markdown.contains("Orders \\| &lt;b&gt;DB&lt;/b&gt;"),
        "{markdown}"
    );
    assert!(markdown.contains("### Findings resolved"), "{markdown}");

    let (_, json, _) = palisade(&["diff", "--format", "json", arg(&a), arg(&b)]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["schema"], "palisade-diff/1");
    assert_eq!(doc["findings_resolved"][0]["rule"], "KV-002");

    // Reversed, the fix is a regression: --fail-on-new fails on it.
    let (code, _, _) = palisade(&["diff", "--fail-on-new", "high", arg(&b), arg(&a)]);
    assert_eq!(code, ExitCode::from(1));
    let (code, _, _) = palisade(&["diff", "--fail-on-new", "critical", arg(&b), arg(&a)]);
    assert_eq!(code, ExitCode::SUCCESS);

    // `git show main:design.ron | palisade diff - design.ron`
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["diff", "-", arg(&b)])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let old_text = std::fs::read(&a).unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write as _;
        stdin.write_all(&old_text).unwrap_or_else(|e| panic!("{e}"));
    }
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let piped = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(piped.contains("finding resolved: high[KV-002]"), "{piped}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Renaming some nodes and removing some connections: the diff names exactly those.
    #[test]
    fn the_diff_names_exactly_the_elements_edited(
        renamed in proptest::collection::btree_set(0usize..40, 0..6),
        removed in proptest::collection::btree_set(0usize..40, 0..4),
    ) {
        let old = palisade::templates::find("hub-spoke-azure-firewall")
            .unwrap_or_else(|| panic!("no template"))
            .load(catalog())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut new = old.clone();
        let nodes: Vec<_> = old.nodes().map(|n| n.id.clone()).collect();
        let connections: Vec<_> = old.connections().map(|c| c.id.clone()).collect();
        let mut expected_nodes = std::collections::BTreeSet::new();
        for i in renamed.iter().filter(|&&i| i < nodes.len()) {
            Edit::Rename { node: nodes[*i].clone(), name: format!("renamed {i}") }
                .apply(&mut new)
                .unwrap_or_else(|e| panic!("{e}"));
            expected_nodes.insert(nodes[*i].to_string());
        }
        let mut expected_connections = std::collections::BTreeSet::new();
        for i in removed.iter().filter(|&&i| i < connections.len()) {
            Edit::Disconnect(connections[*i].clone())
                .apply(&mut new)
                .unwrap_or_else(|e| panic!("{e}"));
            expected_connections.insert(connections[*i].to_string());
        }
        let changes = diff(&old, &new, catalog(), "2026-12-02");
        let named: std::collections::BTreeSet<String> = changes
            .containers
            .iter()
            .chain(&changes.components)
            .map(|e| e.id.clone())
            .collect();
        proptest::prop_assert_eq!(named, expected_nodes);
        let gone: std::collections::BTreeSet<String> =
            changes.connections.iter().map(|e| e.id.clone()).collect();
        proptest::prop_assert_eq!(gone, expected_connections);
        proptest::prop_assert!(changes.connections.iter().all(|e| e.change == Change::Removed));
    }
}

#[test]
fn findings_on_connections_get_a_badge_on_the_connection() {
    let design = weak_design();
    let findings = rules::evaluate(&design, catalog());
    let reviewed = review(&design, &findings, "2026-12-02");
    let scene = palisade::scene::build(&design, catalog(), Some(&reviewed));
    let on_connections = findings
        .items
        .iter()
        .filter(|f| matches!(f.subject, Subject::Connection(_)))
        .count();
    assert!(on_connections > 0, "the demo has findings on connections");
    let badged: usize = scene
        .edges
        .iter()
        .filter_map(|e| e.badge)
        .map(|b| b.count)
        .sum();
    assert_eq!(badged, on_connections);
}

// ---- no silent switches -----------------------------------------------------------------------

#[test]
fn switched_off_rules_need_a_reason_and_every_report_lists_them() {
    let text = persistence::to_string(&weak_design(), catalog()).unwrap_or_else(|e| panic!("{e}"));
    let with =
        |settings: &str| text.replacen("meta: (", &format!("meta: (\n        {settings}"), 1);

    let silent = with("rule_settings: { \"NET-001\": (enabled: false) },");
    let message = persistence::load_str(&silent, catalog())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("`NET-001`: a rule switched off or given another severity needs a reason"),
        "{message}"
    );
    let line = silent
        .lines()
        .position(|l| l.contains("\"NET-001\":"))
        .map_or(0, |i| i + 1);
    assert!(
        message.starts_with(&format!("{line}: ")),
        "points at line {line}: {message}"
    );

    let unknown = with("rule_settings: { \"NET-999\": (enabled: false, reason: \"x\") },");
    let message = persistence::load_str(&unknown, catalog())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("`NET-999`: no rule has this id"),
        "{message}"
    );
    let attestation = with("attestations: { \"ATT-404\": (confirmed: true) },");
    let message = persistence::load_str(&attestation, catalog())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("`ATT-404`: no attestation has this key"),
        "{message}"
    );

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("switched.ron");
    let reasoned = with(
        "rule_settings: { \"NET-001\": (enabled: false, reason: \"Fronted by the hub WAF\"), \"KV-002\": (severity: Some(low), reason: \"Test vaults\") },",
    );
    std::fs::write(&path, reasoned).unwrap_or_else(|e| panic!("{e}"));
    let (_, out, err) = palisade(&["check", arg(&path)]);
    assert!(
        out.contains("note: rule NET-001 is disabled in this design: Fronted by the hub WAF"),
        "{out}{err}"
    );
    assert!(
        out.contains("note: rule KV-002 is severity low in this design: Test vaults"),
        "{out}"
    );
    let (_, json, _) = palisade(&["check", "--format", "json", arg(&path)]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let listed = &doc["designs"][0]["rule_settings"];
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    let (_, sarif, _) = palisade(&["check", "--format", "sarif", arg(&path)]);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap_or_else(|e| panic!("{e}"));
    let overrides = &log["runs"][0]["invocations"][0]["ruleConfigurationOverrides"];
    let disabled = overrides
        .as_array()
        .and_then(|o| o.iter().find(|o| o["descriptor"]["id"] == "NET-001"))
        .unwrap_or_else(|| panic!("{overrides}"));
    assert_eq!(disabled["configuration"]["enabled"], false);
    assert_eq!(
        disabled["configuration"]["properties"]["reason"],
        "Fronted by the hub WAF"
    );
}

#[test]
fn the_diff_names_notes_added_rewritten_and_repointed_but_not_moved() {
    use palisade::model::{NodeId, Note, NoteId};
    let note = |id: &str, text: &str, x: f32, anchor: Option<&str>| Note {
        id: NoteId::new(id).unwrap_or_else(|e| panic!("{e}")),
        text: text.to_owned(),
        rect: Rect::new(x, 600.0, 200.0, 60.0),
        anchor: anchor.map(|a| NodeId::new(a).unwrap_or_else(|e| panic!("{e}"))),
    };
    let mut old = weak_design();
    Edit::Batch(vec![
        Edit::AddNote(note("moved", "Same text", 0.0, None)),
        Edit::AddNote(note("edited", "TLS ends at the gateway", 300.0, None)),
    ])
    .apply(&mut old)
    .unwrap_or_else(|e| panic!("{e}"));
    let mut new = old.clone();
    let id = |text: &str| NoteId::new(text).unwrap_or_else(|e| panic!("{e}"));
    Edit::Batch(vec![
        Edit::SetNoteRect {
            note: id("moved"),
            rect: Rect::new(50.0, 650.0, 200.0, 60.0),
        },
        Edit::SetNoteText {
            note: id("edited"),
            text: "TLS ends at the app".to_owned(),
        },
        Edit::SetNoteAnchor {
            note: id("edited"),
            anchor: Some(NodeId::new("kv").unwrap_or_else(|e| panic!("{e}"))),
        },
        Edit::AddNote(note(
            "new",
            "Ask about | <b>backups</b>\nsecond line",
            600.0,
            None,
        )),
    ])
    .apply(&mut new)
    .unwrap_or_else(|e| panic!("{e}"));
    let diff = palisade::review::diff::diff(&old, &new, catalog(), "2026-12-03");
    let listed: Vec<(&str, &str, usize)> = diff
        .notes
        .iter()
        .map(|n| (n.id.as_str(), n.kind.as_str(), n.fields.len()))
        .collect();
    assert_eq!(listed, [("edited", "Callout", 2), ("new", "Note", 0)]);
    assert_eq!(diff.notes[1].name, "Ask about | <b>backups</b>");
    let fields: Vec<(&str, &str)> = diff.notes[0]
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.new.as_str()))
        .collect();
    assert_eq!(
        fields,
        [("text", "TLS ends at the app"), ("points at", "Key Vault")]
    );
    let mut out = Vec::new();
    palisade::export::diff::markdown(&mut out, "old.ron", "new.ron", &diff)
        .unwrap_or_else(|e| panic!("{e}"));
    let markdown = String::from_utf8(out).unwrap_or_else(|e| panic!("{e}"));
    assert!(markdown.contains("| Callout |"), "{markdown}");
    assert!(!markdown.contains("<b>"), "escaped: {markdown}");
}
