//! Review windows: "Compare with…" (the differences against another version of the design,
//! marked on the canvas and listed, each row revealing its element) and the coverage board
//! (score and per-SE coverage).

use std::collections::BTreeMap;

use egui::RichText;

use super::Action;
use super::canvas::mark_color;
use crate::app::Document;
use crate::model::{ConnectionId, Design, NodeId};
use crate::review::diff::{Change, DesignDiff, ElementChange, diff};
use crate::rules::Subject;

/// The open design compared with another version of it.
pub struct Comparison {
    /// What it is compared with, for the window title (a file name).
    pub against: String,
    other: Design,
    diff: DesignDiff,
    /// The document revision the diff was computed at.
    revision: u64,
}

impl Comparison {
    pub fn new(against: String, other: Design, doc: &Document) -> Self {
        let diff = diff(&other, doc.design(), doc.catalog(), &crate::export::today());
        Self {
            against,
            other,
            diff,
            revision: doc.revision(),
        }
    }

    /// Recomputes the differences after an edit; `true` when it did.
    pub fn refresh(&mut self, doc: &Document) -> bool {
        if doc.revision() == self.revision {
            return false;
        }
        *self = Self::new(
            std::mem::take(&mut self.against),
            std::mem::take(&mut self.other),
            doc,
        );
        true
    }

    /// The canvas marks: components and containers added or changed (removed ones are not on
    /// the canvas; the list shows them).
    pub fn marks(&self) -> BTreeMap<NodeId, Change> {
        self.diff
            .containers
            .iter()
            .chain(&self.diff.components)
            .filter(|e| e.change != Change::Removed)
            .filter_map(|e| NodeId::new(e.id.as_str()).ok().map(|id| (id, e.change)))
            .collect()
    }
}

/// The list of differences; `false` when the user closed it.
pub fn comparison_window_ui(
    ctx: &egui::Context,
    comparison: &Comparison,
    actions: &mut Vec<Action>,
) -> bool {
    let mut open = true;
    let diff = &comparison.diff;
    egui::Window::new(format!("Changes against {}", comparison.against))
        .id(egui::Id::unique("comparison-window"))
        // Below the menu bar and beside the palette, over the canvas's empty corner.
        .default_pos([280.0, 48.0])
        .open(&mut open)
        .default_width(380.0)
        .default_height(420.0)
        .show(ctx, |ui| {
            ui.label(format!(
                "Score {} → {} · {} finding{} introduced · {} resolved",
                diff.score.0,
                diff.score.1,
                diff.introduced.len(),
                if diff.introduced.len() == 1 { "" } else { "s" },
                diff.resolved.len()
            ));
            if diff.is_empty() {
                ui.label(RichText::new("No differences").weak());
                return;
            }
            egui::ScrollArea::vertical().show(ui, |ui| {
                for f in &diff.design {
                    ui.label(format!("Design {}: {} → {}", f.field, f.old, f.new));
                }
                for (title, list, listed) in [
                    ("Containers", &diff.containers, Listed::Node),
                    ("Components", &diff.components, Listed::Node),
                    ("Connections", &diff.connections, Listed::Connection),
                    ("Notes", &diff.notes, Listed::Note),
                ] {
                    if list.is_empty() {
                        continue;
                    }
                    ui.add_space(4.0);
                    ui.label(RichText::new(title).strong());
                    for e in list {
                        element_row_ui(ui, e, listed, actions);
                    }
                }
                for (title, list) in [
                    ("Findings introduced", &diff.introduced),
                    ("Findings resolved", &diff.resolved),
                ] {
                    if list.is_empty() {
                        continue;
                    }
                    ui.add_space(4.0);
                    ui.label(RichText::new(title).strong());
                    for f in list {
                        ui.horizontal(|ui| {
                            super::inspector::severity_chip_ui(ui, f.severity);
                            ui.add(egui::Label::new(f.message.as_str()).truncate());
                        });
                    }
                }
                if !diff.triage.is_empty() {
                    ui.add_space(4.0);
                    ui.label(
                        RichText::new(format!("Triage changes ({})", diff.triage.len())).strong(),
                    );
                }
            });
        });
    open
}

/// What kind of element a row of the comparison lists, to reveal it on a click.
#[derive(Clone, Copy)]
enum Listed {
    Node,
    Connection,
    Note,
}

fn element_row_ui(ui: &mut egui::Ui, e: &ElementChange, listed: Listed, actions: &mut Vec<Action>) {
    let word = match (e.change, e.moved) {
        (Change::Added, _) => "Added",
        (Change::Removed, _) => "Removed",
        (Change::Changed, true) => "Moved",
        (Change::Changed, false) => "Changed",
    };
    ui.horizontal(|ui| {
        ui.label(RichText::new(word).color(mark_color(e.change)).strong());
        let button = ui.add(egui::Button::new(format!("{} ({})", e.name, e.kind)).frame(false));
        let button = if e.fields.is_empty() {
            button
        } else {
            button.on_hover_ui(|ui| {
                for f in &e.fields {
                    ui.label(format!("{}: {} → {}", f.field, f.old, f.new));
                }
            })
        };
        // A removed element is only in the other design: there is nothing to reveal.
        if button.clicked() && e.change != Change::Removed {
            let action = match listed {
                Listed::Connection => ConnectionId::new(e.id.as_str())
                    .ok()
                    .map(|id| Action::Reveal(Subject::Connection(id))),
                Listed::Node => NodeId::new(e.id.as_str())
                    .ok()
                    .map(|id| Action::Reveal(Subject::Node(id))),
                Listed::Note => crate::model::NoteId::new(e.id.as_str())
                    .ok()
                    .map(Action::RevealNote),
            };
            actions.extend(action);
        }
    });
}

/// The score and how each Well-Architected checklist item fares; `false` once closed.
pub fn coverage_window_ui(ctx: &egui::Context, doc: &Document) -> bool {
    let mut open = true;
    let score = doc.score();
    egui::Window::new("Coverage board")
        .id(egui::Id::unique("coverage-window"))
        .default_pos([300.0, 64.0])
        .open(&mut open)
        .default_width(420.0)
        .show(ctx, |ui| {
            ui.heading(format!("Score {}/100", score.value));
            ui.label(
                RichText::new(crate::export::report::SCORE_NOTE)
                    .small()
                    .weak(),
            );
            ui.add_space(6.0);
            egui::Grid::new("coverage-grid")
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    for c in &score.coverage {
                        ui.label(RichText::new(c.code).strong());
                        ui.label(c.title);
                        if c.applicable == 0 {
                            ui.label("");
                            ui.label(RichText::new("not assessed").weak());
                        } else {
                            let share = c.passing as f32 / c.applicable as f32;
                            coverage_bar_ui(ui, share);
                            ui.label(format!("{} of {} rules pass", c.passing, c.applicable));
                        }
                        ui.end_row();
                    }
                });
        });
    open
}

/// A thin bar: grey track, green when every rule passes, amber otherwise.
fn coverage_bar_ui(ui: &mut egui::Ui, share: f32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(110.0, 8.0), egui::Sense::hover());
    let track = ui.visuals().widgets.noninteractive.bg_stroke.color;
    ui.painter().rect_filled(rect, 4.0, track);
    let fill = if share >= 1.0 {
        egui::Color32::from_rgb(0x2d, 0xa4, 0x4e)
    } else {
        egui::Color32::from_rgb(0xd4, 0xa7, 0x2c)
    };
    let mut done = rect;
    done.set_width(rect.width() * share.clamp(0.0, 1.0));
    if share > 0.0 {
        ui.painter().rect_filled(done, 4.0, fill);
    }
}
