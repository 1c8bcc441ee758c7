//! Stage 3: lure evidence. Finds the phrases and facts in an advert that belong to a
//! lure family, each as [`Evidence`] pointing into the advert as written.
//!
//! Each family is one file in `families/` implementing [`LureDetector`], listed in
//! [`DETECTORS`]; adding a family is adding a file and a line there. Phrases come from
//! the lexicons (`lexicon`), pay from the pay parser (`pay`). This stage does not weigh
//! evidence: that is the model's job.

pub mod families;
pub mod family;
pub mod lexicon;
pub mod pay;

use serde::Serialize;

pub use family::Family;
pub use lexicon::{FindScratch, Lexicon, LexiconHit};

use crate::ad::{Ad, TextField};
use crate::normalise::NormalisedText;
use pay::{PayJudgement, PayTables};

/// Where a piece of evidence came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum EvidenceSource {
    /// A lexicon entry (index into [`Lexicon::entries`]).
    Lexicon {
        /// Entry index.
        entry: u32,
    },
    /// A built-in rule of the family, named.
    Rule {
        /// The rule's name.
        rule: &'static str,
    },
    /// A parsed pay claim judged against a wage benchmark.
    Pay {
        /// Monthly pay in USD.
        monthly_usd: f64,
        /// How many times the market's entry-level wage.
        multiple: f64,
        /// Whether the market is where the job is rather than the applicant's
        /// ([`pay::PayJudgement::at_workplace`]).
        at_workplace: bool,
        /// Whether the claim is pay by the day ("800k a day", "日薪", "일당").
        per_day: bool,
        /// Whether the claim is promised as guaranteed ("월 1000만원 보장", "保证月入").
        guaranteed: bool,
    },
    /// Advert metadata (no span in the text).
    Metadata {
        /// The metadata facts, e.g. "no company profile; no logo".
        facts: &'static str,
    },
}

/// One piece of evidence for a lure family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The family it supports.
    pub family: Family,
    /// The field its span points into (`None` for metadata evidence).
    pub field: Option<TextField>,
    /// Byte offset into the field's original text.
    pub start: usize,
    /// Byte offset one past the end, in the field's original text.
    pub end: usize,
    /// What produced it.
    pub source: EvidenceSource,
    /// A sentence for people, when the quote alone does not say enough (pay multiples).
    pub detail: Option<String>,
    /// The log-odds this piece of evidence carries on its own, when it differs from its
    /// family's prior: a lexicon entry's own strength (a denial of confinement is a
    /// stronger tell than "high salary"), or pay graded by its multiple. `None` carries
    /// the family prior. A family counts once, at its strongest evidence.
    pub strength: Option<f32>,
}

impl Evidence {
    /// Evidence about the whole advert rather than a span of it (metadata, a rule on
    /// other evidence): no field and an empty span.
    pub fn whole_advert(family: Family, source: EvidenceSource, detail: Option<String>) -> Self {
        Evidence {
            family,
            field: None,
            start: 0,
            end: 0,
            source,
            detail,
            strength: None,
        }
    }

    /// The quoted text in the original advert ("" for metadata evidence).
    pub fn quote<'a>(&self, ad: &'a Ad) -> &'a str {
        self.field
            .and_then(|f| ad.field(f))
            .and_then(|t| t.get(self.start..self.end))
            .unwrap_or("")
    }
}

/// One normalised field with its lexicon hits and pay claims, as detectors see it.
pub struct FieldScan<'a> {
    /// Which field.
    pub field: TextField,
    /// The field as written.
    pub original: &'a str,
    /// The field normalised, with its map back to `original`.
    pub norm: &'a NormalisedText,
    /// Lexicon matches in the normalised text.
    pub hits: &'a [LexiconHit],
    /// Pay claims found in the field, judged against the origin market.
    pub pay: &'a [PayJudgement],
    /// The lexicon the hits index into (for each entry's strength).
    pub lexicon: &'a Lexicon,
}

impl FieldScan<'_> {
    /// Evidence for a normalised span, mapped back into the original field.
    pub fn evidence(
        &self,
        family: Family,
        start: usize,
        end: usize,
        source: EvidenceSource,
    ) -> Evidence {
        let (start, end) = self.norm.original_span(start, end);
        Evidence {
            family,
            field: Some(self.field),
            start,
            end,
            source,
            detail: None,
            strength: None,
        }
    }

    /// Evidence for every lexicon hit of `family`.
    pub fn lexicon_evidence(&self, family: Family, out: &mut Vec<Evidence>) {
        for h in self.hits.iter().filter(|h| h.family == family) {
            let mut ev = self.evidence(
                family,
                h.start,
                h.end,
                EvidenceSource::Lexicon { entry: h.entry },
            );
            ev.strength = self.lexicon.entry(h).strength;
            out.push(ev);
        }
    }
}

/// One lure family's detector.
pub trait LureDetector: Send + Sync {
    /// The family this detector reports.
    fn family(&self) -> Family;

    /// Evidence found in one field. The default reports the family's lexicon hits.
    fn detect_field(&self, scan: &FieldScan<'_>, out: &mut Vec<Evidence>) {
        scan.lexicon_evidence(self.family(), out);
    }

    /// Advert-level evidence and review once every field is scanned (metadata rules,
    /// evidence that only counts in combination). The default does nothing.
    fn finish(&self, _ad: &Ad, _evidence: &mut Vec<Evidence>) {}
}

/// Every family's detector, in catalogue order.
pub static DETECTORS: &[&dyn LureDetector] = &[
    &families::pay::PayDetector,
    &families::pay_with_travel::PayWithTravelDetector,
    &families::easy_work::EasyWorkDetector,
    &families::relocation::RelocationDetector,
    &families::destination::DestinationDetector,
    &families::documents::DocumentsDetector,
    &families::contact::ContactDetector,
    &families::fees::FeesDetector,
    &families::urgency::UrgencyDetector,
    &families::vague_employer::VagueEmployerDetector,
    &families::targeting::TargetingDetector,
    &families::reassurance::ReassuranceDetector,
    &families::task_scam::TaskScamDetector,
    &families::debt::DebtDetector,
    &families::job_title::JobTitleDetector,
    &families::legitimacy::LegitimacyDetector,
];

/// Reusable buffers for scanning adverts (one per thread in bulk work).
#[derive(Default)]
pub struct ScanBuffers {
    /// Normalised text per field.
    pub norms: Vec<NormalisedText>,
    hits: Vec<LexiconHit>,
    find: FindScratch,
    claims: Vec<pay::PayClaim>,
    judged: Vec<PayJudgement>,
}

/// Finds the lure evidence in one advert and returns the advert's language guess.
/// Fields are normalised into `buf.norms` (in [`Ad::fields`] order), where the caller
/// may reuse them for tokenising.
///
/// The language guess costs more than the rest of the scan put together (trigram
/// statistics), so it runs only when `want_lang` asks for it or a pay claim's judgement
/// depends on it ([`pay::judgement_needs_language`]); otherwise `None` is returned.
pub fn scan(
    ad: &Ad,
    lexicon: &Lexicon,
    buf: &mut ScanBuffers,
    out: &mut Vec<Evidence>,
    want_lang: bool,
) -> Option<&'static str> {
    out.clear();
    let tables = PayTables::embedded();
    let n_fields = ad.fields().count();
    if buf.norms.len() < n_fields {
        buf.norms.resize_with(n_fields, NormalisedText::new);
    }
    for (i, (_, original)) in ad.fields().enumerate() {
        buf.norms[i].normalise(original);
    }
    let detect = |norms: &[NormalisedText]| crate::lang::detect(norms.iter().map(|n| n.as_str()));
    let mut lang: Option<Option<&'static str>> = want_lang.then(|| detect(&buf.norms[..n_fields]));
    let mut work: Option<Option<&'static str>> = None;
    for (i, (field, original)) in ad.fields().enumerate() {
        let norm = &buf.norms[i];
        buf.hits.clear();
        lexicon.find_reusing(norm.as_str(), &mut buf.find, &mut buf.hits);
        buf.claims.clear();
        buf.judged.clear();
        // EMSCAD's salary_range has no currency or period: it is not a pay claim.
        if field != TextField::SalaryRange {
            pay::find_pay_claims(norm.as_str(), &mut buf.claims);
            if !buf.claims.is_empty() {
                let needs_lang = buf
                    .claims
                    .iter()
                    .any(|c| pay::judgement_needs_language(c, tables));
                let lang = if needs_lang {
                    *lang.get_or_insert_with(|| detect(&buf.norms[..n_fields]))
                } else {
                    lang.flatten()
                };
                // Where the job is matters only when the applicant's market is unknown.
                let needs_work = buf.claims.iter().any(|c| {
                    pay::judgement_needs_language(c, tables)
                        && pay::origin_market(c.currency, lang) == pay::UNKNOWN_ORIGIN_MARKET
                });
                let work = if needs_work {
                    *work.get_or_insert_with(|| {
                        pay::work_market(buf.norms[..n_fields].iter().map(|n| n.as_str()), tables)
                    })
                } else {
                    None
                };
                buf.judged.extend(
                    buf.claims
                        .iter()
                        .filter_map(|c| pay::judge_at(c, lang, work, tables)),
                );
            }
        }
        let scan = FieldScan {
            field,
            original,
            norm,
            hits: &buf.hits,
            pay: &buf.judged,
            lexicon,
        };
        for d in DETECTORS {
            d.detect_field(&scan, out);
        }
    }
    for d in DETECTORS {
        d.finish(ad, out);
    }
    dedupe(out);
    lang.flatten()
}

/// Drops evidence whose span lies inside another span of the same family and field,
/// unless it is the stronger tell (then both are kept: a family counts at its strongest
/// piece, and the weaker, longer quote would hide it), and sorts by (field, start).
fn dedupe(ev: &mut Vec<Evidence>) {
    let priors = crate::model::priors::embedded_weights();
    let strength = |e: &Evidence| e.strength.unwrap_or(priors[e.family.index()]);
    ev.sort_by(|a, b| {
        (a.field, a.start, std::cmp::Reverse(a.end), a.family).cmp(&(
            b.field,
            b.start,
            std::cmp::Reverse(b.end),
            b.family,
        ))
    });
    // In place: what is kept moves down to `ev[..kept]`, in order; the rest is dropped.
    let mut kept = 0;
    for i in 0..ev.len() {
        let e = &ev[i];
        let inside = ev[..kept].iter().rev().take(16).any(|k| {
            k.family == e.family
                && k.field == e.field
                && k.field.is_some()
                && k.start <= e.start
                && e.end <= k.end
                && strength(e) <= strength(k)
        });
        if !inside {
            ev.swap(kept, i);
            kept += 1;
        }
    }
    ev.truncate(kept);
}

/// Which families have evidence, as a bit set indexed by [`Family::index`].
pub fn families_present(evidence: &[Evidence]) -> [bool; Family::ALL.len()] {
    let mut present = [false; Family::ALL.len()];
    for e in evidence {
        present[e.family.index()] = true;
    }
    present
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedupe_drops_spans_inside_a_kept_span_and_sorts() {
        let ev = |family, start, end| Evidence {
            family,
            field: Some(TextField::Description),
            start,
            end,
            source: EvidenceSource::Rule { rule: "t" },
            detail: None,
            strength: None,
        };
        let mut evidence = vec![
            ev(Family::Fees, 12, 14),
            ev(Family::Pay, 5, 9),
            ev(Family::Pay, 0, 10),
            ev(Family::Fees, 10, 20),
            ev(Family::Contact, 6, 8),
        ];
        dedupe(&mut evidence);
        let spans: Vec<_> = evidence
            .iter()
            .map(|e| (e.family, e.start, e.end))
            .collect();
        assert_eq!(
            spans,
            [
                (Family::Pay, 0, 10),
                (Family::Contact, 6, 8),
                (Family::Fees, 10, 20)
            ]
        );
        // A stronger piece inside a weaker one of its family is kept beside it.
        let mut strong = ev(Family::Reassurance, 4, 8);
        strong.strength = Some(4.5);
        let mut evidence = vec![
            ev(Family::Reassurance, 0, 10),
            strong,
            ev(Family::Reassurance, 5, 7),
        ];
        dedupe(&mut evidence);
        let kept: Vec<_> = evidence.iter().map(|e| (e.start, e.end)).collect();
        assert_eq!(kept, [(0, 10), (4, 8)]);
    }
}
