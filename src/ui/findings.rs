//! The findings panel: counts, score, a filter, and the findings grouped by severity or by
//! Well-Architected checklist item. Clicking a finding selects and centres its subject.
//!
//! Only the rows in view are laid out, so a design with tens of thousands of findings scrolls
//! as smoothly as a small one.

use std::collections::BTreeSet;

use egui::RichText;

use super::Action;
use super::inspector::severity_chip_ui;
use super::triage::{TriageForm, triage_form_ui};
use crate::app::Document;
use crate::model::{Edit, RuleSetting, Severity};
use crate::review::triage::{Reviewed, State};
use crate::rules::{Finding, Stride, Subject, score::SE_ITEMS};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Severity,
    Checklist,
    Stride,
}

#[derive(Default)]
pub struct FindingsView {
    pub grouping: Grouping,
    pub filter: String,
    /// Whether findings set aside by a decision are listed too.
    pub show_triaged: bool,
    /// The decision being written, if any.
    pub triage: Option<TriageForm>,
    /// Groups the user folded, by group key.
    collapsed: BTreeSet<String>,
}

/// One line of the list: a group header or a finding.
enum Row<'a> {
    Header {
        key: String,
        title: String,
        count: usize,
    },
    Finding(&'a Finding, State<'a>),
}

const ROW_HEIGHT: f32 = 24.0;

pub fn findings_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    state: &mut FindingsView,
    actions: &mut Vec<Action>,
) {
    let reviewed = doc.reviewed();
    ui.horizontal_wrapped(|ui| {
        ui.heading("Findings");
        ui.label(RichText::new(format!("score {}/100", doc.score().value)).strong())
            .on_hover_text("Weighted share of applicable rules that pass: critical 10, high 5, medium 3, low 1");
    });
    ui.horizontal_wrapped(|ui| {
        for severity in Severity::ALL {
            let count = reviewed.open().filter(|f| f.severity == severity).count();
            if count > 0 {
                severity_chip_ui(ui, severity);
                ui.label(count.to_string());
            }
        }
        if reviewed.open().next().is_none() {
            ui.label(RichText::new("No open findings").weak());
        }
    });
    triage_form_ui(ui, &mut state.triage, actions);
    ui.horizontal(|ui| {
        ui.selectable_value(&mut state.grouping, Grouping::Severity, "By severity");
        ui.selectable_value(&mut state.grouping, Grouping::Checklist, "By SE item");
        ui.selectable_value(&mut state.grouping, Grouping::Stride, "By STRIDE");
        let triaged = reviewed.triaged_count();
        if triaged > 0 {
            ui.checkbox(&mut state.show_triaged, format!("Show triaged ({triaged})"));
        }
    });
    for (fingerprint, _) in &reviewed.stale {
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!("The decision on {fingerprint} matches no finding"))
                    .small()
                    .color(ui.visuals().warn_fg_color),
            );
            if ui.small_button("Remove").clicked() {
                actions.push(Action::Edit(Edit::SetTriage {
                    fingerprint: (*fingerprint).to_owned(),
                    triage: None,
                }));
            }
        });
    }
    ui.add(
        egui::TextEdit::singleline(&mut state.filter)
            .hint_text("Filter findings")
            .desired_width(f32::INFINITY),
    )
    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::SearchInput, true, "Filter findings"));

    let rows = rows(&reviewed, state);
    let design = doc.design();
    egui::ScrollArea::vertical()
        .id_salt("findings-scroll")
        .auto_shrink([false, false])
        .show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
            for row in &rows[range] {
                match row {
                    Row::Header { key, title, count } => {
                        let open = !state.collapsed.contains(key);
                        let (rect, response) = ui.allocate_exact_size(
                            egui::vec2(ui.available_width(), ROW_HEIGHT),
                            egui::Sense::click(),
                        );
                        let icon = egui::Rect::from_center_size(
                            egui::pos2(rect.left() + 8.0, rect.center().y),
                            egui::vec2(10.0, 10.0),
                        );
                        egui::collapsing_header::paint_default_icon(
                            ui,
                            if open { 1.0 } else { 0.0 },
                            &response.clone().with_new_rect(icon),
                        );
                        let label = format!("{title} ({count})");
                        ui.painter().text(
                            egui::pos2(rect.left() + 20.0, rect.center().y),
                            egui::Align2::LEFT_CENTER,
                            &label,
                            egui::FontId::proportional(14.0),
                            ui.visuals().strong_text_color(),
                        );
                        response.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, &label)
                        });
                        if response.clicked() && !state.collapsed.remove(key) {
                            state.collapsed.insert(key.clone());
                        }
                    }
                    Row::Finding(finding, finding_state) => {
                        finding_row_ui(ui, finding, *finding_state, design, actions);
                    }
                }
            }
        });
}

/// A group's key, title and findings with their states.
type Group<'a> = (String, String, Vec<(&'a Finding, State<'a>)>);

/// The visible rows: group headers, and the findings of open groups that match the filter
/// (triaged ones only when asked for).
fn rows<'a>(reviewed: &Reviewed<'a>, state: &FindingsView) -> Vec<Row<'a>> {
    let needle = state.filter.trim().to_lowercase();
    let shown: Vec<(&'a Finding, State<'a>)> = reviewed
        .iter()
        .filter(|(_, s)| s.is_open() || state.show_triaged)
        .filter(|(f, _)| {
            needle.is_empty()
                || f.message.to_lowercase().contains(&needle)
                || f.rule.id.to_lowercase().contains(&needle)
                || f.rule.title.to_lowercase().contains(&needle)
                || f.rule.se.iter().any(|s| s.to_lowercase().contains(&needle))
                || f.rule.stride.as_str().to_lowercase().contains(&needle)
        })
        .collect();
    let groups: Vec<Group<'_>> = match state.grouping {
        Grouping::Severity => Severity::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_owned(),
                    crate::export::report::capitalised(s.as_str()),
                    shown
                        .iter()
                        .copied()
                        .filter(|(f, _)| f.severity == *s)
                        .collect(),
                )
            })
            .collect(),
        Grouping::Checklist => SE_ITEMS
            .iter()
            .map(|(code, title)| {
                (
                    (*code).to_owned(),
                    format!("{code} {title}"),
                    shown
                        .iter()
                        .copied()
                        .filter(|(f, _)| f.rule.se.contains(code))
                        .collect(),
                )
            })
            .collect(),
        Grouping::Stride => Stride::ALL
            .iter()
            .map(|stride| {
                (
                    stride.as_str().to_owned(),
                    stride.as_str().to_owned(),
                    shown
                        .iter()
                        .copied()
                        .filter(|(f, _)| f.rule.stride == *stride)
                        .collect(),
                )
            })
            .collect(),
    };
    let mut rows = Vec::with_capacity(shown.len() + groups.len());
    for (key, title, group) in groups {
        if group.is_empty() {
            continue;
        }
        let open = !state.collapsed.contains(&key);
        rows.push(Row::Header {
            key,
            title,
            count: group.len(),
        });
        if open {
            rows.extend(group.into_iter().map(|(f, s)| Row::Finding(f, s)));
        }
    }
    rows
}

fn finding_row_ui(
    ui: &mut egui::Ui,
    finding: &Finding,
    state: State<'_>,
    design: &crate::model::Design,
    actions: &mut Vec<Action>,
) {
    let response = ui
        .horizontal(|ui| {
            ui.set_height(ROW_HEIGHT);
            severity_chip_ui(ui, finding.severity);
            match state {
                State::Triaged(t) => {
                    ui.label(RichText::new(t.status.label()).small().weak());
                }
                State::Expired(_) => {
                    ui.label(
                        RichText::new("Expired")
                            .small()
                            .color(ui.visuals().warn_fg_color),
                    );
                }
                State::Open => {}
            }
            let text = RichText::new(finding.message.as_str());
            let text = if state.is_open() { text } else { text.weak() };
            ui.add(egui::Button::new(text).frame(false).truncate())
        })
        .inner;
    let response = response.on_hover_ui(|ui| {
        let subject = crate::export::json::subject_name(design, &finding.subject);
        ui.label(RichText::new(format!("{} · {subject}", finding.rule.id)).strong());
        ui.label(finding.rule.title);
        ui.label(format!("Fix: {}", finding.rule.remediation));
        if let Some(t) = state.decision() {
            ui.label(format!("Triage: {}", crate::export::text::decision(t)));
        }
    });
    if response.clicked() {
        actions.push(Action::Reveal(finding.subject.clone()));
    }
    response.context_menu(|ui| {
        if ui.button("Triage…").clicked() {
            actions.push(Action::Triage(finding.fingerprint()));
            ui.close();
        }
        if state.decision().is_some() && ui.button("Reopen (withdraw the decision)").clicked() {
            actions.push(Action::Edit(Edit::SetTriage {
                fingerprint: finding.fingerprint(),
                triage: None,
            }));
            ui.close();
        }
        ui.menu_button(format!("Severity of {}", finding.rule.id), |ui| {
            for severity in Severity::ALL {
                if ui
                    .button(crate::export::report::capitalised(severity.as_str()))
                    .clicked()
                {
                    let setting = RuleSetting {
                        enabled: true,
                        severity: (severity != finding.rule.severity).then_some(severity),
                        reason: "Set in design review".to_owned(),
                    };
                    let plain = setting.severity.is_none();
                    actions.push(Action::Edit(Edit::SetRuleSetting {
                        rule: finding.rule.id.to_owned(),
                        setting: (!plain).then_some(setting),
                    }));
                    ui.close();
                }
            }
        });
        if ui
            .button(format!("Disable {} for this design", finding.rule.id))
            .clicked()
        {
            let setting = RuleSetting {
                enabled: false,
                severity: None,
                reason: "Accepted in design review".to_owned(),
            };
            actions.push(Action::Edit(Edit::SetRuleSetting {
                rule: finding.rule.id.to_owned(),
                setting: Some(setting),
            }));
            ui.close();
        }
        if ui.button("Open the Learn page").clicked() {
            ui.ctx()
                .open_url(egui::OpenUrl::new_tab(finding.rule.learn));
            ui.close();
        }
        if let Subject::Node(_) | Subject::Connection(_) = finding.subject
            && ui.button("Select the subject").clicked()
        {
            actions.push(Action::Reveal(finding.subject.clone()));
            ui.close();
        }
    });
}

/// What hovering a component or a connection explains: its name and kind, its open findings
/// with their severity and fix, and how many of its threats are open.
pub fn hover_ui(ui: &mut egui::Ui, doc: &Document, subject: &Subject) {
    const SHOWN: usize = 5;
    let design = doc.design();
    let (name, kind) = match subject {
        Subject::Node(id) => match design.node(id) {
            Some(node) => (
                node.name.clone(),
                doc.catalog()
                    .kind(&node.kind)
                    .map_or_else(|| node.kind.to_string(), |k| k.name.clone()),
            ),
            None => return,
        },
        Subject::Connection(id) => match design.connection(id) {
            Some(c) => (
                crate::export::json::subject_name(design, subject),
                doc.catalog()
                    .connection_kind(c.kind.as_str())
                    .map_or_else(|| c.kind.to_string(), |k| k.name.clone()),
            ),
            None => return,
        },
        Subject::Design => return,
    };
    ui.set_max_width(380.0);
    ui.label(RichText::new(name).strong());
    ui.label(RichText::new(kind).weak());
    let reviewed = doc.reviewed();
    let open: Vec<&Finding> = reviewed.open().filter(|f| &f.subject == subject).collect();
    if open.is_empty() {
        ui.label("No open findings");
    }
    for finding in open.iter().take(SHOWN) {
        ui.horizontal_wrapped(|ui| {
            super::inspector::severity_chip_ui(ui, finding.severity);
            ui.label(finding.message.as_str());
        });
        ui.label(
            RichText::new(format!(
                "{} · Fix: {}",
                finding.rule.stride.as_str(),
                finding.rule.remediation
            ))
            .small()
            .weak(),
        );
    }
    if open.len() > SHOWN {
        ui.label(RichText::new(format!("and {} more in the inspector", open.len() - SHOWN)).weak());
    }
    let threats = doc.threats();
    let open_threats = threats
        .threats
        .iter()
        .filter(|t| t.element == *subject && t.status().is_open())
        .count();
    if open_threats > 0 {
        ui.label(RichText::new(format!("{open_threats} open threats (Design → Threats)")).weak());
    }
}
