//! The judgement: a claim's market, its multiple of the entry-level wage there, in words.

use super::tables::{PayTables, WORKPLACES, WageBenchmark};
use super::{PayClaim, Period, UNKNOWN_ORIGIN_MARKET};

/// Local currencies and their market: a claim in one of these is judged there.
static CURRENCY_HOME: &[(&str, &str)] = &[
    ("THB", "TH"),
    ("VND", "VN"),
    ("IDR", "ID"),
    ("PHP", "PH"),
    ("MYR", "MY"),
    ("CNY", "CN"),
    ("KRW", "KR"),
    ("JPY", "JP"),
    ("KES", "KE"),
    ("ETB", "ET"),
    ("MMK", "MM"),
    ("KHR", "KH"),
    ("LAK", "LA"),
    ("BRL", "BR"),
    ("INR", "IN"),
    ("NGN", "NG"),
    ("UGX", "UG"),
    ("MXN", "MX"),
    ("COP", "CO"),
    ("XOF", "CI"),
    ("PKR", "PK"),
    ("BDT", "BD"),
    ("NPR", "NP"),
    ("TWD", "TW"),
    ("HKD", "HK"),
    ("ZAR", "ZA"),
];

/// The advert language's market, for claims in USD, EUR and other non-local currencies.
/// Spanish goes to Mexico (the larger Spanish-speaking labour market with a figure).
/// French has none: French adverts mostly come from France, Belgium, Switzerland or
/// Canada, and judging their euros against a West African floor would flag them all
/// (XOF claims are still judged against Côte d'Ivoire by currency).
static LANGUAGE_HOME: &[(&str, &str)] = &[
    ("vi", "VN"),
    ("th", "TH"),
    ("id", "ID"),
    ("ms", "MY"),
    ("tl", "PH"),
    ("fil", "PH"),
    ("zh", "CN"),
    ("ko", "KR"),
    ("ja", "JP"),
    ("km", "KH"),
    ("my", "MM"),
    ("lo", "LA"),
    ("sw", "KE"),
    ("am", "ET"),
    ("pt", "BR"),
    ("es", "MX"),
    ("hi", "IN"),
    ("ur", "PK"),
    ("bn", "BD"),
    ("ne", "NP"),
];

/// (language, currency) pairs where the currency is likely the advert's own: euros in a
/// Spanish or Portuguese advert are Spain or Portugal, not Mexico or Brazil.
static OWN_CURRENCY: &[(&str, &str)] = &[
    ("es", "EUR"),
    ("pt", "EUR"),
    ("zh", "HKD"),
    ("zh", "TWD"),
    ("zh", "SGD"),
    ("ms", "SGD"),
];

/// The applicant's market for a claim (research §3.2): the currency's country for a
/// local currency, else the advert language's market, else [`UNKNOWN_ORIGIN_MARKET`].
pub fn origin_market(currency: &str, lang: Option<&str>) -> &'static str {
    if let Some(&(_, country)) = CURRENCY_HOME.iter().find(|(c, _)| *c == currency) {
        return country;
    }
    if let Some(lang) = lang {
        let own = OWN_CURRENCY
            .iter()
            .any(|&(l, c)| l == lang && c == currency);
        if !own && let Some(&(_, country)) = LANGUAGE_HOME.iter().find(|(l, _)| *l == lang) {
            return country;
        }
    }
    UNKNOWN_ORIGIN_MARKET
}

/// A pay claim set against the origin market's entry-level wage.
#[derive(Debug, Clone, PartialEq)]
pub struct PayJudgement {
    /// The claim.
    pub claim: PayClaim,
    /// Its high end in US dollars a month.
    pub monthly_usd: f64,
    /// The market it was judged in (ISO country code).
    pub market: &'static str,
    /// The market's name as used in a sentence.
    pub market_name: &'static str,
    /// The market's entry-level wage in US dollars a month.
    pub benchmark_monthly_usd: f64,
    /// `monthly_usd / benchmark_monthly_usd`.
    pub multiple: f64,
    /// The benchmark row used.
    pub benchmark: WageBenchmark,
    /// Whether the market is where the job is ([`work_market`]) rather than the
    /// applicant's.
    pub at_workplace: bool,
}

/// Whether [`judge`]'s verdict on `claim` depends on the advert's language: a bare `$`
/// (pesos in Spanish adverts) or a currency without a home market (USD, EUR, …), and
/// only for a claim that can be judged at all (a period and a rate). The language guess
/// is costly, so callers make it only when this says so.
pub fn judgement_needs_language(claim: &PayClaim, tables: &PayTables) -> bool {
    let local = CURRENCY_HOME.iter().any(|(c, _)| *c == claim.currency);
    (claim.bare_dollar || claim.peso_word || !local) && claim.monthly_usd(tables).is_some()
}

/// Judges a claim against its origin market ([`origin_market`]); `None` when the claim has
/// no period, the tables lack a rate, or a Spanish advert writes a bare `$` (Mexican and
/// Colombian adverts price in pesos with `$`: dollars or pesos, it can't tell). A market
/// without a benchmark row falls back to [`UNKNOWN_ORIGIN_MARKET`].
pub fn judge(claim: &PayClaim, lang: Option<&str>, tables: &PayTables) -> Option<PayJudgement> {
    judge_at(claim, lang, None, tables)
}

/// [`judge`], with the market where the job is ([`work_market`]): when the applicant's
/// market is unknown, the claim is set against the wage there instead of the
/// unknown-origin reference.
pub fn judge_at(
    claim: &PayClaim,
    lang: Option<&str>,
    work: Option<&str>,
    tables: &PayTables,
) -> Option<PayJudgement> {
    if (claim.bare_dollar || claim.peso_word) && lang == Some("es") {
        return None;
    }
    let monthly_usd = claim.monthly_usd(tables)?;
    let origin = origin_market(claim.currency, lang);
    let at_work = work
        .filter(|_| origin == UNKNOWN_ORIGIN_MARKET)
        .and_then(|w| tables.benchmark(w));
    let benchmark = *at_work
        .or_else(|| tables.benchmark(origin))
        .or_else(|| tables.benchmark(UNKNOWN_ORIGIN_MARKET))?;
    let benchmark_monthly_usd = tables.benchmark_monthly_usd(&benchmark)?;
    if !monthly_usd.is_finite() || benchmark_monthly_usd.is_nan() || benchmark_monthly_usd <= 0.0 {
        return None;
    }
    Some(PayJudgement {
        claim: claim.clone(),
        monthly_usd,
        market: benchmark.country,
        market_name: benchmark.country_name,
        benchmark_monthly_usd,
        multiple: monthly_usd / benchmark_monthly_usd,
        benchmark,
        at_workplace: at_work.is_some(),
    })
}

/// Where the job is, when the texts (normalised) name a place of
/// `data/pay/workplaces.tsv` as a whole word: Cambodia, Myanmar, Laos or Thailand. When
/// they name several, the one with the highest entry-level wage, so that the judgement
/// errs towards "not out of proportion".
pub fn work_market<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    tables: &PayTables,
) -> Option<&'static str> {
    let (places, countries) = &*WORKPLACES;
    let mut best: Option<(&'static str, f64)> = None;
    for text in texts {
        for m in places.find_iter(text) {
            // Any letter or digit glued on makes it part of another word (stricter than
            // `boundary_before`'s Latin-only test, as a place name glued to Thai or
            // Khmer text is not a clear mention of the place).
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let country = countries[m.pattern().as_usize()];
            let wage = tables
                .benchmark(country)
                .and_then(|b| tables.benchmark_monthly_usd(b));
            if let Some(wage) = wage
                && best.is_none_or(|(_, w)| wage > w)
            {
                best = Some((country, wage));
            }
        }
    }
    best.map(|(country, _)| country)
}

impl PayJudgement {
    /// One sentence for people, quoting the claim as written, e.g. "1500만원 per month ≈
    /// 7.2× an entry-level wage in South Korea (KRW 2.1M/month, 2025)".
    pub fn describe(&self, original_text: &str) -> String {
        let c = &self.claim;
        let quote = match original_text.trim() {
            "" if c.low < c.high => format!("{} {}–{}", c.currency, amount(c.low), amount(c.high)),
            "" => format!("{} {}", c.currency, amount(c.high)),
            q => q.to_string(),
        };
        let mut s = quote;
        if let Some(p) = c.period {
            s.push_str(" per ");
            s.push_str(p.name());
            let how = match p {
                Period::Month => None,
                Period::Hour => Some("at 173 hours"),
                Period::Day => Some("at 26 working days"),
                Period::Week => Some("at 4.33 weeks"),
                Period::Year => Some("over 12 months"),
            };
            if let Some(how) = how {
                s.push_str(&format!(" (≈ US${}/month {how})", amount(self.monthly_usd)));
            }
        }
        let b = &self.benchmark;
        let year = b
            .as_of
            .get(..4)
            .filter(|y| y.bytes().all(|d| d.is_ascii_digit()))
            .unwrap_or(b.as_of);
        let local = if b.currency == "USD" {
            format!("US${}", amount(b.monthly_local))
        } else if b.currency == c.currency {
            format!("{} {}", b.currency, amount(b.monthly_local))
        } else {
            format!(
                "{} {} ≈ US${}",
                b.currency,
                amount(b.monthly_local),
                amount(self.benchmark_monthly_usd)
            )
        };
        let whose = if self.at_workplace {
            ", where the job is"
        } else {
            ""
        };
        s.push_str(&format!(
            " ≈ {:.1}× an entry-level wage in {}{whose} ({local}/month, {year})",
            self.multiple, self.market_name
        ));
        s
    }
}

/// "2.1M", "10,400", "3.5".
fn amount(x: f64) -> String {
    if x >= 1e6 {
        let m = format!("{:.1}", x / 1e6);
        format!("{}M", m.strip_suffix(".0").unwrap_or(&m))
    } else if x >= 100.0 {
        let digits = format!("{:.0}", x.round());
        let mut out = String::with_capacity(digits.len() + 4);
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(d);
        }
        out
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lure::pay::find::tests::claims;
    use crate::lure::pay::find_pay_claims;
    use crate::lure::pay::vocab::Cur::Iso;
    use crate::lure::pay::vocab::{Implied, MAGNITUDES, PREFIXES, SUFFIXES, WORD_AMOUNTS};

    #[test]
    fn embedded_tables_parse_and_cover_the_parser() {
        let t = PayTables::embedded();
        assert!(t.fx().len() >= 30);
        let mut codes: Vec<&str> = vec!["USD", "PHP", "MXN", "CNY", "JPY", "VND"];
        codes.extend(
            PREFIXES
                .iter()
                .filter_map(|p| if let Iso(c) = p.1 { Some(c) } else { None }),
        );
        codes.extend(
            SUFFIXES
                .iter()
                .filter_map(|p| if let Iso(c) = p.1 { Some(c) } else { None }),
        );
        codes.extend(MAGNITUDES.iter().filter_map(|m| {
            if let Implied::Iso(c) = m.2 {
                Some(c)
            } else {
                None
            }
        }));
        codes.extend(WORD_AMOUNTS.iter().filter_map(|w| {
            if let Implied::Iso(c) = w.3 {
                Some(c)
            } else {
                None
            }
        }));
        codes.extend(["TWD", "HKD"]);
        for c in codes {
            assert!(t.usd_per_unit(c).is_some(), "no exchange rate for {c}");
        }
        for (cur, country) in CURRENCY_HOME {
            assert!(t.usd_per_unit(cur).is_some(), "{cur}");
            assert!(t.benchmark(country).is_some(), "no benchmark for {country}");
        }
        for (_, country) in LANGUAGE_HOME {
            assert!(t.benchmark(country).is_some(), "no benchmark for {country}");
        }
        let us = t.benchmark("US").expect("unknown-origin row");
        assert!((us.monthly_local - 7.25 * 40.0 * 52.0 / 12.0).abs() < 0.01);
        let kr = t.benchmark("KR").expect("korea");
        assert_eq!(kr.monthly_local, 10_030.0 * 209.0);
    }

    fn judged(text: &str, lang: Option<&str>) -> PayJudgement {
        let found = claims(text);
        assert_eq!(found.len(), 1, "{text:?}: {found:?}");
        judge(&found[0], lang, PayTables::embedded()).expect("judged")
    }

    #[track_caller]
    fn assert_near(x: f64, want: f64, tol: f64) {
        assert!((x - want).abs() <= tol, "{x} is not {want} ± {tol}");
    }

    #[test]
    fn judgements_against_the_origin_market() {
        // 15,000,000 / 2,096,270 = 7.16 (same currency, so no exchange rate involved).
        let j = judged("월 1500만원", Some("ko"));
        assert_eq!(j.market, "KR");
        assert_near(j.multiple, 7.16, 0.01);
        // 500 × 4.333 / 1,256.67 = 1.72 for English with no origin market.
        let j = judged("$500 a week", Some("en"));
        assert_eq!(j.market, "US");
        assert_near(j.multiple, 1.72, 0.01);
        assert_near(judged("$500 a week", None).multiple, 1.72, 0.01);
        // Research §3.2's worked multiples.
        assert_near(judged("rm15,000/month", None).multiple, 8.82, 0.01);
        assert_near(judged("rm8,000 per month", Some("en")).multiple, 4.71, 0.01);
        assert_near(judged("月薪3万", Some("zh")).multiple, 11.15, 0.01);
        assert_near(
            judged("ksh150,000 per month", Some("en")).multiple,
            9.31,
            0.01,
        );
        assert_near(
            judged("thb 75,000 per month", Some("en")).multiple,
            7.21,
            0.01,
        );
        assert_near(judged("p50,000 monthly", Some("tl")).multiple, 3.28, 0.01);
        assert_near(
            judged("rp12 juta per bulan", Some("id")).multiple,
            2.22,
            0.01,
        );
        // USD in a Vietnamese advert is judged in Vietnam: $1,000 / (7.7M × 0.0000383).
        let j = judged("1.000 usd/tháng", Some("vi"));
        assert_eq!(j.market, "VN");
        assert_near(j.multiple, 1000.0 / (7.7e6 * 0.0000383), 0.01);
        assert_eq!(judged("$800 kila mwezi", Some("sw")).market, "KE");
        assert_eq!(judged("$1,800 monthly", Some("ur")).market, "PK");
        // Euros in Spanish are Spain's own: the unknown-origin reference, not Mexico.
        assert_eq!(judged("2.000 € al mes", Some("es")).market, "US");
        assert_eq!(judged("$2,000 dólares al mes", Some("es")).market, "MX");
        // A bare "$" in Spanish may be pesos: not judged.
        let c = &claims("$15,000 al mes")[0];
        assert!(c.bare_dollar);
        assert!(judge(c, Some("es"), PayTables::embedded()).is_none());
        assert!(judge(c, Some("en"), PayTables::embedded()).is_some());
        assert!(!claims("$800-1,000 usd al mes")[0].bare_dollar);
        // Nor "pesos" without a "$" (written example): Philippine pesos elsewhere.
        let c = &claims("sueldo 350000 pesos al mes")[0];
        assert!(c.peso_word && judgement_needs_language(c, PayTables::embedded()));
        assert!(judge(c, Some("es"), PayTables::embedded()).is_none());
        assert_eq!(judged("15,000 pesos a month", Some("en")).market, "PH");
        assert_eq!(judged("2 500 € par mois", Some("fr")).market, "US");
        // Day rates count 26 working days.
        let j = judged("วันละ 400 บาท", Some("th"));
        assert_near(j.multiple, 1.0, 1e-9);
    }

    #[test]
    fn new_markets_judge_in_their_own_currency() {
        // Written examples.
        let j = judged("點讚日薪1000元，輕鬆", Some("zh"));
        assert_eq!(j.market, "TW");
        assert_near(j.multiple, 1000.0 * 26.0 / 28_590.0, 0.01);
        let j = judged("salary r5 000 - r8 000 p/m", Some("en"));
        assert_eq!(j.market, "ZA");
        assert_near(j.multiple, 8000.0 / 4990.0, 0.01);
        let j = judged("佢哋月薪15000元", Some("zh"));
        assert_eq!(j.market, "HK");
        // 연봉 is a year's pay: about 1.4x the Korean minimum, not 17x.
        let j = judged("3500만원 이상의 연봉", Some("ko"));
        assert_eq!(j.market, "KR");
        assert_near(j.multiple, 35e6 / 12.0 / 2_096_270.0, 0.01);
    }

    #[test]
    fn no_period_no_judgement() {
        let c = &claims("1500만원")[0];
        assert!(c.monthly_usd(PayTables::embedded()).is_none());
        assert!(judge(c, Some("ko"), PayTables::embedded()).is_none());
    }

    #[test]
    fn pay_in_dollars_is_judged_where_the_job_is_when_the_applicant_is_unknown() {
        let tables = PayTables::embedded();
        let text = "digital marketing job in cambodia, monthly salary of $1800 and money to \
                    cover your plane ticket";
        let work = work_market([text], tables);
        assert_eq!(work, Some("KH"));
        let mut claims = Vec::new();
        find_pay_claims(text, &mut claims);
        let at_home = judge(&claims[0], Some("en"), tables).expect("judged");
        assert_eq!(at_home.market, "US");
        assert!(at_home.multiple < 2.0);
        let there = judge_at(&claims[0], Some("en"), work, tables).expect("judged");
        assert_eq!(there.market, "KH");
        assert!(there.at_workplace);
        assert!(there.multiple > 8.0, "{}", there.multiple);
        assert!(
            there
                .describe("$1800")
                .contains("Cambodia, where the job is")
        );
        // A known applicant market wins: a Vietnamese advert is judged in Vietnam.
        let vi = judge_at(&claims[0], Some("vi"), work, tables).expect("judged");
        assert_eq!((vi.market, vi.at_workplace), ("VN", false));
        // Places are whole words; several places: the highest wage among them.
        assert_eq!(work_market(["laosophy", "burmata"], tables), None);
        assert_eq!(
            work_market(["from bangkok to myawaddy"], tables),
            Some("TH")
        );
        assert_eq!(work_market(["a job in london"], tables), None);
    }

    #[test]
    fn describe_reads_as_a_sentence() {
        let j = judged("월 1500만원", Some("ko"));
        assert_eq!(
            j.describe("1500만원"),
            "1500만원 per month ≈ 7.2× an entry-level wage in South Korea (KRW 2.1M/month, 2025)"
        );
        let j = judged("$500 a week", Some("en"));
        assert_eq!(
            j.describe("$500"),
            "$500 per week (≈ US$2,167/month at 4.33 weeks) ≈ 1.7× an entry-level wage in \
             the United States (unknown-origin reference) (US$1,257/month, 2009)"
        );
        let j = judged("1.000 usd/tháng", Some("vi"));
        assert!(
            j.describe("1.000 USD")
                .contains("Vietnam (VND 7.7M ≈ US$295/month, 2024)"),
            "{}",
            j.describe("")
        );
        assert!(j.describe("").starts_with("USD 1,000 per month"));
    }
}
