//! Designs come from people the reviewer does not control: nothing in one may act on the
//! terminal, no path may hang or exhaust a read, and no write may lose what it replaces.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use palisade::export::Format;
use palisade::model::text::is_control;
use palisade::model::{Design, Edit};
use palisade::persistence::{self, LoadError};

use crate::catalog;
use crate::cli::palisade;

/// What a hostile name tries on a terminal: retitle it (OSC), plant a hyperlink (OSC 8),
/// clear it (CSI through ESC and through C1), ring, overwrite the line (CR, BS), and reorder
/// what follows (bidi overrides and isolates).
const TERMINAL_PAYLOADS: [&str; 6] = [
    "web\u{1b}]0;owned\u{7}",
    "\u{1b}]8;;https://evil.example\u{1b}\\click\u{1b}]8;;\u{1b}\\",
    "db\u{1b}[2J\u{1b}[H\u{9b}2J",
    "ok\rPASS\u{8}\u{8}\u{0}",
    "kv\u{202e}txt.exe\u{202c}",
    "a\u{2066}b\u{2069}\nerror: forged line",
];

/// The demo design (many findings) with every component renamed to a payload.
fn hostile_demo() -> Design {
    let template = palisade::templates::builtin()
        .iter()
        .find(|t| !t.baseline)
        .unwrap_or_else(|| panic!("no demo template"));
    let mut design = template.load(catalog()).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<_> = design.nodes().map(|n| n.id.clone()).collect();
    for (i, node) in ids.into_iter().enumerate() {
        Edit::Rename {
            node,
            name: TERMINAL_PAYLOADS[i % TERMINAL_PAYLOADS.len()].to_owned(),
        }
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
    }
    design.meta.name = TERMINAL_PAYLOADS[0].to_owned();
    design
}

fn save(dir: &Path, name: &str, design: &Design) -> PathBuf {
    let path = dir.join(name);
    persistence::save_path(design, catalog(), &path).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

/// No control character but the line break.
fn assert_inert(what: &str, text: &str) {
    let found: Vec<char> = text
        .chars()
        .filter(|&c| is_control(c) && c != '\n')
        .collect();
    assert!(
        found.is_empty(),
        "{what} holds control characters {found:?}:\n{text}"
    );
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap_or_else(|| panic!("path is not UTF-8"))
}

#[test]
fn check_text_of_a_hostile_design_holds_no_control_characters() {
    let dir = temp_dir();
    let path = save(dir.path(), "hostile.ron", &hostile_demo());
    let (code, out, err) = palisade(&["check", arg(&path)]);
    assert_eq!(code, ExitCode::from(1), "{err}");
    assert_inert("check output", &out);
    assert_inert("check errors", &err);
    assert!(
        out.contains("web\\u{1b}]0;owned\\u{7}"),
        "payloads are shown as escapes:\n{out}"
    );
    assert!(
        !out.contains("\nerror: forged line"),
        "a name cannot start a line"
    );
    for format in ["json", "sarif"] {
        let (_, out, _) = palisade(&["check", "--format", format, arg(&path)]);
        assert_inert(format, &out);
        serde_json::from_str::<serde_json::Value>(&out).unwrap_or_else(|e| panic!("{format}: {e}"));
        // Kept as JSON escapes: a JSON reader gets the names back exactly.
        assert!(
            out.contains(r"web\u001b]0;owned\u0007"),
            "{format} keeps the text"
        );
        assert!(
            out.contains(r"kv\u202etxt.exe\u202c"),
            "{format} keeps the text"
        );
    }
}

#[test]
fn errors_quote_a_huge_hostile_id_briefly_and_inertly() {
    let dir = temp_dir();
    let id = "\u{1b}[2J\nline\r".repeat(1_000_000);
    let text = format!(
        "(format_version: 1, meta: (name: \"x\"), components: [(id: \"{id}\", kind: \"{id}\", name: \"n\", rect: (0.0, 0.0, 10.0, 10.0))])"
    );
    let path = dir.path().join("huge-id.ron");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    for command in ["validate", "check"] {
        let (code, out, err) = palisade(&[command, arg(&path)]);
        assert_ne!(code, ExitCode::SUCCESS);
        assert_inert(command, &out);
        assert_inert(command, &err);
        assert!(
            err.len() < 4_000,
            "{command}: {} bytes of errors",
            err.len()
        );
        assert!(err.contains('…'), "{err}");
    }
}

/// Every export that writes text.
const TEXT_FORMATS: [Format; 6] = [
    Format::Csv,
    Format::Md,
    Format::Html,
    Format::Svg,
    Format::Json,
    Format::Sarif,
];

fn export(format: Format, design: &Design, findings: &palisade::rules::Findings) -> Vec<u8> {
    let mut out = Vec::new();
    palisade::export::export(
        format,
        design,
        catalog(),
        findings,
        &palisade::export::ExportOptions::default(),
        &mut out,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    out
}

#[test]
fn exports_to_files_hold_no_terminal_controls() {
    let design = hostile_demo();
    let findings = palisade::rules::evaluate(&design, catalog());
    for format in TEXT_FORMATS {
        let text =
            String::from_utf8(export(format, &design, &findings)).unwrap_or_else(|e| panic!("{e}"));
        // CSV rows end in CRLF by RFC 4180; nothing else may carry a carriage return.
        assert_inert(&format!("{format:?}"), &text.replace("\r\n", "\n"));
    }
}

/// Runs `f` on another thread and fails if it does not finish within a generous bound: a read
/// that blocks (a FIFO) or never ends (/dev/zero) must be refused at once.
fn within_seconds<T: Send + 'static>(seconds: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(f());
    });
    receive
        .recv_timeout(Duration::from_secs(seconds))
        .unwrap_or_else(|_| panic!("did not finish within {seconds} s"))
}

fn load_error(path: PathBuf) -> String {
    within_seconds(20, move || match persistence::load_path(&path, catalog()) {
        Ok(_) => panic!("{} loaded", path.display()),
        Err(e) => e.to_string(),
    })
}

#[test]
fn fifos_devices_and_folders_are_refused_at_once() {
    let dir = temp_dir();
    let fifo = dir.path().join("pipe.ron");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    assert!(load_error(fifo).contains("named pipe"));
    assert!(load_error("/dev/zero".into()).contains("a device"));
    assert!(load_error(dir.path().to_owned()).contains("a folder"));
    // ARM templates are read the same way.
    let template_fifo = dir.path().join("pipe.json");
    let made = Command::new("mkfifo").arg(&template_fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    let (code, _, err) = within_seconds(20, move || palisade(&["check", arg(&template_fifo)]));
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("named pipe"), "{err}");
    let (code, _, err) = palisade(&["validate", "/dev/zero"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(
        err.starts_with("/dev/zero: cannot read /dev/zero: it is a device"),
        "{err}"
    );
}

#[test]
fn a_file_over_the_limit_is_refused_without_reading_it_whole() {
    let dir = temp_dir();
    let path = dir.path().join("huge.ron");
    let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    file.set_len(persistence::MAX_FILE_BYTES as u64 + 1)
        .unwrap_or_else(|e| panic!("{e}"));
    match persistence::load_path(&path, catalog()) {
        Err(LoadError::TooLarge { limit }) => assert_eq!(limit, persistence::MAX_FILE_BYTES),
        other => panic!("{other:?}"),
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{e}"))
        .permissions()
        .mode()
        & 0o7777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("{e}"));
}

#[cfg(unix)]
#[test]
fn saving_and_exporting_keep_the_permissions_of_the_file_replaced() {
    let dir = temp_dir();
    let design = crate::persistence::sample();
    let path = save(dir.path(), "private.ron", &design);
    set_mode(&path, 0o600);
    save(dir.path(), "private.ron", &design);
    assert_eq!(mode(&path), 0o600, "a private design stays private");

    let svg = dir.path().join("private.svg");
    std::fs::write(&svg, "old").unwrap_or_else(|e| panic!("{e}"));
    set_mode(&svg, 0o640);
    let (code, _, err) = palisade(&["export", arg(&path), "-o", arg(&svg)]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert_eq!(mode(&svg), 0o640);
    assert!(std::fs::read_to_string(&svg).is_ok_and(|t| t.starts_with("<svg")));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|e| e.map(|e| e.file_name()).unwrap_or_default())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
}

#[cfg(unix)]
#[test]
fn a_symlinked_destination_updates_the_file_it_points_to() {
    let dir = temp_dir();
    let design = crate::persistence::sample();
    std::fs::create_dir(dir.path().join("real")).unwrap_or_else(|e| panic!("{e}"));
    let target = save(&dir.path().join("real"), "design.ron", &Design::new("Old"));
    let link = dir.path().join("link.ron");
    std::os::unix::fs::symlink("real/design.ron", &link).unwrap_or_else(|e| panic!("{e}"));
    persistence::save_path(&design, catalog(), &link).unwrap_or_else(|e| panic!("{e}"));
    let link_metadata = std::fs::symlink_metadata(&link).unwrap_or_else(|e| panic!("{e}"));
    assert!(link_metadata.file_type().is_symlink(), "the link is kept");
    let saved = persistence::load_path(&target, catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(saved.meta.name, design.meta.name);
}

#[cfg(unix)]
#[test]
fn an_export_to_a_fifo_is_written_into_it_not_over_it() {
    let dir = temp_dir();
    let path = save(dir.path(), "d.ron", &crate::persistence::sample());
    let fifo = dir.path().join("out.csv");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap_or_default())
    };
    let (code, _, err) = within_seconds(20, {
        let (path, fifo) = (path.clone(), fifo.clone());
        move || palisade(&["export", arg(&path), "-o", arg(&fifo), "--format", "csv"])
    });
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    let read = within_seconds(20, move || reader.join().unwrap_or_default());
    assert!(read.starts_with("severity,rule"), "{read}");
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::symlink_metadata(&fifo).unwrap_or_else(|e| panic!("{e}"));
    assert!(kind.file_type().is_fifo(), "the FIFO is still a FIFO");
}

#[test]
fn export_does_not_overwrite_a_design_without_force() {
    let dir = temp_dir();
    let design = save(dir.path(), "d.ron", &crate::persistence::sample());
    let other = save(dir.path(), "other.ron", &Design::new("Keep me"));
    let before = std::fs::read(&other).unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = palisade(&["export", arg(&design), "--format", "svg", "-o", arg(&other)]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("is a Palisade design; pass --force"), "{err}");
    assert_eq!(std::fs::read(&other).unwrap_or_default(), before);
    let (code, _, err) = palisade(&[
        "export",
        arg(&design),
        "--format",
        "svg",
        "-o",
        arg(&other),
        "--force",
    ]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(std::fs::read_to_string(&other).is_ok_and(|t| t.starts_with("<svg")));
}

#[test]
fn new_never_replaces_an_existing_file_without_force() {
    let dir = temp_dir();
    let path = dir.path().join("mine.ron");
    std::fs::write(&path, "my work").unwrap_or_else(|e| panic!("{e}"));
    let template = palisade::templates::builtin()[0].id;
    let (code, _, err) = palisade(&["new", "--template", template, arg(&path)]);
    assert_eq!(code, ExitCode::from(1), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap_or_default(),
        "my work"
    );
    let fresh = dir.path().join("fresh.ron");
    let (code, _, err) = palisade(&["new", "--template", template, arg(&fresh)]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(persistence::load_path(&fresh, catalog()).is_ok());
}

#[test]
fn error_lines_keep_a_space_after_the_file_name() {
    let (code, _, err) = palisade(&["validate", "/no/such/design.ron"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(
        err.starts_with("/no/such/design.ron: cannot read /no/such/design.ron: "),
        "{err}"
    );
}

#[test]
fn a_reader_that_leaves_early_ends_the_command_quietly() {
    let binary = env!("CARGO_BIN_EXE_palisade");
    // The rules reference is about 100 KB, more than a pipe holds: writing it must meet the
    // closed pipe whatever the timing.
    let mut child = Command::new(binary)
        .args(["rules", "--format", "markdown"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    drop(child.stdout.take());
    let output = within_seconds(60, move || child.wait_with_output());
    let output = output.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert!(output.status.success(), "{:?}", output.status);
}

/// Writes generated designs of 1,000, 10,000 and 100,000 components to
/// `$PALISADE_GENERATED` (default: the temporary directory), for measuring the command line
/// on large inputs (`/usr/bin/time -v palisade export ...`).
#[test]
#[ignore = "writes large files"]
fn write_generated_designs() {
    let dir = std::env::var_os("PALISADE_GENERATED").map_or_else(
        || std::env::temp_dir().join("palisade-generated"),
        Into::into,
    );
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    for size in [1_000, 10_000, 100_000] {
        let design = palisade::model::generate::design(size);
        save(&dir, &format!("generated-{size}.ron"), &design);
    }
}

#[test]
fn a_huge_name_is_not_copied_into_every_finding() {
    let mut design = hostile_demo();
    let huge = "N".repeat(1_000_000);
    let ids: Vec<_> = design.nodes().map(|n| n.id.clone()).collect();
    for id in ids {
        Edit::Rename {
            node: id,
            name: huge.clone(),
        }
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
    }
    let findings = palisade::rules::evaluate(&design, catalog());
    assert!(findings.items.len() > 20);
    for format in TEXT_FORMATS {
        let out = export(format, &design, &findings);
        // The diagram (a card's tooltip) and the inventory may name each node in full, once
        // each: that grows with the design. Findings, which outnumber nodes, quote a cut name.
        let nodes = design.nodes().len();
        assert!(
            nodes * 2 < findings.items.len(),
            "the test needs more findings than nodes"
        );
        assert!(
            out.len() < (2 * nodes + 2) * huge.len(),
            "{format:?}: {} MB for {} findings",
            out.len() / 1_000_000,
            findings.items.len()
        );
    }
}
