//! Findings' messages. The messages of one rule's findings live in one shared allocation: a
//! check raises thousands of findings on a large design, and allocating and freeing each
//! message on its own cost about a tenth of the evaluation.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

/// What a finding says, naming its subject. Reads as a `str`.
#[derive(Clone)]
pub struct Message {
    /// All messages of the report this one came from.
    text: Arc<str>,
    start: u32,
    end: u32,
}

impl Message {
    /// Messages over `text`, one per range.
    pub(super) fn share(text: String, ranges: &[Range<u32>]) -> impl Iterator<Item = Self> + '_ {
        let text: Arc<str> = Arc::from(text);
        ranges.iter().map(move |range| Self {
            text: Arc::clone(&text),
            start: range.start,
            end: range.end,
        })
    }

    pub fn as_str(&self) -> &str {
        self.text
            .get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Self {
            text: Arc::from(text),
            start: 0,
            end: text.len() as u32,
        }
    }
}

impl std::ops::Deref for Message {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Message {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Message {}

impl PartialEq<str> for Message {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Message {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Message {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Message {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A finding's message as a rule gives it: finished text, or `format_args!`, which is written
/// straight into the report's shared text.
pub trait MessageText {
    fn write_to(self, text: &mut String);
}

impl MessageText for String {
    fn write_to(self, text: &mut String) {
        text.push_str(&self);
    }
}

impl MessageText for &str {
    fn write_to(self, text: &mut String) {
        text.push_str(self);
    }
}

impl MessageText for fmt::Arguments<'_> {
    fn write_to(self, text: &mut String) {
        use fmt::Write as _;
        // Writing to a String cannot fail.
        let _ = text.write_fmt(self);
    }
}

#[cfg(test)]
mod tests {
    use super::Message;

    #[test]
    fn shared_messages_read_as_their_own_text() {
        let messages: Vec<Message> =
            Message::share("firstsecond".to_owned(), &[0..5, 5..11]).collect();
        assert_eq!(messages[0], "first");
        assert_eq!(messages[1].as_str(), "second");
        assert!(messages[0] < messages[1]);
        assert_eq!(
            format!("{}|{:?}", messages[0], messages[1]),
            "first|\"second\""
        );
        assert_eq!(Message::from("first"), messages[0]);
    }
}
