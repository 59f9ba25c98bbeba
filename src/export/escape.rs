//! Escaping of user text (names, labels, descriptions, notes) for each place it lands.
//!
//! Every export routes what users typed through one of these functions; nothing user-written is
//! ever concatenated into markup raw.

use std::borrow::Cow;

use crate::model::text::is_control;

/// Text for XML or HTML content and quoted attribute values: `& < > " '` become character
/// references, and characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) become U+FFFD
/// so one stray control character cannot make the whole SVG unparsable; so do C1 controls and
/// bidi overrides, which could make a name read as something else.
pub fn xml(text: &str) -> Cow<'_, str> {
    let needs = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'' | '\r') || !xml_char(c);
    if !text.chars().any(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // A raw carriage return would overwrite the line of a file shown in a terminal.
            '\r' => out.push_str("&#13;"),
            c if !xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether XML 1.0 allows the character in a document, and it is not a control character.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || (!is_control(c)
            && matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
}

/// Inline Markdown text (a paragraph, a list item or a table cell), for GitHub and other
/// CommonMark renderers: Markdown punctuation is backslash-escaped, `& < >` become entities so
/// no raw HTML survives, line breaks become spaces (they would end a table row), and `@` gets a
/// zero-width space so a name cannot mention (and notify) someone in a pull-request comment.
/// Bare URLs get one too (`https:` ZWSP `//`, `www` ZWSP `.`): GitHub links them after escapes
/// are read, so only a character between the parts stops it. `$` is escaped so no math is set.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        match c {
            ':' if text[i..].starts_with("://") => out.push_str(":\u{200B}"),
            '.' if text[..i].len() >= 3
                && text.is_char_boundary(i - 3)
                && text[i - 3..i].eq_ignore_ascii_case("www") =>
            {
                out.push_str("\u{200B}.");
            }
            '$' => out.push_str("\\$"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '!' | '|'
            | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@\u{200B}"),
            '\r' | '\n' => out.push(' '),
            c if is_control(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
/// A field a spreadsheet would read as a formula (starting with `= + - @`, tab or carriage
/// return) gets a leading `'` so it is shown as text and never evaluated. Control characters
/// other than tab and line feed become U+FFFD; carriage returns are dropped, so a cell shown in a
/// terminal cannot overwrite its line.
pub fn csv(text: &str) -> String {
    let mut field = String::with_capacity(text.len() + 4);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        field.push('\'');
    }
    field.extend(text.chars().filter(|&c| c != '\r').map(|c| match c {
        '\t' | '\n' => c,
        c if is_control(c) => '\u{FFFD}',
        c => c,
    }));
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

/// A URL for an `href`: only `https:` links (rule metadata points at learn.microsoft.com) are
/// kept; anything else becomes `None` so no `javascript:` or `data:` link can be written.
pub fn https_url(url: &str) -> Option<Cow<'_, str>> {
    let url = url.trim();
    url.strip_prefix("https://")
        .filter(|rest| !rest.is_empty() && !url.chars().any(char::is_whitespace))
        .map(|_| xml(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_replaces_forbidden_characters() {
        assert_eq!(xml("plain"), "plain");
        assert_eq!(
            xml(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(xml("a\u{0}b\u{1b}c\td"), "a\u{FFFD}b\u{FFFD}c\td");
    }

    #[test]
    fn markdown_neutralises_html_links_tables_and_mentions() {
        assert_eq!(
            markdown("<b>|[x](y)*_`@me"),
            "&lt;b&gt;\\|\\[x\\]\\(y\\)\\*\\_\\`@\u{200B}me"
        );
        assert_eq!(markdown("two\nlines"), "two lines");
    }

    #[test]
    fn markdown_breaks_autolinks_and_math() {
        assert_eq!(
            markdown("see https://evil.example and WWW.evil.example"),
            "see https:\u{200B}//evil.example and WWW\u{200B}.evil.example"
        );
        assert_eq!(markdown("$x^2$ costs $5"), "\\$x^2\\$ costs \\$5");
        assert_eq!(markdown("a.b www"), "a.b www");
    }

    #[test]
    fn control_characters_never_reach_a_report() {
        let hostile = "a\u{1b}[31m\u{9b}b\u{202e}c\u{2066}d\u{7}\r";
        for escaped in [xml(hostile).into_owned(), markdown(hostile), csv(hostile)] {
            assert!(!escaped.chars().any(is_control), "{escaped:?}");
            assert_eq!(escaped.matches('\u{FFFD}').count(), 5, "{escaped:?}");
        }
    }

    #[test]
    fn csv_quotes_per_rfc_4180_and_defuses_formulas() {
        assert_eq!(csv("plain"), "plain");
        assert_eq!(csv("a,b"), "\"a,b\"");
        assert_eq!(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv("=cmd|' /C calc'!A1"), "'=cmd|' /C calc'!A1");
        assert_eq!(csv("-2+3"), "'-2+3");
        assert_eq!(csv("@SUM(1)"), "'@SUM(1)");
        assert_eq!(csv("+1"), "'+1");
        assert_eq!(csv("\tx"), "'\tx");
        assert_eq!(csv("\rx"), "'x");
        assert_eq!(csv("a\r\nb"), "\"a\nb\"");
    }

    #[test]
    fn only_https_links_are_kept() {
        assert_eq!(
            https_url("https://learn.microsoft.com/a?b=1&c=2").as_deref(),
            Some("https://learn.microsoft.com/a?b=1&amp;c=2")
        );
        assert_eq!(https_url("javascript:alert(1)"), None);
        assert_eq!(https_url("http://example.com"), None);
        assert_eq!(https_url("https://"), None);
    }
}
