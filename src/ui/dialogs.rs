//! Modal dialogs: unsaved-changes prompt, crash recovery, template gallery, command palette,
//! export, save as template, shortcuts, about and errors.

use std::path::PathBuf;

use egui::{RichText, vec2};

use super::commands::Command;
use super::icons::IconCache;
use super::{Action, canvas};
use crate::app::Document;
use crate::model::{Design, Severity, catalog};
use crate::scene::{self, Scene};
use crate::templates;

/// What replaces the document once unsaved changes are dealt with.
#[derive(Debug)]
pub enum Pending {
    New,
    OpenDialog,
    Open(PathBuf),
    ImportDialog,
    Import(PathBuf),
    Template(Box<Design>),
    Quit,
}

#[derive(Default)]
pub enum Dialog {
    #[default]
    None,
    Unsaved(Pending),
    Recovery(PathBuf),
    Gallery(GalleryState),
    CommandPalette(String),
    Export,
    SaveTemplate(String),
    Shortcuts,
    About,
    Error(String),
    /// What an ARM import mapped and left out, shown after the imported design opens.
    ImportReport(String),
    /// The user chose to quit; the window closes at the end of the frame.
    Quitting,
}

/// What the user decided in a dialog.
pub enum Decision {
    SaveThen(Pending),
    DiscardThen(Pending),
    Recover(PathBuf),
    DiscardRecovery(PathBuf),
    Export(crate::export::Format),
    SaveTemplate(String),
    OpenTemplate(Box<Design>),
}

struct GalleryEntry {
    design: Design,
    scene: Scene,
    counts: Vec<(Severity, usize)>,
    user: bool,
}

#[derive(Default)]
pub struct GalleryState {
    /// Loaded and checked once, when the gallery first shows.
    entries: Option<Vec<GalleryEntry>>,
    errors: Vec<String>,
}

impl GalleryState {
    fn load(&mut self) -> &[GalleryEntry] {
        self.entries.get_or_insert_with(|| {
            let catalog = catalog::builtin();
            let mut entries = Vec::new();
            let mut add = |design: Design, user: bool| {
                let findings = crate::rules::evaluate(&design, catalog);
                let counts = Severity::ALL
                    .iter()
                    .map(|s| (*s, findings.count(*s)))
                    .filter(|(_, n)| *n > 0)
                    .collect();
                let reviewed =
                    crate::review::triage::review(&design, &findings, &crate::export::today());
                let scene = scene::build(&design, catalog, Some(&reviewed));
                entries.push(GalleryEntry {
                    design,
                    scene,
                    counts,
                    user,
                });
            };
            for template in templates::builtin() {
                match template.load(catalog) {
                    Ok(design) => add(design, false),
                    Err(error) => self.errors.push(format!("{}: {error}", template.id)),
                }
            }
            for (path, loaded) in templates::user_templates(catalog) {
                match loaded {
                    Ok(design) => add(design, true),
                    Err(error) => self.errors.push(format!("{}: {error}", path.display())),
                }
            }
            entries
        })
    }
}

/// The design shown at first start: the first baseline, as an untitled copy.
pub fn first_start_document() -> Document {
    let catalog = catalog::builtin();
    let design = templates::baselines()
        .next()
        .and_then(|t| t.load(catalog).ok())
        .unwrap_or_else(|| Design::new("Untitled design"));
    Document::new(design, catalog, None)
}

/// Shows the current dialog; returns what the user decided. Closes the dialog by setting it to
/// `Dialog::None`.
pub fn dialog_ui(
    ctx: &egui::Context,
    dialog: &mut Dialog,
    doc: &Document,
    icons: &mut IconCache,
    dark: bool,
    actions: &mut Vec<Action>,
) -> Option<Decision> {
    let mut decision = None;
    let mut close = false;
    match dialog {
        Dialog::None | Dialog::Quitting => {}
        Dialog::Unsaved(_) => {
            let name = if doc.design().meta.name.is_empty() {
                "this design".to_owned()
            } else {
                format!("“{}”", doc.design().meta.name)
            };
            let mut choice = None;
            modal(ctx, "unsaved", |ui| {
                ui.heading("Save changes?");
                ui.label(format!("{name} has changes that are not saved."));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        choice = Some(0);
                    }
                    if ui.button("Don't save").clicked() {
                        choice = Some(1);
                    }
                    if ui.button("Cancel").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        choice = Some(2);
                    }
                });
            });
            if let Some(choice) = choice
                && let Dialog::Unsaved(pending) = std::mem::take(dialog)
            {
                decision = match choice {
                    0 => Some(Decision::SaveThen(pending)),
                    1 => Some(Decision::DiscardThen(pending)),
                    _ => None,
                };
            }
        }
        Dialog::Recovery(path) => {
            let mut choice = None;
            modal(ctx, "recovery", |ui| {
                ui.heading("Recover unsaved work?");
                ui.label("Palisade did not close normally last time. A copy of the design you were editing was kept.");
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Recover").clicked() {
                        choice = Some(true);
                    }
                    if ui.button("Discard").clicked() {
                        choice = Some(false);
                    }
                });
            });
            if let Some(recover) = choice {
                decision = Some(if recover {
                    Decision::Recover(path.clone())
                } else {
                    Decision::DiscardRecovery(path.clone())
                });
                close = true;
            }
        }
        Dialog::Gallery(state) => {
            let mut chosen = None;
            let response = egui::Modal::new(egui::Id::unique("gallery")).show(ctx, |ui| {
                // Whole cards per row: 336 points a card with its margins and spacing.
                let columns = ((ctx.content_rect().width() - 160.0) / 348.0)
                    .floor()
                    .clamp(1.0, 4.0);
                ui.set_min_width(columns * 348.0);
                ui.set_max_width(columns * 348.0);
                ui.horizontal(|ui| {
                    ui.heading("Start from a reference architecture");
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui.button("Close").clicked() {
                            close = true;
                        }
                    });
                });
                ui.label(
                    RichText::new(
                        "Each opens as an untitled copy; the template itself is never changed.",
                    )
                    .weak(),
                );
                ui.add_space(6.0);
                let max_height = (ctx.content_rect().height() - 200.0).max(300.0);
                egui::ScrollArea::vertical()
                    .max_height(max_height)
                    .min_scrolled_height(max_height)
                    .show(ui, |ui| {
                        let entries = state.load();
                        for (row, chunk) in entries.chunks(columns as usize).enumerate() {
                            ui.horizontal(|ui| {
                                ui.spacing_mut().item_spacing = vec2(12.0, 12.0);
                                for (column, entry) in chunk.iter().enumerate() {
                                    if gallery_card_ui(ui, entry, icons, dark) {
                                        chosen = Some(row * columns as usize + column);
                                    }
                                }
                            });
                            ui.add_space(8.0);
                        }
                        for error in &state.errors {
                            ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
                        }
                    });
            });
            if response.should_close() {
                close = true;
            }
            if let Some(index) = chosen
                && let Some(entry) = state.entries.as_ref().and_then(|e| e.get(index))
            {
                decision = Some(Decision::OpenTemplate(Box::new(entry.design.clone())));
                close = true;
            }
        }
        Dialog::CommandPalette(filter) => {
            let response = egui::Modal::new(egui::Id::unique("command-palette")).show(ctx, |ui| {
                ui.set_width(420.0);
                let edit = ui.add(
                    egui::TextEdit::singleline(filter)
                        .hint_text("Type a command, a component or a kind to add")
                        .desired_width(f32::INFINITY),
                );
                edit.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::SearchInput, true, "Command")
                });
                edit.request_focus();
                let entries = palette_entries(doc, &filter.to_lowercase());
                if ui.input(|i| i.key_pressed(egui::Key::Enter))
                    && let Some(first) = entries.first()
                {
                    actions.push(first.action());
                    close = true;
                }
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        for entry in entries {
                            ui.horizontal(|ui| {
                                if ui
                                    .add(egui::Button::new(entry.title()).frame(false))
                                    .clicked()
                                {
                                    actions.push(entry.action());
                                    close = true;
                                }
                                let hint = match &entry {
                                    PaletteEntry::Command(command) => {
                                        command.shortcut().map(|s| ctx.format_shortcut(&s))
                                    }
                                    PaletteEntry::Component { kind, .. } => Some(kind.clone()),
                                    PaletteEntry::Kind { .. } => Some("add".to_owned()),
                                };
                                if let Some(hint) = hint {
                                    ui.with_layout(
                                        egui::Layout::right_to_left(egui::Align::Center),
                                        |ui| ui.label(RichText::new(hint).weak()),
                                    );
                                }
                            });
                        }
                    });
            });
            if response.should_close() {
                close = true;
            }
        }
        Dialog::Export => {
            let response = egui::Modal::new(egui::Id::unique("export")).show(ctx, |ui| {
                ui.heading("Export");
                ui.label("Diagrams are drawn exactly as on the canvas; reports list every finding with its fix.");
                ui.add_space(6.0);
                for format in crate::export::Format::ALL {
                    if ui.button(format!("{}…", format.label())).clicked() {
                        decision = Some(Decision::Export(format));
                        close = true;
                    }
                }
                ui.add_space(6.0);
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
            if response.should_close() {
                close = true;
            }
        }
        Dialog::SaveTemplate(name) => {
            let response = egui::Modal::new(egui::Id::unique("save-template")).show(ctx, |ui| {
                ui.heading("Save as template");
                ui.label("Your templates appear in the gallery next to the baselines.");
                ui.text_edit_singleline(name);
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(!name.trim().is_empty(), egui::Button::new("Save"))
                        .clicked()
                    {
                        decision = Some(Decision::SaveTemplate(name.trim().to_owned()));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
            if response.should_close() {
                close = true;
            }
        }
        Dialog::Shortcuts => {
            let response = egui::Modal::new(egui::Id::unique("shortcuts")).show(ctx, |ui| {
                ui.heading("Keyboard shortcuts");
                egui::Grid::new("shortcuts-grid")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        for command in Command::ALL {
                            let keys: Vec<String> = command
                                .shortcut()
                                .into_iter()
                                .chain(command.alternative_shortcuts().iter().copied())
                                .map(|s| ctx.format_shortcut(&s))
                                .collect();
                            if keys.is_empty() {
                                continue;
                            }
                            ui.label(command.title());
                            ui.label(RichText::new(keys.join(", ")).monospace());
                            ui.end_row();
                        }
                        for (what, keys) in [
                            ("Pan", "Scroll, middle or right drag, Space + drag"),
                            ("Zoom", "Ctrl + scroll, pinch"),
                            ("Connect", "Drag from the dot on a component's right edge"),
                            ("Nudge", "Arrow keys (Shift: 1 unit)"),
                            ("Add to selection", "Shift + click, Shift + drag a box"),
                        ] {
                            ui.label(what);
                            ui.label(RichText::new(keys).monospace());
                            ui.end_row();
                        }
                    });
                if ui.button("Close").clicked() {
                    close = true;
                }
            });
            if response.should_close() {
                close = true;
            }
        }
        Dialog::About => {
            let response = egui::Modal::new(egui::Id::unique("about")).show(ctx, |ui| {
                ui.heading(format!("Palisade {}", env!("CARGO_PKG_VERSION")));
                ui.label("Design Azure architectures and check them live against the Well-Architected security checklist (SE:01–SE:12) and the Microsoft cloud security benchmark.");
                ui.label(format!("{} rules · {} component kinds", crate::rules::registry::all().len(), doc.catalog().kinds().len()));
                if ui.button("Close").clicked() {
                    close = true;
                }
            });
            if response.should_close() {
                close = true;
            }
        }
        Dialog::ImportReport(report) => {
            let response = egui::Modal::new(egui::Id::unique("import-report")).show(ctx, |ui| {
                ui.heading("Imported ARM template");
                egui::ScrollArea::vertical()
                    .max_height(400.0)
                    .show(ui, |ui| {
                        ui.label(egui::RichText::new(report.as_str()).monospace());
                    });
                if ui.button("Close").clicked() {
                    close = true;
                }
            });
            if response.should_close() {
                close = true;
            }
        }
        Dialog::Error(message) => {
            let response = egui::Modal::new(egui::Id::unique("error")).show(ctx, |ui| {
                ui.heading("Something went wrong");
                ui.label(message.as_str());
                if ui.button("OK").clicked() {
                    close = true;
                }
            });
            if response.should_close() {
                close = true;
            }
        }
    }
    if close {
        *dialog = Dialog::None;
    }
    decision
}

fn modal(ctx: &egui::Context, id: &str, content: impl FnOnce(&mut egui::Ui)) {
    egui::Modal::new(egui::Id::unique(id)).show(ctx, |ui| {
        ui.set_max_width(460.0);
        content(ui);
    });
}

/// One template card: thumbnail, name, description and finding counts. True when clicked.
fn gallery_card_ui(
    ui: &mut egui::Ui,
    entry: &GalleryEntry,
    icons: &mut IconCache,
    dark: bool,
) -> bool {
    let frame = egui::Frame::group(ui.style()).inner_margin(8.0);
    let response = frame
        .show(ui, |ui| {
            ui.set_width(320.0);
            ui.vertical(|ui| gallery_card_contents_ui(ui, entry, icons, dark));
        })
        .response;
    let response = ui.interact(
        response.rect,
        ui.scope_id()
            .with(("gallery-card", &entry.design.meta.name)),
        egui::Sense::click(),
    );
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Button,
            true,
            format!("Open template {}", entry.design.meta.name),
        )
    });
    if response.hovered() {
        ui.painter().rect_stroke(
            response.rect,
            6.0,
            egui::Stroke::new(2.0, ui.visuals().selection.stroke.color),
            egui::StrokeKind::Inside,
        );
    }
    response.clicked()
}

fn gallery_card_contents_ui(
    ui: &mut egui::Ui,
    entry: &GalleryEntry,
    icons: &mut IconCache,
    dark: bool,
) {
    let (rect, _) = ui.allocate_exact_size(vec2(320.0, 170.0), egui::Sense::hover());
    canvas::paint_thumbnail(ui.painter(), ui.ctx(), icons, &entry.scene, rect, dark);
    let meta = &entry.design.meta;
    ui.horizontal(|ui| {
        ui.label(RichText::new(&meta.name).strong());
        if entry.user {
            ui.label(RichText::new("yours").small().weak());
        }
    });
    let summary = meta.description.lines().next().unwrap_or("");
    ui.add(
        egui::Label::new(
            RichText::new(crate::export::fit::elide(summary, 600.0, 10.0, false)).small(),
        )
        .wrap(),
    );
    ui.horizontal(|ui| {
        if entry.counts.is_empty() {
            ui.label(RichText::new("No findings").small());
        }
        for (severity, count) in &entry.counts {
            ui.label(
                RichText::new(format!("{count} {}", severity.as_str()))
                    .small()
                    .color(super::theme::color(scene::severity_color(*severity))),
            );
        }
    });
}

/// What the command palette offers: commands, then the design's components (to reveal), then
/// component kinds (to add).
enum PaletteEntry {
    Command(Command),
    Component {
        id: crate::model::NodeId,
        name: String,
        kind: String,
    },
    Kind {
        id: String,
        name: String,
    },
}

impl PaletteEntry {
    fn title(&self) -> String {
        match self {
            Self::Command(command) => command.title().to_owned(),
            Self::Component { name, .. } => format!("Go to {name}"),
            Self::Kind { name, .. } => format!("Add {name}"),
        }
    }

    fn action(&self) -> Action {
        match self {
            Self::Command(command) => Action::Command(*command),
            Self::Component { id, .. } => Action::Reveal(crate::rules::Subject::Node(id.clone())),
            Self::Kind { id, .. } => Action::AddKind(id.clone()),
        }
    }
}

/// Components and kinds are listed only once something is typed, and at most this many.
const PALETTE_MATCHES: usize = 12;

fn palette_entries(doc: &Document, needle: &str) -> Vec<PaletteEntry> {
    let mut entries: Vec<PaletteEntry> = Command::ALL
        .into_iter()
        .filter(|c| c.title().to_lowercase().contains(needle))
        .map(PaletteEntry::Command)
        .collect();
    if needle.is_empty() {
        return entries;
    }
    let catalog = doc.catalog();
    entries.extend(
        doc.design()
            .nodes()
            .filter(|n| n.name.to_lowercase().contains(needle))
            .take(PALETTE_MATCHES)
            .map(|n| PaletteEntry::Component {
                id: n.id.clone(),
                name: n.name.clone(),
                kind: catalog
                    .kind(&n.kind)
                    .map_or_else(|| n.kind.to_string(), |k| k.name.clone()),
            }),
    );
    entries.extend(
        catalog
            .kinds()
            .iter()
            .filter(|k| k.name.to_lowercase().contains(needle))
            .take(PALETTE_MATCHES)
            .map(|k| PaletteEntry::Kind {
                id: k.id.clone(),
                name: k.name.clone(),
            }),
    );
    entries
}
