//! Findings' messages. The messages of one rule's findings live in a few shared chunks of text:
//! a check raises thousands of findings on a large design, and allocating and freeing each
//! message on its own cost about a fifth of the evaluation.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// What a finding says, naming its subject. Reads as a `str`.
#[derive(Clone)]
pub struct Message {
    /// The chunk of its report's messages this one is in.
    text: Arc<String>,
    start: u32,
    end: u32,
}

impl Message {
    /// The message written at `span`, in the chunks of its report's [`Messages`].
    pub(super) fn at(chunks: &[Arc<String>], span: Span) -> Self {
        Self {
            text: chunks
                .get(span.chunk as usize)
                .map_or_else(|| Arc::new(String::new()), Arc::clone),
            start: span.start,
            end: span.end,
        }
    }

    pub fn as_str(&self) -> &str {
        self.text
            .get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

/// Where a message was written in its report's [`Messages`].
#[derive(Clone, Copy)]
pub(super) struct Span {
    chunk: u32,
    start: u32,
    end: u32,
}

/// The messages of one report, written one after another into chunks. A chunk that has grown
/// to `CHUNK` bytes is set aside and a new one begun, so a large report never copies the text
/// it already holds, and small reports stay small.
#[derive(Default)]
pub(super) struct Messages {
    full: Vec<Arc<String>>,
    current: String,
}

/// Bytes after which a chunk is set aside.
const CHUNK: usize = 64 * 1024;

impl Messages {
    pub(super) fn write(&mut self, message: impl MessageText) -> Span {
        let start = self.current.len() as u32;
        message.write_to(&mut self.current);
        let span = Span {
            chunk: self.full.len() as u32,
            start,
            end: self.current.len() as u32,
        };
        if self.current.len() >= CHUNK {
            self.full.push(Arc::new(std::mem::take(&mut self.current)));
        }
        span
    }

    /// The chunks, to be shared by the messages (see [`Message::at`]).
    pub(super) fn finish(mut self) -> Vec<Arc<String>> {
        if !self.current.is_empty() {
            self.full.push(Arc::new(self.current));
        }
        self.full
    }
}

impl std::ops::Deref for Message {
    type Target = str;

    fn deref(&self) -> &str {
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
    use super::{CHUNK, Message, Messages};

    #[test]
    fn shared_messages_read_as_their_own_text() {
        let mut text = Messages::default();
        let spans = [
            text.write("first"),
            text.write(format_args!("{}", "second")),
        ];
        let chunks = text.finish();
        let messages: Vec<Message> = spans.iter().map(|&s| Message::at(&chunks, s)).collect();
        assert_eq!(messages[0], "first");
        assert_eq!(messages[1].as_str(), "second");
        assert!(messages[0] < messages[1]);
        assert_eq!(
            format!("{}|{:?}", messages[0], messages[1]),
            "first|\"second\""
        );
        let mut again = Messages::default();
        let span = again.write("first");
        assert_eq!(Message::at(&again.finish(), span), messages[0]);
    }

    #[test]
    fn long_reports_continue_in_new_chunks() {
        let mut text = Messages::default();
        let line = "x".repeat(1000);
        let spans: Vec<_> = (0..3 * CHUNK / 1000)
            .map(|i| text.write(format_args!("{i} {line}")))
            .collect();
        let chunks = text.finish();
        assert!(chunks.len() > 1, "{} chunks", chunks.len());
        let messages: Vec<Message> = spans.iter().map(|&s| Message::at(&chunks, s)).collect();
        assert!(messages.len() > 150);
        for (i, message) in messages.iter().enumerate() {
            assert_eq!(message.as_str(), format!("{i} {line}"));
        }
    }
}
