//! Palisade beside checkov on the same quickstart templates. checkov's results are a fixture
//! (`tests/fixtures/checkov/results.json`, see the SOURCES.md beside it): for every checkov check that
//! looks at the same thing as one of our rules, the two must agree on each template, or the
//! difference is listed below with the reason.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use palisade::import::arm;
use palisade::rules::{self, Subject};

#[derive(Deserialize)]
struct CheckovRun {
    version: String,
    results: Vec<CheckovResult>,
    /// Templates checkov could not read, so it checked nothing in them.
    #[serde(default)]
    parsing_errors: Vec<String>,
}

#[derive(Deserialize)]
struct CheckovResult {
    file: String,
    check_id: String,
    result: String,
}

/// A checkov check and the rules of ours that judge the same setting, on components of the
/// given kinds.
struct SameConcern {
    checkov: &'static str,
    rules: &'static [&'static str],
    kinds: &'static [&'static str],
}

const WEB: &[&str] = &["app_service", "function_app"];

const SAME_CONCERN: &[SameConcern] = &[
    // Storage: firewall default action, minimum TLS.
    SameConcern {
        checkov: "CKV_AZURE_35",
        rules: &["NET-002"],
        kinds: &["storage_account"],
    },
    SameConcern {
        checkov: "CKV_AZURE_44",
        rules: &["DATA-001"],
        kinds: &["storage_account"],
    },
    // Virtual machines: SSH from the internet, password sign-in.
    SameConcern {
        checkov: "CKV_AZURE_10",
        rules: &["NET-007"],
        kinds: &["network_security_group", "virtual_machine"],
    },
    SameConcern {
        checkov: "CKV_AZURE_1",
        rules: &["CMP-003"],
        kinds: &["virtual_machine"],
    },
    SameConcern {
        checkov: "CKV_AZURE_178",
        rules: &["CMP-003"],
        kinds: &["virtual_machine"],
    },
    // Web apps: HTTPS only, TLS, FTP, public network access.
    SameConcern {
        checkov: "CKV_AZURE_14",
        rules: &["CMP-001"],
        kinds: WEB,
    },
    SameConcern {
        checkov: "CKV_AZURE_15",
        rules: &["CMP-001"],
        kinds: WEB,
    },
    SameConcern {
        checkov: "CKV_AZURE_78",
        rules: &["CMP-002"],
        kinds: WEB,
    },
    SameConcern {
        checkov: "CKV_AZURE_222",
        rules: &["NET-001", "EDGE-006"],
        kinds: WEB,
    },
    // AKS: local accounts, API server ranges, network policy, upgrades.
    SameConcern {
        checkov: "CKV_AZURE_141",
        rules: &["IAM-008"],
        kinds: &["aks_cluster"],
    },
    SameConcern {
        checkov: "CKV_AZURE_6",
        rules: &["CMP-005"],
        kinds: &["aks_cluster"],
    },
    SameConcern {
        checkov: "CKV_AZURE_7",
        rules: &["CMP-005"],
        kinds: &["aks_cluster"],
    },
    SameConcern {
        checkov: "CKV_AZURE_171",
        rules: &["CMP-006"],
        kinds: &["aks_cluster"],
    },
    // SQL: auditing, Entra authentication, TLS, public network access.
    SameConcern {
        checkov: "CKV_AZURE_23",
        rules: &["DATA-005"],
        kinds: &["sql_database"],
    },
    SameConcern {
        checkov: "CKV2_AZURE_27",
        rules: &["IAM-004"],
        kinds: &["sql_database"],
    },
    SameConcern {
        checkov: "CKV_AZURE_52",
        rules: &["DATA-001"],
        kinds: &["sql_database"],
    },
    SameConcern {
        checkov: "CKV_AZURE_11",
        rules: &["NET-002"],
        kinds: &["sql_database"],
    },
    SameConcern {
        checkov: "CKV_AZURE_113",
        rules: &["NET-002", "NET-017", "DATA-006"],
        kinds: &["sql_database"],
    },
    // Container registry: public network access, image scanning, admin user.
    SameConcern {
        checkov: "CKV_AZURE_139",
        rules: &["NET-002"],
        kinds: &["container_registry"],
    },
    SameConcern {
        checkov: "CKV_AZURE_163",
        rules: &["CMP-010"],
        kinds: &["container_registry"],
    },
    SameConcern {
        checkov: "CKV_AZURE_137",
        rules: &["CMP-008"],
        kinds: &["container_registry"],
    },
];

/// Where the two tools disagree on a template, and why. Each entry must still be a difference:
/// an explanation that no longer applies fails the test.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "front-door-standard-premium-app-service-public.json",
        "CKV_AZURE_78",
        "The template sets ftpsState to Disabled, which is all checkov's check reads. CMP-002 also \
         reads the basic-auth publishing credentials (the scm and ftp basicPublishingCredentialsPolicies), \
         which the template leaves at the platform default, allowed.",
    ),
    (
        "function-app-create-dynamic.json",
        "CKV_AZURE_78",
        "ftpsState is FtpsOnly, which passes checkov; CMP-002 reports the basic-auth publishing \
         credentials the template leaves allowed, as for the Front Door template.",
    ),
    (
        "storage-account-create.json",
        "CKV_AZURE_44",
        "checkov fails a storage account that does not set minimumTlsVersion. Azure Storage has \
         not accepted TLS 1.0 or 1.1 since 3 February 2026, so an unset minimum is TLS 1.2: the \
         catalog's default, and nothing to report.",
    ),
    (
        "function-app-create-dynamic.json",
        "CKV_AZURE_44",
        "As for storage-account-create: an unset minimum TLS version is TLS 1.2 today.",
    ),
    (
        "web-app-sql-database.json",
        "CKV_AZURE_52",
        "checkov fails a SQL server that does not set minimalTlsVersion. Azure retired TLS 1.0 and \
         1.1 for its databases on 31 August 2025 and a blank minimum now means TLS 1.2 (Azure SQL \
         blog, April 2026), the catalog's default, so Palisade reports nothing.",
    ),
    (
        "private-endpoint-sql-from-appservice.json",
        "CKV_AZURE_52",
        "As for web-app-sql-database: an unset minimum TLS version defaults to 1.2.",
    ),
    (
        "private-endpoint-sql.json",
        "CKV_AZURE_52",
        "As for web-app-sql-database: an unset minimum TLS version defaults to 1.2.",
    ),
];

/// Templates checkov could not read, and why; Palisade must import each of them.
const UNREADABLE_TO_CHECKOV: &[(&str, &str)] = &[
    (
        "serverless-backend-functionapps.json",
        "Three lines are indented with a tab, which JSON allows. checkov 3.3.30 reads ARM \
         templates with a YAML loader, which refuses tabs, so it reports a parsing error and \
         checks nothing (with spaces instead it reads all 16 resources).",
    ),
    (
        "aks-baseline-cluster-stamp.json",
        "The template has comments (`//` after the registry's zoneRedundancy, `/* */` in the \
     cluster's podIdentityProfile), which Azure Resource Manager accepts in JSON templates. \
     checkov 3.3.30 reports a parsing error and checks none of its resources (with the comments \
     removed it reads all 57), so nothing in it is compared.",
    ),
];

fn fixture_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/arm")
        .join(name)
}

/// `(rule, kind)` of every finding on a component of the imported template.
fn our_findings(file: &str) -> BTreeSet<(String, String)> {
    let imported = arm::import_path(&fixture_path(file), None, crate::catalog())
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let design = imported.design;
    rules::evaluate(&design, crate::catalog())
        .items
        .iter()
        .filter_map(|f| match &f.subject {
            Subject::Node(id) => design
                .node(id)
                .map(|n| (f.rule.id.to_owned(), n.kind.to_string())),
            _ => None,
        })
        .collect()
}

#[test]
fn checkov_and_palisade_agree_where_they_check_the_same_setting() {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checkov/results.json");
    let text = std::fs::read_to_string(results).unwrap_or_else(|e| panic!("{e}"));
    let run: CheckovRun = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let files: BTreeSet<&str> = run.results.iter().map(|r| r.file.as_str()).collect();
    let (mut compared, mut agreed) = (0usize, 0usize);
    let mut unexplained = Vec::new();
    let mut explained_but_equal = Vec::new();
    for file in files {
        let ours = our_findings(file);
        for pair in SAME_CONCERN {
            let evaluated: Vec<&CheckovResult> = run
                .results
                .iter()
                .filter(|r| r.file == file && r.check_id == pair.checkov)
                .collect();
            if evaluated.is_empty() {
                continue;
            }
            compared += 1;
            let checkov_fails = evaluated.iter().any(|r| r.result == "failed");
            let we_report = ours.iter().any(|(rule, kind)| {
                pair.rules.contains(&rule.as_str()) && pair.kinds.contains(&kind.as_str())
            });
            let explained = DIFFERENCES
                .iter()
                .any(|(f, check, _)| *f == file && *check == pair.checkov);
            if checkov_fails == we_report {
                agreed += 1;
                if explained {
                    explained_but_equal.push(format!("{file} {}", pair.checkov));
                }
            } else if !explained {
                unexplained.push(format!(
                    "{file}: checkov {} {}, Palisade {} {:?}",
                    pair.checkov,
                    if checkov_fails { "fails" } else { "passes" },
                    if we_report {
                        "reports"
                    } else {
                        "does not report"
                    },
                    pair.rules
                ));
            }
        }
    }
    for file in &run.parsing_errors {
        assert!(
            UNREADABLE_TO_CHECKOV.iter().any(|(f, _)| f == file),
            "checkov could not read {file}, and no reason is given"
        );
        let _ = our_findings(file);
    }
    for (file, _) in UNREADABLE_TO_CHECKOV {
        assert!(
            run.parsing_errors.iter().any(|f| f == file),
            "checkov now reads {file}: remove its explanation"
        );
    }
    println!(
        "checkov {}: {compared} comparisons on shared concerns, {agreed} agree, {} explained differences; {} templates checkov could not read",
        run.version,
        compared - agreed,
        run.parsing_errors.len()
    );
    assert!(compared >= 30, "only {compared} comparisons");
    assert!(
        unexplained.is_empty(),
        "unexplained differences:\n{}",
        unexplained.join("\n")
    );
    assert!(
        explained_but_equal.is_empty(),
        "explanations for differences that are gone: {explained_but_equal:?}"
    );
}
