//! Autosave to a recovery file, so a crash loses at most the last half minute of work.
//!
//! Each running copy of Palisade keeps its own file (`recovery-<id>.ron`) and holds a lock on a
//! companion `.lock` file while it runs. Two copies open at once therefore never overwrite or
//! clear each other's copy, and at start a file whose lock nobody holds is one a session left
//! behind when it did not end cleanly.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::persistence::SaveError;

/// Where recovery files live: `$XDG_STATE_HOME/palisade`, falling back to
/// `~/.local/state/palisade`. Recent files are listed there too.
pub fn state_dir() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state"))
        })?;
    Some(state.join("palisade"))
}

/// This running copy's recovery file, and the lock that marks it as in use.
pub struct Recovery {
    dir: PathBuf,
    file: PathBuf,
    /// Held until this copy exits; the operating system releases it if the copy crashes.
    _lock: File,
}

impl Recovery {
    /// Claims a recovery file for this process in the state directory; `None` when there is no
    /// state directory or it cannot be written (autosave is then off).
    pub fn for_this_process() -> Option<Self> {
        Self::in_dir(&state_dir()?).ok()
    }

    /// Claims a recovery file in `dir`: named after the time and the process (and made unique
    /// when that is taken), so a copy started later never takes the name of a file left behind.
    pub fn in_dir(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let process = std::process::id();
        for attempt in 0..100 {
            let stem = format!("recovery-{millis}-{process}-{attempt}");
            // A window of this process that closed this same millisecond left its work under
            // this name: never take it over.
            if dir.join(format!("{stem}.ron")).exists() {
                continue;
            }
            let lock = match File::create_new(dir.join(format!("{stem}.lock"))) {
                Ok(lock) => lock,
                // Another window of this process took the name this millisecond.
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(error),
            };
            lock.try_lock().map_err(std::io::Error::from)?;
            return Ok(Self {
                dir: dir.to_owned(),
                file: dir.join(format!("{stem}.ron")),
                _lock: lock,
            });
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "no free name for a recovery file",
        ))
    }

    /// Writes this copy's recovery file (atomically, like a save).
    pub fn write(&self, text: &str) -> Result<(), SaveError> {
        crate::persistence::write_atomically(&self.file, text.as_bytes())
    }

    /// Removes this copy's recovery file (after a save, or a clean exit).
    pub fn clear(&self) {
        let _ = std::fs::remove_file(&self.file);
    }

    /// Recovery files that sessions which did not end cleanly left behind, newest first: files
    /// whose lock no running copy holds (and the single `recovery.ron` older versions wrote).
    pub fn left_behind(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        // Lock files of sessions that crashed with nothing to recover would pile up.
        for path in &paths {
            let orphan = path.extension().is_some_and(|e| e == "lock")
                && is_recovery_file(&path.with_extension("ron"))
                && !path.with_extension("ron").exists()
                && !in_use(&path.with_extension("ron"));
            if orphan {
                let _ = std::fs::remove_file(path);
            }
        }
        let mut found: Vec<(SystemTime, PathBuf)> = paths
            .into_iter()
            .filter(|path| *path != self.file && is_recovery_file(path) && !in_use(path))
            .map(|path| {
                let modified = std::fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .unwrap_or(UNIX_EPOCH);
                (modified, path)
            })
            .collect();
        found.sort_by(|a, b| b.cmp(a));
        found.into_iter().map(|(_, path)| path).collect()
    }
}

impl Drop for Recovery {
    /// The lock file goes when the window does; a recovery file kept for later needs none (one
    /// without a lock file is not in use).
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.file.with_extension("lock"));
    }
}

/// Removes a recovery file left behind, once recovered or declined, with its lock file.
pub fn discard(path: &Path) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(path.with_extension("lock"));
}

fn is_recovery_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "ron")
        && path
            .file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|s| s == "recovery" || s.starts_with("recovery-"))
}

/// Whether a running copy holds the lock of this recovery file.
fn in_use(path: &Path) -> bool {
    match File::open(path.with_extension("lock")) {
        // Locking succeeds when nobody holds it; the lock is released when `lock` drops.
        Ok(lock) => lock.try_lock().is_err(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{Recovery, discard};

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("palisade-recovery-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn two_running_copies_keep_separate_files() {
        let dir = temp_dir("two");
        let first = Recovery::in_dir(&dir).expect("first claims a file");
        let second = Recovery::in_dir(&dir).expect("second claims a file");
        first.write("first design").expect("write");
        second.write("second design").expect("write");
        // Each sees the other's file in use, so neither offers it for recovery.
        assert!(first.left_behind().is_empty());
        assert!(second.left_behind().is_empty());
        // A clean exit clears only its own file, and leaves no lock behind.
        second.clear();
        let second_lock = second.file.with_extension("lock");
        drop(second);
        assert!(!second_lock.exists());
        let text = std::fs::read_to_string(&first.file).expect("first's file is intact");
        assert_eq!(text, "first design");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_session_that_ended_badly_leaves_its_file_to_the_next() {
        let dir = temp_dir("crash");
        let crashed = Recovery::in_dir(&dir).expect("claims a file");
        crashed.write("unsaved work").expect("write");
        let left = crashed.file.clone();
        // The window closes with unsaved work: its file stays, its lock goes.
        drop(crashed);
        // A crash leaves the lock file too, but nobody holds the lock.
        let crashed_hard = dir.join("recovery-1-2-0.ron");
        std::fs::write(&crashed_hard, "work before a crash").expect("write");
        std::fs::write(crashed_hard.with_extension("lock"), "").expect("write");
        std::fs::write(dir.join("recovery.ron"), "from an older version").expect("write");
        std::fs::write(dir.join("recent.txt"), "not a recovery file").expect("write");
        let orphan_lock = dir.join("recovery-3-4-0.lock");
        std::fs::write(&orphan_lock, "").expect("write");
        let next = Recovery::in_dir(&dir).expect("next claims a file");
        let found = next.left_behind();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found.contains(&left));
        assert!(found.contains(&crashed_hard));
        assert!(
            !orphan_lock.exists(),
            "a lock with nothing to recover is removed"
        );
        assert!(dir.join("recent.txt").exists());
        assert!(found.contains(&dir.join("recovery.ron")));
        for path in &found {
            discard(path);
        }
        assert!(next.left_behind().is_empty());
        assert!(!crashed_hard.with_extension("lock").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
