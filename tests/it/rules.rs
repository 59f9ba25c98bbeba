//! The rule engine as a whole: it never panics and stays deterministic on any design, its
//! fingerprints are stable, its findings on the templates are pinned by snapshots, it copes with
//! large cyclic designs, rule settings and the score behave, and the rules reference and the
//! machine-readable outputs stay in step.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use palisade::model::{
    Attestation, Connection, ConnectionId, Design, Edit, Node, NodeId, PropertyDef, PropertyType,
    Rect, RuleSetting, Severity, Value, generate,
};
use palisade::rules::{self, Findings, Subject, registry, score};
use palisade::{persistence, templates};
use proptest::prelude::*;

use crate::cli::{palisade, temp_file};
use crate::{catalog, template};

// ---- random designs --------------------------------------------------------------------------

/// A small deterministic generator (SplitMix64), so a failing case reproduces from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// A value that the property's type accepts: any choice, the ends of a range, free text.
fn random_value(rng: &mut Rng, def: &PropertyDef) -> Value {
    match &def.ty {
        PropertyType::Bool => Value::Bool(rng.chance(2)),
        PropertyType::Enum(choices) => Value::Text(choices[rng.below(choices.len())].clone()),
        PropertyType::Int { min, max } => Value::Int(match rng.below(4) {
            0 => *min,
            1 => *max,
            _ => min.saturating_add((rng.next() % (max.abs_diff(*min) + 1)) as i64),
        }),
        PropertyType::Text => {
            Value::Text(["", " ", "x", "Production", "ops@example.com"][rng.below(5)].to_owned())
        }
        PropertyType::List => Value::List(
            (0..rng.below(4))
                .map(|_| ["EntraID", "WAF", "keyvault", "", "x"][rng.below(5)].to_owned())
                .collect(),
        ),
    }
}

/// A valid design of random kinds (containers included, placed where their kind allows),
/// random properties, and random connections of every kind between random nodes the kind may
/// join, cycles and parallel connections included.
fn random_design(seed: u64, nodes: usize, connections: usize) -> Design {
    let catalog = catalog();
    let mut rng = Rng(seed);
    let mut design = Design::new("random");
    let kinds = catalog.kinds();
    let mut placed: Vec<(NodeId, String)> = Vec::new();
    for i in 0..nodes {
        let kind = &kinds[rng.below(kinds.len())];
        let containers: Vec<&NodeId> = placed
            .iter()
            .filter(|(_, k)| catalog.may_contain(Some(k), kind))
            .map(|(id, _)| id)
            .collect();
        let top = catalog.may_contain(None, kind);
        let parent = if !containers.is_empty() && (!top || rng.chance(2)) {
            Some(containers[rng.below(containers.len())].clone())
        } else if top {
            None
        } else {
            continue;
        };
        let id = NodeId::new(format!("n{i}")).unwrap_or_else(|e| panic!("{e}"));
        let mut properties = BTreeMap::new();
        for def in catalog.node_properties(kind) {
            if rng.chance(3) {
                properties.insert(def.id.as_str().into(), random_value(&mut rng, def));
            }
        }
        let name = if rng.chance(5) {
            String::new()
        } else {
            format!("{} {i}", kind.name)
        };
        let node = Node {
            id: id.clone(),
            kind: kind.id.as_str().into(),
            name,
            rect: Rect::new(i as f32 * 10.0, 0.0, 100.0, 50.0),
            parent,
            properties,
            notes: String::new(),
        };
        Edit::AddNode(node)
            .apply(&mut design)
            .unwrap_or_else(|e| panic!("{e}"));
        placed.push((id, kind.id.clone()));
    }
    let connection_kinds = catalog.connection_kinds();
    for j in 0..connections {
        if placed.len() < 2 {
            break;
        }
        let from = rng.below(placed.len());
        let to = (from + 1 + rng.below(placed.len() - 1)) % placed.len();
        let kind = &connection_kinds[rng.below(connection_kinds.len())];
        let end = |i: usize| catalog.kind(&placed[i].1).unwrap_or_else(|| panic!("kind"));
        // Any kind drawn, kept only where the catalog lets it join these two ends.
        let kind = if catalog.may_join(kind, end(from), end(to)) {
            kind
        } else {
            match catalog.default_connection_kind(end(from), end(to)) {
                Some(fitting) => fitting,
                None => continue,
            }
        };
        let mut properties = BTreeMap::new();
        for def in &kind.properties {
            if rng.chance(2) {
                properties.insert(def.id.as_str().into(), random_value(&mut rng, def));
            }
        }
        let connection = Connection {
            id: ConnectionId::new(format!("c{j}")).unwrap_or_else(|e| panic!("{e}")),
            kind: kind.id.as_str().into(),
            from: placed[from].0.clone(),
            to: placed[to].0.clone(),
            label: String::new(),
            properties,
            route: Default::default(),
        };
        Edit::Connect(connection)
            .apply(&mut design)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    design
}

/// The invariants every evaluation keeps.
fn check_invariants(design: &Design, findings: &Findings) -> Result<(), String> {
    let mut fingerprints = BTreeSet::new();
    for finding in &findings.items {
        let exists = match &finding.subject {
            Subject::Design => true,
            Subject::Node(id) => design.contains_node(id),
            Subject::Connection(id) => design.connection(id).is_some(),
        };
        if !exists {
            return Err(format!("{}: subject does not exist", finding.fingerprint()));
        }
        if let Some(missing) = finding.related.iter().find(|id| !design.contains_node(id)) {
            return Err(format!(
                "{}: related {missing} missing",
                finding.fingerprint()
            ));
        }
        if finding.fingerprint() != format!("{}@{}", finding.rule.id, finding.subject.key()) {
            return Err(format!("{}: fingerprint shape", finding.fingerprint()));
        }
        if !fingerprints.insert(finding.fingerprint()) {
            return Err(format!("{}: fingerprint repeated", finding.fingerprint()));
        }
        if finding.message.trim().is_empty() {
            return Err(format!("{}: empty message", finding.fingerprint()));
        }
        // A rule may grade a finding below the severity it ran at, never above.
        match findings.applies(finding.rule.id) {
            None => return Err(format!("{}: rule not applicable", finding.fingerprint())),
            Some(ran_at) if finding.severity < ran_at => {
                return Err(format!("{}: graded above its rule", finding.fingerprint()));
            }
            Some(_) => {}
        }
    }
    let key = |f: &rules::Finding| (f.severity, f.rule.id, f.subject.clone(), f.message.clone());
    if let Some(pair) = findings.items.windows(2).find(|w| key(&w[0]) > key(&w[1])) {
        return Err(format!(
            "not sorted: {} before {}",
            pair[0].fingerprint(),
            pair[1].fingerprint()
        ));
    }
    if !findings.applicable.is_sorted() {
        return Err("applicable rules not sorted".to_owned());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn evaluation_never_panics_and_keeps_its_invariants(
        seed in any::<u64>(),
        nodes in 0usize..70,
        density in 0usize..4,
    ) {
        let design = random_design(seed, nodes, nodes * density);
        prop_assert!(palisade::model::validate::problems(&design, catalog()).is_empty());
        let findings = rules::evaluate(&design, catalog());
        if let Err(problem) = check_invariants(&design, &findings) {
            return Err(TestCaseError::fail(problem));
        }
        prop_assert_eq!(&findings, &rules::evaluate(&design, catalog()));
        let score = score::score(&findings);
        prop_assert!(score.value <= 100);
    }
}

// ---- fingerprints --------------------------------------------------------------------------

fn fingerprints(findings: &Findings) -> BTreeSet<String> {
    findings.items.iter().map(|f| f.fingerprint()).collect()
}

#[test]
fn fingerprints_survive_moves_renames_and_a_save_load_round_trip() {
    for id in ["before-hardening", "baseline-zone-redundant-web-app"] {
        let mut design = template(id);
        let before = rules::evaluate(&design, catalog());
        assert!(!before.items.is_empty(), "{id}");

        let ids: Vec<NodeId> = design.nodes().map(|n| n.id.clone()).collect();
        Edit::move_nodes(&design, &ids, 240.0, -80.0)
            .apply(&mut design)
            .unwrap_or_else(|e| panic!("{e}"));
        let renames = ids
            .iter()
            .map(|node| Edit::Rename {
                node: node.clone(),
                name: format!("Renamed {node}"),
            })
            .collect();
        Edit::Batch(renames)
            .apply(&mut design)
            .unwrap_or_else(|e| panic!("{e}"));
        let edited = rules::evaluate(&design, catalog());
        assert_eq!(fingerprints(&before), fingerprints(&edited), "{id}");
        assert!(
            edited.items.iter().any(|f| f.message.contains("Renamed ")),
            "{id}: messages name the new names"
        );

        let text = persistence::to_string(&design, catalog()).unwrap_or_else(|e| panic!("{e}"));
        let loaded = persistence::load_str(&text, catalog()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rules::evaluate(&loaded, catalog()), edited, "{id}");
    }
}

#[test]
fn fingerprints_of_random_designs_survive_a_save_load_round_trip() {
    for seed in 0..24 {
        let design = random_design(seed, 40, 80);
        let text = persistence::to_string(&design, catalog()).unwrap_or_else(|e| panic!("{e}"));
        let loaded = persistence::load_str(&text, catalog()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            rules::evaluate(&design, catalog()),
            rules::evaluate(&loaded, catalog()),
            "seed {seed}"
        );
    }
}

// ---- snapshots ------------------------------------------------------------------------------

/// One line per finding: severity, fingerprint, message.
fn findings_text(design: &Design) -> String {
    rules::evaluate(design, catalog())
        .items
        .iter()
        .map(|f| {
            format!(
                "{:<8} {:<28} {}",
                f.severity.as_str(),
                f.fingerprint(),
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn findings_of_the_demo_template() {
    insta::assert_snapshot!(findings_text(&template("before-hardening")));
}

#[test]
fn findings_of_the_zone_redundant_web_app_baseline() {
    insta::assert_snapshot!(findings_text(&template("baseline-zone-redundant-web-app")));
}

#[test]
fn findings_of_the_ilb_ase_baseline() {
    insta::assert_snapshot!(findings_text(&template(
        "securely-managed-web-apps-ilb-ase"
    )));
}

/// Pins every finding on generated designs by rule: a restructured engine must find the same.
#[test]
fn findings_on_generated_designs_by_rule() {
    let mut text = String::new();
    for size in [10, 250] {
        let findings = rules::evaluate(&generate::design(size), catalog());
        let mut by_rule: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
        for finding in &findings.items {
            // A digest of the findings' text, so any change in a message shows.
            let entry = by_rule.entry(finding.rule.id).or_default();
            entry.0 += 1;
            for byte in format!(
                "{}{}{:?}",
                finding.fingerprint(),
                finding.message,
                finding.related
            )
            .bytes()
            {
                entry.1 = entry.1.rotate_left(5) ^ u64::from(byte);
                entry.1 = entry.1.wrapping_mul(0x0000_0100_0000_01B3);
            }
        }
        text.push_str(&format!("{size} components:\n"));
        for (rule, (count, digest)) in by_rule {
            text.push_str(&format!("  {rule:<9} {count:>5} {digest:016x}\n"));
        }
    }
    insta::assert_snapshot!(text);
}

// ---- large designs ----------------------------------------------------------------------------

/// The label → node map of a design whose labels are unique.
fn by_label(design: &Design) -> BTreeMap<&str, &Node> {
    design.nodes().map(|n| (n.name.as_str(), n)).collect()
}

#[test]
fn a_large_densely_linked_design_evaluates_and_paths_are_real() {
    let mut design = generate::design(10_000);
    // Dense cross-links between random components, in both directions: many cycles.
    let components: Vec<NodeId> = design
        .nodes()
        .filter(|n| catalog().kind(&n.kind).is_some_and(|k| !k.container))
        .map(|n| n.id.clone())
        .collect();
    let mut rng = Rng(7);
    let mut links = Vec::new();
    for i in 0..8_000 {
        let from = components[rng.below(components.len())].clone();
        let to = components[rng.below(components.len())].clone();
        if from == to {
            continue;
        }
        let protocol = ["HTTPS", "TCP", "SQL"][rng.below(3)];
        links.push(Edit::Connect(Connection {
            id: ConnectionId::new(format!("x{i}")).unwrap_or_else(|e| panic!("{e}")),
            kind: "traffic".into(),
            from: from.clone(),
            to: to.clone(),
            label: String::new(),
            properties: [("protocol".into(), Value::Text(protocol.to_owned()))].into(),
            route: Default::default(),
        }));
        if rng.chance(3) {
            links.push(Edit::Connect(Connection {
                id: ConnectionId::new(format!("y{i}")).unwrap_or_else(|e| panic!("{e}")),
                kind: "traffic".into(),
                from: to,
                to: from,
                label: String::new(),
                properties: BTreeMap::new(),
                route: Default::default(),
            }));
        }
    }
    Edit::Batch(links)
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));

    let findings = rules::evaluate(&design, catalog());
    check_invariants(&design, &findings).unwrap_or_else(|e| panic!("{e}"));

    // Every path a path rule names is a chain of data flows drawn in the design, ending at the
    // subject, and its nodes are the finding's related nodes.
    let labels = by_label(&design);
    let flows: BTreeSet<(&NodeId, &NodeId)> = design
        .connections()
        .filter(|c| matches!(c.kind.as_str(), "traffic" | "private_link" | "hybrid_link"))
        .map(|c| (&c.from, &c.to))
        .collect();
    let mut checked = 0;
    for finding in &findings.items {
        if !matches!(finding.rule.id, "NET-001" | "NET-002" | "EDGE-006") {
            continue;
        }
        let Some((_, path)) = finding.message.split_once(": along ") else {
            continue;
        };
        let names: Vec<&str> = path
            .split(" → ")
            .filter(|label| *label != "internet")
            .collect();
        let nodes: Vec<&Node> = names
            .iter()
            .map(|label| {
                *labels
                    .get(label)
                    .unwrap_or_else(|| panic!("{}: no node `{label}`", finding.fingerprint()))
            })
            .collect();
        for pair in nodes.windows(2) {
            assert!(
                flows.contains(&(&pair[0].id, &pair[1].id)),
                "{}: no flow {} → {}",
                finding.fingerprint(),
                pair[0].id,
                pair[1].id
            );
        }
        let last = nodes.last().unwrap_or_else(|| panic!("empty path"));
        assert_eq!(Subject::Node(last.id.clone()), finding.subject);
        let on_path: BTreeSet<&NodeId> = nodes[..nodes.len() - 1].iter().map(|n| &n.id).collect();
        let related: BTreeSet<&NodeId> = finding.related.iter().collect();
        assert!(on_path.is_subset(&related), "{}", finding.fingerprint());
        checked += 1;
    }
    assert!(checked > 1_000, "only {checked} paths checked");
}

// ---- rule settings and score --------------------------------------------------------------------

fn set_rule(design: &mut Design, rule: &str, enabled: bool, severity: Option<Severity>) {
    design.meta.rule_settings.insert(
        rule.to_owned(),
        RuleSetting {
            enabled,
            severity,
            reason: "test".to_owned(),
        },
    );
}

#[test]
fn a_disabled_rule_raises_nothing_and_stops_counting_in_the_score() {
    let mut design = template("before-hardening");
    let before = rules::evaluate(&design, catalog());
    assert!(before.items.iter().any(|f| f.rule.id == "NET-001"));
    assert!(before.applies("NET-001").is_some());
    let score_before = score::score(&before);

    set_rule(&mut design, "NET-001", false, None);
    let after = rules::evaluate(&design, catalog());
    assert!(after.items.iter().all(|f| f.rule.id != "NET-001"));
    assert!(after.applies("NET-001").is_none());
    let others = |f: &Findings| -> Vec<String> {
        f.items
            .iter()
            .filter(|f| f.rule.id != "NET-001")
            .map(|f| f.fingerprint())
            .collect()
    };
    assert_eq!(others(&before), others(&after));
    let score_after = score::score(&after);
    assert!(
        score_after.value > score_before.value,
        "{score_before:?} → {score_after:?}"
    );
    let net_001 = registry::find("NET-001").unwrap_or_else(|| panic!("no NET-001"));
    for (old, new) in score_before.coverage.iter().zip(&score_after.coverage) {
        let mapped = usize::from(net_001.meta.se.contains(&old.code));
        assert_eq!(old.applicable - mapped, new.applicable, "{}", old.code);
        assert_eq!(old.passing, new.passing, "{}", old.code);
    }
}

#[test]
fn a_severity_override_changes_the_findings_severity_and_weight() {
    let mut design = template("before-hardening");
    set_rule(&mut design, "NET-001", true, Some(Severity::Low));
    let findings = rules::evaluate(&design, catalog());
    let net_001: Vec<_> = findings
        .items
        .iter()
        .filter(|f| f.rule.id == "NET-001")
        .collect();
    assert!(!net_001.is_empty());
    assert!(net_001.iter().all(|f| f.severity == Severity::Low));
    check_invariants(&design, &findings).unwrap_or_else(|e| panic!("{e}"));
    // Low weighs 1 against critical's 10: the score rises.
    let plain = score::score(&rules::evaluate(&template("before-hardening"), catalog()));
    assert!(score::score(&findings).value > plain.value);
}

#[test]
fn a_severity_override_changes_a_passing_rules_weight_too() {
    let design = template("before-hardening");
    let findings = rules::evaluate(&design, catalog());
    let failing: BTreeSet<&str> = findings.items.iter().map(|f| f.rule.id).collect();
    let (passing_rule, severity) = findings
        .applicable
        .iter()
        .copied()
        .find(|(id, severity)| !failing.contains(id) && *severity != Severity::Critical)
        .unwrap_or_else(|| panic!("no passing rule"));
    let mut raised = design.clone();
    set_rule(&mut raised, passing_rule, true, Some(Severity::Critical));
    let raised_findings = rules::evaluate(&raised, catalog());
    assert_eq!(
        raised_findings.applies(passing_rule),
        Some(Severity::Critical)
    );
    assert!(
        raised_findings
            .items
            .iter()
            .all(|f| f.rule.id != passing_rule)
    );
    // A passing rule that weighs more raises the share of weight that passes.
    assert!(
        score::score(&raised_findings).value > score::score(&findings).value,
        "{passing_rule} raised from {severity:?} to critical"
    );
}

#[test]
fn a_design_with_everything_passing_scores_100() {
    let mut design = template("hub-spoke-azure-firewall");
    for (item, _) in rules::ATTESTATIONS {
        design.meta.attestations.insert(
            (*item).to_owned(),
            Attestation {
                confirmed: true,
                evidence: "docs/evidence.md".to_owned(),
            },
        );
    }
    let findings = rules::evaluate(&design, catalog());
    assert!(findings.items.is_empty(), "{:#?}", findings.items);
    let score = score::score(&findings);
    assert_eq!(score.value, 100);
    assert!(score.coverage.iter().all(|c| c.passing == c.applicable));
}

#[test]
fn coverage_counts_add_up() {
    for template in templates::builtin() {
        let design = template.load(catalog()).unwrap_or_else(|e| panic!("{e}"));
        let findings = rules::evaluate(&design, catalog());
        let failing: BTreeSet<&str> = findings.items.iter().map(|f| f.rule.id).collect();
        let score = score::score(&findings);
        assert_eq!(score.coverage.len(), score::SE_ITEMS.len());
        for item in &score.coverage {
            let mapped: Vec<&str> = findings
                .applicable
                .iter()
                .map(|&(id, _)| id)
                .filter(|id| registry::find(id).is_some_and(|r| r.meta.se.contains(&item.code)))
                .collect();
            let passing = mapped.iter().filter(|id| !failing.contains(*id)).count();
            assert_eq!(
                item.applicable,
                mapped.len(),
                "{} {}",
                template.id,
                item.code
            );
            assert_eq!(item.passing, passing, "{} {}", template.id, item.code);
        }
        // The weighted score, recomputed from the rules' weights.
        let (mut total, mut passing) = (0u32, 0u32);
        for &(id, severity) in &findings.applicable {
            assert!(registry::find(id).is_some(), "{id}");
            total += score::weight(severity);
            if !failing.contains(id) {
                passing += score::weight(severity);
            }
        }
        let expected = (passing * 100 + total / 2)
            .checked_div(total)
            .unwrap_or(100);
        assert_eq!(score.value, expected, "{}", template.id);
    }
}

// ---- rules reference and outputs --------------------------------------------------------------

#[test]
fn the_rules_reference_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let generated = palisade::export::rules_doc::markdown();
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != generated {
        if std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1") {
            std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("{e}"));
        } else {
            panic!(
                "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
            );
        }
    }
}

#[test]
fn the_rules_reference_links_every_rule_to_its_section() {
    let doc = palisade::export::rules_doc::markdown();
    for rule in registry::all() {
        let id = rule.meta.id;
        let link = format!("[{id}](#{})", id.to_lowercase());
        assert!(doc.contains(&link), "{id}: no table link");
        // GitHub's anchor for `## NET-001` is `net-001`.
        assert!(doc.contains(&format!("\n## {id}\n")), "{id}: no section");
    }
}

#[test]
fn rules_text_lists_every_rule() {
    let (code, out, err) = palisade(&["rules"]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    let listed: Vec<&str> = out
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    let ids: Vec<&str> = registry::all().iter().map(|r| r.meta.id).collect();
    assert_eq!(listed, ids);
}

fn check_output(format: &str) -> (ExitCode, serde_json::Value) {
    let design = templates::find("before-hardening").unwrap_or_else(|| panic!("no demo"));
    let file = temp_file("rules-check-demo.ron", design.text);
    let path = file.to_string_lossy().into_owned();
    let (code, out, err) = palisade(&["check", &path, "--format", format]);
    let json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{format}: {e}\n{out}\n{err}"));
    (code, json)
}

#[test]
fn check_writes_json_with_every_finding() {
    let (code, json) = check_output("json");
    assert_eq!(code, ExitCode::from(1), "the demo has high findings");
    let expected = rules::evaluate(&template("before-hardening"), catalog());
    let text = json.to_string();
    for finding in &expected.items {
        assert!(
            text.contains(&finding.fingerprint()),
            "{}",
            finding.fingerprint()
        );
    }
}

#[test]
fn check_writes_valid_sarif() {
    let (_, sarif) = check_output("sarif");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("sarif"))
    );
    let runs = sarif["runs"]
        .as_array()
        .unwrap_or_else(|| panic!("runs is an array"));
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert!(driver["name"].as_str().is_some_and(|n| !n.is_empty()));
    let rules_meta = driver["rules"]
        .as_array()
        .unwrap_or_else(|| panic!("rules is an array"));
    assert_eq!(rules_meta.len(), registry::all().len());
    let ids: Vec<&str> = rules_meta.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), rules_meta.len(), "every rule has an id");
    let results = runs[0]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("results is an array"));
    let expected = rules::evaluate(&template("before-hardening"), catalog());
    assert_eq!(results.len(), expected.items.len());
    let levels = ["none", "note", "warning", "error"];
    for result in results {
        let rule_id = result["ruleId"]
            .as_str()
            .unwrap_or_else(|| panic!("ruleId"));
        let index = result["ruleIndex"]
            .as_u64()
            .unwrap_or_else(|| panic!("ruleIndex")) as usize;
        assert_eq!(
            ids.get(index),
            Some(&rule_id),
            "ruleIndex points at the rule"
        );
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(levels.contains(&result["level"].as_str().unwrap_or("")));
        let locations = result["locations"]
            .as_array()
            .unwrap_or_else(|| panic!("locations"));
        assert!(!locations.is_empty());
        let location = &locations[0];
        assert!(
            location["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| !u.is_empty())
        );
        assert!(location["physicalLocation"]["region"]["startLine"].as_u64() >= Some(1));
        let fingerprint = result["partialFingerprints"]["palisadeFinding/v1"]
            .as_str()
            .unwrap_or_else(|| panic!("partialFingerprints"));
        assert!(fingerprint.starts_with(&format!("{rule_id}@")));
    }
}
