//! Pay tables from `data/pay/`: exchange rates, entry-level wages and workplace names.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::UNKNOWN_ORIGIN_MARKET;
use crate::error::{Error, Result};

static FX_TSV: &str = include_str!("../../../data/pay/fx.tsv");
static WAGES_TSV: &str = include_str!("../../../data/pay/wages.tsv");
static WORKPLACES_TSV: &str = include_str!("../../../data/pay/workplaces.tsv");

/// The place names of `data/pay/workplaces.tsv` in one automaton, and each one's country.
pub(super) static WORKPLACES: LazyLock<(AhoCorasick, Vec<&'static str>)> = LazyLock::new(|| {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
