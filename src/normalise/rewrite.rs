//! The second pass: finds the words that may be disguised and collapses spaced letters.

use std::mem;

use unicode_normalization::char::is_combining_mark;

use super::disguise::{fix_word, latin_lookalike, leet_letter};
use super::scan::next_rewrite_candidate;
use super::span_map::SpanMap;

/// One character of a word being rewritten, and the original range that produced it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Unit {
    pub(super) c: char,
    pub(super) start: u32,
    pub(super) end: u32,
    /// The original character was a capital (Cyrillic `Н` looks like `H`, lowercase `н`
    /// less so; Greek `Η` like `H`, `η` like `n`).
    pub(super) upper: bool,
}

/// The second pass: undoes spaced-out letters, look-alike letters from other scripts and
/// leetspeak, word by word. Most words need nothing: words of ASCII letters are skipped in
/// bulk, and the text is only copied (in bulk, into `out`, then swapped in) once some
/// word changes.
#[derive(Debug, Default, Clone)]
pub(super) struct Rewrite {
    /// The word being rewritten.
    word: Vec<Unit>,
    out: Out,
}

/// The rewritten text and its map.
#[derive(Debug, Default, Clone)]
struct Out {
    text: String,
    spans: SpanMap,
}

/// The first pass output the second pass reads.
struct Source<'a> {
    original: &'a str,
    text: &'a str,
    spans: &'a SpanMap,
}

impl Source<'_> {
    /// The character at byte `p` of the text as a [`Unit`], and its length.
    fn unit(&self, p: usize) -> Option<(Unit, usize)> {
        if p >= self.text.len() {
            return None;
        }
        let (c, len) = char_at(self.text, p);
        let (start, end) = self.spans.get(p)?;
        let upper = self
            .original
            .get(start as usize..)
            .and_then(|s| s.chars().next())
            .is_some_and(char::is_uppercase);
        Some((
            Unit {
                c,
                start,
                end,
                upper,
            },
            len,
        ))
    }
}

impl Rewrite {
    pub(super) fn run<const SHORTCUTS: bool>(
        &mut self,
        original: &str,
        text: &mut String,
        spans: &mut SpanMap,
    ) {
        let src = Source {
            original,
            text,
            spans,
        };
        let bytes = src.text.as_bytes();
        let n = bytes.len();
        // `Some(k)`: `out` holds the rewritten text up to byte `k` of the source.
        let mut copied: Option<usize> = None;
        let mut i = 0;
        while i < n {
            // Words of ASCII letters only are skipped in bulk: they cannot change.
            if SHORTCUTS {
                i = next_rewrite_candidate(bytes, i);
                if i >= n {
                    break;
                }
            }
            if let Some(&b) = bytes.get(i)
                && b < 0x80
            {
                if REWRITE_CLASS[b as usize] == NOT_WORD {
                    i += 1;
                    continue;
                }
            } else {
                let (c, len) = char_at(src.text, i);
                if !in_word(c) {
                    i += len;
                    continue;
                }
            }
            let start = i;
            let (mut ascii_letters, mut symbols, mut non_ascii, mut chars) = (0, false, false, 0);
            while i < n {
                // Runs of ASCII letters (most of every word) are counted by their length.
                let run = bytes[i..]
                    .iter()
                    .take_while(|&&b| REWRITE_CLASS[b as usize] == LETTER)
                    .count();
                if run > 0 {
                    ascii_letters += run;
                    chars += run;
                    i += run;
                    continue;
                }
                if let Some(&b) = bytes.get(i)
                    && b < 0x80
                {
                    if REWRITE_CLASS[b as usize] != SYMBOL {
                        break;
                    }
                    symbols = true;
                    chars += 1;
                    i += 1;
                    continue;
                }
                let (c, len) = char_at(src.text, i);
                if !in_word(c) {
                    break;
                }
                non_ascii = true;
                chars += 1;
                i += len;
            }
            let end = i;
            if chars == 1 {
                // One-character words change only by collapsing into a spaced-out word.
                if SHORTCUTS && !may_start_spaced(bytes, start) {
                    i = end;
                    continue;
                }
                match collapse_spaced(&src, start, &mut self.word) {
                    Ok(next) => {
                        fix_word(&mut self.word, false);
                        self.out.replace(&src, &mut copied, start, next, &self.word);
                        i = next;
                    }
                    Err(scanned) => i = scanned.max(end),
                }
                continue;
            }
            // Only words mixing scripts or holding digits/symbols can change.
            let leet = symbols && ascii_letters >= 2;
            // Without the shortcuts, every candidate word is read unit by unit.
            if (non_ascii && ascii_letters > 0) || (leet && !SHORTCUTS) {
                self.word.clear();
                let mut p = start;
                while let Some((u, len)) = src.unit(p).filter(|_| p < end) {
                    self.word.push(u);
                    p += len;
                }
                if fix_word(&mut self.word, before_domain(&src, end)) {
                    self.out.replace(&src, &mut copied, start, end, &self.word);
                }
            } else if leet {
                // An ASCII word: only leetspeak can change it, which reads the characters
                // alone, so their original ranges are looked up only if it does.
                self.word.clear();
                let word = bytes.get(start..end).unwrap_or(&[]);
                self.word.extend(word.iter().map(|&b| Unit {
                    c: char::from(b),
                    start: 0,
                    end: 0,
                    upper: false,
                }));
                if fix_word(&mut self.word, before_domain(&src, end)) {
                    for (p, u) in (start..).zip(self.word.iter_mut()) {
                        (u.start, u.end) = src.spans.get(p).unwrap_or_default();
                    }
                    self.out.replace(&src, &mut copied, start, end, &self.word);
                }
            }
        }
        if let Some(k) = copied {
            self.out.copy(&src, k, n);
            mem::swap(text, &mut self.out.text);
            mem::swap(spans, &mut self.out.spans);
        }
    }
}

/// Whether the word ending at byte `end` is followed by ".letters", as in an e-mail
/// address ("name@mail.com": the `@` of an address is no leetspeak).
fn before_domain(src: &Source<'_>, end: usize) -> bool {
    src.text.as_bytes().get(end) == Some(&b'.')
        && end + 1 < src.text.len()
        && char_at(src.text, end + 1).0.is_alphanumeric()
}

/// Whether the one-character word at byte `i` may start letters spaced out; `false` is
/// sure ([`collapse_spaced`] would find nothing past the word), `true` needs it to look.
/// Cheap for what most such words are: "a" or "i" before a word, a lone digit.
fn may_start_spaced(bytes: &[u8], i: usize) -> bool {
    let Some(&first) = bytes.get(i) else {
        return false;
    };
    if first >= 0x80 {
        return true;
    }
    if !first.is_ascii_lowercase() {
        return false;
    }
    let Some(&sep) = bytes.get(i + 1) else {
        return false;
    };
    if sep >= 0x80 {
        return true;
    }
    if !is_separator(char::from(sep)) {
        return false;
    }
    // The next element must be one character: an ASCII one followed by a letter or
    // digit is the start of a word.
    match (bytes.get(i + 2), bytes.get(i + 3)) {
        (None, _) => false,
        (Some(&c), Some(&d)) => !(c < 0x80 && d.is_ascii_alphanumeric()),
        (Some(_), None) => true,
    }
}

impl Out {
    /// Copies source bytes `from..to` unchanged.
    fn copy(&mut self, src: &Source<'_>, from: usize, to: usize) {
        self.text.push_str(src.text.get(from..to).unwrap_or(""));
        self.spans.append(src.spans, from, to);
    }

    /// Writes `word` in place of source bytes `start..end`.
    fn replace(
        &mut self,
        src: &Source<'_>,
        copied: &mut Option<usize>,
        start: usize,
        end: usize,
        word: &[Unit],
    ) {
        let from = copied.unwrap_or_else(|| {
            self.text.clear();
            self.spans.clear();
            0
        });
        self.copy(src, from, start);
        for u in word {
            self.text.push(u.c);
            self.spans.push(u.start, u.end, u.c.len_utf8(), false);
        }
        *copied = Some(end);
    }
}

/// [`in_word`] for ASCII bytes, split into letters and the rest (digits and leetspeak
/// symbols), as the second pass asks of every byte of the words it looks at. Bytes of
/// other characters are `NOT_WORD` here (the pass decodes those), so a run of letters
/// needs one test a byte.
pub(super) const NOT_WORD: u8 = 0;
const LETTER: u8 = 1;
const SYMBOL: u8 = 2;
pub(super) static REWRITE_CLASS: [u8; 256] = {
    let mut table = [NOT_WORD; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() {
            LETTER
        } else if c.is_ascii_digit() || c == b'@' || c == b'$' || c == b'!' {
            SYMBOL
        } else {
            NOT_WORD
        };
        b += 1;
    }
    table
};

/// The character at byte `i` of `text` and its length (U+FFFD and 1 off a boundary,
/// which the callers never ask for).
pub(crate) fn char_at(text: &str, i: usize) -> (char, usize) {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => (b as char, 1),
        _ => match text.get(i..).and_then(|s| s.chars().next()) {
            Some(c) => (c, c.len_utf8()),
            None => ('\u{fffd}', 1),
        },
    }
}

/// Characters of a word for the second pass: letters, digits, marks, and the symbols
/// leetspeak uses inside words.
fn in_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || matches!(c, '@' | '$' | '!')
    } else {
        is_letter_digit_or_mark(c)
    }
}

/// Whether `c` is a letter, digit or combining mark (`char::is_alphanumeric` plus marks,
/// so that words in scripts with vowel signs stay whole). Common scripts are answered by
/// a range check: the general tables are a binary search, and were most of the cost of
/// normalising Chinese or Thai text.
pub fn is_letter_digit_or_mark(c: char) -> bool {
    match c as u32 {
        0x30..=0x39 | 0x41..=0x5A | 0x61..=0x7A => true,
        0..=0x7F
        | 0xA0..=0xA9
        | 0xAB..=0xB1
        | 0xB4
        | 0xB6..=0xB8
        | 0xBB
        | 0xBF
        | 0xD7
        | 0xF7
        | 0x482
        | 0x2000..=0x206F
        | 0x20A0..=0x20CF
        | 0x3000..=0x3004
        | 0x3008..=0x3020
        | 0x30FB => false,
        0xC0..=0x24F
        | 0x300..=0x36F
        | 0x400..=0x52F
        | 0xE01..=0xE3A
        | 0xE40..=0xE4E
        | 0xE50..=0xE59
        | 0x1E00..=0x1EFF
        | 0x3041..=0x3096
        | 0x3099..=0x309A
        | 0x309D..=0x309F
        | 0x30A1..=0x30FA
        | 0x30FC..=0x30FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7A3 => true,
        _ => c.is_alphanumeric() || is_combining_mark(c),
    }
}

/// If a run of at least four single letters separated by the same separator starts at
/// the one-character word at byte `i` ("t e l e g r a m", "w.h.a.t.s.a.p.p"), puts the
/// letters in `word` and returns `Ok` with the byte index just past them. Otherwise
/// returns `Err` with the end of the one-character words scanned: they cannot change, and
/// not scanning them again keeps "a 1 a 1 a 1 …" linear.
fn collapse_spaced(src: &Source<'_>, i: usize, word: &mut Vec<Unit>) -> Result<usize, usize> {
    let Some((first, first_len)) = src.unit(i) else {
        return Err(i + 1);
    };
    let sep = src.unit(i + first_len).map(|(u, len)| (u.c, len));
    let Some((sep, sep_len)) = sep.filter(|&(c, _)| is_spaced_letter(&first) && is_separator(c))
    else {
        return Err(i + first_len);
    };
    word.clear();
    word.push(first);
    // The run so far, and where it ends if cut after its last letter.
    let (mut end, mut kept, mut kept_end) = (i + first_len, 1, i + first_len);
    while let Some((u, len)) = src
        .unit(end + sep_len)
        .filter(|_| src.unit(end).is_some_and(|(s, _)| s.c == sep))
    {
        // A trailing "!" or "$" is punctuation after the run, not a letter glued to it.
        let single = src
            .unit(end + sep_len + len)
            .is_none_or(|(next, _)| !next.c.is_alphanumeric());
        if !single || !is_spaced_element(&u) {
            break;
        }
        word.push(u);
        end += sep_len + len;
        if is_spaced_letter(&u) {
            (kept, kept_end) = (word.len(), end);
        }
    }
    word.truncate(kept);
    let count = word.len();
    let ascii = word.iter().filter(|u| u.c.is_ascii_lowercase()).count();
    let letters = word.iter().filter(|u| is_spaced_letter(u)).count();
    // Mostly letters, and some of them Latin: "1 3 5 7" or Russian one-letter words
    // ("а в с к") stay as they are.
    if count < 4 || ascii == 0 || letters * 2 <= count {
        return Err(end);
    }
    Ok(kept_end)
}

fn is_spaced_letter(u: &Unit) -> bool {
    u.c.is_ascii_lowercase() || (!u.c.is_ascii() && latin_lookalike(u.c, u.upper).is_some())
}

fn is_spaced_element(u: &Unit) -> bool {
    is_spaced_letter(u) || leet_letter(u.c).is_some()
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        matches!(
            c,
            ' ' | '.' | '-' | '_' | '*' | '|' | '/' | '\\' | '~' | '+' | '=' | ':'
        )
    } else {
        !in_word(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::tests::{norm, quote};

    #[test]
    fn spaced_letters_collapse() {
        assert_eq!(
            norm("Contact us on T e l e g r a m now"),
            "contact us on telegram now"
        );
        assert_eq!(
            quote("Contact us on T e l e g r a m now", "telegram"),
            "T e l e g r a m"
        );
        assert_eq!(norm("W.h.a.t.s.A.p.p"), "whatsapp");
        assert_eq!(norm("t-e-l-e-g-r-a-m"), "telegram");
        assert_eq!(norm("T🔹e🔹l🔹e🔹g🔹r🔹a🔹m"), "telegram");
        assert_eq!(
            quote("T🔹e🔹l🔹e🔹g🔹r🔹a🔹m", "telegram"),
            "T🔹e🔹l🔹e🔹g🔹r🔹a🔹m"
        );
        assert_eq!(norm("message T e l e g r a m!"), "message telegram!");
        assert_eq!(norm("W h @ t s A p p"), "whatsapp");
        // Too short, mixed separators, or not letters: left alone.
        assert_eq!(norm("U.S.A. a b c"), "u.s.a. a b c");
        assert_eq!(norm("1 3 5 7 9"), "1 3 5 7 9");
        assert_eq!(norm("1.2.3.4"), "1.2.3.4");
        assert_eq!(norm("a. b. c. d."), "a. b. c. d.");
    }

    #[test]
    fn letter_ranges_agree_with_unicode_tables() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_letter_digit_or_mark(c),
                c.is_alphanumeric() || is_combining_mark(c),
                "{c:?}"
            );
        }
    }
}
