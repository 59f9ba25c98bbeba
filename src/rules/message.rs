//! Findings' messages. The messages of one rule's findings live in a few shared chunks of text:
//! a check raises thousands of findings on a large design, and allocating and freeing each
//! message on its own cost about a fifth of the evaluation.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// What a finding says, naming its subject. Reads as a `str`.
#[derive(Clone)]
pub struct Message {
    /// The chunk of its report's messages this one is in; `None` while that chunk is still
    /// being written.
    text: Option<Arc<String>>,
    start: u32,
    end: u32,
}

impl Message {
    /// Points the message at `chunk`, the text its span is in, once that chunk is complete.
    pub(super) fn read_from(&mut self, chunk: &Arc<String>) {
        self.text = Some(Arc::clone(chunk));
    }

    #[inline]
    pub fn as_str(&self) -> &str {
        self.text
            .as_deref()
            .and_then(|text| text.get(self.start as usize..self.end as usize))
            .unwrap_or_default()
    }
}

/// The messages of one report, written one after another into chunks of text. A chunk is never
/// regrown: when it has too little room left for another message it is set aside and a new one
/// begun, twice as large up to `CHUNK`. Copying what a chunk holds on every doubling had been a
/// tenth of a large evaluation; and small reports stay small.
#[derive(Default)]
pub(super) struct Messages {
    current: String,
}

/// Largest chunk, in bytes.
const CHUNK: usize = 64 * 1024;
/// First chunk, in bytes.
const FIRST_CHUNK: usize = 1024;
/// Room a chunk must have left to take another message; longer messages still fit, by growing
/// the chunk.
const ROOM: usize = 512;

impl Messages {
    /// Makes room for the next message. Returns the chunk set aside to make it: the messages
    /// written since the last chunk was set aside are in it.
    pub(super) fn make_room(&mut self) -> Option<Arc<String>> {
        if self.current.capacity() - self.current.len() >= ROOM {
            return None;
        }
        let capacity = (self.current.capacity() * 2).clamp(FIRST_CHUNK, CHUNK);
        let full = std::mem::replace(&mut self.current, String::with_capacity(capacity));
        (!full.is_empty()).then(|| Arc::new(full))
    }

    /// Writes a message into the current chunk. It reads as empty until pointed at the chunk
    /// once that is set aside ([`Self::make_room`], [`Self::finish`]).
    pub(super) fn write(&mut self, message: impl MessageText) -> Message {
        let start = self.current.len() as u32;
        message.write_to(&mut self.current);
        Message {
            text: None,
            start,
            end: self.current.len() as u32,
        }
    }

    /// The last chunk, which the messages written since the last one set aside are in.
    pub(super) fn finish(self) -> Option<Arc<String>> {
        (!self.current.is_empty()).then(|| Arc::new(self.current))
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
    use std::sync::Arc;

    use super::{CHUNK, Message, Messages};

    /// Writes the messages as a report does, and points each at its chunk.
    fn write_all(texts: impl IntoIterator<Item = String>) -> (Vec<Message>, usize) {
        let mut text = Messages::default();
        let mut messages: Vec<Message> = Vec::new();
        let mut chunks = 0;
        let mut first_unread = 0;
        let mut read = |messages: &mut Vec<Message>, chunk: Arc<String>| {
            for message in &mut messages[first_unread..] {
                message.read_from(&chunk);
            }
            first_unread = messages.len();
            chunks += 1;
        };
        for message in texts {
            if let Some(chunk) = text.make_room() {
                read(&mut messages, chunk);
            }
            messages.push(text.write(message.as_str()));
        }
        if let Some(chunk) = text.finish() {
            read(&mut messages, chunk);
        }
        (messages, chunks)
    }

    #[test]
    fn shared_messages_read_as_their_own_text() {
        let mut text = Messages::default();
        assert!(text.make_room().is_none(), "nothing to set aside yet");
        let first = text.write("first");
        let second = text.write(format_args!("{}", "second"));
        assert_eq!(first, "", "unread until its chunk is set aside");
        let chunk = text.finish().expect("a chunk");
        let mut messages = [first, second];
        for message in &mut messages {
            message.read_from(&chunk);
        }
        assert_eq!(messages[0], "first");
        assert_eq!(messages[1].as_str(), "second");
        assert!(messages[0] < messages[1]);
        assert_eq!(
            format!("{}|{:?}", messages[0], messages[1]),
            "first|\"second\""
        );
        assert!(Messages::default().finish().is_none());
    }

    #[test]
    fn long_reports_continue_in_new_chunks() {
        let line = "x".repeat(300);
        let texts = (0..3 * CHUNK / 300).map(|i| format!("{i} {line}"));
        let (messages, chunks) = write_all(texts.clone());
        assert!(chunks > 3, "{chunks} chunks");
        assert_eq!(messages.len(), 3 * CHUNK / 300);
        for (message, text) in messages.iter().zip(texts) {
            assert_eq!(message.as_str(), text);
        }
    }

    #[test]
    fn messages_longer_than_a_chunk_fit() {
        let long = "y".repeat(3 * CHUNK);
        let texts = ["short".to_string(), long.clone(), "after".to_string()];
        let (messages, _) = write_all(texts);
        assert_eq!(messages[0], "short");
        assert_eq!(messages[1].as_str(), long);
        assert_eq!(messages[2], "after");
    }
}
