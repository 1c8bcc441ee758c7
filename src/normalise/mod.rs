//! Stage 1: normalisation. Turns one original text field into a canonical form for
//! matching and tokenising, keeping a byte map back to the original so that every
//! piece of evidence can quote the advert exactly as written.
//!
//! What it does, in one left-to-right pass over the original:
//! - HTML tags become a space (comments and inline tags such as `<b>` or `<span>` become
//!   nothing, as on screen); character entities (`&amp;`, `&#39;`, `&#x2F;`, …) are
//!   decoded once (so `&lt;b&gt;` becomes the text `<b>`, not a tag). A `<` or `&` that
//!   starts no tag or entity stays as written.
//! - EMSCAD placeholders (`#URL_<hex>#`, `#EMAIL_<hex>#`, `#PHONE_<hex>#`) become
//!   ` #url# `, ` #email# `, ` #phone# `.
//! - Unicode NFKC (fullwidth and mathematical letters become ASCII, ligatures split,
//!   decomposed accents compose), then full Unicode lowercase. One exception: Thai and
//!   Lao SARA AM (`ำ`) stay whole, as Thai is written.
//! - Combining marks typed after a Latin letter are left out (`fre\u{301}e` is `free`,
//!   quoted as written), as posters put them on words to dodge the lexicons; Vietnamese
//!   typed decomposed keeps and composes them, and other scripts keep theirs.
//! - Invisible characters (zero-width space/joiners, soft hyphen, bidi controls, variation
//!   selectors) are dropped; emoji and pictographic symbols become a space.
//! - Whitespace of any kind is folded to one ASCII space and trimmed at both ends.
//!
//! A second pass over the words then undoes the usual ways of dodging keyword filters:
//! letters spaced out (`T e l e g r a m`, `W.h.a.t.s.A.p.p`), Cyrillic/Greek look-alikes
//! mixed into a Latin word (`раssport` with Cyrillic `р`, `а`) and leetspeak inside a
//! word (`p@ssp0rt`, `t3legram`).
//!
//! What it does not do: no stemming, stop words, spelling correction or transliteration
//! (a word written wholly in Cyrillic stays Cyrillic), precomposed diacritics and all
//! scripts are kept, and HTML is not parsed beyond tags and entities (the text inside `<script>` is
//! kept). Originals longer than 4 GiB are cut there (spans are stored as `u32`).
//!
//! Every byte of the normalised text records the original byte range of the characters
//! that produced it, so [`NormalisedText::original_span`] can quote evidence exactly. The
//! map is kept as pieces (a copied run of ASCII is one), not as a range per byte.
//!
//! Most adverts are plain ASCII: both passes find where it ends 32 bytes at a time and
//! copy or skip it in bulk. Each shortcut sits behind a flag, and tests check that the
//! text and map are the same without it.
//!
//! CONTRACT (owned by the normalise helper; keep these signatures):
//! - `NormalisedText::new()` empty, reusable buffers.
//! - `NormalisedText::normalise(&mut self, original: &str)` clears and refills.
//! - `as_str()` the normalised text.
//! - `original_span(start, end) -> (usize, usize)`: normalised byte range (on char
//!   boundaries of the normalised text) to an original byte range on char boundaries
//!   of the original, with `orig_start <= orig_end <= original.len()`.
//!
//! The parts: the first pass (`fold`) folds Unicode and reads markup (`html`), the
//! second (`rewrite`) undoes disguised words (one word's letters in `disguise`), both
//! skip plain ASCII with the block scans (`scan`), and `span_map` maps back to the
//! original.

mod disguise;
mod fold;
mod html;
mod rewrite;
mod scan;
mod span_map;

use rewrite::Rewrite;
pub(crate) use rewrite::char_at;
pub use rewrite::is_letter_digit_or_mark;
use span_map::SpanMap;

/// Originals are cut below this length, because spans are stored as `u32`.
const MAX_ORIGINAL: usize = u32::MAX as usize;

/// Normalised text plus its map back to the original bytes.
#[derive(Debug, Default, Clone)]
pub struct NormalisedText {
    text: String,
    /// Per normalised byte: the original range that produced it.
    spans: SpanMap,
    /// Decomposed characters (with combining class) not yet composed: NFKC composes
    /// across characters, so a starter waits here for the marks that may follow it.
    seg: Vec<(char, u8)>,
    /// Original range of the pending segment.
    seg_start: u32,
    seg_end: u32,
    /// Scratch for a composed segment.
    composed: Vec<char>,
    /// Whether marks written after Latin letters are composed or left out.
    latin_marks: fold::LatinMarks,
    /// Buffers of the second pass (kept to reuse their allocations).
    rewrite: Rewrite,
}

impl NormalisedText {
    /// An empty buffer, to be filled by [`NormalisedText::normalise`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Normalises `original` into this buffer (reusing its allocations).
    pub fn normalise(&mut self, original: &str) {
        self.normalise_with::<true>(original);
    }

    /// [`NormalisedText::normalise`], with the shortcuts for common text or (to test that
    /// they change nothing) without.
    fn normalise_with<const SHORTCUTS: bool>(&mut self, original: &str) {
        let original = clip(original);
        self.fold::<SHORTCUTS>(original);
        let Self {
            text,
            spans,
            rewrite,
            ..
        } = self;
        rewrite.run::<SHORTCUTS>(original, text, spans);
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a normalised byte range back to the original byte range: the smallest range
    /// covering every original character that produced bytes `start..end`. Out-of-range
    /// arguments are clamped; an empty range maps to an empty original range.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let len = self.text.len();
        let start = start.min(len);
        let end = end.clamp(start, len);
        if start == end {
            let at = if start < len {
                self.spans.get(start).map(|(s, _)| s)
            } else {
                self.spans.last().map(|(_, e)| e)
            };
            let at = at.unwrap_or(0) as usize;
            return (at, at);
        }
        let os = self.spans.get(start).map_or(0, |(s, _)| s) as usize;
        let oe = self.spans.get(end - 1).map_or(0, |(_, e)| e) as usize;
        (os, oe.max(os))
    }
}

/// Normalises `s` the same way as [`NormalisedText::normalise`] (used for lexicon
/// patterns, so that they match normalised adverts).
pub fn normalise_str(s: &str) -> String {
    let mut n = NormalisedText::new();
    n.normalise(s);
    n.text
}

/// `s` cut at a char boundary so that every byte offset fits a `u32`.
fn clip(s: &str) -> &str {
    if s.len() <= MAX_ORIGINAL {
        return s;
    }
    let mut end = MAX_ORIGINAL;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(super) fn norm(s: &str) -> String {
        normalise_str(s)
    }

    /// The original text behind the first occurrence of `needle` in the normalised text.
    pub(super) fn quote<'a>(original: &'a str, needle: &str) -> &'a str {
        let mut n = NormalisedText::new();
        n.normalise(original);
        let start = n
            .as_str()
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {:?}", n.as_str()));
        let (os, oe) = n.original_span(start, start + needle.len());
        &original[os..oe]
    }

    #[test]
    fn ascii_lowercased_and_spaces_folded() {
        assert_eq!(
            norm("  Hello,\tWORLD!\r\n\n  Apply  NOW  "),
            "hello, world! apply now"
        );
        assert_eq!(norm(""), "");
        assert_eq!(norm(" \n\t "), "");
        assert_eq!(quote("  Hello,\tWORLD!", "world"), "WORLD");
    }

    #[test]
    fn original_span_edges() {
        let mut n = NormalisedText::new();
        n.normalise("  AB  ");
        assert_eq!(n.as_str(), "ab");
        assert_eq!(n.original_span(0, 2), (2, 4));
        assert_eq!(n.original_span(1, 1), (3, 3));
        assert_eq!(n.original_span(2, 2), (4, 4));
        assert_eq!(n.original_span(5, 9), (4, 4));
        n.normalise("");
        assert_eq!(n.original_span(0, 0), (0, 0));
        // Buffers are reused: a second text leaves nothing of the first.
        n.normalise("Longer text here");
        n.normalise("x");
        assert_eq!(n.as_str(), "x");
        assert_eq!(n.original_span(0, 1), (0, 1));
    }

    /// Checks the span invariants for every normalised character.
    fn check_spans(original: &str) -> Result<(), TestCaseError> {
        let mut n = NormalisedText::new();
        n.normalise(original);
        let text = n.as_str();
        prop_assert!(!text.starts_with(' ') && !text.ends_with(' ') && !text.contains("  "));
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        let mut prev = (0, 0);
        for w in bounds.windows(2) {
            let (os, oe) = n.original_span(w[0], w[1]);
            prop_assert!(
                os <= oe && oe <= original.len(),
                "{:?} -> {:?}",
                w,
                (os, oe)
            );
            prop_assert!(original.is_char_boundary(os) && original.is_char_boundary(oe));
            prop_assert!(os >= prev.0 && oe >= prev.1, "not monotone at {:?}", w);
            prev = (os, oe);
        }
        for (k, &a) in bounds.iter().enumerate() {
            for &b in bounds.iter().skip(k).step_by(7) {
                let (os, oe) = n.original_span(a, b);
                prop_assert!(os <= oe && oe <= original.len());
                prop_assert!(original.is_char_boundary(os) && original.is_char_boundary(oe));
            }
        }
        Ok(())
    }

    fn messy_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-zA-Z0-9 .,!?@$'-]{0,8}",
            Just("<br>".to_string()),
            Just("<p class=\"a\">".to_string()),
            Just("</li>".to_string()),
            Just("<".to_string()),
            Just("&".to_string()),
            Just("&amp;".to_string()),
            Just("&#x1F600;".to_string()),
            Just("&#769;".to_string()),
            Just("&nbsp".to_string()),
            Just("<!--".to_string()),
            Just("-->".to_string()),
            Just("#URL_abc123#".to_string()),
            Just("#PHONE_".to_string()),
            Just("#".to_string()),
            prop::sample::select(vec![
                "😀",
                "👨\u{200d}👩",
                "❤\u{fe0f}",
                "🔹",
                "🇹",
                "🅰",
                "🄰",
                "1\u{fe0f}\u{20e3}"
            ])
            .prop_map(String::from),
            "[\u{4e00}-\u{4e20}\u{3040}-\u{3060}\u{0e01}-\u{0e3a}\u{ac00}-\u{ac10}]{1,4}",
            "[\u{0300}-\u{036f}\u{1161}-\u{1175}\u{11a8}-\u{11c2}]{1,3}",
            "[\u{200b}-\u{200f}\u{ad}\u{feff}\u{2060}]",
            "[\u{430}-\u{44f}\u{3b1}-\u{3c9}]{1,4}",
            "[\u{ff01}-\u{ff5e}\u{1d400}-\u{1d433}\u{fb00}-\u{fb06}\u{a0}\u{3000}\u{130}]{1,3}",
        ];
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    /// Advert-like text: ASCII words and spaces with what the shortcuts of both passes
    /// look at next to them (spaced letters, leetspeak, look-alikes, symbols, marks,
    /// entities, tags, placeholders).
    fn advert_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[a-zA-Z]{1,9}",
            3 => prop::sample::select(vec![" ", " ", "  ", ", ", ". ", "\n", "\t"]).prop_map(String::from),
            1 => "[0-9@$!]{1,3}",
            1 => "[a-z]{0,3}[0-9@$!][a-z]{0,3}",
            1 => "([a-zA-Z0-9@$] ){2,6}",
            1 => "([a-z][.\\-*/]){2,6}",
            1 => prop::sample::select(vec![
                "\u{a0}", "€", "’", "¢", "™", "•", "–", "“", "”", "…", "é", "e\u{301}", "\u{301}",
                "\u{300}\u{323}", "\u{ad}", "\u{200b}", "\u{85}", "ü", "\u{430}", "\u{440}\u{430}",
                "Σ", "İ", "ﬁ", "ｗ", "&amp;", "&#769;", "&nbsp;", "&", "<b>", "</b>", "<br>",
                "<!-- -->", "<", "#URL_ab12#", "#", "\u{e4d}", "\u{e32}", "한", "\u{1161}",
            ])
            .prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    /// Normalises with and without the shortcuts; both texts and maps must be equal.
    fn check_shortcuts(original: &str) -> Result<(), TestCaseError> {
        let (mut fast, mut slow) = (NormalisedText::new(), NormalisedText::new());
        fast.normalise_with::<true>(original);
        slow.normalise_with::<false>(original);
        prop_assert_eq!(fast.as_str(), slow.as_str());
        prop_assert_eq!(fast.spans.len, slow.spans.len);
        for i in 0..=fast.as_str().len() {
            prop_assert_eq!(fast.spans.get(i), slow.spans.get(i), "byte {}", i);
        }
        prop_assert_eq!(fast.spans.last(), slow.spans.last());
        Ok(())
    }

    proptest! {
        #[test]
        fn shortcuts_change_nothing_for_advert_text(s in advert_text()) {
            check_shortcuts(&s)?;
            check_spans(&s)?;
        }
    }

    proptest! {
        #[test]
        fn spans_valid_and_shortcuts_exact_for_any_string(s in any::<String>()) {
            check_spans(&s)?;
            check_shortcuts(&s)?;
        }

        #[test]
        fn spans_valid_and_shortcuts_exact_for_messy_text(s in messy_text()) {
            check_spans(&s)?;
            check_shortcuts(&s)?;
        }

        #[test]
        fn plain_lowercase_words_unchanged(s in "[a-z]{2,8}( [a-z]{2,8}){0,10}") {
            prop_assert_eq!(norm(&s), s);
        }

        #[test]
        fn no_uppercase_ascii_or_invisibles(s in messy_text()) {
            let n = norm(&s);
            prop_assert!(!n.bytes().any(|b| b.is_ascii_uppercase()));
            let invisible = ['\u{200b}', '\u{200d}', '\u{ad}', '\u{feff}', '\u{fe0f}'];
            prop_assert!(!n.contains(invisible), "{:?}", n);
        }
    }

    /// Normalises ~10 MB made of `advert` repeated (as ~2 KB adverts), five times;
    /// returns the best MB/s (the machine may be shared).
    fn measure(advert: &str) -> f64 {
        let mut corpus = String::new();
        while corpus.len() < 2_000 {
            corpus.push_str(advert);
        }
        let reps = 10_000_000 / corpus.len() + 1;
        let mut n = NormalisedText::new();
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let t = std::time::Instant::now();
            for _ in 0..reps {
                n.normalise(std::hint::black_box(&corpus));
                std::hint::black_box(n.as_str());
            }
            best = best.min(t.elapsed().as_secs_f64());
        }
        (reps * corpus.len()) as f64 / 1e6 / best
    }

    /// Throughput sanity check, not a test:
    /// `cargo test --release --lib normalise::tests::throughput -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput() {
        let english = "<p>We are hiring a Customer Service Representative for our growing team in \
            Bangkok &amp; Kuala Lumpur. Salary: $2,500 - $3,500 per month, plus commission!</p>\
            <ul><li>Free accommodation and visa support</li><li>No experience needed &ndash; we \
            provide full training.</li></ul> Contact us on #URL_0b3e6b3e8f5f4f1e4d5b9a0c1e2f3a4b# \
            or send your CV to #EMAIL_ab12cd34#. Requirements: fluent English, basic computer \
            skills, willing to relocate. Working hours 9am-6pm, 5 days a week. ";
        let mixed = "Tuyển nhân viên CSKH làm việc tại Campuchia, lương 1500$ 💰💰 bao ăn ở! \
            高薪招聘客服，包吃住，月薪8000元以上。 รับสมัครพนักงานแอดมิน รายได้ดี ไม่ต้องมีประสบการณ์ \
            Liên hệ T e l e g r a m: @tuyendung ＷｈａｔｓＡｐｐ +855 12 345 678. ";
        eprintln!("mostly-ASCII English adverts: {:.0} MB/s", measure(english));
        eprintln!(
            "Vietnamese/Chinese/Thai adverts: {:.0} MB/s",
            measure(mixed)
        );
    }
}
