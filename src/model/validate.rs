//! Checks a design against the catalog: kinds, property types, placement, geometry and the
//! kinds each connection kind may join.
//! The loader refuses designs with errors; the editor uses the same checks before an edit.

use super::catalog::{Catalog, KindDef};
use super::design::{Connection, Design, Node, Note, Triage};
use super::text::short;

/// One thing wrong with a design, with the element it concerns.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The node or connection id, or empty for the design as a whole.
    pub subject: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.subject.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.subject, self.message)
        }
    }
}

/// Everything wrong with the design, sorted by subject.
pub fn problems(design: &Design, catalog: &Catalog) -> Vec<Problem> {
    let mut out = Vec::new();
    for node in design.nodes() {
        node_problems(design, catalog, node, &mut out);
    }
    for connection in design.connections() {
        connection_problems(design, catalog, connection, &mut out);
    }
    for note in design.notes() {
        note_problems(note, &mut out);
    }
    for (fingerprint, triage) in &design.meta.triage {
        triage_problems(fingerprint, triage, &mut out);
    }
    out.sort();
    out
}

/// Whether text is a calendar date written `YYYY-MM-DD`.
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes[range.clone()].iter().all(u8::is_ascii_digit) && text[range].parse::<u32>().is_ok()
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let month: u32 = text[5..7].parse().unwrap_or(0);
    let day: u32 = text[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

fn triage_problems(fingerprint: &str, triage: &Triage, out: &mut Vec<Problem>) {
    let problem = |message: String| Problem {
        subject: short(fingerprint).into_owned(),
        message: format!("triage: {message}"),
    };
    let well_formed = fingerprint
        .split_once('@')
        .is_some_and(|(rule, subject)| !rule.is_empty() && !subject.is_empty());
    if !well_formed {
        out.push(problem(
            "a finding is named `RULE@subject`, as reports print its fingerprint".to_owned(),
        ));
    }
    if triage.justification.trim().is_empty() {
        out.push(problem("a decision needs a justification".to_owned()));
    }
    if !is_date(&triage.date) {
        out.push(problem(format!(
            "date `{}` is not a date written YYYY-MM-DD",
            short(&triage.date)
        )));
    }
    if let Some(expires) = &triage.expires {
        if !is_date(expires) {
            out.push(problem(format!(
                "expiry `{}` is not a date written YYYY-MM-DD",
                short(expires)
            )));
        } else if is_date(&triage.date) && expires.as_str() < triage.date.as_str() {
            out.push(problem(format!(
                "it expires ({expires}) before it was decided ({})",
                triage.date
            )));
        }
    }
}

fn node_problems(design: &Design, catalog: &Catalog, node: &Node, out: &mut Vec<Problem>) {
    let problem = |message: String| Problem {
        subject: node.id.to_string(),
        message,
    };
    let Some(kind) = catalog.kind(&node.kind) else {
        out.push(problem(format!(
            "unknown kind `{}` (see `palisade kinds`)",
            short(&node.kind)
        )));
        return;
    };
    for (property, value) in &node.properties {
        match catalog.node_property(kind, property) {
            None => out.push(problem(format!(
                "{} has no property `{}`",
                kind.name,
                short(property)
            ))),
            Some(def) => {
                if let Err(e) = def.ty.check(value) {
                    out.push(problem(format!("`{}` {e}", short(property))));
                }
            }
        }
    }
    let parent_kind = node
        .parent
        .as_ref()
        .and_then(|p| design.node(p))
        .map(|p| p.kind.as_str());
    if node.parent.is_some() && parent_kind.is_none() {
        out.push(problem("its parent does not exist".to_owned()));
    } else if !catalog.may_contain(parent_kind, kind) {
        let place = parent_kind
            .and_then(|k| catalog.kind(k))
            .map_or("the top level".to_owned(), KindDef::noun);
        out.push(problem(format!(
            "{} cannot be placed in {place}",
            kind.noun()
        )));
    }
    if !is_sane_rect(node.rect) {
        out.push(problem(NOT_A_RECTANGLE.to_owned()));
    }
}

const NOT_A_RECTANGLE: &str =
    "its position or size is not a finite, positive rectangle within ±10,000,000";

/// Farthest a coordinate may be from the origin: beyond it, canvas arithmetic loses precision.
const MAX_COORDINATE: f32 = 1e7;

fn is_sane_rect(rect: crate::model::Rect) -> bool {
    rect.is_finite()
        && rect.w > 0.0
        && rect.h > 0.0
        && rect.x.abs() <= MAX_COORDINATE
        && rect.y.abs() <= MAX_COORDINATE
        && rect.w <= MAX_COORDINATE
        && rect.h <= MAX_COORDINATE
}

fn note_problems(note: &Note, out: &mut Vec<Problem>) {
    if !is_sane_rect(note.rect) {
        out.push(Problem {
            subject: note.id.to_string(),
            message: NOT_A_RECTANGLE.to_owned(),
        });
    }
}

fn connection_problems(
    design: &Design,
    catalog: &Catalog,
    connection: &Connection,
    out: &mut Vec<Problem>,
) {
    let problem = |message: String| Problem {
        subject: connection.id.to_string(),
        message,
    };
    let Some(kind) = catalog.connection_kind(&connection.kind) else {
        out.push(problem(format!(
            "unknown connection kind `{}` (see `palisade kinds`)",
            short(&connection.kind)
        )));
        return;
    };
    if connection.from == connection.to {
        out.push(problem("connects a node to itself".to_owned()));
    }
    let end_kind = |id| {
        design
            .node(id)
            .and_then(|n| catalog.kind(&n.kind).map(|k| (n, k)))
    };
    // Ends of unknown kinds are reported with their nodes.
    if let (Some((from, from_kind)), Some((to, to_kind))) =
        (end_kind(&connection.from), end_kind(&connection.to))
        && !catalog.may_join(kind, from_kind, to_kind)
    {
        out.push(problem(format!(
            "{} cannot join {} `{}` to {} `{}`: it goes {}",
            kind.noun(),
            from_kind.name,
            from.id,
            to_kind.name,
            to.id,
            catalog.joins_text(kind)
        )));
    }
    let sane = |p: &crate::model::Point| {
        p.x.is_finite()
            && p.y.is_finite()
            && p.x.abs() <= MAX_COORDINATE
            && p.y.abs() <= MAX_COORDINATE
    };
    if let Some(at) = connection.route.waypoints.iter().position(|p| !sane(p)) {
        out.push(problem(format!(
            "waypoint {} is not a finite point within ±10,000,000",
            at + 1
        )));
    }
    for (property, value) in &connection.properties {
        match kind.properties.iter().find(|p| property.as_str() == p.id) {
            None => out.push(problem(format!(
                "{} has no property `{}`",
                kind.noun(),
                short(property)
            ))),
            Some(def) => {
                if let Err(e) = def.ty.check(value) {
                    out.push(problem(format!("`{}` {e}", short(property))));
                }
            }
        }
    }
}
