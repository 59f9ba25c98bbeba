//! `cargo bench`: times the hot paths on generated designs of 100, 1,000 and 10,000 components
//! and prints a table. Numbers are reported in issue notes; no test asserts a duration.

use std::hint::black_box;
use std::time::{Duration, Instant};

use palisade::app::Document;
use palisade::export::{self, ExportOptions, Format};
use palisade::model::{catalog, generate};
use palisade::{persistence, rules, scene};

/// Median time of `f` over enough runs to fill about `budget`.
fn time<R>(budget: Duration, mut f: impl FnMut() -> R) -> Duration {
    let first = Instant::now();
    black_box(f());
    let once = first.elapsed().max(Duration::from_nanos(1));
    let runs = (budget.as_secs_f64() / once.as_secs_f64()).clamp(3.0, 200.0) as usize;
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

/// Only sections whose name contains the first command-line argument run (`cargo bench -- frame`).
fn wanted(what: &str) -> bool {
    std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .is_none_or(|filter| what.contains(&filter))
}

fn show(what: &str, size: usize, d: Duration) {
    println!(
        "{what:<34} {size:>6} components  {:>10.3} ms",
        d.as_secs_f64() * 1000.0
    );
}

/// CPU time of one frame of the whole window (UI pass plus tessellation), headless.
fn frame_time(doc: Document, zoom: Option<f32>, canvas_only: bool) -> Duration {
    let ctx = egui::Context::default();
    let mut app = palisade::ui::PalisadeApp::new(doc);
    if canvas_only {
        app.run(&ctx, palisade::ui::commands::Command::TogglePalette);
        app.run(&ctx, palisade::ui::commands::Command::ToggleSidePanel);
    }
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1920.0, 1080.0),
        )),
        ..Default::default()
    };
    for _ in 0..3 {
        let _ = ctx.run_ui(input(), |ui| app.ui(ui));
    }
    if let Some(zoom) = zoom {
        let view = app.view_mut();
        view.zoom = zoom;
        view.pan = egui::vec2(20.0, 20.0);
    }
    time(Duration::from_secs(2), || {
        let output = ctx.run_ui(input(), |ui| app.ui(ui));
        ctx.tessellate(output.shapes, output.pixels_per_point)
    })
}

/// An ARM template of about `resources` resources: a network with subnets, and per group of
/// five an App Service plan and app (settings pointing at the database), a SQL server, a
/// private endpoint for it and a storage account.
fn arm_template(resources: usize) -> String {
    let groups = resources / 5;
    let subnets: Vec<String> = (0..50)
        .map(|s| {
            format!(r#"{{"name": "snet{s}", "properties": {{"addressPrefix": "10.0.{s}.0/24"}}}}"#)
        })
        .collect();
    let mut items = vec![format!(
        r#"{{"type": "Microsoft.Network/virtualNetworks", "name": "vnet", "properties": {{"subnets": [{}]}}}}"#,
        subnets.join(",")
    )];
    for g in 0..groups {
        items.push(format!(r#"{{"type": "Microsoft.Web/serverfarms", "name": "[concat('plan', '{g}')]", "sku": {{"name": "P1v3"}}}}"#));
        items.push(format!(
            r#"{{"type": "Microsoft.Web/sites", "name": "app{g}", "properties": {{"httpsOnly": true,
              "serverFarmId": "[resourceId('Microsoft.Web/serverfarms', 'plan{g}')]",
              "siteConfig": {{"minTlsVersion": "1.2", "connectionStrings": [{{"name": "db",
                "connectionString": "[concat('Server=', reference(resourceId('Microsoft.Sql/servers', 'sql{g}')).fullyQualifiedDomainName)]"}}]}}}}}}"#
        ));
        items.push(format!(r#"{{"type": "Microsoft.Sql/servers", "name": "sql{g}", "properties": {{"publicNetworkAccess": "Disabled", "minimalTlsVersion": "1.2"}}}}"#));
        items.push(format!(
            r#"{{"type": "Microsoft.Network/privateEndpoints", "name": "pe{g}", "properties": {{
              "subnet": {{"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet{s}')]"}},
              "privateLinkServiceConnections": [{{"name": "c", "properties": {{"privateLinkServiceId": "[resourceId('Microsoft.Sql/servers', 'sql{g}')]", "groupIds": ["sqlServer"]}}}}]}}}}"#,
            s = g % 50
        ));
        items.push(format!(r#"{{"type": "Microsoft.Storage/storageAccounts", "name": "[format('st{{0}}', {g})]", "properties": {{"allowBlobPublicAccess": false}}}}"#));
    }
    format!(
        r#"{{"contentVersion": "1.0.0.0", "resources": [{}]}}"#,
        items.join(",\n")
    )
}

/// Times `f` and prints a row, when the section is wanted.
fn bench<R>(what: &str, size: usize, f: impl FnMut() -> R) {
    if wanted(what) {
        show(what, size, time(Duration::from_millis(800), f));
    }
}

/// The five rules that take longest alone (each with a context of its own, so the indexes it
/// uses are built in its time).
fn slowest_rules(design: &palisade::model::Design, catalog: &palisade::model::Catalog) {
    let mut times: Vec<(Duration, &str)> = rules::registry::all()
        .iter()
        .map(|rule| {
            let once = || rules::evaluate_rules(design, catalog, [*rule]);
            (time(Duration::from_millis(20), once), rule.meta.id)
        })
        .collect();
    times.sort_by(|a, b| b.cmp(a));
    for (d, id) in times.into_iter().take(5) {
        show(&format!("  slowest rules: {id}"), design.nodes().len(), d);
    }
}

fn main() {
    let catalog = catalog::builtin();
    for size in [100, 1_000, 10_000] {
        let design = generate::design(size);
        let findings = rules::evaluate(&design, catalog);
        bench("evaluate (all rules)", size, || {
            rules::evaluate(&design, catalog)
        });
        bench("evaluate (all rules), one thread", size, || {
            rules::evaluate_on_threads(&design, catalog, rules::registry::all().iter().copied(), 1)
        });
        if size == 10_000 && wanted("slowest rules") {
            slowest_rules(&design, catalog);
        }
        let reviewed = palisade::review::triage::review(&design, &findings, "2026-12-02");
        bench("threats and ATT&CK coverage", size, || {
            palisade::threats::analyse(&design, catalog, &reviewed)
                .threats
                .len()
        });
        bench("scene build", size, || {
            scene::build(&design, catalog, Some(&reviewed))
        });
        let mut elbow = design.clone();
        elbow.meta.routing = palisade::model::Routing::Orthogonal;
        bench("scene build, every line an elbow", size, || {
            scene::build(&elbow, catalog, Some(&reviewed))
        });
        let text = persistence::to_string(&design, catalog).unwrap_or_default();
        bench("save to text", size, || {
            persistence::to_string(&design, catalog)
        });
        bench("load from text", size, || {
            persistence::load_str(&text, catalog)
        });
        let options = ExportOptions::default();
        let export = |format| {
            let mut out = Vec::new();
            export::export(format, &design, catalog, &findings, &options, &mut out).map(|()| out)
        };
        bench("export SVG", size, || export(Format::Svg));
        if size <= 1_000 {
            bench("export PNG (1x)", size, || export(Format::Png));
            bench("export HTML report", size, || export(Format::Html));
        }
        if size <= 1_000 {
            let template = arm_template(size);
            bench("import ARM template", size, || {
                palisade::import::arm::import_bytes(
                    template.as_bytes(),
                    None,
                    "bench.json",
                    catalog,
                )
                .map(|imported| imported.design.nodes().len())
            });
            bench("arrange (layout)", size, || {
                palisade::layout::arrange(&design, catalog)
            });
        }
        let doc = || Document::new(design.clone(), catalog, None);
        let frames: &[(&str, Option<f32>, bool)] = &[
            ("frame, whole design fitted", None, false),
            ("frame, zoom 100%", Some(1.0), false),
            ("frame, zoom 40% (~1,000 cards shown)", Some(0.4), false),
            ("frame, canvas only, zoom 40%", Some(0.4), true),
        ];
        for (what, zoom, canvas_only) in frames {
            if wanted(what) && (zoom != &Some(0.4) || size == 1_000) {
                show(what, size, frame_time(doc(), *zoom, *canvas_only));
            }
        }
        println!();
    }
    if wanted("exports at scale") {
        exports_at_scale(catalog);
    }
}

/// Every text export once at 1,000, 10,000 and 100,000 components, streamed to nowhere: the
/// times should grow about tenfold per row (linear), and nothing is held whole in memory.
fn exports_at_scale(catalog: &palisade::model::Catalog) {
    let formats = [
        Format::Svg,
        Format::Html,
        Format::Md,
        Format::Json,
        Format::Csv,
        Format::Sarif,
    ];
    for size in [1_000, 10_000, 100_000] {
        let design = generate::design(size);
        let started = Instant::now();
        let findings = rules::evaluate(&design, catalog);
        show("exports at scale: evaluate", size, started.elapsed());
        let options = ExportOptions::default();
        for format in formats {
            let started = Instant::now();
            let written = export::export(
                format,
                &design,
                catalog,
                &findings,
                &options,
                &mut std::io::sink(),
            );
            black_box(written.is_ok());
            show(
                &format!("exports at scale: {}", format.extension()),
                size,
                started.elapsed(),
            );
        }
    }
}
