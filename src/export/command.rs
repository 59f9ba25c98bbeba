//! `palisade export`: load a design, check it, and write one export format to a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::builder::PossibleValue;

use super::format::{ExportOptions, Format, export, today};
use crate::model::Catalog;
use crate::persistence;
use crate::rules;

impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let value = PossibleValue::new(self.extension()).help(self.label());
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
            for line in error.to_string().lines() {
                writeln!(err, "{}:{line}", request.file.display())?;
            }
            return Ok(2);
        }
    };
    let output = request
        .output
        .clone()
        .unwrap_or_else(|| format.output_path(&request.file));
    let to_stdout = output == Path::new("-");
    if !to_stdout && same_file(&output, &request.file) {
        writeln!(
            err,
            "error: {} is the input file; choose another output with -o",
            output.display()
        )?;
        return Ok(2);
    }
    let findings = rules::evaluate(&design, catalog);
    let options = ExportOptions {
        date: Some(request.date.clone().unwrap_or_else(today)),
        scale: request.scale,
        source: request.file.clone(),
    };
    let bytes = match export(format, &design, catalog, &findings, &options) {
        Ok(bytes) => bytes,
        Err(error) => {
            writeln!(err, "error: {error}")?;
            return Ok(1);
        }
    };
    if to_stdout {
        out.write_all(&bytes)?;
        return Ok(0);
    }
    if let Err(error) = persistence::write_atomically(&output, &bytes) {
        writeln!(err, "error: {error}")?;
        return Ok(2);
    }
    writeln!(
        out,
        "wrote {} ({}, {} bytes)",
        output.display(),
        format.label(),
        bytes.len()
    )?;
    Ok(0)
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(a), Ok(b)) if a == b
        )
}
