//! Stage 2: tokens. Splits normalised text into word tokens (space-delimited scripts)
//! and character bigrams (scripts written without spaces), each with its byte span
//! in the normalised text.
//!
//! Words are runs of letters, digits and combining marks (so Devanagari or Vietnamese
//! words stay whole); apostrophes, hyphens and other punctuation split them. Digits with
//! internal `,`/`.` separators ("2,500", "1.000.000", "3.5") form one number. The EMSCAD
//! placeholders `#url#`, `#email#`, `#phone#` are tokens of their own. Han, kana, Thai,
//! Lao, Khmer and Myanmar are written without spaces between words: each run of them
//! gives overlapping character bigrams (a lone character gives itself). Hangul is written
//! with spaces and gives words.
//!
//! What it does not do: no dictionary word segmentation, stemming or stop words, and it
//! does not normalise (run [`crate::normalise`] first). It allocates nothing.
//!
//! [`Tokens`] iterates over the tokens in text order (an iterator, so that a caller's
//! loop body is compiled into the scan) and allocates nothing.

use unicode_normalization::char::is_combining_mark;

use crate::normalise::{char_at, is_letter_digit_or_mark};

/// What kind of token this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word in a space-delimited script (letters, possibly with digits).
    Word,
    /// A number (digits with internal separators).
    Number,
    /// An EMSCAD placeholder such as `#url#`, `#email#`, `#phone#`.
    Placeholder,
    /// Two adjacent characters of a script written without spaces (or a lone one).
    Bigram,
}

/// One token: a slice of the normalised text and its byte span there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token text (a slice of the normalised text).
    pub text: &'a str,
    /// Byte offset of the token in the normalised text.
    pub start: usize,
    /// Byte offset one past the token's end in the normalised text.
    pub end: usize,
    /// What kind of token it is.
    pub kind: TokenKind,
}

/// The placeholders [`crate::normalise`] writes for EMSCAD's anonymised links, addresses
/// and phone numbers.
const PLACEHOLDERS: [&[u8]; 3] = [b"#url#", b"#email#", b"#phone#"];

/// The tokens of a text, in order (by start offset). An iterator rather than a
/// callback, so that a caller's loop body is compiled into the tokeniser's loop: the
/// n-gram walk runs once per token, and a call per token cost as much as the token.
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    text: &'a str,
    /// Where the scan goes on.
    at: usize,
    /// Inside a run of an unspaced script: where the run and its latest character start.
    run: Option<UnspacedRun>,
}

#[derive(Debug, Clone, Copy)]
struct UnspacedRun {
    start: usize,
    prev: usize,
}

impl<'a> Tokens<'a> {
    /// The tokens of `text`.
    pub fn new(text: &'a str) -> Self {
        Tokens {
            text,
            at: 0,
            run: None,
        }
    }

    /// The next bigram of the current unspaced run, or the run's only character when it
    /// ends after one; `None` once the run has ended.
    #[inline(always)]
    fn next_in_run(&mut self, run: UnspacedRun) -> Option<Token<'a>> {
        let i = self.at;
        if i < self.text.len() {
            let (c, len) = char_at(self.text, i);
            // A stray combining mark after the run stays with it rather than forming a word.
            if is_unspaced(c) || (c >= '\u{300}' && is_combining_mark(c)) {
                self.run = Some(UnspacedRun { prev: i, ..run });
                self.at = i + len;
                return token(self.text, run.prev, i + len, TokenKind::Bigram);
            }
        }
        self.run = None;
        if run.prev == run.start {
            return token(self.text, run.start, i, TokenKind::Bigram);
        }
        None
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    #[inline(always)]
    fn next(&mut self) -> Option<Token<'a>> {
        let text = self.text;
        let bytes = text.as_bytes();
        loop {
            if let Some(run) = self.run {
                match self.next_in_run(run) {
                    Some(tok) => return Some(tok),
                    None => continue,
                }
            }
            let i = self.at;
            let &b = bytes.get(i)?;
            if b < 0x80 {
                // ASCII (most of most adverts) is decided by the byte alone.
                if ASCII_WORD[usize::from(b)] != 0 {
                    let (end, kind) = word(text, i);
                    self.at = end;
                    match token(text, i, end, kind) {
                        Some(tok) => return Some(tok),
                        None => continue,
                    }
                }
                if b == b'#'
                    && let Some(p) = PLACEHOLDERS
                        .iter()
                        .find(|p| bytes.get(i..i + p.len()) == Some(**p))
                {
                    self.at = i + p.len();
                    match token(text, i, i + p.len(), TokenKind::Placeholder) {
                        Some(tok) => return Some(tok),
                        None => continue,
                    }
                }
                self.at = i + 1;
                continue;
            }
            let (c, len) = char_at(text, i);
            if is_unspaced(c) {
                self.run = Some(UnspacedRun { start: i, prev: i });
                self.at = i + len;
            } else if is_word_char(c) {
                let (end, kind) = word(text, i);
                self.at = end;
                if let Some(tok) = token(text, i, end, kind) {
                    return Some(tok);
                }
            } else {
                self.at = i + len;
            }
        }
    }
}

/// Whether `c` belongs to a script written without spaces between words (Han, kana,
/// Thai, Lao, Khmer, Myanmar). Punctuation of those blocks (`。` is elsewhere, but `・`,
/// `ฯ`, `။` are inside) separates runs.
pub fn is_unspaced(c: char) -> bool {
    let in_block = matches!(c as u32,
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F | 0xA9E0..=0xA9FF | 0xAA60..=0xAA7F // Myanmar
        | 0x1780..=0x17FF | 0x19E0..=0x19FF // Khmer
        | 0x3005..=0x3007 // 々 〆 〇
        | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F | 0x1B000..=0x1B16F // kana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF // Han
    );
    in_block && is_letter_digit_or_mark(c)
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_letter_digit_or_mark(c)
    }
}

/// The token `start..end` of `text` (none off a char boundary, which the scan never
/// produces).
#[inline(always)]
fn token(text: &str, start: usize, end: usize, kind: TokenKind) -> Option<Token<'_>> {
    text.get(start..end).map(|t| Token {
        text: t,
        start,
        end,
        kind,
    })
}

/// Per byte: 1 for ASCII letters and digits, else 0 (bytes of non-ASCII characters
/// too). A table, as the word loop runs over nearly every byte of an advert.
static ASCII_WORD: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() as u8;
        b += 1;
    }
    table
};

/// The end and kind of the word or number starting at `start`.
#[inline(always)]
fn word(text: &str, start: usize) -> (usize, TokenKind) {
    let bytes = text.as_bytes();
    // Most words are ASCII letters and digits ending within 16 bytes: their end is found
    // from a bit mask of the 16 bytes, without a branch per byte (the byte loop's exit
    // mispredicted on most words, their lengths varying).
    if let Some(chunk) = bytes.get(start..start.wrapping_add(16))
        && let Ok(chunk) = <&[u8; 16]>::try_from(chunk)
    {
        let (len, first_letter) = ascii_word_in(chunk);
        let numeric = first_letter >= len;
        // The word ends at an ASCII byte, which is no separator inside a number.
        if let Some(&next) = chunk.get(len)
            && next < 0x80
            && !(numeric && matches!(next, b',' | b'.'))
        {
            let kind = if numeric {
                TokenKind::Number
            } else {
                TokenKind::Word
            };
            return (start + len, kind);
        }
    }
    word_bytewise(text, start)
}

/// The length of the run of ASCII letters and digits `chunk` starts with (16 if it
/// fills it), and the index of its first ASCII letter (16 if none): each half
/// classified eight bytes at a time in a `u64`, then the first flag of each kind found
/// with one count of trailing zeros.
#[inline(always)]
fn ascii_word_in(chunk: &[u8; 16]) -> (usize, usize) {
    let (lo, hi) = chunk.split_at(8);
    let half = |h: &[u8]| <[u8; 8]>::try_from(h).map_or(0, u64::from_le_bytes);
    let (stops_lo, letters_lo) = classify8(half(lo));
    let (stops_hi, letters_hi) = classify8(half(hi));
    let first =
        |lo: u64, hi: u64| ((u128::from(hi) << 64 | u128::from(lo)).trailing_zeros() / 8) as usize;
    (first(stops_lo, stops_hi), first(letters_lo, letters_hi))
}

/// `splat(b)`: `b` in every byte of a `u64`.
pub(crate) const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// For eight bytes in a `u64`, each at most 0x7f (top bits cleared): the top bit of each
/// byte set where `lo <= byte <= hi` (`lo` at least 1). No sum carries into the next
/// byte: each is at most 0x7f before it adds at most 0x80.
#[inline(always)]
pub(crate) fn bytes_in_range(t: u64, lo: u8, hi: u8) -> u64 {
    t.wrapping_add(splat(0x80 - lo)) & !t.wrapping_add(splat(0x7f - hi))
}

/// For eight bytes in a `u64`: the top bit of each byte set where the byte is not an
/// ASCII letter or digit, and where it is an ASCII letter. No sum below carries into the
/// next byte: each byte is at most 0x7f before it adds at most 0x80.
#[inline(always)]
fn classify8(x: u64) -> (u64, u64) {
    const TOP: u64 = splat(0x80);
    let t = x & !TOP;
    let ascii = !x & TOP;
    let digits = bytes_in_range(t, b'0', b'9') & ascii;
    let letters = bytes_in_range(t | splat(0x20), b'a', b'z') & ascii;
    (!(digits | letters) & TOP, letters)
}

/// [`word`] byte by byte: any text.
#[inline(always)]
fn word_bytewise(text: &str, start: usize) -> (usize, TokenKind) {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut numeric = true;
    while i < bytes.len() {
        // A run of ASCII letters and digits, in one tight loop.
        let run = bytes[i..]
            .iter()
            .take_while(|&&b| ASCII_WORD[b as usize] != 0)
            .count();
        if run > 0 {
            numeric = numeric && bytes[i..i + run].iter().all(u8::is_ascii_digit);
            i += run;
            continue;
        }
        let b = bytes[i];
        if b < 0x80 {
            if numeric
                && matches!(b, b',' | b'.')
                && i > start
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            {
                // "2,500", "1.000": a separator between digits keeps the number whole.
                i += 1;
                continue;
            }
            break;
        }
        let (c, len) = char_at(text, i);
        if is_word_char(c) && !is_unspaced(c) {
            numeric &= c.is_numeric();
            i += len;
        } else {
            break;
        }
    }
    let kind = if numeric {
        TokenKind::Number
    } else {
        TokenKind::Word
    };
    (i, kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn toks(text: &str) -> Vec<(&str, TokenKind)> {
        Tokens::new(text).map(|t| (t.text, t.kind)).collect()
    }

    fn texts(text: &str) -> Vec<&str> {
        toks(text).into_iter().map(|(t, _)| t).collect()
    }

    use TokenKind::*;

    #[test]
    fn english_words() {
        assert_eq!(
            texts("no experience needed, work-from-home! don't wait"),
            [
                "no",
                "experience",
                "needed",
                "work",
                "from",
                "home",
                "don",
                "t",
                "wait"
            ]
        );
        assert_eq!(
            toks("iphone15 covid19"),
            [("iphone15", Word), ("covid19", Word)]
        );
        assert!(toks("").is_empty());
        assert!(toks(" ,.- !").is_empty());
    }

    #[test]
    fn numbers() {
        assert_eq!(
            toks("$2,500 per month, 1.000.000 vnd, 3.5 or 24/7."),
            [
                ("2,500", Number),
                ("per", Word),
                ("month", Word),
                ("1.000.000", Number),
                ("vnd", Word),
                ("3.5", Number),
                ("or", Word),
                ("24", Number),
                ("7", Number),
            ]
        );
        // A separator not between digits ends the number.
        assert_eq!(texts("500, 600. ,7"), ["500", "600", "7"]);
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            toks("visit #url# or #email# , #phone#. #hashtag"),
            [
                ("visit", Word),
                ("#url#", Placeholder),
                ("or", Word),
                ("#email#", Placeholder),
                ("#phone#", Placeholder),
                ("hashtag", Word),
            ]
        );
    }

    #[test]
    fn chinese_bigrams() {
        assert_eq!(
            toks("高薪工作"),
            [("高薪", Bigram), ("薪工", Bigram), ("工作", Bigram)]
        );
        assert_eq!(
            texts("包 吃住。月薪5000元"),
            ["包", "吃住", "月薪", "5000", "元"]
        );
        assert_eq!(
            texts("日本語のテキスト・カナ"),
            [
                "日本", "本語", "語の", "のテ", "テキ", "キス", "スト", "カナ"
            ]
        );
    }

    #[test]
    fn thai_bigrams() {
        // Thai vowel and tone marks are characters of their own in the bigrams.
        assert_eq!(texts("งานดี"), ["งา", "าน", "นด", "ดี"]);
        assert_eq!(texts("ได้ เงิน"), ["ได", "ด้", "เง", "งิ", "ิน"]);
        assert_eq!(texts("ก"), ["ก"]);
    }

    #[test]
    fn korean_words() {
        assert_eq!(
            toks("고수익 알바 모집"),
            [("고수익", Word), ("알바", Word), ("모집", Word)]
        );
    }

    #[test]
    fn mixed_scripts() {
        assert_eq!(texts("tiktok网红 ok"), ["tiktok", "网红", "ok"]);
        assert_eq!(
            texts("lương cao 5.000.000đ"),
            ["lương", "cao", "5.000.000đ"]
        );
        assert_eq!(texts("नौकरी चाहिए"), ["नौकरी", "चाहिए"]);
        assert_eq!(texts("работа-в москве"), ["работа", "в", "москве"]);
    }

    fn check_tokens(s: &str) -> Result<(), TestCaseError> {
        let mut prev_start = 0;
        for t in Tokens::new(s) {
            let ok = t.start < t.end
                && t.end <= s.len()
                && s.is_char_boundary(t.start)
                && s.is_char_boundary(t.end)
                && s.get(t.start..t.end) == Some(t.text)
                && t.start >= prev_start;
            prop_assert!(ok, "{:?} after start {}", t, prev_start);
            prev_start = t.start;
        }
        Ok(())
    }

    /// ASCII words and numbers, placeholders, Han, kana, Thai, Hangul, combining marks.
    const MIXED: &str = "([a-z0-9 ,.#]|#url#|[\u{4e00}-\u{4e10}\u{3041}-\u{3050}\
        \u{0e01}-\u{0e4e}\u{ac00}-\u{ac05}\u{0300}-\u{0306}]){0,60}";

    /// Every word start of `s` gives the same word with and without the 16-byte path.
    fn check_word_paths(s: &str) -> Result<(), TestCaseError> {
        for (i, c) in s.char_indices() {
            if is_word_char(c) && !is_unspaced(c) {
                prop_assert_eq!(word(s, i), word_bytewise(s, i), "at {} of {:?}", i, s);
            }
        }
        Ok(())
    }

    #[test]
    fn chunks_classified_as_bytes_are() {
        for b in 0..=255u8 {
            for k in 0..16 {
                for fill in [b'a', b'7'] {
                    let mut chunk = [fill; 16];
                    chunk[k] = b;
                    let (len, letter) = ascii_word_in(&chunk);
                    let word = |c: &u8| c.is_ascii_alphanumeric();
                    assert_eq!(
                        len,
                        chunk.iter().position(|c| !word(c)).unwrap_or(16),
                        "{b} at {k}"
                    );
                    let first_letter = chunk.iter().position(u8::is_ascii_alphabetic);
                    assert_eq!(letter, first_letter.unwrap_or(16), "{b} at {k}");
                }
            }
        }
    }

    #[test]
    fn words_at_the_chunk_edge() {
        for s in [
            "abcdefghijklmno ",
            "abcdefghijklmnop",
            "abcdefghijklmnop q",
            "123456789012345,6",
            "123456789012345.",
            "1234567890123456,7",
            "12345 6789 12,5 1.x 2,",
            "lương cao 5.000.000đ and more text",
            "abcdé fghijklmnopqrstu",
            "Zz09@[`{/:",
        ] {
            check_word_paths(s).map_err(|e| format!("{e}")).unwrap();
        }
    }

    proptest! {
        #[test]
        fn word_paths_agree(s in "([a-zA-Z0-9 ,.@\\[`{/:#]|é|đ|\u{300}|高){0,40}") {
            check_word_paths(&s)?;
        }

        #[test]
        fn word_paths_agree_on_any_string(s in any::<String>()) {
            check_word_paths(&s)?;
        }

        #[test]
        fn spans_valid_for_any_string(s in any::<String>()) {
            check_tokens(&s)?;
            check_tokens(&crate::normalise::normalise_str(&s))?;
        }

        #[test]
        fn spans_valid_for_mixed_text(s in MIXED) {
            check_tokens(&s)?;
        }
    }

    /// Throughput sanity check, not a test:
    /// `cargo test --release --lib tokens::tests::throughput -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput() {
        let advert = crate::normalise::normalise_str(
            "We are hiring a Customer Service Representative in Bangkok. Salary: $2,500 per \
             month! Contact us on #URL_0b3e# ... 高薪招聘客服，包吃住 รับสมัครพนักงานแอดมิน ",
        );
        let corpus = advert.repeat(10_000_000 / advert.len() + 1);
        let t = std::time::Instant::now();
        let mut n = 0usize;
        for tok in Tokens::new(std::hint::black_box(&corpus)) {
            n += tok.end - tok.start;
        }
        let secs = t.elapsed().as_secs_f64();
        eprintln!(
            "tokenised {:.0} MB/s ({n})",
            corpus.len() as f64 / 1e6 / secs
        );
    }
}
