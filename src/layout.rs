//! Automatic layout: containers packed inside their parents without overlap, each container's
//! children in layers so that connections run left to right. Deterministic (ids order every
//! tie) and independent of the nodes' current positions, so the same design always gets the
//! same picture.
//!
//! No layout crate handles nested containers (layout-rs and rust-sugiyama lay out flat
//! graphs), so this is a small layered layout applied per container, bottom up.

use std::collections::{BTreeMap, BTreeSet};

use crate::export::fit;
use crate::model::{Catalog, Design, Edit, Node, NodeId, Rect, Route};
use crate::scene::metrics;

/// Space between siblings, and between a container's border and its children.
pub const GAP_X: f32 = 60.0;
pub const GAP_Y: f32 = 24.0;
pub const PADDING: f32 = 20.0;
/// Card room taken by the icon, its margins and the right padding, besides the text.
const CARD_CHROME: f32 = metrics::CARD_PADDING + metrics::ICON_SIZE + 10.0 + metrics::CARD_PADDING;
const EMPTY_CONTAINER: (f32, f32) = (220.0, 110.0);

/// The Arrange command as one edit: every node that moves gets its new rectangle, bends
/// dragged into the old picture are dropped, and callouts keep their place beside what they
/// point at. A no-op batch when the design is arranged already.
pub fn arrange_edit(design: &Design, catalog: &Catalog) -> Edit {
    let rects = arrange(design, catalog);
    let mut edits: Vec<Edit> = Vec::new();
    for (id, rect) in &rects {
        if design.node(id).is_some_and(|n| n.rect != *rect) {
            edits.push(Edit::SetRect {
                node: id.clone(),
                rect: *rect,
            });
        }
    }
    if edits.is_empty() {
        return Edit::Batch(edits);
    }
    for connection in design.connections() {
        if !connection.route.waypoints.is_empty() {
            edits.push(Edit::SetRoute {
                connection: connection.id.clone(),
                route: Route {
                    routing: connection.route.routing,
                    waypoints: Vec::new(),
                },
            });
        }
    }
    for note in design.notes() {
        let moved = note
            .anchor
            .as_ref()
            .and_then(|a| Some((design.node(a)?, rects.get(a)?)));
        if let Some((anchor, rect)) = moved
            && anchor.rect != *rect
        {
            edits.push(Edit::SetNoteRect {
                note: note.id.clone(),
                rect: note
                    .rect
                    .translated(rect.x - anchor.rect.x, rect.y - anchor.rect.y),
            });
        }
    }
    Edit::Batch(edits)
}

/// New rectangles for every node of the design, by id.
pub fn arrange(design: &Design, catalog: &Catalog) -> BTreeMap<NodeId, Rect> {
    let mut children: BTreeMap<Option<NodeId>, Vec<NodeId>> = BTreeMap::new();
    for node in design.nodes() {
        let parent = node.parent.clone().filter(|p| design.contains_node(p));
        children.entry(parent).or_default().push(node.id.clone());
    }
    // The child of each container that holds a node, for lifting connections to siblings.
    let edges: Vec<(NodeId, NodeId)> = design
        .connections()
        .map(|c| (c.from.clone(), c.to.clone()))
        .collect();
    let mut layout = Layout {
        design,
        catalog,
        children,
        edges,
        relative: BTreeMap::new(),
        sizes: BTreeMap::new(),
    };
    layout.size_of(None, 0);
    let mut absolute = BTreeMap::new();
    layout.place(None, 0.0, 0.0, &mut absolute, 0);
    absolute
}

struct Layout<'a> {
    design: &'a Design,
    catalog: &'a Catalog,
    children: BTreeMap<Option<NodeId>, Vec<NodeId>>,
    edges: Vec<(NodeId, NodeId)>,
    /// Each node's offset inside its parent's content area.
    relative: BTreeMap<NodeId, (f32, f32)>,
    sizes: BTreeMap<NodeId, (f32, f32)>,
}

impl Layout<'_> {
    /// The card size: the catalog's, widened so the name and kind are not cut.
    fn card_size(&self, id: &NodeId) -> (f32, f32) {
        let Some(node) = self.design.node(id) else {
            return (170.0, 56.0);
        };
        let kind = self.catalog.kind(&node.kind);
        let (w, h) = kind.map_or((170.0, 56.0), |k| k.size);
        let name = fit::width(&node.name, metrics::NAME_SIZE, true);
        let kind_name = kind.map_or(0.0, |k| fit::width(&k.name, metrics::KIND_SIZE, false));
        (w.max(name.max(kind_name) + CARD_CHROME).ceil(), h)
    }

    fn is_container(&self, id: &NodeId) -> bool {
        self.design
            .node(id)
            .and_then(|n| self.catalog.kind(&n.kind))
            .is_some_and(|k| k.container)
    }

    /// The direct child of `container` (or a root when `None`) that holds `node`.
    fn child_holding(&self, container: Option<&NodeId>, node: &NodeId) -> Option<NodeId> {
        let mut current = node.clone();
        for _ in 0..=self.design.nodes().len() {
            let parent = self
                .design
                .node(&current)
                .and_then(|n| n.parent.clone())
                .filter(|p| self.design.contains_node(p));
            if parent.as_ref() == container {
                return Some(current);
            }
            current = parent?;
        }
        None
    }

    /// Sizes a container (or the top level) after laying out its children; returns its size.
    fn size_of(&mut self, container: Option<NodeId>, depth: usize) -> (f32, f32) {
        let members = self.children.get(&container).cloned().unwrap_or_default();
        // Nesting deeper than the design has nodes means a containment cycle; stop there.
        if depth > self.design.nodes().len() {
            return EMPTY_CONTAINER;
        }
        for member in &members {
            let size = if self.is_container(member) {
                self.size_of(Some(member.clone()), depth + 1)
            } else {
                self.card_size(member)
            };
            self.sizes.insert(member.clone(), size);
        }
        let columns = self.columns(container.as_ref(), &members);
        let (mut x, mut height) = (0.0f32, 0.0f32);
        for column in &columns {
            let width = column
                .iter()
                .map(|m| self.sizes.get(m).map_or(0.0, |s| s.0))
                .fold(0.0, f32::max);
            let mut y = 0.0;
            for member in column {
                let size = self.sizes.get(member).copied().unwrap_or(EMPTY_CONTAINER);
                self.relative.insert(member.clone(), (x, y));
                y += size.1 + GAP_Y;
            }
            height = height.max(y - GAP_Y);
            x += width + GAP_X;
        }
        let content = (if columns.is_empty() { 0.0 } else { x - GAP_X }, height);
        match container {
            None => content,
            Some(id) => {
                let title = self.design.node(&id).map_or(0.0, |n| {
                    fit::width(&n.name, metrics::CONTAINER_TITLE_SIZE, true)
                });
                let w = (content.0 + 2.0 * PADDING).max(title + 2.0 * PADDING + 40.0);
                let h = content.1 + 2.0 * PADDING + metrics::CONTAINER_HEADER;
                if members.is_empty() {
                    (w.max(EMPTY_CONTAINER.0), EMPTY_CONTAINER.1)
                } else {
                    (w.ceil(), h.ceil())
                }
            }
        }
    }

    /// The members in columns: layers by longest path over the connections between them
    /// (back edges of cycles ignored), each layer ordered by where its predecessors sit, and
    /// long layers wrapped into several columns.
    fn columns(&self, container: Option<&NodeId>, members: &[NodeId]) -> Vec<Vec<NodeId>> {
        if members.is_empty() {
            return Vec::new();
        }
        let position: BTreeMap<&NodeId, usize> =
            members.iter().enumerate().map(|(i, m)| (m, i)).collect();
        let mut successors: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); members.len()];
        for (from, to) in &self.edges {
            let (Some(a), Some(b)) = (
                self.child_holding(container, from),
                self.child_holding(container, to),
            ) else {
                continue;
            };
            if let (Some(&a), Some(&b)) = (position.get(&a), position.get(&b))
                && a != b
            {
                successors[a].insert(b);
            }
        }
        // Depth-first search in id order: edges to a node still on the stack close a cycle
        // and are dropped, leaving a DAG; `order` is a reverse topological order.
        let mut state = vec![0u8; members.len()];
        let mut order = Vec::with_capacity(members.len());
        let mut dag: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
        for start in 0..members.len() {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, Vec<usize>)> =
                vec![(start, successors[start].iter().copied().collect())];
            state[start] = 1;
            while let Some((node, pending)) = stack.last_mut() {
                let node = *node;
                if let Some(next) = pending.pop() {
                    match state[next] {
                        0 => {
                            dag[node].push(next);
                            state[next] = 1;
                            let next_successors = successors[next].iter().copied().collect();
                            stack.push((next, next_successors));
                        }
                        2 => dag[node].push(next),
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        let mut layer = vec![0usize; members.len()];
        for &node in order.iter().rev() {
            for &next in &dag[node] {
                layer[next] = layer[next].max(layer[node] + 1);
            }
        }
        let layers = layer.iter().max().map_or(0, |m| m + 1);
        let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); layers];
        for (node, &l) in layer.iter().enumerate() {
            by_layer[l].push(node);
        }
        // Order each layer by the mean rank of its predecessors, so flows stay straight.
        let mut rank = vec![0.0f32; members.len()];
        for nodes in &mut by_layer {
            let key = |n: usize| {
                let preds: Vec<f32> = (0..members.len())
                    .filter(|&p| dag[p].contains(&n))
                    .map(|p| rank[p])
                    .collect();
                if preds.is_empty() {
                    f32::MAX
                } else {
                    preds.iter().sum::<f32>() / preds.len() as f32
                }
            };
            let mut keyed: Vec<(f32, usize)> = nodes.iter().map(|&n| (key(n), n)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            *nodes = keyed.into_iter().map(|(_, n)| n).collect();
            for (i, &n) in nodes.iter().enumerate() {
                rank[n] = i as f32;
            }
        }
        let rows = (members.len() as f32).sqrt().ceil().max(4.0) as usize;
        by_layer
            .into_iter()
            .flat_map(|nodes| {
                nodes
                    .chunks(rows)
                    .map(|chunk| {
                        chunk
                            .iter()
                            .map(|&n| members[n].clone())
                            .collect::<Vec<_>>()
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn place(
        &self,
        container: Option<NodeId>,
        x: f32,
        y: f32,
        out: &mut BTreeMap<NodeId, Rect>,
        depth: usize,
    ) {
        if depth > self.design.nodes().len() {
            return;
        }
        for member in self.children.get(&container).cloned().unwrap_or_default() {
            let (dx, dy) = self.relative.get(&member).copied().unwrap_or((0.0, 0.0));
            let (w, h) = self.sizes.get(&member).copied().unwrap_or(EMPTY_CONTAINER);
            let rect = Rect::new(x + dx, y + dy, w, h);
            out.insert(member.clone(), rect);
            if self.is_container(&member) {
                self.place(
                    Some(member),
                    rect.x + PADDING,
                    rect.y + PADDING + metrics::CONTAINER_HEADER,
                    out,
                    depth + 1,
                );
            }
        }
    }
}

/// How [`align`] lines up a selection: by the left, centre or right of the selection's bounds,
/// or its top, middle or bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alignment {
    Left,
    Centre,
    Right,
    Top,
    Middle,
    Bottom,
}

/// The direction [`distribute`] spaces a selection along.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    Horizontal,
    Vertical,
}

/// The selected nodes that move by themselves: those with no selected ancestor, which would
/// carry them. Sorted by id.
fn movable<'a>(design: &'a Design, selection: &BTreeSet<NodeId>) -> Vec<&'a Node> {
    selection
        .iter()
        .filter_map(|id| design.node(id))
        .filter(|node| {
            !design
                .ancestors(&node.id)
                .any(|a| selection.contains(&a.id))
        })
        .collect()
}

/// Moves a node by `(dx, dy)`, its contents with it, as one edit per node that moves.
fn moved(design: &Design, node: &Node, dx: f32, dy: f32, edits: &mut Vec<Edit>) {
    if dx.abs() < f32::EPSILON && dy.abs() < f32::EPSILON {
        return;
    }
    let shift = |rect: Rect| Rect::new(rect.x + dx, rect.y + dy, rect.w, rect.h);
    edits.push(Edit::SetRect {
        node: node.id.clone(),
        rect: shift(node.rect),
    });
    for inner in design.descendants(&node.id) {
        edits.push(Edit::SetRect {
            node: inner.id.clone(),
            rect: shift(inner.rect),
        });
    }
}

/// The moves that line up the selection (two or more nodes) on one edge or centre line of its
/// bounds. Containers carry their contents; nothing else moves.
pub fn align(design: &Design, selection: &BTreeSet<NodeId>, alignment: Alignment) -> Vec<Edit> {
    let nodes = movable(design, selection);
    if nodes.len() < 2 {
        return Vec::new();
    }
    let fold = |f: fn(&Rect) -> f32, pick: fn(f32, f32) -> f32| {
        nodes.iter().map(|n| f(&n.rect)).reduce(pick).unwrap_or(0.0)
    };
    let left = fold(|r| r.x, f32::min);
    let right = fold(|r| r.x + r.w, f32::max);
    let top = fold(|r| r.y, f32::min);
    let bottom = fold(|r| r.y + r.h, f32::max);
    let mut edits = Vec::new();
    for node in nodes {
        let r = node.rect;
        let (dx, dy) = match alignment {
            Alignment::Left => (left - r.x, 0.0),
            Alignment::Centre => ((left + right) / 2.0 - (r.x + r.w / 2.0), 0.0),
            Alignment::Right => (right - (r.x + r.w), 0.0),
            Alignment::Top => (0.0, top - r.y),
            Alignment::Middle => (0.0, (top + bottom) / 2.0 - (r.y + r.h / 2.0)),
            Alignment::Bottom => (0.0, bottom - (r.y + r.h)),
        };
        moved(design, node, dx, dy, &mut edits);
    }
    edits
}

/// The moves that give the selection (three or more nodes) equal gaps along an axis, keeping
/// the first and the last where they are. Order is by position, then id.
pub fn distribute(design: &Design, selection: &BTreeSet<NodeId>, axis: Axis) -> Vec<Edit> {
    let mut nodes = movable(design, selection);
    if nodes.len() < 3 {
        return Vec::new();
    }
    // Where a rectangle starts along the axis, and how long it is.
    let start = |r: &Rect| match axis {
        Axis::Horizontal => r.x,
        Axis::Vertical => r.y,
    };
    let size = |r: &Rect| match axis {
        Axis::Horizontal => r.w,
        Axis::Vertical => r.h,
    };
    nodes.sort_by(|a, b| {
        start(&a.rect)
            .total_cmp(&start(&b.rect))
            .then_with(|| a.id.cmp(&b.id))
    });
    let (first, last) = (nodes[0].rect, nodes[nodes.len() - 1].rect);
    let span = start(&last) + size(&last) - start(&first);
    let occupied: f32 = nodes.iter().map(|n| size(&n.rect)).sum();
    let gap = (span - occupied) / (nodes.len() - 1) as f32;
    let mut edits = Vec::new();
    let mut next = start(&first);
    for node in &nodes {
        let delta = next - start(&node.rect);
        let (dx, dy) = match axis {
            Axis::Horizontal => (delta, 0.0),
            Axis::Vertical => (0.0, delta),
        };
        moved(design, node, dx, dy, &mut edits);
        next += size(&node.rect) + gap;
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Connection, ConnectionId};

    fn node(id: &str, kind: &str, parent: Option<&str>) -> Edit {
        Edit::AddNode(Node {
            id: NodeId::new(id).unwrap_or_else(|e| panic!("{e}")),
            kind: kind.into(),
            name: id.to_owned(),
            rect: Rect::new(0.0, 0.0, 10.0, 10.0),
            parent: parent.map(|p| NodeId::new(p).unwrap_or_else(|e| panic!("{e}"))),
            properties: Default::default(),
            notes: String::new(),
        })
    }

    fn flow(from: &str, to: &str) -> Edit {
        let id = |t: &str| NodeId::new(t).unwrap_or_else(|e| panic!("{e}"));
        Edit::Connect(Connection {
            id: ConnectionId::new(format!("{from}-{to}")).unwrap_or_else(|e| panic!("{e}")),
            kind: "traffic".into(),
            from: id(from),
            to: id(to),
            label: String::new(),
            properties: Default::default(),
            route: Default::default(),
        })
    }

    fn placed(id: &str, kind: &str, parent: Option<&str>, rect: Rect) -> Edit {
        let Edit::AddNode(mut node) = node(id, kind, parent) else {
            unreachable!()
        };
        node.rect = rect;
        Edit::AddNode(node)
    }

    fn ids(list: &[&str]) -> BTreeSet<NodeId> {
        list.iter()
            .map(|id| NodeId::new(*id).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    fn rect_of(design: &Design, id: &str) -> Rect {
        design
            .nodes()
            .find(|n| n.id.as_str() == id)
            .map(|n| n.rect)
            .unwrap_or_else(|| panic!("no {id}"))
    }

    fn aligned_design() -> Design {
        let mut design = Design::new("t");
        for edit in [
            placed(
                "vnet",
                "virtual_network",
                None,
                Rect::new(300.0, 50.0, 200.0, 150.0),
            ),
            placed(
                "vm",
                "virtual_machine",
                Some("vnet"),
                Rect::new(320.0, 90.0, 100.0, 40.0),
            ),
            placed("a", "app_service", None, Rect::new(10.0, 0.0, 100.0, 40.0)),
            placed(
                "b",
                "storage_account",
                None,
                Rect::new(40.0, 300.0, 160.0, 60.0),
            ),
        ] {
            edit.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
        }
        design
    }

    #[test]
    fn align_lines_up_the_selection_and_containers_carry_their_contents() {
        let mut design = aligned_design();
        // The VM is inside the selected network: it moves with it, not by itself.
        let edits = align(&design, &ids(&["a", "b", "vnet", "vm"]), Alignment::Left);
        Edit::Batch(edits)
            .apply(&mut design)
            .unwrap_or_else(|e| panic!("{e}"));
        for id in ["a", "b", "vnet"] {
            assert_eq!(rect_of(&design, id).x, 10.0, "{id}");
        }
        assert_eq!(rect_of(&design, "vm").x, 30.0);
        assert_eq!(rect_of(&design, "vm").y, 90.0);

        let edits = align(&design, &ids(&["a", "b"]), Alignment::Middle);
        Edit::Batch(edits)
            .apply(&mut design)
            .unwrap_or_else(|e| panic!("{e}"));
        let middle = |id| {
            let r = rect_of(&design, id);
            r.y + r.h / 2.0
        };
        assert_eq!(middle("a"), middle("b"));
        assert_eq!(middle("a"), 180.0);
        // One node, or none, is nothing to align.
        assert!(align(&design, &ids(&["a"]), Alignment::Right).is_empty());
    }

    #[test]
    fn distribute_gives_equal_gaps_and_keeps_the_ends() {
        let mut design = Design::new("t");
        for edit in [
            placed("a", "app_service", None, Rect::new(0.0, 0.0, 100.0, 40.0)),
            placed("b", "app_service", None, Rect::new(120.0, 0.0, 50.0, 40.0)),
            placed("c", "app_service", None, Rect::new(400.0, 0.0, 100.0, 40.0)),
        ] {
            edit.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
        }
        let edits = distribute(&design, &ids(&["a", "b", "c"]), Axis::Horizontal);
        Edit::Batch(edits)
            .apply(&mut design)
            .unwrap_or_else(|e| panic!("{e}"));
        let (a, b, c) = (
            rect_of(&design, "a"),
            rect_of(&design, "b"),
            rect_of(&design, "c"),
        );
        assert_eq!((a.x, c.x), (0.0, 400.0));
        assert_eq!(b.x - (a.x + a.w), c.x - (b.x + b.w));
        assert!(distribute(&design, &ids(&["a", "b"]), Axis::Vertical).is_empty());
    }

    #[test]
    fn nested_containers_hold_their_children_and_flows_run_left_to_right() {
        let mut design = Design::new("t");
        Edit::Batch(vec![
            node("rg", "resource_group", None),
            node("vnet", "virtual_network", Some("rg")),
            node("snet", "subnet", Some("vnet")),
            node(
                "a-long-named-virtual-machine-that-needs-room",
                "virtual_machine",
                Some("snet"),
            ),
            node("app", "app_service", Some("rg")),
            node("sql", "sql_database", Some("rg")),
            flow("app", "a-long-named-virtual-machine-that-needs-room"),
            flow("a-long-named-virtual-machine-that-needs-room", "sql"),
            flow("sql", "app"),
        ])
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
        let catalog = crate::model::catalog::builtin();
        let rects = arrange(&design, catalog);
        assert_eq!(rects, arrange(&design, catalog), "deterministic");
        let rect = |id: &str| rects.get(id).copied().unwrap_or_else(|| panic!("{id}"));
        for (child, parent) in [
            ("vnet", "rg"),
            ("snet", "vnet"),
            ("app", "rg"),
            ("sql", "rg"),
        ] {
            assert!(
                rect(parent).contains_rect(rect(child)),
                "{child} in {parent}"
            );
        }
        let vm = rect("a-long-named-virtual-machine-that-needs-room");
        assert!(vm.w > 170.0, "the card widens for its name");
        // app → vnet (holding the VM) → sql, the cycle back to app ignored.
        assert!(rect("app").x < rect("vnet").x && rect("vnet").x < rect("sql").x);
    }
}
