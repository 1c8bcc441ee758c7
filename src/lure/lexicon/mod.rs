//! Lexicons: lure phrases and patterns per language, kept as data
//! (`data/lexicons/<lang>.tsv`, embedded at build time, overridable from a directory).
//!
//! Each line is `family<TAB>kind<TAB>pattern<TAB>note`, where `kind` is `phrase` (a
//! literal, matched after normalisation, at word boundaries in scripts written with
//! spaces) or `regex`. All phrases of all languages are matched in one Aho–Corasick pass,
//! and all regexes in one alternation pass, so the result never depends on a language
//! guess. This module finds matches; deciding what they mean is the families' job.
//!
//! For speed, each pass leaves out the entries that provably cannot match the text at
//! hand: a phrase with a character from a script group (UTF-8 lead bytes,
//! [`scripts::lead_group`]) the text lacks, a regex whose every match needs such a
//! character. The passes are built once per set of script groups, on first use. Leaving
//! out entries that cannot match changes no result, so English text does not pay for
//! Korean or Burmese patterns.
//!
//! The phrases and the regexes' literal prefixes share one automaton (`automaton`, built
//! here for a compact table); a regex is tried, anchored, only where one of its prefixes
//! is found and the byte after it can continue a match (learnt from the regex's lazy DFA),
//! and one of its held literals (a string every match holds after its prefix, such as
//! "passport" in "send ... passport copy") is found at or after it, and tried by that lazy
//! DFA with a cache kept in the caller's scratch (one per worker in bulk scoring) rather
//! than by `Regex::find`.
//! [`Lexicon::find_exhaustive`] does none of this, for the tests to compare against.
//!
//! The parts: `entry` reads the files, `scripts` tells a text's script groups, `pass`
//! builds the matchers for one set of entries, `walk` runs the phrase automaton
//! (`automaton`) over a text, `regexes` tries the regex entries, and `shape` reads what
//! a regex needs and starts with from its syntax.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use super::Family;
use crate::error::{Error, Result};
use crate::normalise::normalise_str;
use crate::tokens::is_unspaced;

mod automaton;
mod entry;
mod pass;
mod regexes;
mod scripts;
mod shape;
mod walk;

pub use entry::{LexiconEntry, MAX_STRENGTH, PatternKind};
use pass::Pass;
use regexes::{RegexScratch, RegexSpec};
use scripts::{ALL_SCRIPTS, script_groups};
use walk::WAYS;

include!(concat!(env!("OUT_DIR"), "/lexicons.rs"));

/// A lexicon match in normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexiconHit {
    /// Index of the entry in [`Lexicon::entries`].
    pub entry: u32,
    /// The entry's family.
    pub family: Family,
    /// Byte offset of the match in the normalised text.
    pub start: usize,
    /// Byte offset one past the match in the normalised text.
    pub end: usize,
}

/// Working space of [`Lexicon::find_reusing`]: where regexes may start, the hits of the
/// later parts of a walk and the legitimacy spans, kept between calls so that matching
/// allocates nothing per text.
#[derive(Debug, Default)]
pub struct FindScratch {
    regex: RegexScratch,
    /// Hits of the walk's parts after the first ([`Lexicon::walk`]).
    parts: [Vec<LexiconHit>; WAYS - 1],
    /// Spans of legitimacy hits ([`drop_negated`]).
    legit: Vec<(usize, usize)>,
}

/// All lexicons, compiled for matching.
#[derive(Debug)]
pub struct Lexicon {
    entries: Vec<LexiconEntry>,
    /// Every phrase, normalised, in entry order.
    phrases: Vec<PhraseSpec>,
    /// Every regex entry, in entry order.
    regexes: Vec<RegexSpec>,
    /// The matchers for each set of script groups a text can contain, built on first use.
    passes: Box<[OnceLock<Arc<Pass>>]>,
    /// Passes built so far, by the entries they hold: many script sets need the same ones.
    built: Mutex<HashMap<Vec<u32>, Arc<Pass>>>,
    /// Every entry, regexes found by one alternation: the plain way, for checking.
    reference: OnceLock<Pass>,
    /// Tells this lexicon's regex caches in a [`FindScratch`] from another's.
    id: u64,
}

/// The next [`Lexicon`]'s id.
static NEXT_LEXICON_ID: AtomicU64 = AtomicU64::new(1);

#[derive(Debug)]
struct PhraseSpec {
    pattern: String,
    entry: u32,
    /// Check word boundaries around a match.
    boundaries: bool,
    /// The script groups of its characters: all must be in the text.
    scripts: u8,
}

static EMBEDDED: LazyLock<Lexicon> = LazyLock::new(|| {
    // The embedded lexicons are tested at build time (`tests` below), so failure here
    // would be a packaging bug, not an input error. The tests also build their matchers
    // with every entry, so a run does not pay for that check at start-up.
    Lexicon::parse_sources(
        EMBEDDED_LEXICONS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string())),
        false,
    )
    .and_then(Lexicon::compile)
    .unwrap_or_else(|e| panic!("embedded lexicons are invalid: {e}"))
});

impl Lexicon {
    /// The lexicons built into the binary.
    pub fn embedded() -> &'static Lexicon {
        &EMBEDDED
    }

    /// The embedded lexicons, with each `<lang>.tsv` in `dir` added (or replacing the
    /// embedded file of the same name), so an NGO can add a language without recompiling.
    pub fn with_overrides(dir: &Path) -> Result<Lexicon> {
        Lexicon::from_sources(Lexicon::sources_with_overrides(dir)?)
    }

    /// Builds a lexicon from (file name, contents) pairs.
    pub fn from_sources(sources: impl IntoIterator<Item = (String, String)>) -> Result<Lexicon> {
        let lexicon = Lexicon::compile(Lexicon::parse_sources(sources, true)?)?;
        // Building the matchers that hold every entry checks them all together (size
        // limits) now rather than at the first advert; every other pass holds a subset,
        // which builds if this one does.
        lexicon.build_and_keep(ALL_SCRIPTS)?;
        Ok(lexicon)
    }

    fn compile(entries: Vec<LexiconEntry>) -> Result<Lexicon> {
        let mut phrases = Vec::new();
        let mut regexes = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let bad = |reason: String| Error::Lexicon {
                file: format!("{}.tsv", e.lang),
                line: 0,
                reason,
            };
            match e.kind {
                PatternKind::Phrase => {
                    let norm = normalise_str(&e.pattern);
                    if norm.is_empty() {
                        return Err(bad(format!(
                            "phrase {:?} is empty after normalisation",
                            e.pattern
                        )));
                    }
                    phrases.push(PhraseSpec {
                        entry: i as u32,
                        boundaries: needs_word_boundaries(&norm),
                        scripts: script_groups(&norm),
                        pattern: norm,
                    });
                }
                PatternKind::Regex => {
                    let shape = shape::parse(&e.pattern);
                    let held = shape.as_ref().and_then(shape::held_literals);
                    regexes.push(RegexSpec {
                        held,
                        entry: i as u32,
                        anchored: OnceLock::new(),
                        forward: OnceLock::new(),
                        pattern: e.pattern.clone(),
                        needs: shape.as_ref().and_then(shape::required_scripts),
                        prefixes: shape
                            .filter(|n| !shape::has_assertion(n))
                            .and_then(|n| shape::prefixes(&n)),
                    });
                }
            }
        }
        Ok(Lexicon {
            entries,
            phrases,
            regexes,
            passes: (0..=u8::MAX).map(|_| OnceLock::new()).collect(),
            built: Mutex::new(HashMap::new()),
            reference: OnceLock::new(),
            id: NEXT_LEXICON_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[LexiconEntry] {
        &self.entries
    }

    /// The entry behind a hit.
    pub fn entry(&self, hit: &LexiconHit) -> &LexiconEntry {
        &self.entries[hit.entry as usize]
    }

    /// Language codes present, sorted.
    pub fn languages(&self) -> Vec<&str> {
        let mut langs: Vec<&str> = self.entries.iter().map(|e| e.lang.as_str()).collect();
        langs.sort_unstable();
        langs.dedup();
        langs
    }

    /// Appends every match in `text` (normalised) to `out`. Lure hits that lie inside a
    /// legitimacy hit ("no placement fee") are dropped: the negation wins.
    pub fn find(&self, text: &str, out: &mut Vec<LexiconHit>) {
        self.find_reusing(text, &mut FindScratch::default(), out);
    }

    /// [`Lexicon::find`] with its working space kept in `scratch` between calls (the
    /// per-advert scan calls it for every field).
    pub fn find_reusing(&self, text: &str, scratch: &mut FindScratch, out: &mut Vec<LexiconHit>) {
        self.find_with(text, self.pass(script_groups(text)), scratch, out);
    }

    /// [`Lexicon::find`] the plain way: every entry, even those that cannot match the
    /// text's scripts, and the regexes found by one alternation of them all rather than
    /// by their literal prefixes. For checking that the shortcuts lose nothing.
    #[doc(hidden)]
    pub fn find_exhaustive(&self, text: &str, out: &mut Vec<LexiconHit>) {
        let pass = self.reference.get_or_init(|| {
            let phrases: Vec<&PhraseSpec> = self.phrases.iter().collect();
            let regexes: Vec<(u32, &RegexSpec)> = (0u32..).zip(&self.regexes).collect();
            Pass::build(&phrases, &regexes, false)
                .unwrap_or_else(|e| panic!("lexicon matchers failed to build: {e}"))
        });
        self.find_with(text, pass, &mut FindScratch::default(), out);
    }

    fn find_with(
        &self,
        text: &str,
        pass: &Pass,
        scratch: &mut FindScratch,
        out: &mut Vec<LexiconHit>,
    ) {
        let first = out.len();
        self.walk(text, pass, scratch, out);
        let regex_starts = &mut scratch.regex.starts;
        if let Some(regexes) = &pass.regexes {
            match &regexes.any {
                Some(any) => {
                    for m in any.find_iter(text) {
                        for &r in &regexes.entries {
                            self.regex_hit(text, m.start(), &self.regexes[r as usize], out);
                        }
                    }
                }
                None => {
                    regex_starts.sort_unstable();
                    regex_starts.dedup();
                    self.regex_hits_by_prefix(
                        text,
                        regexes,
                        regex_starts,
                        &scratch.regex.held_after,
                        &mut scratch.regex.caches,
                        out,
                    );
                }
            }
        }
        drop_negated(out, first, &mut scratch.legit);
    }
}

/// Removes, from `out[first..]`, lure hits contained in a legitimacy hit.
fn drop_negated(out: &mut Vec<LexiconHit>, first: usize, legit: &mut Vec<(usize, usize)>) {
    legit.clear();
    legit.extend(
        out[first..]
            .iter()
            .filter(|h| h.family == Family::Legitimacy)
            .map(|h| (h.start, h.end)),
    );
    if legit.is_empty() {
        return;
    }
    let mut i = first;
    while i < out.len() {
        let h = out[i];
        if h.family != Family::Legitimacy && legit.iter().any(|&(s, e)| s <= h.start && h.end <= e)
        {
            out.remove(i);
        } else {
            i += 1;
        }
    }
}

fn needs_word_boundaries(pattern: &str) -> bool {
    pattern.chars().next().is_some_and(|c| !is_unspaced(c))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_unspaced(c)
}

/// Whether `text[start..end]` neither starts nor ends inside a word.
fn at_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let inner_first = text[start..end].chars().next();
    let inner_last = text[start..end].chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let joins = |outer: Option<char>, inner: Option<char>| match (outer, inner) {
        (Some(o), Some(i)) => is_word_char(o) && is_word_char(i),
        _ => false,
    };
    !joins(before, inner_first) && !joins(after, inner_last)
}

/// The project's written sample files in 15 languages and scripts, for the matchers'
/// tests (this module's and the automaton's).
#[cfg(test)]
const SAMPLE_FILES: [&str; 3] = [
    include_str!("../../../data/samples/multilingual.csv"),
    include_str!("../../../data/samples/hard_cases.csv"),
    include_str!("../../../data/samples/lures_sea.csv"),
];

#[cfg(test)]
mod tests {
    use super::entry::parse_file;
    use super::*;

    fn lex(tsv: &str) -> Lexicon {
        Lexicon::from_sources([("xx.tsv".to_string(), tsv.to_string())]).expect("valid lexicon")
    }

    #[test]
    fn embedded_lexicons_compile() {
        let lex = Lexicon::embedded();
        assert!(!lex.entries().is_empty());
        lex.build_and_keep(ALL_SCRIPTS)
            .expect("the matchers with every entry build");
        for (file, text) in EMBEDDED_LEXICONS {
            let lang = file.trim_end_matches(".tsv");
            parse_file(file, lang, text, true, &mut Vec::new()).expect("regexes compile");
        }
        for r in &lex.regexes {
            r.anchored(); // compiles, or panics naming the pattern
        }
    }

    #[test]
    fn phrases_respect_word_boundaries() {
        let l = lex("fees\tphrase\tfee\tx\n");
        let mut hits = Vec::new();
        l.find("a fee is due", &mut hits);
        assert_eq!(hits.len(), 1);
        hits.clear();
        l.find("coffee break", &mut hits);
        assert!(hits.is_empty());
    }

    #[test]
    fn unspaced_scripts_match_inside_runs() {
        let l = lex("pay\tphrase\t高薪\tx\n");
        let mut hits = Vec::new();
        l.find("诚聘高薪客服", &mut hits);
        assert_eq!(hits.len(), 1);
        assert_eq!(&"诚聘高薪客服"[hits[0].start..hits[0].end], "高薪");
    }

    #[test]
    fn negation_in_legitimacy_wins() {
        let l = lex("fees\tphrase\tplacement fee\tx\nlegitimacy\tphrase\tno placement fee\ty\n");
        let mut hits = Vec::new();
        l.find("there is no placement fee here", &mut hits);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].family, Family::Legitimacy);
        hits.clear();
        l.find("pay the placement fee now", &mut hits);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].family, Family::Fees);
    }

    #[test]
    fn regex_entries_match_and_are_identified() {
        let l = lex(
            "documents\tregex\tsend (a )?(copy|photo) of (your )?passport\tx\nfees\tphrase\tdeposit\ty\n",
        );
        let mut hits = Vec::new();
        l.find(
            "please send a photo of your passport and a deposit",
            &mut hits,
        );
        let fams: Vec<_> = hits.iter().map(|h| h.family).collect();
        assert!(
            fams.contains(&Family::Documents) && fams.contains(&Family::Fees),
            "{fams:?}"
        );
    }

    #[test]
    fn leaving_entries_out_changes_no_result() {
        // The project's samples in 15 languages and scripts, line by line: the passes
        // for each text's scripts, regexes found by their prefixes, find exactly what
        // every entry finds with one alternation of all regexes.
        let lex = Lexicon::embedded();
        let (mut fast, mut full) = (Vec::new(), Vec::new());
        let mut found = 0;
        for line in SAMPLE_FILES[..2].iter().flat_map(|s| s.lines()) {
            let text = normalise_str(line);
            fast.clear();
            full.clear();
            lex.find(&text, &mut fast);
            lex.find_exhaustive(&text, &mut full);
            assert_eq!(fast, full, "{line}");
            found += fast.len();
        }
        assert!(found > 100, "only {found} hits");
        let fast = lex.pass(ALL_SCRIPTS).regexes.as_ref().expect("regexes");
        assert!(
            fast.any.is_none(),
            "every embedded regex has literal prefixes"
        );
    }

    proptest::proptest! {
        /// Words of the samples run together at random: the fast path (script passes,
        /// regexes by prefix, the bytes that may follow a prefix, lazy DFAs) finds what
        /// every entry finds by one alternation.
        #[test]
        fn fast_path_agrees_with_exhaustive_on_random_text(
            picks in proptest::collection::vec((0usize..100_000, 0usize..4), 1..40)
        ) {
            static WORDS: LazyLock<Vec<String>> = LazyLock::new(|| {
                let text = normalise_str(&SAMPLE_FILES.concat());
                text.split(' ').map(str::to_string).collect()
            });
            let mut text = String::new();
            for (word, glue) in picks {
                text.push_str(&WORDS[word % WORDS.len()]);
                text.push_str(["", " ", " ", ", "][glue]);
            }
            let lex = Lexicon::embedded();
            let (mut fast, mut full) = (Vec::new(), Vec::new());
            lex.find(&text, &mut fast);
            lex.find_exhaustive(&text, &mut full);
            proptest::prop_assert_eq!(fast, full, "{}", text);
        }
    }
}
