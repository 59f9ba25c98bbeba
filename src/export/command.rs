//! `palisade export`: load a design, check it, and write one export format to a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::builder::PossibleValue;

use super::format::{ExportError, ExportOptions, Format, export, today};
use crate::model::Catalog;
use crate::persistence;
use crate::rules;

impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let name = match self {
            Self::AttackLayer => "attack-layer",
            _ => self.extension(),
        };
        let value = PossibleValue::new(name).help(self.label());
        Some(match self {
            Self::Md => value.alias("markdown"),
            Self::Html => value.alias("htm"),
            _ => value,
        })
    }
}

/// What `palisade export` was asked to do.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRequest {
    pub file: PathBuf,
    /// `None`: taken from the output's extension.
    pub format: Option<Format>,
    /// `None`: FILE with the format's extension; `-`: standard output.
    pub output: Option<PathBuf>,
    pub scale: f32,
    /// `None`: today (UTC), or the date of `SOURCE_DATE_EPOCH`.
    pub date: Option<String>,
    /// Overwrite the output even when it is a design file.
    pub force: bool,
}

/// Runs `palisade export`. Exit codes: 0 written, 1 the export failed (a PNG too large, say),
/// 2 FILE cannot be read or loaded, the format is unknown, or the output cannot be written.
pub fn run(
    request: &ExportRequest,
    catalog: &Catalog,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    let Some(format) = request
        .format
        .or_else(|| request.output.as_deref().and_then(Format::from_path))
    else {
        writeln!(
            err,
            "error: pass --format (svg, png, html, md, json, csv or sarif) or an output file with one of those extensions"
        )?;
        return Ok(2);
    };
    let design = match persistence::load_path(&request.file, catalog) {
        Ok(design) => design,
        Err(error) => {
            crate::cli::error_lines(err, &request.file, &error)?;
            return Ok(2);
        }
    };
    let output = request
        .output
        .clone()
        .unwrap_or_else(|| format.output_path(&request.file));
    let shown = output.display().to_string();
    let shown = crate::model::text::inert(&shown);
    let to_stdout = output == Path::new("-");
    if !to_stdout && same_file(&output, &request.file) {
        writeln!(
            err,
            "error: {shown} is the input file; choose another output with -o"
        )?;
        return Ok(2);
    }
    if !to_stdout && !request.force && is_design_file(&output) {
        writeln!(
            err,
            "error: {shown} is a Palisade design; pass --force to overwrite it with the export"
        )?;
        return Ok(2);
    }
    let findings = rules::evaluate(&design, catalog);
    let options = ExportOptions {
        date: Some(request.date.clone().unwrap_or_else(today)),
        scale: request.scale,
        source: request.file.clone(),
    };
    let written = if to_stdout {
        export(format, &design, catalog, &findings, &options, out).and_then(|()| Ok(out.flush()?))
    } else {
        persistence::files::write_with(&output, |w| {
            export(format, &design, catalog, &findings, &options, w)
        })
    };
    match written {
        Ok(()) if to_stdout => Ok(0),
        Ok(()) => {
            writeln!(out, "wrote {shown} ({})", format.label())?;
            Ok(0)
        }
        Err(ExportError::Write(error)) if to_stdout => Err(error),
        Err(ExportError::Write(error)) => {
            writeln!(err, "error: cannot write {shown}: {error}")?;
            Ok(2)
        }
        Err(error) => {
            writeln!(err, "error: {error}")?;
            Ok(1)
        }
    }
}

/// Whether an existing file is a design (by its extension or its first bytes), which an export
/// must not replace by accident: `-o design.ron` for `-o design.svg` would lose the design.
fn is_design_file(path: &Path) -> bool {
    use std::io::Read as _;
    if !path.is_file() {
        return false;
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ron"))
    {
        return true;
    }
    let mut head = Vec::with_capacity(4096);
    let read = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head));
    read.is_ok() && {
        let head = String::from_utf8_lossy(&head);
        head.starts_with("// Palisade design file") || head.contains("format_version:")
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(a), Ok(b)) if a == b
        )
}
