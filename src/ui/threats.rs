//! The threat view in the designer: the Threats window (filter by STRIDE category, status and
//! selection; decide per threat), the threats of the selected component in the inspector, and
//! the ATT&CK coverage window (tactics as columns, techniques shaded by coverage).

use std::collections::BTreeSet;

use eframe::egui::{self, Color32, RichText};

use super::Action;
use crate::app::Document;
use crate::model::{Edit, NodeId, ThreatDecision, ThreatStatus};
use crate::rules::{Stride, Subject};
use crate::threats::{Category, Score, Status, Threat, Verdict, builtin};

/// What the Threats window shows and the decision being written.
#[derive(Default)]
pub struct ThreatsView {
    pub open: bool,
    stride: Option<Stride>,
    status: Option<Status>,
    selection_only: bool,
    /// The threat being decided: fingerprint, status, note.
    deciding: Option<(String, ThreatStatus, String)>,
}

/// The ATT&CK window and the technique picked in it.
#[derive(Default)]
pub struct AttackView {
    pub open: bool,
    technique: Option<String>,
}

fn status_color(status: Status) -> Color32 {
    match status {
        Status::Open => Color32::from_rgb(0xd1, 0x34, 0x38),
        Status::NeedsInvestigation => Color32::from_rgb(0xca, 0x50, 0x10),
        Status::Mitigated | Status::MitigatedNoted => Color32::from_rgb(0x10, 0x7c, 0x10),
        Status::NotApplicable => Color32::from_rgb(0x69, 0x79, 0x7e),
    }
}

fn status_chip_ui(ui: &mut egui::Ui, status: Status) {
    egui::Frame::new()
        .fill(status_color(status))
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(5, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(status.label()).small().color(Color32::WHITE));
        });
}

/// One threat: status, title, element, what answers it or the open findings behind it.
fn threat_ui(ui: &mut egui::Ui, threat: &Threat, actions: &mut Vec<Action>) -> bool {
    let mut decide = false;
    ui.group(|ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            status_chip_ui(ui, threat.status());
            ui.label(RichText::new(&threat.def.id).monospace().weak());
            ui.label(RichText::new(threat.stride().as_str()).small().weak());
        });
        ui.label(RichText::new(&threat.title).strong());
        ui.label(RichText::new(&threat.def.description).weak());
        if let Some(decision) = &threat.decision {
            ui.label(RichText::new(format!("Decision: {}", decision.note.trim())).italics());
        }
        match &threat.verdict {
            Verdict::Mitigated(evidence) => {
                for e in evidence {
                    ui.horizontal_wrapped(|ui| {
                        ui.label("Mitigated:");
                        match &e.node {
                            Some(node) => {
                                if ui.link(&e.text).clicked() {
                                    actions.push(Action::Reveal(Subject::Node(node.clone())));
                                }
                            }
                            None => {
                                ui.label(&e.text);
                            }
                        }
                    });
                }
            }
            Verdict::Open(related) => {
                ui.label(RichText::new(format!("To mitigate: {}", threat.def.mitigation)).weak());
                for r in related {
                    ui.horizontal_wrapped(|ui| {
                        super::inspector::severity_chip_ui(ui, r.severity);
                        ui.label(RichText::new(r.rule).monospace().weak());
                        ui.label(&r.message);
                    });
                }
            }
        }
        ui.horizontal_wrapped(|ui| {
            if ui.small_button("Show on canvas").clicked() {
                actions.push(Action::Reveal(threat.element.clone()));
            }
            let label = if threat.decision.is_some() {
                "Change decision…"
            } else {
                "Decide…"
            };
            decide = ui.small_button(label).clicked();
            if !threat.def.attack.is_empty() {
                ui.label(
                    RichText::new(format!("ATT&CK {}", threat.def.attack.join(", ")))
                        .small()
                        .weak(),
                );
            }
        });
    });
    decide
}

/// The threats of the selected component, for the inspector.
pub fn threats_list_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    node: &NodeId,
    actions: &mut Vec<Action>,
) {
    let threats: Vec<&Threat> = doc
        .threats()
        .threats
        .iter()
        .filter(|t| t.involves(doc.design(), node))
        .collect();
    if threats.is_empty() {
        return;
    }
    let open = threats.iter().filter(|t| t.status().is_open()).count();
    egui::CollapsingHeader::new(
        RichText::new(format!("Threats ({open} open of {})", threats.len())).strong(),
    )
    .id_salt("node-threats")
    .default_open(open > 0)
    .show(ui, |ui| {
        for threat in threats {
            ui.horizontal_wrapped(|ui| {
                status_chip_ui(ui, threat.status());
                ui.label(&threat.title);
            });
        }
        if ui.small_button("Open the Threats window").clicked() {
            actions.push(Action::Command(super::commands::Command::Threats));
        }
    });
}

/// The Threats window; `false` once closed.
pub fn threats_window_ui(
    ctx: &egui::Context,
    view: &mut ThreatsView,
    doc: &Document,
    selection: &BTreeSet<NodeId>,
    actions: &mut Vec<Action>,
) -> bool {
    let mut open = view.open;
    let analysis = doc.threats();
    egui::Window::new("Threats")
        .id(egui::Id::unique("threats-window"))
        .default_pos([320.0, 72.0])
        .default_size([460.0, 560.0])
        .open(&mut open)
        .show(ctx, |ui| {
            ui.label(crate::export::report::capitalised(
                &crate::export::threats::counts_text(&analysis.threats),
            ));
            ui.horizontal_wrapped(|ui| {
                egui::ComboBox::from_label("STRIDE category")
                    .selected_text(view.stride.map_or("All", Stride::as_str))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut view.stride, None, "All");
                        for s in Stride::ALL {
                            ui.selectable_value(&mut view.stride, Some(s), s.as_str());
                        }
                    });
                ui.separator();
                egui::ComboBox::from_label("Status")
                    .selected_text(view.status.map_or("All", Status::label))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut view.status, None, "All");
                        for s in Status::ALL {
                            ui.selectable_value(&mut view.status, Some(s), s.label());
                        }
                    });
                ui.separator();
                ui.checkbox(&mut view.selection_only, "Only the selection");
            });
            if let Some((fingerprint, status, note)) = &mut view.deciding {
                let mut done = false;
                ui.group(|ui| {
                    ui.label(RichText::new(format!("Decision on {fingerprint}")).strong());
                    egui::ComboBox::from_label("Decision")
                        .selected_text(status.label())
                        .show_ui(ui, |ui| {
                            for s in ThreatStatus::ALL {
                                ui.selectable_value(status, s, s.label());
                            }
                        });
                    ui.label("Note (required)");
                    ui.add(
                        egui::TextEdit::multiline(note)
                            .desired_rows(2)
                            .hint_text("Why, or what mitigates it"),
                    );
                    ui.horizontal(|ui| {
                        let valid = !note.trim().is_empty();
                        if ui
                            .add_enabled(valid, egui::Button::new("Save decision"))
                            .clicked()
                        {
                            actions.push(Action::Edit(Edit::SetThreatDecision {
                                fingerprint: fingerprint.clone(),
                                decision: Some(ThreatDecision {
                                    status: *status,
                                    note: note.trim().to_owned(),
                                }),
                            }));
                            done = true;
                        }
                        if doc.design().meta.threats.contains_key(fingerprint.as_str())
                            && ui.button("Remove decision").clicked()
                        {
                            actions.push(Action::Edit(Edit::SetThreatDecision {
                                fingerprint: fingerprint.clone(),
                                decision: None,
                            }));
                            done = true;
                        }
                        if ui.button("Cancel").clicked() {
                            done = true;
                        }
                    });
                });
                if done {
                    view.deciding = None;
                }
            }
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("threats-scroll")
                .show(ui, |ui| {
                    let shown = analysis.threats.iter().filter(|t| {
                        view.stride.is_none_or(|s| t.stride() == s)
                            && view.status.is_none_or(|s| t.status() == s)
                            && (!view.selection_only
                                || selection.iter().any(|n| t.involves(doc.design(), n)))
                    });
                    let mut any = false;
                    for threat in shown {
                        any = true;
                        if threat_ui(ui, threat, actions) {
                            let (status, note) =
                                threat.decision.as_ref().map_or(
                                    (ThreatStatus::NeedsInvestigation, String::new()),
                                    |d| (d.status, d.note.clone()),
                                );
                            view.deciding = Some((threat.fingerprint.clone(), status, note));
                        }
                    }
                    if !any {
                        ui.label(RichText::new("No threat matches the filters").weak());
                    }
                });
        });
    view.open = open;
    open
}

fn score_fill(score: Option<Score>, dark: bool) -> Color32 {
    match score {
        None if dark => Color32::from_gray(60),
        None => Color32::from_gray(228),
        Some(Score::Minimal) => Color32::from_rgb(0xfd, 0xe2, 0xc4),
        Some(Score::Partial) => Color32::from_rgb(0x9c, 0xcc, 0x65),
        Some(Score::Significant) => Color32::from_rgb(0x2e, 0x7d, 0x32),
    }
}

/// The ATT&CK window; `false` once closed.
pub fn attack_window_ui(
    ctx: &egui::Context,
    view: &mut AttackView,
    doc: &Document,
    actions: &mut Vec<Action>,
) -> bool {
    let mut open = view.open;
    let analysis = doc.threats();
    let table = &builtin().attack;
    let dark = ctx.global_style().visuals.dark_mode;
    egui::Window::new("ATT&CK coverage")
        .id(egui::Id::unique("attack-window"))
        .default_pos([200.0, 80.0])
        .default_size([980.0, 620.0])
        .open(&mut open)
        .show(ctx, |ui| {
            let techniques: Vec<_> = analysis.attack.iter().filter(|c| !c.technique.is_subtechnique()).collect();
            let covered = techniques.iter().filter(|c| c.strongest().is_some()).count();
            ui.label(format!(
                "{covered} of {} techniques are protected against or detected by a control in this design. Scores: MITRE Center for Threat-Informed Defense, Security Stack Mappings for Azure; ATT&CK {}.",
                techniques.len(),
                table.version
            ));
            ui.horizontal(|ui| {
                for (label, score) in [("Not covered", None), ("Minimal", Some(Score::Minimal)), ("Partial", Some(Score::Partial)), ("Significant", Some(Score::Significant))] {
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 2.0, score_fill(score, dark));
                    ui.label(RichText::new(label).small());
                }
            });
            if let Some(id) = &view.technique
                && let Some(c) = analysis.attack.iter().find(|c| &c.technique.id == id)
            {
                ui.group(|ui| {
                    ui.set_width(ui.available_width());
                    ui.label(RichText::new(format!("{} {}", c.technique.id, c.technique.name)).strong());
                    if c.providers.is_empty() {
                        ui.label("No control in this design protects against or detects it.");
                    }
                    for category in Category::ALL {
                        for p in c.providers.iter().filter(|p| p.category == category) {
                            ui.horizontal_wrapped(|ui| {
                                ui.label(format!("{} ({}):", crate::export::report::capitalised(category.as_str()), p.score.as_str()));
                                let name = doc.design().node(&p.node).map_or(p.node.as_str(), |n| n.name.as_str());
                                if ui.link(format!("{} by {name}", p.control_name)).clicked() {
                                    actions.push(Action::Reveal(Subject::Node(p.node.clone())));
                                }
                            });
                        }
                    }
                });
            }
            egui::ScrollArea::both().id_salt("attack-scroll").show(ui, |ui| {
                ui.horizontal_top(|ui| {
                    for tactic in &table.tactics {
                        ui.vertical(|ui| {
                            ui.set_width(118.0);
                            let in_tactic: Vec<_> = techniques.iter().filter(|c| c.technique.tactics.contains(&tactic.short_name)).collect();
                            let gaps = in_tactic.iter().filter(|c| c.strongest().is_none()).count();
                            ui.label(RichText::new(&tactic.name).strong().small());
                            ui.label(RichText::new(format!("{gaps} of {} not covered", in_tactic.len())).small().weak());
                            for c in in_tactic {
                                let fill = score_fill(c.strongest(), dark);
                                let text_color = match c.strongest() {
                                    Some(Score::Significant) => Color32::WHITE,
                                    None if dark => Color32::from_gray(200),
                                    _ => Color32::from_gray(30),
                                };
                                let button = egui::Button::new(RichText::new(&c.technique.name).small().color(text_color))
                                    .fill(fill)
                                    .wrap()
                                    .min_size(egui::vec2(116.0, 0.0));
                                let response = ui.add(button).on_hover_text(format!(
                                    "{} {}\nProtect: {}\nDetect: {}",
                                    c.technique.id,
                                    c.technique.name,
                                    c.protect.map_or("none", Score::as_str),
                                    c.detect.map_or("none", Score::as_str)
                                ));
                                if response.clicked() {
                                    view.technique = Some(c.technique.id.clone());
                                }
                            }
                        });
                    }
                });
            });
        });
    view.open = open;
    open
}
