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

#[cfg(test)]
mod tests {
    use super::*;

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
