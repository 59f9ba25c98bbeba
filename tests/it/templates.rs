//! Built-in templates: they load, say what they are, stay free of serious findings, name the
//! findings they keep, and are laid out legibly. User templates round-trip through a directory.

use std::collections::BTreeSet;
use std::process::ExitCode;

use palisade::model::{Design, Node, Rect, Severity};
use palisade::rules::{self, Subject};
use palisade::templates::{self, Template};

use crate::catalog;
use crate::cli::palisade;

fn load(template: &Template) -> Design {
    template
        .load(catalog())
        .unwrap_or_else(|e| panic!("{}: {e}", template.id))
}

fn is_container(node: &Node) -> bool {
    catalog().kind(&node.kind).is_some_and(|k| k.container)
}

/// A one-line finding for assertion messages.
fn describe(finding: &rules::Finding) -> String {
    let subject = match &finding.subject {
        Subject::Design => "design".to_owned(),
        Subject::Node(id) => id.to_string(),
        Subject::Connection(id) => id.to_string(),
    };
    format!(
        "{} {} @{subject}: {}",
        finding.severity.as_str(),
        finding.rule.id,
        finding.message
    )
}

#[test]
fn there_are_at_least_seven_baselines_and_one_demo() {
    let ids: Vec<&str> = templates::baselines().map(|t| t.id).collect();
    assert!(ids.len() >= 7, "{ids:?}");
    for id in [
        "baseline-zone-redundant-web-app",
        "hub-spoke-azure-firewall",
        "zero-trust-appgw-before-firewall",
        "securely-managed-web-apps-ilb-ase",
        "private-web-app-from-on-premises",
        "multilayered-vm-access",
        "secure-hybrid-network",
    ] {
        assert!(ids.contains(&id), "missing baseline {id}");
    }
    let demo = templates::find("before-hardening").unwrap_or_else(|| panic!("no demo"));
    assert!(!demo.baseline);
    let unique: BTreeSet<&str> = templates::builtin().iter().map(|t| t.id).collect();
    assert_eq!(unique.len(), templates::builtin().len(), "duplicate ids");
    assert!(templates::find("no-such-template").is_none());

    // Every file in templates/ is embedded, and every embedded template is a file there.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let embedded: BTreeSet<String> = unique.iter().map(|id| (*id).to_owned()).collect();
    assert_eq!(files, embedded);
}

#[test]
fn every_template_loads_and_says_what_it_is() {
    for template in templates::builtin() {
        let design = load(template);
        assert_eq!(templates::slug(template.id), template.id);
        let meta = &design.meta;
        assert!(!meta.name.trim().is_empty(), "{}: no name", template.id);
        assert!(
            meta.description.trim().len() > 100,
            "{}: the description should say what the design is",
            template.id
        );
        assert!(
            palisade::model::validate::problems(&design, catalog()).is_empty(),
            "{}",
            template.id
        );
        if template.baseline {
            assert!(
                meta.source
                    .starts_with("https://learn.microsoft.com/azure/architecture/"),
                "{}: source {}",
                template.id,
                meta.source
            );
        }
    }
}

#[test]
fn baselines_have_no_critical_or_high_finding() {
    let mut serious = Vec::new();
    for template in templates::baselines() {
        let design = load(template);
        for finding in rules::evaluate(&design, catalog()).items {
            if finding.severity <= Severity::High {
                serious.push(format!("{}: {}", template.id, describe(&finding)));
            }
        }
    }
    assert!(serious.is_empty(), "\n{}", serious.join("\n"));
}

#[test]
fn baseline_descriptions_name_every_finding_they_keep() {
    let mut unnamed = Vec::new();
    for template in templates::baselines() {
        let design = load(template);
        for finding in rules::evaluate(&design, catalog()).items {
            if !design.meta.description.contains(finding.rule.id) {
                unnamed.push(format!("{}: {}", template.id, describe(&finding)));
            }
        }
    }
    assert!(
        unnamed.is_empty(),
        "findings missing from the description's trade-offs:\n{}",
        unnamed.join("\n")
    );
}

#[test]
fn before_hardening_shows_many_findings_including_critical_ones() {
    let demo = templates::find("before-hardening").unwrap_or_else(|| panic!("no demo"));
    let findings = rules::evaluate(&load(demo), catalog());
    let all: Vec<String> = findings.items.iter().map(describe).collect();
    assert!(findings.items.len() >= 10, "{all:#?}");
    assert!(findings.count(Severity::Critical) >= 1, "{all:#?}");
}

#[test]
fn template_layouts_are_legible() {
    const MARGIN: f32 = 20.0;
    const TITLE_BAR: f32 = 28.0;
    for template in templates::builtin() {
        let design = load(template);
        let id = template.id;
        for node in design.nodes() {
            let r = node.rect;
            for v in [r.x, r.y, r.w, r.h] {
                assert!(v.fract() == 0.0, "{id}: {} is off the grid", node.id);
            }
            assert!(
                r.x % 10.0 == 0.0 && r.y % 10.0 == 0.0,
                "{id}: {} is off the grid",
                node.id
            );
            if !is_container(node) {
                assert_eq!((r.w, r.h), (170.0, 56.0), "{id}: {} card size", node.id);
            }
            let Some(parent) = node.parent.as_ref().and_then(|p| design.node(p)) else {
                continue;
            };
            let p = parent.rect;
            let inner = Rect::new(
                p.x + MARGIN,
                p.y + TITLE_BAR + MARGIN,
                p.w - 2.0 * MARGIN,
                p.h - TITLE_BAR - 2.0 * MARGIN,
            );
            assert!(
                inner.contains_rect(r),
                "{id}: {} {r:?} is not inside {} {p:?} with margins",
                node.id,
                parent.id
            );
        }
        let cards: Vec<&Node> = design.nodes().filter(|n| !is_container(n)).collect();
        for (i, a) in cards.iter().enumerate() {
            for b in &cards[i + 1..] {
                let (ra, rb) = (a.rect, b.rect);
                let overlap = ra.x < rb.x + rb.w
                    && rb.x < ra.x + ra.w
                    && ra.y < rb.y + rb.h
                    && rb.y < ra.y + ra.h;
                assert!(!overlap, "{id}: cards {} and {} overlap", a.id, b.id);
            }
        }
        // Sibling containers do not overlap either.
        let containers: Vec<&Node> = design.nodes().filter(|n| is_container(n)).collect();
        for (i, a) in containers.iter().enumerate() {
            for b in &containers[i + 1..] {
                if a.parent != b.parent {
                    continue;
                }
                let (ra, rb) = (a.rect, b.rect);
                let overlap = ra.x < rb.x + rb.w
                    && rb.x < ra.x + ra.w
                    && ra.y < rb.y + rb.h
                    && rb.y < ra.y + ra.h;
                assert!(!overlap, "{id}: containers {} and {} overlap", a.id, b.id);
            }
        }
    }
}

#[test]
fn template_names_fit_their_cards_and_title_bars() {
    use palisade::export::fit::width;
    use palisade::export::svg::{CardLayout, HeaderLayout};
    use palisade::scene::metrics::{CONTAINER_TITLE_SIZE, NAME_SIZE};

    let mut cut = Vec::new();
    for template in templates::builtin() {
        for node in load(template).nodes() {
            let (needed, room) = if is_container(node) {
                // Leave room for a finding badge, which a user's edit may add.
                let header = HeaderLayout::of(node.rect, true);
                (
                    width(&node.name, CONTAINER_TITLE_SIZE, true),
                    header.text_right - header.title_x,
                )
            } else {
                (
                    width(&node.name, NAME_SIZE, true),
                    CardLayout::of(node.rect).text_width,
                )
            };
            if needed > room {
                cut.push(format!(
                    "{}: {} `{}` needs {needed:.0} units, has {room:.0}",
                    template.id, node.id, node.name
                ));
            }
        }
    }
    assert!(
        cut.is_empty(),
        "names that would be cut short:\n{}",
        cut.join("\n")
    );
}

#[test]
fn palisade_new_writes_the_template_and_refuses_to_overwrite() {
    let dir = std::env::temp_dir().join(format!("palisade-templates-new-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("web.ron");
    let _ = std::fs::remove_file(&file);
    let path = file.to_str().unwrap_or_default();
    let id = "baseline-zone-redundant-web-app";

    let (code, out, err) = palisade(&["new", "--template", id, path]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
    let written =
        palisade::persistence::load_path(&file, catalog()).unwrap_or_else(|e| panic!("{e}"));
    let template = templates::find(id).unwrap_or_else(|| panic!("{id}"));
    assert_eq!(written, load(template));

    let (code, _, err) = palisade(&["new", "--template", id, path]);
    assert_eq!(code, ExitCode::from(1));
    assert!(err.contains("--force"), "{err}");
    let (code, _, _) = palisade(&["new", "--template", id, path, "--force"]);
    assert_eq!(code, ExitCode::SUCCESS);

    let (code, _, err) = palisade(&["new", "--template", "no-such-template", path]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains(id), "the error lists the ids: {err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn palisade_templates_lists_every_template_with_counts() {
    let (code, out, err) = palisade(&["templates"]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(out.contains("CRITICAL HIGH MEDIUM LOW INFO"), "{out}");
    for template in templates::builtin() {
        let design = load(template);
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{} ", template.id)))
            .unwrap_or_else(|| panic!("{} not listed:\n{out}", template.id));
        assert!(line.contains(&design.meta.name), "{line}");
        let findings = rules::evaluate(&design, catalog());
        let counts: Vec<usize> = line
            .split_whitespace()
            .rev()
            .take(5)
            .map(|n| n.parse().unwrap_or_else(|e| panic!("{line}: {e}")))
            .collect();
        let expected: Vec<usize> = Severity::ALL
            .iter()
            .rev()
            .map(|s| findings.count(*s))
            .collect();
        assert_eq!(counts, expected, "{line}");
    }
}

#[test]
fn user_templates_save_and_list_round_trip() {
    let dir = std::env::temp_dir().join(format!("palisade-user-templates-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(templates::user_templates_in(&dir, catalog()).is_empty());

    let template = templates::find("baseline-zone-redundant-web-app").unwrap_or_else(|| panic!());
    let design = load(template);
    let second = templates::save_user_template_in(&dir, &design, catalog(), "Zeta: our web app!")
        .unwrap_or_else(|e| panic!("{e}"));
    let first = templates::save_user_template_in(&dir, &design, catalog(), "  Alpha  ")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, dir.join("alpha.ron"));
    assert_eq!(second, dir.join("zeta-our-web-app.ron"));
    std::fs::write(dir.join("notes.txt"), "not a template").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("broken.ron"), "(").unwrap_or_else(|e| panic!("{e}"));

    let listed = templates::user_templates_in(&dir, catalog());
    let names: Vec<String> = listed
        .iter()
        .map(|(path, _)| {
            path.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["alpha.ron", "broken.ron", "zeta-our-web-app.ron"]);
    assert!(listed[1].1.is_err());
    let alpha = listed[0].1.as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(alpha.meta.name, "Alpha");
    let mut expected = design.clone();
    expected.meta.name = "Alpha".to_owned();
    assert_eq!(alpha, &expected);

    // Saving under the same name replaces the file.
    templates::save_user_template_in(&dir, &design, catalog(), "alpha")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(templates::user_templates_in(&dir, catalog()).len(), 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn slugs_are_file_safe() {
    assert_eq!(templates::slug("Hub & spoke (v2)"), "hub-spoke-v2");
    assert_eq!(templates::slug("  --  "), "template");
    assert_eq!(templates::slug("Ünïcode"), "n-code");
    assert!(templates::slug(&"a-".repeat(100)).len() <= 64);
    assert!(!templates::slug(&"a-".repeat(100)).ends_with('-'));
}

#[test]
fn user_dir_is_under_the_data_directory() {
    if let Some(dir) = templates::user_dir() {
        assert!(dir.ends_with("palisade/templates"), "{}", dir.display());
        assert!(dir.is_absolute());
    }
}
