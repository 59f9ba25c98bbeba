//! The command line, run in-process.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use palisade::cli::{Cli, run};

/// Runs `palisade ARGS...` and returns (exit code, stdout, stderr).
pub fn palisade(args: &[&str]) -> (ExitCode, String, String) {
    let cli = Cli::try_parse_from(std::iter::once("palisade").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{e}"));
    let command = cli
        .command
        .unwrap_or_else(|| panic!("no subcommand in {args:?}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(command, &mut out, &mut err);
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

pub fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("palisade-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{e}"));
    path
}

#[test]
fn validate_accepts_a_good_file_and_reports_a_broken_one_with_line_and_column() {
    let good = palisade::persistence::to_string(&crate::persistence::sample(), crate::catalog())
        .unwrap_or_default();
    let good_path = temp_file("good.ron", &good);
    let (code, out, _) = palisade(&["validate", good_path.to_str().unwrap_or_default()]);
    assert_eq!(code, ExitCode::from(0));
    assert!(out.contains("valid"), "{out}");

    let broken_path = temp_file(
        "broken.ron",
        &good.replace("kind: \"app_service\",", "kind: \"app_service\""),
    );
    let (code, _, err) = palisade(&["validate", broken_path.to_str().unwrap_or_default()]);
    assert_eq!(code, ExitCode::from(1));
    let location = format!("{}:", broken_path.display());
    let rest = err
        .strip_prefix(&location)
        .unwrap_or_else(|| panic!("{err}"));
    let mut parts = rest.split(':');
    assert!(
        parts.next().is_some_and(|l| l.parse::<usize>().is_ok()),
        "{err}"
    );
    assert!(
        parts.next().is_some_and(|c| c.parse::<usize>().is_ok()),
        "{err}"
    );

    let (code, _, err) = palisade(&["validate", "/nonexistent/design.ron"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn validate_rejects_a_join_the_catalog_refuses_and_a_repeated_key_at_their_lines() {
    let nsg_on_storage = crate::persistence::hand_written(|t| {
        t.replace(
            r#"kind: "traffic", from: "web", to: "st", properties: {"port": 443}"#,
            r#"kind: "nsg_association", from: "web", to: "st""#,
        )
    });
    let path = temp_file("nsg-on-storage.ron", &nsg_on_storage);
    let (code, _, err) = palisade(&["validate", path.to_str().unwrap_or_default()]);
    assert_eq!(code, ExitCode::from(1));
    assert_eq!(
        err,
        format!(
            "{}:13: `c1`: an NSG association cannot join App Service `web` to Storage account `st`: it goes from a network security group to a subnet or a virtual machine\n",
            path.display()
        )
    );

    let repeated = crate::persistence::hand_written(|t| {
        t.replace(r#""port": 443"#, r#""port": 443, "port": 80"#)
    });
    let path = temp_file("repeated-key.ron", &repeated);
    let (code, _, err) = palisade(&["validate", path.to_str().unwrap_or_default()]);
    assert_eq!(code, ExitCode::from(1));
    assert_eq!(
        err,
        format!(
            "{}:13:86: `port` is given twice (first at 13:73); keep one\n",
            path.display()
        )
    );
}

#[test]
fn kinds_lists_every_kind_in_text_and_json() {
    let (code, out, _) = palisade(&["kinds"]);
    assert_eq!(code, ExitCode::SUCCESS);
    for kind in crate::catalog().kinds() {
        assert!(
            out.contains(&format!("{}:", kind.id))
                || out.contains(&format!("{} (container):", kind.id)),
            "{}",
            kind.id
        );
    }
    let (_, json, _) = palisade(&["kinds", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc["kinds"].as_array().map(Vec::len),
        Some(crate::catalog().kinds().len())
    );
    let key_vault = doc["kinds"]
        .as_array()
        .and_then(|k| k.iter().find(|k| k["id"] == "key_vault"));
    let purge = key_vault
        .and_then(|k| k["properties"].as_array())
        .and_then(|p| p.iter().find(|p| p["id"] == "purge_protection"));
    assert_eq!(
        purge.map(|p| p["default"].clone()),
        Some(serde_json::json!(false))
    );
    assert_eq!(
        purge.and_then(|p| p["help"].as_str()).map(str::is_empty),
        Some(false)
    );
    // Each connection kind says which ends it joins.
    assert!(
        out.contains("nsg_association: NSG association — Applies a network security group to a subnet or a VM's NIC\n    joins from a network security group to a subnet or a virtual machine\n"),
        "{out}"
    );
    let nsg = doc["connection_kinds"]
        .as_array()
        .and_then(|k| k.iter().find(|k| k["id"] == "nsg_association"));
    assert_eq!(
        nsg.map(|k| (k["from"].clone(), k["to"].clone())),
        Some((
            serde_json::json!({"only": ["network_security_group"]}),
            serde_json::json!({"only": ["subnet", "virtual_machine"]})
        ))
    );
}
