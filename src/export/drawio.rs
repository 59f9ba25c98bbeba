//! The diagram as a draw.io file (`.drawio`), so a design can go on in draw.io, Confluence or
//! Visio: containers become draw.io containers holding their contents, components labelled
//! cards with our icon embedded, connections edges with their labels and bends, as the canvas
//! draws them. Built from the same scene as the canvas and the SVG export.
//!
//! Every user text lands in an attribute value, escaped, with draw.io's HTML labels off, so a
//! name is shown as typed and never read as markup or style.

use std::io::{self, Write};

use base64::Engine as _;

use super::escape;
use super::icons::icon_svg;
use crate::model::{Catalog, Design, NodeId, Rect};
use crate::rules::Findings;
use crate::scene::{self, Badge, ContainerStyle, Rgb};

/// draw.io's cell id of a node or connection: prefixed so no user id clashes with the two root
/// cells, `0` and `1`.
fn cell_id(prefix: &str, id: &str) -> String {
    format!("{prefix}{}", escape::xml(id))
}

/// One line of a label: line breaks typed into a name become spaces.
fn label_line(text: &str) -> String {
    escape::xml(&text.replace(['\n', '\r'], " ")).into_owned()
}

/// Label lines joined with an encoded line break (a raw one in an attribute reads as a space).
fn label(lines: &[String]) -> String {
    lines.join("&#10;")
}

fn badge_line(badge: Option<Badge>) -> Option<String> {
    let badge = badge.filter(|b| b.count > 0)?;
    let noun = if badge.count == 1 {
        "finding"
    } else {
        "findings"
    };
    Some(format!(
        "{} open {noun}, worst {}",
        badge.count,
        badge.severity.as_str()
    ))
}

/// The light tint of an accent colour, as the canvas fills regions.
fn tint(color: Rgb, amount: f32) -> String {
    let mix = |c: u8| (255.0 - (255.0 - f32::from(c)) * amount).round() as u8;
    Rgb(mix(color.0), mix(color.1), mix(color.2)).hex()
}

/// `x`, `y` relative to the parent container, as draw.io places children.
fn geometry(rect: Rect, parent: Option<Rect>) -> String {
    let (px, py) = parent.map_or((0.0, 0.0), |p| (p.x, p.y));
    format!(
        r#"<mxGeometry x="{}" y="{}" width="{}" height="{}" as="geometry"/>"#,
        rect.x - px,
        rect.y - py,
        rect.w,
        rect.h
    )
}

/// Writes the design's diagram as an uncompressed draw.io file.
pub fn write(
    design: &Design,
    catalog: &Catalog,
    findings: &Findings,
    as_of: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let reviewed = crate::review::triage::review(design, findings, as_of);
    let scene = scene::build(design, catalog, Some(&reviewed));
    let parent_of = |id: &NodeId| -> (String, Option<Rect>) {
        match design
            .node(id)
            .and_then(|n| n.parent.as_ref())
            .and_then(|p| design.node(p))
        {
            Some(parent) => (cell_id("n:", parent.id.as_str()), Some(parent.rect)),
            None => ("1".to_owned(), None),
        }
    };
    let name = label_line(&design.meta.name);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<mxfile host="Palisade" agent="Palisade {}">"#,
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, r#"  <diagram id="palisade" name="{name}">"#)?;
    writeln!(
        out,
        r#"    <mxGraphModel grid="1" gridSize="10" guides="1" tooltips="1" connect="1" arrows="1" page="0">"#
    )?;
    writeln!(out, "      <root>")?;
    writeln!(out, r#"        <mxCell id="0"/>"#)?;
    writeln!(out, r#"        <mxCell id="1" parent="0"/>"#)?;
    // Containers come outer first, so each parent cell is written before its children.
    for container in &scene.containers {
        let (parent, parent_rect) = parent_of(&container.id);
        let dashed = if container.style == ContainerStyle::Zone {
            "dashed=1;"
        } else {
            ""
        };
        let fill = match container.style {
            ContainerStyle::Scope => "#ffffff".to_owned(),
            ContainerStyle::Zone | ContainerStyle::Network => tint(container.accent, 0.1),
        };
        let mut lines = vec![format!(
            "{} ({})",
            label_line(&container.title),
            label_line(&container.kind_name)
        )];
        lines.extend(badge_line(container.badge));
        writeln!(
            out,
            r#"        <mxCell id="{}" value="{}" style="rounded=1;arcSize=3;container=1;collapsible=0;html=0;whiteSpace=wrap;verticalAlign=top;align=left;spacingLeft=10;spacingTop=4;fontStyle=1;fontSize=13;{dashed}fillColor={fill};strokeColor={};" vertex="1" parent="{parent}">{}</mxCell>"#,
            cell_id("n:", container.id.as_str()),
            label(&lines),
            container.accent.hex(),
            geometry(container.rect, parent_rect)
        )?;
    }
    for card in &scene.cards {
        let (parent, parent_rect) = parent_of(&card.id);
        let image = icon_svg(&card.icon).map_or_else(String::new, |svg| {
            format!(
                "image=data:image/svg+xml,{};imageWidth=28;imageHeight=28;imageAlign=left;spacingLeft=40;",
                base64::engine::general_purpose::STANDARD.encode(svg)
            )
        });
        let stroke = match card.badge.filter(|b| b.count > 0) {
            Some(badge) => format!(
                "strokeColor={};strokeWidth=2;",
                scene::severity_color(badge.severity).hex()
            ),
            None => format!("strokeColor={};", card.accent.hex()),
        };
        let mut lines = vec![label_line(&card.name), label_line(&card.kind_name)];
        lines.extend(badge_line(card.badge));
        writeln!(
            out,
            r#"        <mxCell id="{}" value="{}" style="shape=label;rounded=1;html=0;whiteSpace=wrap;align=left;fontSize=12;fillColor=#ffffff;{stroke}{image}" vertex="1" parent="{parent}">{}</mxCell>"#,
            cell_id("n:", card.id.as_str()),
            label(&lines),
            geometry(card.rect, parent_rect)
        )?;
    }
    for edge in &scene.edges {
        let dashed = if edge.dashed { "dashed=1;" } else { "" };
        let mut lines = vec![label_line(&edge.label)];
        lines.extend(badge_line(edge.badge));
        let lines: Vec<String> = lines.into_iter().filter(|l| !l.is_empty()).collect();
        // The line's bends as draw.io waypoints; an elbow line also keeps the sides it
        // leaves and enters by, which draw.io would otherwise pick afresh.
        let bends = edge
            .points
            .get(1..edge.points.len().saturating_sub(1))
            .unwrap_or(&[]);
        let ports = match (design.node(&edge.from), design.node(&edge.to)) {
            (Some(from), Some(to))
                if !bends.is_empty() && crate::routing::is_square(&edge.points) =>
            {
                let at = |r: Rect, p: crate::model::Point| {
                    let share = |v: f32, start: f32, len: f32| {
                        if len > 0.0 {
                            ((v - start) / len).clamp(0.0, 1.0)
                        } else {
                            0.5
                        }
                    };
                    (share(p.x, r.x, r.w), share(p.y, r.y, r.h))
                };
                let (exit, entry) = (at(from.rect, edge.start()), at(to.rect, edge.end()));
                format!(
                    "exitX={};exitY={};exitPerimeter=0;entryX={};entryY={};entryPerimeter=0;",
                    exit.0, exit.1, entry.0, entry.1
                )
            }
            _ => String::new(),
        };
        let geometry = if bends.is_empty() {
            r#"<mxGeometry relative="1" as="geometry"/>"#.to_owned()
        } else {
            let points: String = bends
                .iter()
                .map(|p| format!(r#"<mxPoint x="{}" y="{}"/>"#, p.x, p.y))
                .collect();
            format!(
                r#"<mxGeometry relative="1" as="geometry"><Array as="points">{points}</Array></mxGeometry>"#
            )
        };
        writeln!(
            out,
            r#"        <mxCell id="{}" value="{}" style="edgeStyle=none;html=0;endArrow=block;endFill=1;fontSize=11;labelBackgroundColor=#ffffff;strokeColor=#5f6368;{dashed}{ports}" edge="1" parent="1" source="{}" target="{}">{geometry}</mxCell>"#,
            cell_id("c:", edge.id.as_str()),
            label(&lines),
            cell_id("n:", edge.from.as_str()),
            cell_id("n:", edge.to.as_str()),
        )?;
    }
    // Notes as draw.io's note shape; a callout's leader as a dashed line to what it points at.
    for (note, saved) in scene.notes.iter().zip(design.notes()) {
        writeln!(
            out,
            r#"        <mxCell id="{}" value="{}" style="shape=note;size=12;html=0;whiteSpace=wrap;align=left;verticalAlign=top;spacingLeft=6;spacingTop=2;fontSize=12;fillColor=#fff8c5;strokeColor=#d4a72c;" vertex="1" parent="1">{}</mxCell>"#,
            cell_id("note:", note.id.as_str()),
            escape::xml(&saved.text).replace('\n', "&#10;"),
            geometry(note.rect, None)
        )?;
        if let (Some(anchor), Some(_)) = (&saved.anchor, note.leader) {
            writeln!(
                out,
                r#"        <mxCell id="{}" style="edgeStyle=none;html=0;endArrow=oval;endFill=1;endSize=6;dashed=1;strokeColor=#d4a72c;" edge="1" parent="1" source="{}" target="{}"><mxGeometry relative="1" as="geometry"/></mxCell>"#,
                cell_id("leader:", note.id.as_str()),
                cell_id("note:", note.id.as_str()),
                cell_id("n:", anchor.as_str()),
            )?;
        }
    }
    writeln!(out, "      </root>")?;
    writeln!(out, "    </mxGraphModel>")?;
    writeln!(out, "  </diagram>")?;
    writeln!(out, "</mxfile>")?;
    Ok(())
}
