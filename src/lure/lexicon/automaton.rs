//! The lexicon's phrase automaton: a byte-level Aho–Corasick DFA for the overlapping
//! search, built here rather than by the `aho-corasick` crate because the lexicon walk
//! is one of the costliest steps of a scan and its table does not fit in the L1 cache.
//!
//! It reports what `aho_corasick`'s DFA with [`aho_corasick::MatchKind::Standard`]
//! reports in an overlapping search, in the same order (a test checks it against the
//! crate), with a smaller table whose hot part is denser:
//! - state ids are `u16` when the automaton has few enough states (the lexicons of one
//!   script set have ~15,000), halving the table;
//! - byte classes are numbered space first, then lower-case letters by English
//!   frequency, so the transitions a walk over text mostly takes share cache lines;
//! - an alphabet of 33 to 64 classes is cut to 32, the bytes numbered last sharing one
//!   class, and a match of a pattern holding one of them is checked against the text
//!   ([`PhraseAutomaton::confirms`]): the table for text in ASCII halves;
//! - match states come first, so "is this a match state" is one comparison.
//!
//! It builds in a few milliseconds (the crate's DFA took ~25 ms per script set).

/// An Aho–Corasick DFA over byte patterns, for overlapping search.
#[derive(Debug)]
pub(super) struct PhraseAutomaton {
    /// Byte → class.
    classes: [u8; 256],
    /// The transitions, `1 << shift` per state.
    trans: Table,
    /// One of [`MIN_SHIFT`]`..=8`, so that walks can be compiled for each
    /// ([`PhraseAutomaton::steps`]).
    shift: u32,
    /// States below this id are match states.
    match_limit: u32,
    /// The patterns of match state `s` are `matches[match_starts[s]..match_starts[s + 1]]`,
    /// in the order the overlapping search reports them (longest first).
    match_starts: Vec<u32>,
    matches: Vec<u32>,
    /// Byte length of each pattern.
    pattern_lens: Vec<u32>,
    /// By pattern: its bytes when it has a byte of the shared rare class (see
    /// [`NARROW`]), so that a match of its classes must be checked against the text.
    checked: Vec<Option<Box<[u8]>>>,
    start: u32,
}

/// The transition table, with the narrowest state ids that fit.
#[derive(Debug)]
pub(super) enum Table {
    /// Up to 65,536 states.
    Narrow(Vec<u16>),
    /// More states.
    Wide(Vec<u32>),
}

/// Bytes in the order their classes are numbered: what English text is mostly made of
/// first, so that a state's often-taken transitions lie together.
const FREQUENT: &[u8] = b" etaoinsrhldcumfpgwybvkxjqz";

/// Columns of a narrow row. An alphabet of up to 64 classes (a text in ASCII meets its
/// pass's table, of ~15,000 states) is cut to this many by giving the bytes that come
/// last in the class order one shared class: the table halves (it then nearly fits the
/// L2 cache), and a match of a pattern holding such a byte is checked against the text.
/// Bytes of one- or two-byte patterns keep their classes, as a shared class would have
/// such a pattern reported at most of its bytes.
const NARROW: usize = 32;

/// Bytes that commonly occur in advert text (after letters and space), numbered next.
const COMMON: &[u8] = b".-,/'0123456789";

/// Fewest columns a row has, as a shift ([`NARROW`]): a walk's row shift is then one of
/// four constants, each compiled into its own walk (a shift by a variable costs an
/// instruction per byte).
pub(super) const MIN_SHIFT: u32 = 5;

/// No transition yet (while building).
const NONE: u32 = u32::MAX;

impl PhraseAutomaton {
    /// The automaton for `patterns` (none empty), or `None` when it would be too large
    /// to address (over 2^32 transitions).
    pub(super) fn new(patterns: &[&[u8]]) -> Option<PhraseAutomaton> {
        // Each byte that occurs in a pattern has a class of its own; every other byte
        // shares one class, which only ever leads back towards the start.
        let mut used = [false; 256];
        for p in patterns {
            for &b in *p {
                used[usize::from(b)] = true;
            }
        }
        let mut order: Vec<u8> = FREQUENT
            .iter()
            .copied()
            .filter(|&b| used[usize::from(b)])
            .collect();
        let short = patterns
            .iter()
            .filter(|p| p.len() <= 2)
            .flat_map(|p| p.iter());
        for b in short.chain(COMMON).chain(&(0..=255u8).collect::<Vec<u8>>()) {
            if used[usize::from(*b)] && !order.contains(b) {
                order.push(*b);
            }
        }
        // Classes of their own, the rest sharing one (the unused bytes' class, which
        // exists only when some byte is unused).
        let short_count = order
            .iter()
            .take_while(|&&b| {
                FREQUENT.contains(&b) || patterns.iter().any(|p| p.len() <= 2 && p.contains(&b))
            })
            .count();
        let own = if order.len() >= NARROW && order.len() < 64 && short_count < NARROW {
            NARROW - 1
        } else {
            order.len()
        };
        let shared_class = own;
        let mut classes = [0u8; 256];
        for (b, class) in classes.iter_mut().enumerate() {
            *class = order[..own]
                .iter()
                .position(|&o| usize::from(o) == b)
                .unwrap_or(shared_class) as u8;
        }
        let alphabet = own + usize::from(own < 256);
        let shift = alphabet.next_power_of_two().trailing_zeros().max(MIN_SHIFT);
        let stride = 1usize << shift;

        // The trie, as a dense table (rows of `stride`), with each state's own patterns.
        let mut trans: Vec<u32> = vec![NONE; stride];
        let mut own: Vec<Vec<u32>> = vec![Vec::new()];
        for (pid, p) in patterns.iter().enumerate() {
            let mut s = 0usize;
            for &b in *p {
                let at = (s << shift) + usize::from(classes[usize::from(b)]);
                if trans[at] == NONE {
                    let next = own.len();
                    trans[at] = u32::try_from(next).ok()?;
                    trans.resize(trans.len() + stride, NONE);
                    own.push(Vec::new());
                }
                s = trans[at] as usize;
            }
            own[s].push(pid as u32);
        }
        let states = own.len();
        if states.checked_mul(stride)? > u32::MAX as usize {
            return None;
        }

        // Breadth first: each state's failure state is shallower and done before it, so
        // its missing transitions are copied from there and its matches appended.
        let mut fail = vec![0u32; states];
        let mut all: Vec<Vec<u32>> = vec![Vec::new(); states];
        let mut bfs: Vec<u32> = vec![0];
        for slot in &mut trans[..alphabet] {
            match *slot {
                NONE => *slot = 0,
                child => bfs.push(child),
            }
        }
        all[0] = own[0].clone();
        let mut fail_row = vec![0u32; alphabet];
        let mut i = 1;
        while i < bfs.len() {
            let s = bfs[i] as usize;
            i += 1;
            let f = fail[s] as usize;
            let mut list = std::mem::take(&mut own[s]);
            list.extend_from_slice(&all[f]);
            all[s] = list;
            fail_row.copy_from_slice(&trans[f << shift..(f << shift) + alphabet]);
            let row = &mut trans[s << shift..(s << shift) + alphabet];
            for (slot, &via_fail) in row.iter_mut().zip(&fail_row) {
                match *slot {
                    NONE => *slot = via_fail,
                    child => {
                        fail[child as usize] = via_fail;
                        bfs.push(child);
                    }
                }
            }
        }
        // The root's children were queued before its row was filled; their failure
        // state is the root (0), as `fail` was initialised.

        // Renumber: match states first, each group in breadth-first order.
        let (matching, plain): (Vec<u32>, Vec<u32>) =
            bfs.iter().partition(|&&s| !all[s as usize].is_empty());
        let mut new_id = vec![0u32; states];
        for (n, &s) in matching.iter().chain(&plain).enumerate() {
            new_id[s as usize] = n as u32;
        }
        let mut match_starts = Vec::with_capacity(matching.len() + 1);
        let mut matches = Vec::new();
        match_starts.push(0);
        for &s in &matching {
            matches.extend_from_slice(&all[s as usize]);
            match_starts.push(matches.len() as u32);
        }
        // Columns past the alphabet are never read, and stay 0.
        let mut renumbered = vec![0u32; states << shift];
        for (old, row) in trans.chunks_exact(stride).enumerate() {
            let to = (new_id[old] as usize) << shift;
            for (slot, &next) in renumbered[to..to + alphabet].iter_mut().zip(row) {
                *slot = new_id[next as usize];
            }
        }
        let trans = if states <= 1 << 16 {
            Table::Narrow(renumbered.iter().map(|&s| s as u16).collect())
        } else {
            Table::Wide(renumbered)
        };
        Some(PhraseAutomaton {
            classes,
            trans,
            shift,
            match_limit: matching.len() as u32,
            match_starts,
            matches,
            pattern_lens: patterns.iter().map(|p| p.len() as u32).collect(),
            checked: patterns
                .iter()
                .map(|p| {
                    p.iter()
                        .any(|&b| {
                            used[usize::from(b)]
                                && usize::from(classes[usize::from(b)]) == shared_class
                        })
                        .then(|| Box::from(*p))
                })
                .collect(),
            start: new_id[0],
        })
    }

    /// The state before any byte.
    #[inline(always)]
    pub(super) fn start(&self) -> u32 {
        self.start
    }

    /// The table, for walks that keep their state ids as narrow as its own
    /// ([`PhraseAutomaton::steps`]).
    #[inline(always)]
    pub(super) fn table(&self) -> &Table {
        &self.trans
    }

    /// The row shift: [`MIN_SHIFT`], 6, 7 or 8.
    #[inline(always)]
    pub(super) fn shift(&self) -> u32 {
        self.shift
    }

    /// What a walk over `trans` (this automaton's [`PhraseAutomaton::table`]) needs;
    /// `SHIFT` must be its [`PhraseAutomaton::shift`].
    #[inline(always)]
    pub(super) fn steps<'a, S: StateId, const SHIFT: u32>(
        &'a self,
        trans: &'a [S],
        start: S,
    ) -> Steps<'a, S, SHIFT> {
        debug_assert_eq!(SHIFT, self.shift);
        Steps {
            trans,
            classes: &self.classes,
            start,
        }
    }

    /// Whether `state` is a match state.
    #[inline(always)]
    pub(super) fn is_match(&self, state: u32) -> bool {
        state < self.match_limit
    }

    /// The patterns that end in match state `state`, longest first.
    #[inline(always)]
    pub(super) fn matches(&self, state: u32) -> &[u32] {
        let s = state as usize;
        match (self.match_starts.get(s), self.match_starts.get(s + 1)) {
            (Some(&from), Some(&to)) => self.matches.get(from as usize..to as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Whether pattern `pid`, whose classes end at `end` in `text`, is there: only
    /// patterns with a byte of the shared class need looking at.
    #[inline(always)]
    pub(super) fn confirms(&self, pid: u32, text: &[u8], end: usize) -> bool {
        match self.checked.get(pid as usize) {
            Some(Some(bytes)) => end
                .checked_sub(bytes.len())
                .and_then(|start| text.get(start..end))
                .is_some_and(|found| found == &bytes[..]),
            _ => true,
        }
    }

    /// Byte length of pattern `pid`.
    #[inline(always)]
    pub(super) fn pattern_len(&self, pid: u32) -> usize {
        self.pattern_lens[pid as usize] as usize
    }

    /// The state after `byte` from `state`.
    #[cfg(test)]
    pub(super) fn next(&self, state: u32, byte: u8) -> u32 {
        let s = self.shift;
        let at = ((state as usize) << s) + usize::from(self.classes[usize::from(byte)]);
        match &self.trans {
            Table::Narrow(t) => u32::from(t[at]),
            Table::Wide(t) => t[at],
        }
    }
}

/// A state id as stored in a table.
pub(super) trait StateId: Copy {
    /// As an index.
    fn index(self) -> usize;
}

impl StateId for u16 {
    #[inline(always)]
    fn index(self) -> usize {
        usize::from(self)
    }
}

impl StateId for u32 {
    #[inline(always)]
    fn index(self) -> usize {
        self as usize
    }
}

/// A walk's view of the automaton: its transitions with state ids of type `S` in rows of
/// `1 << SHIFT`, the byte classes and the start state.
#[derive(Debug, Clone, Copy)]
pub(super) struct Steps<'a, S, const SHIFT: u32> {
    trans: &'a [S],
    classes: &'a [u8; 256],
    /// The state before any byte.
    pub(super) start: S,
}

impl<S: StateId, const SHIFT: u32> Steps<'_, S, SHIFT> {
    /// The state after `byte` from `state`.
    #[inline(always)]
    pub(super) fn next(&self, state: S, byte: u8) -> S {
        self.trans[(state.index() << SHIFT) + usize::from(self.classes[usize::from(byte)])]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};
    use proptest::prelude::*;

    /// (start, end, pattern) of every overlapping match, in report order.
    fn ours(patterns: &[&str], text: &str) -> Vec<(usize, usize, u32)> {
        let bytes: Vec<&[u8]> = patterns.iter().map(|p| p.as_bytes()).collect();
        let a = PhraseAutomaton::new(&bytes).expect("small automaton");
        let mut s = a.start();
        let mut out = Vec::new();
        for (i, &b) in text.as_bytes().iter().enumerate() {
            s = a.next(s, b);
            if a.is_match(s) {
                for &p in a.matches(s) {
                    if !a.confirms(p, text.as_bytes(), i + 1) {
                        continue;
                    }
                    out.push((i + 1 - a.pattern_len(p), i + 1, p));
                }
            }
        }
        out
    }

    fn crate_s(patterns: &[&str], text: &str) -> Vec<(usize, usize, u32)> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .expect("builds");
        ac.find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_u32()))
            .collect()
    }

    #[test]
    fn bytes_sharing_a_class_are_told_apart() {
        let mut patterns: Vec<String> = vec!["x19y".into(), "x28y".into(), "x19y".into()];
        patterns.push("abcdefghijklmnopqrstuvwxyz 0123456789.,".into());
        let patterns: Vec<&str> = patterns.iter().map(|s| s.as_str()).collect();
        let bytes: Vec<&[u8]> = patterns.iter().map(|p| p.as_bytes()).collect();
        assert_eq!(PhraseAutomaton::new(&bytes).expect("small").shift(), 5);
        for text in ["x19y x28y x91y x29y", "x1.y x,9y", ""] {
            assert_eq!(ours(&patterns, text), crate_s(&patterns, text), "{text}");
        }
    }

    #[test]
    fn agrees_with_the_crate_on_overlaps_and_duplicates() {
        let patterns = ["he", "she", "his", "hers", "she", "e", "héllo", "llo"];
        for text in ["ushers", "she sells héllo hers", "", "hhhe", "ééé"] {
            assert_eq!(ours(&patterns, text), crate_s(&patterns, text), "{text}");
        }
    }

    #[test]
    fn agrees_with_the_crate_on_the_lexicons() {
        let lex = crate::lure::Lexicon::embedded();
        let patterns: Vec<String> = lex
            .entries()
            .iter()
            .filter(|e| e.kind == crate::lure::lexicon::PatternKind::Phrase)
            .map(|e| crate::normalise::normalise_str(&e.pattern))
            .collect();
        let patterns: Vec<&str> = patterns.iter().map(|s| s.as_str()).collect();
        for file in super::super::SAMPLE_FILES {
            let text = crate::normalise::normalise_str(file);
            assert_eq!(ours(&patterns, &text), crate_s(&patterns, &text));
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_crate_on_random_input(
            patterns in prop::collection::vec("[abé ]{1,4}", 1..12),
            text in "[abcé ]{0,60}",
        ) {
            let patterns: Vec<&str> = patterns.iter().map(|s| s.as_str()).collect();
            prop_assert_eq!(ours(&patterns, &text), crate_s(&patterns, &text));
        }
        /// Over 32 bytes in patterns of three or more: the last share a class, and
        /// their matches are checked against the text.
        #[test]
        fn agrees_with_the_crate_with_a_shared_class(
            patterns in prop::collection::vec("[a-z0-9 .,!?é]{3,5}", 1..40),
            text in "[a-z0-9 .,!?é]{0,80}",
        ) {
            let mut patterns: Vec<String> = patterns;
            // Every byte of the alphabet used, so that some share the class.
            patterns.push("abcdefghijklmnopqrstuvwxyz 0123456789.,!?é".into());
            let patterns: Vec<&str> = patterns.iter().map(|s| s.as_str()).collect();
            prop_assert_eq!(ours(&patterns, &text), crate_s(&patterns, &text));
        }
    }
}
