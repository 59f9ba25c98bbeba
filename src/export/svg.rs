//! The diagram as SVG: the scene the canvas draws ([`crate::scene`]), plus a title block and a
//! legend. Light theme, deterministic bytes, every user string escaped.
//!
//! Nothing here computes geometry of its own: containers, cards, edges and badges come from
//! [`scene::build`] in canvas units, and the layout inside a card or a container header comes
//! from [`scene::metrics`] through [`CardLayout`] and [`HeaderLayout`].

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use super::escape::xml;
use super::fit;
use super::icons;
use super::sink::Sink;
use crate::model::{Catalog, Design, Point, Rect, Severity};
use crate::routing;
use crate::rules::{Findings, score};
use crate::scene::{
    self, Badge, CardShape, ContainerShape, ContainerStyle, EdgeShape, NoteShape, metrics,
};

/// The font stack of every export: the bundled Inter first (what PNG export renders with), then
/// system sans-serif fonts for viewers that do not have it.
pub const FONT_FAMILY: &str = "Inter, 'Segoe UI', 'Helvetica Neue', Arial, sans-serif";

/// What to draw around the scene.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvgOptions {
    /// The date shown in the title block (`2026-11-29`); passed in so output is reproducible.
    pub title_date: Option<String>,
    /// The date decisions on findings are judged on (expiry); `None`: today.
    pub as_of: Option<String>,
    /// Design name, date, score and counts above the diagram.
    pub title_block: bool,
    /// Severity, connection and boundary keys below the diagram.
    pub legend: bool,
}

impl Default for SvgOptions {
    fn default() -> Self {
        Self {
            title_date: None,
            as_of: None,
            title_block: true,
            legend: true,
        }
    }
}

/// Page layout, in SVG pixels (= canvas units).
mod page {
    pub const MARGIN: f32 = 32.0;
    pub const MIN_WIDTH: f32 = 820.0;
    pub const TITLE_HEIGHT: f32 = 88.0;
    pub const LEGEND_HEIGHT: f32 = 140.0;
    /// Room around the scene bounds for badges and labels that stick out.
    pub const BLEED: f32 = 16.0;
    pub const EMPTY: (f32, f32) = (480.0, 120.0);
}

/// Light-theme colours.
mod ink {
    pub const BACKGROUND: &str = "#ffffff";
    pub const TEXT: &str = "#1f2328";
    pub const MUTED: &str = "#59636e";
    pub const CARD: &str = "#ffffff";
    pub const CARD_BORDER: &str = "#c9d1d9";
    pub const SHADOW: &str = "#1f2328";
    pub const EDGE: &str = "#4b5563";
    pub const RULE: &str = "#d8dee4";
    pub const LABEL_BORDER: &str = "#d0d7de";
    pub const NOTE: &str = "#fff8c5";
    pub const NOTE_BORDER: &str = "#d4a72c";
}

/// How far a line's baseline sits below its vertical middle, in ems (half Inter's x-height
/// plus a little), so text is centred the way the canvas centres it.
const BASELINE: f32 = 0.36;

/// Where the parts of a component card go, from [`metrics`] and the card's rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CardLayout {
    /// The icon square, `None` when the card is too small for it.
    pub icon: Option<Rect>,
    /// Left edge of the name and kind text.
    pub text_x: f32,
    /// Widest the text may be.
    pub text_width: f32,
    /// Baselines of the name and (when there is room) the kind line.
    pub name_baseline: f32,
    pub kind_baseline: Option<f32>,
    /// Centre of the finding badge.
    pub badge_center: Point,
}

impl CardLayout {
    pub fn of(rect: Rect) -> Self {
        let icon_fits = rect.h >= metrics::ICON_SIZE + 8.0 && rect.w >= metrics::ICON_SIZE + 80.0;
        let icon = icon_fits.then(|| {
            Rect::new(
                rect.x + metrics::CARD_PADDING,
                rect.y + (rect.h - metrics::ICON_SIZE) / 2.0,
                metrics::ICON_SIZE,
                metrics::ICON_SIZE,
            )
        });
        // As the canvas places them: text 10 units right of the icon, the name's middle 8
        // units above the card's middle and the kind's 10 below.
        let text_x = icon.map_or(
            rect.x + metrics::ACCENT_WIDTH + metrics::CARD_PADDING,
            |i| i.x + i.w + 10.0,
        );
        let center = rect.y + rect.h / 2.0;
        let two_lines = rect.h >= metrics::NAME_SIZE + metrics::KIND_SIZE + 12.0;
        let (name_baseline, kind_baseline) = if two_lines {
            (
                center - 8.0 + metrics::NAME_SIZE * BASELINE,
                Some(center + 10.0 + metrics::KIND_SIZE * BASELINE),
            )
        } else {
            (center + metrics::NAME_SIZE * BASELINE, None)
        };
        Self {
            icon,
            text_x,
            text_width: (rect.x + rect.w - metrics::CARD_PADDING - text_x).max(0.0),
            name_baseline,
            kind_baseline,
            badge_center: Point::new(rect.x + rect.w - 2.0, rect.y + 2.0),
        }
    }
}

/// Where the parts of a container's header band go.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HeaderLayout {
    pub icon: Rect,
    pub title_x: f32,
    pub baseline: f32,
    /// Right end of the room for title and kind name (before the badge).
    pub text_right: f32,
    pub badge_center: Point,
}

impl HeaderLayout {
    pub fn of(rect: Rect, badge: bool) -> Self {
        let icon_size = 18.0;
        let icon = Rect::new(
            rect.x + 10.0,
            rect.y + (metrics::CONTAINER_HEADER - icon_size) / 2.0,
            icon_size,
            icon_size,
        );
        let badge_center = Point::new(
            rect.x + rect.w - 14.0,
            rect.y + metrics::CONTAINER_HEADER / 2.0,
        );
        let text_right = if badge {
            badge_center.x - metrics::BADGE_RADIUS - 8.0
        } else {
            rect.x + rect.w - 12.0
        };
        Self {
            icon,
            title_x: icon.x + icon.w + 8.0,
            baseline: rect.y
                + metrics::CONTAINER_HEADER / 2.0
                + metrics::CONTAINER_TITLE_SIZE * BASELINE,
            text_right,
            badge_center,
        }
    }
}

/// A number for SVG: at most two decimals, no trailing zeros, no `-0`, and 0 for NaN.
struct Num(f32);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        let rounded = (f64::from(v) * 100.0).round() / 100.0;
        if rounded == 0.0 {
            return f.write_str("0");
        }
        let text = format!("{rounded:.2}");
        f.write_str(text.trim_end_matches('0').trim_end_matches('.'))
    }
}

fn n(v: f32) -> Num {
    Num(v)
}

/// Sentence-case severity name.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

fn icon_id(icon: &str) -> String {
    let safe: String = icon
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("pal-icon-{safe}")
}

/// The diagram of a design with its findings' badges, as a standalone SVG document.
pub fn diagram(
    design: &Design,
    catalog: &Catalog,
    findings: &Findings,
    options: &SvgOptions,
) -> String {
    let mut bytes = Vec::new();
    let mut sink = Sink::new(&mut bytes);
    write_diagram(design, catalog, findings, options, &mut sink);
    // Writing into memory cannot fail.
    let _ = sink.finish();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Writes the diagram into `out` as it is drawn (a diagram of 100,000 components is some
/// 140 MB of SVG).
pub fn write_diagram(
    design: &Design,
    catalog: &Catalog,
    findings: &Findings,
    options: &SvgOptions,
    out: &mut Sink<'_>,
) {
    let today = options.as_of.clone().unwrap_or_else(super::today);
    let reviewed = crate::review::triage::review(design, findings, &today);
    let scene = scene::build(design, catalog, Some(&reviewed));
    let content = scene
        .bounds
        .filter(|b| b.is_finite())
        .map(|b| b.expand(page::BLEED));
    let (content_w, content_h) = content.map_or(page::EMPTY, |b| (b.w, b.h));
    let width = (content_w + 2.0 * page::MARGIN).max(page::MIN_WIDTH).ceil();
    let title_h = if options.title_block {
        page::TITLE_HEIGHT
    } else {
        0.0
    };
    let legend_h = if options.legend {
        page::LEGEND_HEIGHT
    } else {
        0.0
    };
    let height = (page::MARGIN + title_h + content_h + legend_h + page::MARGIN).ceil();
    // Centre the drawing when the page is wider than it (small designs, wide legend).
    let left = ((width - content_w) / 2.0).floor();
    let top = page::MARGIN + title_h;

    let name = xml(&design.meta.name);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}" role="img" aria-labelledby="pal-title pal-desc">"#,
        w = n(width),
        h = n(height),
    );
    let _ = writeln!(out, r#"<title id="pal-title">{name}</title>"#);
    let _ = writeln!(
        out,
        r#"<desc id="pal-desc">Security architecture diagram: {} components, {} containers, {} connections, {} findings.</desc>"#,
        scene.cards.len(),
        scene.containers.len(),
        scene.edges.len(),
        findings.items.len()
    );
    defs(out, &scene);
    let _ = writeln!(
        out,
        r#"<rect width="{}" height="{}" fill="{}"/>"#,
        n(width),
        n(height),
        ink::BACKGROUND
    );
    if options.title_block {
        title_block(out, design, findings, options, width);
    }
    match content {
        Some(bounds) => {
            let _ = writeln!(
                out,
                r#"<g transform="translate({} {})">"#,
                n(left - bounds.x),
                n(top - bounds.y)
            );
            for container in &scene.containers {
                draw_container(out, container);
            }
            for edge in &scene.edges {
                draw_edge_line(out, edge);
            }
            for edge in &scene.edges {
                draw_edge_label(out, edge);
                if let Some(badge) = edge.badge {
                    draw_badge(out, badge, edge.badge_center());
                }
            }
            for card in &scene.cards {
                draw_card(out, card);
            }
            for note in &scene.notes {
                draw_note(out, note);
            }
            out.push_str("</g>\n");
        }
        None => {
            let (w, h) = page::EMPTY;
            let _ = writeln!(
                out,
                r##"<rect x="{}" y="{}" width="{}" height="{}" rx="10" fill="#f6f8fa" stroke="{}" stroke-dasharray="6 5"/><text x="{}" y="{}" font-size="14" fill="{}" text-anchor="middle">This design has no components yet</text>"##,
                n(left),
                n(top),
                n(w),
                n(h),
                ink::CARD_BORDER,
                n(left + w / 2.0),
                n(top + h / 2.0 + 5.0),
                ink::MUTED
            );
        }
    }
    if options.legend {
        legend(out, catalog, top + content_h, width);
    }
    out.push_str("</svg>\n");
}

/// One `<symbol>` per icon in use, so a thousand cards do not repeat their icon's paths.
fn defs(out: &mut Sink<'_>, scene: &scene::Scene) {
    let used: BTreeSet<&str> = scene
        .containers
        .iter()
        .map(|c| c.icon.as_str())
        .chain(scene.cards.iter().map(|c| c.icon.as_str()))
        .collect();
    let parts: Vec<(&str, (&str, &str))> = used
        .into_iter()
        .filter_map(|icon| icon_parts(icon).map(|p| (icon, p)))
        .collect();
    if parts.is_empty() {
        return;
    }
    out.push_str("<defs>\n");
    for (icon, (body, view_box)) in parts {
        let _ = writeln!(
            out,
            r#"<symbol id="{}" viewBox="{}">{body}</symbol>"#,
            icon_id(icon),
            xml(view_box)
        );
    }
    out.push_str("</defs>\n");
}

/// An icon's drawing without its outer `<svg>` element, and its view box, for a `<symbol>`.
fn icon_parts(name: &str) -> Option<(&'static str, &'static str)> {
    let svg = icons::icon_svg(name)?;
    let open_end = svg.find('>')?;
    let view_box = svg[..open_end]
        .split("viewBox=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("0 0 48 48");
    let body = svg[open_end + 1..].trim_end().strip_suffix("</svg>")?;
    Some((body, view_box))
}

fn icon(out: &mut Sink<'_>, name: &str, at: Rect) {
    if icons::icon_svg(name).is_some() {
        let _ = writeln!(
            out,
            r#"<use href="{}" x="{}" y="{}" width="{}" height="{}"/>"#,
            format_args!("#{}", icon_id(name)),
            n(at.x),
            n(at.y),
            n(at.w),
            n(at.h)
        );
    } else {
        // A kind the catalog does not know: a neutral placeholder.
        let _ = writeln!(
            out,
            r##"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="#8c959f"/><text x="{}" y="{}" font-size="{}" font-weight="700" fill="#ffffff" text-anchor="middle">?</text>"##,
            n(at.x),
            n(at.y),
            n(at.w),
            n(at.h),
            n(at.w * 0.2),
            n(at.x + at.w / 2.0),
            n(at.y + at.h * 0.68),
            n(at.h * 0.55)
        );
    }
}

fn title_block(
    out: &mut Sink<'_>,
    design: &Design,
    findings: &Findings,
    options: &SvgOptions,
    width: f32,
) {
    let m = page::MARGIN;
    let score = score::score(findings).value;
    let right = width - m;
    // The score box sits at the right; the name gets the rest of the line.
    let box_w = 132.0;
    let name_room = right - box_w - 24.0 - m;
    let name = fit::elide(&design.meta.name, name_room, 22.0, true);
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" font-size="22" font-weight="700" fill="{}">{}</text>"#,
        n(m),
        n(m + 22.0),
        ink::TEXT,
        xml(&name)
    );
    let mut subtitle = String::from("Security architecture");
    if let Some(date) = options
        .title_date
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        subtitle.push_str(" · ");
        subtitle.push_str(date.trim());
    }
    if !design.meta.owner.trim().is_empty() {
        subtitle.push_str(" · Owner: ");
        subtitle.push_str(design.meta.owner.trim());
    }
    let subtitle = fit::elide(&subtitle, name_room, 12.5, false);
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" font-size="12.5" fill="{}">{}</text>"#,
        n(m),
        n(m + 44.0),
        ink::MUTED,
        xml(&subtitle)
    );
    // Counts by severity, as small dots with numbers.
    let mut x = m;
    let y = m + 64.0;
    if findings.items.is_empty() {
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-size="12" fill="{}">No findings</text>"#,
            n(x),
            n(y + 4.0),
            ink::MUTED
        );
    }
    for severity in Severity::ALL {
        let count = findings.count(severity);
        if count == 0 {
            continue;
        }
        let label = format!("{count} {}", severity.as_str());
        let _ = writeln!(
            out,
            r#"<circle cx="{}" cy="{}" r="5" fill="{}"/><text x="{}" y="{}" font-size="12" fill="{}">{}</text>"#,
            n(x + 5.0),
            n(y),
            scene::severity_color(severity).hex(),
            n(x + 14.0),
            n(y + 4.0),
            ink::TEXT,
            label
        );
        x += 14.0 + fit::width(&label, 12.0, false) + 16.0;
    }
    // Score box.
    let (bx, by, bh) = (right - box_w, m - 2.0, 58.0);
    let score_color = match score {
        90.. => "#1a7f37",
        70..=89 => "#9a6700",
        _ => "#cf222e",
    };
    let _ = writeln!(
        out,
        r##"<rect x="{}" y="{}" width="{}" height="{}" rx="8" fill="#f6f8fa" stroke="{}"/><text x="{}" y="{}" font-size="11" fill="{}" text-anchor="middle">Security score</text><text x="{}" y="{}" text-anchor="middle" fill="{}"><tspan font-size="24" font-weight="700">{score}</tspan><tspan font-size="13" fill="{}"> / 100</tspan></text>"##,
        n(bx),
        n(by),
        n(box_w),
        n(bh),
        ink::RULE,
        n(bx + box_w / 2.0),
        n(by + 18.0),
        ink::MUTED,
        n(bx + box_w / 2.0),
        n(by + 46.0),
        score_color,
        ink::MUTED
    );
    let _ = writeln!(
        out,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>"#,
        n(m),
        n(m + page::TITLE_HEIGHT - 12.0),
        n(right),
        n(m + page::TITLE_HEIGHT - 12.0),
        ink::RULE
    );
}

/// `fill-opacity` of a container's body and header band, by style.
fn container_tints(style: ContainerStyle) -> (f32, f32) {
    match style {
        ContainerStyle::Zone => (0.05, 0.12),
        ContainerStyle::Network => (0.05, 0.12),
        ContainerStyle::Scope => (0.0, 0.08),
    }
}

fn draw_container(out: &mut Sink<'_>, c: &ContainerShape) {
    let r = c.rect;
    if !r.is_finite() {
        return;
    }
    let accent = c.accent.hex();
    let (body, header) = container_tints(c.style);
    let rounding = metrics::CONTAINER_ROUNDING;
    let border = match c.style {
        ContainerStyle::Zone => r#" stroke-width="1.5" stroke-dasharray="8 5""#,
        ContainerStyle::Network => r#" stroke-width="1.5""#,
        ContainerStyle::Scope => r#" stroke-width="1.25""#,
    };
    out.push_str("<g>\n");
    let _ = writeln!(
        out,
        r#"<title>{} ({})</title>"#,
        xml(&c.title),
        xml(&c.kind_name)
    );
    let fill = if body > 0.0 {
        format!(r#"fill="{accent}" fill-opacity="{}""#, n(body))
    } else {
        r#"fill="none""#.to_owned()
    };
    let _ = writeln!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" {fill}/>"#,
        n(r.x),
        n(r.y),
        n(r.w),
        n(r.h),
        n(rounding)
    );
    // The header band: rounded at the top only.
    let hh = metrics::CONTAINER_HEADER.min(r.h);
    let rr = rounding.min(hh).min(r.w / 2.0);
    let _ = writeln!(
        out,
        r#"<path d="M{} {}H{}A{} {} 0 0 1 {} {}V{}H{}V{}A{} {} 0 0 1 {} {}Z" fill="{accent}" fill-opacity="{}"/>"#,
        n(r.x + rr),
        n(r.y),
        n(r.x + r.w - rr),
        n(rr),
        n(rr),
        n(r.x + r.w),
        n(r.y + rr),
        n(r.y + hh),
        n(r.x),
        n(r.y + rr),
        n(rr),
        n(rr),
        n(r.x + rr),
        n(r.y),
        n(header)
    );
    let _ = writeln!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="none" stroke="{accent}"{border}/>"#,
        n(r.x),
        n(r.y),
        n(r.w),
        n(r.h),
        n(rounding)
    );
    let layout = HeaderLayout::of(r, c.badge.is_some());
    if r.w >= 60.0 && r.h >= metrics::CONTAINER_HEADER {
        icon(out, &c.icon, layout.icon);
        let room = layout.text_right - layout.title_x;
        let title = fit::elide(&c.title, room, metrics::CONTAINER_TITLE_SIZE, true);
        let title_w = fit::width(&title, metrics::CONTAINER_TITLE_SIZE, true);
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="{}" fill="{}"><tspan font-weight="700">{}</tspan>"#,
            n(layout.title_x),
            n(layout.baseline),
            n(metrics::CONTAINER_TITLE_SIZE),
            ink::TEXT,
            xml(&title)
        );
        let kind_room = room - title_w - 8.0;
        if kind_room >= 40.0 {
            let kind = fit::elide(&c.kind_name, kind_room, metrics::KIND_SIZE, false);
            let _ = write!(
                out,
                r#"<tspan x="{}" font-size="{}" fill="{}">{}</tspan>"#,
                n(layout.title_x + title_w + 8.0),
                n(metrics::KIND_SIZE),
                ink::MUTED,
                xml(&kind)
            );
        }
        out.push_str("</text>\n");
    }
    if let Some(badge) = c.badge {
        draw_badge(out, badge, layout.badge_center);
    }
    out.push_str("</g>\n");
}

/// The segment an edge's line covers (ending at the arrowhead's base) and the arrowhead
/// triangle, or `None` for a zero-length edge.
fn edge_geometry(start: Point, end: Point) -> Option<(Point, [Point; 3])> {
    let (dx, dy) = (end.x - start.x, end.y - start.y);
    let len = dx.hypot(dy);
    if !len.is_finite() || len < 1.0 {
        return None;
    }
    let (ux, uy) = (dx / len, dy / len);
    let size = metrics::ARROW_SIZE.min(len);
    let base = Point::new(end.x - ux * size, end.y - uy * size);
    let half = size * 0.5;
    Some((
        base,
        [
            end,
            Point::new(base.x - uy * half, base.y + ux * half),
            Point::new(base.x + uy * half, base.y - ux * half),
        ],
    ))
}

fn draw_edge_line(out: &mut Sink<'_>, e: &EdgeShape) {
    arrow(out, &e.points, e.dashed);
}

/// A line through `points` with an arrowhead at the last, solid or dashed.
fn arrow(out: &mut Sink<'_>, points: &[Point], dashed: bool) {
    let [.., before, end] = points else {
        return;
    };
    let Some((base, [tip, left, right])) = edge_geometry(*before, *end) else {
        return;
    };
    let dash = if dashed {
        r#" stroke-dasharray="6 4""#
    } else {
        ""
    };
    let mut line = String::new();
    for (i, p) in points[..points.len() - 1].iter().chain([&base]).enumerate() {
        let _ = write!(
            line,
            "{}{} {}",
            if i == 0 { 'M' } else { 'L' },
            n(p.x),
            n(p.y)
        );
    }
    let _ = writeln!(
        out,
        r#"<path d="{line}" fill="none" stroke="{}" stroke-width="1.5"{dash}/><path d="M{} {}L{} {}L{} {}Z" fill="{}"/>"#,
        ink::EDGE,
        n(tip.x),
        n(tip.y),
        n(left.x),
        n(left.y),
        n(right.x),
        n(right.y),
        ink::EDGE
    );
}

const LABEL_MAX_WIDTH: f32 = metrics::EDGE_LABEL_MAX_WIDTH;

fn draw_edge_label(out: &mut Sink<'_>, e: &EdgeShape) {
    let (start, end) = routing::segment_along(&e.points, e.label_along);
    if e.label.trim().is_empty() || edge_geometry(e.start(), e.end()).is_none() {
        return;
    }
    let size = metrics::EDGE_LABEL_SIZE;
    let h = size + 8.0;
    // The label sits on its segment: on a flat one it must fit between the two shapes, or the
    // shape drawn over it would hide it; a steep one leaves room above and below instead.
    let (dx, dy) = ((end.x - start.x).abs(), (end.y - start.y).abs());
    // Set aside from a short line, it has room of its own.
    let beside = e.label_offset != Point::default();
    let room = if beside || dy >= h + 8.0 {
        LABEL_MAX_WIDTH
    } else {
        (dx - 8.0).min(LABEL_MAX_WIDTH)
    } - 12.0;
    if room < 24.0 {
        return;
    }
    let label = fit::elide(&e.label, room, size, false);
    let w = fit::width(&label, size, false) + 12.0;
    let mid = e.label_center();
    let _ = writeln!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}" fill-opacity="0.94" stroke="{}" stroke-width="0.75"/><text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="middle">{}</text>"#,
        n(mid.x - w / 2.0),
        n(mid.y - h / 2.0),
        n(w),
        n(h),
        ink::BACKGROUND,
        ink::LABEL_BORDER,
        n(mid.x),
        n(mid.y + size * BASELINE),
        n(size),
        ink::MUTED,
        xml(&label)
    );
}

/// A note as the canvas draws it: a pale box with its lines, and a callout's leader line.
fn draw_note(out: &mut Sink<'_>, note: &NoteShape) {
    let r = note.rect;
    if !r.is_finite() || r.w <= 0.0 || r.h <= 0.0 {
        return;
    }
    if let Some((from, to)) = note.leader {
        let _ = writeln!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.25" stroke-dasharray="4 3"/><circle cx="{}" cy="{}" r="3" fill="{}"/>"#,
            n(from.x),
            n(from.y),
            n(to.x),
            n(to.y),
            ink::NOTE_BORDER,
            n(to.x),
            n(to.y),
            ink::NOTE_BORDER
        );
    }
    let _ = writeln!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}" stroke="{}"/>"#,
        n(r.x),
        n(r.y),
        n(r.w),
        n(r.h),
        ink::NOTE,
        ink::NOTE_BORDER
    );
    let size = metrics::NOTE_TEXT_SIZE;
    for (i, line) in note.lines.iter().enumerate() {
        let y = r.y + metrics::NOTE_PADDING + size * 0.8 + i as f32 * metrics::NOTE_LINE_HEIGHT;
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-size="{}" fill="{}" xml:space="preserve">{}</text>"#,
            n(r.x + metrics::NOTE_PADDING),
            n(y),
            n(size),
            ink::TEXT,
            xml(line)
        );
    }
}

fn draw_card(out: &mut Sink<'_>, c: &CardShape) {
    let r = c.rect;
    if !r.is_finite() || r.w <= 0.0 || r.h <= 0.0 {
        return;
    }
    let rounding = metrics::CARD_ROUNDING.min(r.w / 2.0).min(r.h / 2.0);
    let accent_w = metrics::ACCENT_WIDTH.min(r.w);
    let layout = CardLayout::of(r);
    out.push_str("<g>\n");
    let _ = writeln!(
        out,
        "<title>{} ({})</title>",
        xml(&c.name),
        xml(&c.kind_name)
    );
    // Shadow, accent (the card's full shape in the category colour), then the white body over
    // all but the accent stripe, then the border over both.
    let _ = writeln!(
        out,
        r#"<rect x="{x}" y="{}" width="{w}" height="{h}" rx="{rx}" fill="{}" fill-opacity="0.07"/><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}" fill="{}"/>"#,
        n(r.y + 1.5),
        ink::SHADOW,
        c.accent.hex(),
        x = n(r.x),
        y = n(r.y),
        w = n(r.w),
        h = n(r.h),
        rx = n(rounding),
    );
    let _ = writeln!(
        out,
        r#"<path d="M{} {}H{}A{r} {r} 0 0 1 {} {}V{}A{r} {r} 0 0 1 {} {}H{}Z" fill="{}"/><rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="none" stroke="{}"/>"#,
        n(r.x + accent_w),
        n(r.y),
        n(r.x + r.w - rounding),
        n(r.x + r.w),
        n(r.y + rounding),
        n(r.y + r.h - rounding),
        n(r.x + r.w - rounding),
        n(r.y + r.h),
        n(r.x + accent_w),
        ink::CARD,
        n(r.x + 0.5),
        n(r.y + 0.5),
        n(r.w - 1.0),
        n(r.h - 1.0),
        n(rounding),
        ink::CARD_BORDER,
        r = n(rounding),
    );
    if let Some(at) = layout.icon {
        icon(out, &c.icon, at);
    }
    let (name, kind) = if c.name.trim().is_empty() {
        (c.kind_name.as_str(), None)
    } else {
        (c.name.as_str(), Some(c.kind_name.as_str()))
    };
    let name = fit::elide(name, layout.text_width, metrics::NAME_SIZE, true);
    let (name_y, kind_y) = match (kind, layout.kind_baseline) {
        (Some(_), Some(kind_y)) => (layout.name_baseline, Some(kind_y)),
        _ => (r.y + r.h / 2.0 + metrics::NAME_SIZE * BASELINE, None),
    };
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" font-size="{}" font-weight="700" fill="{}">{}</text>"#,
        n(layout.text_x),
        n(name_y),
        n(metrics::NAME_SIZE),
        ink::TEXT,
        xml(&name)
    );
    if let (Some(kind), Some(kind_y)) = (kind, kind_y) {
        let kind = fit::elide(kind, layout.text_width, metrics::KIND_SIZE, false);
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-size="{}" fill="{}">{}</text>"#,
            n(layout.text_x),
            n(kind_y),
            n(metrics::KIND_SIZE),
            ink::MUTED,
            xml(&kind)
        );
    }
    if let Some(badge) = c.badge {
        draw_badge(out, badge, layout.badge_center);
    }
    out.push_str("</g>\n");
}

/// Grey of the check mark that stands for "every finding here is triaged".
const TRIAGED_GREY: &str = "#8c959f";

fn draw_badge(out: &mut Sink<'_>, badge: Badge, at: Point) {
    if badge.all_triaged() {
        let plural = if badge.triaged == 1 { "" } else { "s" };
        let (x, y) = (at.x, at.y);
        let _ = writeln!(
            out,
            r##"<g><title>{} finding{plural}, all triaged</title><circle cx="{}" cy="{}" r="{}" fill="#ffffff" stroke="{TRIAGED_GREY}" stroke-width="2"/><path d="M{} {} L{} {} L{} {}" fill="none" stroke="{TRIAGED_GREY}" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></g>"##,
            badge.triaged,
            n(x),
            n(y),
            n(metrics::BADGE_RADIUS),
            n(x - 4.5),
            n(y + 0.5),
            n(x - 1.2),
            n(y + 3.8),
            n(x + 4.8),
            n(y - 3.2),
        );
        return;
    }
    let count = if badge.count > 99 {
        "99+".to_owned()
    } else {
        badge.count.to_string()
    };
    let plural = if badge.count == 1 { "" } else { "s" };
    let radius = metrics::BADGE_RADIUS + if badge.count > 99 { 4.0 } else { 0.0 };
    let _ = writeln!(
        out,
        r##"<g><title>{} finding{plural}, worst {}</title><circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#ffffff" stroke-width="2"/><text x="{}" y="{}" font-size="11" font-weight="700" fill="#ffffff" text-anchor="middle">{count}</text></g>"##,
        badge.count,
        badge.severity.as_str(),
        n(at.x),
        n(at.y),
        n(radius),
        scene::severity_color(badge.severity).hex(),
        n(at.x),
        n(at.y + 4.0),
    );
}

fn legend(out: &mut Sink<'_>, catalog: &Catalog, content_bottom: f32, width: f32) {
    let m = page::MARGIN;
    let top = content_bottom + 20.0;
    let _ = writeln!(
        out,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>"#,
        n(m),
        n(top),
        n(width - m),
        n(top),
        ink::RULE
    );
    let label_x = m;
    let entries_x = m + 104.0;
    let row = |i: f32| top + 26.0 + i * 28.0;
    let heading = |out: &mut Sink<'_>, y: f32, text: &str| {
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-size="10.5" font-weight="700" fill="{}" letter-spacing="0.6">{text}</text>"#,
            n(label_x),
            n(y + 4.0),
            ink::MUTED
        );
    };
    let entry_text = |out: &mut Sink<'_>, x: f32, y: f32, text: &str| {
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-size="12" fill="{}">{}</text>"#,
            n(x),
            n(y + 4.0),
            ink::TEXT,
            xml(text)
        );
        x + fit::width(text, 12.0, false)
    };

    // Findings: one dot per severity; a badge shows the worst severity and the count.
    let y = row(0.0);
    heading(out, y, "FINDINGS");
    let mut x = entries_x;
    for severity in Severity::ALL {
        let _ = writeln!(
            out,
            r#"<circle cx="{}" cy="{}" r="6" fill="{}"/>"#,
            n(x + 6.0),
            n(y),
            scene::severity_color(severity).hex()
        );
        x = entry_text(out, x + 17.0, y, severity_label(severity)) + 20.0;
    }
    let _ = entry_text(out, x + 4.0, y, "Badge: worst severity, number of findings");

    // Connections: solid for data flows, dashed for associations, named from the catalog.
    heading(out, row(1.0), "CONNECTIONS");
    let names = |dashed: bool| {
        let names: Vec<&str> = catalog
            .connection_kinds()
            .iter()
            .filter(|k| k.dashed == dashed)
            .map(|k| k.name.as_str())
            .collect();
        names.join(", ")
    };
    for (i, (dashed, title)) in [(false, "Flow"), (true, "Association")]
        .into_iter()
        .enumerate()
    {
        let y = row(1.0 + i as f32);
        arrow(
            out,
            &[Point::new(entries_x, y), Point::new(entries_x + 34.0, y)],
            dashed,
        );
        let x = entry_text(out, entries_x + 46.0, y, title);
        let kinds = names(dashed);
        let kinds = fit::elide(&kinds, width - m - x - 12.0, 12.0, false);
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-size="12" fill="{}">{}</text>"#,
            n(x + 12.0),
            n(y + 4.0),
            ink::MUTED,
            xml(&kinds)
        );
    }

    // Boundaries: how each container style looks.
    let y = row(3.0);
    heading(out, y, "BOUNDARIES");
    let mut x = entries_x;
    let neutral = "#69797e";
    let network = "#0078d4";
    for (style, color, text) in [
        (
            ContainerStyle::Zone,
            neutral,
            "Zone (internet, on-premises)",
        ),
        (ContainerStyle::Network, network, "Network (VNet, subnet)"),
        (
            ContainerStyle::Scope,
            neutral,
            "Scope (subscription, resource group)",
        ),
    ] {
        let (body, _) = container_tints(style);
        let dash = match style {
            ContainerStyle::Zone => r#" stroke-dasharray="5 3""#,
            _ => "",
        };
        let fill = if body > 0.0 {
            format!(r#"fill="{color}" fill-opacity="{}""#, n(body * 2.0))
        } else {
            r#"fill="none""#.to_owned()
        };
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="28" height="16" rx="4" {fill} stroke="{color}" stroke-width="1.25"{dash}/>"#,
            n(x),
            n(y - 8.0),
        );
        x = entry_text(out, x + 38.0, y, text) + 28.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(n(3.0).to_string(), "3");
        assert_eq!(n(3.456).to_string(), "3.46");
        assert_eq!(n(-0.001).to_string(), "0");
        assert_eq!(n(f32::NAN).to_string(), "0");
        assert_eq!(n(12.5).to_string(), "12.5");
    }

    #[test]
    fn icon_parts_are_the_inner_drawing_and_the_view_box() {
        for kind in crate::model::catalog::builtin().kinds() {
            let (body, view_box) = icon_parts(&kind.icon).unwrap_or_default();
            assert!(!view_box.is_empty(), "{}", kind.icon);
            assert!(body.starts_with('<') && !body.contains("<svg") && !body.contains("</svg>"));
        }
    }

    #[test]
    fn a_default_card_has_an_icon_two_lines_and_room_for_text() {
        let layout = CardLayout::of(Rect::new(0.0, 0.0, 170.0, 56.0));
        let icon = layout.icon.unwrap_or_default();
        assert_eq!(icon.y, 12.0);
        assert!(layout.kind_baseline.is_some());
        assert!(layout.text_width > 90.0, "{}", layout.text_width);
        let tiny = CardLayout::of(Rect::new(0.0, 0.0, 60.0, 24.0));
        assert!(tiny.icon.is_none() && tiny.kind_baseline.is_none());
    }
}
