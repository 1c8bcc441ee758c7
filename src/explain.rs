//! Stage 6: score and explanation. Runs the whole line for one advert (features →
//! model) and turns the result into what a person acts on: the verdict, the probability,
//! each piece of evidence quoted from the advert as written, and what each part of the
//! score contributed.

use std::collections::HashMap;

use serde::Serialize;

use crate::ad::{Ad, TextField};
use crate::features::{AdFeatures, ExtractBuffers, Extractor, walk_terms};
use crate::lure::{Evidence, EvidenceSource, Family, Lexicon, families_present};
use crate::model::{FamilyContribution, LureModel, Verdict};
use crate::normalise::NormalisedText;

/// Scores adverts with one model and one lexicon.
#[derive(Debug, Clone, Copy)]
pub struct Scorer<'a> {
    model: &'a LureModel,
    extractor: Extractor<'a>,
}

/// A piece of evidence, quoted.
///
/// Evidence about the whole advert (a rule over other evidence, such as
/// `pay_with_travel`, or metadata) has no quote and no span: `text`, `start` and `end`
/// are `None` (JSON `null`), never an empty string at `0..0`, which a client that
/// highlights spans would highlight as nothing and one that checks spans would reject.
#[derive(Debug, Clone, Serialize)]
pub struct Lure {
    /// The family's id.
    pub family: Family,
    /// The text as written in the advert (`None` for whole-advert evidence).
    pub text: Option<String>,
    /// Byte offset in the field (`None` for whole-advert evidence).
    pub start: Option<usize>,
    /// Byte offset one past the end in the field (`None` for whole-advert evidence).
    pub end: Option<usize>,
    /// The field (`text` for a free-text advert; absent for metadata evidence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<TextField>,
    /// The lexicon language or rule that matched.
    pub matched_by: String,
    /// More words, where the quote is not enough (pay multiples, metadata).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A text term's part of the score.
#[derive(Debug, Clone, Serialize)]
pub struct TermContribution {
    /// The n-gram as normalised.
    pub term: String,
    /// Log-odds it added (negative: towards genuine).
    pub weight: f32,
}

/// The full explanation of one advert's score.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The advert's id.
    pub id: String,
    /// Probability of a lure at the model's prevalence.
    pub probability: f64,
    /// "lure" or "ok".
    pub verdict: Verdict,
    /// The model's threshold.
    pub threshold: f64,
    /// Prevalence the probability assumes.
    pub prevalence: f64,
    /// Language guess.
    pub lang: Option<&'static str>,
    /// Evidence, in field and text order.
    pub lures: Vec<Lure>,
    /// Each counted family's prior and data parts (log-odds, before calibration).
    pub families: Vec<FamilyContribution>,
    /// Metadata's part of the raw logit.
    pub metadata_part: f64,
    /// Text terms' part of the raw logit, from an advert whose words the model does not
    /// know (0 = the words say nothing either way).
    pub text_part: f64,
    /// The strongest text terms either way.
    pub top_terms: Vec<TermContribution>,
}

impl Explanation {
    /// The document `lurescan check --json` prints and `POST /api/check` returns: pretty
    /// JSON and a final newline. One function, so the two can never differ.
    pub fn to_check_json(&self) -> String {
        // Serialising plain structs of strings and numbers cannot fail; a non-finite
        // float (never produced by the model) would come out as `null`.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// A bulk-scoring result: enough for the CSV contract, evidence kept for `--explain`.
#[derive(Debug, Clone)]
pub struct Scored {
    /// Probability at the model's prevalence.
    pub probability: f64,
    /// Verdict at the model's threshold.
    pub verdict: Verdict,
    /// Families with evidence (iterated in catalogue order).
    pub families: FamilySet,
    /// Language guess.
    pub lang: Option<&'static str>,
    /// Quoted evidence (only when asked for).
    pub lures: Vec<Lure>,
}

/// A set of families, held as one flag per family so that scoring an advert does not
/// allocate for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FamilySet([bool; Family::ALL.len()]);

impl FamilySet {
    /// The families with evidence in `evidence`.
    pub fn of(evidence: &[Evidence]) -> Self {
        FamilySet(families_present(evidence))
    }

    /// The families in the set, in catalogue order.
    pub fn iter(&self) -> impl Iterator<Item = Family> + '_ {
        Family::ALL.into_iter().filter(|f| self.0[f.index()])
    }

    /// Whether `family` is in the set.
    pub fn contains(&self, family: Family) -> bool {
        self.0[family.index()]
    }

    /// Whether the set has no family.
    pub fn is_empty(&self) -> bool {
        !self.0.contains(&true)
    }
}

impl<'a> Scorer<'a> {
    /// A scorer for `model` using `lexicon`.
    pub fn new(model: &'a LureModel, lexicon: &'a Lexicon) -> Self {
        Scorer {
            model,
            extractor: Extractor::new(lexicon).with_filter(model.bucket_filter()),
        }
    }

    /// The model in use.
    pub fn model(&self) -> &'a LureModel {
        self.model
    }

    /// Scores one advert, reusing buffers (the bulk hot path).
    pub fn score_with(
        &self,
        ad: &Ad,
        buf: &mut ExtractBuffers,
        features: &mut AdFeatures,
        explain: bool,
    ) -> Scored {
        self.extractor.extract_into(ad, buf, features);
        let probability = self.model.probability(features);
        let families = FamilySet::of(&features.evidence);
        let lures = if explain {
            self.quote(ad, features)
        } else {
            Vec::new()
        };
        Scored {
            probability,
            verdict: self.model.verdict(probability),
            families,
            lang: features.lang,
            lures,
        }
    }

    fn quote(&self, ad: &Ad, features: &AdFeatures) -> Vec<Lure> {
        let lexicon = self.extractor.lexicon();
        features
            .evidence
            .iter()
            .map(|e| Lure {
                family: e.family,
                // Evidence without a field is about the whole advert: it has no span.
                text: e.field.map(|_| e.quote(ad).to_string()),
                start: e.field.map(|_| e.start),
                end: e.field.map(|_| e.end),
                field: e.field,
                matched_by: match &e.source {
                    EvidenceSource::Lexicon { entry } => lexicon
                        .entries()
                        .get(*entry as usize)
                        .map(|x| format!("lexicon {}: {}", x.lang, x.pattern))
                        .unwrap_or_default(),
                    EvidenceSource::Rule { rule } => format!("rule: {rule}"),
                    EvidenceSource::Pay { .. } => "pay parser".to_string(),
                    EvidenceSource::Metadata { .. } => "metadata".to_string(),
                },
                detail: e.detail.clone(),
            })
            .collect()
    }

    /// Whether bulk scores carry a language guess (`Scored::lang`); explanations always do.
    pub fn with_language(mut self, want_lang: bool) -> Self {
        self.extractor = self.extractor.with_language(want_lang);
        self
    }

    /// Scores one advert and explains the score.
    pub fn explain(&self, ad: &Ad) -> Explanation {
        let features = self.extractor.with_language(true).extract(ad);
        let score = self.model.score(&features);
        Explanation {
            id: ad.id.clone(),
            probability: score.probability,
            verdict: score.verdict,
            threshold: self.model.threshold,
            prevalence: self.model.prevalence,
            lang: features.lang,
            lures: self.quote(ad, &features),
            families: score.families,
            metadata_part: score.meta_part,
            text_part: score.text_part,
            top_terms: self.top_terms(ad, &features, 8),
        }
    }

    /// The `n` text terms that moved the score most, named by walking the advert's
    /// n-grams again (the model keeps only hashes).
    fn top_terms(&self, ad: &Ad, features: &AdFeatures, n: usize) -> Vec<TermContribution> {
        let contributions = self.model.text_contributions(features);
        let wanted: HashMap<u32, f32> = contributions.iter().take(n).copied().collect();
        let mut names: HashMap<u32, String> = HashMap::new();
        let mut norm = NormalisedText::new();
        for (field, text) in ad.fields() {
            norm.normalise(text);
            walk_terms(norm.as_str(), field, |bucket, gram| {
                if wanted.contains_key(&bucket) && !names.contains_key(&bucket) {
                    let name = if field == TextField::Title {
                        format!("title: {gram}")
                    } else {
                        gram.to_string()
                    };
                    names.insert(bucket, name);
                }
            });
        }
        contributions
            .iter()
            .take(n)
            .map(|(b, w)| TermContribution {
                term: names.remove(b).unwrap_or_else(|| format!("#{b}")),
                weight: *w,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lure::EvidenceSource;

    #[test]
    fn family_set_lists_each_family_once_in_catalogue_order() {
        let ev = |family| Evidence::whole_advert(family, EvidenceSource::Rule { rule: "t" }, None);
        let evidence = [
            ev(Family::Legitimacy),
            ev(Family::Pay),
            ev(Family::Contact),
            ev(Family::Pay),
        ];
        let set = FamilySet::of(&evidence);
        let mut sorted: Vec<Family> = evidence.iter().map(|e| e.family).collect();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(set.iter().collect::<Vec<_>>(), sorted);
        assert!(set.contains(Family::Contact) && !set.contains(Family::Fees));
        assert!(!set.is_empty() && FamilySet::of(&[]).is_empty());
    }
}
