//! Reads template text as Azure accepts it: an optional byte-order mark, `//` and `/* */`
//! comments, CRLF line ends. Comments are blanked in place (newlines kept), so serde_json's
//! line and column numbers still point into the user's file.

use super::ImportError;

/// Templates larger than this are refused before parsing. Azure's own limit is 4 MB per
/// template; 64 MiB leaves room for generated templates while bounding memory.
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024 * 1024;

/// Parses template or parameter file bytes into JSON.
pub fn parse(bytes: &[u8], what: &str) -> Result<serde_json::Value, ImportError> {
    if bytes.len() > MAX_TEMPLATE_BYTES {
        return Err(ImportError::TooLarge {
            what: what.to_owned(),
            bytes: bytes.len(),
            limit: MAX_TEMPLATE_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(&bytes[..e.valid_up_to()]);
        ImportError::Syntax {
            what: what.to_owned(),
            line,
            column,
            message: "the file is not valid UTF-8 text".to_owned(),
        }
    })?;
    if text.trim().is_empty() {
        return Err(ImportError::Syntax {
            what: what.to_owned(),
            line: 1,
            column: 1,
            message: "the file is empty".to_owned(),
        });
    }
    let stripped = blank_comments(text).map_err(|(offset, message)| {
        let (line, column) = line_column(&text.as_bytes()[..offset]);
        ImportError::Syntax {
            what: what.to_owned(),
            line,
            column,
            message,
        }
    })?;
    // serde_json stops at 128 levels of nesting with an error, so deep input cannot overflow
    // the stack.
    serde_json::from_str(&stripped).map_err(|e| ImportError::Syntax {
        what: what.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or("")
            .to_owned(),
    })
}

/// 1-based line and column (in bytes) of the end of `prefix`.
fn line_column(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = prefix.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// The text with every comment replaced by spaces, keeping newlines (and so line numbers).
/// Fails, with the byte offset, on a comment that never ends.
fn blank_comments(text: &str) -> Result<String, (usize, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            out.push(b);
            match b {
                b'\\' if i + 1 < bytes.len() => {
                    out.push(bytes[i + 1]);
                    i += 1;
                }
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match (b, bytes.get(i + 1)) {
            (b'"', _) => {
                in_string = true;
                out.push(b);
                i += 1;
            }
            (b'/', Some(b'/')) => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    out.push(if bytes[i] == b'\r' { b'\r' } else { b' ' });
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => {
                let start = i;
                out.extend_from_slice(b"  ");
                i += 2;
                loop {
                    match (bytes.get(i), bytes.get(i + 1)) {
                        (Some(b'*'), Some(b'/')) => {
                            out.extend_from_slice(b"  ");
                            i += 2;
                            break;
                        }
                        (Some(&c), _) => {
                            out.push(if c == b'\n' || c == b'\r' { c } else { b' ' });
                            i += 1;
                        }
                        (None, _) => {
                            return Err((start, "a `/*` comment is never closed".to_owned()));
                        }
                    }
                }
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    // Only ASCII bytes outside strings were replaced (by ASCII spaces), so the text is still
    // UTF-8; the fallback never runs.
    String::from_utf8(out).map_err(|e| (e.utf8_error().valid_up_to(), "invalid UTF-8".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_bom_and_crlf_are_accepted() {
        let text = "\u{feff}{\r\n  // a line comment\r\n  \"a\": /* inline */ 1,\r\n  /* two\r\n lines */ \"b\": \"// not a comment\"\r\n}";
        let value = parse(text.as_bytes(), "template").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(value["a"], 1);
        assert_eq!(value["b"], "// not a comment");
    }

    #[test]
    fn errors_after_a_block_comment_keep_their_line() {
        let text = "{\n/* one\ntwo\nthree */\n\"a\": ,\n}";
        let Err(ImportError::Syntax { line, column, .. }) = parse(text.as_bytes(), "template")
        else {
            panic!("accepted")
        };
        assert_eq!((line, column), (5, 6));
    }

    #[test]
    fn an_unclosed_comment_is_reported_where_it_starts() {
        let Err(ImportError::Syntax {
            line,
            column,
            message,
            ..
        }) = parse(b"{\n  /* open", "template")
        else {
            panic!("accepted")
        };
        assert_eq!((line, column), (2, 3));
        assert!(message.contains("never closed"), "{message}");
    }

    #[test]
    fn deep_nesting_is_a_clean_error() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let Err(ImportError::Syntax { message, .. }) = parse(text.as_bytes(), "template") else {
            panic!("accepted")
        };
        assert!(message.contains("recursion limit"), "{message}");
    }
}
