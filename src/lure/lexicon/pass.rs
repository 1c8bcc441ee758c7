//! Passes: the matchers for one set of entries, and the pass a text's script groups get.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::automaton::PhraseAutomaton;
use super::regexes::{RegexPass, RegexSpec};
use super::{Lexicon, PhraseSpec};
use crate::error::{Error, Result};

/// The matchers for one set of entries.
#[derive(Debug)]
pub(super) struct Pass {
    /// The phrases, then the regexes' literal prefixes (when the regexes are found by
    /// them), in one Aho–Corasick DFA walked by [`Lexicon::find_with`].
    pub(super) automaton: PhraseAutomaton,
    /// What each automaton pattern stands for.
    pub(super) targets: Vec<Target>,
    /// Byte length of the longest automaton pattern.
    pub(super) longest: usize,
    pub(super) regexes: Option<RegexPass>,
    /// For each regex prefix ([`Target::RegexStart`]'s `follow`), which bytes can come
    /// next in a match of its regex: learnt from the regex's lazy DFA as each byte is
    /// first seen after the prefix. Most prefixes are found where the word goes on
    /// otherwise ("we" in "were"), and a regex attempt costs far more than this check.
    pub(super) follows: Box<[Follow]>,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Target {
    /// A phrase entry, and whether to check word boundaries around it.
    Phrase { entry: u32, boundaries: bool },
    /// A literal that the regex at index `regex` into [`RegexPass::entries`] starts
    /// with; `follow` indexes [`Pass::follows`].
    RegexStart { regex: u32, follow: u32 },
    /// A literal that every match of the regex at index `regex` into [`RegexPass::entries`]
    /// holds: no match can start after the last one in the text.
    Held { regex: u32 },
}

/// The bytes known to follow a regex prefix in a match, or not to: two bit sets by byte
/// value, filled in as bytes are met (by any thread: each bit's answer is the same).
#[derive(Debug, Default)]
#[repr(align(64))]
pub(super) struct Follow {
    known: [AtomicU64; 4],
    continues: [AtomicU64; 4],
}

impl Follow {
    /// Whether `byte` can come next, asking `learn` the first time.
    #[inline(always)]
    pub(super) fn allows(&self, byte: u8, learn: impl FnOnce() -> bool) -> bool {
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

impl Pass {
    /// The matchers for these entries; regexes are found by their literal prefixes when
    /// `by_prefix` allows and every one has them, else by an alternation of them all.
    pub(super) fn build(
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

impl Lexicon {
    /// The entries that can match text with the script groups `scripts`, as indices into
    /// `entries`: the key of their pass.
    pub(super) fn pass_key(&self, scripts: u8) -> Vec<u32> {
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
    pub(super) fn build_and_keep(&self, scripts: u8) -> Result<Arc<Pass>> {
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

    pub(super) fn pass(&self, scripts: u8) -> &Pass {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
