//! Currency marks before and after a number, and the magnitude words after it.

use super::Period;
use super::lookup::{
    MAGNITUDE_BY_FIRST, MAGNITUDE_TOKENS, PREFIX_BY_LAST, PREFIX_TOKENS, SUFFIX_BY_FIRST,
    SUFFIX_TOKENS, merged, starting,
};
use super::text::{
    boundary_after, boundary_before, ends_latin, has_prefix, has_suffix, starts_latin,
};
use super::vocab::{Attach, Cur, Implied, MagKind};

/// A currency mark ending just before `start` (attached or one space before), not
/// reaching back before `floor`: (mark start, currency, attachment).
pub(super) fn match_prefix(text: &str, floor: usize, start: usize) -> Option<(usize, Cur, Attach)> {
    let before = &text[floor..start];
    let spaced = before.strip_suffix(' ');
    let by_last = |s: Option<&str>| {
        s.and_then(|s| s.as_bytes().last())
            .map_or(&[][..], |&b| &PREFIX_BY_LAST[usize::from(b)][..])
    };
    for i in merged(by_last(Some(before)), by_last(spaced)) {
        let (token, cur, attach) = PREFIX_TOKENS[i];
        let token_start = if has_suffix(before, token) {
            start - token.len()
        } else if attach == Attach::Spaced && spaced.is_some_and(|b| has_suffix(b, token)) {
            start - 1 - token.len()
        } else {
            continue;
        };
        if starts_latin(token) && !boundary_before(text, token_start) {
            continue;
        }
        return Some((token_start, cur, attach));
    }
    None
}

/// A currency mark at `pos` (attached or after one space): (end, currency).
pub(super) fn match_suffix(text: &str, pos: usize) -> Option<(usize, Cur)> {
    let rest = &text[pos..];
    let spaced = rest.strip_prefix(' ');
    for i in merged(
        starting(&SUFFIX_BY_FIRST, Some(rest)),
        starting(&SUFFIX_BY_FIRST, spaced),
    ) {
        let (token, cur) = SUFFIX_TOKENS[i];
        let end = if has_prefix(rest, token) {
            pos + token.len()
        } else if spaced.is_some_and(|r| has_prefix(r, token)) {
            pos + 1 + token.len()
        } else {
            continue;
        };
        if ends_latin(token) && !boundary_after(text, end) {
            continue;
        }
        return Some((end, cur));
    }
    None
}

/// Magnitude words after a number.
pub(super) struct Magnitudes {
    pub(super) end: usize,
    pub(super) factor: f64,
    pub(super) count: usize,
    pub(super) implied: Implied,
    pub(super) period: Option<Period>,
}

pub(super) fn match_magnitudes(text: &str, pos: usize) -> Magnitudes {
    // Only tokens starting with the next byte (or the one after a space) can match.
    match_magnitudes_among(text, pos, |rest| {
        merged(
            starting(&MAGNITUDE_BY_FIRST, Some(rest)),
            starting(&MAGNITUDE_BY_FIRST, rest.strip_prefix(' ')),
        )
    })
}

/// [`match_magnitudes`] trying the tokens `candidates(rest)` gives (indices into
/// [`MAGNITUDE_TOKENS`], in its order) at each step, `rest` being the text after the
/// number or the magnitude before.
pub(super) fn match_magnitudes_among<I: Iterator<Item = usize>>(
    text: &str,
    pos: usize,
    candidates: impl Fn(&str) -> I,
) -> Magnitudes {
    let mut m = Magnitudes {
        end: pos,
        factor: 1.0,
        count: 0,
        implied: Implied::Nothing,
        period: None,
    };
    while m.count < 3 {
        let rest = &text[m.end..];
        let found = candidates(rest).map(|i| MAGNITUDE_TOKENS[i]).find_map(
            |(token, factor, implied, kind, period)| {
                if m.count > 0 && kind != MagKind::Cjk {
                    return None;
                }
                let end = if has_prefix(rest, token) {
                    m.end + token.len()
                } else if m.count == 0
                    && kind != MagKind::Tight
                    && has_prefix(rest.strip_prefix(' ')?, token)
                {
                    m.end + 1 + token.len()
                } else {
                    return None;
                };
                if ends_latin(token) && !boundary_after(text, end) {
                    return None;
                }
                Some((end, factor, implied, kind, period))
            },
        );
        let Some((end, factor, implied, kind, period)) = found else {
            break;
        };
        m.end = end;
        m.factor *= factor;
        m.count += 1;
        if m.implied == Implied::Nothing {
            m.implied = implied;
        }
        m.period = m.period.or(period);
        if kind != MagKind::Cjk {
            break;
        }
    }
    m
}
