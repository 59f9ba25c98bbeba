//! Copy and paste of a selection, as design-file text, so it also works between designs and
//! between two running copies of Palisade (through the system clipboard).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Catalog, Connection, Design, Edit, Node, NodeId, Note};
use crate::persistence;

/// A selection (with everything inside selected containers, the connections among them and
/// the callouts pointing at them) as design-file text.
pub fn copy(design: &Design, catalog: &Catalog, selection: &BTreeSet<NodeId>) -> Option<String> {
    let mut ids: BTreeSet<NodeId> = BTreeSet::new();
    for id in selection {
        if design.node(id).is_some() {
            ids.insert(id.clone());
            ids.extend(design.descendants(id).into_iter().map(|n| n.id.clone()));
        }
    }
    if ids.is_empty() {
        return None;
    }
    let mut part = Design::new("Clipboard");
    let mut edits = Vec::new();
    for id in &ids {
        let Some(node) = design.node(id) else {
            continue;
        };
        let mut node = node.clone();
        node.parent = node.parent.filter(|p| ids.contains(p));
        edits.push(Edit::AddNode(Node {
            parent: None,
            ..node.clone()
        }));
        if let Some(parent) = node.parent {
            edits.push(Edit::Reparent {
                node: node.id,
                parent: Some(parent),
            });
        }
    }
    // Parents are set after all nodes exist, so order does not matter.
    edits.sort_by_key(|e| matches!(e, Edit::Reparent { .. }));
    for connection in design
        .connections()
        .filter(|c| ids.contains(&c.from) && ids.contains(&c.to))
    {
        edits.push(Edit::Connect(connection.clone()));
    }
    for note in design
        .notes()
        .filter(|n| n.anchor.as_ref().is_some_and(|a| ids.contains(a)))
    {
        edits.push(Edit::AddNote(note.clone()));
    }
    Edit::Batch(edits).apply(&mut part).ok()?;
    persistence::to_string(&part, catalog).ok()
}

/// An edit that pastes clipboard text into `design`: fresh ids, shifted by `offset`. Returns
/// the edit and the ids of the pasted top-level nodes (to select them), or `None` when the
/// text is not a design.
pub fn paste(
    design: &Design,
    catalog: &Catalog,
    text: &str,
    offset: (f32, f32),
) -> Option<(Edit, Vec<NodeId>)> {
    let part = persistence::load_str(text, catalog).ok()?;
    let mut renamed: BTreeMap<NodeId, NodeId> = BTreeMap::new();
    let mut taken = design.clone();
    let mut edits = Vec::new();
    for node in part.nodes() {
        let id = taken.fresh_node_id(&node.kind);
        renamed.insert(node.id.clone(), id.clone());
        let mut copy = node.clone();
        copy.id = id;
        copy.parent = None;
        copy.rect = copy.rect.translated(offset.0, offset.1);
        // Reserve the id so the next fresh id differs.
        let _ = Edit::AddNode(copy.clone()).apply(&mut taken);
        edits.push(Edit::AddNode(copy));
    }
    let mut top_level = Vec::new();
    for node in part.nodes() {
        let id = renamed.get(&node.id)?.clone();
        match node.parent.as_ref().and_then(|p| renamed.get(p)) {
            Some(parent) => edits.push(Edit::Reparent {
                node: id,
                parent: Some(parent.clone()),
            }),
            None => top_level.push(id),
        }
    }
    for connection in part.connections() {
        let id = taken.fresh_connection_id();
        let mut route = connection.route.clone();
        for point in &mut route.waypoints {
            *point = point.offset(offset.0, offset.1);
        }
        let copy = Connection {
            id,
            from: renamed.get(&connection.from)?.clone(),
            to: renamed.get(&connection.to)?.clone(),
            route,
            ..connection.clone()
        };
        let _ = Edit::Connect(copy.clone()).apply(&mut taken);
        edits.push(Edit::Connect(copy));
    }
    for note in part.notes() {
        let copy = Note {
            id: taken.fresh_note_id(),
            rect: note.rect.translated(offset.0, offset.1),
            anchor: match &note.anchor {
                Some(anchor) => Some(renamed.get(anchor)?.clone()),
                None => None,
            },
            ..note.clone()
        };
        let _ = Edit::AddNote(copy.clone()).apply(&mut taken);
        edits.push(Edit::AddNote(copy));
    }
    Some((Edit::Batch(edits), top_level))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Rect, catalog};

    fn design() -> Design {
        let mut design = Design::new("d");
        for (id, kind, parent) in [
            ("sub", "subscription", None),
            ("a", "app_service", Some("sub")),
            ("b", "key_vault", Some("sub")),
        ] {
            let node = Node {
                id: NodeId::new(id).unwrap_or_else(|e| panic!("{e}")),
                kind: kind.into(),
                name: id.to_owned(),
                rect: Rect::new(0.0, 0.0, 100.0, 50.0),
                parent: parent.map(|p| NodeId::new(p).unwrap_or_else(|e| panic!("{e}"))),
                properties: Default::default(),
                notes: String::new(),
            };
            Edit::AddNode(node)
                .apply(&mut design)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let connection = Connection {
            id: design.fresh_connection_id(),
            kind: "traffic".into(),
            from: NodeId::new("a").unwrap_or_else(|e| panic!("{e}")),
            to: NodeId::new("b").unwrap_or_else(|e| panic!("{e}")),
            label: String::new(),
            properties: Default::default(),
            route: Default::default(),
        };
        Edit::Connect(connection)
            .apply(&mut design)
            .unwrap_or_else(|e| panic!("{e}"));
        design
    }

    #[test]
    fn a_pasted_copy_brings_its_callouts_and_bends_along_by_the_same_offset() {
        use crate::model::{NoteId, Point, Route};
        let mut design = design();
        let connection = design.connections().next().map(|c| c.id.clone());
        let a = NodeId::new("a").unwrap_or_else(|e| panic!("{e}"));
        Edit::Batch(vec![
            Edit::SetRoute {
                connection: connection.unwrap_or_else(|| panic!("no connection")),
                route: Route {
                    routing: None,
                    waypoints: vec![Point::new(50.0, 200.0)],
                },
            },
            Edit::AddNote(Note {
                id: NoteId::new("why").unwrap_or_else(|e| panic!("{e}")),
                text: "Runs on Premium v3".to_owned(),
                rect: Rect::new(300.0, 0.0, 200.0, 60.0),
                anchor: Some(a.clone()),
            }),
        ])
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
        let selection = BTreeSet::from([NodeId::new("sub").unwrap_or_else(|e| panic!("{e}"))]);
        let text = copy(&design, catalog::builtin(), &selection)
            .unwrap_or_else(|| panic!("nothing copied"));
        let (edit, _) = paste(&design, catalog::builtin(), &text, (20.0, 30.0))
            .unwrap_or_else(|| panic!("not pasted"));
        edit.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
        let notes: Vec<&Note> = design.notes().collect();
        assert_eq!(notes.len(), 2);
        let pasted = notes
            .iter()
            .find(|n| n.id.as_str() != "why")
            .unwrap_or_else(|| panic!("no pasted note"));
        assert_eq!(pasted.rect, Rect::new(320.0, 30.0, 200.0, 60.0));
        assert!(
            pasted
                .anchor
                .as_ref()
                .is_some_and(|p| p != &a && design.node(p).is_some())
        );
        let bends: Vec<Vec<Point>> = design
            .connections()
            .map(|c| c.route.waypoints.clone())
            .collect();
        assert!(bends.contains(&vec![Point::new(70.0, 230.0)]), "{bends:?}");
    }

    #[test]
    fn copying_a_container_and_pasting_duplicates_its_contents_and_connections() {
        let mut design = design();
        let selection = BTreeSet::from([NodeId::new("sub").unwrap_or_else(|e| panic!("{e}"))]);
        let text = copy(&design, catalog::builtin(), &selection)
            .unwrap_or_else(|| panic!("nothing copied"));
        let (edit, top) = paste(&design, catalog::builtin(), &text, (20.0, 20.0))
            .unwrap_or_else(|| panic!("not pasted"));
        edit.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(design.nodes().len(), 6);
        assert_eq!(design.connections().len(), 2);
        assert_eq!(top.len(), 1);
        assert_eq!(design.descendants(&top[0]).len(), 2);
    }

    #[test]
    fn pasting_text_that_is_not_a_design_does_nothing() {
        assert!(paste(&design(), catalog::builtin(), "hello", (0.0, 0.0)).is_none());
    }
}
