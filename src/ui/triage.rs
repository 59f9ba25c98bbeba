//! The triage form: records a decision on one finding (status, justification, who, expiry) as
//! an undoable edit. Opened from a finding's context menu in the findings panel or from the
//! inspector's findings list; shown at the top of the findings panel.

use egui::RichText;

use super::Action;
use crate::model::{Edit, Triage, TriageStatus, validate::is_date};

/// A decision being written.
#[derive(Clone, Debug, PartialEq)]
pub struct TriageForm {
    pub fingerprint: String,
    /// The finding's message, so the form says what it is about.
    pub about: String,
    pub status: TriageStatus,
    pub justification: String,
    pub by: String,
    /// `YYYY-MM-DD`, or empty for a decision that does not expire.
    pub expires: String,
    pub problem: Option<String>,
    /// Set until the justification field has taken the keyboard focus once.
    focus_pending: bool,
}

impl TriageForm {
    /// A form for a finding, filled from its decision when it has one.
    pub fn new(fingerprint: String, about: String, existing: Option<&Triage>) -> Self {
        let by = std::env::var("USER").unwrap_or_default();
        match existing {
            Some(t) => Self {
                fingerprint,
                about,
                status: t.status,
                justification: t.justification.clone(),
                by: t.by.clone(),
                expires: t.expires.clone().unwrap_or_default(),
                problem: None,
                focus_pending: true,
            },
            None => Self {
                fingerprint,
                about,
                status: TriageStatus::AcceptedRisk,
                justification: String::new(),
                by,
                expires: String::new(),
                problem: None,
                focus_pending: true,
            },
        }
    }

    /// The decision, or what is missing from it.
    fn decision(&self, today: &str) -> Result<Triage, String> {
        if self.justification.trim().is_empty() {
            return Err("Say why: a decision needs a justification".to_owned());
        }
        let expires = self.expires.trim();
        if !expires.is_empty() && !is_date(expires) {
            return Err("Write the expiry date as YYYY-MM-DD, or leave it empty".to_owned());
        }
        if !expires.is_empty() && expires < today {
            return Err("The expiry date has already passed".to_owned());
        }
        Ok(Triage {
            status: self.status,
            justification: self.justification.trim().to_owned(),
            by: self.by.trim().to_owned(),
            date: today.to_owned(),
            expires: (!expires.is_empty()).then(|| expires.to_owned()),
        })
    }
}

/// Draws the form; closes it on save or cancel.
pub fn triage_form_ui(ui: &mut egui::Ui, form: &mut Option<TriageForm>, actions: &mut Vec<Action>) {
    let Some(current) = form.as_mut() else {
        return;
    };
    let mut close = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new("Triage finding").strong());
        ui.add(egui::Label::new(RichText::new(&current.about).weak()).truncate());
        ui.horizontal_wrapped(|ui| {
            for status in TriageStatus::ALL {
                ui.radio_value(&mut current.status, status, status.label());
            }
        });
        let justification = ui.add(
            egui::TextEdit::multiline(&mut current.justification)
                .hint_text("Why (required): the compensating control, the ticket, the reason")
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        );
        justification.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::MultilineTextInput, true, "Justification")
        });
        if std::mem::take(&mut current.focus_pending) {
            // Typing the reason right away, without reaching for the mouse.
            justification.request_focus();
        }
        egui::Grid::new("triage-form")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Decided by");
                ui.add(egui::TextEdit::singleline(&mut current.by).desired_width(180.0))
                    .widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Decided by")
                    });
                ui.end_row();
                ui.label("Expires");
                ui.add(
                    egui::TextEdit::singleline(&mut current.expires)
                        .hint_text("YYYY-MM-DD, or never")
                        .desired_width(180.0),
                )
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Expires"));
                ui.end_row();
            });
        if let Some(problem) = &current.problem {
            ui.colored_label(ui.visuals().warn_fg_color, problem);
        }
        ui.horizontal(|ui| {
            let save = ui.button("Save decision");
            let enter = ui.input(|i| i.key_pressed(egui::Key::Enter) && i.modifiers.command);
            if save.clicked() || enter {
                match current.decision(&crate::export::today()) {
                    Ok(triage) => {
                        actions.push(Action::Edit(Edit::SetTriage {
                            fingerprint: current.fingerprint.clone(),
                            triage: Some(triage),
                        }));
                        close = true;
                    }
                    Err(problem) => current.problem = Some(problem),
                }
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                close = true;
            }
        });
    });
    if close {
        *form = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_needs_a_reason_and_a_future_expiry_date() {
        let mut form = TriageForm::new("NET-001@web".to_owned(), "web".to_owned(), None);
        assert!(form.decision("2026-12-02").is_err());
        form.justification = "  WAF in the hub  ".to_owned();
        form.expires = "next year".to_owned();
        assert!(form.decision("2026-12-02").is_err());
        form.expires = "2026-12-01".to_owned();
        assert!(form.decision("2026-12-02").is_err());
        form.expires = "2027-06-30".to_owned();
        let triage = form
            .decision("2026-12-02")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(triage.justification, "WAF in the hub");
        assert_eq!(triage.date, "2026-12-02");
        assert_eq!(triage.expires.as_deref(), Some("2027-06-30"));
    }
}
