//! The drawing of a design, as geometry: container regions, component cards, connection
//! arrows and finding badges, in canvas units. The canvas paints it and the SVG/PNG export
//! writes it, so what users see is what they export.

use std::collections::BTreeMap;

use crate::model::{Catalog, ConnectionId, Design, Node, NodeId, Point, Rect, Severity, Value};
use crate::review::triage::Reviewed;

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
    pub start: Point,
    pub end: Point,
    pub label: String,
    pub dashed: bool,
    /// The marker of the connection's own findings.
    pub badge: Option<Badge>,
}

impl EdgeShape {
    pub fn midpoint(&self) -> Point {
        Point::new(
            (self.start.x + self.end.x) / 2.0,
            (self.start.y + self.end.y) / 2.0,
        )
    }

    /// Where the findings badge sits: just after the start, clear of the label in the middle
    /// and of the arrowhead at the end (a third of the way along on a short edge).
    pub fn badge_center(&self) -> Point {
        let (dx, dy) = (self.end.x - self.start.x, self.end.y - self.start.y);
        let length = dx.hypot(dy);
        if length <= f32::EPSILON {
            return self.start;
        }
        let along = (metrics::BADGE_RADIUS + 8.0).min(length / 3.0);
        Point::new(
            self.start.x + dx / length * along,
            self.start.y + dy / length * along,
        )
    }
}

/// Everything to draw, in paint order: containers (outer first), edges, cards.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub containers: Vec<ContainerShape>,
    pub edges: Vec<EdgeShape>,
    pub cards: Vec<CardShape>,
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

    for connection in design.connections() {
        let (Some(from), Some(to)) = (design.node(&connection.from), design.node(&connection.to))
        else {
            continue;
        };
        let kind = catalog.connection_kind(&connection.kind);
        let start = from.rect.border_point_toward(to.rect.center());
        let end = to.rect.border_point_toward(from.rect.center());
        let label = if connection.label.trim().is_empty() {
            default_label(catalog, connection)
        } else {
            connection.label.clone()
        };
        scene.edges.push(EdgeShape {
            id: connection.id.clone(),
            from: connection.from.clone(),
            to: connection.to.clone(),
            start,
            end,
            label,
            dashed: kind.is_some_and(|k| k.dashed),
            badge: edge_badges.get(&connection.id).copied(),
        });
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

    #[test]
    fn hex_colours_round_trip_and_bad_input_is_grey() {
        assert_eq!(Rgb::from_hex("#0078d4"), Rgb(0, 0x78, 0xd4));
        assert_eq!(Rgb::from_hex("#0078d4").hex(), "#0078d4");
        assert_eq!(Rgb::from_hex("blue"), Rgb(0x80, 0x80, 0x80));
        assert_eq!(Rgb::from_hex("#12"), Rgb(0x80, 0x80, 0x80));
    }
}
