//! Character tests: Latin word boundaries, Han numerals, first-byte prefix and suffix tests.

/// Han numerals, which count months and units as digits do.
pub(super) fn is_cjk_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '〇'
            | '两'
            | '兩'
            | '几'
            | '幾'
            | '数'
            | '數'
    )
}

pub(super) fn marker_boundaries(text: &str, s: usize, e: usize, marker: &str) -> bool {
    (!starts_latin(marker) || boundary_before(text, s))
        && (!ends_latin(marker) || boundary_after(text, e))
}

/// `s.starts_with(p)`, testing the first byte inline: most calls fail there, and this
/// runs for every token at every number.
pub(super) fn has_prefix(s: &str, p: &str) -> bool {
    s.as_bytes().first() == p.as_bytes().first() && s.starts_with(p)
}

/// `s.ends_with(p)`, testing the last byte inline.
pub(super) fn has_suffix(s: &str, p: &str) -> bool {
    s.as_bytes().last() == p.as_bytes().last() && s.ends_with(p)
}

/// A letter or digit of a Latin-script word (ASCII, Latin-1, Latin Extended, Vietnamese).
pub(super) fn is_latin_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (c.is_alphabetic() && ((c as u32) < 0x0250 || (0x1E00..=0x1EFF).contains(&(c as u32))))
}

pub(super) fn starts_latin(token: &str) -> bool {
    token.chars().next().is_some_and(is_latin_word_char)
}

pub(super) fn ends_latin(token: &str) -> bool {
    token.chars().next_back().is_some_and(is_latin_word_char)
}

/// No Latin word character just before `i`.
pub(super) fn boundary_before(text: &str, i: usize) -> bool {
    !text[..i]
        .chars()
        .next_back()
        .is_some_and(is_latin_word_char)
}

/// No Latin word character at `i`.
pub(super) fn boundary_after(text: &str, i: usize) -> bool {
    !text[i..].chars().next().is_some_and(is_latin_word_char)
}
