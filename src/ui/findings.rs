//! The findings panel: counts, score, a filter, and the findings grouped by severity or by
//! Well-Architected checklist item. Clicking a finding selects and centres its subject.

use egui::RichText;

use super::Action;
use super::inspector::severity_chip_ui;
use crate::app::Document;
use crate::model::{Edit, RuleSetting, Severity};
use crate::rules::{Finding, Subject, score::SE_ITEMS};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Severity,
    Checklist,
}

#[derive(Default)]
pub struct FindingsView {
    pub grouping: Grouping,
    pub filter: String,
}

pub fn findings_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    state: &mut FindingsView,
    actions: &mut Vec<Action>,
) {
    let findings = doc.findings();
    ui.horizontal_wrapped(|ui| {
        ui.heading("Findings");
        ui.label(RichText::new(format!("score {}/100", doc.score().value)).strong())
            .on_hover_text("Weighted share of applicable rules that pass: critical 10, high 5, medium 3, low 1");
    });
    ui.horizontal_wrapped(|ui| {
        for severity in Severity::ALL {
            let count = findings.count(severity);
            if count > 0 {
                severity_chip_ui(ui, severity);
                ui.label(count.to_string());
            }
        }
        if findings.items.is_empty() {
            ui.label(RichText::new("No findings").weak());
        }
    });
    ui.horizontal(|ui| {
        ui.selectable_value(&mut state.grouping, Grouping::Severity, "By severity");
        ui.selectable_value(&mut state.grouping, Grouping::Checklist, "By SE item");
    });
    ui.add(
        egui::TextEdit::singleline(&mut state.filter)
            .hint_text("Filter findings")
            .desired_width(f32::INFINITY),
    );
    let needle = state.filter.trim().to_lowercase();
    let design = doc.design();
    let shown: Vec<&Finding> = findings
        .items
        .iter()
        .filter(|f| {
            needle.is_empty()
                || f.message.to_lowercase().contains(&needle)
                || f.rule.id.to_lowercase().contains(&needle)
                || f.rule.title.to_lowercase().contains(&needle)
                || f.rule.se.iter().any(|s| s.to_lowercase().contains(&needle))
        })
        .collect();
    egui::ScrollArea::vertical()
        .id_salt("findings-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| match state.grouping {
            Grouping::Severity => {
                for severity in Severity::ALL {
                    let group: Vec<&Finding> = shown
                        .iter()
                        .copied()
                        .filter(|f| f.severity == severity)
                        .collect();
                    group_ui(
                        ui,
                        &format!("{} ({})", capitalised(severity.as_str()), group.len()),
                        &group,
                        design,
                        actions,
                    );
                }
            }
            Grouping::Checklist => {
                for (code, title) in SE_ITEMS {
                    let group: Vec<&Finding> = shown
                        .iter()
                        .copied()
                        .filter(|f| f.rule.se.contains(&code))
                        .collect();
                    group_ui(
                        ui,
                        &format!("{code} {title} ({})", group.len()),
                        &group,
                        design,
                        actions,
                    );
                }
            }
        });
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn group_ui(
    ui: &mut egui::Ui,
    title: &str,
    group: &[&Finding],
    design: &crate::model::Design,
    actions: &mut Vec<Action>,
) {
    if group.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(RichText::new(title).strong())
        .id_salt(("findings-group", title.split(' ').next()))
        .default_open(true)
        .show(ui, |ui| {
            for finding in group {
                let subject = crate::export::json::subject_name(design, &finding.subject);
                let response = ui
                    .horizontal(|ui| {
                        severity_chip_ui(ui, finding.severity);
                        ui.add(
                            egui::Button::new(RichText::new(&finding.message))
                                .frame(false)
                                .wrap(),
                        )
                    })
                    .inner;
                let response = response.on_hover_text(format!(
                    "{} · {}\n{}\nFix: {}",
                    finding.rule.id, subject, finding.rule.title, finding.rule.remediation
                ));
                if response.clicked() {
                    actions.push(Action::Reveal(finding.subject.clone()));
                }
                response.context_menu(|ui| {
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
        });
}
