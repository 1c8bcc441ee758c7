//! Pay out of proportion to the work: lexicon phrases ("high salary", "高薪") plus pay
//! claims parsed from the text and judged against the origin market's entry-level wage.
//!
//! A claim counts when it is at least [`STRONG_MULTIPLE`] times the benchmark, or at
//! least [`WEAK_MULTIPLE`] times when the advert also asks for no skills (easy work or a
//! compound-style job title), pays for travel and housing, names a scam-centre
//! destination, quotes pay by the day or promises the sum as guaranteed: genuine adverts
//! that pay several entry wages are salaried posts quoted by the month or year, while a
//! day rate several times the entry wage is what task scams and courier lures quote
//! ("800k a day"). Pay is judged against the work asked for. The benchmarks
//! are mostly minimum wages, and genuine factory pay is often twice them, so the
//! multiples start at 3×; sourced lures sit at 2–17× (research §3.2), the low end of
//! which is left to the lexicons' "high pay" phrasings.
//!
//! A claim judged against the wage where the job is (the applicant's market unknown:
//! "$1,800 a month in Cambodia") counts only for work that asks for no qualifications
//! ([`asks_for_qualifications`]): an executive chef or a teacher abroad is not paid an
//! entry-level wage, and their pay says nothing.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::ad::Ad;
use crate::lure::pay::Period;
use crate::lure::{Evidence, EvidenceSource, Family, FieldScan, LureDetector};

/// A pay multiple that is a lure whatever the work.
pub const STRONG_MULTIPLE: f64 = 6.0;
/// A pay multiple that is a lure when the advert asks for no skills.
pub const WEAK_MULTIPLE: f64 = 3.0;

/// A multiple beyond any wage, recruiters' included: such a figure is a company's
/// revenue or funding ("raised $100 million a year"), not pay. The real lures seen run to
/// about 90× ($200-$800 a day against a minimum wage).
pub const IMPLAUSIBLE_MULTIPLE: f64 = 150.0;

/// The log-odds a pay claim carries, graded by its multiple: the family prior (2.0) at
/// [`STRONG_MULTIPLE`], 0.75 more each time the multiple doubles, between 1.25 (a 3×
/// claim beside easy work) and 4.0 (25× and above: a few hundred dollars a day against a minimum wage),
/// where pay alone is the lure. Real scam posts often say nothing but the pay and
/// "overseas"; a yes/no family could not tell 3× from 70×.
pub fn pay_strength(multiple: f64) -> f32 {
    let graded = 2.0 + 0.75 * (multiple / STRONG_MULTIPLE).log2();
    graded.clamp(1.25, 4.0) as f32
}

/// Detector for [`Family::Pay`].
#[derive(Debug, Clone, Copy, Default)]
pub struct PayDetector;

impl LureDetector for PayDetector {
    fn family(&self) -> Family {
        Family::Pay
    }

    fn detect_field(&self, scan: &FieldScan<'_>, out: &mut Vec<Evidence>) {
        scan.lexicon_evidence(Family::Pay, out);
        // Asked only when a claim needs it (most fields have none; a claim at the strong
        // multiple counts whatever the work).
        let mut part_time: Option<bool> = None;
        for j in scan.pay {
            let pro_rata = matches!(
                j.claim.period,
                Some(Period::Month | Period::Week | Period::Year)
            ) && (WEAK_MULTIPLE * PART_TIME_SHARE..STRONG_MULTIPLE)
                .contains(&j.multiple)
                && *part_time.get_or_insert_with(|| offers_part_time(scan.norm.as_str()));
            let multiple = if pro_rata {
                j.multiple / PART_TIME_SHARE
            } else {
                j.multiple
            };
            if !(WEAK_MULTIPLE..IMPLAUSIBLE_MULTIPLE).contains(&multiple) {
                continue;
            }
            let source = EvidenceSource::Pay {
                monthly_usd: j.monthly_usd,
                multiple,
                at_workplace: j.at_workplace,
                per_day: j.claim.period == Some(Period::Day),
                guaranteed: promised_as_guaranteed(scan.norm.as_str(), j.claim.start, j.claim.end),
            };
            let mut ev = scan.evidence(Family::Pay, j.claim.start, j.claim.end, source);
            let mut detail = j.describe(scan.original.get(ev.start..ev.end).unwrap_or(""));
            if pro_rata {
                detail.push_str(&format!(
                    "; for part-time work, about {multiple:.1}× pro rata"
                ));
            }
            ev.detail = Some(detail);
            ev.strength = Some(pay_strength(multiple));
            out.push(ev);
        }
    }

    fn finish(&self, ad: &Ad, evidence: &mut Vec<Evidence>) {
        let low_skill = evidence
            .iter()
            .any(|e| matches!(e.family, Family::EasyWork | Family::JobTitle));
        // A modest multiple (3-6x) counts beside work that asks for no skills, beside
        // travel and housing paid for, and beside a scam-centre destination: sourced lures sit at 2-17x the entry wage
        // (research 3.2), and a rich market's lures (Korea's 800만원 a month with lodging
        // and a visa) reach only about 4x its minimum wage.
        let modest_pay_counts = low_skill
            || evidence
                .iter()
                .any(|e| matches!(e.family, Family::Relocation | Family::Destination));
        if !modest_pay_counts {
            evidence.retain(|e| match e.source {
                EvidenceSource::Pay {
                    multiple,
                    per_day,
                    guaranteed,
                    ..
                } => multiple >= STRONG_MULTIPLE || per_day || guaranteed,
                _ => true,
            });
        }
        // A skilled post abroad (a licensed teacher with housing and a flight home) is
        // paid far above the workplace's entry wage: that pay says nothing.
        if !low_skill {
            let at_workplace = |e: &Evidence| {
                matches!(
                    e.source,
                    EvidenceSource::Pay {
                        at_workplace: true,
                        ..
                    }
                )
            };
            if evidence.iter().any(at_workplace) && asks_for_qualifications(ad) {
                evidence.retain(|e| !at_workplace(e));
            }
        }
    }
}

/// The share of a full-time job that part-time or side work is taken to be: a monthly
/// sum offered for it is judged at twice its multiple. A part-time job paying a
/// full-time wage several times over is the work-from-home and task-scam shape (a few
/// hours a day from home for several thousand dollars a month); genuine part-time work
/// is quoted by the hour near the minimum wage.
pub const PART_TIME_SHARE: f64 = 0.5;

/// Words offering part-time or side work, in the normalised (lower-case) text. Not
/// Vietnamese "làm thêm giờ" (overtime, which genuine full-time adverts ask for) nor
/// Japanese パート (also the start of パートナー).
const PART_TIME_WORDS: &[&str] = &[
    "part-time",
    "part time",
    "parttime",
    "bán thời gian",
    "làm thêm",
    "兼职",
    "兼職",
    "副業",
    "副业",
    "부업",
    "paruh waktu",
    "sampingan",
    "พาร์ทไทม์",
    "งานเสริม",
    "medio tiempo",
    "tiempo parcial",
    "meio período",
    "tempo parcial",
];

/// [`PART_TIME_WORDS`] as one automaton: a field with a monthly claim is read once, not
/// once per word.
static PART_TIME: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .build(PART_TIME_WORDS)
        .expect("static part-time words")
});

/// Whether `text` (normalised) offers part-time or side work ([`PART_TIME_WORDS`]).
fn offers_part_time(text: &str) -> bool {
    PART_TIME.find_iter(text).any(|m| {
        let overtime = PART_TIME_WORDS[m.pattern().as_usize()] == "làm thêm"
            && text[m.end()..].trim_start().starts_with("giờ");
        !overtime
    })
}

/// Words promising pay as guaranteed, in the normalised (lower-case) text.
const GUARANTEE_WORDS: &[&str] = &[
    "보장",
    "保证",
    "保證",
    "保底",
    "保証",
    "đảm bảo",
    "cam kết",
    "guaranteed",
    "guarantee",
    "dijamin",
    "garantizad",
    "garantid",
    "garanti",
    "รับประกัน",
    "การันตี",
];

/// How far (in characters) a guarantee word may sit before or after the amount:
/// "월 1000만원 보장", "保证月入2万", "guaranteed income of $3,000".
const GUARANTEE_REACH: usize = 16;

/// Whether the pay claim at `start..end` of the normalised text is promised as
/// guaranteed. A guaranteed sum several entry wages high is a lure whatever the work: a
/// genuine employer guarantees a base wage, not a windfall.
fn promised_as_guaranteed(text: &str, start: usize, end: usize) -> bool {
    let (Some(before), Some(after)) = (text.get(..start), text.get(end..)) else {
        return false;
    };
    let before_from = before
        .char_indices()
        .rev()
        .nth(GUARANTEE_REACH - 1)
        .map_or(0, |(i, _)| i);
    let after_to = after
        .char_indices()
        .nth(GUARANTEE_REACH)
        .map_or(after.len(), |(i, _)| i);
    let near = [&before[before_from..], &after[..after_to]];
    near.iter()
        .any(|side| GUARANTEE_WORDS.iter().any(|w| side.contains(w)))
}

/// Years of experience, a degree or a professional licence asked for (English: pay is
/// judged where the job is only for adverts without a known applicant market, mostly
/// English ones).
static QUALIFICATIONS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,2}\s*\+?\s*(years?|yrs?)['’]?\s+(of\s+)?(\w+\s+){0,2}?experience|(minimum|min\.?|at\s+least)\s+(of\s+)?\d{1,2}\s*\+?\s*(years?|yrs?)\b|(bachelor|master|doctorate|phd|bsc|msc|ba|ma)['’]?s?\s+(degree|in\b)|(bsc|msc|mba|phd|b\.sc|m\.sc)\b|degree\s+in\s+\w|(teaching|nursing|professional)\s+licen[cs]e|licensed\s+(teacher|nurse|engineer|pharmacist))",
    )
    .expect("static regex")
});

/// Whether the advert asks for experience in years, a degree or a licence.
pub fn asks_for_qualifications(ad: &Ad) -> bool {
    ad.fields().any(|(_, text)| QUALIFICATIONS.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded model, loaded once for the tests that score adverts.
    static MODEL: LazyLock<crate::model::LureModel> =
        LazyLock::new(|| crate::model::LureModel::embedded().expect("embedded model"));

    /// Whether the embedded scorer finds pay evidence in `text`.
    fn has_pay(text: &str) -> bool {
        let scorer = crate::explain::Scorer::new(&MODEL, crate::lure::Lexicon::embedded());
        let why = scorer.explain(&Ad::from_text("t", text));
        why.lures.iter().any(|l| l.family == Family::Pay)
    }

    #[test]
    fn pay_strength_grows_with_the_multiple_within_bounds() {
        assert_eq!(pay_strength(STRONG_MULTIPLE), 2.0);
        assert_eq!(pay_strength(2.0 * STRONG_MULTIPLE), 2.75);
        assert_eq!(pay_strength(WEAK_MULTIPLE), 1.25);
        assert_eq!(pay_strength(1000.0), 4.0);
        let mut last = 0.0;
        for m in [3.0, 4.0, 6.0, 9.0, 12.0, 20.0, 30.0] {
            let s = pay_strength(m);
            assert!(s >= last, "{m}");
            last = s;
        }
    }

    /// A company's revenue read as pay ("$100 million per year") is no pay claim.
    #[test]
    fn implausible_multiples_are_not_pay_evidence() {
        // Written for this test.
        assert!(has_pay("Packing job, no experience needed, $300 per day"));
        assert!(!has_pay(
            "Our company, no experience needed, earns $100 million per year"
        ));
    }

    /// A day rate three to six entry wages counts without easy work; the same pay by
    /// the month does not (a salaried post may pay that).
    #[test]
    fn day_rates_count_from_the_weak_multiple() {
        // Written for this test: about 4× Vietnam's entry wage, by the day and by the month.
        assert!(has_pay("Thu nhập 1.200.000 đồng/ngày"));
        assert!(!has_pay("Lương 31 triệu đồng/tháng"));
    }

    /// A monthly claim three to six entry wages counts beside travel and housing paid
    /// for or a scam-centre destination, not alone.
    #[test]
    fn part_time_pay_is_judged_pro_rata() {
        // Written for this test. About 3.2x Vietnam's entry wage by the month: not alone,
        // but for part-time work it is 6.5x pro rata.
        assert!(!has_pay("Lương 18-25 triệu/tháng"));
        assert!(has_pay(
            "Cần người làm bán thời gian. Lương 18-25 triệu/tháng"
        ));
        // "làm thêm giờ" is overtime in a full-time job, not part-time work.
        assert!(!has_pay("Có làm thêm giờ. Lương 18-25 triệu/tháng"));
        assert!(has_pay(
            "Có việc làm thêm cuối tuần. Lương 18-25 triệu/tháng"
        ));
        // About 4.6x the unknown-origin reference: part time makes it 9.2x.
        assert!(!has_pay("Pay: $2500-5800 per month."));
        assert!(has_pay(
            "Evenings only, part time. Pay: $2500-5800 per month."
        ));
        // Below 1.5x stays ordinary part-time pay; a day rate is not pro-rated (its
        // hours are unknown).
        assert!(!has_pay("Part-time cashier, $1,500 per month."));
        assert!(!has_pay("Part-time helper, $90 per day."));
    }

    #[test]
    fn modest_monthly_pay_counts_beside_paid_travel_or_a_hot_spot() {
        // Written for this test: about 4x Korea's minimum wage by the month.
        assert!(!has_pay("월 850만원"));
        assert!(has_pay("월 850만원, 숙소 제공, 항공권 지원"));
        // About 3.5x Thailand's: beside a scam-centre destination, not alone.
        assert!(has_pay("ทำงานที่กัมพูชา เงินเดือน 36,000 บาท"));
        assert!(!has_pay("เงินเดือน 36,000 บาท"));
    }

    /// A monthly sum four entry wages high counts when promised as guaranteed, in any
    /// of the languages' words; the same sum plain does not.
    #[test]
    fn guaranteed_pay_counts_from_the_weak_multiple() {
        // Written for this test: about 4x the entry wage of Korea, China and Vietnam.
        assert!(has_pay("월 880만원 보장"));
        assert!(!has_pay("월 880만원"));
        assert!(has_pay("保证月薪11000元"));
        assert!(has_pay("Cam kết lương 31 triệu/tháng"));
        assert!(!has_pay("Lương 31 triệu/tháng"));
        assert!(promised_as_guaranteed("guaranteed $3,300 a month", 11, 17));
        assert!(!promised_as_guaranteed(
            "guaranteed training for everyone who joins us; pay $3,300",
            51,
            57
        ));
    }

    #[test]
    fn qualifications_asked_for() {
        for yes in [
            "minimum 8 years in 5-star kitchens",
            "3+ years of relevant experience",
            "5 years experience in public health",
            "Bachelor's degree and teaching licence required",
            "BSc Computer Science",
            "a degree in accounting",
        ] {
            assert!(asks_for_qualifications(&Ad::from_text("q", yes)), "{yes}");
        }
        for no in [
            "No experience needed, we train you",
            "salary $1,500 per month, 18-35 years old",
            "age 20 to 30 years, basic computer skills",
            "work 8 hours a day, 6 days a week",
        ] {
            assert!(!asks_for_qualifications(&Ad::from_text("q", no)), "{no}");
        }
    }
}
