//! The HTML report: one self-contained file (inline CSS, the diagram as inline SVG) to send to
//! reviewers or print. It runs no script and fetches nothing: a Content-Security-Policy meta tag
//! forbids both, and every user string is escaped with [`escape::xml`].

use std::fmt::Write as _;

use super::escape::{https_url, xml};
use super::format::ExportOptions;
use super::json::subject_name;
use super::report::{self, SCORE_NOTE};
use super::sink::Sink;
use super::svg::{self, FONT_FAMILY, SvgOptions, severity_label};
use crate::model::{Catalog, Design, NodeId, Severity};
use crate::review::triage::{Reviewed, State, review};
use crate::rules::{Findings, RuleMeta, Subject, score};
use crate::scene::severity_color;

/// Scripts, frames, objects, fetches and form posts are all refused; only the inline style and
/// `data:` images are allowed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE: &str = r#"
:root { --text: #1f2328; --muted: #59636e; --rule: #d8dee4; --panel: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #eef1f4; color: var(--text); font: 15px/1.55 FONT; }
main { max-width: 1120px; margin: 32px auto; background: #fff; padding: 48px 56px; border-radius: 12px; box-shadow: 0 1px 3px rgba(31,35,40,.12), 0 8px 24px rgba(31,35,40,.06); }
h1, h2, h3, h4 { line-height: 1.25; margin: 0; }
h1 { font-size: 30px; margin: 4px 0 8px; }
h2 { font-size: 20px; margin: 40px 0 16px; padding-bottom: 8px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 16px; margin: 28px 0 12px; display: flex; align-items: center; gap: 8px; }
h4 { font-size: 15px; }
p { margin: 0 0 10px; }
a { color: var(--accent); }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; padding: 1px 6px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; font-weight: 700; color: var(--muted); }
.description { color: var(--muted); font-size: 16px; max-width: 70ch; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 32px; margin: 20px 0 0; }
.facts div { min-width: 120px; }
.facts dt { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.facts dd { margin: 2px 0 0; font-weight: 600; }
.summary { display: grid; grid-template-columns: 200px 1fr; gap: 24px; margin-top: 32px; align-items: stretch; }
.score-card { border: 1px solid var(--rule); border-radius: 10px; padding: 18px; text-align: center; background: var(--panel); }
.score { font-size: 48px; font-weight: 800; line-height: 1; }
.score span { font-size: 18px; color: var(--muted); font-weight: 600; }
.score.good { color: #1a7f37; } .score.fair { color: #9a6700; } .score.poor { color: #cf222e; }
.score-card .label { margin-top: 8px; font-size: 13px; color: var(--muted); }
.tiles { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; }
.tile { border: 1px solid var(--rule); border-top: 4px solid var(--sev); border-radius: 8px; padding: 12px 14px; }
.tile .n { font-size: 28px; font-weight: 700; line-height: 1.1; }
.tile .l { font-size: 13px; color: var(--muted); }
.tile.zero .n { color: #afb8c1; }
.note { grid-column: 1 / -1; font-size: 13px; color: var(--muted); margin: 0; }
figure.diagram { margin: 0; border: 1px solid var(--rule); border-radius: 10px; padding: 8px; overflow: auto; background: #fff; }
figure.diagram svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 8px 10px; border-bottom: 1px solid var(--rule); }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 700; background: var(--panel); }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
.bar { width: 140px; height: 8px; border-radius: 4px; background: #eaeef2; overflow: hidden; display: inline-block; vertical-align: middle; margin-right: 8px; }
.bar i { display: block; height: 100%; background: #2da44e; }
.bar.failing i { background: #d4a72c; }
.status { white-space: nowrap; }
.status.failing { color: #9a6700; font-weight: 600; }
.status.passing { color: #1a7f37; font-weight: 600; }
.status.na { color: var(--muted); }
.pill { display: inline-block; font-size: 12px; font-weight: 700; color: #fff; background: var(--sev); border-radius: 999px; padding: 1px 10px; white-space: nowrap; }
.count { font-size: 13px; font-weight: 600; color: var(--muted); }
.finding { border: 1px solid var(--rule); border-left: 5px solid var(--sev); border-radius: 8px; padding: 16px 20px; margin: 0 0 14px; break-inside: avoid; page-break-inside: avoid; }
.finding header { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; margin-bottom: 8px; }
.finding header code { margin-left: auto; }
.finding ul.subjects { margin: 0; padding-left: 20px; font-size: 15px; }
.finding ul.subjects li { margin: 0 0 4px; }
.finding ul.subjects li:target { background: #fff8c5; }
.finding dl { display: grid; grid-template-columns: 140px 1fr; gap: 6px 16px; margin: 12px 0; font-size: 14px; }
.finding dt { color: var(--muted); font-weight: 600; }
.finding dd { margin: 0; }
.refs { font-size: 13px; color: var(--muted); margin: 0; }
.refs b { color: var(--text); font-weight: 600; }
.none { color: var(--muted); font-style: italic; }
.triage { display: block; font-size: 13px; color: var(--muted); }
.source { display: block; font-size: 12px; color: var(--muted); }
.triage::before { content: "Triaged: "; font-weight: 700; }
.triage.expired { color: #9a6700; }
.triage.expired::before { content: ""; }
.ref { font-weight: 600; background: var(--panel); border: 1px solid var(--rule); border-radius: 4px; padding: 0 4px; }
ul.compact { margin: 0; padding-left: 18px; }
footer { margin-top: 48px; padding-top: 16px; border-top: 1px solid var(--rule); font-size: 12.5px; color: var(--muted); }
@media screen and (max-width: 800px) {
  main { margin: 0; padding: 24px; border-radius: 0; }
  .summary { grid-template-columns: 1fr; }
  .tiles { grid-template-columns: repeat(3, 1fr); }
  .finding dl { grid-template-columns: 1fr; }
}
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; margin: 0; padding: 0; box-shadow: none; border-radius: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3, h4 { break-after: avoid; page-break-after: avoid; }
  figure.diagram { overflow: visible; border: none; padding: 0; break-inside: avoid; }
  .finding, .tile, .score-card { break-inside: avoid; page-break-inside: avoid; }
  .finding { border-left-width: 4px; padding: 10px 14px; margin-bottom: 10px; }
  .finding dl { grid-template-columns: 110px 1fr; font-size: 9.5pt; margin: 8px 0; }
  .summary { grid-template-columns: 150px 1fr; gap: 16px; }
  .score { font-size: 36px; }
  h2 { margin-top: 24px; }
  a { color: inherit; text-decoration: none; }
  .refs a::after { content: " (" attr(href) ")"; font-size: 8.5pt; word-break: break-all; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The report as one HTML document.
pub fn report(
    design: &Design,
    catalog: &Catalog,
    findings: &Findings,
    options: &ExportOptions,
    writer: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let meta = &design.meta;
    let score = score::score(findings);
    let name = if meta.name.trim().is_empty() {
        "Untitled design"
    } else {
        meta.name.trim()
    };
    let mut out = Sink::new(writer);
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="Palisade {version}">
<title>Security review: {title}</title>
<style>{style}{severities}</style>
</head>
<body>
<main>
"#,
        version = env!("CARGO_PKG_VERSION"),
        title = xml(name),
        style = STYLE.replace("FONT", FONT_FAMILY),
        severities = severity_css(),
    );

    // Heading and facts.
    let _ = writeln!(
        out,
        r#"<header><div class="eyebrow">Security architecture review</div><h1>{}</h1>"#,
        xml(name)
    );
    if !meta.description.trim().is_empty() {
        let _ = writeln!(
            out,
            r#"<p class="description">{}</p>"#,
            xml(meta.description.trim())
        );
    }
    out.push_str(r#"<dl class="facts">"#);
    let components = format!(
        "{} components, {} connections",
        design.nodes().len(),
        design.connections().len()
    );
    let facts = [
        ("Owner", meta.owner.trim()),
        ("Data classification", meta.data_classification.trim()),
        ("Date", options.date.as_deref().unwrap_or("").trim()),
        ("Scope", components.as_str()),
    ];
    for (label, value) in facts {
        if !value.is_empty() {
            let _ = write!(out, "<div><dt>{label}</dt><dd>{}</dd></div>", xml(value));
        }
    }
    out.push_str("</dl></header>\n");

    // Score and counts.
    let grade = match score.value {
        90.. => "good",
        70..=89 => "fair",
        _ => "poor",
    };
    let _ = write!(
        out,
        r#"<section class="summary" aria-label="Summary"><div class="score-card"><div class="score {grade}">{}<span> / 100</span></div><div class="label">Security score</div></div><div class="tiles">"#,
        score.value
    );
    for severity in Severity::ALL {
        let count = findings.count(severity);
        let zero = if count == 0 { " zero" } else { "" };
        let _ = write!(
            out,
            r#"<div class="tile sev-{}{zero}"><div class="n">{count}</div><div class="l">{}</div></div>"#,
            severity.as_str(),
            severity_label(severity)
        );
    }
    let _ = writeln!(
        out,
        r#"</div><p class="note">{}</p></section>"#,
        xml(SCORE_NOTE)
    );

    // Diagram: the same SVG as the SVG export, without its own title block.
    out.push_str(r#"<section><h2>Diagram</h2><figure class="diagram">"#);
    svg::write_diagram(
        design,
        catalog,
        findings,
        &SvgOptions {
            title_date: None,
            as_of: options.date.clone(),
            title_block: false,
            legend: true,
        },
        &mut out,
    );
    out.push_str("</figure></section>\n");
    review_notes(&mut out, design);

    coverage_table(&mut out, &score);
    let as_of = options.date.clone().unwrap_or_else(super::today);
    let reviewed = review(design, findings, &as_of);
    findings_by_severity(&mut out, design, &reviewed);
    findings_by_se(&mut out, design, findings);
    super::threats::html(
        &mut out,
        design,
        &crate::threats::analyse(design, catalog, &reviewed),
    );
    rule_settings(&mut out, design);
    inventory(&mut out, design, catalog, findings);

    let _ = writeln!(
        out,
        r#"<footer>Generated by Palisade {} against the Azure Well-Architected Framework security checklist (SE:01 to SE:12) and the Microsoft cloud security benchmark v1. A design review complements, and does not replace, checks of the deployed resources.</footer>
</main>
</body>
</html>"#,
        env!("CARGO_PKG_VERSION")
    );
    out.finish()
}

/// Escaped text in which `quoted` names (as rule messages quote them) are set off as names.
fn rich(text: &str) -> String {
    let escaped = xml(text);
    let ticks = escaped.matches('`').count();
    if ticks == 0 || ticks % 2 == 1 {
        return escaped.into_owned();
    }
    let mut out = String::with_capacity(escaped.len() + ticks * 16);
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, r#"<span class="ref">{part}</span>"#);
        } else {
            out.push_str(part);
        }
    }
    out
}

/// `--sev` per severity class, from the colours the canvas uses.
fn severity_css() -> String {
    let mut css = String::new();
    for severity in Severity::ALL {
        let _ = writeln!(
            css,
            ".sev-{} {{ --sev: {}; }}",
            severity.as_str(),
            severity_color(severity).hex()
        );
    }
    css
}

fn coverage_table(out: &mut Sink<'_>, score: &score::Score) {
    out.push_str(
        "<section><h2>Well-Architected security checklist</h2>\n<table class=\"coverage\"><thead><tr><th>Item</th><th>Title</th><th>Rules passing</th><th>Status</th></tr></thead><tbody>\n",
    );
    for c in &score.coverage {
        let (class, passing) = if c.applicable == 0 {
            ("na", "–".to_owned())
        } else {
            let class = if c.passing == c.applicable {
                "passing"
            } else {
                "failing"
            };
            let percent = c.passing * 100 / c.applicable;
            (
                class,
                format!(
                    r#"<span class="bar {class}"><i style="width:{percent}%"></i></span>{} / {}"#,
                    c.passing, c.applicable
                ),
            )
        };
        let _ = writeln!(
            out,
            r#"<tr><td class="num"><b>{}</b></td><td>{}</td><td class="num">{passing}</td><td class="status {class}">{}</td></tr>"#,
            c.code,
            c.title,
            report::coverage_status(c)
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn findings_by_severity(out: &mut Sink<'_>, design: &Design, reviewed: &Reviewed<'_>) {
    let findings = reviewed.findings;
    out.push_str("<section><h2>Findings</h2>\n");
    if findings.items.is_empty() {
        out.push_str(r#"<p class="none">No findings: every applicable rule passes.</p>"#);
    }
    for (severity, items) in report::by_severity(findings) {
        let _ = writeln!(
            out,
            r#"<h3><span class="pill sev-{}">{}</span><span class="count">{} finding{}</span></h3>"#,
            severity.as_str(),
            severity_label(severity),
            items.len(),
            plural(items.len())
        );
        for (rule, group) in report::by_rule(&items) {
            rule_findings(out, design, reviewed, severity, rule, &group);
        }
    }
    out.push_str("</section>\n");
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// One rule's findings: what each subject has wrong, then why it matters and the fix, once.
fn rule_findings(
    out: &mut Sink<'_>,
    design: &Design,
    reviewed: &Reviewed<'_>,
    severity: Severity,
    m: &RuleMeta,
    group: &[report::Indexed<'_>],
) {
    let _ = writeln!(
        out,
        r#"<article class="finding sev-{sev}"><header><span class="pill sev-{sev}">{label}</span><h4>{title}</h4><code>{id}</code></header>
<ul class="subjects">"#,
        sev = severity.as_str(),
        label = severity_label(severity),
        title = xml(m.title),
        id = xml(m.id),
    );
    for &(index, f) in group {
        let subject_kind = match f.subject {
            Subject::Design => "Design",
            Subject::Node(_) => "Component",
            Subject::Connection(_) => "Connection",
        };
        let triage = match reviewed.states[index] {
            State::Open => String::new(),
            State::Triaged(t) => format!(
                r#" <span class="triage">{}</span>"#,
                xml(&super::text::decision(t))
            ),
            State::Expired(t) => format!(
                r#" <span class="triage expired">Open again, the decision expired: {}</span>"#,
                xml(&super::text::decision(t))
            ),
        };
        let source = super::json::subject_source(design, &f.subject)
            .map_or_else(String::new, |s| {
                format!(r#" <span class="source">{}</span>"#, xml(s))
            });
        let _ = writeln!(
            out,
            r#"<li id="{}"><b>{subject_kind}: {}</b>. {}{triage}{source}</li>"#,
            report::anchor(index),
            xml(&subject_name(design, &f.subject)),
            rich(&f.message)
        );
    }
    let _ = write!(
        out,
        r#"</ul>
<dl><dt>Why it matters</dt><dd>{}</dd><dt>Why this severity</dt><dd>{}</dd><dt>Fix</dt><dd>{}</dd></dl>
<p class="refs"><b>Well-Architected</b> {} · <b>MCSB</b> {} · <b>STRIDE</b> {}"#,
        rich(m.rationale),
        rich(m.severity_reason),
        rich(m.remediation),
        xml(&m.se.join(", ")),
        xml(&m.mcsb.join(", ")),
        xml(m.stride.as_str())
    );
    if let Some(url) = https_url(m.learn) {
        let _ = write!(
            out,
            r#" · <a href="{url}" rel="noopener noreferrer">Learn more</a>"#
        );
    }
    out.push_str("</p></article>\n");
}

fn findings_by_se(out: &mut Sink<'_>, design: &Design, findings: &Findings) {
    let by_se = report::by_se(findings);
    if by_se.is_empty() {
        return;
    }
    out.push_str(
        "<section><h2>Findings by checklist item</h2>\n<table><thead><tr><th>Item</th><th>Findings</th></tr></thead><tbody>\n",
    );
    for (code, title, items) in by_se {
        let _ = write!(
            out,
            r#"<tr><td class="num"><b>{code}</b><br>{title}</td><td><ul class="compact">"#
        );
        for (index, f) in items {
            let _ = write!(
                out,
                r##"<li><span class="pill sev-{}">{}</span> <a href="#{}">{}</a> on {}</li>"##,
                f.severity.as_str(),
                severity_label(f.severity),
                report::anchor(index),
                xml(f.rule.title),
                xml(&subject_name(design, &f.subject))
            );
        }
        out.push_str("</ul></td></tr>\n");
    }
    out.push_str("</tbody></table></section>\n");
}

/// The notes and callouts of the diagram, as text a reviewer can quote.
fn review_notes(out: &mut Sink<'_>, design: &Design) {
    let notes = report::notes(design);
    if notes.is_empty() {
        return;
    }
    out.push_str("<section><h2>Review notes</h2>\n<ul>\n");
    for (target, text) in notes {
        let lines: Vec<String> = text.lines().map(|l| xml(l.trim()).into_owned()).collect();
        let on = target.map_or_else(String::new, |t| format!("<strong>On {}:</strong> ", xml(t)));
        let _ = writeln!(out, "<li>{on}{}</li>", lines.join("<br>"));
    }
    out.push_str("</ul></section>\n");
}

fn rule_settings(out: &mut Sink<'_>, design: &Design) {
    let overrides = report::switches(design);
    if overrides.is_empty() {
        return;
    }
    out.push_str(
        "<section><h2>Rule settings</h2>\n<table><thead><tr><th>Rule</th><th>Setting</th><th>Reason</th></tr></thead><tbody>\n",
    );
    for (rule, setting) in overrides {
        let what = report::capitalised(&report::switch_text(setting));
        let reason = if setting.reason.trim().is_empty() {
            r#"<span class="none">No reason given</span>"#.to_owned()
        } else {
            xml(setting.reason.trim()).into_owned()
        };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{what}</td><td>{reason}</td></tr>",
            xml(rule)
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn inventory(out: &mut Sink<'_>, design: &Design, catalog: &Catalog, findings: &Findings) {
    if design.is_empty() {
        return;
    }
    let notes = design.nodes().any(|n| !n.notes.trim().is_empty());
    let _ = writeln!(
        out,
        "<section><h2>Components</h2>\n<table><thead><tr><th>Name</th><th>Kind</th><th>In</th><th>Findings</th>{}</tr></thead><tbody>",
        if notes { "<th>Notes</th>" } else { "" }
    );
    // Counted in one pass: counting per node by scanning every finding made large reports
    // quadratic.
    let mut counts: std::collections::HashMap<&NodeId, usize> = std::collections::HashMap::new();
    for f in &findings.items {
        if let Subject::Node(id) = &f.subject {
            *counts.entry(id).or_default() += 1;
        }
    }
    let mut nodes: Vec<_> = design.nodes().collect();
    nodes.sort_by(|a, b| (a.name.to_lowercase(), &a.id).cmp(&(b.name.to_lowercase(), &b.id)));
    for node in nodes {
        let kind = catalog
            .kind(&node.kind)
            .map_or(node.kind.as_str(), |k| k.name.as_str());
        let parent = node
            .parent
            .as_ref()
            .and_then(|p| design.node(p))
            // Repeated for every child: cut like names in findings.
            .map_or(String::new(), |p| {
                let name =
                    crate::model::text::Clipped::new(&p.name, crate::rules::context::LABEL_LIMIT);
                xml(&name.to_string()).into_owned()
            });
        let count = counts.get(&node.id).copied().unwrap_or(0);
        let count = if count == 0 {
            "–".to_owned()
        } else {
            count.to_string()
        };
        let _ = writeln!(
            out,
            r#"<tr><td><b>{}</b></td><td>{}</td><td>{parent}</td><td class="num">{count}</td>{}</tr>"#,
            xml(&node.name),
            xml(kind),
            if notes {
                format!("<td>{}</td>", xml(node.notes.trim()))
            } else {
                String::new()
            }
        );
    }
    out.push_str("</tbody></table></section>\n");
}
