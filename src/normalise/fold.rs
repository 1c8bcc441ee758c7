//! The first pass: Unicode NFKC, lowercase, invisibles, emoji and whitespace, with markup.

use std::mem;

use unicode_normalization::char::{
    canonical_combining_class, compose, decompose_compatible, is_combining_mark,
};

use super::NormalisedText;
use super::html::{entity, placeholder, tag_end};
use super::scan::{PLAIN, plain_run_end};

/// Longest run of decomposed characters composed together. Beyond it ("zalgo" text with
/// hundreds of stacked marks) the run is cut, as the Unicode stream-safe format does, so
/// that the cost stays linear in the input.
const MAX_SEGMENT: usize = 32;

impl NormalisedText {
    /// The first pass: HTML, placeholders, NFKC, lowercase, invisibles, emoji and
    /// whitespace, written straight into `text` and its map.
    pub(super) fn fold<const SHORTCUTS: bool>(&mut self, original: &str) {
        self.text.clear();
        self.spans.clear();
        self.seg.clear();
        self.latin_marks = LatinMarks::Unknown;
        let bytes = original.as_bytes();
        let n = bytes.len();
        // Once a search for `-->` has failed, every later one would too: remembering it
        // keeps adversarial input ("<!--" repeated) linear.
        let mut comment_ends = true;
        let mut i = 0;
        while i < n {
            let b = bytes[i];
            if PLAIN[b as usize] {
                // Fast path: printable ASCII (single spaces included) is NFKC-stable and
                // needs no segment, so a run of it is copied and lowercased in bulk. Its
                // last character stays out if a combining mark or entity may follow.
                let mut k = plain_run_end(bytes, i);
                let waits = |k: usize| {
                    let next = original.get(k..).and_then(|s| s.chars().next());
                    !(SHORTCUTS && next.is_some_and(ends_segment))
                };
                if k < n && (bytes[k] == b'&' || (bytes[k] >= 0x80 && waits(k))) {
                    k -= 1;
                }
                if k > i {
                    self.flush_segment();
                    self.push_ascii_run(original, i, k);
                    i = k;
                    continue;
                }
            }
            let at = i as u32;
            if b >= 0x80 {
                let Some(c) = original.get(i..).and_then(|s| s.chars().next()) else {
                    break;
                };
                // U+0300..U+037F: the marks Vietnamese is written with. Looked at once,
                // the first time one appears, so text without them pays nothing.
                if (b == 0xCC || b == 0xCD) && self.latin_marks == LatinMarks::Unknown {
                    self.latin_marks = LatinMarks::of(original);
                }
                let len = c.len_utf8();
                // A common symbol with ASCII other than `&` or `<` (which may bring a mark
                // or hide one behind an inline tag) after it forms a segment of its own.
                let alone = || {
                    bytes
                        .get(i + len)
                        .is_none_or(|&b| b < 0x80 && b != b'&' && b != b'<')
                };
                if SHORTCUTS && is_plain_symbol(c) && alone() {
                    self.flush_segment();
                    self.push_char(c, at, (i + len) as u32);
                } else {
                    self.feed_char(c, at, (i + len) as u32);
                }
                i += len;
                continue;
            }
            match b {
                b'<' => {
                    if let Some((end, spaced)) = tag_end(bytes, i, &mut comment_ends) {
                        if spaced {
                            self.flush_segment();
                            self.push_space(at, end as u32);
                        }
                        i = end;
                        continue;
                    }
                }
                b'&' => {
                    if let Some((c, end)) = entity(bytes, i) {
                        self.feed_char(c, at, end as u32);
                        i = end;
                        continue;
                    }
                }
                b'#' => {
                    if let Some((name, end)) = placeholder(bytes, i) {
                        self.push_placeholder(name, at, end as u32);
                        i = end;
                        continue;
                    }
                }
                _ => {}
            }
            match bytes.get(i + 1) {
                Some(&next) if next >= 0x80 || next == b'&' => {
                    self.feed_char(b as char, at, at + 1)
                }
                _ => {
                    self.flush_segment();
                    self.push_ascii(b, at, at + 1);
                }
            }
            i += 1;
        }
        self.flush_segment();
        if self.text.ends_with(' ') {
            self.text.pop();
            self.spans.truncate(self.text.len());
        }
    }

    fn push_ascii_run(&mut self, original: &str, start: usize, end: usize) {
        let Some(run) = original.get(start..end) else {
            return;
        };
        let from = self.text.len();
        self.text.push_str(run);
        if let Some(added) = self.text.get_mut(from..) {
            added.make_ascii_lowercase();
        }
        self.spans
            .push(start as u32, start as u32 + 1, end - start, true);
    }

    fn push_char(&mut self, c: char, start: u32, end: u32) {
        self.text.push(c);
        self.spans.push(start, end, c.len_utf8(), false);
    }

    /// Appends a caseless letter. Thai and Lao SARA AM stay one character (NFKC would
    /// split "ำ" into nikhahit + sara aa, which Thai text and lexicons never write), and a
    /// split one typed as two characters is joined.
    fn push_letter(&mut self, c: char, start: u32, end: u32) {
        let nikhahit = match c {
            '\u{e32}' => '\u{e4d}',
            '\u{eb2}' => '\u{ecd}',
            _ => return self.push_char(c, start, end),
        };
        if self.text.ends_with(nikhahit) {
            let at = self.text.len() - nikhahit.len_utf8();
            let first = self.spans.get(at).map_or(start, |(s, _)| s);
            self.text.truncate(at);
            self.spans.truncate(at);
            let am = if c == '\u{e32}' { '\u{e33}' } else { '\u{eb3}' };
            self.push_char(am, first, end);
        } else {
            self.push_char(c, start, end);
        }
    }

    /// Appends a space, merging it into a space just before (whitespace folding); a
    /// space at the very start is dropped (trimming).
    fn push_space(&mut self, start: u32, end: u32) {
        if self.text.ends_with(' ') {
            self.spans.extend_last(end);
        } else if !self.text.is_empty() {
            self.push_char(' ', start, end);
        }
    }

    fn push_ascii(&mut self, b: u8, start: u32, end: u32) {
        if b <= b' ' || b == 0x7f {
            self.push_space(start, end);
        } else {
            self.push_char(b.to_ascii_lowercase() as char, start, end);
        }
    }

    fn push_placeholder(&mut self, name: &str, start: u32, end: u32) {
        self.flush_segment();
        self.push_space(start, end);
        for c in name.chars() {
            self.push_char(c, start, end);
        }
        self.push_space(start, end);
    }

    /// Takes one original (or entity-decoded) character through invisibles, emoji and
    /// whitespace, and its decomposition into the composition segment.
    fn feed_char(&mut self, c: char, start: u32, end: u32) {
        if c.is_ascii() {
            self.flush_segment();
            if c <= ' ' || c == '\x7f' {
                self.push_space(start, end);
            } else {
                // No canonical composition has an ASCII second character, so the segment
                // before is complete; this one may still take combining marks.
                self.seg.push((c, 0));
                self.seg_start = start;
                self.seg_end = end;
            }
            return;
        }
        // The no-break space, most of the non-ASCII in English adverts, is a space
        // (`class_of` would find that last).
        if c == '\u{a0}' {
            self.flush_segment();
            self.push_space(start, end);
            return;
        }
        if is_inert(c) {
            self.flush_segment();
            self.push_letter(c, start, end);
            return;
        }
        match class_of(c) {
            CharClass::Invisible => {}
            CharClass::Space => {
                self.flush_segment();
                self.push_space(start, end);
            }
            CharClass::Letter(l) => self.feed_char(l, start, end),
            CharClass::Text if self.drops_mark(c) => self.seg_end = end,
            CharClass::Text => decompose_compatible(c, |d| self.feed_decomposed(d, start, end)),
        }
    }

    /// Whether `c`, written as a character of its own, is a combining mark on a Latin
    /// letter that matching leaves out ("fre\u{301}e" is "free"): a poster can put marks
    /// on any letter to dodge the lexicons. The letter's span still takes the mark in, so
    /// quotes show the text as written. Kept (and composed) in text written the
    /// Vietnamese decomposed way ([`LatinMarks::of`]).
    fn drops_mark(&self, c: char) -> bool {
        self.latin_marks != LatinMarks::Composed
            && self.seg.first().is_some_and(|&(s, _)| is_latin_letter(s))
            && is_combining_mark(c)
    }

    fn feed_decomposed(&mut self, d: char, start: u32, end: u32) {
        let ccc = canonical_combining_class(d);
        let complete = ccc == 0 && !self.seg.is_empty() && !self.joins_segment(d);
        if complete || self.seg.len() >= MAX_SEGMENT {
            self.flush_segment();
        }
        if self.seg.is_empty() {
            self.seg_start = start;
        }
        self.seg.push((d, ccc));
        self.seg_end = end;
    }

    /// Whether starter `d` composes with the pending segment (Hangul jamo, a few Indic
    /// vowel signs); otherwise the segment is complete.
    fn joins_segment(&mut self, d: char) -> bool {
        if d.is_ascii() {
            return false;
        }
        let tail = match self.seg[..] {
            [(c, 0)] => Some(c),
            _ => {
                let mut out = mem::take(&mut self.composed);
                let tail = compose_segment(&mut self.seg, &mut out);
                self.composed = out;
                tail
            }
        };
        tail.is_some_and(|t| compose(t, d).is_some())
    }

    #[inline]
    fn flush_segment(&mut self) {
        if !self.seg.is_empty() {
            self.flush_segment_now();
        }
    }

    /// Composes the pending segment and emits it; each output character maps to the
    /// whole segment's original range.
    fn flush_segment_now(&mut self) {
        let (start, end) = (self.seg_start, self.seg_end);
        match self.seg[..] {
            [] => {}
            [(c, _)] => {
                self.seg.clear();
                self.emit(c, start, end);
            }
            _ => {
                let mut out = mem::take(&mut self.composed);
                compose_segment(&mut self.seg, &mut out);
                self.seg.clear();
                // A mark left over on a Latin letter (no precomposed letter takes it) is
                // left out of matching, as in `drops_mark`.
                let latin = out.first().is_some_and(|&c| is_latin_letter(c));
                for &c in &out {
                    if !(latin && canonical_combining_class(c) != 0) {
                        self.emit(c, start, end);
                    }
                }
                self.composed = out;
            }
        }
    }

    /// Lowercases one NFKC character into the output.
    fn emit(&mut self, c: char, start: u32, end: u32) {
        if c.is_ascii() {
            self.push_ascii(c as u8, start, end);
        } else if c.is_whitespace() || c.is_control() {
            self.push_space(start, end);
        } else if c == '\u{130}' {
            // Turkish dotted capital I: full lowercase adds a combining dot ("i̇"), which
            // would keep "İstanbul" from matching "istanbul".
            self.push_char('i', start, end);
        } else if is_caseless(c) {
            self.push_letter(c, start, end);
        } else {
            for l in c.to_lowercase() {
                self.push_char(l, start, end);
            }
        }
    }
}

/// What the first pass does with combining marks written after Latin letters.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum LatinMarks {
    /// Not decided yet: no mark of U+0300..U+037F seen in this text.
    #[default]
    Unknown,
    /// Left out of matching (the letter stays, its span covers the marks).
    Dropped,
    /// Composed into precomposed letters (Vietnamese written decomposed).
    Composed,
}

impl LatinMarks {
    /// Vietnamese typed decomposed (NFD, or "Unicode tổ hợp": tone marks typed after
    /// precomposed vowels) must keep its diacritics, which carry meaning. It is told from
    /// marks put on letters to dodge filters by what only it does: every mark on a Latin
    /// letter is a Vietnamese one, at most two to a letter, and at least one is a hook
    /// above, dot below, horn or breve, or a tone on â ê ô ơ ư ă. One acute on an English
    /// word, or stacked "zalgo" marks, are not that.
    fn of(original: &str) -> LatinMarks {
        let (mut latin, mut vowel, mut run, mut telling) = (false, false, 0, false);
        for c in original.chars() {
            if is_combining_mark(c) {
                if !latin {
                    continue;
                }
                run += 1;
                let vietnamese = matches!(
                    c,
                    '\u{300}'
                        | '\u{301}'
                        | '\u{302}'
                        | '\u{303}'
                        | '\u{306}'
                        | '\u{309}'
                        | '\u{31b}'
                        | '\u{323}'
                );
                if run > 2 || !vietnamese {
                    return LatinMarks::Dropped;
                }
                telling |= vowel || matches!(c, '\u{306}' | '\u{309}' | '\u{31b}' | '\u{323}');
            } else {
                latin = is_latin_letter(c);
                vowel = matches!(
                    c,
                    'â' | 'ê' | 'ô' | 'ơ' | 'ư' | 'ă' | 'Â' | 'Ê' | 'Ô' | 'Ơ' | 'Ư' | 'Ă'
                );
                run = 0;
            }
        }
        if telling {
            LatinMarks::Composed
        } else {
            LatinMarks::Dropped
        }
    }
}

/// Whether `c` is a Latin letter (ASCII or the Latin blocks), the base whose marks
/// matching may leave out. Other scripts need their marks (Thai, Khmer, Devanagari,
/// Arabic harakat, Hangul jamo, kana voicing marks) and keep them.
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF)
            && c.is_alphabetic())
}

/// Whether `c` ends the pending composition segment whatever came before it (it is a
/// space or NFKC turns it into a starter that composes with nothing before it), so that
/// plain ASCII before it need not wait for it. Latin-1 symbols (bar the soft hyphen),
/// punctuation, currency and letterlike symbols: what English adverts hold besides ASCII.
fn ends_segment(c: char) -> bool {
    matches!(
        c as u32,
        0x80..=0xAC | 0xAE..=0xBF | 0x2010..=0x2027 | 0x2030..=0x205E | 0x20A0..=0x20C0 | 0x2100..=0x214F
    )
}

/// Common symbols that NFKC and lowercase leave alone and that combine with nothing
/// before them ([`ends_segment`]), so that one followed by ASCII is output as it is.
fn is_plain_symbol(c: char) -> bool {
    matches!(
        c,
        '¢' | '£'
            | '¥'
            | '¦'
            | '§'
            | '«'
            | '¬'
            | '°'
            | '±'
            | '¶'
            | '·'
            | '»'
            | '–'
            | '—'
            | '‘'
            | '’'
            | '‚'
            | '“'
            | '”'
            | '„'
            | '†'
            | '‡'
            | '‰'
            | '‹'
            | '›'
            | '€'
    )
}

/// Whether `c` is in a block without letter case (Hebrew to Tibetan, Myanmar, jamo,
/// Khmer, CJK, Hangul): lowercasing it is a table search that changes nothing.
fn is_caseless(c: char) -> bool {
    matches!(
        c as u32,
        0x590..=0xFFF
            | 0x1000..=0x109F
            | 0x1100..=0x11FF
            | 0x1780..=0x17FF
            | 0x2E80..=0x9FFF
            | 0xAC00..=0xD7AF
    )
}
/// Canonically orders and composes a segment of decomposed characters into `out`.
/// Returns the last starter if nothing follows it (so a further starter might compose
/// with it).
fn compose_segment(seg: &mut [(char, u8)], out: &mut Vec<char>) -> Option<char> {
    // Canonical ordering: a stable sort of each run of marks by combining class
    // (insertion sort: segments are at most MAX_SEGMENT long).
    for i in 1..seg.len() {
        let mut j = i;
        while j > 0 && seg[j].1 != 0 && seg[j - 1].1 > seg[j].1 {
            seg.swap(j - 1, j);
            j -= 1;
        }
    }
    // Canonical composition (UAX #15): a mark composes with the last starter unless a
    // character of equal or higher class (or a starter) stands between them.
    out.clear();
    let mut starter: Option<usize> = None;
    let mut last_ccc: Option<u8> = None;
    for &(c, ccc) in seg.iter() {
        if let Some(k) = starter {
            let blocked = last_ccc.is_some_and(|l| l >= ccc);
            if !blocked && let Some(composed) = compose(out[k], c) {
                out[k] = composed;
                continue;
            }
        }
        if ccc == 0 {
            starter = Some(out.len());
            last_ccc = None;
        } else if starter.is_some() {
            last_ccc = Some(ccc);
        }
        out.push(c);
    }
    match (starter, last_ccc) {
        (Some(k), None) => out.get(k).copied(),
        _ => None,
    }
}

/// Whether `c` is untouched by NFKC and lowercase and composes with nothing on either
/// side (CJK ideographs, Thai consonants and vowels that are no marks), so it can skip
/// the segment machinery. Thai and Lao SARA AM are kept whole on purpose (see
/// `push_letter`).
fn is_inert(c: char) -> bool {
    matches!(
        c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xE01..=0xE30 | 0xE32 | 0xE33 | 0xEB3 | 0xE40..=0xE46
    )
}

/// What the first pass does with one non-ASCII character.
enum CharClass {
    /// Dropped.
    Invisible,
    /// Becomes a space (whitespace, controls, emoji, pictographs).
    Space,
    /// Stands for this ASCII letter (negative circled/squared letters, which NFKC keeps).
    Letter(char),
    /// Goes through NFKC.
    Text,
}

fn class_of(c: char) -> CharClass {
    let cp = c as u32;
    match cp {
        // Soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers,
        // Khmer inherent vowels, Mongolian selectors, zero-width space/joiners, bidi
        // marks/embeddings/isolates, word joiner and invisible operators, keycap
        // enclosure, variation selectors, BOM, interlinear annotation, musical format
        // controls, tags and variation selectors supplement. Variation selectors are
        // dropped rather than spaced: after an emoji the emoji is already a space, and
        // after a letter a space would split the word.
        0xAD
        | 0x34F
        | 0x61C
        | 0x115F
        | 0x1160
        | 0x17B4
        | 0x17B5
        | 0x180B..=0x180F
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x206F
        | 0x20E3
        | 0x3164
        | 0xFE00..=0xFE0F
        | 0xFEFF
        | 0xFFA0
        | 0xFFF9..=0xFFFB
        | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF => CharClass::Invisible,
        // Negative circled and negative squared Latin capitals (🅐, 🅰): letters in disguise.
        0x1F150..=0x1F169 => CharClass::Letter(char::from(b'A' + (cp - 0x1F150) as u8)),
        0x1F170..=0x1F189 => CharClass::Letter(char::from(b'A' + (cp - 0x1F170) as u8)),
        // Enclosed alphanumerics/ideographs that NFKC turns into letters (🄰 → A) are
        // text; the rest of the block (regional indicators, 🆗) is pictographic.
        0x1F100..=0x1F1E5 | 0x1F200..=0x1F2FF => {
            if has_compat_decomposition(c) {
                CharClass::Text
            } else {
                CharClass::Space
            }
        }
        // Emoji and pictographs, arrows, technical symbols (⌚ ⏰), geometric shapes
        // (► ●), bullets, trademark signs (NFKC would glue "tm" to the word before).
        0x1F000..=0x1FAFF
        | 0x2600..=0x27BF
        | 0x2B00..=0x2BFF
        | 0x2190..=0x21FF
        | 0x2300..=0x23FF
        | 0x25A0..=0x25FF
        | 0x2022
        | 0x2023
        | 0x2043
        | 0x2120
        | 0x2122
        | 0x2139
        | 0x3030
        | 0x303D
        | 0xA9
        | 0xAE => CharClass::Space,
        _ if c.is_whitespace() || c.is_control() => CharClass::Space,
        _ => CharClass::Text,
    }
}

fn has_compat_decomposition(c: char) -> bool {
    let mut changed = false;
    decompose_compatible(c, |d| changed |= d != c);
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::tests::{norm, quote};
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn nfkc_fullwidth_and_friends() {
        assert_eq!(norm("ＷｈａｔｓＡｐｐ"), "whatsapp");
        assert_eq!(
            quote("Add ＷｈａｔｓＡｐｐ now", "whatsapp"),
            "ＷｈａｔｓＡｐｐ"
        );
        assert_eq!(quote("ＷｈａｔｓＡｐｐ", "a"), "ａ");
        assert_eq!(norm("𝐓𝐞𝐥𝐞𝐠𝐫𝐚𝐦 ⓣⓔⓛ ﬁne ５０００"), "telegram tel fine 5000");
        assert_eq!(norm("🅣🅔🅛🅔🅖🅡🅐🅜"), "telegram");
    }

    #[test]
    fn nfkc_composes_across_characters() {
        // In Vietnamese typed decomposed, marks compose (in canonical order); each letter
        // maps to its original characters.
        assert_eq!(norm("Vie\u{323}\u{302}c la\u{300}m"), "việc làm");
        assert_eq!(
            quote("Vie\u{323}\u{302}c la\u{300}m", "ệ"),
            "e\u{323}\u{302}"
        );
        assert_eq!(norm("a\u{301}\u{323} o\u{31b}"), "ạ ơ");
        // Conjoining jamo compose into a syllable.
        assert_eq!(norm("\u{1100}\u{1161}\u{11a8}"), "각");
        // Zalgo text is cut into bounded segments, not composed quadratically (on a Greek
        // letter: on a Latin one the marks are left out, as they come).
        let zalgo: String = std::iter::once('α')
            .chain(std::iter::repeat_n('\u{301}', 1000))
            .collect();
        assert_eq!(norm(&zalgo).chars().count(), 1000);
        let latin = zalgo.replace('α', "a");
        assert_eq!(norm(&latin), "a");
        assert_eq!(quote(&latin, "a"), latin);
    }

    #[test]
    fn marks_typed_on_latin_letters_are_left_out_and_quoted() {
        // One acute composes into "é" in NFC, yet still dodges "free": left out.
        assert_eq!(norm("Fre\u{301}e FLIGHT"), "free flight");
        assert_eq!(quote("Fre\u{301}e FLIGHT", "free"), "Fre\u{301}e");
        // Stacked "zalgo" marks, marks no letter takes, marks beyond U+036F and an
        // entity-written mark: all left out.
        let zalgo =
            "p\u{336}\u{317}a\u{301}\u{35c}\u{308}s\u{489}s\u{1dc0}port c\u{20d7}v fre&#769;e";
        assert_eq!(norm(zalgo), "passport cv free");
        assert_eq!(
            quote(zalgo, "passport"),
            &zalgo[..zalgo.find(" c").unwrap_or(0)]
        );
        // Precomposed letters keep their diacritics (only typed marks go).
        assert_eq!(
            norm("Café São Paulo déplacement"),
            "café são paulo déplacement"
        );
        assert_eq!(norm("café\u{301}"), "café");
        // Vietnamese typed decomposed, fully (NFD) or tones after precomposed vowels
        // ("Unicode tổ hợp"), keeps every diacritic: it tells words apart.
        let nfd = "Tuye\u{302}\u{309}n du\u{323}ng, lu\u{31b}o\u{31b}ng cao, bao a\u{306}n o\u{31b}\u{309}";
        assert_eq!(norm(nfd), "tuyển dụng, lương cao, bao ăn ở");
        assert_eq!(
            norm("Tuyê\u{309}n du\u{323}ng lương cao"),
            "tuyển dụng lương cao"
        );
        assert_eq!(norm("Viê\u{323}c la\u{300}m"), "việc làm");
        // ... and a mark no Vietnamese letter takes is still left out there.
        assert_eq!(norm("Vie\u{323}\u{302}c b\u{301}"), "việc b");
        // Other scripts keep their marks: Thai, Khmer, Devanagari, Arabic harakat,
        // Hangul jamo, kana voicing marks, Cyrillic.
        for s in [
            "สมัครงาน",
            "ការងារ",
            "नौकरी",
            "عَمَل",
            "\u{1100}\u{1161}\u{11a8}",
            "カ\u{3099}",
            "и\u{306}",
        ] {
            let keeps: String = s.nfkc().collect::<String>().to_lowercase();
            assert_eq!(norm(s), keeps, "{s:?}");
        }
    }

    #[test]
    fn unicode_lowercase_keeps_diacritics_and_scripts() {
        assert_eq!(norm("LƯƠNG CAO Việc Làm"), "lương cao việc làm");
        assert_eq!(norm("İSTANBUL ΣΟΦΙΑ"), "istanbul σοφια");
        assert_eq!(norm("Работа в Москве"), "работа в москве");
    }

    #[test]
    fn invisible_characters_removed() {
        assert_eq!(
            norm("Tele\u{200b}gram what\u{200d}s\u{2060}app pass\u{ad}port \u{feff}x"),
            "telegram whatsapp passport x"
        );
        assert_eq!(quote("Tele\u{200b}gram", "telegram"), "Tele\u{200b}gram");
        assert_eq!(norm("T\u{fe0f}elegram"), "telegram");
    }

    #[test]
    fn emoji_become_spaces() {
        assert_eq!(norm("Great pay💰💰apply now🔥!"), "great pay apply now !");
        assert_eq!(
            norm("👨\u{200d}👩\u{200d}👧 family ❤️ job ✈️visa"),
            "family job visa"
        );
        assert_eq!(norm("🇹🇭 Thailand"), "thailand");
    }

    #[test]
    fn whitespace_kinds_folded() {
        assert_eq!(
            norm("ab\u{a0}cd\u{3000}ef\u{2003}\u{2028}gh\u{85}ij"),
            "ab cd ef gh ij"
        );
        // Single letters separated by whitespace of any kind are spaced-out words.
        assert_eq!(norm("a\u{a0}b\u{3000}c\u{2003}\u{2028}d"), "abcd");
    }

    #[test]
    fn thai_and_chinese_unchanged_but_spacing() {
        assert_eq!(norm("งานดี  รายได้สูง\n"), "งานดี รายได้สูง");
        assert_eq!(norm("高薪工作\u{3000}包吃住"), "高薪工作 包吃住");
        assert_eq!(quote("高薪工作\u{3000}包吃住", "包吃"), "包吃");
        // SARA AM stays whole (NFKC would split it), and a split one is joined.
        assert_eq!(
            norm("ทำงาน ท\u{e4d}\u{e32}งาน ເຮັດວຽກ ຄຳ"),
            "ทำงาน ทำงาน ເຮັດວຽກ ຄຳ"
        );
        assert_eq!(quote("ท\u{e4d}\u{e32}งาน", "ทำ"), "ท\u{e4d}\u{e32}");
        assert_eq!(
            norm("မြန်မာ ភាសាខ្មែរ 한국어 日本語のテキスト"),
            "မြန်မာ ភាសាខ្មែរ 한국어 日本語のテキスト"
        );
    }

    #[test]
    fn inert_and_caseless_blocks_agree_with_nfkc_and_lowercase() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if is_inert(c) && !matches!(c, '\u{e33}' | '\u{eb3}') {
                assert_eq!(
                    std::iter::once(c).nfkc().collect::<String>(),
                    c.to_string(),
                    "{c:?}"
                );
                assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            }
            if is_inert(c) || is_caseless(c) {
                assert_eq!(c.to_lowercase().collect::<String>(), c.to_string(), "{c:?}");
            }
        }
    }

    #[test]
    fn segment_shortcuts_agree_with_unicode_tables() {
        use unicode_normalization::char::decompose_canonical;
        // Characters that compose with something before them: the last character of
        // every canonical decomposition (Hangul jamo included).
        let mut seconds = std::collections::HashSet::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut parts = Vec::new();
            decompose_canonical(c, |d| parts.push(d));
            if parts.len() > 1
                && let Some(&last) = parts.last()
            {
                seconds.insert(last);
            }
        }
        let first_decomposed = |c: char| {
            let mut first = None;
            decompose_compatible(c, |d| {
                first.get_or_insert(d);
            });
            first.unwrap_or(c)
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if ends_segment(c) {
                match class_of(c) {
                    CharClass::Space => {}
                    CharClass::Text => {
                        let d = first_decomposed(c);
                        assert_eq!(canonical_combining_class(d), 0, "{c:?}");
                        assert!(!seconds.contains(&d), "{c:?}");
                        assert!(!is_inert(c), "{c:?}");
                    }
                    _ => panic!("{c:?} is dropped or a letter"),
                }
            }
            if is_plain_symbol(c) {
                assert!(ends_segment(c), "{c:?}");
                assert!(matches!(class_of(c), CharClass::Text), "{c:?}");
                let mut nfkc = Vec::new();
                decompose_compatible(c, |d| nfkc.push(d));
                assert_eq!(nfkc, [c], "{c:?}");
                assert_eq!(c.to_lowercase().collect::<String>(), c.to_string(), "{c:?}");
                assert!(
                    !c.is_whitespace() && !c.is_control() && !is_caseless(c),
                    "{c:?}"
                );
            }
        }
    }
}
