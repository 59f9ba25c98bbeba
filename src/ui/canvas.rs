//! The canvas: paints the scene and turns pointer gestures into edits.
//!
//! Pan, zoom, selection and in-progress gestures are view state: they live here, never in the
//! design. A gesture changes the design only when it ends, as one edit (one undo step).

use std::collections::{BTreeMap, BTreeSet};

use egui::{
    Align2, Color32, CornerRadius, FontId, PointerButton, Pos2, Sense, Shape, Stroke, StrokeKind,
    Vec2, pos2, vec2,
};

use super::commands::Command;
use super::icons::IconCache;
use super::theme::{CanvasColors, color};
use crate::app::{Document, placement};
use crate::export::fit;
use crate::export::svg::HeaderLayout;
use crate::model::geometry::RectGrid;
use crate::model::{
    Connection, ConnectionId, Edit, NodeId, NoteId, Point, Rect, Route, Routing, geometry,
};
use crate::review::diff::Change;
use crate::routing;
use crate::scene::{
    CardShape, ContainerShape, ContainerStyle, EdgeShape, NoteShape, Scene, metrics, severity_color,
};
use std::borrow::Cow;

pub const MIN_ZOOM: f32 = 0.1;
pub const MAX_ZOOM: f32 = 4.0;
/// Below this zoom cards are drawn as plain blocks: text would be unreadable anyway.
const DETAIL_ZOOM: f32 = 0.35;
/// Smallest text size (in points) worth drawing on the canvas.
const MIN_TEXT_SIZE: f32 = 5.0;
/// Below this zoom cards have square corners.
const ROUNDED_ZOOM: f32 = 0.6;
/// How far (in points) a click may be from a connection line to select it.
const EDGE_HIT_DISTANCE: f32 = 6.0;
/// How close (screen pixels) an edge or centre line must come to another card's to snap to it.
const GUIDE_REACH: f32 = 6.0;

/// Maps canvas units to screen points: `screen = origin + canvas * zoom`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenFromCanvas {
    /// Screen position of the canvas origin.
    pub origin: Pos2,
    pub zoom: f32,
}

impl ScreenFromCanvas {
    pub fn pos(&self, p: Point) -> Pos2 {
        self.origin + vec2(p.x, p.y) * self.zoom
    }

    pub fn rect(&self, r: Rect) -> egui::Rect {
        egui::Rect::from_min_size(self.pos(r.min()), vec2(r.w, r.h) * self.zoom)
    }

    /// The inverse: a screen position in canvas units.
    pub fn canvas_pos(&self, p: Pos2) -> Point {
        let v = (p - self.origin) / self.zoom;
        Point::new(v.x, v.y)
    }

    pub fn canvas_rect(&self, r: egui::Rect) -> Rect {
        Rect::from_min_max(self.canvas_pos(r.min), self.canvas_pos(r.max))
    }

    /// The transform that fits `bounds` into `viewport` with a margin, never zooming past 1.5.
    pub fn fit(bounds: Rect, viewport: egui::Rect) -> Self {
        let margin = 40.0;
        let zoom_x = (viewport.width() - 2.0 * margin).max(10.0) / bounds.w.max(1.0);
        let zoom_y = (viewport.height() - 2.0 * margin).max(10.0) / bounds.h.max(1.0);
        let zoom = zoom_x.min(zoom_y).clamp(MIN_ZOOM, 1.5);
        let center = bounds.center();
        Self {
            origin: viewport.center() - vec2(center.x, center.y) * zoom,
            zoom,
        }
    }
}

/// A gesture in progress.
#[derive(Clone, Debug, Default, PartialEq)]
enum Gesture {
    #[default]
    Idle,
    /// Dragging nodes: `ids` are the selected nodes, `moving` also holds their contents.
    Move {
        ids: BTreeSet<NodeId>,
        moving: BTreeSet<NodeId>,
        delta: Vec2,
    },
    /// Dragging a new connection out of a card's handle.
    Connect { from: NodeId, pointer: Pos2 },
    /// Resizing a container by its corner.
    Resize { id: NodeId, delta: Vec2 },
    RubberBand {
        start: Point,
        end: Point,
        additive: bool,
    },
    /// Dragging a waypoint of the selected connection (a new one when it was dragged out of a
    /// segment's middle), or a middle segment of an elbow line sideways (its two ends as
    /// waypoints `index` and `index + 1`): `waypoints` is the list as it will be saved.
    Waypoint {
        connection: ConnectionId,
        waypoints: Vec<Point>,
        index: usize,
        grip: Grip,
    },
    /// Dragging a note.
    MoveNote { id: NoteId, delta: Vec2 },
    /// Resizing a note by its corner.
    ResizeNote { id: NoteId, delta: Vec2 },
}

/// What a drag on a connection holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Grip {
    /// One waypoint, following the pointer.
    Point,
    /// A segment of an elbow line, sliding across itself as draw.io's do.
    Segment { horizontal: bool },
}

/// The payload of a palette item dragged onto the canvas: a kind id.
#[derive(Clone, Debug)]
pub struct PaletteDrag(pub String);

/// Canvas view state: transform, selection, the gesture under way.
pub struct CanvasView {
    /// Screen offset of the canvas origin from the canvas widget's top-left corner.
    pub pan: Vec2,
    pub zoom: f32,
    pub selection: BTreeSet<NodeId>,
    pub selected_connection: Option<ConnectionId>,
    pub selected_note: Option<NoteId>,
    pub show_grid: bool,
    /// Whether a drag that lines up with nothing lands on the grid.
    pub snap_to_grid: bool,
    /// Elements marked by "Compare with…": added or changed against the other design.
    pub marks: BTreeMap<NodeId, Change>,
    gesture: Gesture,
    /// Frames left in which to fit the design to the view (the first frames' layout settles).
    fit_requested: u8,
    center_requested: Option<Point>,
    /// Where the canvas was on screen last frame.
    pub viewport: egui::Rect,
    /// The component being renamed in place (F2 or a double-click), with the text so far.
    renaming: Option<(NodeId, String, bool)>,
    /// The note being edited in place, with the text so far.
    editing_note: Option<(NoteId, String)>,
}

impl Default for CanvasView {
    fn default() -> Self {
        Self {
            pan: vec2(40.0, 40.0),
            zoom: 1.0,
            selection: BTreeSet::new(),
            selected_connection: None,
            selected_note: None,
            show_grid: true,
            snap_to_grid: true,
            marks: BTreeMap::new(),
            gesture: Gesture::Idle,
            fit_requested: 2,
            center_requested: None,
            viewport: egui::Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            renaming: None,
            editing_note: None,
        }
    }
}

/// What the canvas asks for after a frame.
#[derive(Default)]
pub struct CanvasOutput {
    pub edit: Option<Edit>,
    /// A command picked from a component's context menu.
    pub command: Option<Command>,
    /// A message for the status bar (why a drop was refused ...).
    pub status: Option<String>,
}

impl CanvasView {
    pub fn transform(&self) -> ScreenFromCanvas {
        ScreenFromCanvas {
            origin: self.viewport.min + self.pan,
            zoom: self.zoom,
        }
    }

    pub fn request_fit(&mut self) {
        self.fit_requested = 1;
    }

    /// Scrolls so that `point` is in the middle of the canvas.
    pub fn center_on(&mut self, point: Point) {
        self.center_requested = Some(point);
    }

    /// The canvas point in the middle of the visible area (where clicked palette items land).
    pub fn visible_center(&self) -> Point {
        self.transform().canvas_pos(self.viewport.center())
    }

    /// Zooms by `factor`, keeping the canvas point under `anchor` (screen) in place.
    pub fn zoom_around(&mut self, anchor: Pos2, factor: f32) {
        let before = self.transform().canvas_pos(anchor);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let after = self.transform().pos(before);
        self.pan += anchor - after;
    }

    pub fn zoom_by(&mut self, factor: f32) {
        self.zoom_around(self.viewport.center(), factor);
    }

    pub fn select_only(&mut self, id: NodeId) {
        self.selection = BTreeSet::from([id]);
        self.selected_connection = None;
        self.selected_note = None;
    }

    pub fn select_note(&mut self, id: NoteId) {
        self.selection.clear();
        self.selected_connection = None;
        self.selected_note = Some(id);
    }

    /// Opens the note's text for editing on the canvas.
    pub fn edit_note(&mut self, id: NoteId, text: String) {
        self.select_note(id.clone());
        self.editing_note = Some((id, text));
    }

    pub fn clear_selection(&mut self) {
        self.selection.clear();
        self.selected_connection = None;
        self.selected_note = None;
    }

    /// Drops selected ids that no longer exist (after undo, delete, or opening another design).
    pub fn forget_missing(&mut self, doc: &Document) {
        self.selection.retain(|id| doc.design().node(id).is_some());
        if self
            .selected_connection
            .as_ref()
            .is_some_and(|c| doc.design().connection(c).is_none())
        {
            self.selected_connection = None;
        }
        if self
            .selected_note
            .as_ref()
            .is_some_and(|n| doc.design().note(n).is_none())
        {
            self.selected_note = None;
        }
        if self
            .editing_note
            .as_ref()
            .is_some_and(|(n, _)| doc.design().note(n).is_none())
        {
            self.editing_note = None;
        }
    }

    fn apply_pending_view_requests(&mut self, scene: &Scene) {
        if self.fit_requested > 0 {
            self.fit_requested -= 1;
            match scene.bounds {
                Some(bounds) => {
                    let fit = ScreenFromCanvas::fit(bounds, self.viewport);
                    self.zoom = fit.zoom;
                    self.pan = fit.origin - self.viewport.min;
                }
                // An empty design starts at actual size with the origin near the corner.
                None => {
                    self.zoom = 1.0;
                    self.pan = vec2(40.0, 40.0);
                }
            }
        }
        if let Some(point) = self.center_requested.take() {
            let now = self.transform().pos(point);
            self.pan += self.viewport.center() - now;
        }
    }
}

/// Per-frame painting options: the offset of nodes being dragged.
struct Paint<'a> {
    transform: ScreenFromCanvas,
    colors: CanvasColors,
    dark: bool,
    moving: Option<(&'a BTreeSet<NodeId>, Vec2)>,
    resizing: Option<(&'a NodeId, Vec2)>,
    selection: &'a BTreeSet<NodeId>,
    selected_connection: Option<&'a ConnectionId>,
    selected_note: Option<&'a NoteId>,
    marks: &'a BTreeMap<NodeId, Change>,
    /// The waypoints of the connection whose waypoint is being dragged, as they stand.
    dragged_waypoints: Option<(&'a ConnectionId, &'a [Point])>,
    /// The scene's cards, and (built the first time an elbow line is routed again during a
    /// drag) where they are drawn, for the line to go around.
    cards: &'a [CardShape],
    cards_while_dragging: std::cell::OnceCell<RectGrid>,
}

impl Paint<'_> {
    /// A connection's line in canvas units. The scene has it routed; only a connection
    /// touching a node being dragged or resized, or whose waypoint is dragged, is routed
    /// again (no lookups per connection per frame otherwise).
    fn edge_points<'e>(
        &self,
        edge: &'e EdgeShape,
        design: &crate::model::Design,
    ) -> Option<Cow<'e, [Point]>> {
        let affected = |id: &NodeId| {
            self.moving.is_some_and(|(moving, _)| moving.contains(id))
                || self.resizing.is_some_and(|(resized, _)| resized == id)
        };
        let dragged = self.dragged_waypoints.filter(|(id, _)| *id == &edge.id);
        if !affected(&edge.from) && !affected(&edge.to) && dragged.is_none() {
            return Some(Cow::Borrowed(&edge.points));
        }
        let (from, to) = (design.node(&edge.from)?, design.node(&edge.to)?);
        let connection = design.connection(&edge.id)?;
        let waypoints: Cow<'_, [Point]> = match (dragged, self.moving) {
            (Some((_, waypoints)), _) => Cow::Borrowed(waypoints),
            // Waypoints travel with a connection whose both ends move (as the edit does).
            (None, Some((moving, delta)))
                if moving.contains(&from.id) && moving.contains(&to.id) =>
            {
                Cow::Owned(
                    connection
                        .route
                        .waypoints
                        .iter()
                        .map(|p| p.offset(delta.x, delta.y))
                        .collect(),
                )
            }
            _ => Cow::Borrowed(&connection.route.waypoints),
        };
        let routing = design.routing_of(connection);
        let straight = RectGrid::default();
        let cards = match routing {
            // A straight line goes through whatever is in its way.
            Routing::Straight => &straight,
            Routing::Orthogonal => self.cards_while_dragging.get_or_init(|| {
                let mut grid = RectGrid::default();
                for card in self.cards {
                    grid.insert(self.node_rect_in_canvas(&card.id, card.rect));
                }
                grid
            }),
        };
        Some(Cow::Owned(routing::route(
            self.node_rect_in_canvas(&from.id, from.rect),
            self.node_rect_in_canvas(&to.id, to.rect),
            routing,
            &waypoints,
            cards,
        )))
    }

    /// A node's rectangle in canvas units, following a drag in progress.
    fn node_rect_in_canvas(&self, id: &NodeId, rect: Rect) -> Rect {
        let mut r = rect;
        if let Some((moving, delta)) = self.moving
            && moving.contains(id)
        {
            r = r.translated(delta.x, delta.y);
        }
        if let Some((resized, delta)) = self.resizing
            && resized == id
        {
            r.w = (r.w + delta.x).max(60.0);
            r.h = (r.h + delta.y).max(40.0);
        }
        r
    }

    /// A node's rectangle on screen, following a drag in progress.
    fn node_rect(&self, id: &NodeId, rect: Rect) -> egui::Rect {
        self.transform.rect(self.node_rect_in_canvas(id, rect))
    }
}

/// Shows the canvas for `doc` and handles its gestures.
pub fn canvas_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    view: &mut CanvasView,
    icons: &mut IconCache,
    dark: bool,
) -> CanvasOutput {
    let mut output = CanvasOutput::default();
    let (rect, background) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    background.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Design canvas"));
    view.viewport = rect;
    let scene = doc.scene();
    if view.fit_requested > 0 || view.center_requested.is_some() {
        view.apply_pending_view_requests(scene);
        ui.ctx().request_repaint();
    }

    let (pointer, scroll, zoom_delta, space_down, shift) = ui.input(|i| {
        (
            i.pointer.hover_pos(),
            i.smooth_scroll_delta,
            i.zoom_delta(),
            i.key_down(egui::Key::Space),
            i.modifiers.shift,
        )
    });
    let pointer_in_canvas = pointer.is_some_and(|p| rect.contains(p))
        && ui.ctx().rect_contains_pointer(ui.layer_id(), rect);
    if pointer_in_canvas && let Some(pointer) = pointer {
        if zoom_delta != 1.0 {
            view.zoom_around(pointer, zoom_delta);
        } else if scroll != Vec2::ZERO {
            view.pan += scroll;
        }
    }

    let colors = CanvasColors::new(dark);
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, colors.background);
    if view.show_grid {
        paint_grid(&painter, rect, view.transform(), colors.grid);
    }

    if doc.design().is_empty() {
        painter.text(
            rect.center(),
            Align2::CENTER_CENTER,
            "Drag components here from the palette, or start from a template (Ctrl+Shift+N)",
            FontId::proportional(16.0),
            colors.muted_text,
        );
    }
    let gesture = view.gesture.clone();
    let selection = view.selection.clone();
    let selected_connection = view.selected_connection.clone();
    let selected_note = view.selected_note.clone();
    // Few (only while comparing); cloned like the selection, since the view changes below.
    let marks = view.marks.clone();
    // While dragging, the selection lines up with nearby components (drawn as guides).
    let guides = match &gesture {
        Gesture::Move { ids, moving, delta } => placement::alignment_guides(
            doc.design(),
            doc.catalog(),
            ids,
            moving,
            delta.x,
            delta.y,
            GUIDE_REACH / view.zoom,
        ),
        _ => None,
    };
    let paint = Paint {
        transform: view.transform(),
        colors,
        dark,
        moving: match &gesture {
            Gesture::Move { moving, delta, .. } => {
                Some((moving, guides.as_ref().map_or(*delta, |g| vec2(g.dx, g.dy))))
            }
            _ => None,
        },
        resizing: match &gesture {
            Gesture::Resize { id, delta } => Some((id, *delta)),
            _ => None,
        },
        selection: &selection,
        selected_connection: selected_connection.as_ref(),
        selected_note: selected_note.as_ref(),
        marks: &marks,
        dragged_waypoints: match &gesture {
            Gesture::Waypoint {
                connection,
                waypoints,
                ..
            } => Some((connection, waypoints.as_slice())),
            _ => None,
        },
        cards: &scene.cards,
        cards_while_dragging: Default::default(),
    };
    let mut pan_drag = Vec2::ZERO;
    let mut next_gesture: Option<Gesture> = None;
    let mut clicked_item = false;
    let design = doc.design();

    // Containers, outer first. Only their title band and border take clicks: the inside is
    // canvas, so rubber-band selection works within a network.
    for container in &scene.containers {
        let r = paint.node_rect(&container.id, container.rect);
        if !r.intersects(rect) {
            continue;
        }
        paint_container(&painter, ui.ctx(), icons, container, r, &paint);
        let header = egui::Rect::from_min_size(
            r.min,
            vec2(
                r.width(),
                (metrics::CONTAINER_HEADER * paint.transform.zoom).max(14.0),
            ),
        );
        let response = ui.interact(
            header,
            ui.scope_id().with(("container", &container.id)),
            Sense::click_and_drag(),
        );
        // Labels are built only when accessibility asks (the closure runs lazily).
        response.widget_info(|| {
            egui::WidgetInfo::selected(
                egui::Role::Group,
                true,
                view.selection.contains(&container.id),
                format!("{} ({})", container.title, container.kind_name),
            )
        });
        handle_node_response(
            &response,
            &container.id,
            view,
            doc,
            shift,
            space_down,
            &mut pan_drag,
            &mut next_gesture,
            &mut clicked_item,
        );
    }

    // Connections: lines under the cards.
    // Culled by the line itself, not its bounding box: long lines across a big design have
    // boxes that cover the view without passing through it.
    let view_rect = paint.transform.canvas_rect(rect.expand(20.0));
    let mut selected_line: Option<(&EdgeShape, Vec<Point>)> = None;
    for edge in &scene.edges {
        let Some(points) = paint.edge_points(edge, design) else {
            continue;
        };
        if paint.selected_connection == Some(&edge.id) {
            selected_line = Some((edge, points.to_vec()));
        }
        let visible = points
            .windows(2)
            .any(|s| geometry::clip_segment(s[0], s[1], view_rect).is_some());
        if !visible {
            continue;
        }
        paint_edge(&painter, edge, &points, &paint);
        // The hit target is the label's place, the part of a connection people aim at.
        let mid = paint.transform.pos(edge.label_center_on(&points));
        if !rect.contains(mid) {
            continue;
        }
        let hit = egui::Rect::from_center_size(mid, vec2(24.0, 24.0));
        let response = ui.interact(hit, ui.scope_id().with(("edge", &edge.id)), Sense::click());
        let subject = crate::rules::Subject::Connection(edge.id.clone());
        let response = response.on_hover_ui(|ui| super::findings::hover_ui(ui, doc, &subject));
        response.widget_info(|| {
            egui::WidgetInfo::selected(
                egui::Role::Link,
                true,
                view.selected_connection.as_ref() == Some(&edge.id),
                edge_accessible_label(doc, edge),
            )
        });
        if response.clicked() {
            clicked_item = true;
            view.selection.clear();
            view.selected_note = None;
            view.selected_connection = Some(edge.id.clone());
        }
    }

    // Cards on top.
    let mut hovered_card: Option<(&CardShape, egui::Rect)> = None;
    for card in &scene.cards {
        let r = paint.node_rect(&card.id, card.rect);
        if !r.intersects(rect) {
            continue;
        }
        paint_card(&painter, ui.ctx(), icons, card, r, &paint);
        let response = ui.interact(
            r,
            ui.scope_id().with(("card", &card.id)),
            Sense::click_and_drag(),
        );
        response.widget_info(|| {
            egui::WidgetInfo::selected(
                egui::Role::Button,
                true,
                view.selection.contains(&card.id),
                &card.name,
            )
        });
        let response = if matches!(gesture, Gesture::Idle) {
            let subject = crate::rules::Subject::Node(card.id.clone());
            response.on_hover_ui(|ui| super::findings::hover_ui(ui, doc, &subject))
        } else {
            response
        };
        if response.hovered() || response.dragged() {
            hovered_card = Some((card, r));
        }
        if response.double_clicked() {
            view.renaming = Some((card.id.clone(), card.name.clone(), true));
        }
        handle_node_response(
            &response,
            &card.id,
            view,
            doc,
            shift,
            space_down,
            &mut pan_drag,
            &mut next_gesture,
            &mut clicked_item,
        );
        response.context_menu(|ui| {
            if !view.selection.contains(&card.id) {
                view.select_only(card.id.clone());
            }
            for command in [Command::Duplicate, Command::Copy, Command::Delete] {
                let mut button = egui::Button::new(command.title());
                if let Some(shortcut) = command.shortcut() {
                    button = button.shortcut_text(ui.ctx().format_shortcut(&shortcut));
                }
                if ui.add(button).clicked() {
                    output.command = Some(command);
                    ui.close();
                }
            }
        });
    }

    notes_ui(
        ui,
        doc,
        view,
        scene,
        &paint,
        &mut next_gesture,
        &mut clicked_item,
        &mut output,
    );
    if let Some((edge, points)) = &selected_line
        && paint.transform.zoom >= DETAIL_ZOOM
    {
        waypoints_ui(
            ui,
            doc,
            view,
            edge,
            points,
            &paint,
            &mut next_gesture,
            &mut output,
        );
    }
    rename_in_place_ui(ui, doc, view, scene, &paint, &mut output);

    // The connection handle: on the hovered card, or the only selected one.
    let handle_card = hovered_card.or_else(|| {
        let only = (view.selection.len() == 1)
            .then(|| view.selection.first())
            .flatten()?;
        let card = scene.cards.iter().find(|c| &c.id == only)?;
        Some((card, paint.node_rect(&card.id, card.rect)))
    });
    if let Some((card, r)) = handle_card
        && paint.transform.zoom >= DETAIL_ZOOM
        && !matches!(gesture, Gesture::Move { .. })
    {
        let center = pos2(r.max.x, r.center().y);
        let handle = egui::Rect::from_center_size(center, vec2(16.0, 16.0));
        let response = ui.interact(
            handle,
            ui.scope_id().with(("handle", &card.id)),
            Sense::drag(),
        );
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Button,
                true,
                format!("Connect from {}", card.name),
            )
        });
        let hot = response.hovered() || response.dragged();
        painter.circle(
            center,
            if hot { 7.0 } else { 5.5 },
            colors.card_fill,
            Stroke::new(2.0, colors.selection),
        );
        if response.drag_started() {
            next_gesture = Some(Gesture::Connect {
                from: card.id.clone(),
                pointer: center,
            });
        }
    }

    // Resize handle of a single selected container.
    if view.selection.len() == 1
        && let Some(container) = scene
            .containers
            .iter()
            .find(|c| view.selection.contains(&c.id))
    {
        let r = paint.node_rect(&container.id, container.rect);
        let handle = egui::Rect::from_center_size(r.max, vec2(14.0, 14.0));
        let response = ui.interact(
            handle,
            ui.scope_id().with(("resize", &container.id)),
            Sense::drag(),
        );
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Button,
                true,
                format!("Resize {}", container.title),
            )
        });
        painter.rect(
            handle.shrink(2.0),
            2.0,
            colors.card_fill,
            Stroke::new(1.5, colors.selection),
            StrokeKind::Inside,
        );
        if response.drag_started() {
            next_gesture = Some(Gesture::Resize {
                id: container.id.clone(),
                delta: Vec2::ZERO,
            });
        }
        if let Gesture::Resize { id, delta } = &mut view.gesture
            && id == &container.id
        {
            if response.dragged() {
                *delta += response.drag_delta() / paint.transform.zoom;
            }
            if response.drag_stopped() {
                let w = geometry::snap((container.rect.w + delta.x).max(60.0), placement::GRID);
                let h = geometry::snap((container.rect.h + delta.y).max(40.0), placement::GRID);
                output.edit = Some(Edit::SetRect {
                    node: container.id.clone(),
                    rect: Rect::new(container.rect.x, container.rect.y, w, h),
                });
                view.gesture = Gesture::Idle;
            }
        }
    }

    // Gestures that follow the pointer wherever it is.
    let (primary_down, released, pointer_delta, latest) = ui.input(|i| {
        (
            i.pointer.primary_down(),
            i.pointer.any_released(),
            i.pointer.delta(),
            i.pointer.latest_pos(),
        )
    });
    match &mut view.gesture {
        Gesture::Move { ids, moving, delta } => {
            if let Some(guides) = &guides {
                for (a, b) in &guides.lines {
                    painter.line_segment(
                        [paint.transform.pos(*a), paint.transform.pos(*b)],
                        Stroke::new(1.0, colors.selection),
                    );
                }
            }
            *delta += pointer_delta / paint.transform.zoom;
            if !primary_down || released {
                let landing = placement::alignment_guides(
                    design,
                    doc.catalog(),
                    ids,
                    moving,
                    delta.x,
                    delta.y,
                    GUIDE_REACH / paint.transform.zoom,
                );
                let (dx, dy, snap) = match landing {
                    Some(g) => (g.dx, g.dy, placement::Snap::Free),
                    None if view.snap_to_grid => (delta.x, delta.y, placement::Snap::Grid),
                    None => (delta.x, delta.y, placement::Snap::Free),
                };
                let edit = placement::move_and_reparent(design, doc.catalog(), ids, dx, dy, snap);
                if !edit.is_noop() {
                    output.edit = Some(edit);
                }
                view.gesture = Gesture::Idle;
            }
        }
        Gesture::Connect { from, pointer } => {
            if let Some(latest) = latest {
                *pointer = latest;
            }
            let start = design.node(from).map(|n| paint.node_rect(&n.id, n.rect));
            if let Some(start) = start {
                let from_pos = pos2(start.max.x, start.center().y);
                painter.add(Shape::dashed_line(
                    &[from_pos, *pointer],
                    Stroke::new(2.0, colors.selection),
                    6.0,
                    4.0,
                ));
                painter.circle_filled(*pointer, 4.0, colors.selection);
            }
            if !primary_down || released {
                let target = node_at(scene, paint.transform.canvas_pos(*pointer));
                match target {
                    Some(to) if &to != from => {
                        let catalog = doc.catalog();
                        let end = |id| design.node(id).and_then(|n| catalog.kind(&n.kind));
                        // The first kind in catalog order that fits: traffic between
                        // workloads, an NSG association from an NSG to a subnet.
                        let kind = match (end(from), end(&to)) {
                            (Some(a), Some(b)) => catalog
                                .default_connection_kind(a, b)
                                .map(|k| k.id.as_str())
                                .ok_or_else(|| {
                                    format!("No connection kind joins {} to {}", a.noun(), b.noun())
                                }),
                            _ => Ok("traffic"),
                        };
                        match kind {
                            Err(status) => output.status = Some(status),
                            Ok(kind) => {
                                let connection = Connection {
                                    id: design.fresh_connection_id(),
                                    kind: kind.into(),
                                    from: from.clone(),
                                    to: to.clone(),
                                    label: String::new(),
                                    properties: Default::default(),
                                    route: Default::default(),
                                };
                                view.selected_connection = Some(connection.id.clone());
                                view.selection.clear();
                                output.edit = Some(Edit::Connect(connection));
                            }
                        }
                    }
                    _ => {
                        output.status = Some(
                            "Drop the connection on another component to connect them".to_owned(),
                        )
                    }
                }
                view.gesture = Gesture::Idle;
            }
        }
        Gesture::RubberBand {
            start,
            end,
            additive,
        } => {
            if let Some(latest) = latest {
                *end = paint.transform.canvas_pos(latest);
            }
            let band = Rect::from_min_max(*start, *end);
            let screen = paint.transform.rect(band);
            painter.rect(
                screen,
                0.0,
                colors.rubber_band_fill,
                Stroke::new(1.0, colors.selection),
                StrokeKind::Inside,
            );
            if !primary_down || released {
                if !*additive {
                    view.selection.clear();
                }
                view.selected_connection = None;
                for node in design.nodes() {
                    if band.contains_rect(node.rect) {
                        view.selection.insert(node.id.clone());
                    }
                }
                view.gesture = Gesture::Idle;
            }
        }
        Gesture::Waypoint {
            connection,
            waypoints,
            index,
            grip,
        } => {
            if let Some(latest) = latest {
                let mut at = paint.transform.canvas_pos(latest);
                if view.snap_to_grid {
                    at = Point::new(
                        geometry::snap(at.x, placement::GRID),
                        geometry::snap(at.y, placement::GRID),
                    );
                }
                match *grip {
                    Grip::Point => {
                        if let Some(point) = waypoints.get_mut(*index) {
                            *point = at;
                        }
                    }
                    Grip::Segment { horizontal } => {
                        for point in waypoints.iter_mut().skip(*index).take(2) {
                            if horizontal {
                                point.y = at.y;
                            } else {
                                point.x = at.x;
                            }
                        }
                    }
                }
            }
            if !primary_down || released {
                if let Some(current) = design.connection(connection)
                    && current.route.waypoints != *waypoints
                {
                    output.edit = Some(Edit::SetRoute {
                        connection: connection.clone(),
                        route: Route {
                            routing: current.route.routing,
                            waypoints: std::mem::take(waypoints),
                        },
                    });
                }
                view.gesture = Gesture::Idle;
            }
        }
        Gesture::MoveNote { id, delta } => {
            *delta += pointer_delta / paint.transform.zoom;
            if !primary_down || released {
                if let Some(note) = design.note(id)
                    && *delta != Vec2::ZERO
                {
                    let mut rect = note.rect.translated(delta.x, delta.y);
                    if view.snap_to_grid {
                        rect.x = geometry::snap(rect.x, placement::GRID);
                        rect.y = geometry::snap(rect.y, placement::GRID);
                    }
                    output.edit = Some(Edit::SetNoteRect {
                        note: id.clone(),
                        rect,
                    });
                }
                view.gesture = Gesture::Idle;
            }
        }
        Gesture::ResizeNote { id, delta } => {
            *delta += pointer_delta / paint.transform.zoom;
            if !primary_down || released {
                if let Some(note) = design.note(id)
                    && *delta != Vec2::ZERO
                {
                    output.edit = Some(Edit::SetNoteRect {
                        note: id.clone(),
                        rect: resized_note(note.rect, *delta),
                    });
                }
                view.gesture = Gesture::Idle;
            }
        }
        Gesture::Resize { .. } | Gesture::Idle => {}
    }

    // The background: pan, rubber band, click to deselect or pick a connection line.
    let pan_button = background.dragged_by(PointerButton::Middle)
        || background.dragged_by(PointerButton::Secondary)
        || (space_down && background.dragged_by(PointerButton::Primary));
    if pan_button {
        pan_drag += background.drag_delta();
    } else if background.drag_started_by(PointerButton::Primary)
        && view.gesture == Gesture::Idle
        && let Some(origin) = background.interact_pointer_pos()
    {
        let start = paint.transform.canvas_pos(origin);
        next_gesture = Some(Gesture::RubberBand {
            start,
            end: start,
            additive: shift,
        });
    }
    if background.clicked() && !clicked_item {
        let hit = background
            .interact_pointer_pos()
            .and_then(|p| edge_at(scene, design, &paint, p));
        match hit {
            Some(id) => {
                view.selection.clear();
                view.selected_connection = Some(id);
            }
            None => view.clear_selection(),
        }
    }
    view.pan += pan_drag;
    if let Some(gesture) = next_gesture {
        view.gesture = gesture;
    }

    // A palette item dropped on the canvas.
    if released
        && pointer_in_canvas
        && let Some(pointer) = pointer
        && let Some(payload) = egui::DragAndDrop::take_payload::<PaletteDrag>(ui.ctx())
        && let Some(kind) = doc.catalog().kind(&payload.0)
    {
        match placement::add_node(
            design,
            doc.catalog(),
            kind,
            paint.transform.canvas_pos(pointer),
        ) {
            Ok((edit, id)) => {
                output.edit = Some(edit);
                view.select_only(id);
            }
            Err(reason) => output.status = Some(reason),
        }
    }
    if egui::DragAndDrop::has_payload_of_type::<PaletteDrag>(ui.ctx()) && pointer_in_canvas {
        ui.ctx().set_cursor_icon(egui::CursorIcon::Copy);
    }
    if view.gesture != Gesture::Idle {
        ui.ctx().request_repaint();
    }
    minimap_ui(ui, rect, scene, view, &colors);
    output
}

/// Size of the minimap in the canvas's bottom-right corner, in points.
const MINIMAP_SIZE: Vec2 = vec2(200.0, 130.0);

/// A small map of the whole design with the visible part outlined, shown when the design does
/// not fit the view; a click or drag on it centres the view there.
fn minimap_ui(
    ui: &mut egui::Ui,
    canvas: egui::Rect,
    scene: &Scene,
    view: &mut CanvasView,
    colors: &CanvasColors,
) {
    let Some(bounds) = scene.bounds else {
        return;
    };
    let visible = view.transform().canvas_rect(canvas);
    let fits = visible.contains_rect(bounds);
    if fits || canvas.width() < MINIMAP_SIZE.x * 2.5 || canvas.height() < MINIMAP_SIZE.y * 2.5 {
        return;
    }
    let frame =
        egui::Rect::from_min_size(canvas.max - MINIMAP_SIZE - vec2(12.0, 12.0), MINIMAP_SIZE);
    // The map shows the design and the view together, so the outline never leaves it.
    let shown = Rect::from_min_max(
        Point::new(bounds.x.min(visible.x), bounds.y.min(visible.y)),
        Point::new(
            (bounds.x + bounds.w).max(visible.x + visible.w),
            (bounds.y + bounds.h).max(visible.y + visible.h),
        ),
    );
    let inner = frame.shrink(6.0);
    let scale = (inner.width() / shown.w.max(1.0)).min(inner.height() / shown.h.max(1.0));
    let to_map = |r: Rect| {
        egui::Rect::from_min_size(
            inner.min + vec2((r.x - shown.x) * scale, (r.y - shown.y) * scale),
            vec2((r.w * scale).max(1.0), (r.h * scale).max(1.0)),
        )
    };
    let painter = ui.painter_at(frame);
    painter.rect_filled(frame, 6.0, colors.background.gamma_multiply(0.95));
    painter.rect_stroke(
        frame,
        6.0,
        Stroke::new(1.0, colors.muted_text.gamma_multiply(0.5)),
        StrokeKind::Inside,
    );
    for container in &scene.containers {
        painter.rect_stroke(
            to_map(container.rect),
            1.0,
            Stroke::new(1.0, color(container.accent).gamma_multiply(0.7)),
            StrokeKind::Inside,
        );
    }
    for card in &scene.cards {
        painter.rect_filled(to_map(card.rect), 0.0, color(card.accent));
    }
    painter.rect_stroke(
        to_map(visible),
        2.0,
        Stroke::new(1.5, colors.selection),
        StrokeKind::Inside,
    );
    let response = ui
        .interact(
            frame,
            ui.scope_id().with("minimap"),
            Sense::click_and_drag(),
        )
        .on_hover_text("Click or drag to move the view");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, "Minimap"));
    if (response.clicked() || response.dragged())
        && let Some(pointer) = response.interact_pointer_pos()
    {
        let at = pointer - inner.min;
        view.center_on(Point::new(shown.x + at.x / scale, shown.y + at.y / scale));
        ui.ctx().request_repaint();
    }
}

/// Click, drag start and drag of a node (card or container title band).
#[allow(clippy::too_many_arguments)]
fn handle_node_response(
    response: &egui::Response,
    id: &NodeId,
    view: &mut CanvasView,
    doc: &Document,
    shift: bool,
    space_down: bool,
    pan_drag: &mut Vec2,
    next_gesture: &mut Option<Gesture>,
    clicked_item: &mut bool,
) {
    if response.dragged_by(PointerButton::Middle)
        || response.dragged_by(PointerButton::Secondary)
        || (space_down && response.dragged())
    {
        *pan_drag += response.drag_delta();
        return;
    }
    if response.clicked() {
        *clicked_item = true;
        view.selected_connection = None;
        if shift {
            if !view.selection.remove(id) {
                view.selection.insert(id.clone());
            }
        } else {
            view.select_only(id.clone());
        }
    }
    if response.drag_started_by(PointerButton::Primary) {
        if !view.selection.contains(id) {
            if !shift {
                view.selection.clear();
            }
            view.selection.insert(id.clone());
            view.selected_connection = None;
        }
        let ids = view.selection.clone();
        let mut moving = ids.clone();
        for selected in &ids {
            moving.extend(
                doc.design()
                    .descendants(selected)
                    .into_iter()
                    .map(|n| n.id.clone()),
            );
        }
        *next_gesture = Some(Gesture::Move {
            ids,
            moving,
            delta: Vec2::ZERO,
        });
    }
}

/// The topmost card under a canvas point, else the deepest container.
fn node_at(scene: &Scene, point: Point) -> Option<NodeId> {
    if let Some(card) = scene.cards.iter().rev().find(|c| c.rect.contains(point)) {
        return Some(card.id.clone());
    }
    scene
        .containers
        .iter()
        .rev()
        .find(|c| c.rect.contains(point))
        .map(|c| c.id.clone())
}

/// The connection whose line passes within a few points of `pointer`.
fn edge_at(
    scene: &Scene,
    design: &crate::model::Design,
    paint: &Paint<'_>,
    pointer: Pos2,
) -> Option<ConnectionId> {
    let pointer = paint.transform.canvas_pos(pointer);
    let reach = EDGE_HIT_DISTANCE / paint.transform.zoom;
    let mut best: Option<(f32, &EdgeShape)> = None;
    for edge in &scene.edges {
        let Some(points) = paint.edge_points(edge, design) else {
            continue;
        };
        let d = points
            .windows(2)
            .map(|s| geometry::distance_to_segment(pointer, s[0], s[1]))
            .fold(f32::INFINITY, f32::min);
        if d <= reach && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, edge));
        }
    }
    best.map(|(_, e)| e.id.clone())
}

fn edge_accessible_label(doc: &Document, edge: &EdgeShape) -> String {
    let name = |id: &NodeId| {
        doc.design()
            .node(id)
            .map_or_else(|| id.to_string(), |n| n.name.clone())
    };
    format!("Connection {} to {}", name(&edge.from), name(&edge.to))
}

fn paint_grid(
    painter: &egui::Painter,
    rect: egui::Rect,
    transform: ScreenFromCanvas,
    color: Color32,
) {
    // Lines every 20 units, every 100 when zoomed out, so the grid never turns into noise.
    let step = if transform.zoom < 0.5 { 100.0 } else { 20.0 };
    let visible = transform.canvas_rect(rect);
    let stroke = Stroke::new(1.0, color);
    let mut x = (visible.x / step).floor() * step;
    while x <= visible.x + visible.w {
        let sx = transform.pos(Point::new(x, 0.0)).x;
        painter.line_segment([pos2(sx, rect.top()), pos2(sx, rect.bottom())], stroke);
        x += step;
    }
    let mut y = (visible.y / step).floor() * step;
    while y <= visible.y + visible.h {
        let sy = transform.pos(Point::new(0.0, y)).y;
        painter.line_segment([pos2(rect.left(), sy), pos2(rect.right(), sy)], stroke);
        y += step;
    }
}

fn paint_container(
    painter: &egui::Painter,
    ctx: &egui::Context,
    icons: &mut IconCache,
    container: &ContainerShape,
    r: egui::Rect,
    paint: &Paint<'_>,
) {
    let zoom = paint.transform.zoom;
    let (fill, border) = paint
        .colors
        .container(container.style, container.accent, paint.dark);
    let rounding = CornerRadius::from(metrics::CONTAINER_ROUNDING * zoom);
    paint_mark(painter, r, paint.marks.get(&container.id), zoom);
    painter.rect_filled(r, rounding, fill);
    // The header band, tinted with the accent like the exports draw it.
    let header = (metrics::CONTAINER_HEADER * zoom).min(r.height());
    let band = egui::Rect::from_min_size(r.min, vec2(r.width(), header));
    let band_alpha = if paint.dark { 40 } else { 22 };
    let accent = color(container.accent);
    let band_fill = Color32::from_rgba_unmultiplied(accent.r(), accent.g(), accent.b(), band_alpha);
    painter.rect_filled(
        band,
        CornerRadius {
            sw: 0,
            se: 0,
            ..rounding
        },
        band_fill,
    );
    let selected = paint.selection.contains(&container.id);
    let stroke = if selected {
        Stroke::new(2.5, paint.colors.selection)
    } else {
        Stroke::new(1.5, border)
    };
    if container.style == ContainerStyle::Zone && !selected {
        let corners = [
            r.left_top(),
            r.right_top(),
            r.right_bottom(),
            r.left_bottom(),
            r.left_top(),
        ];
        painter.add(Shape::dashed_line(&corners, stroke, 8.0, 5.0));
    } else {
        painter.rect_stroke(r, rounding, stroke, StrokeKind::Inside);
    }
    if zoom < DETAIL_ZOOM * 0.6 {
        return;
    }
    // Positions from the export's header layout, in canvas units, then on screen.
    // From the rectangle as drawn, so the header follows a drag in progress.
    let layout = HeaderLayout::of(paint.transform.canvas_rect(r), container.badge.is_some());
    if let Some(texture) = icons.get(ctx, &container.icon) {
        painter.image(
            texture,
            paint.transform.rect(layout.icon),
            egui::Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)),
            Color32::WHITE,
        );
    }
    let middle = r.min.y + header / 2.0;
    let room = layout.text_right - layout.title_x;
    let title = fit::elide(
        &container.title,
        room * 0.7,
        metrics::CONTAINER_TITLE_SIZE,
        true,
    );
    let title_width = fit::width(&title, metrics::CONTAINER_TITLE_SIZE, true);
    let title_size = metrics::CONTAINER_TITLE_SIZE * zoom;
    let title_x = paint.transform.pos(Point::new(layout.title_x, 0.0)).x;
    painter.text(
        pos2(title_x, middle),
        Align2::LEFT_CENTER,
        &title,
        FontId::new(title_size, super::theme::bold()),
        paint.colors.text,
    );
    let kind_room = room - title_width - 8.0;
    if kind_room > 20.0 {
        let kind = fit::elide(&container.kind_name, kind_room, metrics::KIND_SIZE, false);
        let kind_x = title_x + (title_width + 8.0) * zoom;
        painter.text(
            pos2(kind_x, middle),
            Align2::LEFT_CENTER,
            kind,
            FontId::proportional(metrics::KIND_SIZE * zoom),
            paint.colors.muted_text,
        );
    }
    if let Some(badge) = container.badge {
        paint_badge(
            painter,
            paint.transform.pos(layout.badge_center),
            badge,
            zoom,
        );
    }
}

fn paint_edge(painter: &egui::Painter, edge: &EdgeShape, points: &[Point], paint: &Paint<'_>) {
    let zoom = paint.transform.zoom;
    let selected = paint.selected_connection == Some(&edge.id);
    // Association edges (diagnostics, identity, governance) recede so data flows stand out.
    let color = match (selected, edge.dashed) {
        (true, _) => paint.colors.selection,
        (false, true) => paint.colors.edge.gamma_multiply(0.55),
        (false, false) => paint.colors.edge,
    };
    let width = match (selected, edge.dashed) {
        (true, _) => 2.5,
        (false, true) => 1.0,
        (false, false) => 1.5,
    };
    let screen: Vec<Pos2> = points.iter().map(|p| paint.transform.pos(*p)).collect();
    let [.., before, end] = screen.as_slice() else {
        return;
    };
    let (before, end) = (*before, *end);
    let direction = (end - before).normalized();
    let arrow = metrics::ARROW_SIZE * zoom.clamp(0.6, 1.5);
    let tip_base = end - direction * arrow;
    // Only the visible part of the line is drawn (and dashed): long lines across a big design
    // would otherwise cost thousands of dashes a frame.
    let view = painter.clip_rect().expand(10.0);
    let to_point = |p: Pos2| Point::new(p.x, p.y);
    let view_rect = Rect::new(view.min.x, view.min.y, view.width(), view.height());
    let last = screen.len() - 2;
    for (i, segment) in screen.windows(2).enumerate() {
        let b = if i == last { tip_base } else { segment[1] };
        let Some((a, b)) = geometry::clip_segment(to_point(segment[0]), to_point(b), view_rect)
        else {
            continue;
        };
        let (a, b) = (pos2(a.x, a.y), pos2(b.x, b.y));
        // Dashes are unreadable zoomed out and cost a shape each: long lines stay solid.
        let dashes = (b - a).length() / 10.0;
        if edge.dashed && zoom >= ROUNDED_ZOOM && dashes < 80.0 {
            painter.add(Shape::dashed_line(
                &[a, b],
                Stroke::new(width, color),
                6.0,
                4.0,
            ));
        } else {
            painter.line_segment([a, b], Stroke::new(width, color));
        }
    }
    if view.contains(end) {
        let normal = vec2(-direction.y, direction.x) * arrow * 0.55;
        painter.add(Shape::convex_polygon(
            vec![end, tip_base + normal, tip_base - normal],
            color,
            Stroke::NONE,
        ));
    }
    let mid = paint.transform.pos(edge.label_center_on(points));
    if !edge.label.is_empty()
        && metrics::EDGE_LABEL_SIZE * zoom >= MIN_TEXT_SIZE
        && view.contains(mid)
    {
        let size = metrics::EDGE_LABEL_SIZE * zoom;
        let galley = painter.layout_no_wrap(
            edge.label.clone(),
            FontId::proportional(size),
            paint.colors.muted_text,
        );
        let label_rect = egui::Rect::from_center_size(mid, galley.size() + vec2(8.0, 4.0) * zoom);
        painter.rect_filled(label_rect, 3.0 * zoom, paint.colors.edge_label_fill);
        painter.galley(
            label_rect.min + vec2(4.0, 2.0) * zoom,
            galley,
            paint.colors.muted_text,
        );
    }
    // The connection's own findings, where the scene placed them (`EdgeShape::badge_along`).
    let badge_at = paint
        .transform
        .pos(routing::point_along(points, edge.badge_along));
    if let Some(badge) = edge.badge
        && view.contains(badge_at)
    {
        paint_badge(painter, badge_at, badge, zoom);
    }
}

/// Smallest note, in canvas units.
const MIN_NOTE: Vec2 = vec2(80.0, 36.0);

fn resized_note(rect: Rect, delta: Vec2) -> Rect {
    let w = geometry::snap((rect.w + delta.x).max(MIN_NOTE.x), placement::GRID);
    let h = geometry::snap((rect.h + delta.y).max(MIN_NOTE.y), placement::GRID);
    Rect::new(rect.x, rect.y, w, h)
}

/// A note's box in canvas units, following a drag of it in progress.
fn note_rect_in_canvas(view: &CanvasView, note: &NoteShape) -> Rect {
    match &view.gesture {
        Gesture::MoveNote { id, delta } if id == &note.id => note.rect.translated(delta.x, delta.y),
        Gesture::ResizeNote { id, delta } if id == &note.id => {
            let r = note.rect;
            Rect::new(
                r.x,
                r.y,
                (r.w + delta.x).max(MIN_NOTE.x),
                (r.h + delta.y).max(MIN_NOTE.y),
            )
        }
        _ => note.rect,
    }
}

/// A note drawn at `r` (where a drag has it); `anchor_shift` is how far the component it
/// points at has been dragged.
fn paint_note(
    painter: &egui::Painter,
    note: &NoteShape,
    r: Rect,
    anchor_shift: Vec2,
    paint: &Paint<'_>,
) {
    let zoom = paint.transform.zoom;
    let screen = paint.transform.rect(r);
    let selected = paint.selected_note == Some(&note.id);
    if let Some((from, to)) = note.leader {
        // The leader follows the note and what it points at while they are dragged.
        let (dx, dy) = (r.x - note.rect.x, r.y - note.rect.y);
        let (from, to) = (
            paint.transform.pos(from.offset(dx, dy)),
            paint
                .transform
                .pos(to.offset(anchor_shift.x, anchor_shift.y)),
        );
        painter.add(Shape::dashed_line(
            &[from, to],
            Stroke::new(1.25, paint.colors.note_border),
            4.0,
            3.0,
        ));
        painter.circle_filled(to, 3.0 * zoom.clamp(0.6, 1.5), paint.colors.note_border);
    }
    painter.rect(
        screen,
        3.0 * zoom,
        paint.colors.note_fill,
        Stroke::new(
            if selected { 2.0 } else { 1.0 },
            if selected {
                paint.colors.selection
            } else {
                paint.colors.note_border
            },
        ),
        StrokeKind::Inside,
    );
    let size = metrics::NOTE_TEXT_SIZE * zoom;
    if size < MIN_TEXT_SIZE {
        return;
    }
    if note.lines.is_empty() {
        painter.text(
            screen.min + vec2(metrics::NOTE_PADDING, metrics::NOTE_PADDING) * zoom,
            Align2::LEFT_TOP,
            "Double-click to write",
            FontId::proportional(size),
            paint.colors.note_text.gamma_multiply(0.5),
        );
    }
    // The scene broke the text into lines for the note's saved size; while resizing, the
    // lines that still fit are shown.
    for (i, line) in note.lines.iter().enumerate() {
        let y = metrics::NOTE_PADDING + i as f32 * metrics::NOTE_LINE_HEIGHT;
        if y + metrics::NOTE_TEXT_SIZE > r.h {
            break;
        }
        painter.text(
            paint
                .transform
                .pos(Point::new(r.x + metrics::NOTE_PADDING, r.y + y)),
            Align2::LEFT_TOP,
            line,
            FontId::proportional(size),
            paint.colors.note_text,
        );
    }
}

/// Notes on top of everything: click selects, drag moves, double-click edits the text in
/// place; the selected one has a corner to resize it.
#[allow(clippy::too_many_arguments)]
fn notes_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    view: &mut CanvasView,
    scene: &Scene,
    paint: &Paint<'_>,
    next_gesture: &mut Option<Gesture>,
    clicked_item: &mut bool,
    output: &mut CanvasOutput,
) {
    // Clipped to the canvas, like everything drawn on it.
    let painter = ui.painter_at(view.viewport);
    let clip = view.viewport;
    // F2 writes in the selected note, as it renames a selected component.
    let typing = ui.ctx().memory(|m| m.focused().is_some());
    if !typing
        && view.editing_note.is_none()
        && ui.input(|i| i.key_pressed(egui::Key::F2))
        && let Some(note) = view
            .selected_note
            .as_ref()
            .and_then(|id| doc.design().note(id))
    {
        view.edit_note(note.id.clone(), note.text.clone());
    }
    for note in &scene.notes {
        // A callout travels with the component it points at, as the move will take it.
        let carried = paint
            .moving
            .and_then(|(moving, delta)| {
                let anchor = doc.design().note(&note.id)?.anchor.as_ref()?;
                moving.contains(anchor).then_some(delta)
            })
            .unwrap_or(Vec2::ZERO);
        let r = note_rect_in_canvas(view, note).translated(carried.x, carried.y);
        let screen = paint.transform.rect(r);
        if !screen.intersects(clip) && note.leader.is_none() {
            continue;
        }
        paint_note(&painter, note, r, carried, paint);
        let editing = view
            .editing_note
            .as_ref()
            .is_some_and(|(id, _)| id == &note.id);
        if editing {
            note_editor_ui(ui, doc, view, note, screen, output);
            continue;
        }
        let response = ui.interact(
            screen,
            ui.scope_id().with(("note", &note.id)),
            Sense::click_and_drag(),
        );
        response.widget_info(|| {
            egui::WidgetInfo::selected(
                egui::Role::Button,
                true,
                view.selected_note.as_ref() == Some(&note.id),
                format!("Note: {}", note.lines.join(" ")),
            )
        });
        if response.clicked() {
            *clicked_item = true;
            view.select_note(note.id.clone());
        }
        if response.double_clicked()
            && let Some(saved) = doc.design().note(&note.id)
        {
            view.edit_note(note.id.clone(), saved.text.clone());
        }
        if response.drag_started_by(PointerButton::Primary) {
            view.select_note(note.id.clone());
            *next_gesture = Some(Gesture::MoveNote {
                id: note.id.clone(),
                delta: Vec2::ZERO,
            });
        }
        if view.selected_note.as_ref() == Some(&note.id) {
            let handle = egui::Rect::from_center_size(screen.max, vec2(14.0, 14.0));
            let corner = ui.interact(
                handle,
                ui.scope_id().with(("resize-note", &note.id)),
                Sense::drag(),
            );
            corner
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, "Resize note"));
            painter.rect(
                handle.shrink(2.0),
                2.0,
                paint.colors.card_fill,
                Stroke::new(1.5, paint.colors.selection),
                StrokeKind::Inside,
            );
            if corner.drag_started() {
                *next_gesture = Some(Gesture::ResizeNote {
                    id: note.id.clone(),
                    delta: Vec2::ZERO,
                });
            }
        }
    }
}

/// The text of a note, edited where it is drawn: clicking elsewhere keeps the text, Escape
/// leaves it as it was.
fn note_editor_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    view: &mut CanvasView,
    note: &NoteShape,
    screen: egui::Rect,
    output: &mut CanvasOutput,
) {
    // The text as large as the note draws it, so the lines break about where they will.
    let size = (metrics::NOTE_TEXT_SIZE * view.zoom).max(10.0);
    let Some((id, text)) = &mut view.editing_note else {
        return;
    };
    let field_id = ui.scope_id().with(("edit-note", &note.id));
    let response = ui.put(
        screen.expand(2.0),
        egui::TextEdit::multiline(text)
            .id(field_id)
            .font(FontId::proportional(size))
            .desired_width(screen.width()),
    );
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Write the note"));
    if !response.has_focus() && !response.lost_focus() {
        response.request_focus();
    }
    if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        view.editing_note = None;
    } else if response.lost_focus() {
        if doc.design().note(id).is_some_and(|n| n.text != *text) {
            output.edit = Some(Edit::SetNoteText {
                note: id.clone(),
                text: std::mem::take(text),
            });
        }
        view.editing_note = None;
    }
}

/// The selected connection's waypoints as handles: drag one to move it, double-click it to
/// take it out; drag the dot in the middle of a segment to bend the line there.
#[allow(clippy::too_many_arguments)]
fn waypoints_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    view: &CanvasView,
    edge: &EdgeShape,
    points: &[Point],
    paint: &Paint<'_>,
    next_gesture: &mut Option<Gesture>,
    output: &mut CanvasOutput,
) {
    let Some(connection) = doc.design().connection(&edge.id) else {
        return;
    };
    let waypoints = match paint.dragged_waypoints {
        Some((id, dragged)) if id == &edge.id => dragged,
        _ => connection.route.waypoints.as_slice(),
    };
    let label = edge_accessible_label(doc, edge);
    let colors = &paint.colors;
    let painter = ui.painter_at(view.viewport);
    // Where each waypoint lies on the drawn line, to know where a new one goes in the list.
    let mut on_line: Vec<usize> = Vec::with_capacity(waypoints.len());
    for w in waypoints {
        let from = on_line.last().copied().unwrap_or(0);
        let at = points[from..].iter().position(|p| p.distance(*w) < 0.5);
        on_line.push(at.map_or(from, |i| from + i));
    }
    for (i, segment) in points.windows(2).enumerate() {
        let (a, b) = (
            paint.transform.pos(segment[0]),
            paint.transform.pos(segment[1]),
        );
        if (b - a).length() < 36.0 {
            continue;
        }
        let middle = a + (b - a) * 0.5;
        let handle = egui::Rect::from_center_size(middle, vec2(12.0, 12.0));
        let response = ui.interact(
            handle,
            ui.scope_id().with(("bend", &edge.id, i)),
            Sense::drag(),
        );
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Bend {label} here"))
        });
        let hot = response.hovered() || response.dragged();
        painter.circle(
            middle,
            if hot { 5.0 } else { 3.5 },
            colors.card_fill,
            Stroke::new(1.5, colors.selection),
        );
        if response.drag_started() {
            // A middle segment of an elbow line with no bends of the user's slides across;
            // elsewhere the drag makes a new waypoint.
            let elbow = doc.design().routing_of(connection) == Routing::Orthogonal;
            let middle_segment = i > 0 && i + 2 < points.len();
            let (index, waypoints, grip) = if elbow && middle_segment && waypoints.is_empty() {
                let horizontal = (segment[0].y - segment[1].y).abs() < 0.01;
                (0, segment.to_vec(), Grip::Segment { horizontal })
            } else {
                let index = on_line.iter().filter(|&&at| at <= i).count();
                let mut waypoints = waypoints.to_vec();
                waypoints.insert(index, paint.transform.canvas_pos(middle));
                (index, waypoints, Grip::Point)
            };
            *next_gesture = Some(Gesture::Waypoint {
                connection: edge.id.clone(),
                waypoints,
                index,
                grip,
            });
        }
    }
    for (index, waypoint) in waypoints.iter().enumerate() {
        let center = paint.transform.pos(*waypoint);
        let handle = egui::Rect::from_center_size(center, vec2(14.0, 14.0));
        let response = ui.interact(
            handle,
            ui.scope_id().with(("waypoint", &edge.id, index)),
            Sense::click_and_drag(),
        );
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Button,
                true,
                format!("Waypoint {} of {label}", index + 1),
            )
        });
        let response = response.on_hover_text("Drag to move; double-click to remove");
        painter.circle(
            center,
            5.5,
            colors.selection,
            Stroke::new(1.5, colors.card_fill),
        );
        if response.drag_started() {
            *next_gesture = Some(Gesture::Waypoint {
                connection: edge.id.clone(),
                waypoints: waypoints.to_vec(),
                index,
                grip: Grip::Point,
            });
        }
        if response.double_clicked() && view.gesture == Gesture::Idle {
            let mut kept = waypoints.to_vec();
            kept.remove(index);
            output.edit = Some(Edit::SetRoute {
                connection: edge.id.clone(),
                route: Route {
                    routing: connection.route.routing,
                    waypoints: kept,
                },
            });
        }
    }
}

/// The colour of a "Compare with…" mark: green for added, amber for changed or moved.
pub fn mark_color(change: Change) -> Color32 {
    match change {
        Change::Added => Color32::from_rgb(0x2d, 0xa4, 0x4e),
        Change::Changed | Change::Removed => Color32::from_rgb(0xd4, 0xa7, 0x2c),
    }
}

/// A ring outside an element that "Compare with…" marks.
fn paint_mark(painter: &egui::Painter, r: egui::Rect, mark: Option<&Change>, zoom: f32) {
    if let Some(change) = mark {
        painter.rect_stroke(
            r.expand(4.0 * zoom.max(0.5)),
            CornerRadius::from(6.0 * zoom),
            Stroke::new(3.0, mark_color(*change)),
            StrokeKind::Outside,
        );
    }
}

fn paint_card(
    painter: &egui::Painter,
    ctx: &egui::Context,
    icons: &mut IconCache,
    card: &CardShape,
    r: egui::Rect,
    paint: &Paint<'_>,
) {
    let zoom = paint.transform.zoom;
    let selected = paint.selection.contains(&card.id);
    let accent = color(card.accent);
    if zoom < DETAIL_ZOOM {
        painter.rect_filled(
            r,
            2.0,
            if selected {
                paint.colors.selection
            } else {
                accent
            },
        );
        return;
    }
    // Square corners while cards are small: rounded outlines cost many vertices a card and
    // cannot be seen at that size anyway.
    let rounding = if zoom < ROUNDED_ZOOM {
        CornerRadius::ZERO
    } else {
        CornerRadius::from(metrics::CARD_ROUNDING * zoom)
    };
    let stroke = if selected {
        Stroke::new(2.5, paint.colors.selection)
    } else {
        Stroke::new(1.0, paint.colors.card_stroke)
    };
    painter.rect(
        r,
        rounding,
        paint.colors.card_fill,
        stroke,
        StrokeKind::Inside,
    );
    paint_mark(painter, r, paint.marks.get(&card.id), zoom);
    let stripe = egui::Rect::from_min_size(r.min, vec2(metrics::ACCENT_WIDTH * zoom, r.height()));
    let stripe_rounding = CornerRadius {
        nw: rounding.nw,
        sw: rounding.sw,
        ne: 0,
        se: 0,
    };
    painter.rect_filled(stripe, stripe_rounding, accent);

    let padding = metrics::CARD_PADDING * zoom;
    let icon_size = metrics::ICON_SIZE * zoom;
    let icon_rect = egui::Rect::from_min_size(
        pos2(r.min.x + padding, r.center().y - icon_size / 2.0),
        vec2(icon_size, icon_size),
    );
    if let Some(texture) = icons.get(ctx, &card.icon) {
        painter.image(
            texture,
            icon_rect,
            egui::Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)),
            Color32::WHITE,
        );
    }
    let text_x = icon_rect.max.x + 10.0 * zoom;
    let text_width = r.max.x - text_x - padding;
    let name_size = metrics::NAME_SIZE * zoom;
    let kind_size = metrics::KIND_SIZE * zoom;
    // Text too small to read is left out: it costs the most vertices of a card.
    if name_size >= MIN_TEXT_SIZE {
        painter.text(
            pos2(text_x, r.center().y - 8.0 * zoom),
            Align2::LEFT_CENTER,
            // Elided with the exports' font metrics, in canvas units: the same text at every
            // zoom and in the SVG/PNG.
            fit::elide(&card.name, text_width / zoom, metrics::NAME_SIZE, true),
            FontId::new(name_size, super::theme::bold()),
            paint.colors.text,
        );
    }
    if kind_size >= MIN_TEXT_SIZE {
        painter.text(
            pos2(text_x, r.center().y + 10.0 * zoom),
            Align2::LEFT_CENTER,
            fit::elide(
                &card.kind_name,
                text_width / zoom,
                metrics::KIND_SIZE,
                false,
            ),
            FontId::proportional(kind_size),
            paint.colors.muted_text,
        );
    }
    if let Some(badge) = card.badge {
        paint_badge(
            painter,
            pos2(r.max.x - 2.0 * zoom, r.min.y + 2.0 * zoom),
            badge,
            zoom,
        );
    }
}

fn paint_badge(painter: &egui::Painter, center: Pos2, badge: crate::scene::Badge, zoom: f32) {
    let radius = metrics::BADGE_RADIUS * zoom.clamp(0.7, 1.6);
    if badge.all_triaged() {
        // Every finding here is triaged: a quiet check mark instead of a count.
        let grey = Color32::from_rgb(0x8c, 0x95, 0x9f);
        painter.circle(center, radius, Color32::WHITE, Stroke::new(1.5, grey));
        let r = radius * 0.5;
        painter.line(
            vec![
                center + egui::vec2(-r, 0.1 * r),
                center + egui::vec2(-0.25 * r, 0.8 * r),
                center + egui::vec2(r, -0.7 * r),
            ],
            Stroke::new(radius * 0.22, grey),
        );
        return;
    }
    painter.circle(
        center,
        radius,
        color(severity_color(badge.severity)),
        Stroke::new(1.5, Color32::WHITE),
    );
    painter.text(
        center,
        Align2::CENTER_CENTER,
        badge.count.to_string(),
        FontId::proportional(radius * 1.1),
        Color32::WHITE,
    );
}

/// Paints a scene without interaction (template gallery thumbnails).
pub fn paint_thumbnail(
    painter: &egui::Painter,
    ctx: &egui::Context,
    icons: &mut IconCache,
    scene: &Scene,
    rect: egui::Rect,
    dark: bool,
) {
    let colors = CanvasColors::new(dark);
    painter.rect_filled(rect, 4.0, colors.background);
    let Some(bounds) = scene.bounds else { return };
    let transform = ScreenFromCanvas::fit(bounds, rect.expand(30.0));
    let empty = BTreeSet::new();
    let no_marks = BTreeMap::new();
    let paint = Paint {
        transform,
        colors,
        dark,
        moving: None,
        resizing: None,
        selection: &empty,
        selected_connection: None,
        selected_note: None,
        marks: &no_marks,
        dragged_waypoints: None,
        cards: &scene.cards,
        cards_while_dragging: Default::default(),
    };
    let painter = painter.with_clip_rect(rect);
    for container in &scene.containers {
        paint_container(
            &painter,
            ctx,
            icons,
            container,
            transform.rect(container.rect),
            &paint,
        );
    }
    for edge in &scene.edges {
        paint_edge(&painter, edge, &edge.points, &paint);
    }
    for card in &scene.cards {
        paint_card(
            &painter,
            ctx,
            icons,
            card,
            transform.rect(card.rect),
            &paint,
        );
    }
}

/// F2 (or a double-click) puts a text field over the selected component's name: Enter or
/// clicking elsewhere renames it, Escape leaves it as it was.
fn rename_in_place_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    view: &mut CanvasView,
    scene: &Scene,
    paint: &Paint,
    output: &mut CanvasOutput,
) {
    let typing_elsewhere = ui.ctx().memory(|m| m.focused().is_some());
    if view.renaming.is_none()
        && !typing_elsewhere
        && view.selection.len() == 1
        && ui.input(|i| i.key_pressed(egui::Key::F2))
        && let Some(id) = view.selection.first()
        && let Some(node) = doc.design().node(id)
    {
        view.renaming = Some((id.clone(), node.name.clone(), true));
    }
    let Some((id, text, fresh)) = &mut view.renaming else {
        return;
    };
    let Some(card) = scene.cards.iter().find(|c| &c.id == id) else {
        view.renaming = None;
        return;
    };
    let r = paint.node_rect(&card.id, card.rect);
    let field_rect = egui::Rect::from_min_size(
        r.min + vec2(4.0, 4.0),
        vec2((r.width() - 8.0).max(120.0), 24.0),
    );
    let field_id = ui.scope_id().with(("rename", &card.id));
    let response = ui.put(
        field_rect,
        egui::TextEdit::singleline(text)
            .id(field_id)
            .desired_width(field_rect.width()),
    );
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Rename component"));
    if !response.has_focus() && !response.lost_focus() {
        response.request_focus();
    }
    if std::mem::take(fresh) {
        // The old name starts selected, so typing replaces it.
        if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), field_id) {
            let all = egui::text::CCursorRange::two(
                egui::text::CCursor::new(0),
                egui::text::CCursor::new(text.chars().count()),
            );
            state.cursor.set_char_range(Some(all));
            state.store(ui.ctx(), field_id);
        } else {
            *fresh = true;
        }
    }
    let cancelled = ui.input(|i| i.key_pressed(egui::Key::Escape));
    if cancelled {
        view.renaming = None;
    } else if response.lost_focus() {
        let name = text.trim().to_owned();
        if !name.is_empty() && name != card.name {
            output.edit = Some(Edit::Rename {
                node: id.clone(),
                name,
            });
        }
        view.renaming = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_and_canvas_positions_are_inverse() {
        let t = ScreenFromCanvas {
            origin: pos2(100.0, 50.0),
            zoom: 2.0,
        };
        let p = Point::new(10.0, -5.0);
        assert_eq!(t.pos(p), pos2(120.0, 40.0));
        assert_eq!(t.canvas_pos(t.pos(p)), p);
    }

    #[test]
    fn zooming_keeps_the_point_under_the_pointer_still() {
        let mut view = CanvasView::default();
        let anchor = pos2(300.0, 200.0);
        let before = view.transform().canvas_pos(anchor);
        view.zoom_around(anchor, 1.7);
        let after = view.transform().canvas_pos(anchor);
        assert!((before.x - after.x).abs() < 1e-3 && (before.y - after.y).abs() < 1e-3);
        view.zoom_around(anchor, 1000.0);
        assert_eq!(view.zoom, MAX_ZOOM);
    }

    #[test]
    fn fit_puts_the_whole_design_inside_the_viewport() {
        let bounds = Rect::new(-500.0, 100.0, 3000.0, 1000.0);
        let viewport = egui::Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 700.0));
        let t = ScreenFromCanvas::fit(bounds, viewport);
        assert!(viewport.contains_rect(t.rect(bounds)));
    }

    #[test]
    fn long_names_are_elided_to_fit() {
        // The canvas elides with the exports' font metrics.
        assert_eq!(fit::elide("Web", 100.0, 10.0, false), "Web");
        let long = fit::elide("A very long component name indeed", 60.0, 10.0, false);
        assert!(
            long.ends_with('…') && fit::width(&long, 10.0, false) <= 60.0,
            "{long}"
        );
    }

    #[test]
    fn hit_testing_prefers_cards_over_the_containers_around_them() {
        let scene = Scene {
            containers: vec![ContainerShape {
                id: NodeId::new("vnet").unwrap_or_else(|e| panic!("{e}")),
                rect: Rect::new(0.0, 0.0, 400.0, 300.0),
                title: String::new(),
                kind_name: String::new(),
                icon: String::new(),
                accent: crate::scene::Rgb(0, 0, 0),
                style: ContainerStyle::Network,
                depth: 0,
                badge: None,
            }],
            cards: vec![CardShape {
                id: NodeId::new("vm").unwrap_or_else(|e| panic!("{e}")),
                rect: Rect::new(50.0, 50.0, 170.0, 56.0),
                name: String::new(),
                kind_name: String::new(),
                icon: String::new(),
                accent: crate::scene::Rgb(0, 0, 0),
                badge: None,
            }],
            ..Scene::default()
        };
        assert_eq!(
            node_at(&scene, Point::new(60.0, 60.0)).map(|id| id.to_string()),
            Some("vm".to_owned())
        );
        assert_eq!(
            node_at(&scene, Point::new(300.0, 250.0)).map(|id| id.to_string()),
            Some("vnet".to_owned())
        );
        assert_eq!(node_at(&scene, Point::new(500.0, 250.0)), None);
    }
}
