//! The palette: component kinds by category, with a search box. Click adds at the centre of the
//! view; dragging onto the canvas drops it where the pointer is.

use egui::{Sense, vec2};

use super::canvas::PaletteDrag;
use super::icons::IconCache;
use crate::model::{Catalog, KindDef};

/// Shows the palette; returns the kind the user clicked, if any.
pub fn palette_ui(
    ui: &mut egui::Ui,
    catalog: &Catalog,
    filter: &mut String,
    icons: &mut IconCache,
) -> Option<String> {
    let mut clicked = None;
    ui.add_space(4.0);
    ui.add(
        egui::TextEdit::singleline(filter)
            .hint_text("Search components")
            .desired_width(f32::INFINITY),
    );
    ui.add_space(4.0);
    let needle = filter.trim().to_lowercase();
    let matches = |k: &KindDef| {
        needle.is_empty()
            || k.name.to_lowercase().contains(&needle)
            || k.id.contains(&needle)
            || k.summary.to_lowercase().contains(&needle)
    };
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for category in &catalog.categories {
                let kinds: Vec<&KindDef> = catalog
                    .kinds()
                    .iter()
                    .filter(|k| k.category == category.id && matches(k))
                    .collect();
                if kinds.is_empty() {
                    continue;
                }
                egui::CollapsingHeader::new(egui::RichText::new(&category.name).strong())
                    .id_salt(("palette", &category.id))
                    .default_open(true)
                    .open(if needle.is_empty() { None } else { Some(true) })
                    .show(ui, |ui| {
                        for kind in kinds {
                            if palette_item_ui(ui, kind, icons) {
                                clicked = Some(kind.id.clone());
                            }
                        }
                    });
            }
        });
    clicked
}

/// One palette row: icon and name. Click adds the kind; dragging carries it to the canvas.
fn palette_item_ui(ui: &mut egui::Ui, kind: &KindDef, icons: &mut IconCache) -> bool {
    ui.horizontal(|ui| {
        let (icon_rect, _) = ui.allocate_exact_size(vec2(20.0, 20.0), Sense::hover());
        if let Some(texture) = icons.get(ui.ctx(), &kind.icon) {
            let uv = egui::Rect::from_min_max(egui::Pos2::ZERO, egui::pos2(1.0, 1.0));
            ui.painter()
                .image(texture, icon_rect, uv, egui::Color32::WHITE);
        }
        let response = ui.add(
            egui::Button::new(&kind.name)
                .frame(false)
                .sense(Sense::click_and_drag()),
        );
        response.dnd_set_drag_payload(PaletteDrag(kind.id.clone()));
        let clicked = response.clicked();
        response.on_hover_text(format!(
            "{}\n\nClick to add in the middle of the view, or drag onto the canvas",
            kind.summary
        ));
        clicked
    })
    .inner
}
