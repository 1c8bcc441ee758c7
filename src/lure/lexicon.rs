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
//! hand: a phrase with a character from a script group (UTF-8 lead bytes, [`lead_group`])
//! the text lacks, a regex whose every match needs such a character. The passes are
//! built once per set of script groups, on first use. Leaving out entries that cannot
//! match changes no result, so English text does not pay for Korean or Burmese patterns.
//!
//! The phrases and the regexes' literal prefixes share one automaton (`automaton`, built
//! here for a compact table); a regex is tried, anchored, only where one of its prefixes
//! is found and the byte after it can continue a match (learnt from the regex's lazy DFA),
//! and one of its held literals (a string every match holds after its prefix, such as
//! "passport" in "send ... passport copy") is found at or after it, and tried by that lazy
//! DFA with a cache kept in the caller's scratch (one per worker in bulk scoring) rather
//! than by `Regex::find`.
//! [`Lexicon::find_exhaustive`] does none of this, for the tests to compare against.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use regex::Regex;
use regex_automata::hybrid;

use automaton::{MIN_SHIFT, PhraseAutomaton, StateId, Steps, Table};

use super::Family;
use crate::error::{Error, Result};
use crate::normalise::normalise_str;
use crate::tokens::is_unspaced;

mod automaton;

include!(concat!(env!("OUT_DIR"), "/lexicons.rs"));

/// How an entry's pattern is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternKind {
    /// A literal phrase.
    Phrase,
    /// A regular expression (Rust `regex` syntax) over normalised text.
    Regex,
}

/// One lexicon line.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LexiconEntry {
    /// The family the entry is evidence for.
    pub family: Family,
    /// Language code (the lexicon file's stem).
    pub lang: String,
    /// Phrase or regex.
    pub kind: PatternKind,
    /// The pattern as written in the file.
    pub pattern: String,
    /// What the entry catches, and where the phrasing comes from.
    pub note: String,
    /// The log-odds a match carries on its own (the optional fifth column), when the
    /// entry is a stronger or weaker tell than its family's prior.
    pub strength: Option<f32>,
}

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

/// Where regexes may start in the text at hand, and the lazy DFAs' caches.
#[derive(Debug, Default)]
struct RegexScratch {
    /// (start, index into the pass's [`RegexPass::entries`]).
    starts: Vec<(usize, u32)>,
    /// By index into the pass's [`RegexPass::entries`]: one past the last start of one of
    /// the regex's held literals ([`RegexSpec::held`]) in the text, 0 when there is none.
    held_after: Vec<usize>,
    /// The indices of `held_after` that are not 0.
    held_found: Vec<u32>,
    /// By regex (index into [`Lexicon::regexes`]), for the lexicon `caches_of` (its `id`).
    caches: Vec<Option<hybrid::dfa::Cache>>,
    caches_of: u64,
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

#[derive(Debug)]
struct RegexSpec {
    entry: u32,
    /// The pattern anchored at the start of the haystack, compiled on first use.
    anchored: OnceLock<Regex>,
    /// The pattern as a forward lazy DFA, compiled on first use (`None` if it does not
    /// build as one): tells where an anchored match ends for a fraction of the cost.
    forward: OnceLock<Option<hybrid::dfa::DFA>>,
    pattern: String,
    /// Every match holds a character of one of these script groups (`None`: not known).
    needs: Option<u8>,
    /// Every match starts with one of these strings, and depends on nothing before its
    /// start (no assertions); `None` when that is not known.
    prefixes: Option<Vec<String>>,
    /// Every match holds one of these strings (after its first item, so seldom just where
    /// it starts); `None` when that is not known.
    held: Option<Vec<String>>,
}

/// The matchers for one set of entries.
#[derive(Debug)]
struct Pass {
    /// The phrases, then the regexes' literal prefixes (when the regexes are found by
    /// them), in one Aho–Corasick DFA walked by [`Lexicon::find_with`].
    automaton: PhraseAutomaton,
    /// What each automaton pattern stands for.
    targets: Vec<Target>,
    /// Byte length of the longest automaton pattern.
    longest: usize,
    regexes: Option<RegexPass>,
    /// For each regex prefix ([`Target::RegexStart`]'s `follow`), which bytes can come
    /// next in a match of its regex: learnt from the regex's lazy DFA as each byte is
    /// first seen after the prefix. Most prefixes are found where the word goes on
    /// otherwise ("we" in "were"), and a regex attempt costs far more than this check.
    follows: Box<[Follow]>,
}

#[derive(Debug, Clone, Copy)]
enum Target {
    /// A phrase entry, and whether to check word boundaries around it.
    Phrase { entry: u32, boundaries: bool },
    /// A literal that the regex at index `regex` into [`RegexPass::entries`] starts
    /// with; `follow` indexes [`Pass::follows`].
    RegexStart { regex: u32, follow: u32 },
    /// A literal that every match of the regex at index `regex` into [`RegexPass::entries`]
    /// holds: no match can start after the last one in the text.
    Held { regex: u32 },
}

/// How many parts of a long text [`Lexicon::walk`] walks at once.
const WAYS: usize = 4;

/// Bytes each part of a split walk starts before its part ([`Lexicon::walk_ways`]): a part
/// boundary seldom falls inside a partial match longer than this.
const LEAD_IN: usize = 16;

/// The bytes known to follow a regex prefix in a match, or not to: two bit sets by byte
/// value, filled in as bytes are met (by any thread: each bit's answer is the same).
#[derive(Debug, Default)]
#[repr(align(64))]
struct Follow {
    known: [AtomicU64; 4],
    continues: [AtomicU64; 4],
}

impl RegexScratch {
    /// Forgets the held literals found ([`RegexScratch::held_after`]).
    fn forget_held(&mut self) {
        for &i in &self.held_found {
            if let Some(after) = self.held_after.get_mut(i as usize) {
                *after = 0;
            }
        }
        self.held_found.clear();
    }
}

impl Follow {
    /// Whether `byte` can come next, asking `learn` the first time.
    #[inline(always)]
    fn allows(&self, byte: u8, learn: impl FnOnce() -> bool) -> bool {
        let (word, bit) = (usize::from(byte >> 6), 1u64 << (byte & 63));
        if self.known[word].load(Ordering::Acquire) & bit != 0 {
            return self.continues[word].load(Ordering::Relaxed) & bit != 0;
        }
        let continues = learn();
        if continues {
            self.continues[word].fetch_or(bit, Ordering::Relaxed);
        }
        self.known[word].fetch_or(bit, Ordering::Release);
        continues
    }
}

/// Every script group: a pass for it holds every entry.
const ALL_SCRIPTS: u8 = u8::MAX;

/// The script group of a UTF-8 lead byte, as a bit: 2-byte sequences (Latin, Greek,
/// Cyrillic, …), U+0800–0FFF (Indic, Thai, Lao), U+1000–1FFF (Myanmar, Khmer, Hangul jamo,
/// Vietnamese letters), U+2000–2FFF (punctuation), U+3000–3FFF (kana), U+4000–9FFF
/// (Han), U+A000–DFFF (Hangul), and the rest. ASCII bytes have no group (0).
fn lead_group(b: u8) -> u8 {
    match b {
        0xC0..=0xDF => 1,
        0xE0 => 1 << 1,
        0xE1 => 1 << 2,
        0xE2 => 1 << 3,
        0xE3 => 1 << 4,
        0xE4..=0xE9 => 1 << 5,
        0xEA..=0xED => 1 << 6,
        0xEE..=0xFF => 1 << 7,
        _ => 0,
    }
}

/// The script groups present in `text`.
fn script_groups(text: &str) -> u8 {
    // Most fields are ASCII, which the standard library checks fastest.
    if text.is_ascii() {
        return 0;
    }
    let mut groups = 0;
    // Eight bytes at a time: most of most texts is ASCII, passed over a word at once.
    let mut chunks = text.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        if word & 0x8080_8080_8080_8080 != 0 {
            groups |= chunk.iter().fold(0, |g, &b| g | lead_group(b));
        }
    }
    // Lead bytes of 2- to 4-byte characters; ASCII and continuation bytes have no group.
    chunks
        .remainder()
        .iter()
        .fold(groups, |g, &b| g | lead_group(b))
}

fn char_group(c: char) -> u8 {
    let mut buf = [0u8; 4];
    lead_group(c.encode_utf8(&mut buf).as_bytes()[0])
}

impl Pass {
    /// The matchers for these entries; regexes are found by their literal prefixes when
    /// `by_prefix` allows and every one has them, else by an alternation of them all.
    fn build(
        phrases: &[&PhraseSpec],
        regexes: &[(u32, &RegexSpec)],
        by_prefix: bool,
    ) -> Result<Pass> {
        let mut patterns: Vec<&str> = phrases.iter().map(|p| p.pattern.as_str()).collect();
        let mut targets: Vec<Target> = phrases
            .iter()
            .map(|p| Target::Phrase {
                entry: p.entry,
                boundaries: p.boundaries,
            })
            .collect();
        // When every regex has literal prefixes, the phrase automaton finds where one may
        // start, and no alternation of all regexes has to run over the whole text.
        let by_prefix = by_prefix && regexes.iter().all(|(_, r)| r.prefixes.is_some());
        let mut prefixes = 0;
        if by_prefix {
            for (i, (_, r)) in regexes.iter().enumerate() {
                for prefix in r.prefixes.iter().flatten() {
                    patterns.push(prefix);
                    targets.push(Target::RegexStart {
                        regex: i as u32,
                        follow: prefixes,
                    });
                    prefixes += 1;
                }
            }
            // A regex is tried where a prefix is found only when one of its held literals
            // comes at or after it: most tries found nothing, many after a long walk.
            for (i, (_, r)) in regexes.iter().enumerate() {
                for literal in r.held.iter().flatten() {
                    patterns.push(literal);
                    targets.push(Target::Held { regex: i as u32 });
                }
            }
        }
        // A full DFA: the lexicons are a few thousand phrases, and the overlapping search
        // runs over every field of every advert, so memory buys speed here.
        let longest = patterns.iter().map(|p| p.len()).max().unwrap_or(0);
        let bytes: Vec<&[u8]> = patterns.iter().map(|p| p.as_bytes()).collect();
        let automaton = PhraseAutomaton::new(&bytes).ok_or_else(|| Error::Lexicon {
            file: "(all)".into(),
            line: 0,
            reason: "too many phrases for one automaton".into(),
        })?;
        let follows = (0..prefixes).map(|_| Follow::default()).collect();
        Ok(Pass {
            automaton,
            targets,
            longest,
            follows,
            regexes: RegexPass::build(regexes, by_prefix)?,
        })
    }
}

impl RegexSpec {
    /// The pattern anchored at the start of the haystack. Compiled on first use: most
    /// runs need a few of the lexicons' hundreds of regexes, and compiling them all was
    /// most of the start-up time.
    fn anchored(&self) -> &Regex {
        self.anchored.get_or_init(|| {
            // Regexes read from files are checked as they are read (`parse_file`), the
            // embedded ones by the tests; anchoring a valid pattern keeps it valid.
            Regex::new(&format!("^(?:{})", self.pattern))
                .unwrap_or_else(|e| panic!("lexicon regex {:?}: {e}", self.pattern))
        })
    }

    /// The pattern as a forward lazy DFA, built on first use (`None` if it does not
    /// build as one).
    fn forward(&self) -> Option<&hybrid::dfa::DFA> {
        self.forward
            .get_or_init(|| hybrid::dfa::DFA::new(&self.pattern).ok())
            .as_ref()
    }

    /// The end of the match anchored at `start`, as [`RegexSpec::anchored`] finds it,
    /// by the lazy DFA when it builds and does not give up. `cache` is this regex's.
    fn anchored_end(
        &self,
        text: &str,
        start: usize,
        cache: &mut Option<hybrid::dfa::Cache>,
    ) -> Option<usize> {
        let haystack = &text[start..];
        if let Some(dfa) = self.forward() {
            let cache = cache.get_or_insert_with(|| dfa.create_cache());
            if let Some(end) = dfa_anchored_end(dfa, cache, haystack.as_bytes()) {
                return end.map(|end| start + end);
            }
        }
        self.anchored().find(haystack).map(|m| start + m.end())
    }

    /// Whether a match of this regex that starts with `prefix` can have `next` as its
    /// next byte, or end before it: whether the lazy DFA, after the prefix and `next`,
    /// is anywhere but its dead state. `true` when the DFA cannot tell.
    fn continues_after(
        &self,
        prefix: &[u8],
        next: u8,
        cache: &mut Option<hybrid::dfa::Cache>,
    ) -> bool {
        let Some(dfa) = self.forward() else {
            return true;
        };
        let cache = cache.get_or_insert_with(|| dfa.create_cache());
        let Ok(mut state) = anchored_start(dfa, cache) else {
            return true;
        };
        for &byte in prefix.iter().chain([&next]) {
            match dfa.next_state(cache, state, byte) {
                Ok(after) if after.is_quit() => return true,
                Ok(after) => state = after,
                Err(_) => return true,
            }
        }
        !state.is_dead()
    }
}

/// The state of `dfa` before the first byte of a search anchored where it starts.
fn anchored_start(
    dfa: &hybrid::dfa::DFA,
    cache: &mut hybrid::dfa::Cache,
) -> std::result::Result<hybrid::LazyStateID, regex_automata::hybrid::StartError> {
    let anchored =
        regex_automata::util::start::Config::new().anchored(regex_automata::Anchored::Yes);
    dfa.start_state(cache, &anchored)
}

/// The end of the leftmost-first match of `dfa` anchored at the start of `haystack`, as
/// `try_search_fwd` finds it, without its per-search set-up (most attempts end within a
/// few bytes); `None` when the DFA gives up (the caller then asks the regex).
fn dfa_anchored_end(
    dfa: &hybrid::dfa::DFA,
    cache: &mut hybrid::dfa::Cache,
    haystack: &[u8],
) -> Option<Option<usize>> {
    let mut state = anchored_start(dfa, cache).ok()?;
    let mut end = None;
    for (at, &byte) in haystack.iter().enumerate() {
        state = dfa.next_state(cache, state, byte).ok()?;
        if state.is_tagged() {
            // Matches show one byte late: a match state after the byte at `at` means a
            // match ending at `at`.
            if state.is_match() {
                end = Some(at);
            } else if state.is_dead() {
                return Some(end);
            } else if state.is_quit() {
                return None;
            }
        }
    }
    state = dfa.next_eoi_state(cache, state).ok()?;
    if state.is_match() {
        end = Some(haystack.len());
    }
    Some(end)
}

/// Regex entries matched in one pass: where something may match comes from the literal
/// prefixes or from an alternation of them all, the anchored entries tell which.
#[derive(Debug)]
struct RegexPass {
    /// The alternation of every entry, when some entry has no literal prefixes.
    any: Option<Regex>,
    /// The entries, as indices into [`Lexicon::regexes`].
    entries: Vec<u32>,
    /// By entry: whether its held literals are looked for ([`Target::Held`]).
    checks_held: Vec<bool>,
}

impl RegexPass {
    fn build(specs: &[(u32, &RegexSpec)], by_prefix: bool) -> Result<Option<RegexPass>> {
        if specs.is_empty() {
            return Ok(None);
        }
        let any = if by_prefix {
            None
        } else {
            let alternation: Vec<String> = specs
                .iter()
                .map(|(_, r)| format!("(?:{})", r.pattern))
                .collect();
            let any = regex::RegexBuilder::new(&alternation.join("|"))
                .size_limit(64 << 20)
                .dfa_size_limit(64 << 20)
                .build()
                .map_err(|err| Error::Lexicon {
                    file: "(all)".into(),
                    line: 0,
                    reason: err.to_string(),
                })?;
            Some(any)
        };
        Ok(Some(RegexPass {
            checks_held: specs
                .iter()
                .map(|(_, r)| by_prefix && r.held.is_some())
                .collect(),
            any,
            entries: specs.iter().map(|&(i, _)| i).collect(),
        }))
    }
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

    /// The embedded lexicon files as (file name, contents) pairs.
    pub fn embedded_sources() -> Vec<(String, String)> {
        EMBEDDED_LEXICONS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect()
    }

    /// The embedded lexicon files with each `<lang>.tsv` in `dir` added or put in place
    /// of the embedded file of the same name, as (file name, contents) pairs.
    pub fn sources_with_overrides(dir: &Path) -> Result<Vec<(String, String)>> {
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut sources = Lexicon::embedded_sources();
        let mut found = 0;
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_none_or(|x| x != "tsv") {
                continue;
            }
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            sources.retain(|(n, _)| *n != name);
            sources.push((name, text));
            found += 1;
        }
        if found == 0 {
            return Err(Error::Lexicon {
                file: dir.display().to_string(),
                line: 0,
                reason: "no .tsv lexicon files in this directory".into(),
            });
        }
        Ok(sources)
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

    fn parse_sources(
        sources: impl IntoIterator<Item = (String, String)>,
        check_regexes: bool,
    ) -> Result<Vec<LexiconEntry>> {
        let mut entries = Vec::new();
        for (file, text) in sources {
            let lang = file.trim_end_matches(".tsv").to_string();
            parse_file(&file, &lang, &text, check_regexes, &mut entries)?;
        }
        Ok(entries)
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

    /// The entries that can match text with the script groups `scripts`, as indices into
    /// `entries`: the key of their pass.
    fn pass_key(&self, scripts: u8) -> Vec<u32> {
        let phrases = self.phrases.iter().filter(|p| p.scripts & !scripts == 0);
        let regexes = self
            .regexes
            .iter()
            .filter(|r| r.needs.is_none_or(|m| m & scripts != 0));
        phrases
            .map(|p| p.entry)
            .chain(regexes.map(|r| r.entry))
            .collect()
    }

    /// The pass for text with the script groups `scripts`, built now, or shared with an
    /// identical pass built before.
    fn build_and_keep(&self, scripts: u8) -> Result<Arc<Pass>> {
        let key = self.pass_key(scripts);
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pass) = built.get(&key) {
            return Ok(Arc::clone(pass));
        }
        let wanted: std::collections::HashSet<u32> = key.iter().copied().collect();
        let phrases: Vec<&PhraseSpec> = self
            .phrases
            .iter()
            .filter(|p| wanted.contains(&p.entry))
            .collect();
        let regexes: Vec<(u32, &RegexSpec)> = (0u32..)
            .zip(&self.regexes)
            .filter(|(_, r)| wanted.contains(&r.entry))
            .collect();
        let pass = Arc::new(Pass::build(&phrases, &regexes, true)?);
        built.insert(key, Arc::clone(&pass));
        let _ = self.passes[scripts as usize].set(Arc::clone(&pass));
        Ok(pass)
    }

    fn pass(&self, scripts: u8) -> &Pass {
        if let Some(pass) = self.passes[scripts as usize].get() {
            return pass;
        }
        // Lexicons read from files were checked whole in `from_sources`, the embedded
        // ones by the tests, and a subset of a buildable pass always builds (fewer
        // patterns, smaller automata).
        let pass = self
            .build_and_keep(scripts)
            .unwrap_or_else(|e| panic!("lexicon matchers failed to build: {e}"));
        self.passes[scripts as usize].get_or_init(|| pass)
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

    /// The overlapping search, walked by hand: every pattern that ends at each byte, in
    /// the automaton's order (longest first), as `find_overlapping_iter` reports them,
    /// without its per-match call overhead. Phrase hits go to `out`, where regexes may
    /// start to `scratch.regex.starts` (cleared first).
    ///
    /// Each step of a walk waits for the table load of the step before, so a long text
    /// is walked as [`WAYS`] parts at once (each walk has its own loads in flight). Each
    /// part's walk starts [`LEAD_IN`] bytes before the part and reports only the matches
    /// ending in it: every match is found once, in the order of a single walk. A part's
    /// walk is right from its boundary on when its state there is the one the walk
    /// before it ended in (the state depends on the bytes since the longest partial match
    /// only); that is checked, and where it is not so the text is walked whole.
    fn walk(&self, text: &str, pass: &Pass, scratch: &mut FindScratch, out: &mut Vec<LexiconHit>) {
        let regex = &mut scratch.regex;
        if regex.caches_of != self.id {
            regex.caches.clear();
            regex.caches_of = self.id;
        }
        if regex.caches.len() < self.regexes.len() {
            regex.caches.resize_with(self.regexes.len(), || None);
        }
        regex.forget_held();
        let in_pass = pass.regexes.as_ref().map_or(0, |r| r.entries.len());
        if regex.held_after.len() < in_pass {
            regex.held_after.resize(in_pass, 0);
        }
        let dfa = &pass.automaton;
        match dfa.table() {
            Table::Narrow(trans) => {
                self.walk_shifted(text, pass, trans, dfa.start() as u16, scratch, out)
            }
            Table::Wide(trans) => self.walk_shifted(text, pass, trans, dfa.start(), scratch, out),
        }
    }

    /// [`Lexicon::walk`] over a table with state ids of type `S`, compiled for its row
    /// shift.
    #[inline(always)]
    fn walk_shifted<S: StateId + Into<u32>>(
        &self,
        text: &str,
        pass: &Pass,
        trans: &[S],
        start: S,
        scratch: &mut FindScratch,
        out: &mut Vec<LexiconHit>,
    ) {
        let dfa = &pass.automaton;
        // The automaton's shift is `MIN_SHIFT`, 6, 7 or 8.
        match dfa.shift() {
            MIN_SHIFT => {
                let steps = dfa.steps::<S, MIN_SHIFT>(trans, start);
                self.walk_in(text, pass, steps, scratch, out)
            }
            6 => self.walk_in(text, pass, dfa.steps::<S, 6>(trans, start), scratch, out),
            7 => self.walk_in(text, pass, dfa.steps::<S, 7>(trans, start), scratch, out),
            _ => self.walk_in(text, pass, dfa.steps::<S, 8>(trans, start), scratch, out),
        }
    }

    /// [`Lexicon::walk`] over a table with state ids of type `S`.
    #[inline(always)]
    fn walk_in<S: StateId + Into<u32>, const SHIFT: u32>(
        &self,
        text: &str,
        pass: &Pass,
        steps: Steps<'_, S, SHIFT>,
        scratch: &mut FindScratch,
        out: &mut Vec<LexiconHit>,
    ) {
        scratch.regex.starts.clear();
        // Splitting pays once each part is at least as long as the longest pattern (a
        // measured threshold; the parts' joins are checked whatever their length).
        let part_min = pass.longest.max(LEAD_IN);
        match text.len() / part_min {
            0..2 => self.walk_whole(text, pass, steps, &mut scratch.regex, out),
            2..4 => self.walk_ways::<S, SHIFT, 2>(text, pass, steps, scratch, out),
            _ => self.walk_ways::<S, SHIFT, WAYS>(text, pass, steps, scratch, out),
        }
    }

    /// [`Lexicon::walk`] in one part.
    #[inline(always)]
    fn walk_whole<S: StateId + Into<u32>, const SHIFT: u32>(
        &self,
        text: &str,
        pass: &Pass,
        steps: Steps<'_, S, SHIFT>,
        regex: &mut RegexScratch,
        out: &mut Vec<LexiconHit>,
    ) {
        let dfa = &pass.automaton;
        let mut state = steps.start;
        for (at, &byte) in text.as_bytes().iter().enumerate() {
            state = steps.next(state, byte);
            if dfa.is_match(state.into()) {
                self.report_matches(text, pass, state.into(), at + 1, out, regex);
            }
        }
    }

    /// [`Lexicon::walk`] in `W` parts at once (`text` at least the longest pattern, and
    /// [`LEAD_IN`], per part).
    // Every part is `len` bytes, so indexing them by position compiles without checks.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn walk_ways<S: StateId + Into<u32>, const SHIFT: u32, const W: usize>(
        &self,
        text: &str,
        pass: &Pass,
        steps: Steps<'_, S, SHIFT>,
        scratch: &mut FindScratch,
        out: &mut Vec<LexiconHit>,
    ) {
        let FindScratch { regex, parts, .. } = scratch;
        let dfa = &pass.automaton;
        let bytes = text.as_bytes();
        let n = bytes.len();
        let lead_in = LEAD_IN;
        // Part k's walk covers `len` bytes from `k * (len - lead_in)`; it reports the
        // matches ending after its first `lead_in` bytes (part 0: all), which is where
        // part k - 1's walk ends. The last part's walk then goes on to the end.
        let len = (n + (W - 1) * lead_in) / W;
        let step_len = len.saturating_sub(lead_in);
        let mut walks: [&[u8]; W] = [&[]; W];
        for (k, walk) in walks.iter_mut().enumerate() {
            // (Always inside the text; were it not, one walk does it all.)
            match bytes.get(k * step_len..k * step_len + len) {
                Some(part) => *walk = part,
                None => return self.walk_whole(text, pass, steps, regex, out),
            }
        }
        let first = out.len();
        let mut states = [steps.start; W];
        let rest = &mut parts[..W - 1];
        for p in rest.iter_mut() {
            p.clear();
        }
        // In the first `lead_in` bytes only part 0's matches count: the other parts are
        // in their lead-in.
        let lead_in = lead_in.min(len);
        for i in 0..lead_in {
            for k in 0..W {
                states[k] = steps.next(states[k], walks[k][i]);
            }
            if dfa.is_match(states[0].into()) {
                self.report_matches(text, pass, states[0].into(), i + 1, out, regex);
            }
        }
        let at_boundaries = states;
        for i in lead_in..len {
            for k in 0..W {
                states[k] = steps.next(states[k], walks[k][i]);
            }
            // One branch for all parts: most bytes end in no match.
            if states
                .iter()
                .fold(false, |any, &s| any | dfa.is_match(s.into()))
            {
                if dfa.is_match(states[0].into()) {
                    self.report_matches(text, pass, states[0].into(), i + 1, out, regex);
                }
                for k in 1..W {
                    if dfa.is_match(states[k].into()) {
                        let end = k * step_len + i + 1;
                        let part = &mut rest[k - 1];
                        self.report_matches(text, pass, states[k].into(), end, part, regex);
                    }
                }
            }
        }
        // Each part's state at its boundary must be where the part before it ended.
        let joined = (1..W).all(|k| at_boundaries[k].into() == states[k - 1].into());
        if !joined {
            out.truncate(first);
            regex.starts.clear();
            regex.forget_held();
            return self.walk_whole(text, pass, steps, regex, out);
        }
        let mut last = states[W - 1];
        let tail = &mut rest[W - 2];
        for (at, &byte) in bytes.iter().enumerate().skip((W - 1) * step_len + len) {
            last = steps.next(last, byte);
            if dfa.is_match(last.into()) {
                self.report_matches(text, pass, last.into(), at + 1, tail, regex);
            }
        }
        for p in rest.iter_mut() {
            out.append(p);
        }
    }

    /// Reports the patterns that end at `end` in the automaton's match state `state`:
    /// phrase hits into `out`, regex starts into `regex.starts`.
    #[inline(never)]
    fn report_matches(
        &self,
        text: &str,
        pass: &Pass,
        state: u32,
        end: usize,
        out: &mut Vec<LexiconHit>,
        regex: &mut RegexScratch,
    ) {
        let dfa = &pass.automaton;
        for &pattern in dfa.matches(state) {
            if !dfa.confirms(pattern, text.as_bytes(), end) {
                continue;
            }
            let start = end - dfa.pattern_len(pattern);
            match pass.targets[pattern as usize] {
                Target::Phrase { entry, boundaries } => {
                    if boundaries && !at_word_boundaries(text, start, end) {
                        continue;
                    }
                    out.push(LexiconHit {
                        entry,
                        family: self.entries[entry as usize].family,
                        start,
                        end,
                    });
                }
                Target::RegexStart { regex: i, follow } => {
                    if let Some(&next) = text.as_bytes().get(end)
                        && let Some(regexes) = &pass.regexes
                    {
                        let r = regexes.entries[i as usize] as usize;
                        let allows = pass.follows[follow as usize].allows(next, || {
                            let prefix = &text.as_bytes()[start..end];
                            // (`walk` sized the caches.)
                            regex.caches.get_mut(r).is_none_or(|cache| {
                                self.regexes[r].continues_after(prefix, next, cache)
                            })
                        });
                        if !allows {
                            continue;
                        }
                    }
                    regex.starts.push((start, i));
                }
                Target::Held { regex: i } => {
                    // (`walk` sized `held_after`.)
                    if let Some(after) = regex.held_after.get_mut(i as usize) {
                        if *after == 0 {
                            regex.held_found.push(i);
                        }
                        *after = (*after).max(start + 1);
                    }
                }
            }
        }
    }

    /// Tries one regex entry anchored at `start`: pushes a hit when it matches there (at
    /// word boundaries, not empty) and returns the end of its match either way.
    fn regex_hit(
        &self,
        text: &str,
        start: usize,
        spec: &RegexSpec,
        out: &mut Vec<LexiconHit>,
    ) -> Option<usize> {
        let end = start + spec.anchored().find(&text[start..])?.end();
        self.push_regex_hit(text, start, end, spec, out);
        Some(end)
    }

    /// Pushes the hit of a regex entry that matches `text[start..end]`, if that is not
    /// empty and lies at word boundaries.
    fn push_regex_hit(
        &self,
        text: &str,
        start: usize,
        end: usize,
        spec: &RegexSpec,
        out: &mut Vec<LexiconHit>,
    ) {
        if end > start && at_word_boundaries(text, start, end) {
            out.push(LexiconHit {
                entry: spec.entry,
                family: self.entries[spec.entry as usize].family,
                start,
                end,
            });
        }
    }

    /// The regex hits found from literal prefixes, exactly as the alternation of the
    /// pass's regexes would find them: `starts` (sorted) names where each regex's
    /// prefix occurs. The alternation matches at the first start where some regex
    /// matches; every regex matching there is a hit (in entry order), the first one's
    /// end is the alternation's, and its next match starts there or after.
    fn regex_hits_by_prefix(
        &self,
        text: &str,
        regexes: &RegexPass,
        starts: &[(usize, u32)],
        held_after: &[usize],
        caches: &mut [Option<hybrid::dfa::Cache>],
        out: &mut Vec<LexiconHit>,
    ) {
        let mut from = 0;
        for same in starts.chunk_by(|a, b| a.0 == b.0) {
            let start = same[0].0;
            if start < from {
                continue;
            }
            let mut first_end = None;
            for &(_, i) in same {
                // No match starts after the last of the regex's held literals.
                let i = i as usize;
                if regexes.checks_held[i] && held_after.get(i).is_none_or(|&a| a <= start) {
                    continue;
                }
                let r = regexes.entries[i] as usize;
                let spec = &self.regexes[r];
                let end = spec.anchored_end(text, start, &mut caches[r]);
                if let Some(end) = end {
                    self.push_regex_hit(text, start, end, spec, out);
                }
                first_end = first_end.or(end);
            }
            if let Some(end) = first_end {
                from = end;
            }
        }
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

/// Reads one lexicon file into `entries`; `check_regexes` compiles each regex to report
/// a bad one with its line (the embedded files are checked by the tests instead).
fn parse_file(
    file: &str,
    lang: &str,
    text: &str,
    check_regexes: bool,
    entries: &mut Vec<LexiconEntry>,
) -> Result<()> {
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let bad = |reason: String| Error::Lexicon {
            file: file.to_string(),
            line: n + 1,
            reason,
        };
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            return Err(bad(format!(
                "expected family<TAB>kind<TAB>pattern<TAB>note[<TAB>strength], got {} column(s)",
                cols.len()
            )));
        }
        let family = Family::from_id(cols[0].trim())
            .ok_or_else(|| bad(format!("unknown family {:?}", cols[0])))?;
        let kind = match cols[1].trim() {
            "phrase" => PatternKind::Phrase,
            "regex" => PatternKind::Regex,
            other => return Err(bad(format!("kind must be phrase or regex, not {other:?}"))),
        };
        let pattern = cols[2].trim();
        if pattern.is_empty() {
            return Err(bad("empty pattern".into()));
        }
        if check_regexes && kind == PatternKind::Regex {
            Regex::new(pattern).map_err(|e| bad(format!("bad regex: {e}")))?;
        }
        let strength = match cols.get(4).map(|s| s.trim()) {
            None | Some("") => None,
            Some(s) => Some(parse_strength(s).map_err(bad)?),
        };
        entries.push(LexiconEntry {
            family,
            lang: lang.to_string(),
            kind,
            pattern: pattern.to_string(),
            note: cols
                .get(3)
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
            strength,
        });
    }
    Ok(())
}

/// The largest strength an entry may carry, in log-odds: enough for one specific tell to
/// flag a short post alone, not enough to outweigh everything else in a long advert.
pub const MAX_STRENGTH: f32 = 6.0;

/// Parses an entry's strength column: a log-odds number within ±[`MAX_STRENGTH`].
fn parse_strength(s: &str) -> std::result::Result<f32, String> {
    let v: f32 = s
        .parse()
        .map_err(|_| format!("strength {s:?} is not a number"))?;
    if !v.is_finite() || v.abs() > MAX_STRENGTH {
        return Err(format!(
            "strength {s} must lie within -{MAX_STRENGTH}..={MAX_STRENGTH} (log-odds)"
        ));
    }
    Ok(v)
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
    include_str!("../../data/samples/multilingual.csv"),
    include_str!("../../data/samples/hard_cases.csv"),
    include_str!("../../data/samples/lures_sea.csv"),
];

#[cfg(test)]
mod tests {
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

    fn required_scripts(pattern: &str) -> Option<u8> {
        shape::parse(pattern).and_then(|node| shape::required_scripts(&node))
    }

    fn prefixes(pattern: &str) -> Option<Vec<String>> {
        shape::parse(pattern)
            .filter(|n| !shape::has_assertion(n))
            .and_then(|node| shape::prefixes(&node))
    }

    #[test]
    fn literal_prefixes_of_regexes() {
        let p = |s: &str| prefixes(s).map(|v| v.join(","));
        assert_eq!(p(r"send\s+(a\s+)?copy").as_deref(), Some("send"));
        assert_eq!(
            p(r"(send|submit)\s+passport").as_deref(),
            Some("send,submit")
        );
        assert_eq!(p(r"girls?\s+only").as_deref(), Some("girl"));
        assert_eq!(
            p(r"don['’]t tell").as_deref(),
            Some("don't tell,don’t tell")
        );
        assert_eq!(p(r"(no|zero) fees?").as_deref(), Some("no fee,zero fee"));
        assert_eq!(
            p(r"age\s*[0-9]").as_deref(),
            Some("age"),
            "stops at the first item that may repeat or vary"
        );
        assert_eq!(p(r"[0-2]x").as_deref(), Some("0x,1x,2x"));
        assert_eq!(
            p(r"(1[6-9]|2[0-2])").as_deref(),
            Some("16,17,18,19,20,21,22")
        );
        // No literal start, or context matters: found by the alternation instead.
        assert_eq!(p(r"\d+\s*%"), None);
        assert_eq!(p(r"(usd|\S+)"), None);
        assert_eq!(p(r"(a|)b").as_deref(), Some("ab,b"));
        assert_eq!(p(r"(a|)"), None);
        assert_eq!(p(r"\bfee"), None);
        assert_eq!(p(r"fee$"), None);
        assert_eq!(p(r"[가-힣]+"), None);
    }

    #[test]
    fn held_literals_of_regexes() {
        let held = |s: &str| {
            shape::parse(s)
                .and_then(|n| shape::held_literals(&n))
                .map(|v| v.join(","))
        };
        assert_eq!(
            held(r"(send|submit)\s+(\S+\s+){0,4}?passport\s+(copy|scan)").as_deref(),
            Some("passport")
        );
        assert_eq!(held(r"typing(\s+skills?)?\s+only").as_deref(), Some("only"));
        assert_eq!(
            held(r"(no|without)\s+experiences?\s+(needed|required)").as_deref(),
            Some("experience"),
            "the longest shortest string"
        );
        assert_eq!(
            held(r"a\s+(paid|free)\s+ticket|b\s+visas?").as_deref(),
            Some("ticket,visa"),
            "one set per branch"
        );
        // Too short to be worth looking for, covered by the prefixes, or not there.
        assert_eq!(held(r"send\s+(a\s+)?pi\s+of"), None);
        assert_eq!(held(r"gagner beaucoup"), None);
        assert_eq!(held(r"a\s+(ticket|\S+)"), None);
        assert_eq!(held(r"a\s+(tickets)?"), None);
        assert_eq!(held(r"a\s+ticket|b"), None);
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

    #[test]
    fn script_needs_of_regexes() {
        let hangul = lead_group("숙".as_bytes()[0]);
        let thai = lead_group("ไ".as_bytes()[0]);
        let khmer = lead_group("ទ".as_bytes()[0]);
        assert_eq!(required_scripts(r"숙식\s*제공[가-힣]*"), Some(hangul));
        assert_eq!(required_scripts(r"[가-힣]+\s*(알바|모집)"), Some(hangul));
        assert_eq!(required_scripts(r"(ไม่เก็บ|ไม่มี)(ค่าใช้จ่าย|ค่าสมัคร)"), Some(thai));
        assert_eq!(
            required_scripts(r"ទាក់ទង(មក)?តាម\s*(តេឡេក្រាម|telegram)"),
            Some(khmer)
        );
        assert_eq!(required_scripts(r"(숙식|ไม่มี)"), Some(hangul | thai));
        // A match may be all ASCII, or the reader cannot tell: kept in every pass.
        assert_eq!(required_scripts(r"(usd|달러)\s*\d+"), None);
        assert_eq!(required_scripts(r"send\s+(a\s+)?copy"), None);
        assert_eq!(required_scripts(r"\d+\s*%"), None);
        assert_eq!(required_scripts(r"(숙식)?\s*\d+"), None);
        assert_eq!(required_scripts(r"숙식|"), None);
        assert_eq!(required_scripts(r"[^가-힣]+"), None);
        assert_eq!(required_scripts(r"\p{Hangul}+"), None);
        assert_eq!(required_scripts(r"(?i)숙식"), None);
        assert_eq!(required_scripts(r"숙식{0,2}"), Some(hangul));
        assert_eq!(required_scripts(r"(숙식){0,2}"), None);
        assert_eq!(required_scripts(r"숙(식"), None);
    }

    #[test]
    fn passes_leave_out_only_what_cannot_match() {
        // Every embedded regex is read, and the phrases of other scripts are left out of
        // the pass for English text.
        let lex = Lexicon::embedded();
        let english = "send a copy of your passport to 숙식 제공 and earn $500 per day";
        let (mut fast, mut full) = (Vec::new(), Vec::new());
        lex.find(english, &mut fast);
        lex.find_exhaustive(english, &mut full);
        assert_eq!(fast, full);
        assert!(!fast.is_empty());
        let ascii = lex.pass(0);
        let phrases = ascii
            .targets
            .iter()
            .filter(|t| matches!(t, Target::Phrase { .. }))
            .count();
        assert!(phrases < lex.phrases.len());
        let regexes = ascii.regexes.as_ref().expect("regexes");
        assert!(regexes.entries.len() < lex.regexes.len());
        assert!(
            regexes.any.is_none(),
            "ASCII text finds its regexes by prefix"
        );
    }

    #[test]
    fn split_walks_find_what_one_walk_finds() {
        // Texts of every length around the split thresholds, and whole sample files.
        let lex = Lexicon::embedded();
        let mut texts: Vec<String> = SAMPLE_FILES.iter().map(|s| normalise_str(s)).collect();
        // Long phrases over and over: most part boundaries fall inside a partial match
        // longer than the lead-in, where the parts' walks do not join and the text is
        // walked whole.
        let long_phrases: Vec<&str> = lex
            .phrases
            .iter()
            .map(|p| p.pattern.as_str())
            .filter(|p| p.len() > 2 * LEAD_IN)
            .take(5)
            .collect();
        assert!(!long_phrases.is_empty());
        for phrase in &long_phrases {
            for times in [4, 9, 20] {
                texts.push(phrase.repeat(times));
                texts.push(format!("{phrase} ").repeat(times));
            }
        }
        let long = texts[..SAMPLE_FILES.len()].concat();
        let mut cut = 0;
        while cut < long.len().min(3000) {
            if let Some(part) = long.get(cut / 3..cut) {
                texts.push(part.to_string());
            }
            cut += 7;
        }
        let mut scratch = FindScratch::default();
        for text in &texts {
            let pass = lex.pass(script_groups(text));
            let (mut split, mut whole) = (Vec::new(), Vec::new());
            lex.walk(text, pass, &mut scratch, &mut split);
            // Regex starts are sorted before use: their order does not matter.
            let mut split_starts = std::mem::take(&mut scratch.regex.starts);
            split_starts.sort_unstable();
            let dfa = &pass.automaton;
            let mut state = dfa.start();
            for (at, &byte) in text.as_bytes().iter().enumerate() {
                state = dfa.next(state, byte);
                if dfa.is_match(state) {
                    lex.report_matches(text, pass, state, at + 1, &mut whole, &mut scratch.regex);
                }
            }
            assert_eq!(split, whole, "{}", text.len());
            scratch.regex.starts.sort_unstable();
            assert_eq!(split_starts, scratch.regex.starts, "{}", text.len());
        }
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

    #[test]
    fn bad_lines_name_file_and_line() {
        let err =
            Lexicon::from_sources([("xx.tsv".into(), "# c\nnofamily\tphrase\tx\tn\n".into())])
                .expect_err("unknown family");
        let msg = err.to_string();
        assert!(msg.contains("xx.tsv") && msg.contains("line 2"), "{msg}");
    }
}

/// What the lexicon matcher needs to know about a regex entry without running it, read
/// from its syntax: which script groups every match needs, and which literal strings every
/// match starts with. A small reader of the syntax the lexicons use; anything it does not
/// understand (flags, nested classes, `\\x..` escapes) makes it say "not known", which
/// keeps the entry in every pass and on the slow path, never changes a result.
mod shape {
    use super::{char_group, lead_group};

    /// A parsed pattern.
    #[derive(Debug, Clone, PartialEq)]
    pub(super) enum Node {
        /// One literal character.
        Char(char),
        /// `[...]`: its ranges, unless it is negated or holds an escape class.
        Class(Option<Vec<(char, char)>>),
        /// `.`, `\\s`, `\\d`, `\\p{..}` and the like: a broad class.
        Broad,
        /// `^`, `$`, `\\b` and other zero-width assertions.
        Assertion,
        /// `a|b|…`
        Alternation(Vec<Node>),
        /// `ab…`
        Concat(Vec<Node>),
        /// An item repeated at least `min` times.
        Repeat(Box<Node>, u32),
    }

    /// Parses `pattern`, or `None` for syntax this reader does not know.
    pub(super) fn parse(pattern: &str) -> Option<Node> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut r = Reader {
            chars: &chars,
            at: 0,
        };
        let node = r.alternation().ok()?;
        (r.at == chars.len()).then_some(node)
    }

    /// The script groups of which every match holds a character (see [`lead_group`]),
    /// or `None` when a match may be all ASCII or the reader cannot tell.
    pub(super) fn required_scripts(node: &Node) -> Option<u8> {
        match node {
            Node::Char(c) if c.is_ascii() => None,
            Node::Char(c) => Some(char_group(*c)),
            Node::Class(Some(ranges)) if ranges.iter().all(|(lo, _)| !lo.is_ascii()) => {
                Some(ranges.iter().fold(0, |m, &(lo, hi)| {
                    let (lo, hi) = (lead_byte(lo), lead_byte(hi));
                    (lo..=hi).fold(m, |m, b| m | lead_group(b))
                }))
            }
            Node::Class(_) | Node::Broad | Node::Assertion => None,
            Node::Alternation(branches) => branches
                .iter()
                .map(required_scripts)
                .try_fold(0, |m, b| b.map(|b| m | b)),
            // Any item that must occur makes the whole need what it needs; the narrowest
            // such item is kept.
            Node::Concat(items) => items
                .iter()
                .filter_map(required_scripts)
                .min_by_key(|m| m.count_ones()),
            Node::Repeat(item, min) => (*min >= 1).then(|| required_scripts(item)).flatten(),
        }
    }

    /// Whether the pattern has a zero-width assertion anywhere (`^`, `$`, `\\b`, …): a
    /// match then depends on the text around it, not just on where it starts.
    pub(super) fn has_assertion(node: &Node) -> bool {
        match node {
            Node::Assertion => true,
            Node::Char(_) | Node::Class(_) | Node::Broad => false,
            Node::Alternation(items) | Node::Concat(items) => items.iter().any(has_assertion),
            Node::Repeat(item, _) => has_assertion(item),
        }
    }

    /// Most literal prefixes kept for one pattern: beyond that a prefix is cut short.
    const MAX_PREFIXES: usize = 64;

    /// A finite set of non-empty strings such that every match starts with one of them,
    /// or `None` when there is none (the pattern may start with a broad class).
    pub(super) fn prefixes(node: &Node) -> Option<Vec<String>> {
        let (set, _) = literals(node)?;
        (!set.is_empty() && set.iter().all(|s| !s.is_empty())).then_some(set)
    }

    /// Shortest literal (in bytes) worth looking for as a regex's [`held_literals`]: shorter
    /// ones are in most texts, and each find costs the phrase walk a report.
    const MIN_HELD: usize = 3;

    /// A finite set of strings, none shorter than [`MIN_HELD`] bytes, such that every match
    /// holds one of them after the items its literal prefixes cover (so they tell something
    /// the prefixes do not): the set with the longest shortest string, then the fewest.
    /// `None` when the reader finds no such set.
    pub(super) fn held_literals(node: &Node) -> Option<Vec<String>> {
        let mut set = match node {
            Node::Alternation(branches) => {
                let mut union = Vec::new();
                for b in branches {
                    union.extend(held_literals(b)?);
                }
                union
            }
            Node::Concat(items) => most_selective(
                (prefix_items(items).max(1)..items.len())
                    .flat_map(|i| held_from(items, i))
                    .filter(|set| set.iter().all(|s| s.len() >= MIN_HELD)),
            )?,
            _ => return None,
        };
        set.sort_unstable();
        set.dedup();
        (set.len() <= MAX_PREFIXES).then_some(set)
    }

    /// How many of `items` (from the first) the literal prefixes of their concatenation
    /// ([`literals`]) cover, the last perhaps in part.
    fn prefix_items(items: &[Node]) -> usize {
        let mut combinations = 1;
        for (at, item) in items.iter().enumerate() {
            let (inner, repeated, min) = match item {
                Node::Repeat(inner, min) => (&**inner, true, *min),
                other => (other, false, 1),
            };
            if min == 0 {
                return at;
            }
            let Some((tails, exact)) = literals(inner) else {
                return at;
            };
            combinations *= tails.len();
            if combinations > MAX_PREFIXES {
                return at;
            }
            if !exact || repeated {
                return at + 1;
            }
        }
        items.len()
    }

    /// The set whose shortest string is longest, then the smallest.
    fn most_selective(sets: impl Iterator<Item = Vec<String>>) -> Option<Vec<String>> {
        sets.max_by_key(|set| {
            let shortest = set.iter().map(String::len).min().unwrap_or(0);
            (shortest, std::cmp::Reverse(set.len()))
        })
    }

    /// Literal sets of which every match of `node` holds one (anywhere in it).
    fn held(node: &Node) -> Vec<Vec<String>> {
        match node {
            Node::Concat(items) => (0..items.len()).flat_map(|i| held_from(items, i)).collect(),
            Node::Alternation(branches) => branches
                .iter()
                .map(|b| most_selective(held(b).into_iter()))
                .collect::<Option<Vec<_>>>()
                .map(|sets| sets.concat())
                .into_iter()
                .collect(),
            Node::Repeat(item, min) if *min >= 1 => held(item),
            Node::Repeat(..) => Vec::new(),
            other => prefixes(other).into_iter().collect(),
        }
    }

    /// Literal sets of which every match of `items[at..]` holds one: the strings it starts
    /// with, and the sets of item `at`.
    fn held_from(items: &[Node], at: usize) -> Vec<Vec<String>> {
        let mut sets = held(&items[at]);
        sets.extend(prefixes(&Node::Concat(items[at..].to_vec())));
        sets
    }

    /// The strings every match of `node` starts with, and whether they are its whole
    /// matches (so that what follows may be appended).
    fn literals(node: &Node) -> Option<(Vec<String>, bool)> {
        match node {
            Node::Char(c) => Some((vec![c.to_string()], true)),
            Node::Class(Some(ranges)) => {
                let mut set = Vec::new();
                for &(lo, hi) in ranges {
                    for c in lo..=hi {
                        if set.len() == 16 {
                            return None;
                        }
                        set.push(c.to_string());
                    }
                }
                Some((set, true))
            }
            Node::Class(None) | Node::Broad | Node::Assertion => None,
            Node::Alternation(branches) => {
                let mut set = Vec::new();
                let mut exact = true;
                for b in branches {
                    let (s, e) = literals(b)?;
                    set.extend(s);
                    exact &= e;
                }
                (set.len() <= MAX_PREFIXES).then_some((set, exact))
            }
            Node::Concat(items) => {
                let mut set = vec![String::new()];
                for item in items {
                    let (inner, repeated, min) = match item {
                        Node::Repeat(inner, min) => (&**inner, true, *min),
                        other => (other, false, 1),
                    };
                    if min == 0 {
                        return Some((set, false));
                    }
                    let Some((tails, exact)) = literals(inner) else {
                        return Some((set, false));
                    };
                    if set.len() * tails.len() > MAX_PREFIXES {
                        return Some((set, false));
                    }
                    set = set
                        .iter()
                        .flat_map(|head| tails.iter().map(move |t| format!("{head}{t}")))
                        .collect();
                    // After a repeated item or an inexact one, what follows may not
                    // come next.
                    if !exact || repeated {
                        return Some((set, false));
                    }
                }
                Some((set, true))
            }
            Node::Repeat(item, min) if *min >= 1 => literals(item).map(|(s, _)| (s, false)),
            Node::Repeat(..) => None,
        }
    }

    fn lead_byte(c: char) -> u8 {
        let mut buf = [0u8; 4];
        c.encode_utf8(&mut buf).as_bytes()[0]
    }

    struct Reader<'a> {
        chars: &'a [char],
        at: usize,
    }

    type Parsed<T> = Result<T, ()>;

    impl Reader<'_> {
        fn peek(&self) -> Option<char> {
            self.chars.get(self.at).copied()
        }

        fn next(&mut self) -> Parsed<char> {
            let c = self.peek().ok_or(())?;
            self.at += 1;
            Ok(c)
        }

        fn eat(&mut self, c: char) -> bool {
            let found = self.peek() == Some(c);
            self.at += usize::from(found);
            found
        }

        fn alternation(&mut self) -> Parsed<Node> {
            let mut branches = vec![self.concatenation()?];
            while self.eat('|') {
                branches.push(self.concatenation()?);
            }
            Ok(if branches.len() == 1 {
                branches.remove(0)
            } else {
                Node::Alternation(branches)
            })
        }

        fn concatenation(&mut self) -> Parsed<Node> {
            let mut items = Vec::new();
            while let Some(c) = self.peek() {
                if c == '|' || c == ')' {
                    break;
                }
                let atom = self.atom()?;
                items.push(match self.repetition()? {
                    Some(min) => Node::Repeat(Box::new(atom), min),
                    None => atom,
                });
            }
            Ok(Node::Concat(items))
        }

        fn atom(&mut self) -> Parsed<Node> {
            match self.next()? {
                '(' => {
                    if self.eat('?') {
                        // Only non-capturing and named groups: flags such as `(?i)` would
                        // change what a character matches.
                        match self.next()? {
                            ':' => {}
                            'P' | '<' => {
                                self.eat('<');
                                while self.next()? != '>' {}
                            }
                            _ => return Err(()),
                        }
                    }
                    let inner = self.alternation()?;
                    if self.next()? != ')' {
                        return Err(());
                    }
                    Ok(inner)
                }
                '[' => self.class(),
                '\\' => self.escape(),
                '.' => Ok(Node::Broad),
                '^' | '$' => Ok(Node::Assertion),
                '*' | '+' | '?' | '{' | ')' | '|' => Err(()),
                c => Ok(Node::Char(c)),
            }
        }

        /// An escape after `\\`.
        fn escape(&mut self) -> Parsed<Node> {
            match self.next()? {
                'p' | 'P' => {
                    if self.eat('{') {
                        while self.next()? != '}' {}
                    } else {
                        self.next()?;
                    }
                    Ok(Node::Broad)
                }
                's' | 'S' | 'd' | 'D' | 'w' | 'W' => Ok(Node::Broad),
                'b' | 'B' | 'A' | 'z' => Ok(Node::Assertion),
                'n' => Ok(Node::Char('\n')),
                't' => Ok(Node::Char('\t')),
                'r' => Ok(Node::Char('\r')),
                c if c.is_ascii_punctuation() => Ok(Node::Char(c)),
                _ => Err(()),
            }
        }

        /// `[…]` after its `[`.
        fn class(&mut self) -> Parsed<Node> {
            let negated = self.eat('^');
            let mut ranges = Vec::new();
            let mut broad = negated;
            let mut first = true;
            loop {
                let c = self.next()?;
                if c == ']' && !first {
                    break;
                }
                first = false;
                match c {
                    '[' => return Err(()),
                    '\\' => {
                        match self.escape()? {
                            Node::Char(e) => ranges.push((e, e)),
                            _ => broad = true,
                        }
                        continue;
                    }
                    '&' | '~' | '-' if self.peek() == Some(c) => return Err(()),
                    _ => {}
                }
                let mut hi = c;
                if self.peek() == Some('-')
                    && self.chars.get(self.at + 1).is_some_and(|&d| d != ']')
                {
                    self.at += 1;
                    hi = self.next()?;
                    if hi == '\\' || hi == '[' || hi < c {
                        return Err(());
                    }
                }
                ranges.push((c, hi));
            }
            Ok(Node::Class((!broad).then_some(ranges)))
        }

        /// A repetition operator after an item, if any: the item's minimum count.
        fn repetition(&mut self) -> Parsed<Option<u32>> {
            let min = match self.peek() {
                Some('?' | '*') => {
                    self.at += 1;
                    0
                }
                Some('+') => {
                    self.at += 1;
                    1
                }
                Some('{') => {
                    self.at += 1;
                    let mut min = 0u32;
                    let mut digits = 0;
                    while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                        min = min.saturating_mul(10).saturating_add(d);
                        digits += 1;
                        self.at += 1;
                    }
                    if digits == 0 {
                        return Err(());
                    }
                    loop {
                        match self.next()? {
                            '}' => break,
                            ',' => {}
                            c if c.is_ascii_digit() => {}
                            _ => return Err(()),
                        }
                    }
                    min
                }
                _ => return Ok(None),
            };
            self.eat('?');
            Ok(Some(min))
        }
    }
}
