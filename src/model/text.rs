//! User text inside messages. Designs come from people the reader does not control, so a name
//! or kind quoted in a message is cut to a readable length and its control characters are shown
//! as escapes: a message can neither flood a terminal nor act on it.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// The most characters of a user value a message quotes; longer values end in `…`.
pub const QUOTE_LIMIT: usize = 80;

/// Whether a character can act on a terminal or reorder the text around it: C0 and C1 controls
/// (ESC, BEL, CR, BS, NUL, CSI ...), DEL, and the bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069).
pub fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The text with every control character written as an escape (`\n`, `\u{1b}`), so printing
/// it shows what it holds and does nothing else.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_inert(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_inert(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_control(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// A user value as a message quotes it: inert, and at most [`QUOTE_LIMIT`] characters.
pub fn short(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(QUOTE_LIMIT) {
        None => inert(text),
        Some((cut, _)) => {
            let mut out = inert(&text[..cut]).into_owned();
            out.push('…');
            Cow::Owned(out)
        }
    }
}

/// A name as messages print it: at most `limit` characters, then `…`. Reads as the kept part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clipped<'a> {
    kept: &'a str,
    cut: bool,
}

impl<'a> Clipped<'a> {
    pub fn new(text: &'a str, limit: usize) -> Self {
        match text.char_indices().nth(limit) {
            None => Self {
                kept: text,
                cut: false,
            },
            Some((end, _)) => Self {
                kept: &text[..end],
                cut: true,
            },
        }
    }
}

impl std::ops::Deref for Clipped<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        self.kept
    }
}

impl fmt::Display for Clipped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kept)?;
        if self.cut {
            f.write_char('…')?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(inert("plain name"), "plain name");
        assert_eq!(
            inert("a\u{1b}]0;owned\u{7}b\r\n\u{9b}2J\u{202e}x\u{2066}"),
            "a\\u{1b}]0;owned\\u{7}b\\r\\n\\u{9b}2J\\u{202e}x\\u{2066}"
        );
    }

    #[test]
    fn long_values_are_cut_with_an_ellipsis() {
        let long = "é".repeat(500);
        let quoted = short(&long);
        assert_eq!(quoted.chars().count(), QUOTE_LIMIT + 1);
        assert!(quoted.ends_with('…'));
        assert_eq!(short("short"), "short");
        assert_eq!(
            short(&"\u{1b}".repeat(100)).matches("\\u{1b}").count(),
            QUOTE_LIMIT
        );
    }

    #[test]
    fn clipped_names_keep_whole_characters() {
        let name = Clipped::new("ABCDÉFG", 4);
        assert_eq!(&*name, "ABCD");
        assert_eq!(name.to_string(), "ABCD…");
        assert_eq!(Clipped::new("ABC", 4).to_string(), "ABC");
    }
}
