//! One entry point for every export format, shared by File → Export… and `palisade export`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::{Catalog, Design};
use crate::rules::Findings;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Write(#[from] std::io::Error),
    #[error("the SVG does not parse: {0}")]
    Svg(String),
    #[error(
        "the picture would be {width}×{height} pixels, too large for PNG; export SVG or use a smaller scale"
    )]
    TooLarge { width: u32, height: u32 },
    #[error("scale {0} is out of range (0.1 to 8)")]
    Scale(f32),
    #[error("PNG encoding failed: {0}")]
    Encode(String),
    #[error("PDF conversion failed: {0}")]
    Pdf(String),
}

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// The diagram as SVG.
    Svg,
    /// The diagram as PNG (rasterised SVG).
    Png,
    /// A self-contained HTML report with the diagram.
    Html,
    /// A PDF report: the diagram as vector, the coverage and every finding with its fix.
    Pdf,
    /// A Markdown report for pull-request comments and wikis.
    Md,
    /// The JSON findings report (`palisade-findings/1`).
    Json,
    /// One CSV row per finding.
    Csv,
    /// SARIF 2.1.0 for code-scanning uploads.
    Sarif,
    /// An ATT&CK Navigator layer of the design's control coverage.
    AttackLayer,
    /// The diagram as a draw.io file, to go on editing in draw.io, Confluence or Visio.
    Drawio,
}

impl Format {
    pub const ALL: [Self; 10] = [
        Self::Svg,
        Self::Png,
        Self::Drawio,
        Self::Pdf,
        Self::Html,
        Self::Md,
        Self::Json,
        Self::Csv,
        Self::Sarif,
        Self::AttackLayer,
    ];

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Svg => "svg",
            Self::Png => "png",
            Self::Html => "html",
            Self::Md => "md",
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Sarif => "sarif",
            Self::AttackLayer => "layer.json",
            Self::Drawio => "drawio",
            Self::Pdf => "pdf",
        }
    }

    /// The format a file extension stands for (`svg`, `.html`, `htm`, `markdown`, ...).
    pub fn from_extension(extension: &str) -> Option<Self> {
        let ext = extension.trim_start_matches('.').to_ascii_lowercase();
        match ext.as_str() {
            "htm" => Some(Self::Html),
            "markdown" => Some(Self::Md),
            // A Navigator layer is JSON too; `.json` means the findings report.
            "layer.json" => Some(Self::AttackLayer),
            _ => Self::ALL.into_iter().find(|f| f.extension() == ext),
        }
    }

    /// The format a path's extension stands for.
    pub fn from_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".layer.json") {
            return Some(Self::AttackLayer);
        }
        Self::from_extension(path.extension()?.to_str()?)
    }

    /// What the format is, for menus and file dialogs (`SVG diagram`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Svg => "SVG diagram",
            Self::Png => "PNG image",
            Self::Html => "HTML report",
            Self::Md => "Markdown report",
            Self::Json => "JSON findings",
            Self::Csv => "CSV findings",
            Self::Sarif => "SARIF log",
            Self::AttackLayer => "ATT&CK Navigator layer",
            Self::Drawio => "draw.io diagram",
            Self::Pdf => "PDF report",
        }
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Svg => "image/svg+xml",
            Self::Png => "image/png",
            Self::Html => "text/html",
            Self::Md => "text/markdown",
            Self::Json => "application/json",
            Self::Csv => "text/csv",
            Self::Sarif => "application/sarif+json",
            Self::AttackLayer => "application/json",
            Self::Drawio => "application/vnd.jgraph.mxfile",
            Self::Pdf => "application/pdf",
        }
    }

    /// Whether the output is text (UTF-8) rather than binary.
    pub fn is_text(self) -> bool {
        !matches!(self, Self::Png | Self::Pdf)
    }

    /// `design.ron` → `design.svg`: the default output path for an input file.
    pub fn output_path(self, input: &Path) -> PathBuf {
        input.with_extension(self.extension())
    }
}

/// Settings shared by all formats; each uses what applies to it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    /// The date printed in diagrams and reports (`2026-11-29`); `None` prints none. Passed in so
    /// the same design always exports to the same bytes.
    pub date: Option<String>,
    /// PNG pixels per canvas unit (1 or 2 usually).
    pub scale: f32,
    /// The design file, as JSON and SARIF name it.
    pub source: PathBuf,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            date: None,
            scale: 1.0,
            source: PathBuf::from("design.ron"),
        }
    }
}

/// Exports a design and its findings in one format, writing as it goes: large reports are
/// never held whole in memory (PNG, which is encoded from a picture, is the exception).
pub fn export(
    format: Format,
    design: &Design,
    catalog: &Catalog,
    findings: &Findings,
    options: &ExportOptions,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let svg_options = || super::svg::SvgOptions {
        title_date: options.date.clone(),
        as_of: options.date.clone(),
        ..super::svg::SvgOptions::default()
    };
    let source = [(options.source.as_path(), design, findings)];
    let as_of = options.date.clone().unwrap_or_else(today);
    match format {
        Format::Svg => {
            let mut sink = super::sink::Sink::new(out);
            super::svg::write_diagram(design, catalog, findings, &svg_options(), &mut sink);
            sink.finish()?;
        }
        Format::Png => out.write_all(&super::png::render(
            &super::svg::diagram(design, catalog, findings, &svg_options()),
            options.scale,
        )?)?,
        Format::Html => super::html::report(design, catalog, findings, options, out)?,
        Format::Md => super::markdown::report(design, catalog, findings, options, out)?,
        Format::Json => super::json::write_document(out, &source, &as_of)?,
        Format::Csv => super::csv::findings(design, findings, &as_of, out)?,
        Format::Sarif => super::sarif::write(out, &source, &as_of)?,
        Format::AttackLayer => {
            let reviewed = crate::review::triage::review(design, findings, &as_of);
            let model = crate::threats::analyse(design, catalog, &reviewed);
            super::threats::attack_layer(out, design, &model)?;
        }
        Format::Drawio => super::drawio::write(design, catalog, findings, &as_of, out)?,
        Format::Pdf => super::pdf::write(design, catalog, findings, options, out)?,
    }
    Ok(())
}

/// Today's date in UTC as `YYYY-MM-DD`, or the date of `SOURCE_DATE_EPOCH` when set (for
/// reproducible builds of documentation).
pub fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    date_of(seconds)
}

/// The UTC calendar date of a Unix time, as `YYYY-MM-DD`.
pub fn date_of(unix_seconds: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = unix_seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_extension(format.extension()), Some(format));
        }
        assert_eq!(Format::from_extension(".HTM"), Some(Format::Html));
        assert_eq!(Format::from_extension("exe"), None);
        assert_eq!(
            Format::Png.output_path(Path::new("a/design.ron")),
            PathBuf::from("a/design.png")
        );
    }

    #[test]
    fn dates_are_civil_utc_dates() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(951_782_400), "2000-02-29");
        assert_eq!(date_of(1_798_502_400), "2026-12-29");
        assert_eq!(date_of(-86_400), "1969-12-31");
    }
}
