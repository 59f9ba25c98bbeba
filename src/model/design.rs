//! A design: nodes (components and containers), connections between them, and metadata.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use petgraph::Direction;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, KindDef};
use super::geometry::{Point, Rect};
use super::ids::{ConnectionId, KindName, NodeId, NoteId, PropertyName};
use super::value::Value;

/// A component (a card on the canvas) or a container (a region holding other nodes).
/// Which one it is comes from its kind in the catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: NodeId,
    /// A kind id from the catalog.
    pub kind: KindName,
    pub name: String,
    /// Position and size on the canvas, in canvas units.
    pub rect: Rect,
    /// The container this node sits in; `None` at the top level.
    pub parent: Option<NodeId>,
    /// Properties set explicitly; anything absent has the catalog default.
    pub properties: BTreeMap<PropertyName, Value>,
    /// Free-text notes shown in the inspector and reports.
    pub notes: String,
}

/// A directed connection: a data flow from initiator to listener, or an association
/// (diagnostics, private link, peering, governance ...), depending on its kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    pub id: ConnectionId,
    /// A connection kind id from the catalog.
    pub kind: KindName,
    pub from: NodeId,
    pub to: NodeId,
    /// Optional label; the canvas shows protocol and port when empty.
    pub label: String,
    pub properties: BTreeMap<PropertyName, Value>,
    /// How its line runs on the canvas.
    pub route: Route,
}

/// How a connection's line runs between its ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Routing {
    /// Straight segments from end to end (through the waypoints).
    #[default]
    Straight,
    /// Horizontal and vertical segments that go around cards.
    Orthogonal,
}

impl Routing {
    pub const ALL: [Self; 2] = [Self::Straight, Self::Orthogonal];

    /// In words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Straight => "Straight",
            Self::Orthogonal => "Elbow (orthogonal)",
        }
    }
}

/// A connection's path: its routing (the design's default when `None`) and the points the
/// user dragged it through, in canvas units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Route {
    pub routing: Option<Routing>,
    pub waypoints: Vec<Point>,
}

/// A text box on the canvas for the explanations a reviewer adds; a callout when it points
/// at a component (`anchor`). Notes take no part in the rules.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub id: NoteId,
    pub text: String,
    pub rect: Rect,
    /// The node the note points at, drawn as a leader line.
    pub anchor: Option<NodeId>,
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub const ALL: [Self; 5] = [
        Self::Critical,
        Self::High,
        Self::Medium,
        Self::Low,
        Self::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
            Self::Info => "info",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A per-design override of one rule.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RuleSetting {
    pub enabled: bool,
    /// Replaces the rule's own severity when set.
    pub severity: Option<Severity>,
    /// Why the setting was changed (shown in reports).
    pub reason: String,
}

/// A reviewer's decision on one finding, kept in the design under the finding's fingerprint
/// (`rule@subject`), so it survives moves, renames and reloads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Triage {
    pub status: TriageStatus,
    /// Why: required, and shown wherever the finding is.
    pub justification: String,
    /// Who decided.
    pub by: String,
    /// When, as `YYYY-MM-DD`.
    pub date: String,
    /// The last day the decision holds (`YYYY-MM-DD`); after it the finding is open again.
    pub expires: Option<String>,
}

/// What a reviewer decided about a finding. A finding without a decision is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TriageStatus {
    /// The risk is known and accepted, for the time given.
    AcceptedRisk,
    /// A control outside the design answers it (a policy, a process, another system).
    MitigatedElsewhere,
    /// The finding does not hold for this design.
    FalsePositive,
}

impl TriageStatus {
    pub const ALL: [Self; 3] = [
        Self::AcceptedRisk,
        Self::MitigatedElsewhere,
        Self::FalsePositive,
    ];

    /// The id written in files and machine-readable reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AcceptedRisk => "accepted_risk",
            Self::MitigatedElsewhere => "mitigated_elsewhere",
            Self::FalsePositive => "false_positive",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == id)
    }

    /// In words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::AcceptedRisk => "Accepted risk",
            Self::MitigatedElsewhere => "Mitigated outside the design",
            Self::FalsePositive => "False positive",
        }
    }
}

/// What a reviewer decided about a generated threat. A threat without a decision is judged by
/// the design alone (mitigated when a control answers it, else open).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreatDecision {
    pub status: ThreatStatus,
    /// Why, or what mitigates it: required.
    pub note: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ThreatStatus {
    /// Someone has to look at it.
    NeedsInvestigation,
    /// The threat does not hold for this element.
    NotApplicable,
    /// Something the design does not show answers it (the note says what).
    Mitigated,
}

impl ThreatStatus {
    pub const ALL: [Self; 3] = [
        Self::NeedsInvestigation,
        Self::NotApplicable,
        Self::Mitigated,
    ];

    /// The id written in files and machine-readable reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NeedsInvestigation => "needs_investigation",
            Self::NotApplicable => "not_applicable",
            Self::Mitigated => "mitigated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NeedsInvestigation => "Needs investigation",
            Self::NotApplicable => "Not applicable",
            Self::Mitigated => "Mitigated (say how)",
        }
    }
}

/// A process recommendation the design owner confirms (threat model, testing, incident response).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Attestation {
    pub confirmed: bool,
    /// Where the evidence is (a link or a document name).
    pub evidence: String,
}

/// Facts about the design as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Metadata {
    pub name: String,
    pub description: String,
    pub owner: String,
    /// The highest classification of data the workload handles.
    pub data_classification: String,
    /// Where the design came from (a template's source link), if anywhere.
    pub source: String,
    pub attestations: BTreeMap<String, Attestation>,
    pub rule_settings: BTreeMap<String, RuleSetting>,
    /// Decisions on findings, by fingerprint.
    pub triage: BTreeMap<String, Triage>,
    /// Decisions on threats, by threat fingerprint.
    pub threats: BTreeMap<String, ThreatDecision>,
    /// How connections without a routing of their own are drawn.
    pub routing: Routing,
}

/// Why an edit or a query cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("there is no node `{0}`")]
    NoSuchNode(NodeId),
    #[error("there is no connection `{0}`")]
    NoSuchConnection(ConnectionId),
    #[error("a node with id `{0}` already exists")]
    DuplicateNode(NodeId),
    #[error("a connection with id `{0}` already exists")]
    DuplicateConnection(ConnectionId),
    #[error("node `{0}` still has connections or children")]
    NodeInUse(NodeId),
    #[error("`{child}` cannot be placed inside `{parent}`: that would make a cycle")]
    ContainmentCycle { child: NodeId, parent: NodeId },
    #[error("`{0}` is not a container")]
    NotAContainer(NodeId),
    #[error("there is no note `{0}`")]
    NoSuchNote(NoteId),
    #[error("a note with id `{0}` already exists")]
    DuplicateNote(NoteId),
}

/// The design and the connection graph that indexes it.
///
/// Nodes and connections live in id-sorted maps (the source of truth, and the order files are
/// written in); the petgraph graph mirrors them for topology queries and is kept in step by the
/// mutators below, which only [`super::edit::Edit::apply`] calls.
#[derive(Clone, Debug, Default)]
pub struct Design {
    pub meta: Metadata,
    nodes: BTreeMap<NodeId, Node>,
    connections: BTreeMap<ConnectionId, Connection>,
    notes: BTreeMap<NoteId, Note>,
    graph: StableDiGraph<NodeId, ConnectionId>,
    node_index: HashMap<NodeId, NodeIndex>,
    edge_index: HashMap<ConnectionId, EdgeIndex>,
    /// One copy of each kind and property name in use, handed to every node and connection
    /// that names it.
    names: BTreeSet<Arc<str>>,
}

impl PartialEq for Design {
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta
            && self.nodes == other.nodes
            && self.connections == other.connections
            && self.notes == other.notes
    }
}

impl Design {
    pub fn new(name: &str) -> Self {
        Self {
            meta: Metadata {
                name: name.to_owned(),
                ..Metadata::default()
            },
            ..Self::default()
        }
    }

    /// Nodes sorted by id.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = &Node> + Clone {
        self.nodes.values()
    }

    /// Connections sorted by id.
    pub fn connections(&self) -> impl ExactSizeIterator<Item = &Connection> + Clone {
        self.connections.values()
    }

    /// Notes sorted by id.
    pub fn notes(&self) -> impl ExactSizeIterator<Item = &Note> + Clone {
        self.notes.values()
    }

    pub fn note(&self, id: &NoteId) -> Option<&Note> {
        self.notes.get(id)
    }

    /// A note id not used yet.
    pub fn fresh_note_id(&self) -> NoteId {
        NoteId::fresh("note", |c| self.notes.contains_key(c))
    }

    /// The routing a connection is drawn with: its own, else the design's.
    pub fn routing_of(&self, connection: &Connection) -> Routing {
        connection.route.routing.unwrap_or(self.meta.routing)
    }

    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    pub fn connection(&self, id: &ConnectionId) -> Option<&Connection> {
        self.connections.get(id)
    }

    pub fn contains_node(&self, id: &NodeId) -> bool {
        self.nodes.contains_key(id)
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A node id not used yet, derived from `stem` (usually the kind).
    pub fn fresh_node_id(&self, stem: &str) -> NodeId {
        NodeId::fresh(stem, |c| self.nodes.contains_key(c))
    }

    /// A connection id not used yet.
    pub fn fresh_connection_id(&self) -> ConnectionId {
        ConnectionId::fresh("c", |c| self.connections.contains_key(c))
    }

    // ---- mutators: only `Edit::apply` calls these --------------------------------------------

    pub(super) fn insert_node(&mut self, mut node: Node) -> Result<(), ModelError> {
        if self.nodes.contains_key(&node.id) {
            return Err(ModelError::DuplicateNode(node.id));
        }
        if let Some(parent) = &mut node.parent {
            *parent = self.shared_id(parent)?;
        }
        node.kind = self.shared_kind(&node.kind);
        node.properties = self.share_properties(std::mem::take(&mut node.properties));
        let index = self.graph.add_node(node.id.clone());
        self.node_index.insert(node.id.clone(), index);
        self.nodes.insert(node.id.clone(), node);
        Ok(())
    }

    /// The node's own copy of `id`: parents and connection ends share it, so the rule engine can
    /// recognise a node by the address of its id instead of hashing the text.
    fn shared_id(&self, id: &NodeId) -> Result<NodeId, ModelError> {
        match self.nodes.get_key_value(id) {
            Some((shared, _)) => Ok(shared.clone()),
            None => Err(ModelError::NoSuchNode(id.clone())),
        }
    }

    /// The design's copy of a name, made on first use: elements naming the same kind or
    /// property share it, so comparing names stays in cache.
    fn shared_name(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.names.get(text) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(text);
        self.names.insert(Arc::clone(&shared));
        shared
    }

    pub(super) fn shared_kind(&mut self, kind: &str) -> KindName {
        KindName::shared(self.shared_name(kind))
    }

    pub(super) fn shared_property(&mut self, property: &str) -> PropertyName {
        PropertyName::shared(self.shared_name(property))
    }

    /// The same properties, keyed by the design's copies of their names.
    fn share_properties(
        &mut self,
        properties: BTreeMap<PropertyName, Value>,
    ) -> BTreeMap<PropertyName, Value> {
        properties
            .into_iter()
            .map(|(name, value)| (self.shared_property(&name), value))
            .collect()
    }

    pub(super) fn take_node(&mut self, id: &NodeId) -> Result<Node, ModelError> {
        let index = *self
            .node_index
            .get(id)
            .ok_or_else(|| ModelError::NoSuchNode(id.clone()))?;
        let has_edges = self
            .graph
            .edges_directed(index, Direction::Outgoing)
            .next()
            .is_some()
            || self
                .graph
                .edges_directed(index, Direction::Incoming)
                .next()
                .is_some();
        let anchors_a_note = self.notes.values().any(|n| n.anchor.as_ref() == Some(id));
        if has_edges || anchors_a_note || self.children(id).next().is_some() {
            return Err(ModelError::NodeInUse(id.clone()));
        }
        self.graph.remove_node(index);
        self.node_index.remove(id);
        self.nodes
            .remove(id)
            .ok_or_else(|| ModelError::NoSuchNode(id.clone()))
    }

    pub(super) fn node_mut(&mut self, id: &NodeId) -> Result<&mut Node, ModelError> {
        self.nodes
            .get_mut(id)
            .ok_or_else(|| ModelError::NoSuchNode(id.clone()))
    }

    pub(super) fn set_parent(
        &mut self,
        id: &NodeId,
        parent: Option<NodeId>,
    ) -> Result<Option<NodeId>, ModelError> {
        if !self.nodes.contains_key(id) {
            return Err(ModelError::NoSuchNode(id.clone()));
        }
        let parent = parent.map(|p| self.shared_id(&p)).transpose()?;
        if let Some(p) = &parent
            && (p == id || self.ancestors(p).any(|a| &a.id == id))
        {
            return Err(ModelError::ContainmentCycle {
                child: id.clone(),
                parent: p.clone(),
            });
        }
        let node = self.node_mut(id)?;
        Ok(std::mem::replace(&mut node.parent, parent))
    }

    pub(super) fn insert_connection(
        &mut self,
        mut connection: Connection,
    ) -> Result<(), ModelError> {
        if self.connections.contains_key(&connection.id) {
            return Err(ModelError::DuplicateConnection(connection.id));
        }
        let (from_id, &from) = self
            .node_index
            .get_key_value(&connection.from)
            .ok_or_else(|| ModelError::NoSuchNode(connection.from.clone()))?;
        connection.from = from_id.clone();
        let (to_id, &to) = self
            .node_index
            .get_key_value(&connection.to)
            .ok_or_else(|| ModelError::NoSuchNode(connection.to.clone()))?;
        connection.to = to_id.clone();
        connection.kind = self.shared_kind(&connection.kind);
        connection.properties = self.share_properties(std::mem::take(&mut connection.properties));
        let edge = self.graph.add_edge(from, to, connection.id.clone());
        self.edge_index.insert(connection.id.clone(), edge);
        self.connections.insert(connection.id.clone(), connection);
        Ok(())
    }

    pub(super) fn take_connection(&mut self, id: &ConnectionId) -> Result<Connection, ModelError> {
        let edge = self
            .edge_index
            .remove(id)
            .ok_or_else(|| ModelError::NoSuchConnection(id.clone()))?;
        self.graph.remove_edge(edge);
        self.connections
            .remove(id)
            .ok_or_else(|| ModelError::NoSuchConnection(id.clone()))
    }

    pub(super) fn insert_note(&mut self, mut note: Note) -> Result<(), ModelError> {
        if self.notes.contains_key(&note.id) {
            return Err(ModelError::DuplicateNote(note.id));
        }
        note.anchor = note.anchor.map(|a| self.shared_id(&a)).transpose()?;
        self.notes.insert(note.id.clone(), note);
        Ok(())
    }

    pub(super) fn take_note(&mut self, id: &NoteId) -> Result<Note, ModelError> {
        self.notes
            .remove(id)
            .ok_or_else(|| ModelError::NoSuchNote(id.clone()))
    }

    pub(super) fn note_mut(&mut self, id: &NoteId) -> Result<&mut Note, ModelError> {
        self.notes
            .get_mut(id)
            .ok_or_else(|| ModelError::NoSuchNote(id.clone()))
    }

    /// Points a note at `anchor` (or at nothing), returning what it pointed at before.
    pub(super) fn set_note_anchor(
        &mut self,
        id: &NoteId,
        anchor: Option<NodeId>,
    ) -> Result<Option<NodeId>, ModelError> {
        let anchor = anchor.map(|a| self.shared_id(&a)).transpose()?;
        Ok(std::mem::replace(&mut self.note_mut(id)?.anchor, anchor))
    }

    pub(super) fn connection_mut(
        &mut self,
        id: &ConnectionId,
    ) -> Result<&mut Connection, ModelError> {
        self.connections
            .get_mut(id)
            .ok_or_else(|| ModelError::NoSuchConnection(id.clone()))
    }

    // ---- queries ----------------------------------------------------------------------------

    /// Direct children of a container, sorted by id.
    pub fn children<'a>(&'a self, id: &'a NodeId) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes
            .values()
            .filter(move |n| n.parent.as_ref() == Some(id))
    }

    /// All nodes inside a container, at any depth, sorted by id.
    pub fn descendants(&self, id: &NodeId) -> Vec<&Node> {
        let children = self.children_index();
        let mut out = Vec::new();
        let mut queue = VecDeque::from([id]);
        while let Some(current) = queue.pop_front() {
            for child in children.get(current).into_iter().flatten() {
                out.push(*child);
                queue.push_back(&child.id);
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// A map from container id to its direct children (each list sorted by id).
    pub fn children_index(&self) -> HashMap<&NodeId, Vec<&Node>> {
        let mut index: HashMap<&NodeId, Vec<&Node>> = HashMap::new();
        for node in self.nodes.values() {
            if let Some(parent) = &node.parent {
                index.entry(parent).or_default().push(node);
            }
        }
        index
    }

    /// The container chain from the direct parent outwards. Stops on a cycle (which edits
    /// refuse to make, but a hand-edited file could hold one until validation reports it).
    pub fn ancestors<'a>(&'a self, id: &NodeId) -> impl Iterator<Item = &'a Node> + 'a {
        let mut current = self
            .nodes
            .get(id)
            .and_then(|n| n.parent.as_ref())
            .and_then(|p| self.nodes.get(p));
        let mut steps = 0;
        let limit = self.nodes.len();
        std::iter::from_fn(move || {
            let node = current?;
            steps += 1;
            if steps > limit {
                return None;
            }
            current = node.parent.as_ref().and_then(|p| self.nodes.get(p));
            Some(node)
        })
    }

    /// The nearest enclosing container of the given kind.
    pub fn ancestor_of_kind(&self, id: &NodeId, kind: &str) -> Option<&Node> {
        self.ancestors(id).find(|a| a.kind == kind)
    }

    /// Whether `id` sits (at any depth) inside `container`.
    pub fn is_inside(&self, id: &NodeId, container: &NodeId) -> bool {
        self.ancestors(id).any(|a| &a.id == container)
    }

    /// Connections leaving `id`, sorted by connection id.
    pub fn outgoing(&self, id: &NodeId) -> Vec<&Connection> {
        self.connections_at(id, Direction::Outgoing)
    }

    /// Connections arriving at `id`, sorted by connection id.
    pub fn incoming(&self, id: &NodeId) -> Vec<&Connection> {
        self.connections_at(id, Direction::Incoming)
    }

    fn connections_at(&self, id: &NodeId, direction: Direction) -> Vec<&Connection> {
        let Some(&index) = self.node_index.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<&Connection> = self
            .graph
            .edges_directed(index, direction)
            .filter_map(|e| self.connections.get(e.weight()))
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// Nodes connected to `id` by a connection of `connection_kind`, in the given direction,
    /// sorted by id.
    pub fn neighbours(&self, id: &NodeId, connection_kind: &str, outgoing: bool) -> Vec<&Node> {
        let connections = if outgoing {
            self.outgoing(id)
        } else {
            self.incoming(id)
        };
        let mut out: Vec<&Node> = connections
            .into_iter()
            .filter(|c| c.kind == connection_kind)
            .filter_map(|c| self.nodes.get(if outgoing { &c.to } else { &c.from }))
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out.dedup_by(|a, b| a.id == b.id);
        out
    }

    /// Nodes reachable from `sources` along connections accepted by `follow`, never entering a
    /// node for which `blocks` is true. Breadth-first over the graph: linear in nodes plus
    /// connections, cycles included. The sources themselves are not in the result unless
    /// reached again.
    pub fn reachable<'a>(
        &'a self,
        sources: impl IntoIterator<Item = &'a NodeId>,
        follow: impl Fn(&Connection) -> bool,
        blocks: impl Fn(&Node) -> bool,
    ) -> BTreeMap<&'a NodeId, &'a NodeId> {
        // Maps each reached node to the node it was reached from, so callers can show a path.
        let mut reached: BTreeMap<&NodeId, &NodeId> = BTreeMap::new();
        let mut queue: VecDeque<&NodeId> = VecDeque::new();
        for source in sources {
            if self.node_index.contains_key(source) {
                queue.push_back(source);
            }
        }
        let mut visited: std::collections::HashSet<&NodeId> = queue.iter().copied().collect();
        while let Some(current) = queue.pop_front() {
            let Some(&index) = self.node_index.get(current) else {
                continue;
            };
            let mut next: Vec<(&ConnectionId, NodeIndex)> = self
                .graph
                .edges_directed(index, Direction::Outgoing)
                .map(|e| (e.weight(), e.target()))
                .collect();
            next.sort();
            for (connection_id, target) in next {
                let Some(connection) = self.connections.get(connection_id) else {
                    continue;
                };
                if !follow(connection) {
                    continue;
                }
                let Some(target_id) = self.graph.node_weight(target) else {
                    continue;
                };
                let Some(target_node) = self.nodes.get(target_id) else {
                    continue;
                };
                if blocks(target_node) || !visited.insert(target_id) {
                    continue;
                }
                reached.insert(target_id, current);
                queue.push_back(target_id);
            }
        }
        reached
    }

    /// A property's value: the explicit one, else the catalog default. `None` when the kind or
    /// the property is unknown.
    pub fn property<'a>(
        &'a self,
        catalog: &'a Catalog,
        node: &'a Node,
        property: &str,
    ) -> Option<&'a Value> {
        node.properties.get(property).or_else(|| {
            let kind = catalog.kind(&node.kind)?;
            catalog.node_property(kind, property).map(|p| &p.default)
        })
    }

    /// The kind definition of a node, if the catalog knows it.
    pub fn kind_of<'a>(&self, catalog: &'a Catalog, node: &Node) -> Option<&'a KindDef> {
        catalog.kind(&node.kind)
    }

    /// The box around everything drawn (nodes, notes, connection waypoints); `None` when empty.
    pub fn bounds(&self) -> Option<Rect> {
        let waypoints = self
            .connections
            .values()
            .flat_map(|c| &c.route.waypoints)
            .map(|p| Rect::new(p.x, p.y, 0.0, 0.0));
        self.nodes
            .values()
            .map(|n| n.rect)
            .chain(self.notes.values().map(|n| n.rect))
            .chain(waypoints)
            .reduce(Rect::union)
    }
}

impl Connection {
    /// A connection property: the explicit value, else the catalog default.
    pub fn property<'a>(&'a self, catalog: &'a Catalog, property: &str) -> Option<&'a Value> {
        self.properties.get(property).or_else(|| {
            catalog
                .connection_kind(&self.kind)?
                .properties
                .iter()
                .find(|p| p.id == property)
                .map(|p| &p.default)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::generate;

    #[test]
    fn parents_connection_ends_kinds_and_property_names_share_one_copy() {
        let catalog = super::super::catalog::builtin();
        let loaded = crate::templates::builtin()
            .iter()
            .map(|template| template.load(catalog))
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("{e}"));
        for design in loaded.iter().chain([&generate::design(40)]) {
            shares_one_copy(design);
        }
    }

    fn shares_one_copy(design: &super::Design) {
        let own_id = |id: &super::NodeId| design.nodes[id].id.address();
        for connection in design.connections() {
            assert_eq!(connection.from.address(), own_id(&connection.from));
            assert_eq!(connection.to.address(), own_id(&connection.to));
        }
        let mut kinds: BTreeMap<&str, *const u8> = BTreeMap::new();
        for node in design.nodes() {
            if let Some(parent) = &node.parent {
                assert_eq!(parent.address(), own_id(parent));
            }
            let names = node.properties.keys().map(|k| k.as_str());
            for text in names.chain([node.kind.as_str()]) {
                assert_eq!(*kinds.entry(text).or_insert(text.as_ptr()), text.as_ptr());
            }
        }
        for connection in design.connections() {
            let names = connection.properties.keys().map(|k| k.as_str());
            for text in names.chain([connection.kind.as_str()]) {
                assert_eq!(*kinds.entry(text).or_insert(text.as_ptr()), text.as_ptr());
            }
        }
        assert!(kinds.len() > 5, "{kinds:?}");
    }
}
