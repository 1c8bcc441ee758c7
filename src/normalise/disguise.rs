//! One word's disguised letters undone: look-alikes from other scripts and leetspeak.

use super::rewrite::Unit;

/// Undoes look-alike letters and leetspeak in one word (a maximal run of word chars);
/// returns whether it changed. `before_domain`: the word is followed by ".letters", as
/// in an e-mail address.
pub(super) fn fix_word(w: &mut [Unit], before_domain: bool) -> bool {
    let (mut latin, mut other, mut symbols) = (0usize, 0usize, false);
    for u in w.iter() {
        if u.c.is_ascii_alphabetic() {
            latin += 1;
        } else if u.c.is_ascii() {
            symbols = true;
        } else {
            match script(u.c) {
                Script::Latin => latin += 1,
                Script::Cyrillic | Script::Greek => other += 1,
                Script::Other => {}
            }
        }
    }
    let mut changed = false;
    if latin > 0 && other > 0 {
        changed |= unmix(w);
    }
    if symbols {
        changed |= unleet(w, before_domain);
    }
    changed
}

#[derive(PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    Other,
}

fn script(c: char) -> Script {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F | 0x1E00..=0x1EFF => {
            Script::Latin
        }
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        _ => Script::Other,
    }
}

/// Makes a word that mixes Latin with Cyrillic/Greek letters single-script: Latin if
/// every Cyrillic/Greek letter has a Latin look-alike ("раssport"), else Cyrillic if every
/// Latin letter has a Cyrillic one (a Latin "o" in "работа"); returns whether it did. A
/// word where neither works ("passпорт") is left alone.
fn unmix(w: &mut [Unit]) -> bool {
    let foreign = |u: &Unit| matches!(script(u.c), Script::Cyrillic | Script::Greek);
    let to_latin = w
        .iter()
        .filter(|u| foreign(u))
        .all(|u| latin_lookalike(u.c, u.upper).is_some());
    let to_cyrillic = w.iter().all(|u| script(u.c) != Script::Greek)
        && w.iter()
            .filter(|u| script(u.c) == Script::Latin)
            .all(|u| cyrillic_lookalike(u.c, u.upper).is_some());
    let map: fn(char, bool) -> Option<char> = if to_latin {
        latin_lookalike
    } else if to_cyrillic {
        cyrillic_lookalike
    } else {
        return false;
    };
    for u in w.iter_mut() {
        if let Some(c) = map(u.c, u.upper) {
            u.c = c;
        }
    }
    true
}

/// The Latin letter a (lowercased) Cyrillic or Greek letter is passed off as; `upper`
/// says whether it was written as a capital.
pub(super) fn latin_lookalike(c: char, upper: bool) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'һ' | 'н' => 'h',
        'і' | 'ι' => 'i',
        'ј' | 'ϳ' => 'j',
        'к' | 'κ' => 'k',
        'ӏ' => {
            if upper {
                'i'
            } else {
                'l'
            }
        }
        'м' => 'm',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'у' | 'ү' | 'γ' => 'y',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'ζ' if upper => 'z',
        'η' => {
            if upper {
                'h'
            } else {
                'n'
            }
        }
        'μ' => {
            if upper {
                'm'
            } else {
                'u'
            }
        }
        'ν' => {
            if upper {
                'n'
            } else {
                'v'
            }
        }
        'υ' => {
            if upper {
                'y'
            } else {
                'u'
            }
        }
        _ => return None,
    })
}

/// The Cyrillic letter a (lowercased) Latin letter stands in for inside a Cyrillic word.
fn cyrillic_lookalike(c: char, upper: bool) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'і',
        'k' => 'к',
        'o' => 'о',
        'p' => 'р',
        'x' => 'х',
        'y' => 'у',
        'b' if upper => 'в',
        'h' if upper => 'н',
        'm' if upper => 'м',
        't' if upper => 'т',
        _ => return None,
    })
}

/// The letter a leetspeak character stands for.
pub(super) fn leet_letter(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        _ => return None,
    })
}

/// Maps leetspeak inside a word ("p@ssp0rt", "t3legram", "ca$h") to letters; returns
/// whether it did. The word must have two ASCII letters, no two digits in a row
/// ("covid19", "2500") and no digit that is not leet ("b2b"). Symbols count only between
/// letters ("$500", "@handle", "now!" stay). Digits count only with two letters before
/// or after them, no currency before and no unit after, so that amounts and codes the pay
/// parser and lexicons read survive ("rm3k", "usd5k", "rp5jt", "h1b", "g4s", "mp3").
fn unleet(w: &mut [Unit], before_domain: bool) -> bool {
    let mut prev_digit = false;
    for u in w.iter() {
        let digit = u.c.is_ascii_digit();
        if digit && prev_digit {
            return false;
        }
        prev_digit = digit;
    }
    let Some(first) = w.iter().position(|u| u.c.is_alphabetic()) else {
        return false;
    };
    let Some(last) = w.iter().rposition(|u| u.c.is_alphabetic()) else {
        return false;
    };
    let Some(core) = w.get_mut(first..=last) else {
        return false;
    };
    let mut letters = 0;
    for u in core.iter() {
        match u.c {
            'a'..='z' => letters += 1,
            '@' if before_domain => return false,
            '2' | '6' | '8' | '9' => return false,
            _ => {}
        }
    }
    if letters < 2 {
        return false;
    }
    let digits_leet = match (
        core.iter().position(|u| u.c.is_ascii_digit()),
        core.iter().rposition(|u| u.c.is_ascii_digit()),
    ) {
        (Some(fd), Some(ld)) => {
            let before = core.get(..fd).unwrap_or(&[]);
            let after = core.get(ld + 1..).unwrap_or(&[]);
            let before = before
                .iter()
                .rposition(|u| u.c.is_alphabetic())
                .map_or(&[][..], |k| &before[..=k]);
            let letters = |s: &[Unit]| s.iter().filter(|u| u.c.is_ascii_alphabetic()).count();
            (letters(before) >= 2 || letters(after) >= 2)
                && !spells_any(before, CURRENCIES)
                && !spells_any(after, UNITS)
        }
        _ => false,
    };
    // A leet character counts when it is a digit passing the test above, or in a run of
    // symbols with a letter or counted digit on both sides ("p@$$port").
    let side = |u: Option<&Unit>| {
        u.is_some_and(|u| u.c.is_alphabetic() || (digits_leet && u.c.is_ascii_digit()))
    };
    let mut changed = false;
    let mut k = 0;
    while k < core.len() {
        let c = core[k].c;
        if c.is_ascii_digit() {
            if digits_leet && let Some(l) = leet_letter(c) {
                core[k].c = l;
                changed = true;
            }
            k += 1;
        } else if matches!(c, '@' | '$' | '!') {
            let mut r = k + 1;
            while core.get(r).is_some_and(|u| matches!(u.c, '@' | '$' | '!')) {
                r += 1;
            }
            let bounded = k > 0 && side(core.get(k - 1)) && side(core.get(r));
            if bounded {
                for u in core.get_mut(k..r).unwrap_or(&mut []) {
                    if let Some(l) = leet_letter(u.c) {
                        u.c = l;
                    }
                }
                changed = true;
            }
            k = r;
        } else {
            k += 1;
        }
    }
    changed
}

/// Currency codes and symbols' letters written before an amount ("rm3k", "usd5k").
const CURRENCIES: &[&str] = &[
    "aed", "aud", "bdt", "brl", "cad", "cny", "egp", "eur", "gbp", "ghs", "hk", "hkd", "idr",
    "inr", "jpy", "kes", "khr", "krw", "kwd", "lak", "lkr", "mmk", "mxn", "myr", "ngn", "npr",
    "nzd", "php", "pkr", "qar", "rm", "rmb", "rp", "rs", "s", "sar", "sgd", "thb", "us", "usd",
    "vnd", "zar",
];

/// Magnitudes and units written after a number ("5jt", "3tr", "2hrs").
const UNITS: &[&str] = &[
    "am", "bn", "cr", "gb", "hr", "hrs", "jt", "juta", "kg", "km", "lac", "lakh", "lakhs", "mb",
    "mn", "nd", "pm", "rb", "rd", "ribu", "st", "th", "tr", "yr", "yrs",
];

/// Whether the letters of `units` spell one of `words` exactly.
fn spells_any(units: &[Unit], words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| w.len() == units.len() && w.chars().zip(units).all(|(c, u)| u.c == c))
}

#[cfg(test)]
mod tests {
    use crate::normalise::tests::{norm, quote};

    #[test]
    fn homoglyphs_in_latin_words() {
        // "раssport" with Cyrillic р and а.
        assert_eq!(norm("\u{440}\u{430}ssport"), "passport");
        assert_eq!(
            quote("Send your \u{440}\u{430}ssport", "passport"),
            "\u{440}\u{430}ssport"
        );
        // "Теlеgrам" with Cyrillic Т, е, е, а, м.
        assert_eq!(norm("\u{422}\u{435}l\u{435}gr\u{430}\u{43c}"), "telegram");
        // Greek capitals: "ΗΕLLO" with Greek Η, Ε.
        assert_eq!(norm("\u{397}\u{395}LLO"), "hello");
        // Pure Cyrillic and Greek words stay; a Latin "o" in a Russian word becomes Cyrillic.
        assert_eq!(norm("работа в Москве"), "работа в москве");
        assert_eq!(norm("ναι"), "ναι");
        assert_eq!(norm("раб\u{6f}та"), "работа");
        // Neither direction works: left as written.
        assert_eq!(norm("passпорт"), "passпорт");
    }

    #[test]
    fn leetspeak_inside_words() {
        assert_eq!(
            norm("p@ssp0rt t3legram wh@tsapp ca$h"),
            "passport telegram whatsapp cash"
        );
        assert_eq!(quote("Send p@ssp0rt!", "passport"), "p@ssp0rt");
        assert_eq!(
            norm("$500 2500 covid19 24/7 b2b 1st now! @recruiter"),
            "$500 2500 covid19 24/7 b2b 1st now! @recruiter"
        );
        assert_eq!(norm("Mail j0hn@gmail.com"), "mail j0hn@gmail.com");
        // Amounts and codes the pay parser and lexicons read are no leetspeak.
        assert_eq!(
            norm("RM3k USD5k Rp5jt S$4k us$500 h1b mp3 4x4 web3 g4s"),
            "rm3k usd5k rp5jt s$4k us$500 h1b mp3 4x4 web3 g4s"
        );
        assert_eq!(
            norm("p@$$port m1ssion l0an fr3e v1sa"),
            "passport mission loan free visa"
        );
        assert_eq!(norm("р@ssport"), "passport");
        assert_eq!(norm("p&#64;ssp&#48;rt"), "passport");
    }
}
