//! ARM templates (and compiled Bicep) become laid-out designs.
//!
//! [`json`] reads the text as Azure does (comments, BOM); [`template`] expands resources
//! (children, copy loops, conditions, nested deployments) and evaluates their properties with
//! [`expr`]; [`build`] maps them to catalog kinds through the data in `assets/arm-mapping.ron`
//! ([`mapping`]), adds the relations the rules need and lays the design out. Nothing here
//! panics on input: limits and malformed templates are [`ImportError`]s, and values that cannot
//! be known before deployment are left unset and listed in the [`Report`].

mod build;
pub mod command;
pub mod expr;
pub mod json;
pub mod mapping;
pub mod report;
pub mod template;
pub mod value;

use std::path::{Path, PathBuf};

pub use report::Report;

/// How an imported component's notes begin: where it came from, or the existing resource it
/// stands for. [`provenance`] reads it back for the reports.
const IMPORTED_FROM: &str = "Imported from ";
const REFERS_TO: &str = "Refers to existing ";

/// The template and resource an imported component came from (`Imported from t.json:
/// Microsoft.Sql/servers `sql1``), as the importer wrote it at the start of its notes.
pub fn provenance(notes: &str) -> Option<&str> {
    let first = notes.lines().next()?;
    (first.starts_with(IMPORTED_FROM) || first.starts_with(REFERS_TO)).then_some(first)
}

use crate::model::{Catalog, Design};

/// Why a template could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the {what} is {bytes} bytes; files larger than {limit} bytes are refused")]
    TooLarge {
        what: String,
        bytes: usize,
        limit: usize,
    },
    #[error("{line}:{column}: {message} (in the {what})")]
    Syntax {
        what: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{0}")]
    Template(String),
    #[error("{0}")]
    Expression(String),
    /// A bug in the importer: the design it built was refused.
    #[error("the imported design could not be built: {0}")]
    Build(String),
}

/// A design imported from a template, with the report of what was and was not understood.
pub struct Imported {
    pub design: Design,
    pub report: Report,
}

/// Imports template bytes, with an optional parameters file; `source` names the template in
/// the design and the report.
pub fn import_bytes(
    template: &[u8],
    parameters: Option<&[u8]>,
    source: &str,
    catalog: &Catalog,
) -> Result<Imported, ImportError> {
    let template = json::parse(template, "template")?;
    let parameters = parameters
        .map(|p| json::parse(p, "parameters file"))
        .transpose()?;
    let expansion = template::Expansion::new(&template, parameters.as_ref())?;
    let builder = build::Builder::new(catalog, mapping::builtin(), &expansion, source)?;
    let (design, mut report) = builder.build()?;
    report.depends_on_unknown = findings_on_unknown_values(&design, &report, catalog);
    report.sort();
    Ok(Imported { design, report })
}

/// Unknown values tried at once, at most: each costs one evaluation of the rules.
const MAX_UNKNOWNS_TRIED: usize = 64;

/// Which findings depend on a value the import could not know: a finding does when it goes
/// away once that property takes the catalog's secure value. Properties with no single secure
/// value are not tried.
fn findings_on_unknown_values(
    design: &Design,
    report: &Report,
    catalog: &Catalog,
) -> Vec<report::Dependency> {
    let baseline: Vec<String> = crate::rules::evaluate(design, catalog)
        .items
        .iter()
        .map(crate::rules::Finding::fingerprint)
        .collect();
    let mut out = Vec::new();
    for unknown in report.unknown.iter().take(MAX_UNKNOWNS_TRIED) {
        let Ok(node_id) = crate::model::NodeId::new(unknown.node.clone()) else {
            continue;
        };
        let Some(secure) = design
            .node(&node_id)
            .and_then(|n| catalog.kind(&n.kind))
            .and_then(|k| catalog.node_property(k, &unknown.property))
            .and_then(|p| p.secure.clone())
        else {
            continue;
        };
        let mut variant = design.clone();
        let edit = crate::model::Edit::SetProperty {
            node: node_id,
            property: unknown.property.clone(),
            value: Some(secure),
        };
        if edit.apply(&mut variant).is_err() {
            continue;
        }
        let remaining: std::collections::BTreeSet<String> =
            crate::rules::evaluate(&variant, catalog)
                .items
                .iter()
                .map(crate::rules::Finding::fingerprint)
                .collect();
        for finding in baseline.iter().filter(|f| !remaining.contains(*f)) {
            out.push(report::Dependency {
                finding: finding.clone(),
                property: unknown.property.clone(),
                reason: unknown.reason.clone(),
            });
        }
    }
    out
}

/// Imports a template file, refusing files over the size limit before reading them.
pub fn import_path(
    template: &Path,
    parameters: Option<&Path>,
    catalog: &Catalog,
) -> Result<Imported, ImportError> {
    let template_bytes = read_limited(template)?;
    let parameter_bytes = parameters.map(read_limited).transpose()?;
    let source = template.file_name().map_or_else(
        || template.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    import_bytes(
        &template_bytes,
        parameter_bytes.as_deref(),
        &source,
        catalog,
    )
}

/// Reads a template or parameters file as design files are read: regular files only (a FIFO
/// or device is refused at once), never past the limit.
fn read_limited(path: &Path) -> Result<Vec<u8>, ImportError> {
    use crate::persistence::files::{self, ReadError};
    let limit = json::MAX_TEMPLATE_BYTES;
    match files::read_limited(path, limit) {
        Ok(bytes) => Ok(bytes),
        Err(ReadError::TooLarge { .. }) => Err(ImportError::TooLarge {
            what: "file".to_owned(),
            bytes: std::fs::metadata(path).map_or(limit + 1, |m| {
                usize::try_from(m.len()).unwrap_or(usize::MAX)
            }),
            limit,
        }),
        Err(ReadError::Io(source)) => Err(ImportError::Io {
            path: path.to_owned(),
            source,
        }),
        Err(ReadError::NotAFile(what)) => Err(ImportError::Io {
            path: path.to_owned(),
            source: std::io::Error::other(format!("it is {what}, not a file")),
        }),
    }
}

/// Whether a path looks like an ARM template (by its extension) rather than a design file.
pub fn is_template_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("jsonc"))
}
