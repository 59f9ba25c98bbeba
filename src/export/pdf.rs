//! The PDF report: the diagram on a landscape page, as vector, then the score, the coverage per
//! checklist item and every finding with its fix on portrait pages.
//!
//! Each page is an SVG written here (the diagram is the same SVG as the SVG export) and turned
//! into PDF by svg2pdf with the bundled Inter, so the PDF looks like the canvas and the other
//! exports, and text stays text. pdf-writer joins the pages into one document. svg2pdf orders a
//! page's resources by hash, so two runs give the same objects in a different byte order.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, TextStr};

use super::escape::xml;
use super::format::{ExportError, ExportOptions};
use super::{fit, report};
use crate::model::{Catalog, Design, Severity};
use crate::review::triage::{self, State};
use crate::rules::{Finding, Findings, score};
use crate::scene::severity_color;

/// A4 in PDF points.
const A4: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 48.0;
const TEXT_WIDTH: f32 = A4.0 - 2.0 * MARGIN;
const BODY: f32 = 10.0;
const SMALL: f32 = 8.5;

/// Text pages being filled, top to bottom; a line that does not fit starts a new page.
struct Pages {
    done: Vec<String>,
    body: String,
    y: f32,
    title: String,
}

impl Pages {
    fn new(title: String) -> Self {
        let mut pages = Self {
            done: Vec::new(),
            body: String::new(),
            y: 0.0,
            title,
        };
        pages.start();
        pages
    }

    fn start(&mut self) {
        self.body.clear();
        self.y = MARGIN;
        let _ = write!(
            self.body,
            r##"<text x="{MARGIN}" y="{}" font-size="{SMALL}" fill="#6b6b6b">{}</text>"##,
            MARGIN - 18.0,
            xml(&self.title)
        );
    }

    fn finish_page(&mut self) {
        let number = self.done.len() + 2;
        let _ = write!(
            self.body,
            r##"<text x="{}" y="{}" font-size="{SMALL}" fill="#6b6b6b" text-anchor="end">{number}</text>"##,
            A4.0 - MARGIN,
            A4.1 - MARGIN + 24.0
        );
        self.done.push(format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" font-family="Inter"><rect width="100%" height="100%" fill="#ffffff"/>{}</svg>"##,
            A4.0, A4.1, A4.0, A4.1, self.body
        ));
    }

    /// Room for `height` more, on this page or a new one.
    fn room(&mut self, height: f32) {
        if self.y + height > A4.1 - MARGIN {
            self.finish_page();
            self.start();
        }
    }

    fn line(&mut self, text: &str, x: f32, size: f32, bold: bool, color: &str) {
        self.room(size * 1.4);
        self.y += size * 1.4;
        let weight = if bold { r#" font-weight="bold""# } else { "" };
        let _ = write!(
            self.body,
            r#"<text x="{x}" y="{}" font-size="{size}" fill="{color}"{weight}>{}</text>"#,
            self.y,
            xml(text)
        );
    }

    fn paragraph(&mut self, text: &str, indent: f32, size: f32, bold: bool, color: &str) {
        for line in fit::wrap(text, TEXT_WIDTH - indent, size, bold, usize::MAX) {
            self.line(&line, MARGIN + indent, size, bold, color);
        }
    }

    fn gap(&mut self, height: f32) {
        self.y += height;
    }

    /// A severity chip and a heading on one line.
    fn finding_heading(&mut self, severity: Severity, heading: &str) {
        self.room(BODY * 1.8);
        self.y += BODY * 1.6;
        let chip = fit::width(severity.as_str(), SMALL, true) + 10.0;
        let _ = write!(
            self.body,
            r##"<rect x="{MARGIN}" y="{}" width="{chip}" height="{}" rx="3" fill="{}"/><text x="{}" y="{}" font-size="{SMALL}" font-weight="bold" fill="#ffffff">{}</text>"##,
            self.y - SMALL - 2.0,
            SMALL + 5.0,
            severity_color(severity).hex(),
            MARGIN + 5.0,
            self.y,
            severity.as_str()
        );
        let room = TEXT_WIDTH - chip - 8.0;
        let text = fit::elide(heading, room, BODY, true);
        let _ = write!(
            self.body,
            r##"<text x="{}" y="{}" font-size="{BODY}" font-weight="bold" fill="#1f1f1f">{}</text>"##,
            MARGIN + chip + 8.0,
            self.y,
            xml(&text)
        );
    }

    fn into_pages(mut self) -> Vec<String> {
        self.finish_page();
        self.done
    }
}

fn finding_block(pages: &mut Pages, design: &Design, finding: &Finding, decision: Option<String>) {
    pages.finding_heading(
        finding.severity,
        &format!("{} {}", finding.rule.id, finding.rule.title),
    );
    let subject = super::json::subject_name(design, &finding.subject);
    pages.paragraph(&format!("On: {subject}"), 0.0, SMALL, false, "#6b6b6b");
    pages.paragraph(finding.message.as_str(), 0.0, BODY, false, "#1f1f1f");
    if let Some(decision) = decision {
        pages.paragraph(
            &format!("Decision: {decision}"),
            0.0,
            SMALL,
            false,
            "#1f1f1f",
        );
    }
    pages.paragraph(
        &format!("Fix: {}", finding.rule.remediation),
        0.0,
        SMALL,
        false,
        "#4a4a4a",
    );
    pages.paragraph(
        &format!(
            "{} · MCSB {} · STRIDE: {} · {}",
            finding.rule.se.join(", "),
            finding.rule.mcsb.join(", "),
            finding.rule.stride.as_str(),
            finding.rule.learn
        ),
        0.0,
        SMALL,
        false,
        "#6b6b6b",
    );
}

/// The text pages: summary, coverage per checklist item, open findings, then the triaged ones.
fn text_pages(
    design: &Design,
    findings: &Findings,
    as_of: &str,
    date: Option<&str>,
) -> Vec<String> {
    let title = match date {
        Some(date) => format!("{} · security review · {date}", design.meta.name),
        None => format!("{} · security review", design.meta.name),
    };
    let mut pages = Pages::new(title);
    let reviewed = triage::review(design, findings, as_of);
    let score = score::score(findings);
    pages.paragraph(&design.meta.name, 0.0, 18.0, true, "#1f1f1f");
    pages.gap(4.0);
    pages.line(
        &format!(
            "Score {}/100 · {}",
            score.value,
            report::counts_text(findings)
        ),
        MARGIN,
        BODY,
        true,
        "#1f1f1f",
    );
    pages.paragraph(report::SCORE_NOTE, 0.0, SMALL, false, "#6b6b6b");
    if !design.meta.description.trim().is_empty() {
        pages.gap(6.0);
        pages.paragraph(&design.meta.description, 0.0, BODY, false, "#1f1f1f");
    }
    for (rule, setting) in report::switches(design) {
        pages.paragraph(
            &format!(
                "Rule {rule} is {} in this design: {}",
                report::switch_text(setting),
                setting.reason
            ),
            0.0,
            SMALL,
            false,
            "#8a5a00",
        );
    }

    let notes = report::notes(design);
    if !notes.is_empty() {
        pages.gap(10.0);
        pages.line("Review notes", MARGIN, 13.0, true, "#1f1f1f");
        for (target, text) in notes {
            if let Some(target) = target {
                pages.paragraph(&format!("On {target}:"), 0.0, BODY, true, "#1f1f1f");
            }
            pages.paragraph(text, 8.0, BODY, false, "#1f1f1f");
            pages.gap(4.0);
        }
    }

    pages.gap(10.0);
    pages.line(
        "Coverage of the Well-Architected security checklist",
        MARGIN,
        13.0,
        true,
        "#1f1f1f",
    );
    for coverage in &score.coverage {
        pages.line(
            &format!(
                "{} {} — {}",
                coverage.code,
                coverage.title,
                report::coverage_status(coverage)
            ),
            MARGIN,
            BODY,
            false,
            "#1f1f1f",
        );
    }

    let open: Vec<&Finding> = reviewed.open().collect();
    pages.gap(10.0);
    pages.line(
        &format!("Open findings ({})", open.len()),
        MARGIN,
        13.0,
        true,
        "#1f1f1f",
    );
    if open.is_empty() {
        pages.line("None.", MARGIN, BODY, false, "#1f1f1f");
    }
    for finding in open {
        finding_block(&mut pages, design, finding, None);
    }
    let triaged: Vec<(&Finding, String)> = reviewed
        .iter()
        .filter_map(|(finding, state)| match state {
            State::Triaged(t) => Some((finding, super::text::decision(t))),
            _ => None,
        })
        .collect();
    if !triaged.is_empty() {
        pages.gap(10.0);
        pages.line(
            &format!("Findings set aside by a decision ({})", triaged.len()),
            MARGIN,
            13.0,
            true,
            "#1f1f1f",
        );
        for (finding, decision) in triaged {
            finding_block(&mut pages, design, finding, Some(decision));
        }
    }
    pages.into_pages()
}

/// A page's SVG as a PDF form, numbered into the document being built.
fn form(svg: &str, next: &mut Ref, pdf: &mut Pdf) -> Result<(Ref, f32, f32), ExportError> {
    let tree = super::png::parse(svg)?;
    let size = tree.size();
    let options = svg2pdf::ConversionOptions::default();
    let (chunk, id) =
        svg2pdf::to_chunk(&tree, options).map_err(|e| ExportError::Pdf(e.to_string()))?;
    let mut map = HashMap::new();
    let chunk = chunk.renumber(|old| *map.entry(old).or_insert_with(|| next.bump()));
    pdf.extend(&chunk);
    let id = map
        .get(&id)
        .copied()
        .ok_or_else(|| ExportError::Pdf("no page".to_owned()))?;
    Ok((id, size.width(), size.height()))
}

/// Writes the PDF report.
pub fn write(
    design: &Design,
    catalog: &Catalog,
    findings: &Findings,
    options: &ExportOptions,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let as_of = options.date.clone().unwrap_or_else(super::today);
    let diagram = super::svg::diagram(
        design,
        catalog,
        findings,
        &super::svg::SvgOptions {
            title_date: options.date.clone(),
            as_of: Some(as_of.clone()),
            ..super::svg::SvgOptions::default()
        },
    );
    let text = text_pages(design, findings, &as_of, options.date.as_deref());

    let mut next = Ref::new(1);
    let catalog_id = next.bump();
    let tree_id = next.bump();
    let info_id = next.bump();
    let mut pdf = Pdf::new();
    let mut pages: Vec<(Ref, Rect, Content)> = Vec::new();

    // The diagram fills a landscape A4 page inside the margins, however large it is.
    let (diagram_form, w, h) = form(&diagram, &mut next, &mut pdf)?;
    let (page_w, page_h) = (A4.1, A4.0);
    let scale = ((page_w - 2.0 * MARGIN) / w).min((page_h - 2.0 * MARGIN) / h);
    let (x, y) = ((page_w - w * scale) / 2.0, (page_h - h * scale) / 2.0);
    let mut content = Content::new();
    content
        .save_state()
        .transform([w * scale, 0.0, 0.0, h * scale, x, y])
        .x_object(Name(b"P"))
        .restore_state();
    pages.push((diagram_form, Rect::new(0.0, 0.0, page_w, page_h), content));
    for page in &text {
        let (page_form, w, h) = form(page, &mut next, &mut pdf)?;
        let mut content = Content::new();
        content
            .save_state()
            .transform([w, 0.0, 0.0, h, 0.0, 0.0])
            .x_object(Name(b"P"))
            .restore_state();
        pages.push((page_form, Rect::new(0.0, 0.0, A4.0, A4.1), content));
    }

    let page_ids: Vec<Ref> = pages.iter().map(|_| next.bump()).collect();
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    for ((form_id, media, content), page_id) in pages.into_iter().zip(&page_ids) {
        let content_id = next.bump();
        pdf.stream(content_id, &content.finish());
        let mut page = pdf.page(*page_id);
        page.media_box(media).parent(tree_id).contents(content_id);
        page.resources().x_objects().pair(Name(b"P"), form_id);
        page.finish();
    }
    let title = format!("{} · security review", design.meta.name);
    let mut info = pdf.document_info(info_id);
    info.title(TextStr(&title)).producer(TextStr("Palisade"));
    info.finish();
    out.write_all(&pdf.finish())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_spaces_within_the_width() {
        let text = "Publish the workload through Application Gateway with an enabled WAF policy";
        let lines = fit::wrap(text, 150.0, BODY, false, usize::MAX);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(fit::width(line, BODY, false) <= 150.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
        assert!(fit::wrap("", 100.0, BODY, false, usize::MAX).is_empty());
    }
}
