//! The lure families' expert priors, kept as data (`data/priors.tsv`, embedded): one
//! log-odds weight and a one-line reason per family.

use crate::error::{Error, Result};
use crate::lure::Family;

static EMBEDDED_PRIORS: &str = include_str!("../../data/priors.tsv");
static EMBEDDED_FAMILY_FIT: &str = include_str!("../../data/family_fit.tsv");

/// The largest real-lure adjustment a family may carry either way (log-odds per unit of
/// family value), as for a lexicon entry's strength.
pub const MAX_REAL_ADJUSTMENT: f32 = crate::lure::lexicon::MAX_STRENGTH;

/// One family's prior.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    /// The family.
    pub family: Family,
    /// Log-odds added when the family is present.
    pub weight: f32,
    /// The real-lure fit's adjustment (`data/family_fit.tsv`); 0 from [`parse`].
    pub real: f32,
    /// Why.
    pub reason: String,
}

/// The embedded priors, one per family in [`Family::ALL`] order, with the embedded
/// real-lure fit's adjustments.
pub fn embedded() -> Result<Vec<Prior>> {
    let mut priors = parse(EMBEDDED_PRIORS, "data/priors.tsv")?;
    let real = embedded_real_fit()?;
    for p in &mut priors {
        p.real = real[p.family.index()];
    }
    Ok(priors)
}

/// The embedded priors' weights, by [`Family::index`]: what an entry without its own
/// strength carries. The embedded table is checked by this module's tests.
pub fn embedded_weights() -> &'static [f32; Family::ALL.len()] {
    static WEIGHTS: std::sync::LazyLock<[f32; Family::ALL.len()]> =
        std::sync::LazyLock::new(|| {
            let priors = embedded().unwrap_or_else(|e| panic!("embedded priors are invalid: {e}"));
            std::array::from_fn(|i| priors[i].weight)
        });
    &WEIGHTS
}

/// The data lines of a tab-separated table (blank lines and `#` comments skipped): their
/// 1-based line numbers and columns.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !(line.trim().is_empty() || line.starts_with('#')))
        .map(|(n, line)| (n + 1, line.split('\t').collect()))
}

fn line_error(file: &str, line: usize, reason: String) -> Error {
    Error::Lexicon {
        file: file.to_string(),
        line,
        reason,
    }
}

fn family_of(id: &str, bad: &impl Fn(String) -> Error) -> Result<Family> {
    Family::from_id(id).ok_or_else(|| bad(format!("unknown family {id:?}")))
}

/// Parses a priors table (`family<TAB>weight<TAB>reason`); every family must appear once.
pub fn parse(text: &str, file: &str) -> Result<Vec<Prior>> {
    let mut found: Vec<Option<Prior>> = vec![None; Family::ALL.len()];
    for (n, cols) in data_lines(text) {
        let bad = |reason: String| line_error(file, n, reason);
        if cols.len() != 3 {
            return Err(bad("expected family<TAB>weight<TAB>reason".into()));
        }
        let family = family_of(cols[0], &bad)?;
        let weight: f32 = cols[1]
            .parse()
            .map_err(|_| bad(format!("weight {:?} is not a number", cols[1])))?;
        if !weight.is_finite() {
            return Err(bad("weight must be finite".into()));
        }
        if found[family.index()]
            .replace(Prior {
                family,
                weight,
                real: 0.0,
                reason: cols[2].to_string(),
            })
            .is_some()
        {
            return Err(bad(format!("family {family} appears twice")));
        }
    }
    found
        .into_iter()
        .zip(Family::ALL)
        .map(|(p, f)| {
            p.ok_or_else(|| Error::Lexicon {
                file: file.to_string(),
                line: 0,
                reason: format!("no prior for family {f}"),
            })
        })
        .collect()
}

/// The real-lure fit's adjustments (`data/family_fit.tsv`, embedded), by
/// [`Family::index`]: 0 for a family the file leaves out.
pub fn embedded_real_fit() -> Result<[f32; Family::ALL.len()]> {
    parse_real_fit(EMBEDDED_FAMILY_FIT, "data/family_fit.tsv")
}

/// Parses a real-lure fit (`family<TAB>adjustment[<TAB>note]`, `#` comments): each
/// family at most once, each adjustment finite and within [`MAX_REAL_ADJUSTMENT`].
pub fn parse_real_fit(text: &str, file: &str) -> Result<[f32; Family::ALL.len()]> {
    let mut out = [0.0f32; Family::ALL.len()];
    let mut seen = [false; Family::ALL.len()];
    for (n, cols) in data_lines(text) {
        let bad = |reason: String| line_error(file, n, reason);
        if cols.len() < 2 {
            return Err(bad("expected family<TAB>adjustment[<TAB>note]".into()));
        }
        let family = family_of(cols[0], &bad)?;
        let adjustment: f32 = cols[1]
            .parse()
            .map_err(|_| bad(format!("adjustment {:?} is not a number", cols[1])))?;
        if !adjustment.is_finite() || adjustment.abs() > MAX_REAL_ADJUSTMENT {
            return Err(bad(format!(
                "adjustment {adjustment} is not within ±{MAX_REAL_ADJUSTMENT}"
            )));
        }
        if std::mem::replace(&mut seen[family.index()], true) {
            return Err(bad(format!("family {family} appears twice")));
        }
        out[family.index()] = adjustment;
    }
    Ok(out)
}

/// Clamps the data's adjustment so the total keeps the prior's sign and lies between half
/// and twice the prior: the data may strengthen a prior or shrink it, but cannot flip it,
/// nor multiply it. EMSCAD is one domain (US 2012–2014): there "no experience" marks
/// work-from-home scams, and an unbounded fit quadrupled that prior, which then flagged
/// genuine South-East Asian adverts where the phrase is routine.
pub fn clamp_adjustment(prior: f32, fitted: f32) -> f32 {
    if prior > 0.0 {
        fitted.clamp(-prior / 2.0, prior)
    } else if prior < 0.0 {
        fitted.clamp(prior, -prior / 2.0)
    } else {
        fitted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_priors_cover_every_family() {
        let p = embedded().expect("valid priors");
        assert_eq!(p.len(), Family::ALL.len());
        assert!(p.iter().all(|x| !x.reason.is_empty()));
        assert!(p[Family::Legitimacy.index()].weight < 0.0);
    }

    #[test]
    fn data_cannot_flip_a_prior() {
        assert_eq!(clamp_adjustment(2.0, -5.0), -1.0);
        assert_eq!(clamp_adjustment(2.0, 0.7), 0.7);
        assert_eq!(clamp_adjustment(-1.5, 3.0), 0.75);
        assert_eq!(clamp_adjustment(-1.5, -1.0), -1.0);
        assert_eq!(clamp_adjustment(1.0, 3.4), 1.0, "at most twice the prior");
        assert_eq!(
            clamp_adjustment(-1.5, -4.0),
            -1.5,
            "at most twice the prior"
        );
    }

    #[test]
    fn embedded_real_fit_parses_and_bad_lines_are_refused() {
        embedded_real_fit().expect("valid family fit");
        let fit = parse_real_fit("# c\npay\t1.5\tnote\n", "t").expect("valid");
        assert_eq!(fit[Family::Pay.index()], 1.5);
        assert_eq!(fit[Family::Fees.index()], 0.0);
        assert!(parse_real_fit("pay\t1\npay\t2\n", "t").is_err(), "twice");
        assert!(parse_real_fit("pay\tNaN\n", "t").is_err());
        assert!(parse_real_fit("pay\t60\n", "t").is_err(), "too large");
        assert!(
            parse_real_fit("paycheck\t1\n", "t").is_err(),
            "unknown family"
        );
    }

    #[test]
    fn missing_family_is_an_error() {
        assert!(parse("pay\t1\tx\n", "t").is_err());
    }
}
