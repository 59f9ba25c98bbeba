//! Checks a design against the catalog: kinds, property types, placement and geometry.
//! The loader refuses designs with errors; the editor uses the same checks before an edit.

use super::catalog::Catalog;
use super::design::{Connection, Design, Node};
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
        connection_problems(catalog, connection, &mut out);
    }
    out.sort();
    out
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
                    out.push(problem(format!("property `{}`: {e}", short(property))));
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
            .map_or("the top level".to_owned(), |k| format!("a {}", k.name));
        out.push(problem(format!(
            "a {} cannot be placed in {place}",
            kind.name
        )));
    }
    let rect = node.rect;
    if !rect.is_finite()
        || rect.w <= 0.0
        || rect.h <= 0.0
        || rect.x.abs() > 1e7
        || rect.y.abs() > 1e7
        || rect.w > 1e7
        || rect.h > 1e7
    {
        out.push(problem(
            "its position or size is not a finite, positive rectangle within ±10,000,000"
                .to_owned(),
        ));
    }
}

fn connection_problems(catalog: &Catalog, connection: &Connection, out: &mut Vec<Problem>) {
    let problem = |message: String| Problem {
        subject: connection.id.to_string(),
        message,
    };
    let Some(kind) = catalog.connection_kind(&connection.kind) else {
        out.push(problem(format!(
            "unknown connection kind `{}`",
            short(&connection.kind)
        )));
        return;
    };
    if connection.from == connection.to {
        out.push(problem("connects a node to itself".to_owned()));
    }
    for (property, value) in &connection.properties {
        match kind.properties.iter().find(|p| property.as_str() == p.id) {
            None => out.push(problem(format!(
                "a {} connection has no property `{}`",
                kind.name,
                short(property)
            ))),
            Some(def) => {
                if let Err(e) = def.ty.check(value) {
                    out.push(problem(format!("property `{}`: {e}", short(property))));
                }
            }
        }
    }
}
