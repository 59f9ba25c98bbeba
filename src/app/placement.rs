//! Where things go when the user drops them: the container under the pointer that may hold the
//! kind, and the edits that add or move nodes there.

use std::collections::BTreeSet;

use crate::model::{
    Catalog, Design, Edit, KindDef, Node, NodeId, Note, NoteId, Point, Rect, geometry,
};

/// Grid step in canvas units; positions snap to it.
pub const GRID: f32 = 10.0;

/// The deepest container under `point` that may hold `kind` (skipping `exclude`, the nodes being
/// moved, and what is inside them). `Ok(None)` is the top level. `Err` says why nothing fits.
pub fn parent_at(
    design: &Design,
    catalog: &Catalog,
    kind: &KindDef,
    point: Point,
    exclude: &BTreeSet<NodeId>,
) -> Result<Option<NodeId>, String> {
    let mut under: Vec<&Node> = design
        .nodes()
        .filter(|n| catalog.kind(&n.kind).is_some_and(|k| k.container))
        .filter(|n| n.rect.contains(point))
        .filter(|n| !exclude.contains(&n.id) && !exclude.iter().any(|e| design.is_inside(&n.id, e)))
        .collect();
    // Deepest first; among equals the smallest region, which is the one drawn on top.
    under.sort_by(|a, b| {
        let depth = |n: &Node| design.ancestors(&n.id).count();
        depth(b)
            .cmp(&depth(a))
            .then(a.rect.area().total_cmp(&b.rect.area()))
            .then(a.id.cmp(&b.id))
    });
    for container in under {
        if catalog.may_contain(Some(&container.kind), kind) {
            return Ok(Some(container.id.clone()));
        }
    }
    if catalog.may_contain(None, kind) {
        return Ok(None);
    }
    let parents: Vec<String> = kind
        .parents
        .iter()
        .filter_map(|p| catalog.kind(p))
        .map(KindDef::noun)
        .collect();
    Err(format!(
        "{} must be placed inside {}",
        kind.noun(),
        parents.join(" or ")
    ))
}

/// The edit that adds a new node of `kind` centred on `center`, in the container there.
/// Size of a new note, in canvas units.
pub const NOTE_SIZE: (f32, f32) = (220.0, 80.0);

/// A new, empty note: a callout above and to the right of `anchor` when one is given (so its
/// leader line is short and clear of the card), else centred on `at`.
pub fn add_note(design: &Design, anchor: Option<&Node>, at: Point) -> (Edit, NoteId) {
    let (w, h) = NOTE_SIZE;
    let (x, y) = match anchor {
        Some(node) => (node.rect.x + node.rect.w + 40.0, node.rect.y - h - 30.0),
        None => (at.x - w / 2.0, at.y - h / 2.0),
    };
    let id = design.fresh_note_id();
    let note = Note {
        id: id.clone(),
        text: String::new(),
        rect: Rect::new(geometry::snap(x, GRID), geometry::snap(y, GRID), w, h),
        anchor: anchor.map(|n| n.id.clone()),
    };
    (Edit::AddNote(note), id)
}

pub fn add_node(
    design: &Design,
    catalog: &Catalog,
    kind: &KindDef,
    center: Point,
) -> Result<(Edit, NodeId), String> {
    let parent = parent_at(design, catalog, kind, center, &BTreeSet::new())?;
    let (w, h) = kind.size;
    let x = geometry::snap(center.x - w / 2.0, GRID);
    let y = geometry::snap(center.y - h / 2.0, GRID);
    let id = design.fresh_node_id(&kind.id);
    let name = unique_name(design, &kind.name);
    let node = Node {
        id: id.clone(),
        kind: kind.id.as_str().into(),
        name,
        rect: Rect::new(x, y, w, h),
        parent: None,
        properties: Default::default(),
        notes: String::new(),
    };
    let mut edits = vec![Edit::AddNode(node)];
    if parent.is_some() {
        edits.push(Edit::Reparent {
            node: id.clone(),
            parent,
        });
    }
    Ok((Edit::Batch(edits), id))
}

/// `Key Vault`, then `Key Vault 2`, `Key Vault 3` ...
fn unique_name(design: &Design, base: &str) -> String {
    let taken: BTreeSet<&str> = design.nodes().map(|n| n.name.as_str()).collect();
    if !taken.contains(base) {
        return base.to_owned();
    }
    (2..)
        .map(|i| format!("{base} {i}"))
        .find(|n| !taken.contains(n.as_str()))
        .unwrap_or_else(|| base.to_owned())
}

/// How a drag lands: on the grid, exactly where it was let go, or (see [`alignment_guides`])
/// lined up with another component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Snap {
    Grid,
    Free,
}

/// The outermost of `ids`: they move on their own, their contents come along.
fn outermost(design: &Design, ids: &BTreeSet<NodeId>) -> Vec<NodeId> {
    ids.iter()
        .filter(|id| !ids.iter().any(|other| design.is_inside(id, other)))
        .cloned()
        .collect()
}

/// A drag lined up with other components: the adjusted offset, and the guide lines to draw
/// (canvas units, from one end to the other).
#[derive(Clone, Debug, PartialEq)]
pub struct Guides {
    pub dx: f32,
    pub dy: f32,
    pub lines: Vec<(Point, Point)>,
}

/// Lines the dragged selection up with other components when one of its edges or centre lines
/// comes within `reach` (canvas units) of theirs: left, centre and right edges across, top,
/// middle and bottom down. Only cards that do not move count: `moving` is the selection with
/// everything inside it, as the drag already knows. `None` when nothing is near.
pub fn alignment_guides(
    design: &Design,
    catalog: &Catalog,
    ids: &BTreeSet<NodeId>,
    moving: &BTreeSet<NodeId>,
    dx: f32,
    dy: f32,
    reach: f32,
) -> Option<Guides> {
    let top = outermost(design, ids);
    let moved: Vec<Rect> = top
        .iter()
        .filter_map(|id| design.node(id))
        .map(|n| n.rect.translated(dx, dy))
        .collect();
    let bounds = moved.iter().copied().reduce(|a, b| {
        Rect::from_min_max(
            Point::new(a.x.min(b.x), a.y.min(b.y)),
            Point::new((a.x + a.w).max(b.x + b.w), (a.y + a.h).max(b.y + b.h)),
        )
    })?;
    let others: Vec<Rect> = design
        .nodes()
        .filter(|n| catalog.kind(&n.kind).is_some_and(|k| !k.container))
        .filter(|n| !moving.contains(&n.id))
        .map(|n| n.rect)
        .collect();
    let lines_x = |r: Rect| [r.x, r.x + r.w / 2.0, r.x + r.w];
    let lines_y = |r: Rect| [r.y, r.y + r.h / 2.0, r.y + r.h];
    // The nearest line within reach on each axis: (shift, other rectangle).
    let mut best_x: Option<(f32, Rect)> = None;
    let mut best_y: Option<(f32, Rect)> = None;
    for other in &others {
        for (mine, theirs) in lines_x(bounds).into_iter().zip(lines_x(*other)) {
            let shift = theirs - mine;
            if shift.abs() <= reach && best_x.is_none_or(|(b, _)| shift.abs() < b.abs()) {
                best_x = Some((shift, *other));
            }
        }
        for (mine, theirs) in lines_y(bounds).into_iter().zip(lines_y(*other)) {
            let shift = theirs - mine;
            if shift.abs() <= reach && best_y.is_none_or(|(b, _)| shift.abs() < b.abs()) {
                best_y = Some((shift, *other));
            }
        }
    }
    if best_x.is_none() && best_y.is_none() {
        return None;
    }
    let shift_x = best_x.map_or(0.0, |(s, _)| s);
    let shift_y = best_y.map_or(0.0, |(s, _)| s);
    let snapped = bounds.translated(shift_x, shift_y);
    let mut lines = Vec::new();
    // A guide runs through both rectangles along the shared line.
    if let Some((_, other)) = best_x {
        let x = lines_x(snapped)
            .into_iter()
            .find(|x| lines_x(other).iter().any(|o| (o - x).abs() < 0.01))
            .unwrap_or(snapped.x);
        let (top_y, bottom_y) = (
            snapped.y.min(other.y),
            (snapped.y + snapped.h).max(other.y + other.h),
        );
        lines.push((Point::new(x, top_y), Point::new(x, bottom_y)));
    }
    if let Some((_, other)) = best_y {
        let y = lines_y(snapped)
            .into_iter()
            .find(|y| lines_y(other).iter().any(|o| (o - y).abs() < 0.01))
            .unwrap_or(snapped.y);
        let (left_x, right_x) = (
            snapped.x.min(other.x),
            (snapped.x + snapped.w).max(other.x + other.w),
        );
        lines.push((Point::new(left_x, y), Point::new(right_x, y)));
    }
    Some(Guides {
        dx: dx + shift_x,
        dy: dy + shift_y,
        lines,
    })
}

/// The edit for dragging `ids` by (dx, dy), snapped as asked: moves them (containers with
/// their contents) and puts each moved top node into the container it was dropped on.
pub fn move_and_reparent(
    design: &Design,
    catalog: &Catalog,
    ids: &BTreeSet<NodeId>,
    dx: f32,
    dy: f32,
    snap: Snap,
) -> Edit {
    let top = outermost(design, ids);
    let Some(anchor) = top.first().and_then(|id| design.node(id)) else {
        return Edit::Batch(Vec::new());
    };
    let (dx, dy) = match snap {
        Snap::Grid => (
            geometry::snap(anchor.rect.x + dx, GRID) - anchor.rect.x,
            geometry::snap(anchor.rect.y + dy, GRID) - anchor.rect.y,
        ),
        Snap::Free => (dx, dy),
    };
    let mut edits = vec![Edit::move_nodes(design, &top, dx, dy)];
    let moving: BTreeSet<NodeId> = top.iter().cloned().collect();
    for id in &top {
        let Some(node) = design.node(id) else {
            continue;
        };
        let Some(kind) = catalog.kind(&node.kind) else {
            continue;
        };
        let center = node.rect.translated(dx, dy).center();
        if let Ok(parent) = parent_at(design, catalog, kind, center, &moving)
            && parent != node.parent
        {
            edits.push(Edit::Reparent {
                node: id.clone(),
                parent,
            });
        }
    }
    Edit::Batch(edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog;

    fn cards(rects: &[(&str, Rect)]) -> Design {
        let mut design = Design::new("t");
        for (id, rect) in rects {
            Edit::AddNode(Node {
                id: NodeId::new(*id).unwrap_or_else(|e| panic!("{e}")),
                kind: "app_service".into(),
                name: (*id).to_owned(),
                rect: *rect,
                parent: None,
                properties: Default::default(),
                notes: String::new(),
            })
            .apply(&mut design)
            .unwrap_or_else(|e| panic!("{e}"));
        }
        design
    }

    #[test]
    fn a_drag_near_another_card_lines_up_with_it_and_draws_the_guide() {
        let design = cards(&[
            ("moving", Rect::new(0.0, 0.0, 170.0, 56.0)),
            ("still", Rect::new(300.0, 200.0, 170.0, 56.0)),
        ]);
        let ids: BTreeSet<NodeId> =
            [NodeId::new("moving").unwrap_or_else(|e| panic!("{e}"))].into();
        let cat = catalog::builtin();
        // Dragged to x 296: four units short of the other card's left edge.
        let guides = alignment_guides(&design, cat, &ids, &ids, 296.0, 0.0, 6.0)
            .unwrap_or_else(|| panic!("no guide"));
        assert_eq!((guides.dx, guides.dy), (300.0, 0.0));
        assert_eq!(guides.lines.len(), 1);
        let (a, b) = guides.lines[0];
        assert_eq!((a.x, b.x), (300.0, 300.0));
        assert_eq!((a.y, b.y), (0.0, 256.0));
        // The move lands there, off the grid if need be.
        let edit = move_and_reparent(&design, cat, &ids, guides.dx + 0.5, 0.0, Snap::Free);
        let mut moved = design.clone();
        edit.apply(&mut moved).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            moved
                .node(&ids.iter().next().cloned().unwrap_or_else(|| panic!()))
                .map(|n| n.rect.x),
            Some(300.5)
        );
        // Far from everything: no guide.
        assert!(alignment_guides(&design, cat, &ids, &ids, 100.0, 100.0, 6.0).is_none());
    }

    fn design_with_vnet() -> Design {
        let mut design = Design::new("t");
        let cat = catalog::builtin();
        let kind = |k: &str| cat.kind(k).unwrap_or_else(|| panic!("{k}"));
        let (edit, vnet) = add_node(
            &design,
            cat,
            kind("virtual_network"),
            Point::new(400.0, 300.0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        edit.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
        let center = design
            .node(&vnet)
            .map(|n| n.rect.center())
            .unwrap_or_default();
        let (edit, _) =
            add_node(&design, cat, kind("subnet"), center).unwrap_or_else(|e| panic!("{e}"));
        edit.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
        design
    }

    #[test]
    fn a_node_dropped_on_a_container_goes_into_the_deepest_one_that_accepts_it() {
        let design = design_with_vnet();
        let cat = catalog::builtin();
        let subnet = design
            .nodes()
            .find(|n| n.kind == "subnet")
            .map(|n| n.id.clone())
            .unwrap_or_else(|| panic!("no subnet"));
        let vnet = design
            .nodes()
            .find(|n| n.kind == "virtual_network")
            .map(|n| n.id.clone())
            .unwrap_or_else(|| panic!("no vnet"));
        let center = design
            .node(&subnet)
            .map(|n| n.rect.center())
            .unwrap_or_default();
        let vm = cat.kind("virtual_machine").unwrap_or_else(|| panic!("vm"));
        assert_eq!(
            parent_at(&design, cat, vm, center, &BTreeSet::new()),
            Ok(Some(subnet.clone()))
        );
        // A subnet dropped on a subnet lands in the network around it.
        let subnet_kind = cat.kind("subnet").unwrap_or_else(|| panic!("subnet"));
        assert_eq!(
            parent_at(&design, cat, subnet_kind, center, &BTreeSet::new()),
            Ok(Some(vnet))
        );
    }

    #[test]
    fn a_subnet_outside_any_network_is_refused_with_a_reason() {
        let cat = catalog::builtin();
        let subnet = cat.kind("subnet").unwrap_or_else(|| panic!("subnet"));
        let error = parent_at(
            &Design::new("t"),
            cat,
            subnet,
            Point::new(0.0, 0.0),
            &BTreeSet::new(),
        );
        let Err(error) = error else {
            panic!("a subnet was accepted at the top level")
        };
        assert!(
            error.contains("a subnet must be placed inside a virtual network"),
            "{error}"
        );
    }

    #[test]
    fn moves_snap_to_the_grid_and_reparent_on_drop() {
        let mut design = design_with_vnet();
        let cat = catalog::builtin();
        let vm = cat.kind("key_vault").unwrap_or_else(|| panic!("kv"));
        let (edit, kv) = add_node(&design, cat, vm, Point::new(-500.0, -500.0))
            .unwrap_or_else(|e| panic!("{e}"));
        edit.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(design.node(&kv).and_then(|n| n.parent.clone()), None);
        let vnet = design
            .nodes()
            .find(|n| n.kind == "virtual_network")
            .cloned()
            .unwrap_or_else(|| panic!("vnet"));
        let from = design
            .node(&kv)
            .map(|n| n.rect.center())
            .unwrap_or_default();
        let to = Point::new(
            vnet.rect.x + vnet.rect.w - 60.0,
            vnet.rect.y + vnet.rect.h - 30.0,
        );
        let ids = BTreeSet::from([kv.clone()]);
        move_and_reparent(
            &design,
            cat,
            &ids,
            to.x - from.x + 3.0,
            to.y - from.y + 2.0,
            Snap::Grid,
        )
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
        let moved = design.node(&kv).unwrap_or_else(|| panic!("kv"));
        assert_eq!(moved.rect.x % GRID, 0.0);
        assert_eq!(
            moved.parent, None,
            "a Key Vault is PaaS: it does not go into a virtual network"
        );
    }
}
