//! The phrase automaton walked over a text (in parts when long), its matches reported.

use super::automaton::{MIN_SHIFT, StateId, Steps, Table};
use super::pass::{Pass, Target};
use super::regexes::RegexScratch;
use super::{FindScratch, Lexicon, LexiconHit, at_word_boundaries};

/// How many parts of a long text [`Lexicon::walk`] walks at once.
pub(super) const WAYS: usize = 4;

/// Bytes each part of a split walk starts before its part ([`Lexicon::walk_ways`]): a part
/// boundary seldom falls inside a partial match longer than this.
const LEAD_IN: usize = 16;

impl Lexicon {
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
    pub(super) fn walk(
        &self,
        text: &str,
        pass: &Pass,
        scratch: &mut FindScratch,
        out: &mut Vec<LexiconHit>,
    ) {
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
    pub(super) fn report_matches(
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lure::lexicon::SAMPLE_FILES;
    use crate::lure::lexicon::scripts::script_groups;
    use crate::normalise::normalise_str;

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
}
