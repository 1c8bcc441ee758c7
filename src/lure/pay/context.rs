//! The words around an amount: its period, an "up to", a Han pay label, a counted noun.

use super::Period;
use super::lookup::{PERIOD_BY_FIRST, PERIODS, period_marker_at, starting};
use super::number::digit_value;
use super::text::{
    boundary_after, boundary_before, has_prefix, has_suffix, is_cjk_numeral, marker_boundaries,
    starts_latin,
};
use super::vocab::Side::{After, Before};
use super::vocab::{PERIOD_MARKERS, UP_TO_AFTER, UP_TO_BEFORE};

/// How far (bytes) a period marker may sit from the amount.
const WINDOW: usize = 40;

/// The currency a pay label names for a bare number after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LabelCurrency {
    /// A Han label: yuan, yen or the local dollar, by the text's script.
    Cjk,
    /// A label of one country's language.
    Iso(&'static str),
}

/// Han pay labels that name the local currency for a bare number after them ("日薪1500",
/// "月薪：8000元" without the 元). Korean labels are left out: "월급 600" is colloquially
/// 600만원, not 600 won.
static HAN_PAY_LABELS: &[&str] = &[
    "日薪",
    "月薪",
    "时薪",
    "時薪",
    "周薪",
    "週薪",
    "年薪",
    "月入",
    "月收入",
    "月收",
    "日赚",
    "日賺",
    "月赚",
    "月賺",
    "底薪",
    "工资",
    "工資",
    "薪资",
    "薪資",
    "薪水",
    "日給",
    "日当",
    "月給",
    "月収",
    "時給",
    "年収",
    "月額",
];

/// Thai pay labels before a bare number ("เงินเดือน 15000", "รายได้ 800-2600"): baht.
static THAI_PAY_LABELS: &[&str] = &["เงินเดือน", "รายได้", "ค่าจ้าง", "ค่าแรง", "ค่าตอบแทน"];

/// Thai periods right after a bare number (or the high end of its range): "400-1600
/// ต่อวัน", "15000/เดือน".
static THAI_PERIODS_AFTER: &[&str] = &["ต่อวัน", "ต่อเดือน", "ต่อชั่วโมง", "/วัน", "/เดือน"];

/// Whether a Thai period follows a bare number ending at `end`, or the high end of its
/// range ("400-1600 ต่อวัน"): the number is baht. A unit between the number and the
/// period ("8 ชั่วโมงต่อวัน", eight hours a day) keeps it a count.
pub(super) fn thai_period_after(text: &str, end: usize) -> bool {
    let mut rest = text[end..].trim_start_matches(' ');
    // Most numbers are followed by neither a range nor a Thai word: decided by one byte
    // (a Thai letter's UTF-8 starts 0xE0, an en dash's 0xE2).
    if !rest
        .as_bytes()
        .first()
        .is_some_and(|b| matches!(b, b'-' | b'~' | b'/' | 0xE0 | 0xE2))
    {
        return false;
    }
    if let Some(r) = rest.strip_prefix(['-', '–', '~']) {
        let r = r.trim_start_matches(' ');
        let digits = r.len()
            - r.trim_start_matches(|c: char| c.is_ascii_digit() || c == ',')
                .len();
        if digits > 0 {
            rest = r[digits..].trim_start_matches(' ');
        }
    }
    THAI_PERIODS_AFTER.iter().any(|p| rest.starts_with(p))
}

/// Things counted in millions or thousands that are not money, after an amount whose
/// currency is only implied ("250 triệu lượt xem", "1 juta pengguna", "500k followers").
static COUNTED_NOUNS: &[&str] = &[
    "người",
    "lượt",
    "khách",
    "học viên",
    "thành viên",
    "sản phẩm",
    "đơn hàng",
    "hộ",
    "views",
    "pageviews",
    "users",
    "followers",
    "downloads",
    "subscribers",
    "orang",
    "pengguna",
    "pengikut",
    "unit",
];

/// Whether a word of [`COUNTED_NOUNS`] starts at `i` (after one space).
pub(super) fn counted_noun_at(text: &str, i: usize) -> bool {
    let rest = text[i..].strip_prefix(' ').unwrap_or(&text[i..]);
    COUNTED_NOUNS
        .iter()
        .any(|w| has_prefix(rest, w) && boundary_after(rest, w.len()))
}

/// Whether a Han unit follows that makes the number a date, an age or a count ("2025年",
/// "18岁", "100人"), not pay.
pub(super) fn counts_something(rest: &str) -> bool {
    rest.trim_start_matches(' ').starts_with([
        '年', '月', '日', '号', '號', '岁', '歲', '人', '个', '個', '名', '位', '天', '小', '分',
        '次', '件', '单', '單', '字', '时', '時', '週', '周',
    ])
}

/// The currency named by a pay label (Han or Thai) that ends just before `start` (spaces,
/// a colon or an "up to" word between), not before `floor`.
pub(super) fn pay_label_before(text: &str, floor: usize, start: usize) -> Option<LabelCurrency> {
    let before = text[floor..start].trim_end_matches([' ', ':']);
    let before = UP_TO_BEFORE
        .iter()
        .find_map(|m| before.strip_suffix(m))
        .map_or(before, |b| b.trim_end_matches([' ', ':']));
    if HAN_PAY_LABELS.iter().any(|l| has_suffix(before, l)) {
        Some(LabelCurrency::Cjk)
    } else if THAI_PAY_LABELS.iter().any(|l| before.ends_with(l)) {
        Some(LabelCurrency::Iso("THB"))
    } else {
        None
    }
}

/// An "up to" word just before `start` (only spaces or a colon between), not before
/// `floor`: where it starts.
pub(super) fn up_to_before(text: &str, floor: usize, start: usize) -> Option<usize> {
    let before = &text[floor..start];
    let trimmed = before.trim_end_matches([' ', ':']);
    if before.len() - trimmed.len() > 3 {
        return None;
    }
    UP_TO_BEFORE.iter().find_map(|m| {
        let s = floor + trimmed.strip_suffix(m)?.len();
        (!starts_latin(m) || boundary_before(text, s)).then_some(s)
    })
}

/// An "up to" word just after `end` ("50万円まで"): where it ends.
pub(super) fn up_to_after(text: &str, end: usize) -> Option<usize> {
    let rest = &text[end..];
    let rest_spaced = rest.strip_prefix(' ').unwrap_or(rest);
    let skipped = rest.len() - rest_spaced.len();
    UP_TO_AFTER
        .iter()
        .find(|m| rest_spaced.starts_with(**m))
        .map(|m| end + skipped + m.len())
}

/// Ends a period window: sentence and clause punctuation.
fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        ',' | '!' | '?' | ';' | '\n' | '|' | '•' | '。' | '、' | '(' | ')'
    )
}

/// The period marker nearest after an amount: (period, marker end). The window stops at
/// the next number or clause, so a marker belonging to something else is not taken.
pub(super) fn period_after(text: &str, from: usize) -> Option<(Period, usize)> {
    // "rp 5.000.000,-" and "15,000/-": the dash closes the price, it is not a clause.
    let from = if [",-", ".-", "/-"]
        .iter()
        .any(|d| text[from..].starts_with(d))
    {
        from + 2
    } else {
        from
    };
    let mut end = from;
    for (off, c) in text[from..].char_indices() {
        let p = from + off;
        if p >= from + WINDOW || is_clause_break(c) {
            break;
        }
        if digit_value(c).is_some() && !period_marker_at(&text[p..]) {
            break;
        }
        end = p + c.len_utf8();
        if c == '.' && text[end..].chars().next().is_none_or(|n| n == ' ') {
            break;
        }
    }
    let window = &text[from..end];
    let markers = &*PERIODS;
    let mut best: Option<(usize, usize, Period)> = None;
    for m in markers.automaton.find_overlapping_iter(window) {
        let (marker, period, side) = markers.info[m.pattern().as_usize()];
        let (s, e) = (from + m.start(), from + m.end());
        if side == Before || !marker_boundaries(text, s, e, marker) {
            continue;
        }
        if best.is_none_or(|(bs, be, _)| s < bs || (s == bs && e > be)) {
            best = Some((s, e, period));
        }
    }
    best.map(|(_, e, p)| (p, e))
}

/// The period label nearest before an amount ("月薪", "monthly salary"), not before
/// `floor` nor across a number or clause break.
pub(super) fn period_before(text: &str, floor: usize, to: usize) -> Option<Period> {
    let mut start = to.saturating_sub(WINDOW).max(floor);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut window_start = start;
    for (off, c) in text[start..to].char_indices() {
        // A digit that starts a label ("1日", "1週間") does not cut it off.
        let label = digit_value(c).is_some() && label_at(&text[start + off..to]);
        if is_clause_break(c) || c == '.' || (digit_value(c).is_some() && !label) {
            window_start = start + off + c.len_utf8();
        }
    }
    let window = &text[window_start..to];
    let markers = &*PERIODS;
    let mut best: Option<(usize, usize, Period)> = None;
    for m in markers.automaton.find_overlapping_iter(window) {
        let (marker, period, side) = markers.info[m.pattern().as_usize()];
        let (s, e) = (window_start + m.start(), window_start + m.end());
        if side == After || !marker_boundaries(text, s, e, marker) {
            continue;
        }
        // "3月" is March, "十二月" December and "1월" January, not a month's pay; "4月1日"
        // is a date.
        let before = text[..s].chars().next_back();
        if before.is_some_and(|b| digit_value(b).is_some() || is_cjk_numeral(b))
            || (marker.starts_with(|c: char| c.is_ascii_digit())
                && before.is_some_and(|b| matches!(b, '月' | '年' | '월' | '년' | '/' | '.')))
            // "3ヶ月で", "3个月", "3개월": a count of months, not a month's pay.
            || (matches!(marker, "月" | "월")
                && before.is_some_and(|b| matches!(b, 'ヶ' | 'か' | 'カ' | 'ケ' | '个' | '個' | '개')))
        {
            continue;
        }
        if best.is_none_or(|(bs, be, _)| e > be || (e == be && s < bs)) {
            best = Some((s, e, period));
        }
    }
    best.map(|(_, _, p)| p)
}

/// Whether `s` starts with a period marker that may label an amount after it.
pub(super) fn label_at(s: &str) -> bool {
    starting(&PERIOD_BY_FIRST, Some(s)).iter().any(|&i| {
        let (marker, _, side) = PERIOD_MARKERS[usize::from(i)];
        side != After && has_prefix(s, marker)
    })
}
