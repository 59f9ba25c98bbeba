//! Baseline templates: reference architectures shipped in the binary, and the user's own
//! templates saved in the data directory.
//!
//! A template is an ordinary design file (`templates/<id>.ron`), embedded with `include_str!` so
//! an installed binary has every template without the source tree. Its name, description and
//! source link are read from the loaded design's metadata; nothing about a template is written
//! twice.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::{Catalog, Design, Severity};
use crate::persistence::{self, LoadError, SaveError};

/// A template shipped in the binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template {
    /// Stable id: the file stem in `templates/`, kebab-case.
    pub id: &'static str,
    /// The design file text.
    pub text: &'static str,
    /// A hardened reference architecture (true), or a design that is insecure on purpose to show
    /// what the checks find (false).
    pub baseline: bool,
}

impl Template {
    /// Parses and validates the template.
    pub fn load(&self, catalog: &Catalog) -> Result<Design, LoadError> {
        load(self, catalog)
    }
}

macro_rules! template {
    ($id:literal, $baseline:expr) => {
        Template {
            id: $id,
            text: include_str!(concat!("../templates/", $id, ".ron")),
            baseline: $baseline,
        }
    };
}

/// Baselines first, in gallery order, then the demo.
static BUILTIN: &[Template] = &[
    template!("baseline-zone-redundant-web-app", true),
    template!("zero-trust-appgw-before-firewall", true),
    template!("securely-managed-web-apps-ilb-ase", true),
    template!("private-web-app-from-on-premises", true),
    template!("hub-spoke-azure-firewall", true),
    template!("secure-hybrid-network", true),
    template!("multilayered-vm-access", true),
    template!("before-hardening", false),
];

/// Every template shipped in the binary: the baselines, then the insecure demo.
pub fn builtin() -> &'static [Template] {
    BUILTIN
}

/// The hardened reference architectures only.
pub fn baselines() -> impl Iterator<Item = &'static Template> {
    BUILTIN.iter().filter(|t| t.baseline)
}

/// A built-in template by id.
pub fn find(id: &str) -> Option<&'static Template> {
    BUILTIN.iter().find(|t| t.id == id)
}

/// Parses and validates a template into a new design; name, description and source are in
/// `design.meta`.
pub fn load(template: &Template, catalog: &Catalog) -> Result<Design, LoadError> {
    persistence::load_str(template.text, catalog)
}

// ---- user templates -----------------------------------------------------------------------------

/// Where the user's templates live: `$XDG_DATA_HOME/palisade/templates`, else
/// `~/.local/share/palisade/templates` (`%APPDATA%\palisade\templates` on Windows). `None` when
/// no home directory is known.
pub fn user_dir() -> Option<PathBuf> {
    let from_env = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let data = if cfg!(windows) {
        from_env("APPDATA")
    } else {
        from_env("XDG_DATA_HOME").or_else(|| from_env("HOME").map(|h| h.join(".local/share")))
    };
    data.map(|d| d.join("palisade").join("templates"))
}

/// The user's templates in [`user_dir`], sorted by file name; empty when there are none.
pub fn user_templates(catalog: &Catalog) -> Vec<(PathBuf, Result<Design, LoadError>)> {
    user_dir().map_or_else(Vec::new, |dir| user_templates_in(&dir, catalog))
}

/// The `.ron` files in `dir`, loaded, sorted by file name. Hidden files (such as the temporary
/// file of a save in progress) are skipped; a missing directory has no templates.
pub fn user_templates_in(
    dir: &Path,
    catalog: &Catalog,
) -> Vec<(PathBuf, Result<Design, LoadError>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "ron")
                && p.file_name()
                    .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
                && p.is_file()
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let design = persistence::load_path(&path, catalog);
            (path, design)
        })
        .collect()
}

/// Saves `design` as a user template called `name` in [`user_dir`]; see
/// [`save_user_template_in`].
pub fn save_user_template(
    design: &Design,
    catalog: &Catalog,
    name: &str,
) -> Result<PathBuf, SaveError> {
    let dir = user_dir().ok_or_else(|| SaveError::Io {
        path: PathBuf::from("~/.local/share/palisade/templates"),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no home directory to keep templates in",
        ),
    })?;
    save_user_template_in(&dir, design, catalog, name)
}

/// Saves a copy of `design`, renamed to `name`, as `<slug of name>.ron` in `dir` (created when
/// missing). Atomic; a template with the same file name is replaced. Returns the file's path.
pub fn save_user_template_in(
    dir: &Path,
    design: &Design,
    catalog: &Catalog,
    name: &str,
) -> Result<PathBuf, SaveError> {
    std::fs::create_dir_all(dir).map_err(|source| SaveError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut copy = design.clone();
    let name = name.trim();
    if !name.is_empty() {
        copy.meta.name = name.to_owned();
    }
    let path = dir.join(format!("{}.ron", slug(&copy.meta.name)));
    persistence::save_path(&copy, catalog, &path)?;
    Ok(path)
}

/// A file stem from free text: lowercase ASCII letters and digits joined by single dashes, at
/// most 64 characters, `template` when nothing is left.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(64).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "template".to_owned()
    } else {
        out
    }
}

// ---- command line -------------------------------------------------------------------------------

/// `palisade templates`: every built-in template with its name and findings by severity, then
/// the user's templates. Returns the exit code.
pub fn list_command(
    catalog: &Catalog,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    let mut code = 0;
    let mut rows: Vec<(&str, String, Vec<usize>)> = Vec::new();
    for template in builtin() {
        match template.load(catalog) {
            Ok(design) => {
                let findings = crate::rules::evaluate(&design, catalog);
                let counts = Severity::ALL.iter().map(|s| findings.count(*s)).collect();
                let name = if template.baseline {
                    design.meta.name
                } else {
                    format!("{} (demo)", design.meta.name)
                };
                rows.push((template.id, name, counts));
            }
            Err(error) => {
                code = 1;
                writeln!(err, "{}: {error}", template.id)?;
            }
        }
    }
    let id_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(2);
    let name_width = rows
        .iter()
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let header: Vec<String> = Severity::ALL
        .iter()
        .map(|s| s.as_str().to_uppercase())
        .collect();
    writeln!(
        out,
        "{:<id_width$}  {:<name_width$}  {}",
        "ID",
        "NAME",
        header.join(" ")
    )?;
    for (id, name, counts) in rows {
        let counts: Vec<String> = counts
            .iter()
            .zip(&header)
            .map(|(n, h)| format!("{n:>w$}", w = h.len()))
            .collect();
        writeln!(
            out,
            "{id:<id_width$}  {name:<name_width$}  {}",
            counts.join(" ")
        )?;
    }
    let user = user_templates(catalog);
    if let (Some(dir), false) = (user_dir(), user.is_empty()) {
        writeln!(out, "\nUser templates in {}:", dir.display())?;
        for (path, design) in user {
            match design {
                Ok(design) => writeln!(out, "{}  {}", path.display(), design.meta.name)?,
                Err(error) => writeln!(out, "{}  (does not load: {error})", path.display())?,
            }
        }
    }
    Ok(code)
}

/// `palisade new --template ID FILE`: writes a copy of the template to `file`. Exit 0 written,
/// 1 when `file` exists and `force` is off, 2 for an unknown template or a failed write.
pub fn new_command(
    id: &str,
    file: &Path,
    force: bool,
    catalog: &Catalog,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    let text = match find(id) {
        Some(template) => template.text.to_owned(),
        None => match user_template_text(id) {
            Some(text) => text,
            None => {
                writeln!(err, "error: no template `{id}`; the templates are:")?;
                for template in builtin() {
                    writeln!(err, "  {}", template.id)?;
                }
                return Ok(2);
            }
        },
    };
    if let Err(error) = persistence::load_str(&text, catalog) {
        writeln!(err, "error: template `{id}` does not load: {error}")?;
        return Ok(2);
    }
    let shown = file.display().to_string();
    let shown = crate::model::text::inert(&shown);
    let written = if force {
        persistence::write_atomically(file, text.as_bytes()).map_err(|e| Some(e.to_string()))
    } else {
        create_new(file, text.as_bytes())
    };
    match written {
        Ok(()) => {}
        Err(None) => {
            writeln!(err, "error: {shown} exists; pass --force to overwrite it")?;
            return Ok(1);
        }
        Err(Some(error)) => {
            writeln!(err, "error: {error}")?;
            return Ok(2);
        }
    }
    writeln!(out, "{shown}: created from template `{id}`")?;
    Ok(0)
}

fn cannot_write(file: &Path, error: &std::io::Error) -> String {
    let shown = file.display().to_string();
    format!(
        "cannot write {}: {error}",
        crate::model::text::inert(&shown)
    )
}

/// Creates `file` only if nothing is there, in one step (no gap between checking and creating
/// in which another file could appear). `Err(None)`: it exists.
fn create_new(file: &Path, bytes: &[u8]) -> Result<(), Option<String>> {
    use std::io::Write as _;
    let mut created = match std::fs::File::create_new(file) {
        Ok(created) => created,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(None),
        Err(e) => return Err(Some(cannot_write(file, &e))),
    };
    created
        .write_all(bytes)
        .and_then(|()| created.sync_all())
        .map_err(|e| {
            // A half-written design is worse than none.
            let _ = std::fs::remove_file(file);
            Some(cannot_write(file, &e))
        })
}

/// A user template's text by file stem, if there is one.
fn user_template_text(id: &str) -> Option<String> {
    if slug(id) != id {
        return None;
    }
    let path = user_dir()?.join(format!("{id}.ron"));
    let bytes = persistence::files::read_limited(&path, persistence::MAX_FILE_BYTES).ok()?;
    String::from_utf8(bytes).ok()
}
