//! The command line: `palisade [FILE]` opens the designer; subcommands work without a window.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::model::{Catalog, Severity, catalog};
use crate::persistence;
use crate::review::triage::review;
use crate::rules::{self, registry};

#[derive(Parser, Debug)]
#[command(
    name = "palisade",
    version,
    about = "Design Azure security architectures and check them against the Well-Architected security pillar"
)]
pub struct Cli {
    /// A design file to open in the designer.
    pub file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load design files and report problems (exit 0 valid, 1 invalid, 2 unreadable).
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the component kinds with their properties, types and defaults.
    Kinds {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Check designs or ARM templates (`.json`) against the rules (exit 0 clean, 1 findings at
    /// or above --fail-on, 2 unreadable).
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// The lowest severity that fails the check; only open findings count (no decision, or
        /// an expired one).
        #[arg(long, value_enum, default_value_t = FailOn::High)]
        fail_on: FailOn,
        /// Also list triaged findings, with their decisions (text output).
        #[arg(long)]
        show_triaged: bool,
        /// The date decisions are judged on (`YYYY-MM-DD`); default: today (UTC).
        #[arg(long)]
        date: Option<String>,
    },
    /// Print the rule catalog.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Export a design as a diagram or report (exit 0 written, 1 export failed, 2 unreadable input).
    Export {
        /// The design file.
        file: PathBuf,
        /// What to write; default: from the extension of -o.
        #[arg(long, value_enum)]
        format: Option<crate::export::Format>,
        /// Where to write; default: FILE with the format's extension; `-` for standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// PNG pixels per canvas unit (1 or 2; up to 8).
        #[arg(long, default_value_t = 1.0)]
        scale: f32,
        /// The date printed on diagrams and reports; default: today (UTC) or SOURCE_DATE_EPOCH.
        #[arg(long)]
        date: Option<String>,
        /// Overwrite the output even when it is a design file.
        #[arg(long)]
        force: bool,
    },
    /// Compare two versions of a design: elements added, removed, moved and changed, findings
    /// introduced and resolved, triage, score and coverage (exit 0, 1 when --fail-on-new
    /// finds new findings at or above it, 2 unreadable). Either side may be `-` (standard
    /// input): `git show main:design.ron | palisade diff - design.ron`.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Fail when the new design introduces an open finding at or above this severity.
        #[arg(long, value_enum)]
        fail_on_new: Option<FailOn>,
        /// The date decisions are judged on (`YYYY-MM-DD`); default: today (UTC).
        #[arg(long)]
        date: Option<String>,
    },
    /// List the threats a design faces, per component and per boundary-crossing flow, whether
    /// its controls mitigate them, and its ATT&CK coverage (exit 0, 1 with --fail-on-open when
    /// a threat is open, 2 unreadable).
    Threats {
        /// A design, or an ARM template (`.json`).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit 1 when a threat is open or needs investigation.
        #[arg(long)]
        fail_on_open: bool,
        /// The date finding decisions are judged on (`YYYY-MM-DD`); default: today (UTC).
        #[arg(long)]
        date: Option<String>,
    },
    /// List the built-in templates with their findings by severity, then the user's templates.
    Templates,
    /// Import an ARM template as a laid-out design and print what was imported (exit 0
    /// imported, 1 resources not mapped under --strict, 2 unreadable).
    Import {
        /// The template (azuredeploy.json, or Bicep compiled with `bicep build`).
        template: PathBuf,
        /// A parameters file (`{"parameters": {"name": {"value": ...}}}`).
        #[arg(long)]
        parameters: Option<PathBuf>,
        /// The design file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Exit 1 when some resources could not be mapped.
        #[arg(long)]
        strict: bool,
    },
    /// Create a design file from a template (exit 0 written, 1 FILE exists, 2 unknown template).
    New {
        /// Template id, as `palisade templates` lists them.
        #[arg(long)]
        template: String,
        /// The design file to write.
        file: PathBuf,
        /// Overwrite FILE when it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            Self::Critical => Some(Severity::Critical),
            Self::High => Some(Severity::High),
            Self::Medium => Some(Severity::Medium),
            Self::Low => Some(Severity::Low),
            Self::Never => None,
        }
    }
}

/// Runs a subcommand, writing to `out` and `err`; returns the process exit code.
///
/// What is meant for people (errors, and every report that is not JSON, SARIF or an export's
/// bytes) passes through [`Inert`], so nothing a design holds can act on the terminal. A reader
/// that goes away early (`palisade rules | head`) ends the command quietly.
pub fn run(command: Command, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let mut err = Inert::new(err);
    let machine_output = match &command {
        Command::Check { format, .. } => !matches!(format, CheckFormat::Text),
        Command::Diff { format, .. } | Command::Threats { format, .. } => {
            matches!(format, DiffFormat::Json)
        }
        Command::Kinds { format } => matches!(format, ListFormat::Json),
        Command::Rules { format } => !matches!(format, RulesFormat::Text),
        Command::Export { .. } => true,
        _ => false,
    };
    let code = if machine_output {
        let mut out = std::io::BufWriter::new(out);
        let code = run_command(command, &mut out, &mut err);
        finish(code, out.flush(), &mut err)
    } else {
        let mut out = Inert::new(out);
        let code = run_command(command, &mut out, &mut err);
        finish(code, out.flush(), &mut err)
    };
    let _ = err.flush();
    code
}

/// The exit code once output is flushed: a reader that left early is no error.
fn finish(code: ExitCode, flushed: std::io::Result<()>, err: &mut dyn Write) -> ExitCode {
    match flushed {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            let _ = writeln!(err, "error: cannot write the output: {e}");
            ExitCode::from(2)
        }
        _ => code,
    }
}

fn run_command(command: Command, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let catalog = catalog::builtin();
    let result = match command {
        Command::Validate { files } => validate(&files, catalog, out, err),
        Command::Kinds { format } => kinds(catalog, format, out).map(|()| 0),
        Command::Check {
            files,
            format,
            fail_on,
            show_triaged,
            date,
        } => {
            let options = CheckOptions {
                format,
                fail_on,
                show_triaged,
                today: date.unwrap_or_else(crate::export::today),
            };
            check(&files, catalog, &options, out, err)
        }
        Command::Rules { format } => print_rules(format, out).map(|()| 0),
        Command::Export {
            file,
            format,
            output,
            scale,
            date,
            force,
        } => {
            let request = crate::export::command::ExportRequest {
                file,
                format,
                output,
                scale,
                date,
                force,
            };
            crate::export::command::run(&request, catalog, out, err)
        }
        Command::Diff {
            old,
            new,
            format,
            fail_on_new,
            date,
        } => diff(
            &old,
            &new,
            catalog,
            format,
            fail_on_new,
            date.unwrap_or_else(crate::export::today),
            out,
            err,
        ),
        Command::Threats {
            file,
            format,
            fail_on_open,
            date,
        } => threats(
            &file,
            catalog,
            format,
            fail_on_open,
            &date.unwrap_or_else(crate::export::today),
            out,
            err,
        ),
        Command::Templates => crate::templates::list_command(catalog, out, err),
        Command::Import {
            template,
            parameters,
            output,
            strict,
        } => crate::import::arm::command::run(
            &template,
            parameters.as_deref(),
            &output,
            strict,
            catalog,
            out,
            err,
        ),
        Command::New {
            template,
            file,
            force,
        } => crate::templates::new_command(&template, &file, force, catalog, out, err),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(2)
        }
    }
}

/// A writer for terminals: control characters (ESC, BEL, CR, BS, NUL, C1 such as CSI, bidi
/// overrides and isolates) are written as visible escapes (`\u{1b}`); only line breaks and tabs
/// pass. Invalid UTF-8 becomes U+FFFD. Buffered: call `flush` at the end.
pub struct Inert<'a> {
    inner: std::io::BufWriter<&'a mut dyn Write>,
    /// The start of a UTF-8 sequence that the next write completes.
    pending: Vec<u8>,
}

impl<'a> Inert<'a> {
    pub fn new(inner: &'a mut dyn Write) -> Self {
        Self {
            inner: std::io::BufWriter::new(inner),
            pending: Vec::new(),
        }
    }

    fn write_text(&mut self, text: &str) -> std::io::Result<()> {
        let mut clean = 0;
        for (i, c) in text.char_indices() {
            if crate::model::text::is_control(c) && c != '\n' && c != '\t' {
                self.inner.write_all(&text.as_bytes()[clean..i])?;
                write!(self.inner, "\\u{{{:x}}}", c as u32)?;
                clean = i + c.len_utf8();
            }
        }
        self.inner.write_all(&text.as_bytes()[clean..])
    }
}

impl Write for Inert<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.pending);
        let mut rest = bytes.as_slice();
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.write_text(text)?;
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    self.write_text(std::str::from_utf8(valid).unwrap_or_default())?;
                    match e.error_len() {
                        // An incomplete sequence at the end: wait for the rest of it.
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                        Some(bad) => {
                            self.inner.write_all("\u{FFFD}".as_bytes())?;
                            rest = &after[bad..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            self.pending.clear();
            self.inner.write_all("\u{FFFD}".as_bytes())?;
        }
        self.inner.flush()
    }
}

/// Writes a load error under the file it concerns, one line each, compiler style:
/// `design.ron:3:5: message` where the line starts with a position, `design.ron: message`
/// otherwise.
pub fn error_lines(
    err: &mut dyn Write,
    file: &std::path::Path,
    error: &dyn std::fmt::Display,
) -> std::io::Result<()> {
    let file = file.display().to_string();
    let file = crate::model::text::inert(&file);
    for line in error.to_string().lines() {
        let separator = if line.starts_with(|c: char| c.is_ascii_digit()) {
            ":"
        } else {
            ": "
        };
        writeln!(err, "{file}{separator}{line}")?;
    }
    Ok(())
}

fn validate(
    files: &[PathBuf],
    catalog: &Catalog,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    let mut code = 0;
    for file in files {
        match persistence::load_path(file, catalog) {
            Ok(design) => {
                writeln!(
                    out,
                    "{}: valid ({} nodes, {} connections)",
                    file.display(),
                    design.nodes().len(),
                    design.connections().len()
                )?;
            }
            Err(error) => {
                code = code.max(load_error_code(&error));
                error_lines(err, file, &error)?;
            }
        }
    }
    Ok(code)
}

/// 2 when the file could not be read at all, 1 when it was read and is wrong.
fn load_error_code(error: &persistence::LoadError) -> u8 {
    match error {
        persistence::LoadError::Io { .. } => 2,
        _ => 1,
    }
}

fn kinds(catalog: &Catalog, format: ListFormat, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        ListFormat::Json => {
            let kinds: Vec<serde_json::Value> = catalog
                .kinds()
                .iter()
                .map(|k| {
                    let properties: Vec<serde_json::Value> = catalog
                        .node_properties(k)
                        .map(|p| {
                            serde_json::json!({
                                "id": p.id, "name": p.name, "type": p.ty.describe(),
                                "default": crate::export::json::value(&p.default),
                                "secure": p.secure.as_ref().map(crate::export::json::value),
                                "help": p.help,
                            })
                        })
                        .collect();
                    serde_json::json!({
                        "id": k.id, "name": k.name, "category": k.category, "container": k.container,
                        "parents": k.parents, "summary": k.summary, "properties": properties,
                    })
                })
                .collect();
            let connections: Vec<serde_json::Value> = catalog
                .connection_kinds()
                .iter()
                .map(|k| serde_json::json!({"id": k.id, "name": k.name, "summary": k.summary,
                    "from": k.from, "to": k.to, "joins": catalog.joins_text(k),
                    "properties": k.properties.iter().map(|p| serde_json::json!({"id": p.id, "type": p.ty.describe(), "default": crate::export::json::value(&p.default), "help": p.help})).collect::<Vec<_>>()}))
                .collect();
            let doc = serde_json::json!({ "kinds": kinds, "connection_kinds": connections });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )
        }
        ListFormat::Text => {
            for category in &catalog.categories {
                writeln!(out, "# {}", category.name)?;
                for kind in catalog.kinds().iter().filter(|k| k.category == category.id) {
                    let container = if kind.container { " (container)" } else { "" };
                    writeln!(
                        out,
                        "{}{container}: {} — {}",
                        kind.id, kind.name, kind.summary
                    )?;
                    for p in catalog.node_properties(kind) {
                        writeln!(
                            out,
                            "    {}: {} = {}    {}",
                            p.id,
                            p.ty.describe(),
                            p.default.display(),
                            p.help
                        )?;
                    }
                }
                writeln!(out)?;
            }
            writeln!(out, "# Connection kinds")?;
            for kind in catalog.connection_kinds() {
                writeln!(out, "{}: {} — {}", kind.id, kind.name, kind.summary)?;
                writeln!(out, "    joins {}", catalog.joins_text(kind))?;
                for p in &kind.properties {
                    writeln!(
                        out,
                        "    {}: {} = {}    {}",
                        p.id,
                        p.ty.describe(),
                        p.default.display(),
                        p.help
                    )?;
                }
            }
            Ok(())
        }
    }
}

/// How `palisade check` reports.
struct CheckOptions {
    format: CheckFormat,
    fail_on: FailOn,
    show_triaged: bool,
    /// The date decisions are judged on.
    today: String,
}

fn check(
    files: &[PathBuf],
    catalog: &Catalog,
    options: &CheckOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    if !crate::model::validate::is_date(&options.today) {
        writeln!(
            err,
            "error: --date `{}` is not a date written YYYY-MM-DD",
            crate::model::text::short(&options.today)
        )?;
        return Ok(2);
    }
    let mut code = 0;
    let mut checked = Vec::new();
    for file in files {
        match load_design_or_template(file, catalog) {
            Ok(design) => {
                let findings = rules::evaluate(&design, catalog);
                let reviewed = review(&design, &findings, &options.today);
                if let Some(threshold) = options.fail_on.threshold()
                    && reviewed.open().any(|f| f.severity <= threshold)
                {
                    code = code.max(1);
                }
                for (fingerprint, _) in &reviewed.stale {
                    let shown = file.display().to_string();
                    writeln!(
                        err,
                        "{}: warning: the decision on `{}` matches no finding; remove it",
                        crate::model::text::inert(&shown),
                        crate::model::text::short(fingerprint)
                    )?;
                }
                checked.push((file.clone(), design, findings));
            }
            Err(error) => {
                code = 2;
                error_lines(err, file, &error)?;
            }
        }
    }
    // The exit code stands even when the reader leaves early (`check ... | head` under
    // `pipefail` must still fail the build).
    match write_check_report(options, &checked, out) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(e),
        Ok(()) => Ok(code),
    }
}

fn write_check_report(
    options: &CheckOptions,
    checked: &[(PathBuf, crate::model::Design, rules::Findings)],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let today = options.today.as_str();
    match options.format {
        CheckFormat::Text => {
            for (file, design, findings) in checked {
                let reviewed = review(design, findings, today);
                crate::export::text::findings(file, design, &reviewed, options.show_triaged, out)?;
            }
            Ok(())
        }
        CheckFormat::Json => {
            let designs: Vec<_> = checked
                .iter()
                .map(|(file, design, findings)| (file.as_path(), design, findings))
                .collect();
            crate::export::json::write_document(out, &designs, today)
        }
        CheckFormat::Sarif => {
            // Code scanning resolves result locations against the repository: name files
            // relative to where the check runs (the checkout) when they lie under it.
            let cwd = std::env::current_dir().ok();
            let relative = |f: &PathBuf| -> PathBuf {
                cwd.as_ref()
                    .and_then(|cwd| f.strip_prefix(cwd).ok())
                    .map_or_else(|| f.clone(), std::path::Path::to_path_buf)
            };
            let shown: Vec<PathBuf> = checked.iter().map(|(f, _, _)| relative(f)).collect();
            let runs: Vec<(&std::path::Path, &crate::model::Design, &rules::Findings)> = checked
                .iter()
                .zip(&shown)
                .map(|((_, d, x), f)| (f.as_path(), d, x))
                .collect();
            crate::export::sarif::write(out, &runs, today)
        }
    }
}

/// Loads a design from a file, or from standard input for `-`.
fn load_side(
    path: &std::path::Path,
    catalog: &Catalog,
) -> Result<crate::model::Design, persistence::LoadError> {
    if path != std::path::Path::new("-") {
        return persistence::load_path(path, catalog);
    }
    use std::io::Read as _;
    let mut bytes = Vec::new();
    let limit = persistence::MAX_FILE_BYTES as u64 + 1;
    if let Err(source) = std::io::stdin().lock().take(limit).read_to_end(&mut bytes) {
        return Err(persistence::LoadError::Io {
            path: path.to_owned(),
            source: source.into(),
        });
    }
    persistence::load_bytes(&bytes, catalog)
}

/// A design, or an ARM template imported first, so CI can check infrastructure code directly.
fn load_design_or_template(
    file: &std::path::Path,
    catalog: &Catalog,
) -> Result<crate::model::Design, String> {
    if crate::import::arm::is_template_path(file) {
        crate::import::arm::import_path(file, None, catalog)
            .map(|imported| imported.design)
            .map_err(|e| e.to_string())
    } else {
        persistence::load_path(file, catalog).map_err(|e| e.to_string())
    }
}

fn threats(
    file: &std::path::Path,
    catalog: &Catalog,
    format: DiffFormat,
    fail_on_open: bool,
    today: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    let design = match load_design_or_template(file, catalog) {
        Ok(design) => design,
        Err(error) => {
            error_lines(err, file, &error)?;
            return Ok(2);
        }
    };
    let findings = rules::evaluate(&design, catalog);
    let reviewed = review(&design, &findings, today);
    let model = crate::threats::analyse(&design, catalog, &reviewed);
    let shown = file.display().to_string();
    for fingerprint in &model.stale {
        writeln!(
            err,
            "{}: warning: the decision on threat `{}` matches no threat; remove it",
            crate::model::text::inert(&shown),
            crate::model::text::short(fingerprint)
        )?;
    }
    let written = match format {
        DiffFormat::Text => crate::export::threats::text(out, &shown, &design, &model),
        DiffFormat::Json => crate::export::threats::json(out, &design, &model),
        DiffFormat::Markdown => {
            let mut sink = crate::export::sink::Sink::new(out);
            crate::export::threats::markdown(&mut sink, &design, &model);
            sink.finish()
        }
    };
    let code = u8::from(fail_on_open && model.open_count() > 0);
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(e),
        Ok(()) => Ok(code),
    }
}

#[allow(clippy::too_many_arguments)] // One per command-line option.
fn diff(
    old: &std::path::Path,
    new: &std::path::Path,
    catalog: &Catalog,
    format: DiffFormat,
    fail_on_new: Option<FailOn>,
    today: String,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    if old == new && old == std::path::Path::new("-") {
        writeln!(err, "error: only one side can be read from standard input")?;
        return Ok(2);
    }
    let mut sides = Vec::new();
    for path in [old, new] {
        match load_side(path, catalog) {
            Ok(design) => sides.push(design),
            Err(error) => {
                error_lines(err, path, &error)?;
                return Ok(2);
            }
        }
    }
    let [old_design, new_design] = <[crate::model::Design; 2]>::try_from(sides)
        .map_err(|_| std::io::Error::other("two designs expected"))?;
    let diff = crate::review::diff::diff(&old_design, &new_design, catalog, &today);
    let (old_name, new_name) = (old.display().to_string(), new.display().to_string());
    let written = match format {
        DiffFormat::Text => crate::export::diff::text(out, &old_name, &new_name, &diff),
        DiffFormat::Markdown => crate::export::diff::markdown(out, &old_name, &new_name, &diff),
        DiffFormat::Json => crate::export::diff::json(out, &old_name, &new_name, &diff),
    };
    let code = match fail_on_new.and_then(FailOn::threshold) {
        Some(threshold) if diff.introduced.iter().any(|f| f.severity <= threshold) => 1,
        _ => 0,
    };
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(e),
        Ok(()) => Ok(code),
    }
}

fn print_rules(format: RulesFormat, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        RulesFormat::Markdown => write!(out, "{}", crate::export::rules_doc::markdown()),
        RulesFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&crate::export::rules_doc::json()).unwrap_or_default()
        ),
        RulesFormat::Text => {
            for rule in registry::all() {
                let m = &rule.meta;
                writeln!(
                    out,
                    "{:<9} {:<8} {:<14} {}",
                    m.id,
                    m.severity.as_str(),
                    m.se.join(","),
                    m.title
                )?;
            }
            Ok(())
        }
    }
}
