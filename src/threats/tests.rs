//! The threat tables are consistent with the catalog and the rules, and threats change status
//! when the design gains or loses the control that answers them.

use super::data::{Applies, Check, Covers};
use super::*;
use crate::model::{Edit, ThreatDecision, ThreatStatus, Value, catalog};
use crate::review::triage::review;
use crate::rules::testing::DesignBuilder;
use crate::rules::{evaluate, registry};

fn model_of(design: &Design) -> Vec<(String, Status)> {
    let findings = evaluate(design, catalog::builtin());
    let reviewed = review(design, &findings, "2026-12-02");
    analyse(design, catalog::builtin(), &reviewed)
        .threats
        .iter()
        .map(|t| (t.fingerprint.clone(), t.status()))
        .collect()
}

fn status(design: &Design, fingerprint: &str) -> Option<Status> {
    model_of(design)
        .into_iter()
        .find(|(f, _)| f == fingerprint)
        .map(|(_, s)| s)
}

fn is_technique_id(id: &str) -> bool {
    let Some(digits) = id.strip_prefix('T') else {
        return false;
    };
    let (base, sub) = digits.split_once('.').unwrap_or((digits, ""));
    base.len() == 4
        && base.bytes().all(|b| b.is_ascii_digit())
        && (sub.is_empty() || (sub.len() == 3 && sub.bytes().all(|b| b.is_ascii_digit())))
}

#[test]
fn every_threat_names_real_rules_controls_properties_and_techniques() {
    let tables = builtin();
    let catalog = catalog::builtin();
    let mut ids: Vec<&str> = tables.threats.iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), tables.threats.len(), "threat ids repeat");
    for threat in &tables.threats {
        assert!(
            threat.id.starts_with("THR-") && threat.id.len() == 7,
            "{}",
            threat.id
        );
        for rule in &threat.rules {
            assert!(
                registry::find(rule).is_some(),
                "{}: no rule {rule}",
                threat.id
            );
        }
        for technique in &threat.attack {
            assert!(
                tables.technique(technique).is_some(),
                "{}: {technique}",
                threat.id
            );
        }
        assert!(!threat.mitigated_by.is_empty(), "{}", threat.id);
        let kinds: Vec<&crate::model::KindDef> = match &threat.applies {
            Applies::Component(kinds) => {
                let found: Vec<_> = catalog
                    .kinds()
                    .iter()
                    .filter(|k| kinds.iter().any(|n| k.id == *n || k.traits.contains(n)))
                    .collect();
                assert!(!found.is_empty(), "{}: applies to nothing", threat.id);
                found
            }
            Applies::Flow(_) | Applies::WebFlow(_) => Vec::new(),
        };
        let flow = kinds.is_empty();
        for check in threat.mitigated_by.iter().flatten() {
            match check {
                Check::Control(id) => {
                    assert!(
                        tables.control(id).is_some(),
                        "{}: no control {id}",
                        threat.id
                    )
                }
                Check::Property(property, values) if flow => {
                    let known = ["traffic", "hybrid_link"].iter().any(|kind| {
                        catalog.connection_kind(kind).is_some_and(|k| {
                            k.properties.iter().any(|p| {
                                p.id == *property && values.iter().all(|v| p.ty.check(v).is_ok())
                            })
                        })
                    });
                    assert!(
                        known,
                        "{}: flows have no {property} with {values:?}",
                        threat.id
                    );
                }
                Check::Property(property, values) => {
                    let known = kinds.iter().any(|k| {
                        k.properties.iter().any(|p| {
                            p.id == *property && values.iter().all(|v| p.ty.check(v).is_ok())
                        })
                    });
                    assert!(
                        known,
                        "{}: no kind has {property} with {values:?}",
                        threat.id
                    );
                }
                Check::Target(property, _) => {
                    assert!(flow, "{}: Target on a component threat", threat.id);
                    assert!(
                        catalog
                            .kinds()
                            .iter()
                            .any(|k| k.properties.iter().any(|p| p.id == *property)),
                        "{}: {property}",
                        threat.id
                    );
                }
                Check::TargetKind(targets) => {
                    assert!(flow, "{}", threat.id);
                    for kind in targets {
                        assert!(catalog.kind(kind).is_some(), "{}: {kind}", threat.id);
                    }
                }
                Check::SendsDiagnostics => assert!(!flow, "{}", threat.id),
            }
        }
    }
}

#[test]
fn every_control_is_realised_by_catalog_kinds_with_real_properties() {
    let tables = builtin();
    let catalog = catalog::builtin();
    for control in &tables.controls {
        assert!(!control.realised_by.is_empty(), "{}", control.control);
        for way in &control.realised_by {
            let kind = catalog
                .kind(&way.kind)
                .unwrap_or_else(|| panic!("{}: no kind {}", control.control, way.kind));
            for (property, values) in way.when.iter().chain(&way.alert_only) {
                let def = kind
                    .properties
                    .iter()
                    .find(|p| p.id == *property)
                    .unwrap_or_else(|| {
                        panic!("{}: {} has no {property}", control.control, kind.id)
                    });
                for value in values {
                    let checked = match (&def.ty, value) {
                        // A list property matches when it contains the text.
                        (crate::model::PropertyType::List, Value::Text(_)) => Ok(()),
                        (ty, value) => ty.check(value),
                    };
                    assert!(checked.is_ok(), "{}: {property} {value:?}", control.control);
                }
            }
            if let Covers::Linked(connection) = &way.covers {
                assert!(
                    catalog.connection_kind(connection).is_some(),
                    "{connection}"
                );
            }
            if let Covers::Governed(kinds) = &way.covers {
                for k in kinds {
                    assert!(catalog.kind(k).is_some(), "{k}");
                }
            }
        }
    }
    // Every ATT&CK-mapped control is one of ours, so it maps to at least one catalog kind.
    for mapped in &tables.attack.controls {
        assert!(
            tables.control(&mapped.id).is_some(),
            "{} is not in controls.ron",
            mapped.id
        );
        assert!(!mapped.coverage.is_empty(), "{}", mapped.id);
    }
}

#[test]
fn technique_ids_are_well_formed_and_known() {
    let attack = &builtin().attack;
    let tactics: Vec<&str> = attack
        .tactics
        .iter()
        .map(|t| t.short_name.as_str())
        .collect();
    assert_eq!(tactics.len(), 14, "the Enterprise matrix has 14 tactics");
    for technique in &attack.techniques {
        assert!(is_technique_id(&technique.id), "{}", technique.id);
        assert!(!technique.tactics.is_empty(), "{}", technique.id);
        for tactic in &technique.tactics {
            assert!(
                tactics.contains(&tactic.as_str()),
                "{}: {tactic}",
                technique.id
            );
        }
    }
    let mut ids: Vec<_> = attack
        .techniques
        .iter()
        .map(|t| data::technique_order(&t.id))
        .collect();
    let sorted = ids.clone();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids, sorted, "techniques are sorted and distinct");
    for control in &attack.controls {
        for (technique, _, _) in &control.coverage {
            assert!(
                builtin().technique(technique).is_some(),
                "{}: {technique}",
                control.id
            );
        }
    }
    assert!(!is_technique_id("T19") && !is_technique_id("T1190.1") && is_technique_id("T1595.002"));
}

fn web_app_from_the_internet() -> DesignBuilder {
    DesignBuilder::new()
        .node("internet", "internet")
        .child("users", "internet_users", "internet")
        .node("app", "app_service")
}

#[test]
fn a_waf_in_front_of_the_app_mitigates_request_tampering() {
    let direct = web_app_from_the_internet()
        .connect("users", "app", "traffic")
        .build();
    let flow = direct.connections().next().map(|c| c.id.clone());
    let Some(flow) = flow else { panic!("no flow") };
    assert_eq!(
        status(&direct, &format!("THR-001@{flow}")),
        Some(Status::Open)
    );

    let behind_waf = |mode: &str| {
        web_app_from_the_internet()
            .node("fd", "front_door")
            .set("fd", "waf_policy_attached", true)
            .set("fd", "waf_mode", mode)
            .connect("users", "fd", "traffic")
            .connect("fd", "app", "traffic")
            .build()
    };
    let protected = behind_waf("Prevention");
    let findings = evaluate(&protected, catalog::builtin());
    let reviewed = review(&protected, &findings, "2026-12-02");
    let model = analyse(&protected, catalog::builtin(), &reviewed);
    let tampering: Vec<&Threat> = model
        .threats
        .iter()
        .filter(|t| t.def.id == "THR-001")
        .collect();
    assert_eq!(
        tampering.len(),
        1,
        "only the internet flow crosses the boundary"
    );
    match &tampering[0].verdict {
        Verdict::Mitigated(evidence) => {
            assert!(
                evidence
                    .iter()
                    .any(|e| e.node.as_ref().is_some_and(|n| n.as_str() == "fd"))
            );
            assert!(
                evidence[0].text.contains("Web application firewall"),
                "{evidence:?}"
            );
        }
        open => panic!("expected mitigated, got {open:?}"),
    }
    // In Detection mode the WAF only logs: the threat is open again.
    let detecting = behind_waf("Detection");
    let open: Vec<_> = model_of(&detecting)
        .into_iter()
        .filter(|(f, _)| f.starts_with("THR-001@"))
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].1, Status::Open);
}

#[test]
fn management_sessions_are_not_web_requests() {
    let design = DesignBuilder::new()
        .node("internet", "internet")
        .child("admin", "operator", "internet")
        .node("vm", "virtual_machine")
        .connect_with(
            "admin",
            "vm",
            "traffic",
            &[("protocol", "RDP".into()), ("port", Value::Int(3389))],
        )
        .build();
    let threats = model_of(&design);
    assert!(
        threats.iter().all(|(f, _)| !f.starts_with("THR-001@")),
        "{threats:?}"
    );
    assert!(
        threats
            .iter()
            .any(|(f, s)| f == "THR-031@vm" && *s == Status::Open),
        "{threats:?}"
    );
}

#[test]
fn a_private_endpoint_with_public_access_off_closes_disclosure_of_a_store() {
    let store = |private: bool| {
        let mut builder = DesignBuilder::new().node("st", "storage_account");
        if private {
            builder = builder
                .node("vnet", "virtual_network")
                .child("snet", "subnet", "vnet")
                .child("pe", "private_endpoint", "snet")
                .connect("pe", "st", "private_link")
                .set("st", "public_network_access", "Disabled");
        }
        builder.build()
    };
    assert_eq!(status(&store(false), "THR-010@st"), Some(Status::Open));
    assert_eq!(status(&store(true), "THR-010@st"), Some(Status::Mitigated));
}

#[test]
fn a_decision_overrides_the_verdict_and_goes_stale_with_its_element() {
    let mut design = DesignBuilder::new().node("st", "storage_account").build();
    Edit::SetThreatDecision {
        fingerprint: "THR-011@st".to_owned(),
        decision: Some(ThreatDecision {
            status: ThreatStatus::NotApplicable,
            note: "Scratch data, rebuilt nightly".to_owned(),
        }),
    }
    .apply(&mut design)
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status(&design, "THR-011@st"), Some(Status::NotApplicable));
    Edit::RemoveNode(NodeId::new("st").unwrap_or_else(|e| panic!("{e}")))
        .apply(&mut design)
        .unwrap_or_else(|e| panic!("{e}"));
    let findings = evaluate(&design, catalog::builtin());
    let reviewed = review(&design, &findings, "2026-12-02");
    let model = analyse(&design, catalog::builtin(), &reviewed);
    assert_eq!(model.stale, vec!["THR-011@st".to_owned()]);
}

#[test]
fn a_defender_plan_counts_only_where_it_covers_resources() {
    let coverage = |with_storage: bool| {
        let mut builder = DesignBuilder::new()
            .node("sub", "subscription")
            .node("defender", "defender_for_cloud")
            .set("defender", "storage", true)
            .connect("defender", "sub", "governs");
        if with_storage {
            builder = builder.child("st", "storage_account", "sub");
        }
        let design = builder.build();
        let findings = evaluate(&design, catalog::builtin());
        let reviewed = review(&design, &findings, "2026-12-02");
        let model = analyse(&design, catalog::builtin(), &reviewed);
        model
            .attack
            .iter()
            .filter(|c| {
                c.providers
                    .iter()
                    .any(|p| p.control == "defender_for_storage")
            })
            .count()
    };
    assert_eq!(coverage(false), 0);
    assert!(coverage(true) > 0);
}

#[test]
fn analysis_is_deterministic() {
    let design = web_app_from_the_internet()
        .node("st", "storage_account")
        .connect("users", "app", "traffic")
        .connect("app", "st", "traffic")
        .build();
    assert_eq!(model_of(&design), model_of(&design));
    let threats = model_of(&design);
    let mut sorted = threats.clone();
    sorted.sort_by(|a, b| {
        let key = |f: &str| f.split_once('@').map(|(t, e)| (t.to_owned(), e.to_owned()));
        key(&a.0).cmp(&key(&b.0))
    });
    assert_eq!(threats, sorted);
}
