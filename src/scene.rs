//! The drawing of a design, as geometry: container regions, component cards, connection
//! arrows and finding badges, in canvas units. The canvas paints it and the SVG/PNG export
//! writes it, so what users see is what they export.

use std::collections::BTreeMap;

use crate::model::geometry::RectGrid;
use crate::model::{
    Catalog, ConnectionId, Design, Node, NodeId, NoteId, Point, Rect, Routing, Severity, Value,
};
use crate::review::triage::Reviewed;
use crate::routing;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Parses `#rrggbb`; grey when malformed.
    pub fn from_hex(hex: &str) -> Self {
        let parse = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|s| u8::from_str_radix(s, 16).ok())
        };
        match (
            hex.strip_prefix('#').map(str::len),
            parse(1),
            parse(3),
            parse(5),
        ) {
            (Some(6), Some(r), Some(g), Some(b)) => Self(r, g, b),
            _ => Self(0x80, 0x80, 0x80),
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Layout constants shared by canvas and export.
pub mod metrics {
    pub const CARD_ROUNDING: f32 = 8.0;
    pub const CONTAINER_ROUNDING: f32 = 10.0;
    pub const ICON_SIZE: f32 = 32.0;
    pub const CARD_PADDING: f32 = 12.0;
    pub const NAME_SIZE: f32 = 14.0;
    pub const KIND_SIZE: f32 = 11.0;
    pub const CONTAINER_TITLE_SIZE: f32 = 13.0;
    pub const CONTAINER_HEADER: f32 = 28.0;
    pub const EDGE_LABEL_SIZE: f32 = 11.0;
    pub const BADGE_RADIUS: f32 = 10.0;
    pub const ARROW_SIZE: f32 = 9.0;
    /// The widest an edge label's box gets before its text is cut.
    pub const EDGE_LABEL_MAX_WIDTH: f32 = 180.0;
    pub const NOTE_TEXT_SIZE: f32 = 12.0;
    /// Between lines of a note, baseline to baseline.
    pub const NOTE_LINE_HEIGHT: f32 = 16.0;
    pub const NOTE_PADDING: f32 = 8.0;
    pub const ACCENT_WIDTH: f32 = 5.0;
}

/// The colour that stands for a severity (badges, findings list, legend).
pub fn severity_color(severity: Severity) -> Rgb {
    match severity {
        Severity::Critical => Rgb(0xa4, 0x26, 0x2c),
        Severity::High => Rgb(0xd1, 0x34, 0x38),
        Severity::Medium => Rgb(0xe8, 0x7b, 0x0c),
        Severity::Low => Rgb(0x5c, 0x7c, 0xa8),
        Severity::Info => Rgb(0x6b, 0x6b, 0x6b),
    }
}

/// How a container is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerStyle {
    /// Internet and on-premises zones: tinted, dashed border.
    Zone,
    /// Management groups, subscriptions and resource groups: plain outline.
    Scope,
    /// Virtual networks and subnets: tinted with the network accent.
    Network,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContainerShape {
    pub id: NodeId,
    pub rect: Rect,
    pub title: String,
    pub kind_name: String,
    pub icon: String,
    pub accent: Rgb,
    pub style: ContainerStyle,
    /// Nesting depth, 0 at the top level; deeper regions are drawn later (on top).
    pub depth: usize,
    pub badge: Option<Badge>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CardShape {
    pub id: NodeId,
    pub rect: Rect,
    pub name: String,
    pub kind_name: String,
    pub icon: String,
    pub accent: Rgb,
    pub badge: Option<Badge>,
}

/// The finding marker on a card: how many findings are open and the worst of them; when every
/// finding is triaged, `count` is 0 and the badge is drawn as a quiet check mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Badge {
    /// The worst open finding's severity (or the worst triaged one's, when none is open).
    pub severity: Severity,
    /// Open findings (no decision, or an expired one).
    pub count: usize,
    /// Findings set aside by a decision in force.
    pub triaged: usize,
}

impl Badge {
    fn new(severity: Severity) -> Self {
        Self {
            severity,
            count: 0,
            triaged: 0,
        }
    }

    /// Counts a finding: open findings decide the colour; triaged ones only until one is open.
    fn add(&mut self, severity: Severity, open: bool) {
        if open && self.count == 0 {
            self.severity = severity;
        } else if open || self.count == 0 {
            self.severity = self.severity.min(severity);
        }
        if open {
            self.count += 1;
        } else {
            self.triaged += 1;
        }
    }

    /// Whether every finding on the element is triaged.
    pub fn all_triaged(&self) -> bool {
        self.count == 0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EdgeShape {
    pub id: ConnectionId,
    pub from: NodeId,
    pub to: NodeId,
    /// The line, in canvas units: from the border of `from` to the border of `to`.
    pub points: Vec<Point>,
    pub label: String,
    pub dashed: bool,
    /// The marker of the connection's own findings.
    pub badge: Option<Badge>,
    /// Where the label sits, as a fraction of the line's length: the middle unless
    /// that would cover another label or a card ([`place_edge_marks`]).
    pub label_along: f32,
    /// How far the label is set off its place on the line, beside it: on a connection too
    /// short for both its label and its badge, the label moves aside (zero otherwise).
    pub label_offset: Point,
    /// Where the findings badge sits, as a fraction of the length: after the start, clear of the
    /// card badge at the start, the label and the arrowhead.
    pub badge_along: f32,
}

impl EdgeShape {
    pub fn start(&self) -> Point {
        self.points.first().copied().unwrap_or_default()
    }

    pub fn end(&self) -> Point {
        self.points.last().copied().unwrap_or_default()
    }

    pub fn label_center(&self) -> Point {
        self.label_center_on(&self.points)
    }

    /// Where the label sits on a line drawn through `points` (the canvas passes the line it
    /// draws, which follows a drag).
    pub fn label_center_on(&self, points: &[Point]) -> Point {
        routing::point_along(points, self.label_along)
            .offset(self.label_offset.x, self.label_offset.y)
    }

    pub fn badge_center(&self) -> Point {
        routing::point_along(&self.points, self.badge_along)
    }
}

/// The box of an edge label centred on `center`, as the canvas and the SVG draw it.
pub fn edge_label_rect(label: &str, center: Point) -> Rect {
    let w = (crate::export::fit::width(label, metrics::EDGE_LABEL_SIZE, false) + 12.0)
        .min(metrics::EDGE_LABEL_MAX_WIDTH);
    let h = metrics::EDGE_LABEL_SIZE + 8.0;
    Rect::new(center.x - w / 2.0, center.y - h / 2.0, w, h)
}

fn overlaps(a: Rect, b: Rect) -> bool {
    overlap_area(a, b) > 0.0
}

fn overlap_area(a: Rect, b: Rect) -> f32 {
    let w = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
    let h = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
    if w > 0.0 && h > 0.0 { w * h } else { 0.0 }
}

/// Places each edge's label and badge so that labels do not sit on one another or on cards,
/// and badges stay clear of the card badge where the edge starts and of the labels. Edges are
/// taken in order and each keeps the first free place among a few along its line, so the
/// result is deterministic; where none is free, the first choice stands.
fn place_edge_marks(scene: &mut Scene, cards: &RectGrid) {
    const LABEL_PLACES: [f32; 9] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8];
    let radius = metrics::BADGE_RADIUS;
    // Card badges sit on the top-right corner (see the SVG card layout), kept as their boxes.
    let mut card_badges = RectGrid::default();
    for card in &scene.cards {
        if card.badge.is_some() {
            let (x, y) = (card.rect.x + card.rect.w - 2.0, card.rect.y + 2.0);
            card_badges.insert(Rect::new(
                x - radius,
                y - radius,
                2.0 * radius,
                2.0 * radius,
            ));
        }
    }
    let mut labels = RectGrid::default();
    for edge in &mut scene.edges {
        let length = routing::length(&edge.points);
        if !edge.label.trim().is_empty() {
            // How much of other labels and of cards a place would cover; the first place
            // that covers least wins, so a free one is always taken.
            let covered = |along: f32| {
                let at = routing::point_along(&edge.points, along);
                let rect = edge_label_rect(&edge.label, at);
                let labels_hidden: f32 = labels.near(rect).map(|l| overlap_area(rect, l)).sum();
                let cards_hidden: f32 = cards.near(rect).map(|c| overlap_area(rect, c)).sum();
                2.0 * labels_hidden + cards_hidden
            };
            let mut best = (LABEL_PLACES[0], covered(LABEL_PLACES[0]));
            for along in LABEL_PLACES.into_iter().skip(1) {
                if best.1 <= 0.0 {
                    break;
                }
                let cost = covered(along);
                if cost < best.1 {
                    best = (along, cost);
                }
            }
            edge.label_along = best.0;
            labels.insert(edge_label_rect(&edge.label, edge.label_center()));
        }
        if edge.badge.is_none() || length <= f32::EPSILON {
            continue;
        }
        // From just after the start, a third of the way at most.
        let nearest = ((radius + 8.0) / length).min(1.0 / 3.0);
        // Then past the middle, short of the arrowhead, when the first third is crowded.
        let last = (1.0 - (radius + metrics::ARROW_SIZE + 4.0) / length).max(nearest);
        let places = [
            nearest,
            (nearest * 1.6).min(1.0 / 3.0),
            (nearest * 2.2).min(1.0 / 3.0),
            1.0 / 3.0,
            0.65_f32.min(last),
            last,
        ];
        let circle_at = |along: f32| {
            let at = routing::point_along(&edge.points, along);
            Rect::new(at.x - radius, at.y - radius, 2.0 * radius, 2.0 * radius)
        };
        let clear_of_badges = |along: f32| {
            let circle = circle_at(along);
            let center = circle.center();
            !card_badges.near(circle.expand(radius + 2.0)).any(|b| {
                let c = b.center();
                (c.x - center.x).hypot(c.y - center.y) < 2.0 * radius + 2.0
            })
        };
        let clear_of_labels = |along: f32| {
            let circle = circle_at(along);
            !labels.near(circle).any(|l| overlaps(circle, l))
        };
        // A card's own count matters more than a label's text: keep clear of it first.
        edge.badge_along = places
            .into_iter()
            .find(|a| clear_of_badges(*a) && clear_of_labels(*a))
            .or_else(|| places.into_iter().find(|a| clear_of_badges(*a)))
            .unwrap_or(nearest);
        // Too short for both on the line: the label steps aside, above a flat segment or
        // right of a steep one, so the badge covers none of it.
        let badge = circle_at(edge.badge_along);
        let label = edge_label_rect(&edge.label, edge.label_center());
        if !edge.label.trim().is_empty() && overlaps(badge, label) {
            let (a, b) = routing::segment_along(&edge.points, edge.label_along);
            edge.label_offset = if (b.x - a.x).abs() >= (b.y - a.y).abs() {
                Point::new(0.0, -(label.h / 2.0 + radius + 2.0))
            } else {
                Point::new(label.w / 2.0 + radius + 2.0, 0.0)
            };
            labels.insert(edge_label_rect(&edge.label, edge.label_center()));
        }
    }
}

/// A note: its box, its text broken into the lines that fit, and the leader line of a
/// callout, from the note's border to the border of what it points at.
#[derive(Clone, Debug, PartialEq)]
pub struct NoteShape {
    pub id: NoteId,
    pub rect: Rect,
    pub lines: Vec<String>,
    pub leader: Option<(Point, Point)>,
}

impl NoteShape {
    /// The shape of a note with this text and box, pointing at `anchor`'s box if it has one.
    fn new(id: NoteId, text: &str, rect: Rect, anchor: Option<Rect>) -> Self {
        let inner = rect.expand(-metrics::NOTE_PADDING);
        let max_lines = ((inner.h + metrics::NOTE_LINE_HEIGHT - metrics::NOTE_TEXT_SIZE)
            / metrics::NOTE_LINE_HEIGHT)
            .floor()
            .max(1.0) as usize;
        let lines =
            crate::export::fit::wrap(text, inner.w, metrics::NOTE_TEXT_SIZE, false, max_lines);
        // No leader when the note sits on what it points at.
        let leader = anchor.filter(|a| !a.intersects(rect)).map(|a| {
            (
                rect.border_point_toward(a.center()),
                a.border_point_toward(rect.center()),
            )
        });
        Self {
            id,
            rect,
            lines,
            leader,
        }
    }
}

/// Everything to draw, in paint order: containers (outer first), edges, cards, notes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub containers: Vec<ContainerShape>,
    pub edges: Vec<EdgeShape>,
    pub cards: Vec<CardShape>,
    pub notes: Vec<NoteShape>,
    /// Bounding box of everything, `None` for an empty design.
    pub bounds: Option<Rect>,
}

/// Builds the scene of a design with its findings' badges (counting open findings).
pub fn build(design: &Design, catalog: &Catalog, findings: Option<&Reviewed<'_>>) -> Scene {
    let mut badges: BTreeMap<&NodeId, Badge> = BTreeMap::new();
    let mut edge_badges: BTreeMap<&ConnectionId, Badge> = BTreeMap::new();
    for (finding, state) in findings.iter().flat_map(|r| r.iter()) {
        let open = state.is_open();
        match &finding.subject {
            crate::rules::Subject::Node(id) => badges
                .entry(id)
                .or_insert(Badge::new(finding.severity))
                .add(finding.severity, open),
            crate::rules::Subject::Connection(id) => edge_badges
                .entry(id)
                .or_insert(Badge::new(finding.severity))
                .add(finding.severity, open),
            crate::rules::Subject::Design => {}
        }
    }
    let accent_of = |node: &Node| {
        catalog
            .kind(&node.kind)
            .and_then(|k| catalog.category(&k.category))
            .map_or(Rgb(0x80, 0x80, 0x80), |c| Rgb::from_hex(&c.color))
    };

    let mut scene = Scene {
        bounds: design.bounds(),
        ..Scene::default()
    };
    for node in design.nodes() {
        let kind = catalog.kind(&node.kind);
        let kind_name = kind.map_or_else(|| node.kind.to_string(), |k| k.name.clone());
        let icon = kind.map_or_else(String::new, |k| k.icon.clone());
        let badge = badges.get(&node.id).copied();
        if kind.is_some_and(|k| k.container) {
            let style = match kind {
                Some(k) if k.has_trait("boundary_zone") => ContainerStyle::Zone,
                Some(k) if k.has_trait("network") || k.has_trait("subnet") => {
                    ContainerStyle::Network
                }
                _ => ContainerStyle::Scope,
            };
            scene.containers.push(ContainerShape {
                id: node.id.clone(),
                rect: node.rect,
                title: node.name.clone(),
                kind_name,
                icon,
                accent: accent_of(node),
                style,
                depth: design.ancestors(&node.id).count(),
                badge,
            });
        } else {
            scene.cards.push(CardShape {
                id: node.id.clone(),
                rect: node.rect,
                name: node.name.clone(),
                kind_name,
                icon,
                accent: accent_of(node),
                badge,
            });
        }
    }
    scene
        .containers
        .sort_by(|a, b| (a.depth, &a.id).cmp(&(b.depth, &b.id)));

    let mut cards = RectGrid::default();
    for card in &scene.cards {
        cards.insert(card.rect);
    }
    // For each edge, its ends' rectangles when it is an elbow line free to meet its cards
    // anywhere along a side (no waypoints of the user's).
    let mut free_elbows: Vec<Option<(Rect, Rect)>> = Vec::new();
    for connection in design.connections() {
        let (Some(from), Some(to)) = (design.node(&connection.from), design.node(&connection.to))
        else {
            continue;
        };
        let kind = catalog.connection_kind(&connection.kind);
        let routing = design.routing_of(connection);
        let free = routing == Routing::Orthogonal && connection.route.waypoints.is_empty();
        free_elbows.push(free.then_some((from.rect, to.rect)));
        let points = routing::route(
            from.rect,
            to.rect,
            routing,
            &connection.route.waypoints,
            &cards,
        );
        let label = if connection.label.trim().is_empty() {
            default_label(catalog, connection)
        } else {
            connection.label.clone()
        };
        scene.edges.push(EdgeShape {
            id: connection.id.clone(),
            from: connection.from.clone(),
            to: connection.to.clone(),
            points,
            label,
            dashed: kind.is_some_and(|k| k.dashed),
            badge: edge_badges.get(&connection.id).copied(),
            label_along: 0.5,
            label_offset: Point::default(),
            badge_along: 0.0,
        });
    }
    let mut elbows: Vec<(Rect, Rect, &mut Vec<Point>)> = Vec::new();
    for (edge, free) in scene.edges.iter_mut().zip(free_elbows) {
        if let Some((from, to)) = free {
            elbows.push((from, to, &mut edge.points));
        }
    }
    routing::spread_ports(&mut elbows, &cards);
    place_edge_marks(&mut scene, &cards);
    for note in design.notes() {
        let anchor = note
            .anchor
            .as_ref()
            .and_then(|a| design.node(a))
            .map(|n| n.rect);
        scene.notes.push(NoteShape::new(
            note.id.clone(),
            &note.text,
            note.rect,
            anchor,
        ));
    }
    scene
}

/// `HTTPS 443` for traffic; empty for other kinds (their line style tells them apart).
fn default_label(catalog: &Catalog, connection: &crate::model::Connection) -> String {
    if connection.kind != "traffic" {
        return String::new();
    }
    let protocol = connection
        .property(catalog, "protocol")
        .and_then(Value::as_text)
        .unwrap_or("");
    match connection.property(catalog, "port").and_then(Value::as_int) {
        Some(port) if port > 0 => format!("{protocol} {port}"),
        _ => protocol.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str, x: f32, y: f32) -> crate::model::Edit {
        crate::model::Edit::AddNode(Node {
            id: NodeId::new(id).unwrap_or_else(|e| panic!("{e}")),
            kind: "app_service".into(),
            name: id.to_owned(),
            rect: Rect::new(x, y, 170.0, 56.0),
            parent: None,
            properties: Default::default(),
            notes: String::new(),
        })
    }

    fn flow(id: &str, from: &str, to: &str) -> crate::model::Edit {
        let node = |n: &str| NodeId::new(n).unwrap_or_else(|e| panic!("{e}"));
        crate::model::Edit::Connect(crate::model::Connection {
            id: ConnectionId::new(id).unwrap_or_else(|e| panic!("{e}")),
            kind: "traffic".into(),
            from: node(from),
            to: node(to),
            label: String::new(),
            properties: Default::default(),
            route: Default::default(),
        })
    }

    #[test]
    fn crossing_connections_keep_their_labels_apart_and_off_the_cards() {
        // Two flows that cross in the middle: their labels would share the midpoint.
        let mut design = Design::new("t");
        crate::model::Edit::Batch(vec![
            card("a", 0.0, 0.0),
            card("b", 600.0, 300.0),
            card("c", 0.0, 300.0),
            card("d", 600.0, 0.0),
            flow("a-b", "a", "b"),
            flow("c-d", "c", "d"),
        ])
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
        let catalog = crate::model::catalog::builtin();
        let scene = build(&design, catalog, None);
        let rects: Vec<Rect> = scene
            .edges
            .iter()
            .map(|e| edge_label_rect(&e.label, e.label_center()))
            .collect();
        assert_eq!(rects.len(), 2);
        assert!(!overlaps(rects[0], rects[1]), "{rects:?}");
        for rect in &rects {
            assert!(!scene.cards.iter().any(|c| overlaps(*rect, c.rect)));
        }
        // Placement is deterministic.
        assert_eq!(build(&design, catalog, None), scene);
    }

    #[test]
    fn hex_colours_round_trip_and_bad_input_is_grey() {
        assert_eq!(Rgb::from_hex("#0078d4"), Rgb(0, 0x78, 0xd4));
        assert_eq!(Rgb::from_hex("#0078d4").hex(), "#0078d4");
        assert_eq!(Rgb::from_hex("blue"), Rgb(0x80, 0x80, 0x80));
        assert_eq!(Rgb::from_hex("#12"), Rgb(0x80, 0x80, 0x80));
    }
}
