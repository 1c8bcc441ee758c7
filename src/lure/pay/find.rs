//! Finding claims: the scan for amounts, their currency, ranges, and each claim assembled.

use super::context::{
    LabelCurrency, counted_noun_at, counts_something, label_at, pay_label_before, period_after,
    period_before, thai_period_after, up_to_after, up_to_before,
};
use super::lookup::period_marker_at;
use super::marks::{Magnitudes, match_magnitudes, match_prefix, match_suffix};
use super::number::{digit_value, free_before, numeric_token_end, scan_number};
use super::script::Script;
use super::text::{
    boundary_after, boundary_before, has_prefix, is_cjk_numeral, is_latin_word_char,
};
use super::vocab::Cur::{Dollar, Iso, Peso, Yen, Yuan};
use super::vocab::{Attach, Cur, Implied, RANGE_JOINERS, WORD_AMOUNTS};
use super::{PayClaim, Period};

/// Finds the pay claims in normalised text and appends them to `out` in text order.
/// A claim needs a currency (written, or implied by a word such as "triệu", "juta", "万",
/// "lakh"); bare numbers, years, phone numbers and percentages are not claims.
pub fn find_pay_claims(text: &str, out: &mut Vec<PayClaim>) {
    let atoms = amounts(text);
    let mut floor = 0;
    for atom in &atoms {
        floor = floor.min(atom.start);
        let Some(currency) = atom.currency else {
            // The "1" of "1週間で30万円" starts the next amount's label.
            floor = if label_at(&text[atom.start..]) {
                atom.start
            } else {
                atom.end
            };
            continue;
        };
        let (mut start, mut end, mut up_to) = (atom.start, atom.end, false);
        if let Some(s) = up_to_before(text, floor, start) {
            start = s;
            up_to = true;
        }
        if let Some(e) = up_to_after(text, end) {
            end = e;
            up_to = true;
        }
        let mut used_to = end;
        let period = if atom.period.is_some() {
            atom.period
        } else if let Some((p, e)) = period_after(text, end) {
            used_to = e;
            Some(p)
        } else {
            period_before(text, floor, start)
        };
        out.push(PayClaim {
            start,
            end,
            low: atom.low,
            high: atom.high,
            currency,
            period,
            up_to,
            bare_dollar: atom.bare_dollar,
            peso_word: atom.peso_word,
        });
        floor = used_to;
    }
}

/// An amount or range with what the text says about it.
#[derive(Debug, Clone, Copy)]
struct Atom {
    start: usize,
    end: usize,
    low: f64,
    high: f64,
    /// The number before its magnitude word.
    raw: f64,
    /// The magnitude applied (1 when none).
    factor: f64,
    has_factor: bool,
    currency: Option<&'static str>,
    /// The currency is written, not implied by a magnitude word.
    explicit: bool,
    /// A period implied by the magnitude ("lpa").
    period: Option<Period>,
    /// A word amount ("belasan juta"): never part of a range.
    word: bool,
    /// The currency is a bare `$`.
    bare_dollar: bool,
    /// The currency is the word "peso(s)" without a `$`.
    peso_word: bool,
}

/// Bytes where an amount may start: ASCII digits and the lead bytes of the other digits
/// ([`digit_value`]), of the non-ASCII word amounts ([`WORD_AMOUNTS`]) and of the Han
/// numerals [`han_wan_amount`] reads (U+4E00-U+5DFF: lead bytes 0xE4, 0xE5). Nothing else
/// starts an amount, and skipping it is most of the scan (a test checks the table
/// against those two).
static STARTS_ATOM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = b'0';
    while b <= b'9' {
        table[b as usize] = true;
        b += 1;
    }
    // Arabic-Indic (U+066x), extended Arabic-Indic (U+06Fx), U+09xx-U+0Exx digits,
    // Myanmar and Khmer digits (U+1xxx), and 上 (U+4E0A), 千 (U+5343), 破 and 百 (U+7xxx),
    // 过 (U+8FC7), 過 (U+904E).
    let leads = [0xD9, 0xDB, 0xE0, 0xE1, 0xE4, 0xE5, 0xE7, 0xE8, 0xE9];
    let mut i = 0;
    while i < leads.len() {
        table[leads[i]] = true;
        i += 1;
    }
    table
};

/// [`STARTS_ATOM`] and the 'b' of "belasan juta", for text that has the word.
static STARTS_ATOM_OR_B: [bool; 256] = {
    let mut table = STARTS_ATOM;
    table[b'b' as usize] = true;
    table
};

/// The amounts of `text`, ranges joined. Most fields have no digits at all: they are
/// passed over without a look at their script.
fn amounts(text: &str) -> Vec<Atom> {
    let starts = if memchr::memmem::find(text.as_bytes(), b"belasan").is_some() {
        &STARTS_ATOM_OR_B
    } else {
        &STARTS_ATOM
    };
    let Some(first) = next_atom_start(text.as_bytes(), 0, starts) else {
        return Vec::new();
    };
    join_ranges(text, find_atoms(text, first, starts, Script::of(text)))
}

/// Bytes looked at per step of [`next_atom_start`]'s block scan.
const BLOCK: usize = 32;

/// Whether a block may hold a byte of [`STARTS_ATOM`]: an ASCII digit, or a byte in
/// 0xD9..=0xE9 (which holds every lead byte of that table, and a few others that only
/// cost a closer look). One comparison expression per byte, which the compiler turns
/// into SIMD compares without `unsafe`.
#[inline]
fn block_may_start(block: &[u8; BLOCK]) -> bool {
    let mut hit = 0u8;
    for &b in block {
        hit |= u8::from(b.wrapping_sub(b'0') < 10) | u8::from(b.wrapping_sub(0xD9) < 0x11);
    }
    hit != 0
}

/// The first byte at or after `from` where an amount may start (per `starts`).
fn next_atom_start(bytes: &[u8], from: usize, starts: &[bool; 256]) -> Option<usize> {
    // Blocks with no digit and no possible lead byte (most of most text) are passed over
    // whole; with 'b' to look for, every block is looked at byte by byte.
    let by_blocks = !starts[usize::from(b'b')];
    let mut i = from;
    while let Some(block) = bytes
        .get(i..i + BLOCK)
        .and_then(|w| <&[u8; BLOCK]>::try_from(w).ok())
    {
        if (!by_blocks || block_may_start(block))
            && let Some(p) = block.iter().position(|&b| starts[usize::from(b)])
        {
            return Some(i + p);
        }
        i += BLOCK;
    }
    let p = bytes
        .get(i..)?
        .iter()
        .position(|&b| starts[usize::from(b)])?;
    Some(i + p)
}

fn find_atoms(text: &str, first: usize, starts: &[bool; 256], script: Script) -> Vec<Atom> {
    // Room for a field's usual handful of numbers in one allocation.
    let mut atoms = Vec::with_capacity(8);
    let (mut i, mut floor) = (first, 0);
    let bytes = text.as_bytes();
    while i < bytes.len() {
        // Other bytes start nothing (continuation bytes included: `i` stays on a
        // character boundary).
        if !starts[usize::from(bytes[i])] {
            match next_atom_start(bytes, i, starts) {
                Some(next) => i = next,
                None => break,
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if digit_value(c).is_some() {
            match number_atom(text, i, floor, script) {
                Ok(atom) => {
                    i = atom.end;
                    atoms.push(atom);
                }
                Err(skip) => i = skip,
            }
            floor = i;
            continue;
        }
        if let Some(atom) = word_atom(text, i, script) {
            i = atom.end;
            floor = i;
            atoms.push(atom);
            continue;
        }
        i += c.len_utf8();
    }
    atoms
}

/// A word amount starting at `i`.
fn word_atom(text: &str, i: usize, script: Script) -> Option<Atom> {
    let rest = &text[i..];
    let (len, low, high, implied, ascii) = match han_wan_amount(rest) {
        Some((len, low, high)) => (len, low, high, Implied::Cjk, false),
        None => {
            let &(words, low, high, implied) =
                WORD_AMOUNTS.iter().find(|(w, ..)| has_prefix(rest, w))?;
            (words.len(), low, high, implied, words.is_ascii())
        }
    };
    let mut end = i + len;
    if ascii && (!boundary_before(text, i) || !boundary_after(text, end)) {
        return None;
    }
    if !ascii
        && text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| digit_value(c).is_some() || is_cjk_numeral(c))
    {
        return None;
    }
    let currency = match implied {
        Implied::Iso(c) => c,
        _ => script.cjk_currency(),
    };
    if let Some((e, c)) = match_suffix(text, end)
        && resolve(c, true, script) == currency
    {
        end = e;
    }
    Some(Atom {
        start: i,
        end,
        low,
        high,
        raw: low,
        factor: 1.0,
        has_factor: false,
        currency: Some(currency),
        explicit: true,
        period: None,
        word: true,
        bare_dollar: false,
        peso_word: false,
    })
}

/// Ten-thousands in Han numerals before 万/萬, as posts write them as often as digits:
/// "两万" (20,000), "两三万" (a range, 20,000-30,000), "十五万", "二十万", "二十五万".
/// Returns the bytes read (万 included) and the low and high amounts. An amount right
/// after another numeral is passed over by the caller, so "十五万" is never read as "五万".
fn han_wan_amount(rest: &str) -> Option<(usize, f64, f64)> {
    fn digit(c: char) -> Option<u32> {
        Some(match c {
            '一' => 1,
            '二' | '两' | '兩' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    }
    let mut chars = rest.char_indices().take(5).peekable();
    let (mut low, mut high);
    let first = chars.next()?.1;
    if first == '十' {
        // "十万", "十五万": ten, plus a unit digit.
        low = 10;
        if let Some(d) = chars.peek().and_then(|&(_, c)| digit(c)) {
            low += d;
            chars.next();
        }
        high = low;
    } else {
        let d = digit(first)?;
        (low, high) = (d, d);
        match chars.peek().map(|&(_, c)| c) {
            // "二十万", "二十五万": tens, plus a unit digit ("两" is not written there).
            Some('十') if !matches!(first, '两' | '兩') => {
                chars.next();
                low = d * 10;
                if let Some(u) = chars.peek().and_then(|&(_, c)| digit(c)) {
                    low += u;
                    chars.next();
                }
                high = low;
            }
            // "两三万", "三五万": a range of two rising digits.
            Some(c) if digit(c).is_some_and(|h| h > d) => {
                high = digit(c)?;
                chars.next();
            }
            _ => {}
        }
    }
    let (at, wan) = chars.next()?;
    if !matches!(wan, '万' | '萬') {
        return None;
    }
    Some((
        at + wan.len_utf8(),
        f64::from(low) * 1e4,
        f64::from(high) * 1e4,
    ))
}

/// The amount whose digits start at `start`, or where to resume scanning.
fn number_atom(
    text: &str,
    start: usize,
    floor: usize,
    script: Script,
) -> std::result::Result<Atom, usize> {
    let skip = numeric_token_end(text, start);
    let (num_end, raw) = scan_number(text, start).ok_or(skip)?;
    let prefix = match_prefix(text, floor, start);
    if prefix.is_none() && !free_before(text, start) {
        return Err(skip);
    }
    if text[num_end..]
        .strip_prefix(' ')
        .unwrap_or(&text[num_end..])
        .starts_with('%')
    {
        return Err(skip);
    }
    let mut mag = match_magnitudes(text, num_end);
    // "800 k mỗi ngày": Vietnamese adverts also write the thousand apart.
    if mag.count == 0
        && script.vietnamese
        && text[num_end..].starts_with(" k")
        && boundary_after(text, num_end + 2)
    {
        mag = Magnitudes {
            end: num_end + 2,
            factor: 1e3,
            count: 1,
            implied: Implied::ByScript,
            period: None,
        };
    }
    // "1만%", "5k %": a magnitude of percent is not money either.
    if mag.count > 0
        && text[mag.end..]
            .strip_prefix(' ')
            .unwrap_or(&text[mag.end..])
            .starts_with('%')
    {
        return Err(skip.max(mag.end));
    }
    let suffix = match_suffix(text, mag.end);
    let (cur, end) = match (prefix.map(|p| p.1), suffix) {
        (Some(Dollar), Some((e, Peso))) => (Some(Iso("MXN")), e),
        (Some(Dollar | Yen), Some((e, s))) => (Some(s), e),
        (Some(p), Some((e, s))) if resolve_peso(p) == resolve_peso(s) => (Some(p), e),
        // "nt$500元", "rmb 500元": 元 repeats the dollar or yuan written before.
        (Some(p @ Iso(_)), Some((e, Yuan))) => (Some(p), e),
        (Some(p), _) => (Some(p), mag.end),
        (None, Some((e, s))) => (Some(s), e),
        (None, None) => (None, mag.end),
    };
    // Digits glued to letters ("24h", "5kg", "3rd") are not money, unless a period follows.
    if let Some(c) = text[end..].chars().next()
        && is_latin_word_char(c)
        && !period_marker_at(&text[end..])
    {
        return Err(skip.max(end));
    }
    let value = raw * mag.factor;
    if value <= 0.0 || !value.is_finite() {
        return Err(skip.max(end));
    }
    if prefix.is_some_and(|p| p.2 != Attach::Spaced) && value < 100.0 {
        return Err(skip.max(end));
    }
    if prefix.is_some_and(|p| p.2 == Attach::Grouped)
        && (value < 1000.0 || !text[start..num_end].contains([' ', ',', '.']))
    {
        return Err(skip.max(end));
    }
    let currency = match cur {
        Some(c) => Some(resolve(c, mag.implied == Implied::Cjk, script)),
        None => match mag.implied {
            // "日薪1500", "月薪：8000", "เงินเดือน 15000": a pay label names the local
            // currency; so does a Thai period after the number ("400-1600 ต่อวัน").
            Implied::Nothing if value >= 100.0 && !counts_something(&text[end..]) => {
                match pay_label_before(text, floor, start) {
                    Some(LabelCurrency::Cjk) => Some(script.cjk_currency()),
                    Some(LabelCurrency::Iso(c)) => Some(c),
                    None => thai_period_after(text, end).then_some("THB"),
                }
            }
            Implied::Nothing => None,
            Implied::Iso(c) => Some(c),
            Implied::ByScript if script.vietnamese => Some("VND"),
            Implied::ByScript if script.han && !script.kana => Some("CNY"),
            Implied::ByScript => None,
            Implied::Cjk => Some(script.cjk_currency()),
        },
    };
    // "250 triệu pageviews", "2 juta pengguna": a magnitude implies money only when no
    // counted thing follows it.
    if cur.is_none() && currency.is_some() && counted_noun_at(text, end) {
        return Err(skip.max(end));
    }
    Ok(Atom {
        start: prefix.map_or(start, |p| p.0),
        end,
        low: value,
        high: value,
        raw,
        factor: mag.factor,
        has_factor: mag.count > 0,
        currency,
        explicit: cur.is_some(),
        period: mag.period,
        word: false,
        bare_dollar: cur == Some(Dollar),
        peso_word: cur == Some(Peso),
    })
}

fn resolve_peso(c: Cur) -> Cur {
    if c == Peso { Iso("PHP") } else { c }
}

/// The ISO code for a written currency.
fn resolve(c: Cur, cjk_magnitude: bool, script: Script) -> &'static str {
    match c {
        Iso(code) => code,
        Dollar => "USD",
        Peso => "PHP",
        Yuan => script.cjk_currency(),
        // ¥ is yen in Japanese text, yuan in Chinese text or with 万/千; with no CJK
        // around it, yen (Latin-script adverts quoting ¥ are mostly about Japan).
        Yen if script.kana => "JPY",
        Yen if cjk_magnitude || script.han => "CNY",
        Yen => "JPY",
    }
}

/// Joins neighbouring amounts into ranges ("800-1,000 usd", "3-5万", "từ 15 đến 20 triệu"),
/// sharing the currency and magnitude written on one side.
fn join_ranges(text: &str, mut atoms: Vec<Atom>) -> Vec<Atom> {
    // In place: a range takes the place of its two ends, so writing never passes reading.
    let (mut read, mut write) = (0, 0);
    while let Some(&a) = atoms.get(read) {
        let joined = atoms.get(read + 1).and_then(|b| join(text, &a, b));
        read += if joined.is_some() { 2 } else { 1 };
        atoms[write] = joined.unwrap_or(a);
        write += 1;
    }
    atoms.truncate(write);
    atoms
}

fn join(text: &str, a: &Atom, b: &Atom) -> Option<Atom> {
    if a.word || b.word || b.start < a.end {
        return None;
    }
    let between = &text[a.end..b.start];
    if between.len() > 16 || !RANGE_JOINERS.contains(&between.trim_matches(' ')) {
        return None;
    }
    let currency = match (a.currency, b.currency) {
        (Some(x), Some(y)) if x != y => match (a.explicit, b.explicit) {
            (true, false) => Some(x),
            (false, true) => Some(y),
            _ => return None,
        },
        (x, y) => x.or(y),
    };
    let (mut low, mut high) = (a.low, b.high);
    // "3-5万": the magnitude written once covers both ends when that keeps low <= high.
    if b.has_factor && !a.has_factor && a.raw * b.factor <= b.high {
        low = a.raw * b.factor;
    }
    if a.has_factor && !b.has_factor && b.raw < a.low {
        high = b.raw * a.factor;
    }
    if low > high || low.is_nan() || high.is_nan() {
        return None;
    }
    Some(Atom {
        start: a.start,
        end: b.end,
        low,
        high,
        raw: a.raw,
        factor: a.factor,
        has_factor: a.has_factor || b.has_factor,
        currency,
        explicit: a.explicit || b.explicit,
        period: a.period.or(b.period),
        word: false,
        bare_dollar: (a.currency.is_none() || a.bare_dollar)
            && (b.currency.is_none() || b.bare_dollar),
        peso_word: a.peso_word || b.peso_word,
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::lure::pay::Period::{Day, Hour, Month, Week, Year};
    use crate::lure::pay::lookup::MAGNITUDE_TOKENS;
    use crate::lure::pay::marks::match_magnitudes_among;
    use crate::lure::pay::vocab::{MAGNITUDES, PERIOD_MARKERS};
    use crate::lure::pay::{PayTables, judge};

    /// Every claim in `text` (shared with the judgement's tests).
    pub(in crate::lure::pay) fn claims(text: &str) -> Vec<PayClaim> {
        let mut out = Vec::new();
        find_pay_claims(text, &mut out);
        out
    }

    /// Asserts the text holds exactly one claim with these values, quoting `quote`.
    #[track_caller]
    fn check(
        text: &str,
        quote: &str,
        low: f64,
        high: f64,
        currency: &str,
        period: Option<Period>,
    ) -> PayClaim {
        let found = claims(text);
        assert_eq!(found.len(), 1, "{text:?}: {found:?}");
        let c = found.into_iter().next().expect("one claim");
        assert_eq!(&text[c.start..c.end], quote, "{text:?}: {c:?}");
        assert!(
            (c.low - low).abs() < 1e-6 * low.max(1.0),
            "{text:?}: low {} != {low}",
            c.low
        );
        assert!(
            (c.high - high).abs() < 1e-6 * high.max(1.0),
            "{text:?}: high {} != {high}",
            c.high
        );
        assert_eq!(c.currency, currency, "{text:?}");
        assert_eq!(c.period, period, "{text:?}");
        c
    }

    #[test]
    fn research_table_phrasings() {
        check("$2,500/month", "$2,500", 2500.0, 2500.0, "USD", Some(Month));
        check("usd 800 weekly", "usd 800", 800.0, 800.0, "USD", Some(Week));
        check("50k thb", "50k thb", 50_000.0, 50_000.0, "THB", None);
        check("3000元/月", "3000元", 3000.0, 3000.0, "CNY", Some(Month));
        check("1500만원", "1500만원", 15e6, 15e6, "KRW", None);
        check(
            "15 triệu đồng/tháng",
            "15 triệu đồng",
            15e6,
            15e6,
            "VND",
            Some(Month),
        );
        check(
            "rp12 juta per bulan",
            "rp12 juta",
            12e6,
            12e6,
            "IDR",
            Some(Month),
        );
        check(
            "p30,000-p50,000 monthly",
            "p30,000-p50,000",
            30_000.0,
            50_000.0,
            "PHP",
            Some(Month),
        );
        check(
            "rm5,000-rm8,000 or more",
            "rm5,000-rm8,000",
            5000.0,
            8000.0,
            "MYR",
            None,
        );
        check("月薪3万", "3万", 30_000.0, 30_000.0, "CNY", Some(Month));
        check(
            "ksh150,000",
            "ksh150,000",
            150_000.0,
            150_000.0,
            "KES",
            None,
        );
        check("60,000 br", "60,000 br", 60_000.0, 60_000.0, "ETB", None);
        check("$800 kila mwezi", "$800", 800.0, 800.0, "USD", Some(Month));
        check(
            "1.000 usd/tháng chưa tính phần trăm",
            "1.000 usd",
            1000.0,
            1000.0,
            "USD",
            Some(Month),
        );
        let c = check("up to $3,000", "up to $3,000", 3000.0, 3000.0, "USD", None);
        assert!(c.up_to);
        check(
            "php 40,000 buwanang sahod",
            "php 40,000",
            40_000.0,
            40_000.0,
            "PHP",
            Some(Month),
        );
        check(
            "buwanang sahod: php 40,000",
            "php 40,000",
            40_000.0,
            40_000.0,
            "PHP",
            Some(Month),
        );
        check(
            "usd 1,000–1,200 per month",
            "usd 1,000–1,200",
            1000.0,
            1200.0,
            "USD",
            Some(Month),
        );
        check(
            "us$1,100 a month",
            "us$1,100",
            1100.0,
            1100.0,
            "USD",
            Some(Month),
        );
        check(
            "lương 20 triệu đồng/tháng",
            "20 triệu đồng",
            20e6,
            20e6,
            "VND",
            Some(Month),
        );
    }

    #[test]
    fn ranges() {
        check(
            "$1,000 to $1,500 per month",
            "$1,000 to $1,500",
            1000.0,
            1500.0,
            "USD",
            Some(Month),
        );
        check(
            "800 – 1.000 usd/tháng",
            "800 – 1.000 usd",
            800.0,
            1000.0,
            "USD",
            Some(Month),
        );
        check("800-1,000 usd", "800-1,000 usd", 800.0, 1000.0, "USD", None);
        check(
            "sahod 30,000 hanggang 50,000 pesos kada buwan",
            "30,000 hanggang 50,000 pesos",
            30_000.0,
            50_000.0,
            "PHP",
            Some(Month),
        );
        check(
            "lương từ 15 đến 20 triệu mỗi tháng",
            "15 đến 20 triệu",
            15e6,
            20e6,
            "VND",
            Some(Month),
        );
        check(
            "15-20 triệu/tháng",
            "15-20 triệu",
            15e6,
            20e6,
            "VND",
            Some(Month),
        );
        check("3-5万/月", "3-5万", 30_000.0, 50_000.0, "CNY", Some(Month));
        check(
            "月薪8k-12k,包吃住",
            "8k-12k",
            8000.0,
            12_000.0,
            "CNY",
            Some(Month),
        );
        check(
            "$900-1.2k a week",
            "$900-1.2k",
            900.0,
            1200.0,
            "USD",
            Some(Week),
        );
        check(
            "2-3k usd monthly",
            "2-3k usd",
            2000.0,
            3000.0,
            "USD",
            Some(Month),
        );
        check("5-7 lpa", "5-7 lpa", 5e5, 7e5, "INR", Some(Year));
    }

    #[test]
    fn up_to_words() {
        for (text, quote, amount, currency) in [
            (
                "lương lên đến 30 triệu/tháng",
                "lên đến 30 triệu",
                30e6,
                "VND",
            ),
            (
                "gaji hingga rp 20 juta sebulan",
                "hingga rp 20 juta",
                20e6,
                "IDR",
            ),
            ("月薪最高5万", "最高5万", 50_000.0, "CNY"),
            (
                "up to rm15,000 per month",
                "up to rm15,000",
                15_000.0,
                "MYR",
            ),
            ("hasta $3,000 al mes", "hasta $3,000", 3000.0, "USD"),
        ] {
            let c = check(text, quote, amount, amount, currency, Some(Month));
            assert!(c.up_to, "{text}");
        }
        let c = check("高达3万元", "高达3万元", 30_000.0, 30_000.0, "CNY", None);
        assert!(c.up_to);
        let c = check(
            "月給50万円まで",
            "50万円まで",
            500_000.0,
            500_000.0,
            "JPY",
            Some(Month),
        );
        assert!(c.up_to);
        assert!(!claims("$2,500/month")[0].up_to);
    }

    #[test]
    fn languages_and_periods() {
        check("$20 an hour", "$20", 20.0, 20.0, "USD", Some(Hour));
        check("$15/hr", "$15", 15.0, 15.0, "USD", Some(Hour));
        check(
            "salary: $50,000 p.a.",
            "$50,000",
            50_000.0,
            50_000.0,
            "USD",
            Some(Year),
        );
        check("$1.5k a week", "$1.5k", 1500.0, 1500.0, "USD", Some(Week));
        check("時給1,200円", "1,200円", 1200.0, 1200.0, "JPY", Some(Hour));
        check(
            "月給30万円",
            "30万円",
            300_000.0,
            300_000.0,
            "JPY",
            Some(Month),
        );
        check(
            "시급 10,030원",
            "10,030원",
            10_030.0,
            10_030.0,
            "KRW",
            Some(Hour),
        );
        check("연봉 5천만원", "5천만원", 5e7, 5e7, "KRW", Some(Year));
        check(
            "월 1500만원 보장",
            "1500만원",
            15e6,
            15e6,
            "KRW",
            Some(Month),
        );
        check("日薪500元", "500元", 500.0, 500.0, "CNY", Some(Day));
        check("工资¥8000/月", "¥8000", 8000.0, 8000.0, "CNY", Some(Month));
        check(
            "¥250,000 per month",
            "¥250,000",
            250_000.0,
            250_000.0,
            "JPY",
            Some(Month),
        );
        check(
            "月薪3000美金",
            "3000美金",
            3000.0,
            3000.0,
            "USD",
            Some(Month),
        );
        check("วันละ 500 บาท", "500 บาท", 500.0, 500.0, "THB", Some(Day));
        check(
            "เงินเดือน 30,000 บาท",
            "30,000 บาท",
            30_000.0,
            30_000.0,
            "THB",
            Some(Month),
        );
        check(
            "฿15,000/เดือน",
            "฿15,000",
            15_000.0,
            15_000.0,
            "THB",
            Some(Month),
        );
        check(
            "thb 7,5000 per month",
            "thb 7,5000",
            75_000.0,
            75_000.0,
            "THB",
            Some(Month),
        );
        check(
            "₹25,000 per month",
            "₹25,000",
            25_000.0,
            25_000.0,
            "INR",
            Some(Month),
        );
        check(
            "rs. 15,000/- per month",
            "rs. 15,000",
            15_000.0,
            15_000.0,
            "INR",
            Some(Month),
        );
        check("3 lakh per annum", "3 lakh", 3e5, 3e5, "INR", Some(Year));
        check(
            "r$ 1.518 por mês",
            "r$ 1.518",
            1518.0,
            1518.0,
            "BRL",
            Some(Month),
        );
        check("$15 por hora", "$15", 15.0, 15.0, "USD", Some(Hour));
        check(
            "$5,000 pesos al mes",
            "$5,000 pesos",
            5000.0,
            5000.0,
            "MXN",
            Some(Month),
        );
        check(
            "2 500 € par mois",
            "2 500 €",
            2500.0,
            2500.0,
            "EUR",
            Some(Month),
        );
        check(
            "ksh 30,000 kwa mwezi",
            "ksh 30,000",
            30_000.0,
            30_000.0,
            "KES",
            Some(Month),
        );
        check(
            "sh150,000 kila mwezi",
            "sh150,000",
            150_000.0,
            150_000.0,
            "KES",
            Some(Month),
        );
        check(
            "60,000 ብር በወር",
            "60,000 ብር",
            60_000.0,
            60_000.0,
            "ETB",
            Some(Month),
        );
        check("k6,800 per day", "k6,800", 6800.0, 6800.0, "MMK", Some(Day));
        check("၆၈၀၀ ကျပ်", "၆၈၀၀ ကျပ်", 6800.0, 6800.0, "MMK", None);
        check("2,500,000 ກີບ", "2,500,000 ກີບ", 2.5e6, 2.5e6, "LAK", None);
        check(
            "៛800,000 a month",
            "៛800,000",
            800_000.0,
            800_000.0,
            "KHR",
            Some(Month),
        );
        check(
            "₦150,000 monthly",
            "₦150,000",
            150_000.0,
            150_000.0,
            "NGN",
            Some(Month),
        );
        check(
            "ugx 500,000 per month",
            "ugx 500,000",
            500_000.0,
            500_000.0,
            "UGX",
            Some(Month),
        );
        check(
            "aed 3,000 per month",
            "aed 3,000",
            3000.0,
            3000.0,
            "AED",
            Some(Month),
        );
        check(
            "usdt 1500/month",
            "usdt 1500",
            1500.0,
            1500.0,
            "USD",
            Some(Month),
        );
        check(
            "lương 1000 đô/tháng",
            "1000 đô",
            1000.0,
            1000.0,
            "USD",
            Some(Month),
        );
        check(
            "lương 500k/ngày",
            "500k",
            500_000.0,
            500_000.0,
            "VND",
            Some(Day),
        );
        check("15tr/tháng", "15tr", 15e6, 15e6, "VND", Some(Month));
        check("gaji 12jt/bulan", "12jt", 12e6, 12e6, "IDR", Some(Month));
        check(
            "rp 5.000.000,- per hari",
            "rp 5.000.000",
            5e6,
            5e6,
            "IDR",
            Some(Day),
        );
        check(
            "gaji belasan juta rupiah per bulan",
            "belasan juta rupiah",
            11e6,
            19e6,
            "IDR",
            Some(Month),
        );
        check("月入过万", "过万", 1e4, 1e4, "CNY", Some(Month));
        check(
            "monthly salary of $2,500",
            "$2,500",
            2500.0,
            2500.0,
            "USD",
            Some(Month),
        );
        check("daily wage: $40", "$40", 40.0, 40.0, "USD", Some(Day));
        check("gaji 2,5 juta", "2,5 juta", 2.5e6, 2.5e6, "IDR", None);
        check("₱695/day", "₱695", 695.0, 695.0, "PHP", Some(Day));
        check("£12.21 per hour", "£12.21", 12.21, 12.21, "GBP", Some(Hour));
        assert_eq!(
            claims("£12.21 per hour")[0].low,
            12.21,
            "decimals parse exactly"
        );
        check(
            "€2.500 brutto monatlich",
            "€2.500",
            2500.0,
            2500.0,
            "EUR",
            Some(Month),
        );
        check(
            "時給1,100円~1,500円",
            "1,100円~1,500円",
            1100.0,
            1500.0,
            "JPY",
            Some(Hour),
        );
        check(
            "ksh.25,000/= per month",
            "ksh.25,000",
            25_000.0,
            25_000.0,
            "KES",
            Some(Month),
        );
    }

    #[test]
    fn several_claims_keep_their_own_periods() {
        let found = claims("$20/hour or $3,000 per month, plus a $500 bonus");
        let got: Vec<_> = found.iter().map(|c| (c.high, c.period)).collect();
        assert_eq!(
            got,
            vec![(20.0, Some(Hour)), (3000.0, Some(Month)), (500.0, None)]
        );
        let found = claims("$800; $1,200; $1,500 + 3% + p25,000 bonus");
        let got: Vec<_> = found.iter().map(|c| (c.high, c.currency)).collect();
        assert_eq!(
            got,
            vec![
                (800.0, "USD"),
                (1200.0, "USD"),
                (1500.0, "USD"),
                (25_000.0, "PHP")
            ]
        );
    }

    #[test]
    fn day_words_before_an_amount_are_not_its_period() {
        check(
            "work 8 hours a day, salary $800",
            "$800",
            800.0,
            800.0,
            "USD",
            None,
        );
        check(
            "làm 3 tiếng mỗi ngày, lương 15 triệu",
            "15 triệu",
            15e6,
            15e6,
            "VND",
            None,
        );
        check(
            "2025年3月 月薪8000元",
            "8000元",
            8000.0,
            8000.0,
            "CNY",
            Some(Month),
        );
        check(
            "$800, accommodation provided, daily meals",
            "$800",
            800.0,
            800.0,
            "USD",
            None,
        );
    }

    // The examples in the tests below were written for these tests (not quoted from
    // adverts), in the forms real recruitment posts use.

    #[test]
    fn korean_forms() {
        check(
            "월 1500만~3000만 원 보장",
            "1500만~3000만 원",
            15e6,
            30e6,
            "KRW",
            Some(Month),
        );
        check("일당 20만원", "20만원", 2e5, 2e5, "KRW", Some(Day));
        check("하루에 10만원 드림", "10만원", 1e5, 1e5, "KRW", Some(Day));
        check(
            "일 급여 최대 12만 원",
            "최대 12만 원",
            1.2e5,
            1.2e5,
            "KRW",
            Some(Day),
        );
        check("월급 600만 원", "600만 원", 6e6, 6e6, "KRW", Some(Month));
        check(
            "월 3000달러",
            "3000달러",
            3000.0,
            3000.0,
            "USD",
            Some(Month),
        );
        check(
            "월급 8천 달러",
            "8천 달러",
            8000.0,
            8000.0,
            "USD",
            Some(Month),
        );
        // Annual pay, before or after the amount.
        check("연봉 3600만원", "3600만원", 36e6, 36e6, "KRW", Some(Year));
        check("3000만원의 연봉", "3000만원", 30e6, 30e6, "KRW", Some(Year));
        check(
            "3400만원 이상의 연봉과 숙소",
            "3400만원",
            34e6,
            34e6,
            "KRW",
            Some(Year),
        );
        // A count of months is not a month's pay; "1만%" is not money.
        check("3개월 300만원", "300만원", 3e6, 3e6, "KRW", None);
        for text in [
            "안전 1만% 보장",
            "나이 20~35세",
            "2025년 3월 모집",
            "010-1234-5678",
            "직원 50명",
            "월급 600",
        ] {
            assert_eq!(claims(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn japanese_forms() {
        check("日当5万円〜", "5万円", 5e4, 5e4, "JPY", Some(Day));
        check("日給5万円から", "5万円", 5e4, 5e4, "JPY", Some(Day));
        check("月1万ドル", "1万ドル", 1e4, 1e4, "USD", Some(Month));
        check(
            "1週間で20万円から35万円",
            "20万円から35万円",
            2e5,
            3.5e5,
            "JPY",
            Some(Week),
        );
        check("月収100万円", "100万円", 1e6, 1e6, "JPY", Some(Month));
        check("1日1万円", "1万円", 1e4, 1e4, "JPY", Some(Day));
        check("月額20万円", "20万円", 2e5, 2e5, "JPY", Some(Month));
        check("日給8000です", "8000", 8000.0, 8000.0, "JPY", Some(Day));
        // Per piece: found, no period, so not judged.
        check("1件5万円", "5万円", 5e4, 5e4, "JPY", None);
        // Dates and counts of months are not periods.
        check("4月1日 1万円", "1万円", 1e4, 1e4, "JPY", None);
        check("3ヶ月で100万円", "100万円", 1e6, 1e6, "JPY", None);
        check("21日 1万円", "1万円", 1e4, 1e4, "JPY", None);
        for text in ["2025年", "20歳から35歳まで", "03-1234-5678", "社員50名です"] {
            assert_eq!(claims(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn thai_bare_numbers_with_a_pay_label_or_period_are_baht() {
        check("400-1600 ต่อวัน", "400-1600", 400.0, 1600.0, "THB", Some(Day));
        check(
            "เงินเดือน 15000",
            "15000",
            15000.0,
            15000.0,
            "THB",
            Some(Month),
        );
        check("รายได้ 50,000/เดือน", "50,000", 5e4, 5e4, "THB", Some(Month));
        // A unit between the number and the period: a count, not pay.
        assert_eq!(claims("ทำงาน 8 ชั่วโมงต่อวัน"), vec![]);
        assert_eq!(claims("รับสมัคร 20 คนต่อวัน"), vec![]);
        // A bare number in text with no Thai letters names no currency.
        assert_eq!(claims("400-1600 per day"), vec![]);
    }

    #[test]
    fn chinese_forms() {
        check("月收10萬", "10萬", 1e5, 1e5, "CNY", Some(Month));
        check("月入可达1-2万", "可达1-2万", 1e4, 2e4, "CNY", Some(Month));
        check("月薪3万", "3万", 3e4, 3e4, "CNY", Some(Month));
        check("年薪30万", "30万", 3e5, 3e5, "CNY", Some(Year));
        check("年收入25万元", "25万元", 2.5e5, 2.5e5, "CNY", Some(Year));
        check("年収500万円です", "500万円", 5e6, 5e6, "JPY", Some(Year));
        check("日薪2000元", "2000元", 2000.0, 2000.0, "CNY", Some(Day));
        check("在家日赚千元", "千元", 1000.0, 1000.0, "CNY", Some(Day));
        check("日薪700+、无需经验", "700", 700.0, 700.0, "CNY", Some(Day));
        check("月薪: 8000", "8000", 8000.0, 8000.0, "CNY", Some(Month));
        check("月入过万", "过万", 1e4, 1e4, "CNY", Some(Month));
        // Han numerals before 万: one, a range of two, and none read inside a longer numeral.
        check("月入两万起", "两万", 2e4, 2e4, "CNY", Some(Month));
        check("月薪两三万", "两三万", 2e4, 3e4, "CNY", Some(Month));
        check("月薪三万元", "三万元", 3e4, 3e4, "CNY", Some(Month));
        check("月給二万円", "二万円", 2e4, 2e4, "JPY", Some(Month));
        check("月入十五万", "十五万", 15e4, 15e4, "CNY", Some(Month));
        check("年薪二十五万", "二十五万", 25e4, 25e4, "CNY", Some(Year));
        check("月薪万元", "万元", 1e4, 1e4, "CNY", Some(Month));
        check("月入十万", "十万", 1e5, 1e5, "CNY", Some(Month));
        check("月入三五万", "三五万", 3e4, 5e4, "CNY", Some(Month));
        assert_eq!(claims("两十万"), vec![], "两 is not written before 十");
        let fifteen = claims("年薪十五万");
        assert!(
            fifteen.iter().all(|c| c.low == 15e4),
            "十五万 is not 五万: {fifteen:?}"
        );
        // Per piece: found without a period.
        check("1000字30元", "30元", 30.0, 30.0, "CNY", None);
        // Traditional characters: Taiwan dollars; Cantonese: Hong Kong dollars.
        check(
            "點讚日薪80到150塊",
            "80到150塊",
            80.0,
            150.0,
            "TWD",
            Some(Day),
        );
        check(
            "工作輕鬆，日薪2000元",
            "2000元",
            2000.0,
            2000.0,
            "TWD",
            Some(Day),
        );
        let found = claims("日賺千元,月入過萬");
        let got: Vec<_> = found
            .iter()
            .map(|c| (c.high, c.currency, c.period))
            .collect();
        assert_eq!(
            got,
            vec![(1000.0, "TWD", Some(Day)), (1e4, "TWD", Some(Month))]
        );
        check("佢哋月薪15000元", "15000元", 15e3, 15e3, "HKD", Some(Month));
        check("月薪3萬元", "3萬元", 3e4, 3e4, "CNY", Some(Month));
        check("nt$30,000/月", "nt$30,000", 3e4, 3e4, "TWD", Some(Month));
        for text in [
            "五千元",
            "数千元的押金",
            "年龄18-35岁",
            "2025年招聘",
            "电话13812345678",
            "招聘50人",
            "工资2025年起调整",
            "月薪50",
        ] {
            assert_eq!(claims(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn vietnamese_forms() {
        check(
            "thu nhập 16-32 triệu một tháng",
            "16-32 triệu",
            16e6,
            32e6,
            "VND",
            Some(Month),
        );
        check("kiếm 800 k mỗi ngày", "800 k", 8e5, 8e5, "VND", Some(Day));
        check(
            "mỗi ngày kiếm 800 nghìn đồng",
            "800 nghìn đồng",
            8e5,
            8e5,
            "VND",
            Some(Day),
        );
        check("thu nhập 400k - 900k", "400k - 900k", 4e5, 9e5, "VND", None);
        check(
            "ít nhất 400.000 đồng đến 2 triệu đồng mỗi ngày",
            "400.000 đồng đến 2 triệu đồng",
            4e5,
            2e6,
            "VND",
            Some(Day),
        );
        check(
            "5- 7 triệu/tháng",
            "5- 7 triệu",
            5e6,
            7e6,
            "VND",
            Some(Month),
        );
        for text in [
            "250 triệu lượt xem/tháng",
            "quy mô 30 triệu khách hàng",
            "tuổi 18-35",
            "năm 2025",
            "gọi 0912 345 678",
            "tuyển 50 người",
        ] {
            assert_eq!(claims(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn portuguese_spanish_english_indonesian_forms() {
        check(
            "com salário diário de r$ 400 - r$ 900",
            "r$ 400 - r$ 900",
            400.0,
            900.0,
            "BRL",
            Some(Day),
        );
        check(
            "salário diário: 600-1200 reais",
            "600-1200 reais",
            600.0,
            1200.0,
            "BRL",
            Some(Day),
        );
        check(
            "800-3000 reais por dia",
            "800-3000 reais",
            800.0,
            3000.0,
            "BRL",
            Some(Day),
        );
        check(
            "sueldo diario 50000 pesos",
            "50000 pesos",
            5e4,
            5e4,
            "PHP",
            Some(Day),
        );
        check(
            "ksh 2,200 per day",
            "ksh 2,200",
            2200.0,
            2200.0,
            "KES",
            Some(Day),
        );
        check(
            "salary: r5 000 - r8 000 p/m",
            "r5 000 - r8 000",
            5000.0,
            8000.0,
            "ZAR",
            Some(Month),
        );
        check(
            "earn no less than $8,500 per month",
            "$8,500",
            8500.0,
            8500.0,
            "USD",
            Some(Month),
        );
        let c = check(
            "gaji hingga rp 26 juta",
            "hingga rp 26 juta",
            26e6,
            26e6,
            "IDR",
            None,
        );
        assert!(c.up_to);
        for text in [
            "ea licence no. r1443178",
            "r500 each",
            "r2d2",
            "500k followers",
            "1 juta pengguna",
            "edad 18-35 años",
        ] {
            assert_eq!(claims(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn non_claims() {
        for text in [
            "founded in 2023, we have 50 employees",
            "call 0912 345 678 now",
            "whatsapp +84 912 345 678",
            "3% commission on every sale",
            "usd 3% fee",
            "age 18-35, 2-3 years experience",
            "salary 3000/month",
            "35000-73000",
            "covid19 rules apply",
            "open 24h, 5kg parcels, the 3rd floor",
            "room 101, step 3, top5, k9 unit, p2 level",
            "from 9:30 to 17:00",
            "15.07.2024",
            "500k followers",
            "",
        ] {
            assert_eq!(claims(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn appends_without_clearing() {
        let mut out = claims("$100 per day");
        find_pay_claims("rm5,000", &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].currency, "MYR");
    }

    // --- properties

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn noisy() -> impl Strategy<Value = String> {
            let piece = prop::sample::select(vec![
                "$",
                "usd",
                "₱",
                "p",
                "k",
                "rm",
                "ksh",
                "br",
                "đ",
                "triệu",
                "juta",
                "万",
                "元",
                "만원",
                "円",
                "¥",
                "up to",
                "最高",
                "-",
                "–",
                " to ",
                "/month",
                "/tháng",
                "月薪",
                "monthly",
                "a day",
                "%",
                "+",
                ".",
                ",",
                " ",
                "  ",
                "0",
                "1",
                "5",
                "9",
                "00",
                "000",
                ",000",
                ".000",
                "1.5",
                "۵",
                "๕",
                "၅",
                "lpa",
                "lakh",
                "belasan juta",
                "过万",
                "まで",
                "까지",
                "월",
                "3月",
                "é",
                "\n",
                "ư",
                "ドル",
                "x",
                "千元",
                "過萬",
                "日薪",
                "1日",
                "1週間",
                "から",
                "塊",
                "r",
                " k",
                "의 연봉",
                "하루",
                "月",
                "ヶ",
                "點",
                "佢",
                "人",
                "người",
            ]);
            prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
        }

        fn check_invariants(text: &str) {
            let mut out = Vec::new();
            find_pay_claims(text, &mut out);
            let mut last = 0;
            for c in &out {
                assert!(c.start < c.end && c.end <= text.len(), "{c:?} in {text:?}");
                assert!(
                    text.is_char_boundary(c.start) && text.is_char_boundary(c.end),
                    "{c:?} in {text:?}"
                );
                assert!(c.start >= last, "claims out of order in {text:?}");
                last = c.end;
                assert!(
                    c.low.is_finite() && c.high.is_finite() && c.low > 0.0,
                    "{c:?}"
                );
                assert!(c.low <= c.high, "{c:?}");
                if let Some(j) = judge(c, Some("vi"), PayTables::embedded()) {
                    assert!(j.multiple.is_finite() && j.multiple > 0.0);
                    let _ = j.describe(&text[c.start..c.end]);
                }
            }
        }

        #[test]
        fn regressions() {
            for text in [
                "belasan juta过万/month",
                "belasan juta belasan juta",
                "过万过万万",
                "$1 - $2 - $3 - $4",
            ] {
                check_invariants(text);
            }
        }

        /// The claims as found with every character looked at (the scan before
        /// [`STARTS_ATOM`] skipped what starts no amount).
        fn claims_looking_everywhere(text: &str) -> Vec<String> {
            let mut every = [true; 256];
            for (b, starts) in every.iter_mut().enumerate().take(0x80) {
                *starts = (b as u8).is_ascii_digit() || b == usize::from(b'b');
            }
            let atoms = join_ranges(text, find_atoms(text, 0, &every, Script::of(text)));
            atoms.iter().map(|a| format!("{a:?}")).collect()
        }

        fn claims_skipping(text: &str) -> Vec<String> {
            amounts(text).iter().map(|a| format!("{a:?}")).collect()
        }

        #[test]
        fn atom_starts_cover_every_digit_and_word_amount() {
            for c in (0..=0x10FFFF).filter_map(char::from_u32) {
                let starts_word = WORD_AMOUNTS.iter().any(|(w, ..)| w.starts_with(c))
                    || han_wan_amount(&format!("{c}万")).is_some();
                if digit_value(c).is_some() || starts_word {
                    let mut buf = [0; 4];
                    let lead = usize::from(c.encode_utf8(&mut buf).as_bytes()[0]);
                    assert!(STARTS_ATOM_OR_B[lead], "{c:?}");
                    assert!(STARTS_ATOM[lead] || c == 'b', "{c:?}");
                }
            }
        }

        /// [`match_magnitudes`] as it was before the first-byte index: every token tried.
        fn magnitudes_trying_every_token(text: &str, pos: usize) -> Magnitudes {
            match_magnitudes_among(text, pos, |_| 0..MAGNITUDE_TOKENS.len())
        }

        fn magnitudes_key(m: &Magnitudes) -> String {
            format!(
                "{} {} {} {:?} {:?}",
                m.end, m.factor, m.count, m.implied, m.period
            )
        }

        #[test]
        fn magnitude_tokens_are_all_indexed() {
            assert!(MAGNITUDES.iter().all(|m| !m.0.is_empty()));
        }

        #[test]
        fn period_markers_are_all_indexed() {
            assert!(PERIOD_MARKERS.iter().all(|m| !m.0.is_empty()));
        }

        #[test]
        fn block_test_covers_every_atom_start() {
            for b in 0..=255u8 {
                let mut block = [b' '; BLOCK];
                block[BLOCK - 1] = b;
                assert!(
                    !STARTS_ATOM[usize::from(b)] || block_may_start(&block),
                    "{b:#x}"
                );
            }
        }

        /// The first start from `from` on, a byte at a time.
        fn next_start_byte_by_byte(
            bytes: &[u8],
            from: usize,
            starts: &[bool; 256],
        ) -> Option<usize> {
            (from..bytes.len()).find(|&i| starts[usize::from(bytes[i])])
        }

        /// Mostly letters and spaces, some digits and high bytes: blocks with and without
        /// starts, and near misses of the block test.
        fn scan_bytes() -> impl Strategy<Value = Vec<u8>> {
            prop::collection::vec(
                prop_oneof![
                    8 => b'a'..=b'z',
                    2 => Just(b' '),
                    1 => b'0'..=b'9',
                    1 => 0x80u8..=0xFF,
                    1 => any::<u8>(),
                ],
                0..300,
            )
        }

        proptest! {
            #[test]
            fn magnitude_index_agrees_with_every_token(text in noisy()) {
                for pos in (0..=text.len()).filter(|&p| text.is_char_boundary(p)) {
                    prop_assert_eq!(
                        magnitudes_key(&match_magnitudes(&text, pos)),
                        magnitudes_key(&magnitudes_trying_every_token(&text, pos))
                    );
                }
            }

            #[test]
            fn period_index_agrees_with_every_marker(text in noisy()) {
                for pos in (0..=text.len()).filter(|&p| text.is_char_boundary(p)) {
                    let rest = &text[pos..];
                    prop_assert_eq!(
                        period_marker_at(rest),
                        PERIOD_MARKERS.iter().any(|(m, ..)| has_prefix(rest, m))
                    );
                }
            }

            #[test]
            fn block_scan_finds_the_first_start(
                bytes in scan_bytes(),
                from in 0usize..320,
                with_b in any::<bool>(),
            ) {
                let starts = if with_b { &STARTS_ATOM_OR_B } else { &STARTS_ATOM };
                prop_assert_eq!(
                    next_atom_start(&bytes, from, starts),
                    next_start_byte_by_byte(&bytes, from, starts)
                );
            }
        }

        proptest! {
            #[test]
            fn skipping_finds_what_looking_everywhere_finds(text in noisy()) {
                prop_assert_eq!(claims_skipping(&text), claims_looking_everywhere(&text));
            }

            #[test]
            fn skipping_agrees_on_arbitrary_text(text in any::<String>()) {
                prop_assert_eq!(claims_skipping(&text), claims_looking_everywhere(&text));
            }

            #[test]
            fn never_panics_on_arbitrary_text(text in any::<String>()) {
                check_invariants(&text);
            }

            #[test]
            fn never_panics_on_money_like_text(text in noisy()) {
                check_invariants(&text);
            }

            #[test]
            fn never_panics_on_long_digit_runs(text in "[0-9., $k万-]{0,200}") {
                check_invariants(&text);
            }
        }
    }
}
