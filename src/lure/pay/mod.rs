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
//!
//! The parts: `find` scans for amounts and puts claims together, from the numbers
//! (`number`), the currency marks and magnitude words around them (`marks`), the words
//! that give their period or "up to" (`context`) and the text's scripts (`script`); the
//! vocabulary it reads is `vocab`, looked up through `lookup`, with character tests in
//! `text`. `tables` holds the exchange rates and wage benchmarks, and `judgement` sets a
//! claim against them.

mod context;
mod find;
mod judgement;
mod lookup;
mod marks;
mod number;
mod script;
mod tables;
mod text;
mod vocab;

pub use find::find_pay_claims;
pub use judgement::{
    PayJudgement, judge, judge_at, judgement_needs_language, origin_market, work_market,
};
pub use tables::{FxRate, PayTables, WageBenchmark};

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
