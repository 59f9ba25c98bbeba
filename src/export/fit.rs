//! Text measurement with the bundled Inter metrics, for eliding names to fit their shapes.
//!
//! Kerning is ignored (it makes Inter text at most a few percent narrower), so a fitted string
//! never overflows.

use std::borrow::Cow;

use super::textwidth as tw;

/// The width of `text` set in Inter at `size` canvas units.
pub fn width(text: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = text.chars().map(|c| u32::from(advance(c, bold))).sum();
    units as f32 * size / tw::UNITS_PER_EM
}

fn advance(c: char, bold: bool) -> u16 {
    let table = |code: u32, lo: u32, regular: &[u16], heavy: &[u16]| {
        let i = (code - lo) as usize;
        if bold { heavy[i] } else { regular[i] }
    };
    let code = u32::from(c);
    let known = match code {
        0x20..=0x7E => table(code, 0x20, &tw::REGULAR_0020, &tw::BOLD_0020),
        0xA0..=0xFF => table(code, 0xA0, &tw::REGULAR_00A0, &tw::BOLD_00A0),
        _ => {
            let extra = if bold {
                tw::bold_extra(c)
            } else {
                tw::regular_extra(c)
            };
            extra.unwrap_or(0)
        }
    };
    if known > 0 || c.is_control() {
        return known;
    }
    // Unknown characters: a full em for wide scripts (CJK, Hangul, emoji), else a wide letter.
    let em = tw::UNITS_PER_EM as u16;
    if code >= 0x1100 { em } else { em * 3 / 4 }
}

/// `text` cut to fit `max_width`, ending in `…` when cut; a single line (line breaks become
/// spaces).
pub fn elide(text: &str, max_width: f32, size: f32, bold: bool) -> Cow<'_, str> {
    let text = text.trim();
    let single: Cow<'_, str> = if text.contains(['\n', '\r']) {
        Cow::Owned(text.replace(['\n', '\r'], " "))
    } else {
        Cow::Borrowed(text)
    };
    if width(&single, size, bold) <= max_width {
        return single;
    }
    let budget = max_width - width("…", size, bold);
    let mut used = 0.0;
    let mut end = 0;
    for (i, c) in single.char_indices() {
        let w = f32::from(advance(c, bold)) * size / tw::UNITS_PER_EM;
        if used + w > budget {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    let mut out = single[..end].trim_end().to_owned();
    out.push('…');
    Cow::Owned(out)
}

/// `text` broken into lines no wider than `max_width`: at spaces where it can, inside a word
/// too long for a line, and at the line breaks typed into it. At most `max_lines` lines; the
/// last ends in `…` when text is left over. Control characters other than line breaks are
/// dropped. The PDF report's paragraphs and the notes on the canvas both break text here.
pub fn wrap(text: &str, max_width: f32, size: f32, bold: bool, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    // Keeps a finished line; `false` once there is no room, which ends the wrapping.
    let keep = |lines: &mut Vec<String>, line: String| {
        let room = lines.len() < max_lines;
        if room {
            lines.push(line);
        }
        room
    };
    let mut overflow = false;
    'text: for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let word: String = word.chars().filter(|c| !c.is_control()).collect();
            let candidate = if line.is_empty() {
                word.clone()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size, bold) <= max_width {
                line = candidate;
                continue;
            }
            if !line.is_empty() && !keep(&mut lines, std::mem::take(&mut line)) {
                overflow = true;
                break 'text;
            }
            // A word wider than a line is broken where it reaches the edge.
            for c in word.chars() {
                line.push(c);
                if width(&line, size, bold) > max_width && line.chars().count() > 1 {
                    line.pop();
                    if !keep(&mut lines, std::mem::replace(&mut line, c.to_string())) {
                        overflow = true;
                        break 'text;
                    }
                }
            }
        }
        if !keep(&mut lines, line) {
            overflow = true;
            break;
        }
    }
    if overflow && let Some(last) = lines.last_mut() {
        *last = elide(&format!("{last}…"), max_width, size, bold).into_owned();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_keeps_typed_breaks_and_marks_what_is_cut() {
        let lines = wrap(
            "Private endpoints only\nno public access",
            120.0,
            12.0,
            false,
            10,
        );
        assert_eq!(lines, ["Private endpoints", "only", "no public access"]);
        for line in &lines {
            assert!(width(line, 12.0, false) <= 120.0);
        }
        let long = wrap(&"x".repeat(200), 120.0, 12.0, false, 10);
        assert!(long.len() > 1 && long.iter().all(|l| width(l, 12.0, false) <= 120.0));
        let cut = wrap("one two three four five six seven", 60.0, 12.0, false, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
        assert!(wrap("", 100.0, 12.0, false, 3).is_empty());
        assert!(
            wrap("a\u{1b}[31mb", 100.0, 12.0, false, 3)[0]
                .chars()
                .all(|c| !c.is_control())
        );
    }

    #[test]
    fn widths_grow_with_size_weight_and_length() {
        let regular = width("Key Vault", 14.0, false);
        assert!(regular > 50.0 && regular < 80.0, "{regular}");
        assert!(width("Key Vault", 14.0, true) > regular);
        assert!(width("Key Vault", 28.0, false) > 1.9 * regular);
        assert_eq!(width("", 14.0, false), 0.0);
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_and_fits() {
        assert_eq!(elide("Short", 100.0, 14.0, false), "Short");
        let long = "Production application gateway with WAF";
        let cut = elide(long, 100.0, 14.0, true);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(width(&cut, 14.0, true) <= 100.0);
        assert!(long.starts_with(cut.trim_end_matches('…')));
        assert_eq!(elide("a\nb", 100.0, 14.0, false), "a b");
        assert_eq!(elide("漢字漢字漢字漢字漢字", 30.0, 14.0, false), "漢…");
    }
}
