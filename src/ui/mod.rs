//! The designer window (egui). It reads the document and returns actions; [`PalisadeApp`]
//! applies them after the frame's UI pass, in one place.

pub mod canvas;
pub mod commands;
mod dialogs;
pub mod findings;
pub mod icons;
pub mod inspector;
pub mod palette;
pub mod review;
pub mod theme;
pub mod threats;
pub mod triage;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use egui::RichText;

use crate::app::recovery::{self, Recovery};
use crate::app::{Document, clipboard, placement};
use crate::layout;
use crate::model::{Design, Edit, Routing, Severity, catalog};
use crate::rules::Subject;
use canvas::{CanvasView, canvas_ui};
use commands::{Command, Menu};
use dialogs::{Dialog, Pending};
use findings::{FindingsView, findings_ui};
use icons::IconCache;

/// How often unsaved work is copied to the recovery file.
const AUTOSAVE_EVERY: Duration = Duration::from_secs(30);

/// What a panel asks for; applied after the UI pass.
#[derive(Debug)]
pub enum Action {
    Edit(Edit),
    /// An edit made while typing in a field: consecutive ones with the same key are one undo step.
    TypingEdit(Edit, String),
    /// The user left a text field: the next typing starts a new undo step.
    EndTyping,
    Command(Command),
    /// Select and centre a finding's subject.
    Reveal(Subject),
    /// Scrolls to a note and selects it.
    RevealNote(crate::model::NoteId),
    /// Open the triage form for the finding with this fingerprint.
    Triage(String),
    /// Add a component of this kind in the middle of the view.
    AddKind(String),
    Status(String),
}

/// What a native file dialog was opened for.
#[derive(Clone, Copy, Debug)]
enum FileRequest {
    Open,
    /// A design to compare the open one with.
    Compare,
    ImportArm,
    SaveAs,
    Export(crate::export::Format),
}

pub struct PalisadeApp {
    doc: Document,
    view: CanvasView,
    findings_view: FindingsView,
    /// "Compare with…", while its window is open.
    comparison: Option<review::Comparison>,
    show_coverage: bool,
    threats_view: threats::ThreatsView,
    attack_view: threats::AttackView,
    icons: IconCache,
    palette_filter: String,
    dark: bool,
    show_palette: bool,
    show_side_panel: bool,
    /// Whether layout changes are remembered for the next run (the designer binary, not tests).
    remember_layout: bool,
    dialog: Dialog,
    status: Option<(String, Instant)>,
    /// The in-process clipboard, used when the system clipboard is unavailable.
    clipboard: Option<String>,
    recent: Vec<PathBuf>,
    last_autosave: Instant,
    last_title: String,
    file_dialog: Option<(FileRequest, mpsc::Receiver<Option<PathBuf>>)>,
    last_export_dir: Option<PathBuf>,
    /// Set once the user confirmed quitting with unsaved changes.
    allow_close: bool,
    /// This window's recovery file; `None` in tests and when there is nowhere to keep one.
    recovery: Option<Recovery>,
    theme_applied: Option<bool>,
}

impl PalisadeApp {
    /// The app around a document (tests build it this way, with no window).
    pub fn new(doc: Document) -> Self {
        Self {
            doc,
            view: CanvasView::default(),
            findings_view: FindingsView::default(),
            comparison: None,
            show_coverage: false,
            threats_view: threats::ThreatsView::default(),
            attack_view: threats::AttackView::default(),
            icons: IconCache::default(),
            palette_filter: String::new(),
            dark: false,
            show_palette: true,
            show_side_panel: true,
            remember_layout: false,
            dialog: Dialog::None,
            status: None,
            clipboard: None,
            recent: crate::app::recent::load(),
            last_autosave: Instant::now(),
            last_title: String::new(),
            file_dialog: None,
            last_export_dir: None,
            allow_close: false,
            recovery: None,
            theme_applied: None,
        }
    }

    /// The app as started from the command line: the given file, else the first-start design
    /// with the template gallery open; offers recovery when the last session did not end well.
    pub fn start(file: Option<&Path>) -> Self {
        let catalog = catalog::builtin();
        let mut app = match file {
            Some(path) => match Document::open(path, catalog) {
                Ok(doc) => Self::new(doc),
                Err(error) => {
                    let mut app =
                        Self::new(Document::new(Design::new("Untitled design"), catalog, None));
                    app.dialog =
                        Dialog::Error(format!("Could not open {}:\n{error}", path.display()));
                    app
                }
            },
            None => {
                let mut app = Self::new(dialogs::first_start_document());
                app.dialog = Dialog::Gallery(dialogs::GalleryState::default());
                app
            }
        };
        let layout = crate::app::layout_settings::load();
        app.dark = layout.dark;
        app.show_palette = layout.show_palette;
        app.show_side_panel = layout.show_side_panel;
        app.remember_layout = true;
        app.recovery = Recovery::for_this_process();
        app.offer_recovery();
        app
    }

    fn layout_changed(&self) {
        if self.remember_layout {
            crate::app::layout_settings::store(crate::app::layout_settings::WindowLayout {
                dark: self.dark,
                show_palette: self.show_palette,
                show_side_panel: self.show_side_panel,
            });
        }
    }

    /// Offers the newest recovery file a session left behind, if any.
    fn offer_recovery(&mut self) {
        let left_behind = self.recovery.as_ref().map(Recovery::left_behind);
        if let Some(path) = left_behind.and_then(|files| files.into_iter().next()) {
            self.dialog = Dialog::Recovery(path);
        }
    }

    /// Removes this window's recovery file: its work is saved, or the window closes cleanly.
    fn clear_recovery(&self) {
        if let Some(recovery) = &self.recovery {
            recovery.clear();
        }
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    pub fn view(&self) -> &CanvasView {
        &self.view
    }

    pub fn view_mut(&mut self) -> &mut CanvasView {
        &mut self.view
    }

    /// Whether a dialog (prompt, gallery, palette) is showing.
    pub fn dialog_open(&self) -> bool {
        !matches!(self.dialog, Dialog::None)
    }

    fn set_status(&mut self, message: impl Into<String>) {
        self.status = Some((message.into(), Instant::now()));
    }

    /// The whole window, one frame.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if self.theme_applied != Some(self.dark) {
            if self.theme_applied.is_none() {
                theme::install_fonts(&ctx);
            }
            theme::apply(&ctx, self.dark);
            self.theme_applied = Some(self.dark);
        }
        let mut actions: Vec<Action> = Vec::new();
        self.window_events(&ctx, &mut actions);
        self.keyboard(&ctx, &mut actions);

        egui::Panel::top("menu-bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| self.menu_bar_ui(ui, &mut actions));
        });
        egui::Panel::bottom("status-bar").show(ui, |ui| self.status_bar_ui(ui));
        if self.show_palette {
            egui::Panel::left("palette")
                .default_size(230.0)
                .size_range(160.0..=360.0)
                .show(ui, |ui| {
                    ui.add_space(4.0);
                    ui.label(RichText::new("Components").strong());
                    if let Some(kind) = palette::palette_ui(
                        ui,
                        self.doc.catalog(),
                        &mut self.palette_filter,
                        &mut self.icons,
                    ) {
                        actions.push(Action::AddKind(kind));
                    }
                });
        }
        if self.show_side_panel {
            egui::Panel::right("side-panel")
                .default_size(440.0)
                .size_range(280.0..=560.0)
                .show(ui, |ui| {
                    egui::Panel::bottom("findings-panel")
                        .resizable(true)
                        .default_size(ui.available_height() * 0.45)
                        .show(ui, |ui| {
                            findings_ui(ui, &self.doc, &mut self.findings_view, &mut actions);
                        });
                    egui::CentralPanel::default().show(ui, |ui| {
                        inspector::inspector_ui(ui, &self.doc, &self.view, &mut actions)
                    });
                });
        }
        egui::CentralPanel::no_frame().show(ui, |ui| {
            let output = canvas_ui(ui, &self.doc, &mut self.view, &mut self.icons, self.dark);
            if let Some(edit) = output.edit {
                actions.push(Action::Edit(edit));
            }
            if let Some(status) = output.status {
                actions.push(Action::Status(status));
            }
            if let Some(command) = output.command {
                actions.push(Action::Command(command));
            }
        });

        if let Some(comparison) = &mut self.comparison {
            if comparison.refresh(&self.doc) {
                self.view.marks = comparison.marks();
            }
            if !review::comparison_window_ui(&ctx, comparison, &mut actions) {
                self.comparison = None;
                self.view.marks.clear();
            }
        }
        if self.show_coverage && !review::coverage_window_ui(&ctx, &self.doc) {
            self.show_coverage = false;
        }
        if self.threats_view.open {
            threats::threats_window_ui(
                &ctx,
                &mut self.threats_view,
                &self.doc,
                &self.view.selection,
                &mut actions,
            );
        }
        if self.attack_view.open {
            threats::attack_window_ui(&ctx, &mut self.attack_view, &self.doc, &mut actions);
        }

        let decision = dialogs::dialog_ui(
            &ctx,
            &mut self.dialog,
            &self.doc,
            &mut self.icons,
            self.dark,
            &mut actions,
        );
        for action in actions {
            self.perform(&ctx, action);
        }
        if let Some(decision) = decision {
            self.dialog_decision(decision);
        }
        self.view.forget_missing(&self.doc);
        self.housekeeping(&ctx);
    }

    /// Close requests, dropped files, clipboard events and finished file dialogs.
    fn window_events(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.doc.is_dirty()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Dialog::Unsaved(Pending::Quit);
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .collect()
        });
        if let Some(path) = dropped
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "ron"))
        {
            self.open_guarded(Pending::Open(path.clone()));
        } else if let Some(path) = dropped
            .into_iter()
            .find(|p| crate::import::arm::is_template_path(p))
        {
            self.open_guarded(Pending::Import(path));
        }
        let canvas_has_focus = ctx.memory(|m| m.focused().is_none());
        if canvas_has_focus {
            let events = ctx.input(|i| i.events.clone());
            for event in events {
                match event {
                    egui::Event::Copy => actions.push(Action::Command(Command::Copy)),
                    egui::Event::Cut => {
                        actions.push(Action::Command(Command::Copy));
                        actions.push(Action::Command(Command::Delete));
                    }
                    egui::Event::Paste(text) => {
                        self.clipboard = Some(text);
                        actions.push(Action::Command(Command::Paste));
                    }
                    _ => {}
                }
            }
        }
        if let Some((request, receiver)) = &self.file_dialog {
            match receiver.try_recv() {
                Ok(path) => {
                    let request = *request;
                    self.file_dialog = None;
                    if let Some(path) = path {
                        self.file_chosen(request, &path);
                    }
                }
                Err(mpsc::TryRecvError::Disconnected) => self.file_dialog = None,
                Err(mpsc::TryRecvError::Empty) => {
                    ctx.request_repaint_after(Duration::from_millis(100))
                }
            }
        }
    }

    /// Shortcuts from the command list; arrow keys nudge the selection.
    fn keyboard(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        if self.dialog_open() {
            return;
        }
        let typing = ctx.memory(|m| m.focused().is_some()) && ctx.egui_wants_keyboard_input();
        // Shortcuts with more modifiers first: egui matches Ctrl+Z inside Ctrl+Shift+Z.
        let mut bindings: Vec<(Command, egui::KeyboardShortcut)> = Command::ALL
            .into_iter()
            .filter(|c| !c.handled_by_events())
            .filter(|c| {
                !(typing
                    && (c.needs_canvas_focus()
                        || c.shortcut().is_some_and(|s| s.modifiers.is_none())))
            })
            .flat_map(|c| {
                c.shortcut()
                    .into_iter()
                    .chain(c.alternative_shortcuts().iter().copied())
                    .map(move |s| (c, s))
            })
            .collect();
        bindings.sort_by_key(|(_, s)| {
            std::cmp::Reverse(usize::from(s.modifiers.shift) + usize::from(s.modifiers.alt))
        });
        ctx.input_mut(|input| {
            for (command, shortcut) in bindings {
                if input.consume_shortcut(&shortcut) {
                    actions.push(Action::Command(command));
                }
            }
        });
        if !typing && !self.view.selection.is_empty() {
            let step = if ctx.input(|i| i.modifiers.shift) {
                1.0
            } else {
                placement::GRID
            };
            let (dx, dy) = ctx.input_mut(|i| {
                let mut d = (0.0, 0.0);
                for (key, delta) in [
                    (egui::Key::ArrowLeft, (-step, 0.0)),
                    (egui::Key::ArrowRight, (step, 0.0)),
                    (egui::Key::ArrowUp, (0.0, -step)),
                    (egui::Key::ArrowDown, (0.0, step)),
                ] {
                    if i.consume_key(egui::Modifiers::NONE, key)
                        || i.consume_key(egui::Modifiers::SHIFT, key)
                    {
                        d = (d.0 + delta.0, d.1 + delta.1);
                    }
                }
                d
            });
            if dx != 0.0 || dy != 0.0 {
                let ids: Vec<_> = self.view.selection.iter().cloned().collect();
                actions.push(Action::Edit(Edit::move_nodes(
                    self.doc.design(),
                    &ids,
                    dx,
                    dy,
                )));
            }
        }
    }

    fn menu_bar_ui(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        for menu in Menu::ALL {
            ui.menu_button(menu.title(), |ui| {
                for command in Command::ALL.into_iter().filter(|c| c.menu() == menu) {
                    if command == Command::Quit
                        || command == Command::Undo
                        || command == Command::ZoomIn
                        || command == Command::CommandPalette
                    {
                        ui.separator();
                    }
                    if let Some(checked) = self.toggle_state(command) {
                        let mut on = checked;
                        if ui.checkbox(&mut on, command.title()).clicked() {
                            actions.push(Action::Command(command));
                            ui.close();
                        }
                        continue;
                    }
                    let mut button = egui::Button::new(command.title());
                    if let Some(shortcut) = command.shortcut() {
                        button = button.shortcut_text(ui.ctx().format_shortcut(&shortcut));
                    }
                    if ui.add_enabled(self.enabled(command), button).clicked() {
                        actions.push(Action::Command(command));
                        ui.close();
                    }
                }
                if menu == Menu::File && !self.recent.is_empty() {
                    ui.separator();
                    ui.menu_button("Open recent", |ui| {
                        for path in self.recent.clone() {
                            if ui.button(path.display().to_string()).clicked() {
                                self.open_guarded(Pending::Open(path));
                                ui.close();
                            }
                        }
                    });
                }
            });
        }
    }

    /// The on/off state of toggle commands (shown as check boxes).
    fn toggle_state(&self, command: Command) -> Option<bool> {
        match command {
            Command::ToggleGrid => Some(self.view.show_grid),
            Command::ToggleSnap => Some(self.view.snap_to_grid),
            Command::ToggleTheme => Some(self.dark),
            Command::TogglePalette => Some(self.show_palette),
            Command::ToggleSidePanel => Some(self.show_side_panel),
            Command::ElbowByDefault => Some(self.doc.design().meta.routing == Routing::Orthogonal),
            _ => None,
        }
    }

    fn enabled(&self, command: Command) -> bool {
        match command {
            Command::Undo => self.doc.can_undo(),
            Command::Redo => self.doc.can_redo(),
            Command::Copy | Command::Duplicate | Command::Delete => {
                !self.view.selection.is_empty()
                    || (command == Command::Delete
                        && (self.view.selected_connection.is_some()
                            || self.view.selected_note.is_some()))
            }
            Command::Paste => self.clipboard.is_some(),
            Command::ConnectSelected => self.view.selection.len() == 2,
            Command::AlignLeft
            | Command::AlignCentre
            | Command::AlignRight
            | Command::AlignTop
            | Command::AlignMiddle
            | Command::AlignBottom => self.view.selection.len() >= 2,
            Command::DistributeHorizontally | Command::DistributeVertically => {
                self.view.selection.len() >= 3
            }
            _ => true,
        }
    }

    fn status_bar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let design = self.doc.design();
            let components = design
                .nodes()
                .filter(|n| {
                    self.doc
                        .catalog()
                        .kind(&n.kind)
                        .is_some_and(|k| !k.container)
                })
                .count();
            ui.label(format!(
                "{components} components · {} connections",
                design.connections().len()
            ));
            ui.separator();
            let reviewed = self.doc.reviewed();
            for severity in Severity::ALL {
                let count = reviewed.open().filter(|f| f.severity == severity).count();
                if count > 0 {
                    ui.label(
                        RichText::new(format!("{count} {}", severity.as_str()))
                            .color(theme::color(crate::scene::severity_color(severity))),
                    );
                }
            }
            let triaged = reviewed.triaged_count();
            if triaged > 0 {
                ui.label(RichText::new(format!("{triaged} triaged")).weak());
            }
            ui.label(format!("score {}/100", self.doc.score().value));
            ui.separator();
            ui.label(format!("{:.0}%", self.view.zoom * 100.0));
            ui.separator();
            let file = self
                .doc
                .path
                .as_ref()
                .map_or_else(|| "untitled".to_owned(), |p| p.display().to_string());
            ui.label(if self.doc.is_dirty() {
                format!("{file} • unsaved")
            } else {
                file
            });
            if let Some((message, at)) = &self.status
                && at.elapsed() < Duration::from_secs(8)
            {
                ui.separator();
                ui.label(RichText::new(message).strong());
            }
        });
    }

    fn perform(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Edit(edit) => self.apply(edit),
            Action::TypingEdit(edit, key) => {
                if let Err(error) = self.doc.apply_merging(edit, &key) {
                    self.set_status(error.to_string());
                }
            }
            Action::EndTyping => self.doc.end_merge(),
            Action::Command(command) => self.run(ctx, command),
            Action::Reveal(subject) => self.reveal(&subject),
            Action::RevealNote(id) => {
                if let Some(note) = self.doc.design().note(&id) {
                    self.view.center_on(note.rect.center());
                    self.view.select_note(id);
                }
            }
            Action::Triage(fingerprint) => {
                let about = self
                    .doc
                    .findings()
                    .items
                    .iter()
                    .find(|f| f.fingerprint() == fingerprint)
                    .map(|f| f.message.to_string())
                    .unwrap_or_default();
                let existing = self.doc.design().meta.triage.get(&fingerprint);
                self.findings_view.triage =
                    Some(triage::TriageForm::new(fingerprint, about, existing));
                self.show_side_panel = true;
            }
            Action::AddKind(kind) => {
                let Some(kind) = self.doc.catalog().kind(&kind) else {
                    return;
                };
                match placement::add_node(
                    self.doc.design(),
                    self.doc.catalog(),
                    kind,
                    self.view.visible_center(),
                ) {
                    Ok((edit, id)) => {
                        self.apply(edit);
                        self.view.select_only(id);
                    }
                    Err(reason) => self.set_status(reason),
                }
            }
            Action::Status(message) => self.set_status(message),
        }
    }

    fn apply(&mut self, edit: Edit) {
        if let Err(error) = self.doc.apply(edit) {
            self.set_status(format!("Not applied: {error}"));
        }
    }

    fn reveal(&mut self, subject: &Subject) {
        let design = self.doc.design();
        match subject {
            Subject::Node(id) => {
                if let Some(node) = design.node(id) {
                    self.view.center_on(node.rect.center());
                    self.view.select_only(id.clone());
                }
            }
            Subject::Connection(id) => {
                if let Some(connection) = design.connection(id)
                    && let (Some(a), Some(b)) =
                        (design.node(&connection.from), design.node(&connection.to))
                {
                    self.view.center_on(a.rect.union(b.rect).center());
                    self.view.selection.clear();
                    self.view.selected_connection = Some(id.clone());
                }
            }
            Subject::Design => self.view.clear_selection(),
        }
    }

    /// Runs a command from a menu, a shortcut or the command palette.
    pub fn run(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::New => self.open_guarded(Pending::New),
            Command::NewFromTemplate => {
                self.dialog = Dialog::Gallery(dialogs::GalleryState::default())
            }
            Command::Open => self.open_guarded(Pending::OpenDialog),
            Command::ImportArm => self.open_guarded(Pending::ImportDialog),
            Command::Save => self.save(),
            Command::SaveAs => self.ask_for_file(FileRequest::SaveAs),
            Command::SaveAsTemplate => {
                self.dialog = Dialog::SaveTemplate(self.doc.design().meta.name.clone())
            }
            Command::Export => self.dialog = Dialog::Export,
            Command::Quit => {
                if self.doc.is_dirty() {
                    self.dialog = Dialog::Unsaved(Pending::Quit);
                } else {
                    self.quit(ctx);
                }
            }
            Command::Undo => self.doc.undo(),
            Command::Redo => self.doc.redo(),
            Command::Copy => {
                if let Some(text) =
                    clipboard::copy(self.doc.design(), self.doc.catalog(), &self.view.selection)
                {
                    ctx.copy_text(text.clone());
                    self.clipboard = Some(text);
                    self.set_status(format!("Copied {} item(s)", self.view.selection.len()));
                }
            }
            Command::Paste => self.paste(),
            Command::Duplicate => {
                if let Some(text) =
                    clipboard::copy(self.doc.design(), self.doc.catalog(), &self.view.selection)
                {
                    self.paste_text(&text, (20.0, 20.0));
                }
            }
            Command::Delete => {
                if let Some(note) = self.view.selected_note.take() {
                    self.apply(Edit::RemoveNote(note));
                } else if let Some(connection) = self.view.selected_connection.take() {
                    self.apply(Edit::Disconnect(connection));
                } else if !self.view.selection.is_empty() {
                    let ids: Vec<_> = self.view.selection.iter().cloned().collect();
                    self.apply(Edit::remove_nodes(self.doc.design(), &ids));
                    self.view.selection.clear();
                }
            }
            Command::SelectAll => {
                self.view.selection = self.doc.design().nodes().map(|n| n.id.clone()).collect();
                self.view.selected_connection = None;
            }
            Command::ZoomIn => self.view.zoom_by(1.25),
            Command::ZoomOut => self.view.zoom_by(0.8),
            Command::ZoomToFit => self.view.request_fit(),
            Command::ZoomReset => self.view.zoom_by(1.0 / self.view.zoom),
            Command::ToggleGrid => self.view.show_grid = !self.view.show_grid,
            Command::ToggleSnap => self.view.snap_to_grid = !self.view.snap_to_grid,
            Command::ToggleTheme => {
                self.dark = !self.dark;
                self.layout_changed();
            }
            Command::TogglePalette => {
                self.show_palette = !self.show_palette;
                self.layout_changed();
            }
            Command::ToggleSidePanel => {
                self.show_side_panel = !self.show_side_panel;
                self.layout_changed();
            }
            Command::DesignProperties => {
                self.view.clear_selection();
                self.show_side_panel = true;
            }
            Command::Arrange => {
                let edit = crate::layout::arrange_edit(self.doc.design(), self.doc.catalog());
                if edit.is_noop() {
                    self.set_status("The diagram is already arranged".to_owned());
                } else {
                    self.apply(edit);
                    self.view.request_fit();
                }
            }
            Command::ElbowByDefault => {
                let mut meta = self.doc.design().meta.clone();
                meta.routing = match meta.routing {
                    Routing::Straight => Routing::Orthogonal,
                    Routing::Orthogonal => Routing::Straight,
                };
                self.apply(Edit::SetMetadata(Box::new(meta)));
            }
            Command::AddNote => {
                let design = self.doc.design();
                let anchor = (self.view.selection.len() == 1)
                    .then(|| self.view.selection.first())
                    .flatten()
                    .and_then(|id| design.node(id));
                let (edit, id) = placement::add_note(design, anchor, self.view.visible_center());
                self.apply(edit);
                self.view.edit_note(id, String::new());
            }
            Command::AlignLeft => self.align(layout::Alignment::Left),
            Command::AlignCentre => self.align(layout::Alignment::Centre),
            Command::AlignRight => self.align(layout::Alignment::Right),
            Command::AlignTop => self.align(layout::Alignment::Top),
            Command::AlignMiddle => self.align(layout::Alignment::Middle),
            Command::AlignBottom => self.align(layout::Alignment::Bottom),
            Command::DistributeHorizontally => {
                let edits = layout::distribute(
                    self.doc.design(),
                    &self.view.selection,
                    layout::Axis::Horizontal,
                );
                self.apply_moves(edits);
            }
            Command::DistributeVertically => {
                let edits = layout::distribute(
                    self.doc.design(),
                    &self.view.selection,
                    layout::Axis::Vertical,
                );
                self.apply_moves(edits);
            }
            Command::ConnectSelected => self.connect_selected(),
            Command::CompareWith => self.ask_for_file(FileRequest::Compare),
            Command::CompareWithSaved => match self.doc.path.clone() {
                Some(path) => self.compare_with(&path),
                None => self.set_status("This design has not been saved yet".to_owned()),
            },
            Command::CoverageBoard => self.show_coverage = !self.show_coverage,
            Command::Threats => self.threats_view.open = true,
            Command::AttackCoverage => self.attack_view.open = !self.attack_view.open,
            Command::CommandPalette => self.dialog = Dialog::CommandPalette(String::new()),
            Command::Shortcuts => self.dialog = Dialog::Shortcuts,
            Command::About => self.dialog = Dialog::About,
        }
    }

    fn align(&mut self, alignment: layout::Alignment) {
        let edits = layout::align(self.doc.design(), &self.view.selection, alignment);
        self.apply_moves(edits);
    }

    /// Applies moves as one undoable step, or says that nothing had to move.
    fn apply_moves(&mut self, edits: Vec<Edit>) {
        if edits.is_empty() {
            self.set_status("The selection is already in line".to_owned());
        } else {
            self.apply(Edit::Batch(edits));
        }
    }

    /// Connects the two selected components with a traffic flow, from the one further left
    /// (then higher up), as flows run left to right; then selects the new connection so the
    /// inspector shows it.
    fn connect_selected(&mut self) {
        let design = self.doc.design();
        let mut ends: Vec<&crate::model::Node> = self
            .view
            .selection
            .iter()
            .filter_map(|id| design.node(id))
            .collect();
        if ends.len() != 2 {
            self.set_status("Select two components to connect them".to_owned());
            return;
        }
        ends.sort_by(|a, b| {
            (a.rect.x, a.rect.y)
                .partial_cmp(&(b.rect.x, b.rect.y))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.id.cmp(&b.id))
        });
        let connection = crate::model::Connection {
            id: design.fresh_connection_id(),
            kind: "traffic".into(),
            from: ends[0].id.clone(),
            to: ends[1].id.clone(),
            label: String::new(),
            properties: Default::default(),
            route: Default::default(),
        };
        let id = connection.id.clone();
        self.apply(Edit::Connect(connection));
        self.view.selection.clear();
        self.view.selected_connection = Some(id);
    }

    fn paste(&mut self) {
        let Some(text) = self.clipboard.clone() else {
            return;
        };
        let center = self.view.visible_center();
        // Paste around the middle of the view, keeping the copied layout.
        let Ok(part) = crate::persistence::load_str(&text, self.doc.catalog()) else {
            self.set_status("The clipboard does not hold Palisade components");
            return;
        };
        let Some(bounds) = part.bounds() else { return };
        let offset = (
            placement::GRID * ((center.x - bounds.center().x) / placement::GRID).round(),
            placement::GRID * ((center.y - bounds.center().y) / placement::GRID).round(),
        );
        self.paste_text(&text, offset);
    }

    fn paste_text(&mut self, text: &str, offset: (f32, f32)) {
        match clipboard::paste(self.doc.design(), self.doc.catalog(), text, offset) {
            Some((edit, top)) => {
                self.apply(edit);
                self.view.selection = top.into_iter().collect::<BTreeSet<_>>();
                self.view.selected_connection = None;
            }
            None => self.set_status("The clipboard does not hold Palisade components"),
        }
    }

    /// Runs `pending` now, or first asks about unsaved changes.
    fn open_guarded(&mut self, pending: Pending) {
        if self.doc.is_dirty() {
            self.dialog = Dialog::Unsaved(pending);
        } else {
            self.continue_with(pending);
        }
    }

    /// Carries out an action that replaces the document (after the unsaved prompt, if any).
    fn continue_with(&mut self, pending: Pending) {
        match pending {
            Pending::New => self.replace_document(Document::new(
                Design::new("Untitled design"),
                catalog::builtin(),
                None,
            )),
            Pending::OpenDialog => self.ask_for_file(FileRequest::Open),
            Pending::Open(path) => self.open(&path),
            Pending::ImportDialog => self.ask_for_file(FileRequest::ImportArm),
            Pending::Import(path) => self.import(&path),
            Pending::Template(design) => {
                let mut doc = Document::new(*design, catalog::builtin(), None);
                doc.mark_unsaved();
                self.replace_document(doc);
            }
            Pending::Quit => {
                self.allow_close = true;
                self.dialog = Dialog::Quitting;
            }
        }
    }

    fn replace_document(&mut self, doc: Document) {
        self.doc = doc;
        self.view.clear_selection();
        self.view.request_fit();
    }

    fn open(&mut self, path: &Path) {
        match Document::open(path, catalog::builtin()) {
            Ok(doc) => {
                self.replace_document(doc);
                self.remember_recent(path);
            }
            Err(error) => {
                self.dialog = Dialog::Error(format!("Could not open {}:\n{error}", path.display()))
            }
        }
    }

    /// Compares the open design with the one in `path` (its saved version, or another).
    pub fn compare_with(&mut self, path: &Path) {
        match crate::persistence::load_path(path, catalog::builtin()) {
            Ok(other) => {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                let comparison = review::Comparison::new(name, other, &self.doc);
                self.view.marks = comparison.marks();
                self.comparison = Some(comparison);
            }
            Err(error) => {
                self.dialog = Dialog::Error(format!(
                    "Could not compare with {}:\n{error}",
                    path.display()
                ))
            }
        }
    }

    /// Opens an ARM template as a new, untitled design and shows the import report.
    fn import(&mut self, path: &Path) {
        match crate::import::arm::import_path(path, None, catalog::builtin()) {
            Ok(imported) => {
                let mut doc = Document::new(imported.design, catalog::builtin(), None);
                doc.mark_unsaved();
                self.replace_document(doc);
                self.dialog = Dialog::ImportReport(imported.report.text());
            }
            Err(error) => {
                self.dialog =
                    Dialog::Error(format!("Could not import {}:\n{error}", path.display()))
            }
        }
    }

    fn save(&mut self) {
        match self.doc.path.clone() {
            Some(path) => self.save_to(&path),
            None => self.ask_for_file(FileRequest::SaveAs),
        }
    }

    fn save_to(&mut self, path: &Path) {
        match self.doc.save_as(path) {
            Ok(()) => {
                self.clear_recovery();
                self.remember_recent(path);
                self.set_status(format!("Saved {}", path.display()));
            }
            Err(error) => self.dialog = Dialog::Error(format!("Could not save:\n{error}")),
        }
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(10);
        crate::app::recent::store(&self.recent);
    }

    /// Opens a native file dialog on a worker thread, so the window keeps drawing.
    fn ask_for_file(&mut self, request: FileRequest) {
        let (sender, receiver) = mpsc::channel();
        let name = self
            .doc
            .path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or_else(|| "design".to_owned(), |s| s.to_string_lossy().into_owned());
        let export_dir = self.last_export_dir.clone();
        std::thread::spawn(move || {
            let dialog = rfd::FileDialog::new();
            let path = match request {
                FileRequest::Open | FileRequest::Compare => {
                    dialog.add_filter("Palisade design", &["ron"]).pick_file()
                }
                FileRequest::ImportArm => dialog
                    .add_filter("ARM template", &["json", "jsonc"])
                    .pick_file(),
                FileRequest::SaveAs => dialog
                    .add_filter("Palisade design", &["ron"])
                    .set_file_name(format!("{name}.ron"))
                    .save_file(),
                FileRequest::Export(format) => {
                    let dialog = match export_dir {
                        Some(dir) => dialog.set_directory(dir),
                        None => dialog,
                    };
                    dialog
                        .add_filter(
                            format.label(),
                            &[format.extension().rsplit('.').next().unwrap_or("json")],
                        )
                        .set_file_name(format!("{name}.{}", format.extension()))
                        .save_file()
                }
            };
            let _ = sender.send(path);
        });
        self.file_dialog = Some((request, receiver));
    }

    fn file_chosen(&mut self, request: FileRequest, path: &Path) {
        match request {
            FileRequest::Open => self.open(path),
            FileRequest::Compare => self.compare_with(path),
            FileRequest::ImportArm => self.import(path),
            FileRequest::SaveAs => self.save_to(path),
            FileRequest::Export(format) => self.export_to(format, path),
        }
    }

    pub fn export_to(&mut self, format: crate::export::Format, path: &Path) {
        let options = crate::export::ExportOptions {
            date: Some(crate::export::format::today()),
            source: self
                .doc
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from("design.ron")),
            ..crate::export::ExportOptions::default()
        };
        let result = crate::persistence::files::write_with(path, |out| {
            crate::export::export(
                format,
                self.doc.design(),
                self.doc.catalog(),
                self.doc.findings(),
                &options,
                out,
            )
        })
        .map_err(|e| e.to_string());
        match result {
            Ok(()) => {
                self.last_export_dir = path.parent().map(Path::to_owned);
                self.set_status(format!("Exported {}", path.display()));
            }
            Err(error) => self.dialog = Dialog::Error(format!("Could not export:\n{error}")),
        }
    }

    fn quit(&mut self, ctx: &egui::Context) {
        self.allow_close = true;
        self.clear_recovery();
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// Title, autosave, and a repaint while a status message is showing.
    fn housekeeping(&mut self, ctx: &egui::Context) {
        let title = self.doc.title();
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
        if self.doc.is_dirty() && self.last_autosave.elapsed() >= AUTOSAVE_EVERY {
            self.last_autosave = Instant::now();
            if let Some(recovery) = &self.recovery
                && let Ok(text) = self.doc.to_text()
                && let Err(error) = recovery.write(&text)
            {
                self.set_status(format!("Autosave failed: {error}"));
            }
        }
        if self.doc.is_dirty() {
            ctx.request_repaint_after(AUTOSAVE_EVERY);
        }
        if matches!(self.dialog, Dialog::Quitting) {
            self.dialog = Dialog::None;
            self.quit(ctx);
        }
    }

    /// Applies what a dialog decided (called by the dialogs module through actions).
    fn dialog_decision(&mut self, decision: dialogs::Decision) {
        match decision {
            dialogs::Decision::SaveThen(pending) => {
                self.save();
                if !self.doc.is_dirty() {
                    self.continue_with(pending);
                }
            }
            dialogs::Decision::DiscardThen(pending) => self.continue_with(pending),
            dialogs::Decision::Recover(path) => {
                match crate::persistence::load_path(&path, catalog::builtin()) {
                    Ok(design) => {
                        let mut doc = Document::new(design, catalog::builtin(), None);
                        doc.mark_unsaved();
                        self.replace_document(doc);
                        // The old file goes only once the work is safe in this window's own.
                        let kept = self.recovery.as_ref().is_some_and(|recovery| {
                            self.doc
                                .to_text()
                                .is_ok_and(|text| recovery.write(&text).is_ok())
                        });
                        if kept {
                            self.last_autosave = Instant::now();
                            recovery::discard(&path);
                        }
                    }
                    Err(error) => {
                        self.dialog = Dialog::Error(format!(
                            "The recovery file could not be read; it was kept at {}:\n{error}",
                            path.display()
                        ))
                    }
                }
            }
            dialogs::Decision::DiscardRecovery(path) => {
                recovery::discard(&path);
                // Another window that ended badly may have left one too.
                self.offer_recovery();
            }
            dialogs::Decision::Export(format) => self.ask_for_file(FileRequest::Export(format)),
            dialogs::Decision::OpenTemplate(design) => self.open_guarded(Pending::Template(design)),
            dialogs::Decision::SaveTemplate(name) => match crate::templates::save_user_template(
                self.doc.design(),
                self.doc.catalog(),
                &name,
            ) {
                Ok(path) => self.set_status(format!("Saved template {}", path.display())),
                Err(error) => {
                    self.dialog = Dialog::Error(format!("Could not save the template:\n{error}"))
                }
            },
        }
    }
}

impl eframe::App for PalisadeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        PalisadeApp::ui(self, ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if !self.doc.is_dirty() {
            self.clear_recovery();
        }
    }
}

/// Opens the designer window; blocks until it closes.
pub fn run(file: Option<PathBuf>) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_title("Palisade")
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Palisade",
        options,
        Box::new(move |_cc| Ok(Box::new(PalisadeApp::start(file.as_deref())))),
    )
}
