//! The command line: `palisade [FILE]` opens the designer; subcommands work without a window.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::model::{Catalog, Severity, catalog};
use crate::persistence;
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
        /// The lowest severity that fails the check.
        #[arg(long, value_enum, default_value_t = FailOn::High)]
        fail_on: FailOn,
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
pub fn run(command: Command, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let catalog = catalog::builtin();
    let result = match command {
        Command::Validate { files } => validate(&files, catalog, out, err),
        Command::Kinds { format } => kinds(catalog, format, out).map(|()| 0),
        Command::Check {
            files,
            format,
            fail_on,
        } => check(&files, catalog, format, fail_on, out, err),
        Command::Rules { format } => print_rules(format, out).map(|()| 0),
        Command::Export {
            file,
            format,
            output,
            scale,
            date,
        } => {
            let request = crate::export::command::ExportRequest {
                file,
                format,
                output,
                scale,
                date,
            };
            crate::export::command::run(&request, catalog, out, err)
        }
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
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(2)
        }
    }
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
                for line in error.to_string().lines() {
                    writeln!(err, "{}:{line}", file.display())?;
                }
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

fn check(
    files: &[PathBuf],
    catalog: &Catalog,
    format: CheckFormat,
    fail_on: FailOn,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    let mut code = 0;
    let mut checked = Vec::new();
    for file in files {
        // An ARM template is imported first, so CI can check infrastructure code directly.
        let loaded = if crate::import::arm::is_template_path(file) {
            crate::import::arm::import_path(file, None, catalog)
                .map(|imported| imported.design)
                .map_err(|e| e.to_string())
        } else {
            persistence::load_path(file, catalog).map_err(|e| e.to_string())
        };
        match loaded {
            Ok(design) => {
                let findings = rules::evaluate(&design, catalog);
                if let Some(threshold) = fail_on.threshold()
                    && findings.items.iter().any(|f| f.severity <= threshold)
                {
                    code = code.max(1);
                }
                checked.push((file.clone(), design, findings));
            }
            Err(error) => {
                code = 2;
                for line in error.to_string().lines() {
                    writeln!(err, "{}:{line}", file.display())?;
                }
            }
        }
    }
    match format {
        CheckFormat::Text => {
            for (file, design, findings) in &checked {
                write!(
                    out,
                    "{}",
                    crate::export::text::findings(file, design, findings)
                )?;
            }
        }
        CheckFormat::Json => {
            let docs: Vec<serde_json::Value> = checked
                .iter()
                .map(|(file, design, findings)| crate::export::json::report(file, design, findings))
                .collect();
            let doc = serde_json::json!({ "schema": crate::export::json::SCHEMA, "designs": docs });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )?;
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
            writeln!(out, "{}", crate::export::sarif::sarif(&runs))?;
        }
    }
    Ok(code)
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
