//! Keeps the architecture's lines: the core never imports the GUI toolkit.

use std::path::{Path, PathBuf};

const CORE_MODULES: &[&str] = &[
    "model",
    "rules",
    "persistence",
    "templates",
    "export",
    "review",
    "threats",
    "import",
    "layout.rs",
    "scene.rs",
    "routing.rs",
    "cli.rs",
];
const GUI_CRATES: &[&str] = &["egui", "eframe", "egui_kittest", "rfd"];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            rust_files(&entry, out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_owned());
    }
}

#[test]
fn core_modules_never_import_the_gui_toolkit() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for module in CORE_MODULES {
        rust_files(&src.join(module), &mut files);
    }
    assert!(files.len() > 10, "found only {} core files", files.len());
    let mut offenders = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if GUI_CRATES
                .iter()
                .any(|c| code.contains(&format!("{c}::")) || code.contains(&format!("use {c}")))
            {
                offenders.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "core modules import GUI crates:\n{}",
        offenders.join("\n")
    );
}
