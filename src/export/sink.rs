//! Text reports written as they are made: a report is composed with `write!` into a small
//! buffer that goes to the output whenever it fills, so a report of 200,000 findings never sits
//! whole in memory.

use std::fmt;
use std::io;

/// How much text is gathered before it is written out.
const BUFFER: usize = 64 * 1024;

/// A `fmt::Write` target that passes its text on to an `io::Write`. The first write error is
/// kept (later text is dropped) and returned by [`Sink::finish`].
pub struct Sink<'a> {
    buffer: String,
    out: &'a mut dyn io::Write,
    error: Option<io::Error>,
}

impl<'a> Sink<'a> {
    pub fn new(out: &'a mut dyn io::Write) -> Self {
        Self {
            buffer: String::with_capacity(BUFFER + 1024),
            out,
            error: None,
        }
    }

    pub fn push_str(&mut self, text: &str) {
        self.buffer.push_str(text);
        if self.buffer.len() >= BUFFER {
            self.drain();
        }
    }

    pub fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    fn drain(&mut self) {
        if self.error.is_none()
            && let Err(e) = self.out.write_all(self.buffer.as_bytes())
        {
            self.error = Some(e);
        }
        self.buffer.clear();
    }

    /// Writes what is left; the first error any write met, if one did.
    pub fn finish(mut self) -> io::Result<()> {
        self.drain();
        match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        }
    }
}

impl fmt::Write for Sink<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.push_str(text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn text_arrives_whole_and_in_order() {
        let mut out = Vec::new();
        let mut sink = Sink::new(&mut out);
        for i in 0..50_000 {
            let _ = write!(sink, "{i},");
        }
        sink.push('!');
        sink.finish().expect("written");
        let expected: String = (0..50_000).map(|i| format!("{i},")).collect::<String>() + "!";
        assert_eq!(String::from_utf8(out).expect("utf-8"), expected);
    }

    #[test]
    fn the_first_write_error_is_returned() {
        struct Full;
        impl io::Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut full = Full;
        let mut sink = Sink::new(&mut full);
        sink.push_str("x");
        assert_eq!(sink.finish().expect_err("fails").to_string(), "disk full");
    }
}
