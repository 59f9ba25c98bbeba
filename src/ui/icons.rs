//! Kind icons as textures: the embedded SVGs rasterized once with resvg, the same renderer the
//! PNG export uses.

use std::collections::HashMap;

use egui::{ColorImage, TextureHandle, TextureOptions};

/// Icon size in pixels; drawn at up to 32 points, so crisp at 2x scaling.
const ICON_PIXELS: u32 = 64;

#[derive(Default)]
pub struct IconCache {
    textures: HashMap<String, Option<TextureHandle>>,
}

impl IconCache {
    /// The texture for an icon, rasterized on first use; `None` when the icon is unknown.
    pub fn get(&mut self, ctx: &egui::Context, name: &str) -> Option<egui::TextureId> {
        // Look up before inserting: this runs for every card every frame, so no allocation here.
        if let Some(texture) = self.textures.get(name) {
            return texture.as_ref().map(TextureHandle::id);
        }
        let texture = rasterize(name)
            .map(|image| ctx.load_texture(format!("icon-{name}"), image, TextureOptions::LINEAR));
        let id = texture.as_ref().map(TextureHandle::id);
        self.textures.insert(name.to_owned(), texture);
        id
    }
}

fn rasterize(name: &str) -> Option<ColorImage> {
    let svg = crate::export::icons::icon_svg(name)?;
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).ok()?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(ICON_PIXELS, ICON_PIXELS)?;
    let size = tree.size();
    let scale = ICON_PIXELS as f32 / size.width().max(size.height());
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Some(ColorImage::from_rgba_premultiplied(
        [ICON_PIXELS as usize; 2],
        pixmap.data(),
    ))
}
