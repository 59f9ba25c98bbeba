//! Light and dark looks: egui visuals plus the canvas colours.

use egui::Color32;

use crate::scene::{ContainerStyle, Rgb};

pub fn color(rgb: Rgb) -> Color32 {
    Color32::from_rgb(rgb.0, rgb.1, rgb.2)
}

/// Canvas colours for one theme.
#[derive(Clone, Copy, Debug)]
pub struct CanvasColors {
    pub background: Color32,
    pub grid: Color32,
    pub card_fill: Color32,
    pub card_stroke: Color32,
    pub text: Color32,
    pub muted_text: Color32,
    pub edge: Color32,
    pub edge_label_fill: Color32,
    pub selection: Color32,
    pub rubber_band_fill: Color32,
    pub note_fill: Color32,
    pub note_border: Color32,
    pub note_text: Color32,
}

impl CanvasColors {
    pub fn new(dark: bool) -> Self {
        if dark {
            Self {
                background: Color32::from_rgb(0x1b, 0x1d, 0x21),
                grid: Color32::from_rgb(0x2a, 0x2d, 0x33),
                card_fill: Color32::from_rgb(0x2b, 0x2f, 0x36),
                card_stroke: Color32::from_rgb(0x4a, 0x50, 0x5a),
                text: Color32::from_rgb(0xee, 0xef, 0xf1),
                muted_text: Color32::from_rgb(0xa8, 0xad, 0xb6),
                edge: Color32::from_rgb(0xb4, 0xba, 0xc4),
                edge_label_fill: Color32::from_rgb(0x1b, 0x1d, 0x21),
                selection: Color32::from_rgb(0x4c, 0xa3, 0xff),
                rubber_band_fill: Color32::from_rgba_unmultiplied(0x4c, 0xa3, 0xff, 30),
                note_fill: Color32::from_rgb(0x3d, 0x36, 0x1c),
                note_border: Color32::from_rgb(0x9e, 0x80, 0x2a),
                note_text: Color32::from_rgb(0xf3, 0xec, 0xd2),
            }
        } else {
            Self {
                background: Color32::from_rgb(0xf7, 0xf8, 0xfa),
                grid: Color32::from_rgb(0xe6, 0xe8, 0xec),
                card_fill: Color32::WHITE,
                card_stroke: Color32::from_rgb(0xc8, 0xcd, 0xd4),
                text: Color32::from_rgb(0x1f, 0x23, 0x28),
                muted_text: Color32::from_rgb(0x5f, 0x67, 0x73),
                edge: Color32::from_rgb(0x5f, 0x67, 0x73),
                edge_label_fill: Color32::from_rgb(0xf7, 0xf8, 0xfa),
                selection: Color32::from_rgb(0x00, 0x78, 0xd4),
                rubber_band_fill: Color32::from_rgba_unmultiplied(0x00, 0x78, 0xd4, 24),
                // As the SVG export draws notes.
                note_fill: Color32::from_rgb(0xff, 0xf8, 0xc5),
                note_border: Color32::from_rgb(0xd4, 0xa7, 0x2c),
                note_text: Color32::from_rgb(0x1f, 0x23, 0x28),
            }
        }
    }

    /// Fill and border of a container region.
    pub fn container(&self, style: ContainerStyle, accent: Rgb, dark: bool) -> (Color32, Color32) {
        let accent = color(accent);
        let alpha = match (style, dark) {
            (ContainerStyle::Scope, _) => 0,
            (_, true) => 26,
            (_, false) => 16,
        };
        let fill = Color32::from_rgba_unmultiplied(accent.r(), accent.g(), accent.b(), alpha);
        (fill, accent.gamma_multiply(if dark { 0.9 } else { 0.75 }))
    }
}

/// Installs Inter (the font the SVG and PNG exports use) ahead of egui's default, so the canvas
/// and the exports measure text alike, and arrows and ellipses render.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "Inter".to_owned(),
        std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/Inter-Regular.otf"
        ))),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        let list = fonts.families.entry(family.clone()).or_default();
        let at = if family == egui::FontFamily::Proportional {
            0
        } else {
            list.len()
        };
        list.insert(at, "Inter".to_owned());
    }
    // Names on cards and container titles are bold, as in the exports.
    fonts.font_data.insert(
        "Inter Bold".to_owned(),
        std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/Inter-Bold.otf"
        ))),
    );
    let fallbacks = fonts
        .families
        .get(&egui::FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    fonts.families.insert(
        bold(),
        std::iter::once("Inter Bold".to_owned())
            .chain(fallbacks)
            .collect(),
    );
    ctx.set_fonts(fonts);
}

/// The bold family installed by [`install_fonts`].
pub fn bold() -> egui::FontFamily {
    egui::FontFamily::Name("bold".into())
}

/// Applies Palisade's look to egui: Azure blue accents, comfortable spacing for screen sharing.
pub fn apply(ctx: &egui::Context, dark: bool) {
    let mut visuals = if dark {
        egui::Visuals::dark()
    } else {
        egui::Visuals::light()
    };
    let accent = if dark {
        Color32::from_rgb(0x4c, 0xa3, 0xff)
    } else {
        Color32::from_rgb(0x00, 0x78, 0xd4)
    };
    visuals.selection.bg_fill = accent.gamma_multiply(if dark { 0.6 } else { 0.35 });
    visuals.selection.stroke.color = accent;
    visuals.hyperlink_color = accent;
    if !dark {
        visuals.panel_fill = Color32::from_rgb(0xfb, 0xfb, 0xfc);
        visuals.window_fill = Color32::WHITE;
    }
    let theme = if dark {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    };
    ctx.set_theme(theme);
    ctx.set_visuals_of(theme, visuals);
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
        style.spacing.interact_size.y = 24.0;
    });
}
