//! Token lookup: the vocabulary longest-first, by first or last byte, and period markers.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::Period;
use super::text::has_prefix;
use super::vocab::{Attach, Cur, MAGNITUDES, Magnitude, PERIOD_MARKERS, PREFIXES, SUFFIXES, Side};

/// Longest-first copies of the token tables, so "us$" wins over "$" and "kshs" over "sh".
pub(super) static PREFIX_TOKENS: LazyLock<Vec<(&str, Cur, Attach)>> =
    LazyLock::new(|| longest_first(PREFIXES));
pub(super) static SUFFIX_TOKENS: LazyLock<Vec<(&str, Cur)>> =
    LazyLock::new(|| longest_first(SUFFIXES));
pub(super) static MAGNITUDE_TOKENS: LazyLock<Vec<Magnitude>> =
    LazyLock::new(|| longest_first(MAGNITUDES));
/// [`MAGNITUDE_TOKENS`] indexed by first byte, as for the suffixes.
pub(super) static MAGNITUDE_BY_FIRST: LazyLock<Vec<Vec<u16>>> =
    LazyLock::new(|| index_by_byte(MAGNITUDE_TOKENS.iter().map(|t| t.0), false));

/// For each byte value, the indices (in table order) of the tokens whose first byte
/// (`last`: last byte) it is: a token can only match text whose byte there is the same,
/// so the matchers look at a handful of tokens instead of the whole table.
pub(super) static SUFFIX_BY_FIRST: LazyLock<Vec<Vec<u16>>> =
    LazyLock::new(|| index_by_byte(SUFFIX_TOKENS.iter().map(|t| t.0), false));
pub(super) static PREFIX_BY_LAST: LazyLock<Vec<Vec<u16>>> =
    LazyLock::new(|| index_by_byte(PREFIX_TOKENS.iter().map(|t| t.0), true));

fn index_by_byte(tokens: impl Iterator<Item = &'static str>, last: bool) -> Vec<Vec<u16>> {
    let mut index = vec![Vec::new(); 256];
    for (i, token) in tokens.enumerate() {
        let byte = if last {
            token.as_bytes().last()
        } else {
            token.as_bytes().first()
        };
        if let Some(&b) = byte {
            index[usize::from(b)].push(i as u16);
        }
    }
    index
}

/// The token indices in either list, in increasing order, each once.
pub(super) fn merged<'a>(a: &'a [u16], b: &'a [u16]) -> impl Iterator<Item = usize> + 'a {
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    std::iter::from_fn(move || {
        let next = match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) if x == y => {
                b.next();
                a.next()
            }
            (Some(&&x), Some(&&y)) if y < x => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        };
        next.map(|&i| usize::from(i))
    })
}

fn longest_first<T: Copy + Token>(table: &[T]) -> Vec<T> {
    let mut v = table.to_vec();
    v.sort_by_key(|t| std::cmp::Reverse(t.text().len()));
    v
}

trait Token {
    fn text(&self) -> &'static str;
}
impl<A, B> Token for (&'static str, A, B) {
    fn text(&self) -> &'static str {
        self.0
    }
}
impl<A> Token for (&'static str, A) {
    fn text(&self) -> &'static str {
        self.0
    }
}
impl<A, B, C, D> Token for (&'static str, A, B, C, D) {
    fn text(&self) -> &'static str {
        self.0
    }
}

/// The tokens of a first-byte index (see [`index_by_byte`]) that can start `s`: those
/// with its first byte (none for no text).
pub(super) fn starting<'a>(index: &'a [Vec<u16>], s: Option<&str>) -> &'a [u16] {
    s.and_then(|s| s.as_bytes().first())
        .and_then(|&b| index.get(usize::from(b)))
        .map_or(&[][..], |v| &v[..])
}

/// [`PERIOD_MARKERS`] indexed by first byte.
pub(super) static PERIOD_BY_FIRST: LazyLock<Vec<Vec<u16>>> =
    LazyLock::new(|| index_by_byte(PERIOD_MARKERS.iter().map(|m| m.0), false));

/// Whether `s` starts with a period marker (only markers with its first byte can).
pub(super) fn period_marker_at(s: &str) -> bool {
    starting(&PERIOD_BY_FIRST, Some(s))
        .iter()
        .any(|&i| has_prefix(s, PERIOD_MARKERS[usize::from(i)].0))
}

/// Every period marker in one automaton; "/x" markers also match as "/ x".
pub(super) struct PeriodMarkers {
    pub(super) automaton: AhoCorasick,
    /// (marker, period, side) per automaton pattern.
    pub(super) info: Vec<(&'static str, Period, Side)>,
}

pub(super) static PERIODS: LazyLock<PeriodMarkers> = LazyLock::new(|| {
    let mut patterns: Vec<String> = Vec::new();
    let mut info = Vec::new();
    for &(marker, period, side) in PERIOD_MARKERS {
        patterns.push(marker.to_string());
        info.push((marker, period, side));
        if let Some(rest) = marker.strip_prefix('/') {
            patterns.push(format!("/ {rest}"));
            info.push((marker, period, side));
        }
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .expect("period markers build an automaton");
    PeriodMarkers { automaton, info }
});
