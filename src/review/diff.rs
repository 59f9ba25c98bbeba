//! The difference between two versions of a design, as a reviewer reads it: which containers,
//! components and connections were added, removed, moved to another parent or changed
//! (property by property, with catalog defaults standing in for unset values), which findings
//! the change introduced and resolved, how decisions changed, and the score and coverage
//! before and after. Positions and sizes are left out: moving a card changes no risk.
//!
//! Everything is sorted: elements by id, fields in a fixed order then by property id, findings
//! by severity then fingerprint.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Catalog, Connection, Design, Node, Severity, Triage, Value};
use crate::review::triage::review;
use crate::rules::{self, Findings, score};

/// What happened to one element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added,
    Removed,
    /// Its fields changed (a new parent among them makes it moved).
    Changed,
}

/// One field of an element, before and after, in words (`—` where it had none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// A container, component or connection that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementChange {
    pub id: String,
    /// Its kind's display name.
    pub kind: String,
    /// Its name (for a connection, `from → to`), as it is after the change (before, if removed).
    pub name: String,
    pub change: Change,
    /// Whether its parent changed.
    pub moved: bool,
    /// For `Changed`: what changed. For `Added`: nothing (its properties are in the design).
    pub fields: Vec<FieldChange>,
}

/// A finding on one side only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingChange {
    pub fingerprint: String,
    pub severity: Severity,
    pub rule: &'static str,
    pub title: &'static str,
    pub message: String,
}

/// A decision added, withdrawn or changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriageChange {
    pub fingerprint: String,
    pub old: Option<Triage>,
    pub new: Option<Triage>,
}

/// One checklist item's coverage before and after: (applicable, passing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageChange {
    pub code: &'static str,
    pub title: &'static str,
    pub old: (usize, usize),
    pub new: (usize, usize),
}

/// Everything that differs between two designs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesignDiff {
    /// Design-level fields: name, description, owner, data classification, rule settings,
    /// attestations.
    pub design: Vec<FieldChange>,
    pub containers: Vec<ElementChange>,
    pub components: Vec<ElementChange>,
    pub connections: Vec<ElementChange>,
    /// Notes and callouts added, removed or rewritten (moving one is not a change).
    pub notes: Vec<ElementChange>,
    /// Open findings (as of the date given) in the new design that the old one lacked.
    pub introduced: Vec<FindingChange>,
    /// Open findings of the old design that the new one no longer has.
    pub resolved: Vec<FindingChange>,
    pub triage: Vec<TriageChange>,
    pub score: (u32, u32),
    /// Only the items whose coverage changed.
    pub coverage: Vec<CoverageChange>,
}

impl DesignDiff {
    /// Whether the two designs are the same for review: no element, field, finding or
    /// decision differs.
    pub fn is_empty(&self) -> bool {
        self.design.is_empty()
            && self.containers.is_empty()
            && self.components.is_empty()
            && self.connections.is_empty()
            && self.notes.is_empty()
            && self.introduced.is_empty()
            && self.resolved.is_empty()
            && self.triage.is_empty()
    }
}

/// Compares two designs, evaluating both; decisions are judged as of `today`.
pub fn diff(old: &Design, new: &Design, catalog: &Catalog, today: &str) -> DesignDiff {
    let old_findings = rules::evaluate(old, catalog);
    let new_findings = rules::evaluate(new, catalog);
    let (mut containers, mut components) = (Vec::new(), Vec::new());
    for (container, change) in node_changes(old, new, catalog) {
        if container {
            containers.push(change);
        } else {
            components.push(change);
        }
    }
    let old_score = score::score(&old_findings);
    let new_score = score::score(&new_findings);
    let coverage = old_score
        .coverage
        .iter()
        .zip(&new_score.coverage)
        .filter(|(a, b)| (a.applicable, a.passing) != (b.applicable, b.passing))
        .map(|(a, b)| CoverageChange {
            code: a.code,
            title: a.title,
            old: (a.applicable, a.passing),
            new: (b.applicable, b.passing),
        })
        .collect();
    let (introduced, resolved) = finding_changes(old, &old_findings, new, &new_findings, today);
    DesignDiff {
        design: design_changes(old, new),
        containers,
        components,
        connections: connection_changes(old, new, catalog),
        notes: note_changes(old, new),
        introduced,
        resolved,
        triage: triage_changes(old, new),
        score: (old_score.value, new_score.value),
        coverage,
    }
}

/// `—` for nothing, so an emptied field still reads as a change.
fn shown(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.to_owned()
    }
}

fn field(out: &mut Vec<FieldChange>, name: &str, old: &str, new: &str) {
    if old != new {
        out.push(FieldChange {
            field: name.to_owned(),
            old: shown(old),
            new: shown(new),
        });
    }
}

fn design_changes(old: &Design, new: &Design) -> Vec<FieldChange> {
    let (a, b) = (&old.meta, &new.meta);
    let mut out = Vec::new();
    field(&mut out, "name", &a.name, &b.name);
    field(&mut out, "description", &a.description, &b.description);
    field(&mut out, "owner", &a.owner, &b.owner);
    field(
        &mut out,
        "data classification",
        &a.data_classification,
        &b.data_classification,
    );
    let setting = |s: Option<&crate::model::RuleSetting>| match s {
        None => String::new(),
        Some(s) if !s.enabled => "disabled".to_owned(),
        Some(s) => s.severity.map_or_else(
            || "enabled".to_owned(),
            |v| format!("severity {}", v.as_str()),
        ),
    };
    for rule in union(a.rule_settings.keys(), b.rule_settings.keys()) {
        let (x, y) = (a.rule_settings.get(rule), b.rule_settings.get(rule));
        if x != y {
            field(&mut out, &format!("rule {rule}"), &setting(x), &setting(y));
        }
    }
    let attestation = |t: Option<&crate::model::Attestation>| match t {
        Some(t) if t.confirmed => "confirmed".to_owned(),
        _ => "not confirmed".to_owned(),
    };
    for item in union(a.attestations.keys(), b.attestations.keys()) {
        let (x, y) = (
            attestation(a.attestations.get(item)),
            attestation(b.attestations.get(item)),
        );
        field(&mut out, &format!("attestation {item}"), &x, &y);
    }
    out
}

fn union<'a>(
    a: impl Iterator<Item = &'a String>,
    b: impl Iterator<Item = &'a String>,
) -> BTreeSet<&'a String> {
    a.chain(b).collect()
}

fn kind_name(catalog: &Catalog, kind: &str) -> String {
    catalog
        .kind(kind)
        .map(|k| k.name.clone())
        .or_else(|| catalog.connection_kind(kind).map(|k| k.name.clone()))
        .unwrap_or_else(|| kind.to_owned())
}

fn value_text(value: Option<&Value>) -> String {
    value.map(Value::display).unwrap_or_default()
}

/// Property changes, comparing effective values: unset reads as the catalog default. Fields
/// are named as the inspector names them (`name`), or by id where the catalog has no such
/// property.
fn property_changes(
    out: &mut Vec<FieldChange>,
    keys: BTreeSet<&str>,
    name: impl Fn(&str) -> Option<String>,
    old: impl Fn(&str) -> Option<Value>,
    new: impl Fn(&str) -> Option<Value>,
) {
    for key in keys {
        let (a, b) = (old(key), new(key));
        if a != b {
            let label = name(key).unwrap_or_else(|| key.to_owned());
            field(
                out,
                &label,
                &value_text(a.as_ref()),
                &value_text(b.as_ref()),
            );
        }
    }
}

/// Changed nodes, each with whether it is a container.
fn node_changes(old: &Design, new: &Design, catalog: &Catalog) -> Vec<(bool, ElementChange)> {
    let by_id = |d: &'_ Design| -> BTreeMap<String, Node> {
        d.nodes().map(|n| (n.id.to_string(), n.clone())).collect()
    };
    let (old_nodes, new_nodes) = (by_id(old), by_id(new));
    let ids: BTreeSet<&String> = old_nodes.keys().chain(new_nodes.keys()).collect();
    let name_of = |design: &Design, id: Option<&crate::model::NodeId>| {
        id.and_then(|id| design.node(id))
            .map_or_else(|| "top level".to_owned(), |p| shown(&p.name))
    };
    let mut out = Vec::new();
    for id in ids {
        let (a, b) = (old_nodes.get(id), new_nodes.get(id));
        let container = b
            .or(a)
            .and_then(|n| catalog.kind(&n.kind))
            .is_some_and(|k| k.container);
        let change = match (a, b) {
            (None, Some(n)) => element(n.id.as_str(), catalog, n, Change::Added, Vec::new()),
            (Some(n), None) => element(n.id.as_str(), catalog, n, Change::Removed, Vec::new()),
            (Some(a), Some(b)) => {
                let mut fields = Vec::new();
                field(
                    &mut fields,
                    "kind",
                    &kind_name(catalog, &a.kind),
                    &kind_name(catalog, &b.kind),
                );
                field(&mut fields, "name", &a.name, &b.name);
                let moved = a.parent != b.parent;
                if moved {
                    fields.push(FieldChange {
                        field: "parent".to_owned(),
                        old: name_of(old, a.parent.as_ref()),
                        new: name_of(new, b.parent.as_ref()),
                    });
                }
                field(&mut fields, "notes", &a.notes, &b.notes);
                let keys = a
                    .properties
                    .keys()
                    .chain(b.properties.keys())
                    .map(|k| k.as_str())
                    .collect();
                let kind = catalog.kind(&b.kind);
                property_changes(
                    &mut fields,
                    keys,
                    |k| {
                        kind.and_then(|kind| catalog.node_property(kind, k))
                            .map(|p| p.name.clone())
                    },
                    |k| old.property(catalog, a, k).cloned(),
                    |k| new.property(catalog, b, k).cloned(),
                );
                if fields.is_empty() {
                    continue;
                }
                let mut change = element(b.id.as_str(), catalog, b, Change::Changed, fields);
                change.moved = moved;
                change
            }
            (None, None) => continue,
        };
        out.push((container, change));
    }
    out
}

fn element(
    id: &str,
    catalog: &Catalog,
    node: &Node,
    change: Change,
    fields: Vec<FieldChange>,
) -> ElementChange {
    ElementChange {
        id: id.to_owned(),
        kind: kind_name(catalog, &node.kind),
        name: shown(&node.name),
        change,
        moved: false,
        fields,
    }
}

fn connection_changes(old: &Design, new: &Design, catalog: &Catalog) -> Vec<ElementChange> {
    let by_id = |d: &'_ Design| -> BTreeMap<String, Connection> {
        d.connections()
            .map(|c| (c.id.to_string(), c.clone()))
            .collect()
    };
    let (old_connections, new_connections) = (by_id(old), by_id(new));
    let ids: BTreeSet<&String> = old_connections
        .keys()
        .chain(new_connections.keys())
        .collect();
    let label = |design: &Design, c: &Connection| {
        let name = |id: &crate::model::NodeId| {
            design
                .node(id)
                .map_or_else(|| id.to_string(), |n| shown(&n.name))
        };
        format!("{} → {}", name(&c.from), name(&c.to))
    };
    let mut out = Vec::new();
    for id in ids {
        let (a, b) = (old_connections.get(id), new_connections.get(id));
        let (design, connection, change, fields) = match (a, b) {
            (None, Some(c)) => (new, c, Change::Added, Vec::new()),
            (Some(c), None) => (old, c, Change::Removed, Vec::new()),
            (Some(a), Some(b)) => {
                let mut fields = Vec::new();
                field(
                    &mut fields,
                    "kind",
                    &kind_name(catalog, &a.kind),
                    &kind_name(catalog, &b.kind),
                );
                // Ends compare by id: renaming an end is that node's change, not this one's.
                if (&a.from, &a.to) != (&b.from, &b.to) {
                    fields.push(FieldChange {
                        field: "ends".to_owned(),
                        old: label(old, a),
                        new: label(new, b),
                    });
                }
                field(&mut fields, "label", &a.label, &b.label);
                let keys = a
                    .properties
                    .keys()
                    .chain(b.properties.keys())
                    .map(|k| k.as_str())
                    .collect();
                let kind = catalog.connection_kind(&b.kind);
                property_changes(
                    &mut fields,
                    keys,
                    |k| {
                        kind.and_then(|kind| kind.properties.iter().find(|p| p.id == k))
                            .map(|p| p.name.clone())
                    },
                    |k| a.property(catalog, k).cloned(),
                    |k| b.property(catalog, k).cloned(),
                );
                if fields.is_empty() {
                    continue;
                }
                (new, b, Change::Changed, fields)
            }
            (None, None) => continue,
        };
        out.push(ElementChange {
            id: id.to_owned(),
            kind: kind_name(catalog, &connection.kind),
            name: label(design, connection),
            change,
            moved: false,
            fields,
        });
    }
    out
}

fn note_changes(old: &Design, new: &Design) -> Vec<ElementChange> {
    let by_id = |d: &'_ Design| -> BTreeMap<String, crate::model::Note> {
        d.notes().map(|n| (n.id.to_string(), n.clone())).collect()
    };
    let (old_notes, new_notes) = (by_id(old), by_id(new));
    let ids: BTreeSet<&String> = old_notes.keys().chain(new_notes.keys()).collect();
    // What a note points at, by name in its own design.
    let target = |design: &Design, note: &crate::model::Note| {
        note.anchor.as_ref().map_or_else(String::new, |a| {
            design
                .node(a)
                .map_or_else(|| a.to_string(), |n| n.name.clone())
        })
    };
    let mut out = Vec::new();
    for id in ids {
        let (note, change, fields) = match (old_notes.get(id), new_notes.get(id)) {
            (None, Some(n)) => (n, Change::Added, Vec::new()),
            (Some(n), None) => (n, Change::Removed, Vec::new()),
            (Some(a), Some(b)) => {
                let mut fields = Vec::new();
                field(&mut fields, "text", &a.text, &b.text);
                field(&mut fields, "points at", &target(old, a), &target(new, b));
                if fields.is_empty() {
                    continue;
                }
                (b, Change::Changed, fields)
            }
            (None, None) => continue,
        };
        let first_line = note.text.lines().next().unwrap_or("");
        out.push(ElementChange {
            id: id.to_owned(),
            kind: if note.anchor.is_some() {
                "Callout"
            } else {
                "Note"
            }
            .to_owned(),
            name: shown(&crate::model::text::short(first_line)),
            change,
            moved: false,
            fields,
        });
    }
    out
}

/// Open findings on one side only. A finding whose decision is in force on one side and not
/// the other shows under triage changes, not here.
fn finding_changes(
    old: &Design,
    old_findings: &Findings,
    new: &Design,
    new_findings: &Findings,
    today: &str,
) -> (Vec<FindingChange>, Vec<FindingChange>) {
    let open = |design: &Design, findings: &Findings| -> BTreeMap<String, FindingChange> {
        review(design, findings, today)
            .open()
            .map(|f| {
                (
                    f.fingerprint(),
                    FindingChange {
                        fingerprint: f.fingerprint(),
                        severity: f.severity,
                        rule: f.rule.id,
                        title: f.rule.title,
                        message: f.message.to_string(),
                    },
                )
            })
            .collect()
    };
    let all = |findings: &Findings| -> BTreeSet<String> {
        findings.items.iter().map(|f| f.fingerprint()).collect()
    };
    let (old_open, new_open) = (open(old, old_findings), open(new, new_findings));
    let (old_all, new_all) = (all(old_findings), all(new_findings));
    let sorted = |mut list: Vec<FindingChange>| {
        list.sort_by(|a, b| (a.severity, &a.fingerprint).cmp(&(b.severity, &b.fingerprint)));
        list
    };
    let introduced = new_open
        .into_iter()
        .filter(|(k, _)| !old_all.contains(k))
        .map(|(_, f)| f)
        .collect();
    let resolved = old_open
        .into_iter()
        .filter(|(k, _)| !new_all.contains(k))
        .map(|(_, f)| f)
        .collect();
    (sorted(introduced), sorted(resolved))
}

fn triage_changes(old: &Design, new: &Design) -> Vec<TriageChange> {
    let (a, b) = (&old.meta.triage, &new.meta.triage);
    union(a.keys(), b.keys())
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| TriageChange {
            fingerprint: k.clone(),
            old: a.get(k).cloned(),
            new: b.get(k).cloned(),
        })
        .collect()
}
