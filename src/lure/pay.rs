//! Pay realism: finds pay claims in normalised advert text ("$2,500/month", "15 triệu
//! đồng/tháng", "月薪3万", "1500만원") and judges each one against an entry-level wage in
//! the applicant's market, as a multiple (research §3).
//!
//! It does not decide which multiple is a lure (`families::pay` does), does not read
//! EMSCAD's currency-less `salary_range` (the caller skips that field), and needs a
//! currency: "salary 3000/month" alone is "can't tell", not a claim. The currency may be
//! implied by a magnitude word ("triệu", "万", "만") or, for a bare number, by a Han pay
//! label ("日薪1500"); 元 and 萬 are Taiwan dollars in Traditional Chinese text (Hong Kong
//! dollars where Cantonese is written) and yen in Japanese text. Its exchange rates
//! (`data/pay/fx.tsv`) are dated reference rates for comparing pay, not for moving money.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::error::{Error, Result};
use crate::normalise::char_at;

/// Working hours in a month: 40 h × 52 weeks / 12.
pub const HOURS_PER_MONTH: f64 = 173.33;
/// Working days in a month: research §3.2 turns day-rate minimum wages into months at 26.
pub const DAYS_PER_MONTH: f64 = 26.0;
/// Weeks in a month: 52 / 12.
pub const WEEKS_PER_MONTH: f64 = 4.333;
/// The market used when the applicant's market is unknown: US federal minimum wage,
/// full time ($7.25 × 40 h × 52 / 12 ≈ $1,257/month), so ordinary hourly US adverts sit
/// near 1-2×. It is a floor, not a typical wage: a salaried US advert of about $60,000 a
/// year already reaches 4×.
pub const UNKNOWN_ORIGIN_MARKET: &str = "US";

// ------------------------------------------------------------------------------------
// Claims

/// The period a pay figure is quoted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Per hour.
    Hour,
    /// Per day.
    Day,
    /// Per week.
    Week,
    /// Per month.
    Month,
    /// Per year.
    Year,
}

impl Period {
    /// How many of this period make a month ([`HOURS_PER_MONTH`], [`DAYS_PER_MONTH`],
    /// [`WEEKS_PER_MONTH`], 1, 1/12).
    pub fn per_month(self) -> f64 {
        match self {
            Period::Hour => HOURS_PER_MONTH,
            Period::Day => DAYS_PER_MONTH,
            Period::Week => WEEKS_PER_MONTH,
            Period::Month => 1.0,
            Period::Year => 1.0 / 12.0,
        }
    }

    /// The period's English name ("hour", "day", ...).
    pub fn name(self) -> &'static str {
        match self {
            Period::Hour => "hour",
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }
}

/// One pay figure stated in an advert, with a currency.
#[derive(Debug, Clone, PartialEq)]
pub struct PayClaim {
    /// Byte offset of the claim (amount, currency, "up to") in the normalised text.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// The amount, or the low end of a range, in `currency`.
    pub low: f64,
    /// The high end of a range (equal to `low` for a single amount).
    pub high: f64,
    /// ISO 4217 code.
    pub currency: &'static str,
    /// The period, when the advert states one.
    pub period: Option<Period>,
    /// "up to", "lên đến", "最高": the amount is a ceiling.
    pub up_to: bool,
    /// The currency is a bare `$`, read as US dollars; Spanish-language adverts also use
    /// it for pesos, so [`judge`] will not guess there.
    pub bare_dollar: bool,
    /// The currency is the word "peso(s)" without a `$`, read as Philippine pesos; in a
    /// Spanish-language advert it is that country's own peso (Mexican, Colombian, …), so
    /// [`judge`] will not guess there either.
    pub peso_word: bool,
}

impl PayClaim {
    /// The high end as US dollars a month; `None` without a period or an exchange rate.
    pub fn monthly_usd(&self, fx: &PayTables) -> Option<f64> {
        let per_month = self.period?.per_month();
        Some(self.high * per_month * fx.usd_per_unit(self.currency)?)
    }
}

// ------------------------------------------------------------------------------------
// Tables

static FX_TSV: &str = include_str!("../../data/pay/fx.tsv");
static WAGES_TSV: &str = include_str!("../../data/pay/wages.tsv");
static WORKPLACES_TSV: &str = include_str!("../../data/pay/workplaces.tsv");

/// The place names of `data/pay/workplaces.tsv` in one automaton, and each one's country.
static WORKPLACES: LazyLock<(AhoCorasick, Vec<&'static str>)> = LazyLock::new(|| {
    let rows: Vec<(&str, &str)> = tsv_rows(WORKPLACES_TSV)
        .filter_map(|(_, cols)| match cols[..] {
            [place, country] => Some((place, country)),
            _ => None,
        })
        .collect();
    let places = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(rows.iter().map(|r| r.0))
        // Tested (`workplaces_table_is_whole`): a few dozen plain names always build.
        .unwrap_or_else(|e| panic!("data/pay/workplaces.tsv: {e}"));
    (places, rows.iter().map(|r| r.1).collect())
});

static EMBEDDED: LazyLock<PayTables> = LazyLock::new(|| {
    PayTables::parse(FX_TSV, WAGES_TSV).expect("embedded pay tables are valid (tested)")
});

/// One exchange rate (a row of `data/pay/fx.tsv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FxRate {
    /// ISO 4217 code.
    pub currency: &'static str,
    /// US dollars for one unit.
    pub usd_per_unit: f64,
    /// When the rate was taken.
    pub as_of: &'static str,
    /// A note on the rate.
    pub note: &'static str,
}

/// One market's entry-level wage (a row of `data/pay/wages.tsv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WageBenchmark {
    /// ISO 3166 alpha-2 code.
    pub country: &'static str,
    /// The name as used in a sentence ("South Korea", "the Philippines").
    pub country_name: &'static str,
    /// ISO 4217 code of `monthly_local`.
    pub currency: &'static str,
    /// The monthly figure in `currency`.
    pub monthly_local: f64,
    /// When the figure applies.
    pub as_of: &'static str,
    /// How the monthly figure was made.
    pub basis: &'static str,
    /// Where it comes from ([S] sourced in the research, [T] to verify).
    pub source: &'static str,
}

/// Exchange rates to US dollars and wage benchmarks, parsed once.
#[derive(Debug, Clone)]
pub struct PayTables {
    fx: Vec<FxRate>,
    wages: Vec<WageBenchmark>,
}

impl PayTables {
    /// The tables embedded from `data/pay/` at build time.
    pub fn embedded() -> &'static PayTables {
        &EMBEDDED
    }

    /// Parses an FX table and a wage table (formats in the files' header comments).
    /// The texts are `'static` because judgements quote names from them; tables read
    /// at run time can be leaked once per process.
    pub fn parse(fx_tsv: &'static str, wages_tsv: &'static str) -> Result<PayTables> {
        const FX: &str = "data/pay/fx.tsv";
        const WAGES: &str = "data/pay/wages.tsv";
        let mut fx: Vec<FxRate> = Vec::new();
        for (line, cols) in tsv_rows(fx_tsv) {
            let bad = |reason: String| table_error(FX, line, reason);
            let [currency, rate, as_of, note] = cols[..] else {
                return Err(bad(
                    "expected currency<TAB>usd_per_unit<TAB>as_of<TAB>note".into()
                ));
            };
            if !is_code(currency, 3) {
                return Err(bad(format!("{currency:?} is not an ISO 4217 code")));
            }
            if fx.iter().any(|r| r.currency == currency) {
                return Err(bad(format!("{currency} appears twice")));
            }
            let usd_per_unit = positive(rate)
                .ok_or_else(|| bad(format!("rate {rate:?} is not a positive number")))?;
            fx.push(FxRate {
                currency,
                usd_per_unit,
                as_of,
                note,
            });
        }
        let mut wages: Vec<WageBenchmark> = Vec::new();
        for (line, cols) in tsv_rows(wages_tsv) {
            let bad = |reason: String| table_error(WAGES, line, reason);
            let [
                country,
                country_name,
                currency,
                monthly,
                as_of,
                basis,
                source,
            ] = cols[..]
            else {
                return Err(bad(
                    "expected country<TAB>country_name<TAB>currency<TAB>monthly_local<TAB>as_of<TAB>basis<TAB>source"
                        .into(),
                ));
            };
            if !is_code(country, 2) {
                return Err(bad(format!("{country:?} is not an ISO 3166 alpha-2 code")));
            }
            if wages.iter().any(|w| w.country == country) {
                return Err(bad(format!("{country} appears twice")));
            }
            if !fx.iter().any(|r| r.currency == currency) {
                return Err(bad(format!(
                    "currency {currency:?} has no exchange rate in {FX}"
                )));
            }
            let monthly_local = positive(monthly).ok_or_else(|| {
                bad(format!(
                    "monthly_local {monthly:?} is not a positive number"
                ))
            })?;
            wages.push(WageBenchmark {
                country,
                country_name,
                currency,
                monthly_local,
                as_of,
                basis,
                source,
            });
        }
        if !wages.iter().any(|w| w.country == UNKNOWN_ORIGIN_MARKET) {
            return Err(table_error(
                WAGES,
                0,
                format!("no row for the unknown-origin market {UNKNOWN_ORIGIN_MARKET}"),
            ));
        }
        Ok(PayTables { fx, wages })
    }

    /// US dollars for one unit of `currency`.
    pub fn usd_per_unit(&self, currency: &str) -> Option<f64> {
        self.fx
            .iter()
            .find(|r| r.currency == currency)
            .map(|r| r.usd_per_unit)
    }

    /// The benchmark for a market (ISO country code).
    pub fn benchmark(&self, country: &str) -> Option<&WageBenchmark> {
        self.wages.iter().find(|w| w.country == country)
    }

    /// A benchmark's monthly wage in US dollars (`None` without a rate for its currency).
    pub fn benchmark_monthly_usd(&self, benchmark: &WageBenchmark) -> Option<f64> {
        Some(benchmark.monthly_local * self.usd_per_unit(benchmark.currency)?)
    }

    /// Every exchange rate.
    pub fn fx(&self) -> &[FxRate] {
        &self.fx
    }

    /// Every wage benchmark.
    pub fn wages(&self) -> &[WageBenchmark] {
        &self.wages
    }
}

/// Non-comment lines of a TSV, with 1-based line numbers.
fn tsv_rows(text: &'static str) -> impl Iterator<Item = (usize, Vec<&'static str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.split('\t').map(str::trim).collect()))
}

fn table_error(file: &str, line: usize, reason: String) -> Error {
    Error::Lexicon {
        file: file.to_string(),
        line,
        reason,
    }
}

fn is_code(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn positive(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|x| x.is_finite() && *x > 0.0)
}

// ------------------------------------------------------------------------------------
// Judgement

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

// ------------------------------------------------------------------------------------
// Parser tokens (all lowercase: the text is normalised)

/// A currency as written, before the words and script around it settle ambiguous ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cur {
    Iso(&'static str),
    /// A bare `$`: US dollars unless a word after the amount names the currency.
    Dollar,
    /// `¥`: yuan or yen, by the words and script around it.
    Yen,
    /// "peso(s)": Philippine pesos, or Mexican pesos after a bare `$`.
    Peso,
    /// 元/块/塊: yuan, or New Taiwan dollars in Traditional Chinese text (Hong Kong
    /// dollars in Cantonese text), where 元 names the local dollar.
    Yuan,
}

/// How a currency prefix may sit before the digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attach {
    /// Attached or after one space ("$800", "usd 800").
    Spaced,
    /// Attached only, and only for amounts of 100 or more ("p30,000", "k6,800"): single
    /// letters are too common in other text.
    Tight,
    /// As `Tight`, and the digits must be grouped in thousands ("R6 000", "R12,500"):
    /// "R1443178" is a Singapore agency licence number, not rand.
    Grouped,
}

use Cur::{Dollar, Iso, Peso, Yen, Yuan};

/// Currency marks written before the amount.
static PREFIXES: &[(&str, Cur, Attach)] = &[
    ("$", Dollar, Attach::Spaced),
    ("us$", Iso("USD"), Attach::Spaced),
    ("usd", Iso("USD"), Attach::Spaced),
    ("usdt", Iso("USD"), Attach::Spaced),
    ("r$", Iso("BRL"), Attach::Spaced),
    ("s$", Iso("SGD"), Attach::Spaced),
    ("a$", Iso("AUD"), Attach::Spaced),
    ("c$", Iso("CAD"), Attach::Spaced),
    ("hk$", Iso("HKD"), Attach::Spaced),
    ("nt$", Iso("TWD"), Attach::Spaced),
    ("€", Iso("EUR"), Attach::Spaced),
    ("eur", Iso("EUR"), Attach::Spaced),
    ("£", Iso("GBP"), Attach::Spaced),
    ("gbp", Iso("GBP"), Attach::Spaced),
    ("₱", Iso("PHP"), Attach::Spaced),
    ("php", Iso("PHP"), Attach::Spaced),
    ("p", Iso("PHP"), Attach::Tight),
    ("฿", Iso("THB"), Attach::Spaced),
    ("thb", Iso("THB"), Attach::Spaced),
    ("₫", Iso("VND"), Attach::Spaced),
    ("vnd", Iso("VND"), Attach::Spaced),
    ("vnđ", Iso("VND"), Attach::Spaced),
    ("₩", Iso("KRW"), Attach::Spaced),
    ("krw", Iso("KRW"), Attach::Spaced),
    ("¥", Yen, Attach::Spaced),
    ("rmb", Iso("CNY"), Attach::Spaced),
    ("cny", Iso("CNY"), Attach::Spaced),
    ("jpy", Iso("JPY"), Attach::Spaced),
    ("rp", Iso("IDR"), Attach::Spaced),
    ("rp.", Iso("IDR"), Attach::Spaced),
    ("idr", Iso("IDR"), Attach::Spaced),
    ("rm", Iso("MYR"), Attach::Spaced),
    ("myr", Iso("MYR"), Attach::Spaced),
    ("ksh", Iso("KES"), Attach::Spaced),
    ("kshs", Iso("KES"), Attach::Spaced),
    ("ksh.", Iso("KES"), Attach::Spaced),
    ("kes", Iso("KES"), Attach::Spaced),
    ("sh", Iso("KES"), Attach::Spaced),
    ("ugx", Iso("UGX"), Attach::Spaced),
    ("ush", Iso("UGX"), Attach::Spaced),
    ("tsh", Iso("TZS"), Attach::Spaced),
    ("tzs", Iso("TZS"), Attach::Spaced),
    ("br", Iso("ETB"), Attach::Spaced),
    ("etb", Iso("ETB"), Attach::Spaced),
    ("birr", Iso("ETB"), Attach::Spaced),
    ("mmk", Iso("MMK"), Attach::Spaced),
    ("k", Iso("MMK"), Attach::Tight),
    ("₹", Iso("INR"), Attach::Spaced),
    ("rs", Iso("INR"), Attach::Spaced),
    ("rs.", Iso("INR"), Attach::Spaced),
    ("inr", Iso("INR"), Attach::Spaced),
    ("brl", Iso("BRL"), Attach::Spaced),
    ("៛", Iso("KHR"), Attach::Spaced),
    ("khr", Iso("KHR"), Attach::Spaced),
    ("₭", Iso("LAK"), Attach::Spaced),
    ("lak", Iso("LAK"), Attach::Spaced),
    ("aed", Iso("AED"), Attach::Spaced),
    ("dhs", Iso("AED"), Attach::Spaced),
    ("sar", Iso("SAR"), Attach::Spaced),
    ("qar", Iso("QAR"), Attach::Spaced),
    ("ngn", Iso("NGN"), Attach::Spaced),
    ("₦", Iso("NGN"), Attach::Spaced),
    ("mxn", Iso("MXN"), Attach::Spaced),
    ("cop", Iso("COP"), Attach::Spaced),
    ("sgd", Iso("SGD"), Attach::Spaced),
    ("aud", Iso("AUD"), Attach::Spaced),
    ("cad", Iso("CAD"), Attach::Spaced),
    ("hkd", Iso("HKD"), Attach::Spaced),
    ("twd", Iso("TWD"), Attach::Spaced),
    ("chf", Iso("CHF"), Attach::Spaced),
    ("pkr", Iso("PKR"), Attach::Spaced),
    ("bdt", Iso("BDT"), Attach::Spaced),
    ("৳", Iso("BDT"), Attach::Spaced),
    ("npr", Iso("NPR"), Attach::Spaced),
    ("lkr", Iso("LKR"), Attach::Spaced),
    ("xof", Iso("XOF"), Attach::Spaced),
    ("fcfa", Iso("XOF"), Attach::Spaced),
    ("ghs", Iso("GHS"), Attach::Spaced),
    ("zar", Iso("ZAR"), Attach::Spaced),
    // South African rand, "R6 000".
    ("r", Iso("ZAR"), Attach::Grouped),
    ("egp", Iso("EGP"), Attach::Spaced),
];

/// Currency marks written after the amount (and after any magnitude word).
static SUFFIXES: &[(&str, Cur)] = &[
    ("$", Dollar),
    ("usd", Iso("USD")),
    ("usdt", Iso("USD")),
    ("dollars", Iso("USD")),
    ("dollar", Iso("USD")),
    ("dólares", Iso("USD")),
    ("dolares", Iso("USD")),
    ("dolar", Iso("USD")),
    ("dolyar", Iso("USD")),
    ("đô la", Iso("USD")),
    ("đô", Iso("USD")),
    ("美金", Iso("USD")),
    ("美元", Iso("USD")),
    ("美刀", Iso("USD")),
    ("달러", Iso("USD")),
    ("ドル", Iso("USD")),
    ("ดอลลาร์", Iso("USD")),
    ("€", Iso("EUR")),
    ("eur", Iso("EUR")),
    ("euro", Iso("EUR")),
    ("euros", Iso("EUR")),
    ("£", Iso("GBP")),
    ("gbp", Iso("GBP")),
    ("₱", Iso("PHP")),
    ("php", Iso("PHP")),
    ("peso", Peso),
    ("pesos", Peso),
    ("piso", Iso("PHP")),
    ("฿", Iso("THB")),
    ("thb", Iso("THB")),
    ("baht", Iso("THB")),
    ("บาท", Iso("THB")),
    ("泰铢", Iso("THB")),
    ("₫", Iso("VND")),
    ("vnd", Iso("VND")),
    ("vnđ", Iso("VND")),
    ("đ", Iso("VND")),
    ("đồng", Iso("VND")),
    ("dong", Iso("VND")),
    ("越南盾", Iso("VND")),
    ("₩", Iso("KRW")),
    ("krw", Iso("KRW")),
    ("won", Iso("KRW")),
    ("원", Iso("KRW")),
    ("韩元", Iso("KRW")),
    ("韓元", Iso("KRW")),
    ("韓幣", Iso("KRW")),
    ("韩币", Iso("KRW")),
    ("¥", Yen),
    ("元", Yuan),
    ("块", Yuan),
    ("塊", Yuan),
    ("块钱", Yuan),
    ("塊錢", Yuan),
    ("港元", Iso("HKD")),
    ("港幣", Iso("HKD")),
    ("港币", Iso("HKD")),
    ("台幣", Iso("TWD")),
    ("台币", Iso("TWD")),
    ("新台幣", Iso("TWD")),
    ("新台币", Iso("TWD")),
    ("人民币", Iso("CNY")),
    ("rmb", Iso("CNY")),
    ("cny", Iso("CNY")),
    ("yuan", Iso("CNY")),
    ("円", Iso("JPY")),
    ("日元", Iso("JPY")),
    ("日圓", Iso("JPY")),
    ("日幣", Iso("JPY")),
    ("日币", Iso("JPY")),
    ("jpy", Iso("JPY")),
    ("yen", Iso("JPY")),
    ("idr", Iso("IDR")),
    ("rupiah", Iso("IDR")),
    ("印尼盾", Iso("IDR")),
    ("myr", Iso("MYR")),
    ("ringgit", Iso("MYR")),
    ("令吉", Iso("MYR")),
    ("kes", Iso("KES")),
    ("ksh", Iso("KES")),
    ("shillings", Iso("KES")),
    ("ugx", Iso("UGX")),
    ("tzs", Iso("TZS")),
    ("birr", Iso("ETB")),
    ("br", Iso("ETB")),
    ("etb", Iso("ETB")),
    ("ብር", Iso("ETB")),
    ("mmk", Iso("MMK")),
    ("kyat", Iso("MMK")),
    ("kyats", Iso("MMK")),
    ("ကျပ်", Iso("MMK")),
    ("₹", Iso("INR")),
    ("inr", Iso("INR")),
    ("rs", Iso("INR")),
    ("rupees", Iso("INR")),
    ("rupee", Iso("INR")),
    ("brl", Iso("BRL")),
    ("real", Iso("BRL")),
    ("reais", Iso("BRL")),
    ("៛", Iso("KHR")),
    ("riel", Iso("KHR")),
    ("riels", Iso("KHR")),
    ("khr", Iso("KHR")),
    ("រៀល", Iso("KHR")),
    ("₭", Iso("LAK")),
    ("kip", Iso("LAK")),
    ("lak", Iso("LAK")),
    ("ກີບ", Iso("LAK")),
    ("aed", Iso("AED")),
    ("dirham", Iso("AED")),
    ("dirhams", Iso("AED")),
    ("sar", Iso("SAR")),
    ("riyal", Iso("SAR")),
    ("riyals", Iso("SAR")),
    ("qar", Iso("QAR")),
    ("ngn", Iso("NGN")),
    ("₦", Iso("NGN")),
    ("naira", Iso("NGN")),
    ("mxn", Iso("MXN")),
    ("cop", Iso("COP")),
    ("sgd", Iso("SGD")),
    ("aud", Iso("AUD")),
    ("cad", Iso("CAD")),
    ("hkd", Iso("HKD")),
    ("twd", Iso("TWD")),
    ("chf", Iso("CHF")),
    ("pkr", Iso("PKR")),
    ("bdt", Iso("BDT")),
    ("taka", Iso("BDT")),
    ("npr", Iso("NPR")),
    ("lkr", Iso("LKR")),
    ("xof", Iso("XOF")),
    ("fcfa", Iso("XOF")),
    ("ghs", Iso("GHS")),
    ("cedis", Iso("GHS")),
    ("zar", Iso("ZAR")),
    ("rand", Iso("ZAR")),
    ("egp", Iso("EGP")),
];

/// The currency a magnitude word implies when no currency is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Implied {
    Nothing,
    Iso(&'static str),
    /// "k" means thousand đồng in Vietnamese text ("500k/ngày") and thousand yuan in
    /// Chinese text ("月薪8k-12k"); elsewhere it names no currency.
    ByScript,
    /// 万/千: yuan, or yen in Japanese text.
    Cjk,
}

/// How a magnitude may follow the digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MagKind {
    /// A letter attached to the digits ("1.5k", "$2m").
    Tight,
    /// A word, attached or after one space ("15 triệu", "12jt").
    Word,
    /// CJK and Hangul units, which chain ("5천만" = 5 × 1000 × 10000).
    Cjk,
}

/// (token, factor, implied currency, kind, implied period).
type Magnitude = (&'static str, f64, Implied, MagKind, Option<Period>);

/// Magnitude words. "mil" is the Spanish/Portuguese thousand, not English slang for a million.
static MAGNITUDES: &[Magnitude] = &[
    ("k", 1e3, Implied::ByScript, MagKind::Tight, None),
    ("m", 1e6, Implied::Nothing, MagKind::Tight, None),
    ("thousand", 1e3, Implied::Nothing, MagKind::Word, None),
    ("million", 1e6, Implied::Nothing, MagKind::Word, None),
    ("millions", 1e6, Implied::Nothing, MagKind::Word, None),
    ("mil", 1e3, Implied::Nothing, MagKind::Word, None),
    ("triệu", 1e6, Implied::Iso("VND"), MagKind::Word, None),
    ("tr", 1e6, Implied::Iso("VND"), MagKind::Word, None),
    ("tỷ", 1e9, Implied::Iso("VND"), MagKind::Word, None),
    ("tỉ", 1e9, Implied::Iso("VND"), MagKind::Word, None),
    ("nghìn", 1e3, Implied::Iso("VND"), MagKind::Word, None),
    ("ngàn", 1e3, Implied::Iso("VND"), MagKind::Word, None),
    ("juta", 1e6, Implied::Iso("IDR"), MagKind::Word, None),
    ("jt", 1e6, Implied::Iso("IDR"), MagKind::Word, None),
    ("ribu", 1e3, Implied::Iso("IDR"), MagKind::Word, None),
    ("rb", 1e3, Implied::Iso("IDR"), MagKind::Word, None),
    ("lakh", 1e5, Implied::Iso("INR"), MagKind::Word, None),
    ("lakhs", 1e5, Implied::Iso("INR"), MagKind::Word, None),
    ("lac", 1e5, Implied::Iso("INR"), MagKind::Word, None),
    ("lacs", 1e5, Implied::Iso("INR"), MagKind::Word, None),
    ("crore", 1e7, Implied::Iso("INR"), MagKind::Word, None),
    ("crores", 1e7, Implied::Iso("INR"), MagKind::Word, None),
    (
        "lpa",
        1e5,
        Implied::Iso("INR"),
        MagKind::Word,
        Some(Period::Year),
    ),
    ("พัน", 1e3, Implied::Iso("THB"), MagKind::Word, None),
    ("หมื่น", 1e4, Implied::Iso("THB"), MagKind::Word, None),
    ("แสน", 1e5, Implied::Iso("THB"), MagKind::Word, None),
    ("ล้าน", 1e6, Implied::Iso("THB"), MagKind::Word, None),
    ("သိန်း", 1e5, Implied::Iso("MMK"), MagKind::Word, None),
    ("百", 1e2, Implied::Cjk, MagKind::Cjk, None),
    ("千", 1e3, Implied::Cjk, MagKind::Cjk, None),
    ("万", 1e4, Implied::Cjk, MagKind::Cjk, None),
    ("萬", 1e4, Implied::Cjk, MagKind::Cjk, None),
    ("亿", 1e8, Implied::Cjk, MagKind::Cjk, None),
    ("億", 1e8, Implied::Cjk, MagKind::Cjk, None),
    ("백", 1e2, Implied::Iso("KRW"), MagKind::Cjk, None),
    ("천", 1e3, Implied::Iso("KRW"), MagKind::Cjk, None),
    ("만", 1e4, Implied::Iso("KRW"), MagKind::Cjk, None),
    ("억", 1e8, Implied::Iso("KRW"), MagKind::Cjk, None),
];

/// Amounts written without digits: (words, low, high, currency). Han ones are passed
/// over after a numeral ("五千元", "数千元": not amounts this parser reads).
static WORD_AMOUNTS: &[(&str, f64, f64, Implied)] = &[
    // "belasan juta" = eleven to nineteen million rupiah (research §3.1, Suara 2025).
    ("belasan juta", 11e6, 19e6, Implied::Iso("IDR")),
    // "月入过万" = a monthly income over ten thousand yuan (research §3.1, 51haodu).
    ("过万", 1e4, 1e4, Implied::Cjk),
    ("過萬", 1e4, 1e4, Implied::Cjk),
    ("破万", 1e4, 1e4, Implied::Cjk),
    ("破萬", 1e4, 1e4, Implied::Cjk),
    ("上万", 1e4, 1e4, Implied::Cjk),
    ("上萬", 1e4, 1e4, Implied::Cjk),
    // "日赚千元" = a thousand yuan a day, "日賺百元" a hundred.
    ("千元", 1e3, 1e3, Implied::Cjk),
    ("百元", 1e2, 1e2, Implied::Cjk),
];

/// Where a period marker may sit relative to the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// After the amount ("$800 a day").
    After,
    /// Before it, as a label ("月薪3万", "daily wage $50").
    Before,
    Both,
}

use Period::{Day, Hour, Month, Week, Year};
use Side::{After, Before, Both};

/// Period markers. Day, hour and week words are only read AFTER an amount unless they are
/// salary labels: "work 8 hours a day, salary $800" must not make $800 a day rate.
static PERIOD_MARKERS: &[(&str, Period, Side)] = &[
    // English
    ("/month", Month, After),
    ("/mo", Month, After),
    ("/mth", Month, After),
    ("per month", Month, Both),
    ("per mth", Month, After),
    ("a month", Month, Both),
    ("each month", Month, Both),
    ("every month", Month, Both),
    ("monthly", Month, Both),
    ("p.m.", Month, After),
    ("p/m", Month, After),
    ("pm", Month, After),
    ("1 month", Month, After),
    ("/day", Day, After),
    ("per day", Day, After),
    ("a day", Day, After),
    ("each day", Day, After),
    ("every day", Day, After),
    ("daily", Day, After),
    ("daily wage", Day, Before),
    ("daily pay", Day, Before),
    ("daily salary", Day, Before),
    ("daily rate", Day, Before),
    ("day rate", Day, Before),
    ("/week", Week, After),
    ("/wk", Week, After),
    ("per week", Week, After),
    ("per wk", Week, After),
    ("a week", Week, After),
    ("each week", Week, After),
    ("every week", Week, After),
    ("weekly", Week, Both),
    ("/hour", Hour, After),
    ("/hr", Hour, After),
    ("/h", Hour, After),
    ("per hour", Hour, After),
    ("per hr", Hour, After),
    ("an hour", Hour, After),
    ("p/h", Hour, After),
    ("hourly", Hour, Both),
    ("/year", Year, After),
    ("/yr", Year, After),
    ("/annum", Year, After),
    ("per year", Year, After),
    ("a year", Year, After),
    ("per annum", Year, Both),
    ("p.a.", Year, After),
    ("yearly", Year, Both),
    ("annually", Year, After),
    ("annual", Year, Before),
    // Vietnamese
    ("/tháng", Month, After),
    ("mỗi tháng", Month, Both),
    ("một tháng", Month, Both),
    ("hàng tháng", Month, Both),
    ("1 tháng", Month, After),
    ("lương tháng", Month, Before),
    ("/ngày", Day, After),
    ("mỗi ngày", Day, After),
    ("một ngày", Day, After),
    ("1 ngày", Day, After),
    ("lương ngày", Day, Before),
    // "mỗi ngày kiếm 800k": "each day, earn"; a bare "mỗi ngày" before an amount may be
    // the hours ("làm 3 tiếng mỗi ngày, lương 15 triệu").
    ("mỗi ngày kiếm", Day, Before),
    ("một ngày kiếm", Day, Before),
    ("1 ngày kiếm", Day, Before),
    ("/tuần", Week, After),
    ("mỗi tuần", Week, After),
    ("lương tuần", Week, Before),
    ("/giờ", Hour, After),
    ("mỗi giờ", Hour, After),
    ("/năm", Year, After),
    ("mỗi năm", Year, After),
    ("lương năm", Year, Before),
    // Indonesian and Malay
    ("per bulan", Month, Both),
    ("perbulan", Month, Both),
    ("/bulan", Month, After),
    ("/bln", Month, After),
    ("sebulan", Month, Both),
    ("bulanan", Month, Both),
    ("1 bulan", Month, After),
    ("per hari", Day, After),
    ("perhari", Day, After),
    ("/hari", Day, After),
    ("sehari", Day, After),
    ("harian", Day, Before),
    ("per minggu", Week, After),
    ("seminggu", Week, After),
    ("mingguan", Week, Before),
    ("per jam", Hour, After),
    ("/jam", Hour, After),
    ("per tahun", Year, After),
    ("setahun", Year, After),
    ("tahunan", Year, Before),
    // Tagalog
    ("buwanang", Month, Both),
    ("kada buwan", Month, Both),
    ("bawat buwan", Month, Both),
    ("isang buwan", Month, Both),
    ("/buwan", Month, After),
    ("kada araw", Day, After),
    ("bawat araw", Day, After),
    ("/araw", Day, After),
    ("arawang", Day, Before),
    ("kada linggo", Week, After),
    ("lingguhan", Week, Before),
    ("kada oras", Hour, After),
    // Swahili
    ("kwa mwezi", Month, Both),
    ("kila mwezi", Month, Both),
    ("kwa siku", Day, After),
    ("kila siku", Day, After),
    ("kwa wiki", Week, After),
    ("kila wiki", Week, After),
    ("kwa saa", Hour, After),
    ("kwa mwaka", Year, After),
    // Amharic
    ("በወር", Month, Both),
    ("በቀን", Day, After),
    // Spanish
    ("por mes", Month, Both),
    ("al mes", Month, Both),
    ("/mes", Month, After),
    ("mensual", Month, Both),
    ("mensuales", Month, Both),
    ("por día", Day, After),
    ("por dia", Day, After),
    ("al día", Day, After),
    ("/día", Day, After),
    ("/dia", Day, After),
    ("diarios", Day, After),
    ("sueldo diario", Day, Before),
    ("salario diario", Day, Before),
    ("pago diario", Day, Before),
    ("diario", Day, After),
    ("por semana", Week, After),
    ("a la semana", Week, After),
    ("semanal", Week, Both),
    ("por hora", Hour, After),
    ("la hora", Hour, After),
    ("/hora", Hour, After),
    ("por año", Year, After),
    ("al año", Year, After),
    ("anual", Year, Both),
    // Portuguese
    ("por mês", Month, Both),
    ("ao mês", Month, Both),
    ("/mês", Month, After),
    ("mensal", Month, Both),
    ("mensais", Month, Both),
    ("salário diário", Day, Before),
    ("salario diário", Day, Before),
    ("diária", Day, After),
    ("ganho diário", Day, Before),
    ("salário semanal", Week, Before),
    ("por ano", Year, After),
    ("ao ano", Year, After),
    // French
    ("par mois", Month, Both),
    ("/mois", Month, After),
    ("mensuel", Month, Both),
    ("mensuelle", Month, Both),
    ("par jour", Day, After),
    ("/jour", Day, After),
    ("par semaine", Week, After),
    ("par heure", Hour, After),
    ("de l'heure", Hour, After),
    ("/heure", Hour, After),
    ("par an", Year, After),
    ("annuel", Year, Both),
    // Chinese
    ("月薪", Month, Before),
    ("月入", Month, Before),
    ("月收入", Month, Before),
    ("月收", Month, Before),
    ("月工资", Month, Before),
    ("月工資", Month, Before),
    ("月赚", Month, Before),
    ("月賺", Month, Before),
    // "月1万ドル", "月3万": a month's pay ("3月", March, is passed over in `period_before`).
    ("月", Month, Before),
    ("/月", Month, After),
    ("每月", Month, Both),
    ("每个月", Month, Both),
    ("每個月", Month, Both),
    ("一个月", Month, Both),
    ("一個月", Month, Both),
    ("日薪", Day, Before),
    ("日赚", Day, Before),
    ("日賺", Day, Before),
    ("每日", Day, After),
    ("/天", Day, After),
    ("/日", Day, After),
    ("每天", Day, After),
    ("一天", Day, After),
    ("周薪", Week, Before),
    ("週薪", Week, Before),
    ("每週", Week, After),
    ("/周", Week, After),
    ("每周", Week, After),
    ("时薪", Hour, Before),
    ("時薪", Hour, Before),
    ("/小时", Hour, After),
    ("/时", Hour, After),
    ("每小时", Hour, After),
    ("年薪", Year, Before),
    ("年收入", Year, Before),
    ("年收", Year, Before),
    ("/年", Year, After),
    ("每年", Year, After),
    // Japanese
    ("月給", Month, Before),
    ("月収", Month, Before),
    ("月額", Month, Before),
    ("日給", Day, Before),
    ("日当", Day, Before),
    // "1日1万円", "1週間で30万円": the digit is part of the marker (see `period_before`).
    ("1日", Day, Before),
    ("1週間", Week, Before),
    ("1ヶ月", Month, Before),
    ("1か月", Month, Before),
    ("週給", Week, Before),
    ("時給", Hour, Before),
    ("年収", Year, Before),
    ("年俸", Year, Before),
    // Korean
    ("월급", Month, Before),
    ("월", Month, Before),
    ("/월", Month, After),
    ("매월", Month, Both),
    ("한달", Month, Both),
    ("한 달", Month, Both),
    ("일당", Day, Before),
    ("일급", Day, Before),
    ("일 급여", Day, Before),
    ("하루", Day, Before),
    ("/일", Day, After),
    ("주급", Week, Before),
    ("시급", Hour, Before),
    ("/시간", Hour, After),
    ("연봉", Year, Before),
    // "3000만원의 연봉", "3300만원 이상의 연봉": an annual salary OF the amount. A bare
    // 연봉 after an amount may start the next item ("월 300만원 연봉 협상").
    ("의 연봉", Year, After),
    ("/년", Year, After),
    // Thai
    ("เดือนละ", Month, Before),
    ("ต่อเดือน", Month, Both),
    ("/เดือน", Month, After),
    ("เงินเดือน", Month, Before),
    ("รายเดือน", Month, Both),
    ("วันละ", Day, Before),
    ("ต่อวัน", Day, After),
    ("/วัน", Day, After),
    ("รายวัน", Day, Before),
    ("ชั่วโมงละ", Hour, Before),
    ("ต่อชั่วโมง", Hour, After),
    ("ต่อสัปดาห์", Week, After),
    ("ต่อปี", Year, After),
    // German
    ("pro monat", Month, Both),
    ("im monat", Month, Both),
    ("/monat", Month, After),
    ("monatlich", Month, Both),
    ("pro tag", Day, After),
    ("pro woche", Week, After),
    ("pro stunde", Hour, After),
    ("/std", Hour, After),
    ("pro jahr", Year, After),
    ("jährlich", Year, After),
    // Hindi
    ("प्रति माह", Month, Both),
    ("/माह", Month, After),
];

/// "up to" words written just before the amount.
static UP_TO_BEFORE: &[&str] = &[
    "up to",
    "upto",
    "as much as",
    "maximum",
    "max.",
    "max",
    "lên đến",
    "lên tới",
    "tới",
    "hingga",
    "sampai",
    "hanggang sa",
    "hanggang",
    "hasta",
    "até",
    "jusqu'à",
    "jusqu'a",
    "jusqu’à",
    "hadi",
    "最高可达",
    "最高",
    "高达",
    "最多",
    "可达",
    "最大",
    "최대",
    "최고",
    "สูงสุด",
    "สูงถึง",
];

/// "up to" words written just after the amount.
static UP_TO_AFTER: &[&str] = &["まで", "까지"];

/// Words that join two amounts into a range ("800-1,000", "15 đến 20 triệu").
static RANGE_JOINERS: &[&str] = &[
    "-",
    "–",
    "—",
    "~",
    "〜",
    "to",
    "hanggang",
    "hanggang sa",
    "đến",
    "tới",
    "hingga",
    "sampai",
    "s/d",
    "a",
    "à",
    "até",
    "至",
    "到",
    "から",
    "hadi",
    "ถึง",
];

/// Longest-first copies of the token tables, so "us$" wins over "$" and "kshs" over "sh".
static PREFIX_TOKENS: LazyLock<Vec<(&str, Cur, Attach)>> =
    LazyLock::new(|| longest_first(PREFIXES));
static SUFFIX_TOKENS: LazyLock<Vec<(&str, Cur)>> = LazyLock::new(|| longest_first(SUFFIXES));
static MAGNITUDE_TOKENS: LazyLock<Vec<Magnitude>> = LazyLock::new(|| longest_first(MAGNITUDES));
/// [`MAGNITUDE_TOKENS`] indexed by first byte, as for the suffixes.
static MAGNITUDE_BY_FIRST: LazyLock<Vec<Vec<u16>>> =
    LazyLock::new(|| index_by_byte(MAGNITUDE_TOKENS.iter().map(|t| t.0), false));

/// For each byte value, the indices (in table order) of the tokens whose first byte
/// (`last`: last byte) it is: a token can only match text whose byte there is the same,
/// so the matchers look at a handful of tokens instead of the whole table.
static SUFFIX_BY_FIRST: LazyLock<Vec<Vec<u16>>> =
    LazyLock::new(|| index_by_byte(SUFFIX_TOKENS.iter().map(|t| t.0), false));
static PREFIX_BY_LAST: LazyLock<Vec<Vec<u16>>> =
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
fn merged<'a>(a: &'a [u16], b: &'a [u16]) -> impl Iterator<Item = usize> + 'a {
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
fn starting<'a>(index: &'a [Vec<u16>], s: Option<&str>) -> &'a [u16] {
    s.and_then(|s| s.as_bytes().first())
        .and_then(|&b| index.get(usize::from(b)))
        .map_or(&[][..], |v| &v[..])
}

/// [`PERIOD_MARKERS`] indexed by first byte.
static PERIOD_BY_FIRST: LazyLock<Vec<Vec<u16>>> =
    LazyLock::new(|| index_by_byte(PERIOD_MARKERS.iter().map(|m| m.0), false));

/// Whether `s` starts with a period marker (only markers with its first byte can).
fn period_marker_at(s: &str) -> bool {
    starting(&PERIOD_BY_FIRST, Some(s))
        .iter()
        .any(|&i| has_prefix(s, PERIOD_MARKERS[usize::from(i)].0))
}

/// Every period marker in one automaton; "/x" markers also match as "/ x".
struct PeriodMarkers {
    automaton: AhoCorasick,
    /// (marker, period, side) per automaton pattern.
    info: Vec<(&'static str, Period, Side)>,
}

static PERIODS: LazyLock<PeriodMarkers> = LazyLock::new(|| {
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

// ------------------------------------------------------------------------------------
// Parser

/// How far (bytes) a period marker may sit from the amount.
const WINDOW: usize = 40;

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

/// Scripts present in the text, for currencies that depend on them.
#[derive(Debug, Clone, Copy, Default)]
struct Script {
    vietnamese: bool,
    /// Kana, or a kanji form only Japanese writes: Japanese text.
    kana: bool,
    han: bool,
    /// More Traditional-only than Simplified-only characters ([`han_form`]): Taiwan
    /// (or Hong Kong) text, where 元 and a bare 萬 are the local dollar.
    traditional: bool,
    /// Cantonese particles ([`han_form`]): Hong Kong text.
    cantonese: bool,
}

impl Script {
    fn of(text: &str) -> Script {
        let mut s = Script::default();
        if text.is_ascii() {
            return s;
        }
        // Traditional-only minus Simplified-only characters seen.
        let mut traditional = 0i32;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Runs of ASCII, eight bytes at a time.
            if let Some(word) = bytes.get(i..i + 8)
                && u64::from_le_bytes(word.try_into().unwrap_or([0; 8])) & 0x8080_8080_8080_8080
                    == 0
            {
                i += 8;
                continue;
            }
            let at = i;
            i += 1;
            // Every character looked for is U+0100 or above, whose first byte is 0xC4 or
            // above; other bytes (ASCII, Latin-1, continuation bytes) are passed over.
            if bytes[at] < 0xC4 {
                continue;
            }
            let (c, _) = char_at(text, at);
            match c as u32 {
                0x3040..=0x30FF => s.kana = true,
                0x3400..=0x4DBF | 0x4E00..=0x9FFF => {
                    s.han = true;
                    match han_form(c) {
                        HanForm::Traditional => traditional += 1,
                        HanForm::Simplified => traditional -= 1,
                        HanForm::Cantonese => s.cantonese = true,
                        HanForm::Japanese => s.kana = true,
                        HanForm::Either => {}
                    }
                }
                // ă đ ơ ư and the Latin Extended Additional block are Vietnamese letters.
                0x0103 | 0x0111 | 0x01A1 | 0x01B0 | 0x1EA0..=0x1EF9 => s.vietnamese = true,
                _ => {}
            }
        }
        s.traditional = traditional > 0;
        s
    }

    /// The currency 元/块 and bare CJK magnitudes name: yen in Japanese text, the local
    /// dollar in Traditional Chinese text (Hong Kong's where Cantonese is written,
    /// else Taiwan's), yuan otherwise.
    fn cjk_currency(self) -> &'static str {
        if self.kana {
            "JPY"
        } else if self.cantonese {
            "HKD"
        } else if self.traditional {
            "TWD"
        } else {
            "CNY"
        }
    }
}

/// Which written form of Chinese a Han character marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HanForm {
    Traditional,
    Simplified,
    /// A Cantonese particle (written in Hong Kong, not in Taiwan or the mainland).
    Cantonese,
    /// A Japanese character form (shinjitai) that Chinese writes otherwise.
    Japanese,
    Either,
}

/// Common characters whose Traditional and Simplified forms differ, and Cantonese
/// particles: enough for a few in any sentence to tell the two apart.
fn han_form(c: char) -> HanForm {
    match c {
        '們' | '個' | '這' | '為' | '會' | '時' | '來' | '對' | '說' | '過' | '還' | '錢'
        | '資' | '單' | '點' | '讚' | '塊' | '場' | '無' | '經' | '驗' | '實' | '際' | '現'
        | '聯' | '電' | '話' | '歲' | '員' | '應' | '務' | '輕' | '賺' | '與' | '進' | '給'
        | '從' | '沒' | '題' | '發' | '樣' | '關' | '動' | '開' | '頭' | '歡' | '請' | '機' => {
            HanForm::Traditional
        }
        '们' | '个' | '这' | '为' | '时' | '对' | '说' | '过' | '还' | '钱' | '资' | '单'
        | '赞' | '块' | '场' | '无' | '经' | '验' | '实' | '际' | '现' | '联' | '电' | '话'
        | '岁' | '员' | '应' | '务' | '轻' | '赚' | '进' | '给' | '从' | '题' | '发' | '样'
        | '关' | '动' | '开' | '头' | '欢' | '请' | '机' => HanForm::Simplified,
        // Japanese forms Chinese writes otherwise (円, 収 for 圆/圓, 收, ...): kanji-only
        // Japanese ("月収100万 日払い" without its kana) is still Japanese.
        '円' | '働' | '込' | '払' | '駅' | '険' | '労' | '収' | '売' | '続' | '対' | '単'
        | '実' | '験' | '応' | '歳' | '発' | '関' | '経' | '軽' | '説' | '銭' | '様' | '従'
        | '歓' => HanForm::Japanese,
        '嘅' | '咗' | '唔' | '冇' | '啲' | '喺' | '嚟' | '佢' => HanForm::Cantonese,
        _ => HanForm::Either,
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
/// ([`digit_value`]) and of the non-ASCII word amounts ([`WORD_AMOUNTS`]). Nothing else
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
    let &(words, low, high, implied) = WORD_AMOUNTS.iter().find(|(w, ..)| has_prefix(rest, w))?;
    let mut end = i + words.len();
    if words.is_ascii() && (!boundary_before(text, i) || !boundary_after(text, end)) {
        return None;
    }
    if !words.is_ascii()
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
            // "日薪1500", "月薪：8000": a Han pay label names the local currency.
            Implied::Nothing
                if value >= 100.0
                    && !counts_something(&text[end..])
                    && han_pay_label_before(text, floor, start) =>
            {
                Some(script.cjk_currency())
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

/// The value of a decimal digit in the scripts adverts use.
fn digit_value(c: char) -> Option<u32> {
    let base = match c {
        '0'..='9' => '0',
        '\u{0660}'..='\u{0669}' => '\u{0660}', // Arabic-Indic
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}', // Extended Arabic-Indic
        '\u{0966}'..='\u{096F}' => '\u{0966}', // Devanagari
        '\u{09E6}'..='\u{09EF}' => '\u{09E6}', // Bengali
        '\u{0E50}'..='\u{0E59}' => '\u{0E50}', // Thai
        '\u{0ED0}'..='\u{0ED9}' => '\u{0ED0}', // Lao
        '\u{1040}'..='\u{1049}' => '\u{1040}', // Myanmar
        '\u{17E0}'..='\u{17E9}' => '\u{17E0}', // Khmer
        _ => return None,
    };
    Some(c as u32 - base as u32)
}

/// Reads a digit run at `i`: (end, value, number of digits, first digit).
fn read_digits(text: &str, i: usize) -> (usize, f64, usize, u32) {
    let (mut end, mut value, mut n, mut first) = (i, 0.0, 0, 0);
    for c in text[i..].chars() {
        let Some(d) = digit_value(c) else { break };
        if n == 0 {
            first = d;
        }
        value = value * 10.0 + f64::from(d);
        n += 1;
        end += c.len_utf8();
    }
    (end, value, n, first)
}

/// Where the numeric token at `i` ends (digits and separators between digits), so a
/// rejected number (a phone number, "covid19") is skipped whole.
fn numeric_token_end(text: &str, i: usize) -> usize {
    let mut end = read_digits(text, i).0;
    while let Some(sep @ (',' | '.')) = text[end..].chars().next() {
        let (e, _, n, _) = read_digits(text, end + sep.len_utf8());
        if n == 0 {
            break;
        }
        end = e;
    }
    end
}

/// Parses the number at `i`: "2,500", "2.500" and "2 500" (a separator before exactly
/// three digits groups thousands), "1.5", "2,5" (decimals), "7,5000" (a misplaced
/// thousands comma, as printed in a research source). Returns (end, value).
fn scan_number(text: &str, i: usize) -> Option<(usize, f64)> {
    let (mut end, mut value, first_len, first) = read_digits(text, i);
    // "0912 345 678" and "007" are phone numbers and codes, not amounts.
    if first_len == 0 || first_len > 15 || (first == 0 && first_len > 1) {
        return None;
    }
    let mut group: Option<char> = None;
    let mut digits = first_len;
    while let Some(sep @ (',' | '.' | ' ')) = text[end..].chars().next() {
        let (g_end, g_value, g_len, _) = read_digits(text, end + 1);
        if g_len == 0 {
            break;
        }
        if g_len == 3 && group.map_or(first_len <= 3, |g| g == sep) {
            value = value * 1e3 + g_value;
            digits += 3;
            group = Some(sep);
            end = g_end;
            continue;
        }
        if sep == ',' && g_len >= 4 && group.is_none() && first_len <= 3 && g_len <= 6 {
            value = value * 10f64.powi(g_len as i32) + g_value;
            end = g_end;
            break;
        }
        let decimal = sep != ' ' && group != Some(sep) && (sep == '.' || g_len <= 2);
        if decimal {
            // Whole digits over a power of ten, so "12.21" is 12.21 and not 12.2099….
            let (mut frac, mut scale) = (0.0, 1.0);
            for c in text[end + 1..g_end].chars().take(6) {
                frac = frac * 10.0 + f64::from(digit_value(c).unwrap_or(0));
                scale *= 10.0;
            }
            value += frac / scale;
            end = g_end;
        }
        break;
    }
    (digits <= 15).then_some((end, value))
}

/// Whether digits at `start` may begin an amount without a currency mark before them:
/// not glued to a word ("covid19"), a phone prefix ("+84") or another number ("9:30").
fn free_before(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    let Some(p) = before.next() else { return true };
    if is_latin_word_char(p) || matches!(p, '+' | '#' | '@' | '_' | '&') {
        return false;
    }
    !(matches!(p, '.' | ',' | ':' | '/') && before.next().and_then(digit_value).is_some())
}

/// A currency mark ending just before `start` (attached or one space before), not
/// reaching back before `floor`: (mark start, currency, attachment).
fn match_prefix(text: &str, floor: usize, start: usize) -> Option<(usize, Cur, Attach)> {
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
fn match_suffix(text: &str, pos: usize) -> Option<(usize, Cur)> {
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
struct Magnitudes {
    end: usize,
    factor: f64,
    count: usize,
    implied: Implied,
    period: Option<Period>,
}

fn match_magnitudes(text: &str, pos: usize) -> Magnitudes {
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
fn match_magnitudes_among<I: Iterator<Item = usize>>(
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
fn counted_noun_at(text: &str, i: usize) -> bool {
    let rest = text[i..].strip_prefix(' ').unwrap_or(&text[i..]);
    COUNTED_NOUNS
        .iter()
        .any(|w| has_prefix(rest, w) && boundary_after(rest, w.len()))
}

/// Whether a Han unit follows that makes the number a date, an age or a count ("2025年",
/// "18岁", "100人"), not pay.
fn counts_something(rest: &str) -> bool {
    rest.trim_start_matches(' ').starts_with([
        '年', '月', '日', '号', '號', '岁', '歲', '人', '个', '個', '名', '位', '天', '小', '分',
        '次', '件', '单', '單', '字', '时', '時', '週', '周',
    ])
}

/// Whether a Han pay label ends just before `start` (spaces, a colon or an "up to" word
/// between), not before `floor`.
fn han_pay_label_before(text: &str, floor: usize, start: usize) -> bool {
    let before = text[floor..start].trim_end_matches([' ', ':']);
    let before = UP_TO_BEFORE
        .iter()
        .find_map(|m| before.strip_suffix(m))
        .map_or(before, |b| b.trim_end_matches([' ', ':']));
    HAN_PAY_LABELS.iter().any(|l| has_suffix(before, l))
}

/// An "up to" word just before `start` (only spaces or a colon between), not before
/// `floor`: where it starts.
fn up_to_before(text: &str, floor: usize, start: usize) -> Option<usize> {
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
fn up_to_after(text: &str, end: usize) -> Option<usize> {
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
fn period_after(text: &str, from: usize) -> Option<(Period, usize)> {
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
fn period_before(text: &str, floor: usize, to: usize) -> Option<Period> {
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
fn label_at(s: &str) -> bool {
    starting(&PERIOD_BY_FIRST, Some(s)).iter().any(|&i| {
        let (marker, _, side) = PERIOD_MARKERS[usize::from(i)];
        side != After && has_prefix(s, marker)
    })
}

/// Han numerals, which count months and units as digits do.
fn is_cjk_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '〇'
            | '两'
            | '兩'
            | '几'
            | '幾'
            | '数'
            | '數'
    )
}

fn marker_boundaries(text: &str, s: usize, e: usize, marker: &str) -> bool {
    (!starts_latin(marker) || boundary_before(text, s))
        && (!ends_latin(marker) || boundary_after(text, e))
}

/// `s.starts_with(p)`, testing the first byte inline: most calls fail there, and this
/// runs for every token at every number.
fn has_prefix(s: &str, p: &str) -> bool {
    s.as_bytes().first() == p.as_bytes().first() && s.starts_with(p)
}

/// `s.ends_with(p)`, testing the last byte inline.
fn has_suffix(s: &str, p: &str) -> bool {
    s.as_bytes().last() == p.as_bytes().last() && s.ends_with(p)
}

/// A letter or digit of a Latin-script word (ASCII, Latin-1, Latin Extended, Vietnamese).
fn is_latin_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (c.is_alphabetic() && ((c as u32) < 0x0250 || (0x1E00..=0x1EFF).contains(&(c as u32))))
}

fn starts_latin(token: &str) -> bool {
    token.chars().next().is_some_and(is_latin_word_char)
}

fn ends_latin(token: &str) -> bool {
    token.chars().next_back().is_some_and(is_latin_word_char)
}

/// No Latin word character just before `i`.
fn boundary_before(text: &str, i: usize) -> bool {
    !text[..i]
        .chars()
        .next_back()
        .is_some_and(is_latin_word_char)
}

/// No Latin word character at `i`.
fn boundary_after(text: &str, i: usize) -> bool {
    !text[i..].chars().next().is_some_and(is_latin_word_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(text: &str) -> Vec<PayClaim> {
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
            "일 급여 최대 10만 원",
            "최대 10만 원",
            1e5,
            1e5,
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
            "월급 7천 달러",
            "7천 달러",
            7000.0,
            7000.0,
            "USD",
            Some(Month),
        );
        // Annual pay, before or after the amount.
        check("연봉 3600만원", "3600만원", 36e6, 36e6, "KRW", Some(Year));
        check("3000만원의 연봉", "3000만원", 30e6, 30e6, "KRW", Some(Year));
        check(
            "3300만원 이상의 연봉과 숙소",
            "3300만원",
            33e6,
            33e6,
            "KRW",
            Some(Year),
        );
        // A count of months is not a month's pay; "1만%" is not money.
        check("3개월 300만원", "300만원", 3e6, 3e6, "KRW", None);
        for text in [
            "안전은 1만% 보장",
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
            "1週間で30万円から40万円",
            "30万円から40万円",
            3e5,
            4e5,
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
    fn chinese_forms() {
        check("月收10萬", "10萬", 1e5, 1e5, "CNY", Some(Month));
        check("月入可达1-2万", "可达1-2万", 1e4, 2e4, "CNY", Some(Month));
        check("月薪3万", "3万", 3e4, 3e4, "CNY", Some(Month));
        check("年薪30万", "30万", 3e5, 3e5, "CNY", Some(Year));
        check("年收入25万元", "25万元", 2.5e5, 2.5e5, "CNY", Some(Year));
        check("年収500万円です", "500万円", 5e6, 5e6, "JPY", Some(Year));
        check("日薪2000元", "2000元", 2000.0, 2000.0, "CNY", Some(Day));
        check("在家日赚千元", "千元", 1000.0, 1000.0, "CNY", Some(Day));
        check("日薪800+、无需经验", "800", 800.0, 800.0, "CNY", Some(Day));
        check("月薪: 8000", "8000", 8000.0, 8000.0, "CNY", Some(Month));
        check("月入过万", "过万", 1e4, 1e4, "CNY", Some(Month));
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
            "thu nhập 15-30 triệu một tháng",
            "15-30 triệu",
            15e6,
            30e6,
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
        check(
            "thu nhập 300k - 1000k",
            "300k - 1000k",
            3e5,
            1e6,
            "VND",
            None,
        );
        check(
            "ít nhất 500.000 đồng đến 3 triệu đồng mỗi ngày",
            "500.000 đồng đến 3 triệu đồng",
            5e5,
            3e6,
            "VND",
            Some(Day),
        );
        check(
            "4- 6 triệu/tháng",
            "4- 6 triệu",
            4e6,
            6e6,
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
            "com salário diário de r$ 500 - r$ 1000",
            "r$ 500 - r$ 1000",
            500.0,
            1000.0,
            "BRL",
            Some(Day),
        );
        check(
            "salário diário: 500-1500 reais",
            "500-1500 reais",
            500.0,
            1500.0,
            "BRL",
            Some(Day),
        );
        check(
            "900-4000 reais por dia",
            "900-4000 reais",
            900.0,
            4000.0,
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
            "ksh 2,500 per day",
            "ksh 2,500",
            2500.0,
            2500.0,
            "KES",
            Some(Day),
        );
        check(
            "salary: r6 000 - r9 000 p/m",
            "r6 000 - r9 000",
            6000.0,
            9000.0,
            "ZAR",
            Some(Month),
        );
        check(
            "earn no less than $9,000 per month",
            "$9,000",
            9000.0,
            9000.0,
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
    fn script_tells_traditional_from_simplified() {
        assert!(Script::of("工作輕鬆，歡迎聯絡").traditional);
        assert!(!Script::of("工作轻松，欢迎联系").traditional);
        assert!(!Script::of("月薪3万").traditional);
        assert!(Script::of("佢哋").cantonese);
        assert_eq!(Script::of("月給30万円です").cjk_currency(), "JPY");
        // Kanji-only Japanese is Japanese when a Japanese form shows.
        assert_eq!(Script::of("月収100万").cjk_currency(), "JPY");
        assert_eq!(Script::of("跨年場地整理").cjk_currency(), "TWD");
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

    // --- tables and judgement

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

    #[test]
    fn table_errors_name_file_and_line() {
        let err = PayTables::parse(
            "USD\t1\t2025\tok\nEUR\tx\t2025\tbad\n",
            "US\tUS\tUSD\t1\t2025\tb\ts\n",
        )
        .expect_err("bad rate");
        assert!(err.to_string().contains("fx.tsv, line 2"), "{err}");
        let err = PayTables::parse(
            "USD\t1\t2025\tok\n",
            "US\tUS\tUSD\t1\t2025\tb\ts\nTH\tThailand\tTHB\t1\tx\tb\ts\n",
        )
        .expect_err("no THB rate");
        assert!(err.to_string().contains("wages.tsv, line 2"), "{err}");
        assert!(
            PayTables::parse("USD\t1\t2025\tok\n", "").is_err(),
            "unknown-origin row required"
        );
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
        let c = &claims("sueldo 300000 pesos al mes")[0];
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
        let j = judged("salary r6 000 - r9 000 p/m", Some("en"));
        assert_eq!(j.market, "ZA");
        assert_near(j.multiple, 9000.0 / 4990.0, 0.01);
        let j = judged("佢哋月薪15000元", Some("zh"));
        assert_eq!(j.market, "HK");
        // 연봉 is a year's pay: about 1.4x the Korean minimum, not 17x.
        let j = judged("3600만원 이상의 연봉", Some("ko"));
        assert_eq!(j.market, "KR");
        assert_near(j.multiple, 36e6 / 12.0 / 2_096_270.0, 0.01);
    }

    #[test]
    fn no_period_no_judgement() {
        let c = &claims("1500만원")[0];
        assert!(c.monthly_usd(PayTables::embedded()).is_none());
        assert!(judge(c, Some("ko"), PayTables::embedded()).is_none());
    }

    #[test]
    fn workplaces_table_is_whole() {
        let tables = PayTables::embedded();
        let (places, countries) = &*WORKPLACES;
        assert!(places.patterns_len() >= 20);
        for c in countries {
            assert!(tables.benchmark(c).is_some(), "{c} has no wage row");
        }
        for (_, cols) in tsv_rows(WORKPLACES_TSV) {
            assert_eq!(cols.len(), 2, "{cols:?}");
            assert_eq!(
                cols[0],
                crate::normalise::normalise_str(cols[0]),
                "not normalised"
            );
        }
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
                let starts_word = WORD_AMOUNTS.iter().any(|(w, ..)| w.starts_with(c));
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
