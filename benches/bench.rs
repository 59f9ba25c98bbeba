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

fn show(what: &str, size: usize, d: Duration) {
    println!(
        "{what:<34} {size:>6} components  {:>10.3} ms",
        d.as_secs_f64() * 1000.0
    );
}

/// CPU time of one frame of the whole window (UI pass plus tessellation), headless.
fn frame_time(doc: Document, zoom: Option<f32>) -> Duration {
    let ctx = egui::Context::default();
    let mut app = palisade::ui::PalisadeApp::new(doc);
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

fn main() {
    let catalog = catalog::builtin();
    let budget = Duration::from_millis(800);
    for size in [100, 1_000, 10_000] {
        let design = generate::design(size);
        let findings = rules::evaluate(&design, catalog);
        show(
            "evaluate (all rules)",
            size,
            time(budget, || rules::evaluate(&design, catalog)),
        );
        show(
            "scene build",
            size,
            time(budget, || scene::build(&design, catalog, Some(&findings))),
        );
        let text = persistence::to_string(&design, catalog).unwrap_or_default();
        show(
            "save to text",
            size,
            time(budget, || persistence::to_string(&design, catalog)),
        );
        show(
            "load from text",
            size,
            time(budget, || persistence::load_str(&text, catalog)),
        );
        let options = ExportOptions::default();
        show(
            "export SVG",
            size,
            time(budget, || {
                export::export(Format::Svg, &design, catalog, &findings, &options)
            }),
        );
        if size <= 1_000 {
            show(
                "export PNG (1x)",
                size,
                time(budget, || {
                    export::export(Format::Png, &design, catalog, &findings, &options)
                }),
            );
            show(
                "export HTML report",
                size,
                time(budget, || {
                    export::export(Format::Html, &design, catalog, &findings, &options)
                }),
            );
        }
        let doc = || Document::new(design.clone(), catalog, None);
        show("frame, whole design fitted", size, frame_time(doc(), None));
        show("frame, zoom 100%", size, frame_time(doc(), Some(1.0)));
        if size == 1_000 {
            show(
                "frame, zoom 40% (~1,000 cards shown)",
                size,
                frame_time(doc(), Some(0.4)),
            );
        }
        println!();
    }
}
