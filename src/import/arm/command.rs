//! `palisade import`: a template in, a design file and the import report out.

use std::io::Write;
use std::path::Path;

use crate::model::Catalog;

/// Runs the import; returns the exit code (0 imported, 1 resources not mapped under
/// `strict`, 2 unreadable input or unwritable output).
pub fn run(
    template: &Path,
    parameters: Option<&Path>,
    output: &Path,
    strict: bool,
    catalog: &Catalog,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    let imported = match super::import_path(template, parameters, catalog) {
        Ok(imported) => imported,
        Err(error) => {
            writeln!(err, "{}:{error}", template.display())?;
            return Ok(2);
        }
    };
    if let Err(error) = crate::persistence::save_path(&imported.design, catalog, output) {
        writeln!(err, "error: {error}")?;
        return Ok(2);
    }
    write!(out, "{}", imported.report.text())?;
    writeln!(
        out,
        "Wrote {} ({} nodes, {} connections)",
        output.display(),
        imported.design.nodes().len(),
        imported.design.connections().len()
    )?;
    Ok(u8::from(strict && !imported.report.unmapped.is_empty()))
}
