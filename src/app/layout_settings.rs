//! The window's layout between runs (theme, which panels show), as `key=value` lines in the
//! state directory. Only the designer binary reads and writes it, so tests stay hermetic.

use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowLayout {
    pub dark: bool,
    pub show_palette: bool,
    pub show_side_panel: bool,
}

impl Default for WindowLayout {
    fn default() -> Self {
        Self {
            dark: false,
            show_palette: true,
            show_side_panel: true,
        }
    }
}

impl WindowLayout {
    /// Reads the lines it knows; anything else keeps the default, so an old or damaged file
    /// never stops the window from opening.
    pub fn parse(text: &str) -> Self {
        let mut layout = Self::default();
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let Ok(value) = value.trim().parse::<bool>() else {
                continue;
            };
            match key.trim() {
                "dark" => layout.dark = value,
                "show_palette" => layout.show_palette = value,
                "show_side_panel" => layout.show_side_panel = value,
                _ => {}
            }
        }
        layout
    }

    pub fn to_text(self) -> String {
        format!(
            "dark={}\nshow_palette={}\nshow_side_panel={}\n",
            self.dark, self.show_palette, self.show_side_panel
        )
    }
}

fn path() -> Option<PathBuf> {
    super::recovery::state_dir().map(|dir| dir.join("layout.txt"))
}

pub fn load() -> WindowLayout {
    path()
        .and_then(|p| crate::persistence::files::read_limited(&p, 4096).ok())
        .map(|bytes| WindowLayout::parse(&String::from_utf8_lossy(&bytes)))
        .unwrap_or_default()
}

/// Remembers the layout; failing only loses it for the next run, so errors are ignored.
pub fn store(layout: WindowLayout) {
    let Some(path) = path() else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = crate::persistence::write_atomically(&path, layout.to_text().as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_round_trips_and_bad_lines_keep_defaults() {
        let layout = WindowLayout {
            dark: true,
            show_palette: false,
            show_side_panel: true,
        };
        assert_eq!(WindowLayout::parse(&layout.to_text()), layout);
        assert_eq!(
            WindowLayout::parse("dark=maybe\n\u{1b}[2J\nshow_palette\n"),
            WindowLayout::default()
        );
    }
}
