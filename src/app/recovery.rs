//! Autosave to a recovery file, so a crash loses at most the last half minute of work.

use std::path::PathBuf;

/// Where the recovery copy lives: `$XDG_STATE_HOME/palisade/recovery.ron`, falling back to
/// `~/.local/state/palisade/recovery.ron`.
pub fn recovery_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state"))
        })?;
    Some(state.join("palisade").join("recovery.ron"))
}

/// Writes the recovery copy (atomically, like a save).
pub fn write(text: &str) -> Result<(), crate::persistence::SaveError> {
    let Some(path) = recovery_path() else {
        return Ok(());
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| crate::persistence::SaveError::Io {
            path: dir.to_owned(),
            source,
        })?;
    }
    crate::persistence::write_atomically(&path, text.as_bytes())
}

/// The recovery copy left by a session that did not end cleanly, if any.
pub fn pending() -> Option<PathBuf> {
    recovery_path().filter(|p| p.is_file())
}

/// Removes the recovery copy (after a save, a clean exit, or when the user declines it).
pub fn clear() {
    if let Some(path) = recovery_path() {
        let _ = std::fs::remove_file(path);
    }
}
