//! Where things are in a design file's text: map keys and element ids with their line and
//! column, so an error can point at a second occurrence and name the first. The parser gives
//! one position per error; these answers need two.
//!
//! A light scan of RON: strings, comments and brackets, nothing more. In RON braces only ever
//! hold maps, so a string followed by `:` directly inside braces is a map key.

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// A map key given twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Pos,
    pub second: Pos,
}

/// An `id: "..."` field of an element of a top-level list (`components`, `connections`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementId {
    pub list: String,
    pub id: String,
    pub at: Pos,
}

#[derive(Default)]
struct Scan {
    duplicates: Vec<DuplicateKey>,
    ids: Vec<ElementId>,
}

/// One open bracket: its character, the field that introduced it (`components: [`), and for
/// braces the keys seen so far.
struct Open {
    bracket: char,
    field: Option<String>,
    keys: Vec<(String, Pos)>,
}

/// The last thing read that a `:` may follow.
enum Last {
    Nothing,
    Text(String, Pos),
    Name(String),
}

fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut last = Last::Nothing;
    // The field whose value comes next (`field:` read, value not yet).
    let mut field: Option<String> = None;
    let mut chars = text.chars().peekable();
    let (mut line, mut column) = (1, 1);
    let advance = |c: char, line: &mut usize, column: &mut usize| {
        if c == '\n' {
            *line += 1;
            *column = 1;
        } else {
            *column += 1;
        }
    };
    while let Some(c) = chars.next() {
        let at = Pos { line, column };
        advance(c, &mut line, &mut column);
        match c {
            '"' => {
                let mut value = String::new();
                while let Some(c) = chars.next() {
                    advance(c, &mut line, &mut column);
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                advance(escaped, &mut line, &mut column);
                                value.push('\\');
                                value.push(escaped);
                            }
                        }
                        c => value.push(c),
                    }
                }
                // A string that is the value of an `id` field of a top-level list's element.
                if field.as_deref() == Some("id")
                    && stack.len() == 3
                    && stack[2].bracket == '('
                    && stack[1].bracket == '['
                    && let Some(list) = &stack[1].field
                {
                    out.ids.push(ElementId {
                        list: list.clone(),
                        id: value.clone(),
                        at,
                    });
                }
                field = None;
                last = Last::Text(value, at);
                continue;
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    advance(c, &mut line, &mut column);
                    if c == '\n' {
                        break;
                    }
                }
                continue;
            }
            '/' if chars.peek() == Some(&'*') => {
                // Block comments nest in RON.
                let mut depth = 0usize;
                let mut previous = c;
                for c in chars.by_ref() {
                    advance(c, &mut line, &mut column);
                    match (previous, c) {
                        ('/', '*') => {
                            depth += 1;
                            previous = ' ';
                            continue;
                        }
                        ('*', '/') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            previous = ' ';
                            continue;
                        }
                        _ => {}
                    }
                    previous = c;
                }
                continue;
            }
            '(' | '[' | '{' => stack.push(Open {
                bracket: c,
                field: field.take(),
                keys: Vec::new(),
            }),
            ')' | ']' | '}' => {
                stack.pop();
                field = None;
            }
            ':' => {
                match (
                    std::mem::replace(&mut last, Last::Nothing),
                    stack.last_mut(),
                ) {
                    (Last::Text(key, at), Some(map)) if map.bracket == '{' => {
                        if let Some((_, first)) = map.keys.iter().find(|(k, _)| *k == key) {
                            out.duplicates.push(DuplicateKey {
                                key: key.clone(),
                                first: *first,
                                second: at,
                            });
                        }
                        map.keys.push((key, at));
                    }
                    (Last::Name(name), _) => field = Some(name),
                    _ => {}
                }
                continue;
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut name = String::from(c);
                while let Some(&next) = chars.peek() {
                    if !(next.is_alphanumeric() || next == '_') {
                        break;
                    }
                    name.push(next);
                    advance(next, &mut line, &mut column);
                    chars.next();
                }
                last = Last::Name(name);
                continue;
            }
            _ => {}
        }
        if !c.is_whitespace() {
            last = Last::Nothing;
        }
    }
    out
}

/// Map keys given twice, in the order of their second occurrence.
pub fn duplicate_keys(text: &str) -> Vec<DuplicateKey> {
    scan(text).duplicates
}

/// The `id` of every element of the top-level lists, in file order.
pub fn element_ids(text: &str) -> Vec<ElementId> {
    scan(text).ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }

    #[test]
    fn a_key_given_twice_is_found_with_both_places() {
        let text = "(a: {\"x\": 1,\n \"y\": {\"x\": 2}, \"x\": 3})";
        assert_eq!(
            duplicate_keys(text),
            [DuplicateKey {
                key: "x".to_owned(),
                first: pos(1, 6),
                second: pos(2, 17),
            }]
        );
    }

    #[test]
    fn strings_and_comments_are_not_read_as_keys() {
        let text = "// {\"x\": 1, \"x\": 2}\n(a: {\"x\": \"{\\\"x\\\": 1}\", /* \"x\": /* nested */ */ \"y\": 1})";
        assert_eq!(duplicate_keys(text), []);
    }

    #[test]
    fn element_ids_name_their_list_and_place() {
        let text = "(meta: (name: \"m\"), components: [\n  (id: \"a\", kind: \"k\"),\n  (\n    id: \"b\",\n  ),\n], connections: [(id: \"a\", from: \"a\")])";
        let ids: Vec<(String, String, Pos)> = element_ids(text)
            .into_iter()
            .map(|e| (e.list, e.id, e.at))
            .collect();
        assert_eq!(
            ids,
            [
                ("components".to_owned(), "a".to_owned(), pos(2, 8)),
                ("components".to_owned(), "b".to_owned(), pos(4, 9)),
                ("connections".to_owned(), "a".to_owned(), pos(6, 23)),
            ]
        );
    }
}
