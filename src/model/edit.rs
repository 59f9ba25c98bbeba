//! Edits: the only way a design changes. Applying an edit returns its inverse, which is all
//! undo and redo need.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use super::design::{
    Attestation, Connection, Design, Metadata, ModelError, Node, Note, Route, RuleSetting,
    ThreatDecision, Triage,
};
use super::geometry::{Point, Rect};
use super::ids::{ConnectionId, NodeId, NoteId};
use super::value::Value;

/// One change a user can make to a design.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    AddNode(Node),
    /// Removes a node that has no connections and no children; see [`Edit::remove_nodes`] for
    /// the cascading form the editor uses.
    RemoveNode(NodeId),
    /// Sets position and size.
    SetRect {
        node: NodeId,
        rect: Rect,
    },
    Rename {
        node: NodeId,
        name: String,
    },
    SetNotes {
        node: NodeId,
        notes: String,
    },
    /// `value: None` goes back to the catalog default.
    SetProperty {
        node: NodeId,
        property: String,
        value: Option<Value>,
    },
    Reparent {
        node: NodeId,
        parent: Option<NodeId>,
    },
    Connect(Connection),
    Disconnect(ConnectionId),
    SetConnectionKind {
        connection: ConnectionId,
        kind: String,
    },
    SetConnectionLabel {
        connection: ConnectionId,
        label: String,
    },
    SetConnectionProperty {
        connection: ConnectionId,
        property: String,
        value: Option<Value>,
    },
    /// Sets routing and waypoints.
    SetRoute {
        connection: ConnectionId,
        route: Route,
    },
    AddNote(Note),
    RemoveNote(NoteId),
    SetNoteText {
        note: NoteId,
        text: String,
    },
    SetNoteRect {
        note: NoteId,
        rect: Rect,
    },
    /// Points a note at a node, or (with `None`) makes it a free text box.
    SetNoteAnchor {
        note: NoteId,
        anchor: Option<NodeId>,
    },
    SetMetadata(Box<Metadata>),
    SetRuleSetting {
        rule: String,
        setting: Option<RuleSetting>,
    },
    SetAttestation {
        item: String,
        attestation: Option<Attestation>,
    },
    /// Records (or, with `None`, withdraws) the decision on a finding.
    SetTriage {
        fingerprint: String,
        triage: Option<Triage>,
    },
    /// Records, replaces or (with `None`) removes the decision on a threat.
    SetThreatDecision {
        fingerprint: String,
        decision: Option<ThreatDecision>,
    },
    /// Several edits applied as one step (and undone as one).
    Batch(Vec<Edit>),
}

impl Edit {
    /// Applies the edit and returns the edit that undoes it. On error the design is unchanged.
    pub fn apply(self, design: &mut Design) -> Result<Edit, ModelError> {
        Ok(match self {
            Self::AddNode(node) => {
                let id = node.id.clone();
                design.insert_node(node)?;
                Self::RemoveNode(id)
            }
            Self::RemoveNode(id) => Self::AddNode(design.take_node(&id)?),
            Self::SetRect { node, rect } => {
                let old = std::mem::replace(&mut design.node_mut(&node)?.rect, rect);
                Self::SetRect { node, rect: old }
            }
            Self::Rename { node, name } => {
                let old = std::mem::replace(&mut design.node_mut(&node)?.name, name);
                Self::Rename { node, name: old }
            }
            Self::SetNotes { node, notes } => {
                let old = std::mem::replace(&mut design.node_mut(&node)?.notes, notes);
                Self::SetNotes { node, notes: old }
            }
            Self::SetProperty {
                node,
                property,
                value,
            } => {
                let key = design.shared_property(&property);
                let properties = &mut design.node_mut(&node)?.properties;
                let old = set_or_clear(properties, key, value);
                Self::SetProperty {
                    node,
                    property,
                    value: old,
                }
            }
            Self::Reparent { node, parent } => {
                let old = design.set_parent(&node, parent)?;
                Self::Reparent { node, parent: old }
            }
            Self::Connect(connection) => {
                let id = connection.id.clone();
                design.insert_connection(connection)?;
                Self::Disconnect(id)
            }
            Self::Disconnect(id) => Self::Connect(design.take_connection(&id)?),
            Self::SetConnectionKind { connection, kind } => {
                let kind = design.shared_kind(kind.as_str());
                let old = std::mem::replace(&mut design.connection_mut(&connection)?.kind, kind);
                Self::SetConnectionKind {
                    connection,
                    kind: old.to_string(),
                }
            }
            Self::SetConnectionLabel { connection, label } => {
                let old = std::mem::replace(&mut design.connection_mut(&connection)?.label, label);
                Self::SetConnectionLabel {
                    connection,
                    label: old,
                }
            }
            Self::SetConnectionProperty {
                connection,
                property,
                value,
            } => {
                let key = design.shared_property(&property);
                let properties = &mut design.connection_mut(&connection)?.properties;
                let old = set_or_clear(properties, key, value);
                Self::SetConnectionProperty {
                    connection,
                    property,
                    value: old,
                }
            }
            Self::SetRoute { connection, route } => {
                let old = std::mem::replace(&mut design.connection_mut(&connection)?.route, route);
                Self::SetRoute {
                    connection,
                    route: old,
                }
            }
            Self::AddNote(note) => {
                let id = note.id.clone();
                design.insert_note(note)?;
                Self::RemoveNote(id)
            }
            Self::RemoveNote(id) => Self::AddNote(design.take_note(&id)?),
            Self::SetNoteText { note, text } => {
                let old = std::mem::replace(&mut design.note_mut(&note)?.text, text);
                Self::SetNoteText { note, text: old }
            }
            Self::SetNoteRect { note, rect } => {
                let old = std::mem::replace(&mut design.note_mut(&note)?.rect, rect);
                Self::SetNoteRect { note, rect: old }
            }
            Self::SetNoteAnchor { note, anchor } => {
                let old = design.set_note_anchor(&note, anchor)?;
                Self::SetNoteAnchor { note, anchor: old }
            }
            Self::SetMetadata(meta) => {
                let old = std::mem::replace(&mut design.meta, *meta);
                Self::SetMetadata(Box::new(old))
            }
            Self::SetRuleSetting { rule, setting } => {
                let old = set_or_clear(&mut design.meta.rule_settings, rule.clone(), setting);
                Self::SetRuleSetting { rule, setting: old }
            }
            Self::SetAttestation { item, attestation } => {
                let old = set_or_clear(&mut design.meta.attestations, item.clone(), attestation);
                Self::SetAttestation {
                    item,
                    attestation: old,
                }
            }
            Self::SetTriage {
                fingerprint,
                triage,
            } => {
                let old = set_or_clear(&mut design.meta.triage, fingerprint.clone(), triage);
                Self::SetTriage {
                    fingerprint,
                    triage: old,
                }
            }
            Self::SetThreatDecision {
                fingerprint,
                decision,
            } => {
                let old = set_or_clear(&mut design.meta.threats, fingerprint.clone(), decision);
                Self::SetThreatDecision {
                    fingerprint,
                    decision: old,
                }
            }
            Self::Batch(edits) => {
                let mut inverses = Vec::with_capacity(edits.len());
                for edit in edits {
                    match edit.apply(design) {
                        Ok(inverse) => inverses.push(inverse),
                        Err(error) => {
                            // Roll back what this batch already did, so a failed batch is a no-op.
                            for inverse in inverses.into_iter().rev() {
                                let _ = inverse.apply(design);
                            }
                            return Err(error);
                        }
                    }
                }
                inverses.reverse();
                Self::Batch(inverses)
            }
        })
    }

    /// Removes nodes with everything that depends on them: their connections and, for
    /// containers, their contents. One batch, so one undo step restores it all.
    pub fn remove_nodes(design: &Design, ids: &[NodeId]) -> Edit {
        let mut doomed: Vec<&Node> = Vec::new();
        for id in ids {
            let Some(node) = design.node(id) else {
                continue;
            };
            doomed.push(node);
            doomed.extend(design.descendants(id));
        }
        doomed.sort_by(|a, b| a.id.cmp(&b.id));
        doomed.dedup_by(|a, b| a.id == b.id);
        let doomed_ids: std::collections::BTreeSet<&NodeId> =
            doomed.iter().map(|n| &n.id).collect();

        let mut edits: Vec<Edit> = design
            .connections()
            .filter(|c| doomed_ids.contains(&c.from) || doomed_ids.contains(&c.to))
            .map(|c| Edit::Disconnect(c.id.clone()))
            .collect();
        // A callout outlives what it pointed at as a free note: its text is the user's work.
        edits.extend(
            design
                .notes()
                .filter(|n| n.anchor.as_ref().is_some_and(|a| doomed_ids.contains(a)))
                .map(|n| Edit::SetNoteAnchor {
                    note: n.id.clone(),
                    anchor: None,
                }),
        );
        // Deepest first, so a container is empty when its turn comes.
        doomed.sort_by_key(|n| std::cmp::Reverse(design.ancestors(&n.id).count()));
        edits.extend(doomed.into_iter().map(|n| Edit::RemoveNode(n.id.clone())));
        Edit::Batch(edits)
    }

    /// Moves nodes by an offset; containers carry their contents along, and what is drawn
    /// with the moved nodes comes too: the waypoints of connections between them and the
    /// callouts pointing at them.
    pub fn move_nodes(design: &Design, ids: &[NodeId], dx: f32, dy: f32) -> Edit {
        let mut moved: BTreeMap<&NodeId, Rect> = BTreeMap::new();
        for id in ids {
            let Some(node) = design.node(id) else {
                continue;
            };
            moved.insert(&node.id, node.rect);
            for inner in design.descendants(id) {
                moved.insert(&inner.id, inner.rect);
            }
        }
        let mut edits: Vec<Edit> = moved
            .iter()
            .map(|(id, rect)| Edit::SetRect {
                node: (*id).clone(),
                rect: rect.translated(dx, dy),
            })
            .collect();
        for connection in design.connections() {
            let carried =
                moved.contains_key(&connection.from) && moved.contains_key(&connection.to);
            if carried && !connection.route.waypoints.is_empty() {
                edits.push(Edit::SetRoute {
                    connection: connection.id.clone(),
                    route: Route {
                        routing: connection.route.routing,
                        waypoints: translated(&connection.route.waypoints, dx, dy),
                    },
                });
            }
        }
        for note in design.notes() {
            if note.anchor.as_ref().is_some_and(|a| moved.contains_key(a)) {
                edits.push(Edit::SetNoteRect {
                    note: note.id.clone(),
                    rect: note.rect.translated(dx, dy),
                });
            }
        }
        Edit::Batch(edits)
    }

    /// Whether applying this edit would change nothing (an empty batch).
    pub fn is_noop(&self) -> bool {
        matches!(self, Self::Batch(edits) if edits.iter().all(Edit::is_noop))
    }
}

fn translated(points: &[Point], dx: f32, dy: f32) -> Vec<Point> {
    points.iter().map(|p| p.offset(dx, dy)).collect()
}

fn set_or_clear<K: Ord + Borrow<str>, V>(
    map: &mut BTreeMap<K, V>,
    key: K,
    value: Option<V>,
) -> Option<V> {
    match value {
        Some(value) => map.insert(key, value),
        None => map.remove(key.borrow()),
    }
}
