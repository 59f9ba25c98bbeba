//! Edits are the only way a design changes, and every edit can be undone exactly.

use palisade::model::{Connection, Design, Edit, Node, NodeId, Rect, Value};
use proptest::prelude::*;

use crate::persistence::sample;

/// A random edit, built against the current design so most of them apply.
#[derive(Clone, Debug)]
enum Op {
    Add { kind: usize, container: bool },
    Remove(usize),
    Move(usize, f32, f32),
    Rename(usize, String),
    SetBool(usize, bool),
    ClearProperty(usize),
    Reparent(usize, Option<usize>),
    Connect(usize, usize),
    Disconnect(usize),
    Label(usize, String),
    Bend(usize, f32, f32),
    AddNote(Option<usize>),
    NoteText(usize, String),
    RemoveNote(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..100, any::<bool>()).prop_map(|(kind, container)| Op::Add { kind, container }),
        (0usize..100).prop_map(Op::Remove),
        (0usize..100, -50.0f32..50.0, -50.0f32..50.0).prop_map(|(i, x, y)| Op::Move(i, x, y)),
        (0usize..100, "\\PC{0,10}").prop_map(|(i, n)| Op::Rename(i, n)),
        (0usize..100, any::<bool>()).prop_map(|(i, b)| Op::SetBool(i, b)),
        (0usize..100).prop_map(Op::ClearProperty),
        (0usize..100, proptest::option::of(0usize..100)).prop_map(|(i, p)| Op::Reparent(i, p)),
        (0usize..100, 0usize..100).prop_map(|(a, b)| Op::Connect(a, b)),
        (0usize..100).prop_map(Op::Disconnect),
        (0usize..100, "\\PC{0,10}").prop_map(|(i, l)| Op::Label(i, l)),
        (0usize..100, -500.0f32..500.0, -500.0f32..500.0).prop_map(|(i, x, y)| Op::Bend(i, x, y)),
        proptest::option::of(0usize..100).prop_map(Op::AddNote),
        (0usize..100, "\\PC{0,10}").prop_map(|(i, t)| Op::NoteText(i, t)),
        (0usize..100).prop_map(Op::RemoveNote),
    ]
}

fn nth_node(design: &Design, i: usize) -> Option<NodeId> {
    let n = design.nodes().len();
    (n > 0)
        .then(|| design.nodes().nth(i % n).map(|n| n.id.clone()))
        .flatten()
}

fn edit_for(design: &Design, op: Op) -> Option<Edit> {
    let catalog = crate::catalog();
    Some(match op {
        Op::Add { kind, container } => {
            let kinds: Vec<_> = catalog
                .kinds()
                .iter()
                .filter(|k| k.container == container)
                .collect();
            let kind = kinds[kind % kinds.len()];
            Edit::AddNode(Node {
                id: design.fresh_node_id(&kind.id),
                kind: kind.id.as_str().into(),
                name: kind.name.clone(),
                rect: Rect::new(10.0, 10.0, kind.size.0, kind.size.1),
                parent: None,
                properties: Default::default(),
                notes: String::new(),
            })
        }
        Op::Remove(i) => Edit::remove_nodes(design, &[nth_node(design, i)?]),
        Op::Move(i, dx, dy) => Edit::move_nodes(design, &[nth_node(design, i)?], dx, dy),
        Op::Rename(i, name) => Edit::Rename {
            node: nth_node(design, i)?,
            name,
        },
        Op::SetBool(i, b) => Edit::SetProperty {
            node: nth_node(design, i)?,
            property: "flag".to_owned(),
            value: Some(Value::Bool(b)),
        },
        Op::ClearProperty(i) => Edit::SetProperty {
            node: nth_node(design, i)?,
            property: "flag".to_owned(),
            value: None,
        },
        Op::Reparent(i, p) => {
            let parent = match p {
                Some(p) => Some(nth_node(design, p)?),
                None => None,
            };
            Edit::Reparent {
                node: nth_node(design, i)?,
                parent,
            }
        }
        Op::Connect(a, b) => Edit::Connect(Connection {
            id: design.fresh_connection_id(),
            kind: "traffic".into(),
            from: nth_node(design, a)?,
            to: nth_node(design, b)?,
            label: String::new(),
            properties: Default::default(),
            route: Default::default(),
        }),
        Op::Disconnect(i) => {
            let n = design.connections().len();
            Edit::Disconnect(design.connections().nth(i % n.max(1))?.id.clone())
        }
        Op::Label(i, label) => {
            let n = design.connections().len();
            Edit::SetConnectionLabel {
                connection: design.connections().nth(i % n.max(1))?.id.clone(),
                label,
            }
        }
        Op::Bend(i, x, y) => {
            let n = design.connections().len();
            let connection = design.connections().nth(i % n.max(1))?;
            let mut route = connection.route.clone();
            route.waypoints.push(palisade::model::Point::new(x, y));
            route.routing = Some(palisade::model::Routing::Orthogonal);
            Edit::SetRoute {
                connection: connection.id.clone(),
                route,
            }
        }
        Op::AddNote(anchor) => {
            let anchor = match anchor {
                Some(i) => Some(nth_node(design, i)?),
                None => None,
            };
            Edit::AddNote(palisade::model::Note {
                id: design.fresh_note_id(),
                text: "why".to_owned(),
                rect: Rect::new(0.0, 500.0, 200.0, 80.0),
                anchor,
            })
        }
        Op::NoteText(i, text) => {
            let n = design.notes().len();
            Edit::SetNoteText {
                note: design.notes().nth(i % n.max(1))?.id.clone(),
                text,
            }
        }
        Op::RemoveNote(i) => {
            let n = design.notes().len();
            Edit::RemoveNote(design.notes().nth(i % n.max(1))?.id.clone())
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// 200 sequences of up to 60 edits each: undoing everything restores the start exactly,
    /// and redoing everything gives the end state again.
    #[test]
    fn undoing_every_edit_restores_the_design(ops in proptest::collection::vec(op(), 1..60)) {
        let start = sample();
        let mut design = start.clone();
        let mut undo: Vec<Edit> = Vec::new();
        let mut redo_expected: Vec<Design> = Vec::new();
        for op in ops {
            let Some(edit) = edit_for(&design, op) else { continue };
            let before = design.clone();
            match edit.apply(&mut design) {
                Ok(inverse) => { undo.push(inverse); redo_expected.push(design.clone()); }
                // A refused edit (a cycle, a duplicate) must leave the design untouched.
                Err(_) => prop_assert_eq!(&design, &before),
            }
        }
        let end = design.clone();
        let mut redo: Vec<Edit> = Vec::new();
        while let Some(inverse) = undo.pop() {
            let again = inverse.apply(&mut design).map_err(|e| TestCaseError::fail(e.to_string()))?;
            redo.push(again);
        }
        prop_assert_eq!(&design, &start);
        while let Some(edit) = redo.pop() {
            let inverse = edit.apply(&mut design).map_err(|e| TestCaseError::fail(e.to_string()))?;
            undo.push(inverse);
        }
        prop_assert_eq!(&design, &end);
        prop_assert_eq!(redo_expected.last().unwrap_or(&start), &end);
    }
}

#[test]
fn removing_a_container_takes_its_contents_and_connections_in_one_step() {
    let mut design = sample();
    let before = design.clone();
    let sub = NodeId::new("sub").unwrap_or_else(|e| panic!("{e}"));
    let inverse = Edit::remove_nodes(&design, &[sub])
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(design.is_empty());
    assert_eq!(design.connections().len(), 0);
    inverse.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(design, before);
}

#[test]
fn a_failed_batch_changes_nothing() {
    let mut design = sample();
    let before = design.clone();
    let web = NodeId::new("web").unwrap_or_else(|e| panic!("{e}"));
    let batch = Edit::Batch(vec![
        Edit::Rename {
            node: web.clone(),
            name: "Renamed".to_owned(),
        },
        Edit::Reparent {
            node: web,
            parent: Some(NodeId::new("missing").unwrap_or_else(|e| panic!("{e}"))),
        },
    ]);
    assert!(batch.apply(&mut design).is_err());
    assert_eq!(design, before);
}

#[test]
fn moving_components_carries_the_bends_between_them_and_their_callouts() {
    use palisade::model::{Note, NoteId, Point, Route};
    let mut design = sample();
    let flow = design
        .connections()
        .next()
        .map(|c| c.id.clone())
        .unwrap_or_else(|| panic!("no flow"));
    let kv = NodeId::new("kv").unwrap_or_else(|e| panic!("{e}"));
    let note = NoteId::new("why").unwrap_or_else(|e| panic!("{e}"));
    Edit::Batch(vec![
        Edit::SetRoute {
            connection: flow.clone(),
            route: Route {
                routing: None,
                waypoints: vec![Point::new(300.0, 200.0)],
            },
        },
        Edit::AddNote(Note {
            id: note.clone(),
            text: "Soft delete is on".to_owned(),
            rect: Rect::new(600.0, 0.0, 200.0, 60.0),
            anchor: Some(kv.clone()),
        }),
    ])
    .apply(&mut design)
    .unwrap_or_else(|e| panic!("{e}"));
    let waypoint = |d: &Design| d.connection(&flow).map(|c| c.route.waypoints.clone());
    let note_at = |d: &Design| d.note(&note).map(|n| (n.rect.x, n.rect.y));

    // Only one end moves: the bend stays where the user put it; the callout follows.
    let mut one = design.clone();
    Edit::move_nodes(&one, std::slice::from_ref(&kv), 10.0, 20.0)
        .apply(&mut one)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(waypoint(&one), Some(vec![Point::new(300.0, 200.0)]));
    assert_eq!(note_at(&one), Some((610.0, 20.0)));

    // The container moves with both ends inside: everything comes along, in one undo step.
    let mut all = design.clone();
    let sub = NodeId::new("sub").unwrap_or_else(|e| panic!("{e}"));
    let undo = Edit::move_nodes(&all, &[sub], 10.0, 20.0)
        .apply(&mut all)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(waypoint(&all), Some(vec![Point::new(310.0, 220.0)]));
    assert_eq!(note_at(&all), Some((610.0, 20.0)));
    undo.apply(&mut all).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all, design);

    // Arrange drops bends made for the old picture and keeps the callout beside its vault.
    let mut arranged = design.clone();
    let before = arranged.node(&kv).map(|n| n.rect).unwrap_or_default();
    palisade::layout::arrange_edit(&arranged, crate::catalog())
        .apply(&mut arranged)
        .unwrap_or_else(|e| panic!("{e}"));
    let after = arranged.node(&kv).map(|n| n.rect).unwrap_or_default();
    assert_ne!(before, after, "the sample is not arranged already");
    assert_eq!(waypoint(&arranged), Some(Vec::new()));
    assert_eq!(
        note_at(&arranged),
        Some((600.0 + after.x - before.x, after.y - before.y))
    );
}
