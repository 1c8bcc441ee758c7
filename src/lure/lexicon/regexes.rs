//! Regex entries: compiled on first use, tried anchored by a lazy DFA, and the regex pass.

use std::sync::OnceLock;

use regex::Regex;
use regex_automata::hybrid;

use super::{Lexicon, LexiconHit, at_word_boundaries};
use crate::error::{Error, Result};

/// Where regexes may start in the text at hand, and the lazy DFAs' caches.
#[derive(Debug, Default)]
pub(super) struct RegexScratch {
    /// (start, index into the pass's [`RegexPass::entries`]).
    pub(super) starts: Vec<(usize, u32)>,
    /// By index into the pass's [`RegexPass::entries`]: one past the last start of one of
    /// the regex's held literals ([`RegexSpec::held`]) in the text, 0 when there is none.
    pub(super) held_after: Vec<usize>,
    /// The indices of `held_after` that are not 0.
    pub(super) held_found: Vec<u32>,
    /// By regex (index into [`Lexicon::regexes`]), for the lexicon `caches_of` (its `id`).
    pub(super) caches: Vec<Option<hybrid::dfa::Cache>>,
    pub(super) caches_of: u64,
}
#[derive(Debug)]
pub(super) struct RegexSpec {
    pub(super) entry: u32,
    /// The pattern anchored at the start of the haystack, compiled on first use.
    pub(super) anchored: OnceLock<Regex>,
    /// The pattern as a forward lazy DFA, compiled on first use (`None` if it does not
    /// build as one): tells where an anchored match ends for a fraction of the cost.
    pub(super) forward: OnceLock<Option<hybrid::dfa::DFA>>,
    pub(super) pattern: String,
    /// Every match holds a character of one of these script groups (`None`: not known).
    pub(super) needs: Option<u8>,
    /// Every match starts with one of these strings, and depends on nothing before its
    /// start (no assertions); `None` when that is not known.
    pub(super) prefixes: Option<Vec<String>>,
    /// Every match holds one of these strings (after its first item, so seldom just where
    /// it starts); `None` when that is not known.
    pub(super) held: Option<Vec<String>>,
}

impl RegexScratch {
    /// Forgets the held literals found ([`RegexScratch::held_after`]).
    pub(super) fn forget_held(&mut self) {
        for &i in &self.held_found {
            if let Some(after) = self.held_after.get_mut(i as usize) {
                *after = 0;
            }
        }
        self.held_found.clear();
    }
}

impl RegexSpec {
    /// The pattern anchored at the start of the haystack. Compiled on first use: most
    /// runs need a few of the lexicons' hundreds of regexes, and compiling them all was
    /// most of the start-up time.
    pub(super) fn anchored(&self) -> &Regex {
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
    pub(super) fn continues_after(
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
pub(super) struct RegexPass {
    /// The alternation of every entry, when some entry has no literal prefixes.
    pub(super) any: Option<Regex>,
    /// The entries, as indices into [`Lexicon::regexes`].
    pub(super) entries: Vec<u32>,
    /// By entry: whether its held literals are looked for
    /// ([`Target::Held`](super::pass::Target::Held)).
    pub(super) checks_held: Vec<bool>,
}

impl RegexPass {
    pub(super) fn build(specs: &[(u32, &RegexSpec)], by_prefix: bool) -> Result<Option<RegexPass>> {
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

impl Lexicon {
    /// Tries one regex entry anchored at `start`: pushes a hit when it matches there (at
    /// word boundaries, not empty) and returns the end of its match either way.
    pub(super) fn regex_hit(
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
    pub(super) fn regex_hits_by_prefix(
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
