//! Exports: snapshots of the text formats, byte-for-byte determinism, PNG sanity, hostile names.

use std::process::ExitCode;
use std::time::Instant;

use palisade::export::{self, ExportOptions, Format, svg};
use palisade::model::{Connection, ConnectionId, Design, Edit, Node, NodeId, Rect, RuleSetting};
use palisade::rules::{self, Findings, registry};
use resvg::usvg::roxmltree;

use crate::catalog;

fn id(text: &str) -> NodeId {
    NodeId::new(text).unwrap_or_else(|e| panic!("{e}"))
}

fn node(i: &str, kind: &str, name: &str, rect: Rect, parent: Option<&str>) -> Edit {
    Edit::AddNode(Node {
        id: id(i),
        kind: kind.into(),
        name: name.to_owned(),
        rect,
        parent: parent.map(id),
        properties: Default::default(),
        notes: String::new(),
    })
}

fn connect(i: &str, kind: &str, from: &str, to: &str, label: &str) -> Edit {
    Edit::Connect(Connection {
        id: ConnectionId::new(i).unwrap_or_else(|e| panic!("{e}")),
        kind: kind.into(),
        from: id(from),
        to: id(to),
        label: label.to_owned(),
        properties: Default::default(),
        route: Default::default(),
    })
}

fn build(mut design: Design, edits: Vec<Edit>) -> Design {
    for edit in edits {
        edit.apply(&mut design).unwrap_or_else(|e| panic!("{e}"));
    }
    design
}

/// Internet users reach a web app in a subscription; the app reads a vault and a database.
fn fixture() -> Design {
    let mut design = Design::new("Orders web app");
    design.meta.description = "Public web shop front end with its secrets and database".to_owned();
    design.meta.owner = "Platform team".to_owned();
    design.meta.data_classification = "Confidential".to_owned();
    build(
        design,
        vec![
            node(
                "internet",
                "internet",
                "Internet",
                Rect::new(0.0, 0.0, 240.0, 200.0),
                None,
            ),
            node(
                "users",
                "internet_users",
                "Shoppers",
                Rect::new(35.0, 80.0, 170.0, 56.0),
                Some("internet"),
            ),
            node(
                "sub",
                "subscription",
                "Production subscription",
                Rect::new(320.0, 0.0, 520.0, 300.0),
                None,
            ),
            node(
                "web",
                "app_service",
                "Storefront with a very long name indeed",
                Rect::new(350.0, 80.0, 170.0, 56.0),
                Some("sub"),
            ),
            node(
                "kv",
                "key_vault",
                "Secrets",
                Rect::new(640.0, 60.0, 170.0, 56.0),
                Some("sub"),
            ),
            node(
                "db",
                "sql_database",
                "Orders",
                Rect::new(640.0, 200.0, 170.0, 56.0),
                Some("sub"),
            ),
            connect("c-users-web", "traffic", "users", "web", ""),
            connect("c-web-db", "traffic", "web", "db", "SQL 1433"),
            connect("c-web-kv", "secret_reference", "web", "kv", ""),
        ],
    )
}

/// The rules the snapshots are taken with: a fixed set, so adding a rule elsewhere does not
/// change these snapshots.
const SNAPSHOT_RULES: &[&str] = &["DATA-005", "GOV-003", "KV-002", "KV-005", "NET-001"];

fn snapshot_findings(design: &Design) -> Findings {
    let rules = SNAPSHOT_RULES
        .iter()
        .map(|id| registry::find(id).unwrap_or_else(|| panic!("no rule {id}")));
    rules::evaluate_rules(design, catalog(), rules)
}

/// An export's bytes, or its error in words.
fn export_bytes(
    format: Format,
    design: &Design,
    catalog: &palisade::model::Catalog,
    findings: &Findings,
    options: &ExportOptions,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    export::export(format, design, catalog, findings, options, &mut out)
        .map(|()| out)
        .map_err(|e| e.to_string())
}

fn options() -> ExportOptions {
    ExportOptions {
        date: Some("2026-11-29".to_owned()),
        scale: 1.0,
        source: "designs/orders.ron".into(),
    }
}

fn text(format: Format, design: &Design, findings: &Findings) -> String {
    let bytes = export_bytes(format, design, catalog(), findings, &options())
        .unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_fixture_raises_a_finding_of_each_snapshot_rule() {
    let findings = snapshot_findings(&fixture());
    let mut raised: Vec<&str> = findings.items.iter().map(|f| f.rule.id).collect();
    raised.sort_unstable();
    raised.dedup();
    assert_eq!(raised, SNAPSHOT_RULES);
}

#[test]
fn svg_snapshot() {
    let design = fixture();
    insta::assert_snapshot!(
        "fixture_svg",
        text(Format::Svg, &design, &snapshot_findings(&design))
    );
}

#[test]
fn markdown_snapshot() {
    let design = fixture();
    insta::assert_snapshot!(
        "fixture_md",
        text(Format::Md, &design, &snapshot_findings(&design))
    );
}

#[test]
fn json_snapshot() {
    let design = fixture();
    insta::assert_snapshot!(
        "fixture_json",
        text(Format::Json, &design, &snapshot_findings(&design))
    );
}

#[test]
fn every_format_gives_the_same_bytes_twice() {
    let design = fixture();
    let findings = rules::evaluate(&design, catalog());
    // The PDF repeats its content but not its byte order (see the PDF test).
    for format in Format::ALL.into_iter().filter(|f| *f != Format::Pdf) {
        let once = export_bytes(format, &design, catalog(), &findings, &options());
        let twice = export_bytes(format, &design, catalog(), &findings, &options());
        assert!(once.is_ok(), "{format:?}: {once:?}");
        assert_eq!(once, twice, "{format:?}");
    }
}

#[test]
fn the_svg_is_built_from_the_scene() {
    let design = fixture();
    let findings = rules::evaluate(&design, catalog());
    let reviewed = palisade::review::triage::review(&design, &findings, "2026-12-02");
    let scene = palisade::scene::build(&design, catalog(), Some(&reviewed));
    let svg = svg::diagram(&design, catalog(), &findings, &svg::SvgOptions::default());
    let doc = roxmltree::Document::parse(&svg);
    assert!(doc.is_ok(), "{doc:?}");
    // One card group per card, one container group per container, one arrowhead per edge.
    let titles = svg.matches("<g>\n<title>").count();
    assert_eq!(titles, scene.cards.len() + scene.containers.len());
    assert_eq!(
        svg.matches(r#"stroke-width="1.5"/><path"#).count()
            + svg.matches(r#"stroke-dasharray="6 4"/><path"#).count(),
        scene.edges.len() + 2,
        "edges plus the two legend arrows"
    );
    for card in &scene.cards {
        assert!(
            svg.contains(&format!("<title>{} (", card.name)),
            "{}",
            card.name
        );
    }
    // A long name is cut to fit its card, with the whole name in the tooltip.
    assert!(svg.contains(">Storefront wi…</text>"), "elided name");
    assert!(svg.contains("<title>Storefront with a very long name indeed (App Service)</title>"));
}

fn decode(png: &[u8]) -> image::RgbaImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .unwrap_or_else(|e| panic!("{e}"))
        .to_rgba8()
}

#[test]
fn png_has_the_svg_size_at_1x_and_twice_it_at_2x_and_is_not_blank() {
    let design = fixture();
    let findings = rules::evaluate(&design, catalog());
    let svg_text = svg::diagram(&design, catalog(), &findings, &svg::SvgOptions::default());
    let size = |attr: &str| -> u32 {
        let start = svg_text.find(&format!(" {attr}=\"")).unwrap_or(0) + attr.len() + 3;
        let end = svg_text[start..].find('"').unwrap_or(0) + start;
        svg_text[start..end].parse().unwrap_or(0)
    };
    let (width, height) = (size("width"), size("height"));
    assert!(width >= 800 && height >= 300, "{width}×{height}");
    for scale in [1u32, 2] {
        let png = export::png::render(&svg_text, scale as f32).unwrap_or_else(|e| panic!("{e}"));
        let image = decode(&png);
        assert_eq!(image.dimensions(), (width * scale, height * scale));
        let pixels = image.pixels().count();
        let inked = image
            .pixels()
            .filter(|p| p.0[0] < 200 || p.0[1] < 200 || p.0[2] < 200)
            .count();
        assert!(
            inked * 100 > pixels,
            "only {inked} of {pixels} pixels drawn"
        );
        assert!(
            image.pixels().all(|p| p.0[3] == 255),
            "background is opaque"
        );
        // Text is drawn: the title's dark ink appears in the title block.
        let title_ink = (0..40 * scale)
            .flat_map(|y| (0..300 * scale).map(move |x| (x, y + 32 * scale)))
            .filter(|&(x, y)| image.get_pixel(x, y).0[0] < 80)
            .count();
        assert!(title_ink > 50, "title text missing at {scale}x");
    }
    let png = export_bytes(
        Format::Png,
        &design,
        catalog(),
        &findings,
        &ExportOptions {
            scale: 2.0,
            ..options()
        },
    )
    .unwrap_or_default();
    assert_eq!(decode(&png).dimensions(), (width * 2, height * 2));
}

#[test]
fn an_empty_design_exports_in_every_format() {
    let design = Design::new("Empty");
    let findings = rules::evaluate(&design, catalog());
    for format in Format::ALL {
        let result = export_bytes(format, &design, catalog(), &findings, &options());
        assert!(
            result.as_ref().is_ok_and(|b| !b.is_empty()),
            "{format:?}: {result:?}"
        );
    }
}

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "]]>",
    "=cmd|' /C calc'!A1",
    "-2+3",
    "@SUM(1)",
];

/// Every user-written string in a design set to a hostile value.
pub fn hostile() -> Design {
    let mut design = Design::new(HOSTILE[0]);
    design.meta.description = HOSTILE[1].to_owned();
    design.meta.owner = format!("{} {}", HOSTILE[2], HOSTILE[0]);
    design.meta.data_classification = HOSTILE[1].to_owned();
    design.meta.rule_settings.insert(
        "KV-002".to_owned(),
        RuleSetting {
            enabled: true,
            severity: Some(palisade::model::Severity::Critical),
            reason: HOSTILE[0].to_owned(),
        },
    );
    let mut edits = vec![node(
        "sub",
        "subscription",
        HOSTILE[1],
        Rect::new(0.0, 0.0, 1300.0, 260.0),
        None,
    )];
    let kinds = [
        "app_service",
        "key_vault",
        "sql_database",
        "storage_account",
        "container_registry",
        "function_app",
    ];
    for (i, (name, kind)) in HOSTILE.iter().zip(kinds).enumerate() {
        edits.push(node(
            &format!("n{i}"),
            kind,
            name,
            Rect::new(30.0 + 210.0 * i as f32, 80.0, 170.0, 56.0),
            Some("sub"),
        ));
    }
    edits.push(Edit::SetNotes {
        node: id("n0"),
        notes: HOSTILE[1].to_owned(),
    });
    for i in 0..5 {
        edits.push(connect(
            &format!("c{i}"),
            "traffic",
            &format!("n{i}"),
            &format!("n{}", i + 1),
            HOSTILE[(i + 1) % HOSTILE.len()],
        ));
    }
    // A callout and a free note, each holding payloads on several lines.
    for (i, anchor) in [Some("n1"), None].into_iter().enumerate() {
        edits.push(Edit::AddNote(palisade::model::Note {
            id: palisade::model::NoteId::new(format!("note{i}")).unwrap_or_else(|e| panic!("{e}")),
            text: format!("{}\n{}", HOSTILE[i], HOSTILE[i + 2]),
            rect: Rect::new(30.0 + 400.0 * i as f32, 320.0, 260.0, 80.0),
            anchor: anchor.map(id),
        }));
    }
    build(design, edits)
}

/// Raw markup from the hostile strings must never appear in markup outputs.
const RAW_MARKUP: &[&str] = &["<script", "<img", "]]>", "onerror=alert(1)>"];

#[test]
fn hostile_names_are_escaped_in_svg_html_and_markdown() {
    let design = hostile();
    let findings = rules::evaluate(&design, catalog());
    assert!(!findings.items.is_empty());
    for format in [Format::Svg, Format::Html, Format::Md] {
        let out = text(format, &design, &findings);
        for raw in RAW_MARKUP {
            assert!(!out.contains(raw), "{format:?} contains raw `{raw}`");
        }
        let escaped = if format == Format::Md {
            "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
        } else {
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        };
        assert!(out.contains(escaped), "{format:?} lost the escaped name");
    }
    // The SVG is well-formed XML whose text holds the names exactly as typed, and in which no
    // element or attribute came from them.
    let svg_text = text(Format::Svg, &design, &findings);
    let doc = roxmltree::Document::parse(&svg_text).unwrap_or_else(|e| panic!("{e}"));
    let allowed = [
        "svg", "title", "desc", "defs", "symbol", "g", "rect", "path", "circle", "line", "text",
        "tspan", "use", "ellipse", "polyline", "polygon",
    ];
    for element in doc.descendants().filter(|n| n.is_element()) {
        let name = element.tag_name().name();
        assert!(allowed.contains(&name), "unexpected element <{name}>");
        for attribute in element.attributes() {
            assert!(
                !attribute.name().starts_with("on") && attribute.name() != "src",
                "attribute {} on <{name}>",
                attribute.name()
            );
        }
    }
    let texts: String = doc
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    for raw in HOSTILE {
        assert!(texts.contains(raw), "`{raw}` did not survive as text");
    }
    assert!(
        svg_text.contains(r#"<title id="pal-title">&lt;script&gt;alert(1)&lt;/script&gt;</title>"#)
    );
    // PNG of the hostile design renders.
    assert!(export_bytes(Format::Png, &design, catalog(), &findings, &options()).is_ok());

    let html = text(Format::Html, &design, &findings);
    assert!(html.contains(r#"http-equiv="Content-Security-Policy""#));
    assert!(html.contains("default-src 'none'"));
    assert!(!html.contains("<script") && !html.contains("javascript:"));

    let md = text(Format::Md, &design, &findings);
    assert!(!md.contains("@SUM"), "mentions are broken up");
    assert!(md.contains("\\]\\]&gt;"));
}

/// Splits RFC 4180 CSV into records of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && record.is_empty(), "ends with CRLF");
    records
}

#[test]
fn hostile_cells_cannot_run_as_spreadsheet_formulas() {
    let design = hostile();
    let findings = rules::evaluate(&design, catalog());
    let csv = text(Format::Csv, &design, &findings);
    let records = parse_csv(&csv);
    assert_eq!(records.len(), findings.items.len() + 1);
    assert!(
        records
            .iter()
            .all(|r| r.len() == export::csv::COLUMNS.len())
    );
    for cell in records.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "formula cell {cell:?}"
        );
    }
    let subjects: Vec<&str> = records.iter().skip(1).map(|r| r[5].as_str()).collect();
    assert!(subjects.contains(&"'=cmd|' /C calc'!A1"), "{subjects:?}");
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("'-2+3") || *s == "'-2+3"),
        "{subjects:?}"
    );
    assert!(subjects.contains(&"'@SUM(1)"), "{subjects:?}");
}

#[test]
fn the_export_command_writes_beside_the_input_and_fails_on_unreadable_input() {
    let text = palisade::persistence::to_string(&fixture(), catalog()).unwrap_or_default();
    let input = crate::cli::temp_file("export-fixture.ron", &text);
    let path = input.to_str().unwrap_or_default();
    let (code, out, err) = crate::cli::palisade(&["export", path, "--format", "svg"]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    let written = input.with_extension("svg");
    assert!(out.contains("wrote"), "{out}");
    assert!(
        std::fs::read_to_string(&written)
            .unwrap_or_default()
            .starts_with("<svg")
    );

    let png = input.with_file_name("export-fixture@2x.png");
    let png_arg = png.to_str().unwrap_or_default();
    let (code, _, err) = crate::cli::palisade(&["export", path, "-o", png_arg, "--scale", "2"]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(decode(&std::fs::read(&png).unwrap_or_default()).width() >= 1600);

    let (code, _, err) =
        crate::cli::palisade(&["export", "/nonexistent/design.ron", "--format", "html"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("cannot read"), "{err}");

    let (code, _, err) = crate::cli::palisade(&["export", path, "-o", path, "--format", "md"]);
    assert_eq!(
        code,
        ExitCode::from(2),
        "refuses to overwrite its input: {err}"
    );
}

/// A generated design: `count` components in a grid inside subscriptions, chained by traffic.
pub fn generated(count: usize) -> Design {
    let kinds = [
        "app_service",
        "key_vault",
        "sql_database",
        "storage_account",
        "function_app",
        "cosmos_db",
        "service_bus",
        "redis_cache",
    ];
    let columns = (count as f32).sqrt().ceil() as usize;
    let mut edits = vec![node(
        "sub",
        "subscription",
        "Generated subscription",
        Rect::new(
            0.0,
            0.0,
            columns as f32 * 220.0 + 40.0,
            (count.div_ceil(columns)) as f32 * 100.0 + 60.0,
        ),
        None,
    )];
    for i in 0..count {
        let (row, column) = (i / columns, i % columns);
        edits.push(node(
            &format!("n{i}"),
            kinds[i % kinds.len()],
            &format!("Component number {i}"),
            Rect::new(
                30.0 + column as f32 * 220.0,
                50.0 + row as f32 * 100.0,
                170.0,
                56.0,
            ),
            Some("sub"),
        ));
        if i > 0 {
            edits.push(connect(
                &format!("c{i}"),
                "traffic",
                &format!("n{}", i - 1),
                &format!("n{i}"),
                "",
            ));
        }
    }
    build(Design::new("Generated"), edits)
}

/// Prints export timings; run with `cargo test --release --test it export_timings -- --ignored --nocapture`.
#[test]
#[ignore = "prints timings"]
fn export_timings() {
    for count in [100, 1000] {
        let design = generated(count);
        let findings = rules::evaluate(&design, catalog());
        let started = Instant::now();
        let svg_text = svg::diagram(&design, catalog(), &findings, &svg::SvgOptions::default());
        let svg_time = started.elapsed();
        let mut line = format!(
            "{count} components, {} findings: svg {:.1} ms ({} KB)",
            findings.items.len(),
            svg_time.as_secs_f64() * 1000.0,
            svg_text.len() / 1024
        );
        for scale in [1.0, 2.0] {
            let started = Instant::now();
            let png = export::png::render(&svg_text, scale);
            line.push_str(&format!(
                "; png {scale}x {:.0} ms ({})",
                started.elapsed().as_secs_f64() * 1000.0,
                match &png {
                    Ok(bytes) => format!("{} KB", bytes.len() / 1024),
                    Err(e) => e.to_string(),
                }
            ));
        }
        for format in [Format::Html, Format::Md, Format::Csv] {
            let started = Instant::now();
            let _ = export_bytes(format, &design, catalog(), &findings, &options());
            line.push_str(&format!(
                "; {} {:.1} ms",
                format.extension(),
                started.elapsed().as_secs_f64() * 1000.0
            ));
        }
        println!("{line}");
    }
}

/// Writes the fixture and the hostile design in every format to `$PALISADE_EXPORT_SAMPLES`
/// (default: the temporary directory), for looking at them.
#[test]
#[ignore = "writes sample files"]
fn write_samples() {
    let dir = std::env::var_os("PALISADE_EXPORT_SAMPLES").map_or_else(
        || std::env::temp_dir().join("palisade-export-samples"),
        Into::into,
    );
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    for (stem, design) in [("fixture", fixture()), ("hostile", hostile())] {
        let findings = rules::evaluate(&design, catalog());
        for format in Format::ALL {
            let bytes = export_bytes(format, &design, catalog(), &findings, &options())
                .unwrap_or_else(|e| panic!("{e}"));
            let path = dir.join(format!("{stem}.{}", format.extension()));
            std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
        }
        let ron = palisade::persistence::to_string(&design, catalog()).unwrap_or_default();
        std::fs::write(dir.join(format!("{stem}.ron")), ron).unwrap_or_else(|e| panic!("{e}"));
    }
    println!("samples in {}", dir.display());
}

fn drawio_of(design: &Design) -> String {
    let findings = rules::evaluate(design, catalog());
    let bytes = export_bytes(Format::Drawio, design, catalog(), &findings, &options())
        .unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_drawio_export_nests_containers_and_connects_the_same_cards() {
    let design = crate::template("hub-spoke-azure-firewall");
    let text = drawio_of(&design);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let cells: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("mxCell"))
        .collect();
    let cell = |id: &str| {
        cells
            .iter()
            .find(|c| c.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no cell {id}"))
    };
    for node in design.nodes() {
        let c = cell(&format!("n:{}", node.id));
        assert_eq!(c.attribute("vertex"), Some("1"));
        let parent = node
            .parent
            .as_ref()
            .map_or("1".to_owned(), |p| format!("n:{p}"));
        assert_eq!(c.attribute("parent"), Some(parent.as_str()), "{}", node.id);
        // Children are placed relative to their container, as draw.io expects.
        let geometry = c
            .children()
            .find(|g| g.has_tag_name("mxGeometry"))
            .unwrap_or_else(|| panic!("no geometry"));
        let x: f32 = geometry
            .attribute("x")
            .and_then(|x| x.parse().ok())
            .unwrap_or(f32::NAN);
        let parent_x = node
            .parent
            .as_ref()
            .and_then(|p| design.node(p))
            .map_or(0.0, |p| p.rect.x);
        assert_eq!(x, node.rect.x - parent_x, "{}", node.id);
        let is_container = catalog().kind(&node.kind).is_some_and(|k| k.container);
        let style = c.attribute("style").unwrap_or_default();
        assert_eq!(style.contains("container=1"), is_container, "{}", node.id);
        if !is_container {
            assert!(style.contains("image=data:image/svg+xml,"), "{}", node.id);
            assert!(
                c.attribute("value")
                    .unwrap_or_default()
                    .starts_with(node.name.as_str())
            );
        }
    }
    let edges: Vec<_> = cells
        .iter()
        .filter(|c| c.attribute("edge") == Some("1"))
        .collect();
    assert_eq!(edges.len(), design.connections().len());
    for connection in design.connections() {
        let c = cell(&format!("c:{}", connection.id));
        assert_eq!(
            c.attribute("source"),
            Some(format!("n:{}", connection.from).as_str())
        );
        assert_eq!(
            c.attribute("target"),
            Some(format!("n:{}", connection.to).as_str())
        );
    }
}

#[test]
fn hostile_names_stay_plain_text_in_the_drawio_export() {
    let design = hostile();
    let text = drawio_of(&design);
    for raw in RAW_MARKUP {
        assert!(!text.contains(raw), "raw {raw:?} in the draw.io file");
    }
    assert!(!text.contains("html=1"), "labels must not be read as HTML");
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    for node in design.nodes() {
        let cell = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(format!("n:{}", node.id).as_str()))
            .unwrap_or_else(|| panic!("no cell for {}", node.id));
        // The parsed label starts with the name exactly as typed; the style holds none of it.
        let value = cell.attribute("value").unwrap_or_default();
        assert!(value.starts_with(node.name.as_str()), "{value:?}");
        let style = cell.attribute("style").unwrap_or_default();
        assert!(!style.contains(node.name.as_str()), "{style}");
    }
}

#[test]
fn the_pdf_report_has_the_diagram_page_and_the_findings_pages_and_is_reproducible() {
    let design = crate::template("before-hardening");
    let findings = rules::evaluate(&design, catalog());
    let pdf = export_bytes(Format::Pdf, &design, catalog(), &findings, &options())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/Type /Page\n").count()
        + text.matches("/Type /Page/").count()
        + text.matches("/Type /Page ").count();
    // A landscape diagram page, then the summary and 54 findings over several portrait pages.
    assert!(
        text.contains("/MediaBox [0 0 842 595]"),
        "no landscape page"
    );
    assert!(text.contains("/MediaBox [0 0 595 842]"), "no portrait page");
    assert!(pages >= 3, "{pages} pages");
    let again = export_bytes(Format::Pdf, &design, catalog(), &findings, &options())
        .unwrap_or_else(|e| panic!("{e}"));
    // svg2pdf orders a page's resources and font objects by hash, so two runs differ in byte
    // order and object numbers, not in content: the same objects and pages.
    let count = |bytes: &[u8], what: &str| String::from_utf8_lossy(bytes).matches(what).count();
    for what in [" obj\n", "/MediaBox", "/Subtype /Form"] {
        assert_eq!(count(&pdf, what), count(&again, what), "{what}");
    }
}

#[test]
fn a_design_of_hostile_names_still_makes_a_pdf() {
    let design = hostile();
    let findings = rules::evaluate(&design, catalog());
    let pdf = export_bytes(Format::Pdf, &design, catalog(), &findings, &options())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(pdf.starts_with(b"%PDF-"));
}

/// How many cards each connection's line passes through, besides its own ends.
fn crossings(scene: &palisade::scene::Scene) -> usize {
    scene
        .edges
        .iter()
        .map(|edge| {
            scene
                .cards
                .iter()
                .filter(|c| c.id != edge.from && c.id != edge.to)
                .filter(|c| {
                    let inside = c.rect.expand(-1.0);
                    edge.points.windows(2).any(|s| {
                        palisade::model::geometry::clip_segment(s[0], s[1], inside).is_some()
                    })
                })
                .count()
        })
        .sum()
}

#[test]
fn elbow_lines_on_every_template_run_square_and_cross_fewer_cards_than_straight_ones() {
    let (mut straight_total, mut elbow_total) = (0, 0);
    for template in palisade::templates::builtin() {
        let mut design = crate::template(template.id);
        let straight = palisade::scene::build(&design, catalog(), None);
        design.meta.routing = palisade::model::Routing::Orthogonal;
        let elbow = palisade::scene::build(&design, catalog(), None);
        for edge in &elbow.edges {
            assert!(
                palisade::routing::is_square(&edge.points),
                "{}: {} is not square: {:?}",
                template.id,
                edge.id,
                edge.points
            );
        }
        let (s, e) = (crossings(&straight), crossings(&elbow));
        println!(
            "{}: straight lines cross {s} cards, elbow lines {e}",
            template.id
        );
        straight_total += s;
        elbow_total += e;
    }
    println!("all templates: straight {straight_total}, elbow {elbow_total}");
    assert!(
        elbow_total < straight_total,
        "{elbow_total} >= {straight_total}"
    );
}

#[test]
fn the_drawio_export_keeps_bends_and_notes() {
    let mut design = crate::template("hub-spoke-azure-firewall");
    let anchor = design
        .nodes()
        .find(|n| n.kind == "azure_firewall")
        .map(|n| n.id.clone());
    let note = palisade::model::Note {
        id: palisade::model::NoteId::new("why").unwrap_or_else(|e| panic!("{e}")),
        text: "All egress <here> & \"there\"\nsecond line".to_owned(),
        rect: Rect::new(-400.0, 0.0, 220.0, 80.0),
        anchor: anchor.clone(),
    };
    design.meta.routing = palisade::model::Routing::Orthogonal;
    Edit::AddNote(note)
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
    let text = drawio_of(&design);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let cell = |id: &str| {
        doc.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no cell {id}"))
    };
    let note = cell("note:why");
    assert_eq!(
        note.attribute("value"),
        Some("All egress <here> & \"there\"\nsecond line")
    );
    assert!(
        note.attribute("style")
            .is_some_and(|s| s.starts_with("shape=note;"))
    );
    let leader = cell("leader:why");
    assert_eq!(leader.attribute("source"), Some("note:why"));
    let firewall = anchor.map(|a| format!("n:{a}"));
    assert_eq!(leader.attribute("target"), firewall.as_deref());
    // Every bent line carries its bends, the same points the canvas draws.
    let scene = palisade::scene::build(&design, catalog(), None);
    let bent = scene.edges.iter().filter(|e| e.points.len() > 2).count();
    assert!(bent > 0);
    let with_points = doc
        .descendants()
        .filter(|n| n.has_tag_name("Array") && n.attribute("as") == Some("points"))
        .count();
    assert_eq!(with_points, bent);
}

#[test]
fn no_connection_badge_covers_its_own_label_on_any_template_either_way_of_drawing() {
    let radius = palisade::scene::metrics::BADGE_RADIUS;
    let mut set_aside = 0;
    for template in palisade::templates::builtin() {
        for routing in palisade::model::Routing::ALL {
            let mut design = crate::template(template.id);
            design.meta.routing = routing;
            let findings = rules::evaluate(&design, catalog());
            let reviewed = palisade::review::triage::review(&design, &findings, "2026-12-03");
            let scene = palisade::scene::build(&design, catalog(), Some(&reviewed));
            for edge in scene.edges.iter().filter(|e| e.badge.is_some()) {
                if edge.label.trim().is_empty() {
                    continue;
                }
                let label = palisade::scene::edge_label_rect(&edge.label, edge.label_center());
                let badge = edge.badge_center();
                let circle = Rect::new(
                    badge.x - radius,
                    badge.y - radius,
                    2.0 * radius,
                    2.0 * radius,
                );
                let overlap_w =
                    (label.x + label.w).min(circle.x + circle.w) - label.x.max(circle.x);
                let overlap_h =
                    (label.y + label.h).min(circle.y + circle.h) - label.y.max(circle.y);
                assert!(
                    overlap_w <= 0.0 || overlap_h <= 0.0,
                    "{} ({routing:?}): {}'s badge covers its label",
                    template.id,
                    edge.id
                );
                set_aside += usize::from(edge.label_offset != palisade::model::Point::default());
            }
        }
    }
    println!("labels set beside their line: {set_aside}");
    assert!(set_aside > 0, "the demo's short flows need it");
}

#[test]
fn reports_quote_the_review_notes_with_what_each_points_at() {
    let mut design = crate::template("before-hardening");
    let vm = design
        .nodes()
        .find(|n| n.kind == "virtual_machine")
        .map(|n| n.id.clone());
    for (i, (text, anchor)) in [
        ("RDP from the internet\nReplace with Bastion", vm.clone()),
        ("Ask the owner about backups", None),
        ("   ", None),
    ]
    .into_iter()
    .enumerate()
    {
        Edit::AddNote(palisade::model::Note {
            id: palisade::model::NoteId::new(format!("n{i}")).unwrap_or_else(|e| panic!("{e}")),
            text: text.to_owned(),
            rect: Rect::new(0.0, 700.0 + 100.0 * i as f32, 200.0, 60.0),
            anchor,
        })
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
    }
    let findings = rules::evaluate(&design, catalog());
    let vm_name = vm
        .and_then(|id| design.node(&id).map(|n| n.name.clone()))
        .unwrap_or_default();
    let markdown = text(Format::Md, &design, &findings);
    assert!(
        markdown.contains(&format!(
            "## Review notes\n\n- **On {vm_name}:** RDP from the internet  \n  Replace with Bastion\n- Ask the owner about backups\n\n"
        )),
        "{markdown}"
    );
    let html = text(Format::Html, &design, &findings);
    assert!(
        html.contains(&format!(
            "<li><strong>On {vm_name}:</strong> RDP from the internet<br>Replace with Bastion</li>"
        )),
        "review notes missing from the HTML report"
    );
    let json: serde_json::Value = serde_json::from_str(&text(Format::Json, &design, &findings))
        .unwrap_or_else(|e| panic!("{e}"));
    let notes = &json["designs"][0]["notes"];
    assert_eq!(notes.as_array().map(Vec::len), Some(2), "{notes}");
    assert_eq!(
        notes[0]["text"],
        "RDP from the internet\nReplace with Bastion"
    );
    assert!(notes[0]["points_at"].is_string() && notes[1]["points_at"].is_null());
    // A note with no text is not quoted.
    assert_eq!(
        html.matches("<li><strong>On").count() + html.matches("<li>Ask the owner").count(),
        2
    );
}
