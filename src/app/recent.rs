//! The recently opened files, one path a line in the state directory.

use std::path::PathBuf;

fn recent_path() -> Option<PathBuf> {
    super::recovery::state_dir().map(|dir| dir.join("recent.txt"))
}

/// Recent files that still exist, newest first.
pub fn load() -> Vec<PathBuf> {
    let Some(path) = recent_path() else {
        return Vec::new();
    };
    // A list of ten paths; anything much larger is not ours.
    let bytes = crate::persistence::files::read_limited(&path, 64 * 1024).unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .lines()
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .take(10)
        .collect()
}

/// Remembers the list; failing to write it only loses the menu entries, so errors are ignored.
pub fn store(files: &[PathBuf]) {
    let Some(path) = recent_path() else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let text: String = files.iter().map(|p| format!("{}\n", p.display())).collect();
    let _ = crate::persistence::write_atomically(&path, text.as_bytes());
}
