//! The threat view outside the designer: `palisade threats` (text, Markdown, JSON), the
//! threat sections of the HTML and Markdown reports, and the ATT&CK Navigator layer.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::escape::{markdown as md, xml};
use super::json::{subject_name, subject_type, write_pretty};
use super::sink::Sink;
use crate::model::Design;
use crate::model::text::inert;
use crate::threats::{Category, Status, Threat, ThreatModel, Verdict, builtin};

/// Identifies the JSON layout of `palisade threats --format json`.
pub const SCHEMA: &str = "palisade-threats/1";

/// The status counts in words: `3 open, 1 needs investigation, 5 mitigated by the design`.
pub fn counts_text(threats: &[Threat]) -> String {
    let parts: Vec<String> = Status::ALL
        .iter()
        .map(|s| (s, threats.iter().filter(|t| t.status() == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.label().to_lowercase()))
        .collect();
    if parts.is_empty() {
        "no threats".to_owned()
    } else {
        parts.join(", ")
    }
}

/// What answers the threat, or what keeps it open, in one line.
fn reason(threat: &Threat) -> String {
    if let Some(decision) = &threat.decision {
        return decision.note.trim().to_owned();
    }
    match &threat.verdict {
        Verdict::Mitigated(evidence) => {
            let parts: Vec<&str> = evidence.iter().map(|e| e.text.as_str()).collect();
            parts.join("; ")
        }
        Verdict::Open(related) if related.is_empty() => threat.def.mitigation.clone(),
        Verdict::Open(related) => {
            let rules: Vec<&str> = related.iter().map(|r| r.rule).collect();
            format!("{} (findings: {})", threat.def.mitigation, rules.join(", "))
        }
    }
}

/// `palisade threats FILE`: one line per threat, open ones first, then the coverage summary.
pub fn text(
    out: &mut dyn Write,
    file: &str,
    design: &Design,
    model: &ThreatModel,
) -> io::Result<()> {
    let file = inert(file);
    let mut order: Vec<&Threat> = model.threats.iter().collect();
    order.sort_by_key(|t| (!t.status().is_open(), t.status()));
    for threat in order {
        writeln!(
            out,
            "{file}: {} {} [{}] {}\n    on {}: {}",
            threat.def.id,
            threat.status().as_str(),
            threat.stride().as_str(),
            inert(&threat.title),
            inert(&subject_name(design, &threat.element)),
            inert(&reason(threat))
        )?;
    }
    let (covered, total) = technique_counts(model);
    writeln!(
        out,
        "{file}: {} threats: {}; ATT&CK: {covered} of {total} techniques covered by {} controls",
        model.threats.len(),
        counts_text(&model.threats),
        model.controls.len()
    )
}

/// (techniques with any coverage, techniques in the matrix), techniques only.
pub fn technique_counts(model: &ThreatModel) -> (usize, usize) {
    let techniques = model
        .attack
        .iter()
        .filter(|c| !c.technique.is_subtechnique());
    let total = techniques.clone().count();
    (techniques.filter(|c| c.is_covered()).count(), total)
}

/// Per tactic, in matrix order: its name, the techniques covered (with the strongest score)
/// and those no control covers, each as one `; `-separated list.
fn by_tactic(model: &ThreatModel) -> Vec<(&'static str, String, String)> {
    builtin()
        .attack
        .tactics
        .iter()
        .map(|tactic| {
            let (mut covered, mut gaps) = (Vec::new(), Vec::new());
            for c in model.attack.iter().filter(|c| {
                !c.technique.is_subtechnique() && c.technique.tactics.contains(&tactic.short_name)
            }) {
                let label = format!("{} {}", c.technique.id, c.technique.name);
                match c.strongest() {
                    Some(score) => covered.push(format!("{label} ({})", score.as_str())),
                    None => gaps.push(label),
                }
            }
            (tactic.name.as_str(), covered.join("; "), gaps.join("; "))
        })
        .collect()
}

/// The threat list and coverage as Markdown sections (`##`), for the report and `threats`.
pub fn markdown(out: &mut Sink<'_>, design: &Design, model: &ThreatModel) {
    let _ = writeln!(out, "## Threats\n");
    let _ = writeln!(
        out,
        "{}.\n",
        crate::export::report::capitalised(&counts_text(&model.threats))
    );
    if !model.threats.is_empty() {
        let _ = writeln!(
            out,
            "| Threat | STRIDE | Element | Status | Answer or open findings |\n|---|---|---|---|---|"
        );
        for threat in &model.threats {
            let _ = writeln!(
                out,
                "| {} {} | {} | {} | {} | {} |",
                threat.def.id,
                md(&threat.title),
                threat.stride().as_str(),
                md(&subject_name(design, &threat.element)),
                threat.status().label(),
                md(&reason(threat))
            );
        }
        out.push('\n');
    }
    let (covered, total) = technique_counts(model);
    let _ = writeln!(out, "## ATT&CK coverage\n");
    let _ = writeln!(
        out,
        "{covered} of {total} techniques have a control in this design that protects against or detects them. Scores from MITRE's Security Stack Mappings for Azure, ATT&CK {}.\n",
        builtin().attack.version
    );
    let _ = writeln!(
        out,
        "| Tactic | Protected or detected | Not covered |\n|---|---|---|"
    );
    for (tactic, covered, gaps) in by_tactic(model) {
        let _ = writeln!(out, "| {tactic} | {} | {} |", md(&covered), md(&gaps));
    }
    out.push('\n');
}

/// The threat list and coverage as HTML sections.
pub fn html(out: &mut Sink<'_>, design: &Design, model: &ThreatModel) {
    out.push_str("<section><h2>Threats</h2>\n");
    let _ = writeln!(
        out,
        "<p>{}.</p>",
        xml(&crate::export::report::capitalised(&counts_text(
            &model.threats
        )))
    );
    if !model.threats.is_empty() {
        out.push_str("<table><thead><tr><th>Threat</th><th>STRIDE</th><th>Element</th><th>Status</th><th>Answer or open findings</th></tr></thead><tbody>\n");
        for threat in &model.threats {
            let status = threat.status();
            let _ = writeln!(
                out,
                r#"<tr><td><code>{}</code> {}</td><td>{}</td><td>{}</td><td class="threat-{}">{}</td><td>{}</td></tr>"#,
                threat.def.id,
                xml(&threat.title),
                threat.stride().as_str(),
                xml(&subject_name(design, &threat.element)),
                status.as_str(),
                status.label(),
                xml(&reason(threat))
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
    let (covered, total) = technique_counts(model);
    let _ = writeln!(
        out,
        "<section><h2>ATT&amp;CK coverage</h2>\n<p>{covered} of {total} techniques have a control in this design that protects against or detects them. Scores from MITRE's Security Stack Mappings for Azure, ATT&amp;CK {}.</p>",
        xml(&builtin().attack.version)
    );
    out.push_str("<table><thead><tr><th>Tactic</th><th>Protected or detected</th><th>Not covered</th></tr></thead><tbody>\n");
    for (tactic, covered, gaps) in by_tactic(model) {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            xml(tactic),
            xml(&covered),
            xml(&gaps)
        );
    }
    out.push_str("</tbody></table></section>\n");
}

#[derive(Serialize)]
struct ThreatsJson<'a> {
    attack: Vec<TechniqueJson<'a>>,
    attack_version: &'a str,
    controls: Vec<ControlJson<'a>>,
    counts: std::collections::BTreeMap<&'static str, usize>,
    name: &'a str,
    schema: &'static str,
    stale_decisions: &'a [String],
    threats: Vec<ThreatJson<'a>>,
}

#[derive(Serialize)]
struct ThreatJson<'a> {
    attack: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<DecisionJson<'a>>,
    description: &'a str,
    element: ElementJson,
    fingerprint: &'a str,
    id: &'a str,
    mitigated_by: Vec<EvidenceJson<'a>>,
    mitigation: &'a str,
    open_findings: Vec<&'a str>,
    status: &'static str,
    stride: &'static str,
    title: &'a str,
}

#[derive(Serialize)]
struct ElementJson {
    id: String,
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct DecisionJson<'a> {
    note: &'a str,
    status: &'static str,
}

#[derive(Serialize)]
struct EvidenceJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    node: Option<&'a str>,
    text: &'a str,
}

#[derive(Serialize)]
struct ControlJson<'a> {
    alert_only: bool,
    control: &'a str,
    name: &'a str,
    provider: &'a str,
}

#[derive(Serialize)]
struct TechniqueJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    detect: Option<&'static str>,
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    protect: Option<&'static str>,
    providers: Vec<ProviderJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    respond: Option<&'static str>,
    tactics: &'a [String],
}

#[derive(Serialize)]
struct ProviderJson<'a> {
    category: &'static str,
    control: &'a str,
    node: &'a str,
    score: &'static str,
}

/// `palisade threats --format json`: every threat, the controls held and technique coverage.
pub fn json(out: &mut dyn Write, design: &Design, model: &ThreatModel) -> io::Result<()> {
    let threats = model
        .threats
        .iter()
        .map(|t| ThreatJson {
            attack: &t.def.attack,
            decision: t.decision.as_ref().map(|d| DecisionJson {
                note: &d.note,
                status: d.status.as_str(),
            }),
            description: &t.def.description,
            element: ElementJson {
                id: t.element.key().to_owned(),
                name: subject_name(design, &t.element),
                kind: subject_type(&t.element),
            },
            fingerprint: &t.fingerprint,
            id: &t.def.id,
            mitigated_by: match &t.verdict {
                Verdict::Mitigated(evidence) => evidence
                    .iter()
                    .map(|e| EvidenceJson {
                        node: e.node.as_ref().map(|n| n.as_str()),
                        text: &e.text,
                    })
                    .collect(),
                Verdict::Open(_) => Vec::new(),
            },
            mitigation: &t.def.mitigation,
            open_findings: match &t.verdict {
                Verdict::Open(related) => related.iter().map(|r| r.fingerprint.as_str()).collect(),
                Verdict::Mitigated(_) => Vec::new(),
            },
            status: t.status().as_str(),
            stride: t.stride().as_str(),
            title: &t.title,
        })
        .collect();
    let controls = model
        .controls
        .iter()
        .map(|c| ControlJson {
            alert_only: c.alert_only,
            control: &c.control.control,
            name: &c.control.name,
            provider: c.provider.id.as_str(),
        })
        .collect();
    let attack = model
        .attack
        .iter()
        .filter(|c| c.is_covered())
        .map(|c| TechniqueJson {
            detect: c.detect.map(|s| s.as_str()),
            id: &c.technique.id,
            name: &c.technique.name,
            protect: c.protect.map(|s| s.as_str()),
            providers: c
                .providers
                .iter()
                .map(|p| ProviderJson {
                    category: p.category.as_str(),
                    control: p.control,
                    node: p.node.as_str(),
                    score: p.score.as_str(),
                })
                .collect(),
            respond: c.respond.map(|s| s.as_str()),
            tactics: &c.technique.tactics,
        })
        .collect();
    let counts = Status::ALL
        .iter()
        .map(|s| (s.as_str(), model.count(*s)))
        .collect();
    write_pretty(
        out,
        &ThreatsJson {
            attack,
            attack_version: &builtin().attack.version,
            controls,
            counts,
            name: &design.meta.name,
            schema: SCHEMA,
            stale_decisions: &model.stale,
            threats,
        },
    )
}

/// An ATT&CK Navigator layer (format 4.5): each technique a control covers, scored by its
/// strongest protect or detect score (25 minimal, 50 partial, 100 significant), with the
/// components that provide it in the comment.
pub fn attack_layer(out: &mut dyn Write, design: &Design, model: &ThreatModel) -> io::Result<()> {
    let version = &builtin().attack.version;
    let major = version.split('.').next().unwrap_or(version);
    let name = if design.meta.name.trim().is_empty() {
        "Untitled design"
    } else {
        design.meta.name.trim()
    };
    let techniques: Vec<serde_json::Value> = model
        .attack
        .iter()
        .filter_map(|c| {
            let score = c.strongest()?;
            let mut comment = String::new();
            for category in Category::ALL {
                let by: Vec<String> = c
                    .providers
                    .iter()
                    .filter(|p| p.category == category)
                    .map(|p| {
                        let node = design
                            .node(&p.node)
                            .map_or(p.node.as_str(), |n| n.name.as_str());
                        format!("{} ({}, {})", p.control_name, node, p.score.as_str())
                    })
                    .collect();
                if !by.is_empty() {
                    let _ = write!(
                        comment,
                        "{}{}: {}",
                        if comment.is_empty() { "" } else { "; " },
                        crate::export::report::capitalised(category.as_str()),
                        by.join(", ")
                    );
                }
            }
            Some(serde_json::json!({
                "techniqueID": c.technique.id,
                "score": score.points(),
                "comment": comment,
                "enabled": true,
                "showSubtechniques": false,
                "metadata": [
                    {"name": "protect", "value": c.protect.map_or("none", |s| s.as_str())},
                    {"name": "detect", "value": c.detect.map_or("none", |s| s.as_str())},
                    {"name": "respond", "value": c.respond.map_or("none", |s| s.as_str())},
                ],
            }))
        })
        .collect();
    let layer = serde_json::json!({
        "name": format!("{name}: control coverage"),
        "versions": {"attack": major, "navigator": "5.2.0", "layer": "4.5"},
        "domain": "enterprise-attack",
        "description": format!(
            "ATT&CK techniques the controls of this design protect against or detect, generated by Palisade {}. Scores: Center for Threat-Informed Defense, Security Stack Mappings for Azure (Apache-2.0).",
            env!("CARGO_PKG_VERSION")
        ),
        "filters": {"platforms": ["Windows", "Linux", "IaaS", "SaaS", "Identity Provider", "Office Suite", "Containers", "Network Devices"]},
        "sorting": 3,
        "layout": {"layout": "side", "showID": true, "showName": true, "showAggregateScores": false, "countUnscored": false, "aggregateFunction": "max", "expandedSubtechniques": "annotated"},
        "hideDisabled": false,
        "techniques": techniques,
        "gradient": {"colors": ["#fde2c4", "#9ccc65", "#2e7d32"], "minValue": 0, "maxValue": 100},
        "legendItems": [
            {"label": "Minimal", "color": "#fde2c4"},
            {"label": "Partial", "color": "#9ccc65"},
            {"label": "Significant", "color": "#2e7d32"},
        ],
        "showTacticRowBackground": false,
        "selectTechniquesAcrossTactics": true,
        "selectSubtechniquesWithParent": false,
        "selectVisibleTechniques": false,
    });
    write_pretty(out, &layer)
}
