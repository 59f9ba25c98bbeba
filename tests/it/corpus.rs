//! The precision corpus (`tests/corpus/corpus.ron`): realistic variations of the built-in
//! reference designs, each with the exact findings a reviewer expects. Prints precision and
//! recall over the corpus and fails on any unexpected or missing finding.

use std::collections::BTreeSet;

use serde::Deserialize;

use palisade::model::{Connection, ConnectionId, Design, Edit, NodeId, Value};
use palisade::rules;

use crate::{catalog, template};

#[derive(Deserialize)]
struct Corpus {
    bases: Vec<Base>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Base {
    template: String,
    expect: Vec<String>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    base: String,
    /// Why the expectation is what it is, where that is not obvious.
    #[serde(default)]
    #[allow(dead_code)]
    why: String,
    edits: Vec<CaseEdit>,
    #[serde(default)]
    adds: Vec<String>,
    #[serde(default)]
    gone: Vec<String>,
}

/// The edits a case makes, as the designer's inspector and canvas would.
#[derive(Deserialize)]
enum CaseEdit {
    /// A component's property.
    Set(String, String, CaseValue),
    /// A connection's property.
    SetFlow(String, String, CaseValue),
    /// A new connection: id, kind, from, to.
    Connect(String, String, String, String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CaseValue {
    Bool(bool),
    Int(i64),
    Text(String),
}

impl From<CaseValue> for Value {
    fn from(value: CaseValue) -> Self {
        match value {
            CaseValue::Bool(b) => Value::Bool(b),
            CaseValue::Int(i) => Value::Int(i),
            CaseValue::Text(t) => Value::Text(t),
        }
    }
}

impl CaseEdit {
    fn into_edit(self) -> Edit {
        match self {
            Self::Set(node, property, value) => Edit::SetProperty {
                node: NodeId::new(node).expect("a node id"),
                property,
                value: Some(value.into()),
            },
            Self::SetFlow(connection, property, value) => Edit::SetConnectionProperty {
                connection: ConnectionId::new(connection).expect("a connection id"),
                property,
                value: Some(value.into()),
            },
            Self::Connect(id, kind, from, to) => Edit::Connect(Connection {
                id: ConnectionId::new(id).expect("a connection id"),
                kind: kind.as_str().into(),
                from: NodeId::new(from).expect("a node id"),
                to: NodeId::new(to).expect("a node id"),
                label: String::new(),
                properties: Default::default(),
                route: Default::default(),
            }),
        }
    }
}

fn fingerprints(design: &Design) -> BTreeSet<String> {
    rules::evaluate(design, catalog())
        .items
        .iter()
        .map(rules::Finding::fingerprint)
        .collect()
}

/// Expected and found fingerprints of one case.
struct Outcome {
    name: String,
    expected: BTreeSet<String>,
    found: BTreeSet<String>,
}

fn run_corpus() -> Vec<Outcome> {
    let text = include_str!("../corpus/corpus.ron");
    let corpus: Corpus = ron::from_str(text).expect("tests/corpus/corpus.ron parses");
    let mut outcomes = Vec::new();
    for base in &corpus.bases {
        let design = template(&base.template);
        outcomes.push(Outcome {
            name: format!("{} (as built)", base.template),
            expected: base.expect.iter().cloned().collect(),
            found: fingerprints(&design),
        });
    }
    for case in corpus.cases {
        let base = corpus
            .bases
            .iter()
            .find(|b| b.template == case.base)
            .unwrap_or_else(|| panic!("{}: no base `{}`", case.name, case.base));
        let mut design = template(&base.template);
        for edit in case.edits {
            edit.into_edit()
                .apply(&mut design)
                .unwrap_or_else(|e| panic!("{}: edit does not apply: {e}", case.name));
        }
        let mut expected: BTreeSet<String> = base.expect.iter().cloned().collect();
        for gone in &case.gone {
            assert!(
                expected.remove(gone),
                "{}: `{gone}` is not in the base",
                case.name
            );
        }
        expected.extend(case.adds.iter().cloned());
        outcomes.push(Outcome {
            name: case.name,
            expected,
            found: fingerprints(&design),
        });
    }
    outcomes
}

#[test]
fn the_corpus_finds_exactly_what_a_reviewer_expects() {
    let outcomes = run_corpus();
    assert!(
        outcomes.len() >= 30,
        "the corpus has {} cases",
        outcomes.len()
    );
    let (mut true_positives, mut false_positives, mut misses) = (0usize, 0usize, 0usize);
    let mut differences = Vec::new();
    for outcome in &outcomes {
        let unexpected: Vec<&String> = outcome.found.difference(&outcome.expected).collect();
        let missing: Vec<&String> = outcome.expected.difference(&outcome.found).collect();
        true_positives += outcome.found.intersection(&outcome.expected).count();
        false_positives += unexpected.len();
        misses += missing.len();
        if !unexpected.is_empty() || !missing.is_empty() {
            differences.push(format!(
                "{}:\n    unexpected: {unexpected:?}\n    missing:    {missing:?}",
                outcome.name
            ));
        }
    }
    let precision = true_positives as f64 / (true_positives + false_positives).max(1) as f64;
    let recall = true_positives as f64 / (true_positives + misses).max(1) as f64;
    println!(
        "precision corpus: {} cases, {true_positives} expected findings found, {false_positives} unexpected, {misses} missed; precision {:.1}%, recall {:.1}%",
        outcomes.len(),
        precision * 100.0,
        recall * 100.0
    );
    assert!(
        differences.is_empty(),
        "{} of {} cases differ:\n{}",
        differences.len(),
        outcomes.len(),
        differences.join("\n")
    );
}
