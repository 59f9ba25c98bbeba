//! Reading and replacing files without surprises: designs arrive from people the reviewer does
//! not control, so a path may name a FIFO, a device, a huge file or a symlink.
//!
//! Reads open only regular files and never read past a limit. Writes go to a temporary file with
//! an unpredictable name (created exclusively, so a planted symlink is never followed), which then
//! replaces the target by a rename: a crash mid-write leaves the old file intact. The replacement
//! keeps the old file's permissions and, where the system allows, its owner; a symlinked target
//! updates the file the link points to; a FIFO or character device is written directly, never
//! replaced by a regular file.

use std::fs::{File, Metadata};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("it is {0}, not a file")]
    NotAFile(&'static str),
    #[error("it is larger than {} MiB, the most Palisade reads", .limit / (1024 * 1024))]
    TooLarge { limit: usize },
}

/// Reads a regular file of at most `limit` bytes. Anything else (a folder, FIFO, device or
/// socket) is refused at once, and a file that grows while it is read stops at `limit + 1` bytes.
pub fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let file = open_for_reading(path)?;
    let metadata = file.metadata()?;
    if let Some(what) = not_a_file(&metadata) {
        return Err(ReadError::NotAFile(what));
    }
    if metadata.len() > limit as u64 {
        return Err(ReadError::TooLarge { limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Opening a FIFO for reading blocks until a writer comes; non-blocking, it returns at once and
/// the type check that follows refuses it. The flag does nothing to regular files.
#[cfg(unix)]
fn open_for_reading(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_for_reading(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// What a non-regular file is, in words; `None` for a regular file.
fn not_a_file(metadata: &Metadata) -> Option<&'static str> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// What temporary files end with, so that ones a crash left behind can be recognised.
const TEMP_SUFFIX: &str = ".palisade-tmp";

/// Temporary files older than this are taken as left behind by a crash (a save takes
/// milliseconds, so another copy of Palisade cannot still be writing one).
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// How many symlinks a target may go through before it is refused (Linux's own limit).
const MAX_LINKS: usize = 40;

/// Replaces the file at `path` with what `write` produces, atomically (see the module docs).
/// `write` receives a buffered writer; when it fails, the target is left untouched and the
/// temporary file is removed.
pub fn write_with<E: From<io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let target = follow_links(path)?;
    let existing = match std::fs::metadata(&target) {
        Ok(metadata) => Some(metadata),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(metadata) = &existing
        && !metadata.is_file()
    {
        return write_in_place(&target, metadata, write);
    }
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temporaries(dir, &file_name);
    let temp = temporary_beside(dir, &file_name, existing.as_ref())?;
    let mut writer = BufWriter::new(temp);
    write(&mut writer)?;
    let temp = writer
        .into_inner()
        .map_err(io::IntoInnerError::into_error)?;
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// The file a path finally names, following symlinks (a dangling link names the file to create).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other(format!(
        "it goes through more than {MAX_LINKS} symbolic links"
    )))
}

/// FIFOs and character devices (`/dev/stdout`, a pipe a script reads) are written as they are;
/// folders and block devices are refused.
fn write_in_place<E: From<io::Error>>(
    target: &Path,
    metadata: &Metadata,
    write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() || kind.is_char_device() {
            let file = std::fs::OpenOptions::new().write(true).open(target)?;
            let mut writer = BufWriter::new(file);
            write(&mut writer)?;
            writer.flush()?;
            return Ok(());
        }
    }
    let what = not_a_file(metadata).unwrap_or("not a regular file");
    Err(io::Error::other(format!("it is {what}, not a file")).into())
}

/// A new temporary file in `dir` with a random name, created exclusively, with the permissions
/// (and, where allowed, the owner) of the file it will replace, or the usual ones for a new file.
fn temporary_beside(
    dir: &Path,
    file_name: &str,
    existing: Option<&Metadata>,
) -> io::Result<tempfile::NamedTempFile> {
    let prefix = format!(".{file_name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Created with the old mode (or 0666 for a new file), which the umask can only narrow:
        // the temporary file is never more open than the file it replaces.
        let mode = existing.map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let temp = builder.tempfile_in(dir)?;
    #[cfg(unix)]
    if let Some(existing) = existing {
        use std::os::unix::fs::MetadataExt;
        // Owner first: changing it may clear set-id bits, which the mode then restores.
        let _ =
            std::os::unix::fs::fchown(temp.as_file(), Some(existing.uid()), Some(existing.gid()));
        temp.as_file().set_permissions(existing.permissions())?;
    }
    Ok(temp)
}

/// Removes temporary files of ours for this target that a crash left behind: our suffix (or the
/// `.NAME.PID.tmp` names older versions used), and not touched for an hour.
fn remove_stale_temporaries(dir: &Path, file_name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{file_name}.");
    let now = SystemTime::now();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(middle) = name.strip_prefix(&prefix) else {
            continue;
        };
        let ours = middle.ends_with(TEMP_SUFFIX)
            || middle
                .strip_suffix(".tmp")
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        let stale = entry.metadata().is_ok_and(|m| {
            m.is_file()
                && m.modified()
                    .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > STALE_AFTER)
        });
        if ours && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Makes the rename durable; failing to is no reason to report the save as failed.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) -> io::Result<()> {
        write_with(path, |w| w.write_all(text.as_bytes()))
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("design.ron");
        std::fs::write(&path, "old").expect("write");
        let failed: io::Result<()> = write_with(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("export failed"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["design.ron"]);
    }

    #[test]
    fn temporary_files_left_by_a_crash_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("d.ron");
        let stale = dir.path().join(".d.ron.Xy12ab.palisade-tmp");
        let legacy = dir.path().join(".d.ron.4242.tmp");
        let fresh = dir.path().join(".d.ron.Qw34cd.palisade-tmp");
        let foreign = dir.path().join(".d.ron.notes.tmp");
        for file in [&stale, &legacy, &fresh, &foreign] {
            std::fs::write(file, "x").expect("write");
        }
        let old = SystemTime::now() - Duration::from_secs(2 * 60 * 60);
        for file in [&stale, &legacy, &foreign] {
            File::options()
                .write(true)
                .open(file)
                .and_then(|f| f.set_modified(old))
                .expect("age");
        }
        write(&path, "new").expect("save");
        assert!(!stale.exists() && !legacy.exists());
        assert!(
            fresh.exists(),
            "a recent temporary may belong to a save under way"
        );
        assert!(foreign.exists(), "not a name we write");
    }
}
