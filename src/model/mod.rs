//! Stage 5: the model. A [`LureModel`] is everything needed to score: the text feature
//! space (selected hash buckets, idf, weights), metadata weights, each lure family's
//! expert prior and fitted adjustment (kept apart), the intercept, a calibration fitted on
//! held-out folds, the prevalence the probabilities are shifted to, the verdict threshold,
//! and provenance. Scoring is a sparse dot product; linfa is only needed to train.

pub mod card;
pub mod cv;
pub mod dense;
pub mod priors;
pub mod rowspace;
pub mod train;

use std::collections::HashMap;
use std::io::{BufRead, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::{AdFeatures, BucketFilter, HASH_BITS, HASH_SEED, META_LEN, META_NAMES};
use crate::lure::Family;

pub use train::{LabelledAds, TrainParams, TrainReport, ValidTrainParams};

/// The model format this build reads and writes.
pub const FORMAT: &str = "lurescan-model/1";

/// The default model, trained on EMSCAD's shared split (see `models/README.md`), as
/// gzip-compressed JSON: ~87,000 text terms are 6.6 MB of pretty JSON, 1.3 MB compressed.
pub static DEFAULT_MODEL_GZ: &[u8] = include_bytes!("../../models/default.json.gz");

/// The first two bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The selected text features: hash buckets with their idf and weight.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TextSpace {
    /// Bits of the hash space the buckets come from.
    pub hash_bits: u32,
    /// Seed of the feature hash.
    pub hash_seed: u64,
    /// Selected buckets, sorted.
    pub buckets: Vec<u32>,
    /// Inverse document frequency per selected bucket.
    pub idf: Vec<f32>,
    /// Weight per selected bucket.
    pub weights: Vec<f32>,
    /// Floor of the length normaliser: the 10th-percentile norm of the training adverts' term
    /// vectors. A short advert's few terms would otherwise each get several times the
    /// value they have in the (long) training adverts, and out-of-domain short texts
    /// would get extreme text scores.
    pub norm_floor: f32,
    /// The text contribution of an advert the model knows nothing about, set in training
    /// so that such an advert (no known term, no metadata, no lure) scores the base rate
    /// once calibrated. An advert whose known terms fall short of
    /// [`TextSpace::norm_floor`] (short, or in words the training data never had) gets
    /// the missing share of its text part from this value rather than from zero: zero
    /// text is what EMSCAD's short fraud adverts look like, so a genuine advert in Malay
    /// would otherwise read as fraud for saying nothing the model knows.
    #[serde(default)]
    pub neutral_fill: f32,
    /// The most frequent n-gram seen in each selected bucket during training, so people
    /// can read the weights (hashing itself keeps no names).
    pub terms: Vec<String>,
}

impl TextSpace {
    /// Calls `f(column, value)` for each selected term of an advert, with sublinear tf ×
    /// idf values divided by their l2 norm, or by [`TextSpace::norm_floor`] when that is
    /// larger.
    pub fn for_each_value(
        &self,
        lookup: &BucketLookup,
        terms: &[(u32, f32)],
        mut f: impl FnMut(usize, f32),
    ) {
        // Two passes over the lookups rather than a buffer: no allocation per advert.
        let norm = self.raw_norm(lookup, terms);
        if norm > 0.0 {
            let inv = norm.max(self.norm_floor).recip();
            for (col, v) in terms.iter().filter_map(|t| self.raw_value(lookup, t)) {
                f(col, v * inv);
            }
        }
    }

    /// The l2 norm of an advert's selected terms before normalisation (what
    /// [`TextSpace::norm_floor`] is a percentile of).
    pub fn raw_norm(&self, lookup: &BucketLookup, terms: &[(u32, f32)]) -> f32 {
        let sq: f32 = terms
            .iter()
            .filter_map(|t| self.raw_value(lookup, t))
            .map(|(_, v)| v * v)
            .sum();
        sq.sqrt()
    }

    /// An advert's text part of the raw logit: its terms' contribution, plus the neutral
    /// fill for the share its terms fall short of (the share is the raw norm over
    /// [`TextSpace::norm_floor`], at most 1; see [`TextSpace::neutral_fill`]).
    pub fn text_part(&self, table: &ScoringTable, terms: &[(u32, f32)]) -> f64 {
        // One lookup per term (the scoring hot path), giving idf and weight together: the
        // normaliser and the share come from the same sums as the dot product.
        let (mut squares, mut dot) = (0.0f32, 0.0f64);
        for &(b, n) in terms {
            if let Some(&(idf, weight)) = table.get(&b) {
                let v = sublinear_tf(n) * idf;
                squares += v * v;
                dot += f64::from(v * weight);
            }
        }
        let norm = squares.sqrt();
        if norm == 0.0 {
            return f64::from(self.neutral_fill);
        }
        let own = dot / f64::from(norm.max(self.norm_floor));
        let share = if self.norm_floor > 0.0 {
            (norm / self.norm_floor).min(1.0)
        } else {
            1.0
        };
        own + f64::from((1.0 - share) * self.neutral_fill)
    }

    /// A term's column and sublinear tf × idf value, if the term is selected.
    fn raw_value(&self, lookup: &BucketLookup, &(b, n): &(u32, f32)) -> Option<(usize, f32)> {
        lookup
            .get(&b)
            .map(|&col| (col as usize, sublinear_tf(n) * self.idf[col as usize]))
    }
}

/// `1 + ln n` for a term seen `n` times (most terms are seen once: no logarithm then).
#[inline]
fn sublinear_tf(n: f32) -> f32 {
    if n == 1.0 { 1.0 } else { 1.0 + n.ln() }
}

/// Bucket → (idf, weight) of a model's text terms: what scoring reads, in one probe.
pub type ScoringTable = HashMap<u32, (f32, f32), std::hash::BuildHasherDefault<IdentityHasher>>;

/// Bucket → column, with a pass-through hasher (buckets are hashes already).
pub type BucketLookup = HashMap<u32, u32, std::hash::BuildHasherDefault<IdentityHasher>>;

/// A hasher for keys that are already well-mixed hashes.
#[derive(Default, Clone, Copy)]
pub struct IdentityHasher(u64);
impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = u64::from(i);
    }
}

/// A named metadata weight.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetaWeight {
    /// Feature name (see `features::META_NAMES`).
    pub name: String,
    /// Weight in log-odds.
    pub weight: f32,
}

/// A lure family's weight: the expert prior and the data's adjustment, kept apart.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FamilyWeight {
    /// The family.
    pub family: Family,
    /// Expert prior in log-odds (from `data/priors.tsv`).
    pub prior: f32,
    /// What the training data added (clamped so the total keeps the prior's sign and lies
    /// between half and twice the prior).
    pub fitted: f32,
    /// What the fit on real quoted lures and genuine board adverts added
    /// (`data/family_fit.tsv`, written by `lurescan eval-real --fit-families`): EMSCAD
    /// rarely holds these families, so the real texts say how much each one weighs.
    #[serde(default)]
    pub real: f32,
    /// Why the prior is what it is.
    pub reason: String,
}

impl FamilyWeight {
    /// The weight used in scoring.
    pub fn total(&self) -> f32 {
        self.prior + self.fitted + self.real
    }
}

/// Platt scaling fitted on out-of-fold scores: calibrated logit = slope × raw + intercept.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Calibration {
    /// Multiplies the raw logit.
    pub slope: f64,
    /// Added after.
    pub intercept: f64,
}

/// Where a model came from and how well it did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Provenance {
    /// The training file.
    pub data_file: String,
    /// SHA-256 of the training file's bytes, hex (check with `sha256sum`).
    pub data_sha256: String,
    /// Rows used.
    pub rows: usize,
    /// Positive rows.
    pub positives: usize,
    /// The command line that trained it.
    pub command: String,
    /// lurescan version that trained it.
    pub version: String,
    /// Training parameters, as JSON.
    pub params: serde_json::Value,
    /// Cross-validation report, as JSON.
    pub cross_validation: serde_json::Value,
}

/// A trained lure model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LureModel {
    /// Format tag, [`FORMAT`].
    pub format: String,
    /// Text features.
    pub text: TextSpace,
    /// Metadata weights, in `META_NAMES` order.
    pub meta: Vec<MetaWeight>,
    /// Family weights, in `Family::ALL` order.
    pub families: Vec<FamilyWeight>,
    /// Intercept of the raw logit.
    pub intercept: f64,
    /// Calibration of the raw logit (at the training prevalence).
    pub calibration: Calibration,
    /// Share of positives the calibration saw.
    pub training_prevalence: f64,
    /// Prevalence the reported probabilities assume.
    pub prevalence: f64,
    /// Verdict threshold on the reported probability.
    pub threshold: f64,
    /// How the threshold was chosen.
    pub threshold_rule: String,
    /// Where the model came from.
    pub provenance: Provenance,
    /// Bucket → (idf, weight), rebuilt from `text` on load.
    #[serde(skip)]
    scoring: ScoringTable,
    /// The text space's buckets as a prefilter, for [`crate::features::Extractor::with_filter`].
    #[serde(skip)]
    filter: BucketFilter,
}

/// The verdict on an advert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Probability at or above the model's threshold.
    Lure,
    /// Below it.
    Ok,
}

impl Verdict {
    /// "lure" or "ok".
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Lure => "lure",
            Verdict::Ok => "ok",
        }
    }
}

/// One family's part of a score.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FamilyContribution {
    /// The family.
    pub family: Family,
    /// The expert prior's part (log-odds), scaled by the strength of the family's
    /// strongest evidence (see [`crate::features::family_values`]).
    pub prior: f32,
    /// The data's part (log-odds), scaled alike.
    pub fitted: f32,
    /// The real-lure fit's part (log-odds), scaled alike.
    pub real: f32,
}

impl FamilyContribution {
    /// The family's whole contribution (log-odds).
    pub fn total(&self) -> f32 {
        self.prior + self.fitted + self.real
    }
}

/// A score with its parts.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// Probability that the advert is a lure, at the model's prevalence.
    pub probability: f64,
    /// The verdict at the model's threshold.
    pub verdict: Verdict,
    /// Raw logit (before calibration and prior shift).
    pub raw_logit: f64,
    /// Text features' part of the raw logit, measured from an advert the model knows
    /// nothing about (0: the words say nothing; the rest of that baseline is in the
    /// intercept). See [`TextSpace::neutral_fill`].
    pub text_part: f64,
    /// Metadata's part of the raw logit.
    pub meta_part: f64,
    /// Each counted family's part.
    pub families: Vec<FamilyContribution>,
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The most JSON a model file may hold, decompressed (256 MiB; the default model is about
/// 4 MB): a model file is data anyone can hand over.
pub const MAX_MODEL_BYTES: usize = 256 << 20;

/// A reader that fails with `FileTooLarge` once it has given `left` bytes.
struct Capped<R> {
    inner: R,
    left: usize,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One byte more tells "at the cap" (a clean end) from "over it".
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::ErrorKind::FileTooLarge.into()),
            };
        }
        let n = buf.len().min(self.left);
        let got = self.inner.read(&mut buf[..n])?;
        self.left -= got;
        Ok(got)
    }
}

impl LureModel {
    /// The embedded default model.
    pub fn embedded() -> Result<LureModel> {
        LureModel::from_bytes(DEFAULT_MODEL_GZ, "embedded default model")
    }

    /// Loads a model file: JSON, or gzip-compressed JSON (recognised by its first bytes).
    /// The JSON is parsed as it is read, never held whole, and a file whose JSON runs over
    /// [`MAX_MODEL_BYTES`] (a gzip bomb, say) is refused when it gets there.
    pub fn load(path: &Path) -> Result<LureModel> {
        let source_name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut file = std::io::BufReader::new(file);
        let gzip = file
            .fill_buf()
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?
            .starts_with(&GZIP_MAGIC);
        let json: Box<dyn Read> = if gzip {
            Box::new(flate2::bufread::MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        };
        let capped = std::io::BufReader::new(Capped {
            inner: json,
            left: MAX_MODEL_BYTES,
        });
        let model = serde_json::from_reader(capped).map_err(|e| Error::Model {
            source_name: source_name.clone(),
            reason: match e.io_error_kind() {
                Some(std::io::ErrorKind::FileTooLarge) => format!(
                    "its JSON is over {MAX_MODEL_BYTES} bytes (a model is a few MB): refused"
                ),
                Some(_) if gzip => format!("decompressing: {e}"),
                _ => e.to_string(),
            },
        })?;
        LureModel::checked(model, &source_name)
    }

    /// Parses a model from JSON bytes, gzip-compressed or not.
    fn from_bytes(bytes: &[u8], source_name: &str) -> Result<LureModel> {
        let bad = |reason: String| Error::Model {
            source_name: source_name.to_string(),
            reason,
        };
        let mut text = String::new();
        if bytes.starts_with(&GZIP_MAGIC) {
            flate2::read::GzDecoder::new(bytes)
                .read_to_string(&mut text)
                .map_err(|e| bad(format!("decompressing: {e}")))?;
        } else {
            text = String::from_utf8(bytes.to_vec()).map_err(|e| bad(e.to_string()))?;
        }
        LureModel::from_json(&text, source_name)
    }

    /// Parses and checks a model.
    pub fn from_json(text: &str, source_name: &str) -> Result<LureModel> {
        let bad = |reason: String| Error::Model {
            source_name: source_name.to_string(),
            reason,
        };
        let m: LureModel = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        LureModel::checked(m, source_name)
    }

    /// Checks a parsed model: its format, its feature space and its values.
    fn checked(mut m: LureModel, source_name: &str) -> Result<LureModel> {
        let bad = |reason: String| Error::Model {
            source_name: source_name.to_string(),
            reason,
        };
        if m.format != FORMAT {
            return Err(bad(format!(
                "format {:?}, this build reads {FORMAT:?}",
                m.format
            )));
        }
        if m.text.hash_bits != HASH_BITS || m.text.hash_seed != HASH_SEED {
            return Err(bad("feature hash settings differ from this build's".into()));
        }
        let n = m.text.buckets.len();
        if m.text.idf.len() != n || m.text.weights.len() != n || m.text.terms.len() != n {
            return Err(bad("text buckets, idf and weights differ in length".into()));
        }
        if m.meta.len() != META_LEN || m.meta.iter().zip(META_NAMES).any(|(w, n)| w.name != n) {
            return Err(bad("metadata features differ from this build's".into()));
        }
        if m.families.len() != Family::ALL.len()
            || m.families
                .iter()
                .zip(Family::ALL)
                .any(|(w, f)| w.family != f)
        {
            return Err(bad("lure families differ from this build's".into()));
        }
        for (name, p) in [
            ("prevalence", m.prevalence),
            ("training_prevalence", m.training_prevalence),
            ("threshold", m.threshold),
        ] {
            if !(p > 0.0 && p < 1.0) {
                return Err(bad(format!(
                    "{name} must lie strictly between 0 and 1, is {p}"
                )));
            }
        }
        // A model file is data anyone can hand over: values that would invert or blank
        // every verdict are refused rather than scored with.
        if !(m.calibration.slope.is_finite() && m.calibration.slope > 0.0) {
            return Err(bad(format!(
                "calibration slope must be positive (a negative one inverts every verdict), is {}",
                m.calibration.slope
            )));
        }
        let finite = m.calibration.intercept.is_finite()
            && m.intercept.is_finite()
            && m.text.norm_floor.is_finite()
            && m.text.neutral_fill.is_finite()
            && m.text
                .idf
                .iter()
                .chain(&m.text.weights)
                .all(|v| v.is_finite())
            && m.meta.iter().all(|w| w.weight.is_finite())
            && m.families
                .iter()
                .all(|w| w.prior.is_finite() && w.fitted.is_finite() && w.real.is_finite());
        if !finite {
            return Err(bad(
                "a weight, intercept or calibration value is not a finite number".into(),
            ));
        }
        m.rebuild_lookup();
        Ok(m)
    }

    /// Serialises the model as pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|source| Error::Json {
            context: "writing model".into(),
            source,
        })
    }

    /// Writes the model to a file: pretty JSON, or compact gzip-compressed JSON when the
    /// path ends in `.gz`. The file appears whole or not at all
    /// ([`AtomicFile`](crate::output::AtomicFile)).
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut file = crate::output::AtomicFile::create(path)?;
        self.write_to(&mut file, Self::gzip_path(path))
            .map_err(|source| match source {
                Error::Io { source, .. } => Error::Io {
                    path: path.to_path_buf(),
                    source,
                },
                other => other,
            })?;
        file.commit()
    }

    /// Whether [`LureModel::save`] compresses a model written to `path` (`.gz`).
    pub fn gzip_path(path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "gz")
    }

    /// Writes the model to `out`: pretty JSON, or compact gzip-compressed JSON.
    pub fn write_to(&self, out: &mut dyn Write, gzip: bool) -> Result<()> {
        let io = |source| Error::Io {
            path: "<model>".into(),
            source,
        };
        if gzip {
            let json = serde_json::to_vec(self).map_err(|source| Error::Json {
                context: "writing model".into(),
                source,
            })?;
            let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::best());
            gz.write_all(&json).map_err(io)?;
            gz.finish().map_err(io)?;
            Ok(())
        } else {
            out.write_all((self.to_json()? + "\n").as_bytes())
                .map_err(io)
        }
    }

    pub(crate) fn rebuild_lookup(&mut self) {
        self.scoring = self
            .text
            .buckets
            .iter()
            .zip(self.text.idf.iter().zip(&self.text.weights))
            .map(|(&b, (&idf, &w))| (b, (idf, w)))
            .collect();
        self.filter = BucketFilter::new(self.text.buckets.iter().copied());
    }

    /// The text space's buckets as a prefilter: an extractor filtered by it gives the same
    /// scores with less work.
    pub fn bucket_filter(&self) -> &BucketFilter {
        &self.filter
    }

    /// Returns a copy whose probabilities assume another prevalence (the threshold moves
    /// with it, so verdicts stay the same).
    pub fn with_prevalence(&self, prevalence: f64) -> Result<LureModel> {
        if !(prevalence > 0.0 && prevalence < 1.0) {
            return Err(Error::InvalidParameter {
                name: "prevalence",
                reason: format!("{prevalence} is not in (0, 1)"),
            });
        }
        let mut m = self.clone();
        let shift = logit(prevalence) - logit(self.prevalence);
        m.threshold = sigmoid(logit(self.threshold) + shift);
        m.prevalence = prevalence;
        Ok(m)
    }

    /// The raw logit's parts (text, metadata, families): the logit is the intercept plus
    /// their sum.
    pub fn parts(&self, f: &AdFeatures) -> (f64, f64, f64) {
        let text = self.text.text_part(&self.scoring, &f.terms);
        let meta: f64 = f
            .meta
            .iter()
            .zip(&self.meta)
            .map(|(x, w)| f64::from(x * w.weight))
            .sum();
        let fam: f64 = f
            .families
            .iter()
            .zip(&self.families)
            .map(|(x, w)| f64::from(x * w.total()))
            .sum();
        (text, meta, fam)
    }

    /// The log-odds at the model's prevalence without the family part, and the factor the
    /// raw family part is multiplied by in them (the calibration slope): the probability
    /// is `sigmoid(offset + slope × Σ weight × value)` over the families. What a refit of
    /// the family weights needs (see [`crate::realeval::family_fit`]).
    pub fn family_free_logit(&self, f: &AdFeatures) -> (f64, f64) {
        let (text, meta, _) = self.parts(f);
        let raw = self.intercept + text + meta;
        let slope = self.calibration.slope;
        let offset = slope * raw + self.calibration.intercept + logit(self.prevalence)
            - logit(self.training_prevalence);
        (offset, slope)
    }

    /// The raw logit of an advert (before calibration).
    pub fn raw_logit(&self, f: &AdFeatures) -> f64 {
        self.logit_of(self.parts(f))
    }

    /// The raw logit from an advert's (text, metadata, family) parts.
    fn logit_of(&self, (text, meta, family): (f64, f64, f64)) -> f64 {
        self.intercept + text + meta + family
    }

    /// Probability at the model's prevalence for a raw logit.
    pub fn probability_from_raw(&self, raw: f64) -> f64 {
        let calibrated = self.calibration.slope * raw + self.calibration.intercept;
        sigmoid(calibrated + logit(self.prevalence) - logit(self.training_prevalence))
    }

    /// The probability only (the bulk-scoring hot path).
    pub fn probability(&self, f: &AdFeatures) -> f64 {
        self.probability_from_raw(self.raw_logit(f))
    }

    /// The verdict for a probability.
    pub fn verdict(&self, probability: f64) -> Verdict {
        if probability >= self.threshold {
            Verdict::Lure
        } else {
            Verdict::Ok
        }
    }

    /// Scores an advert's features, with the parts of the score.
    pub fn score(&self, f: &AdFeatures) -> Score {
        // One pass over the terms: `raw_logit` would take the parts again.
        let parts = self.parts(f);
        let (text_part, meta_part, _) = parts;
        let raw_logit = self.logit_of(parts);
        let probability = self.probability_from_raw(raw_logit);
        let families = Family::ALL
            .iter()
            .zip(&self.families)
            .filter(|(fam, _)| f.families[fam.index()] > 0.0)
            .map(|(&family, w)| {
                // The family's strongest evidence scales both parts alike.
                let value = f.families[family.index()];
                FamilyContribution {
                    family,
                    prior: w.prior * value,
                    fitted: w.fitted * value,
                    real: w.real * value,
                }
            })
            .collect();
        Score {
            probability,
            verdict: self.verdict(probability),
            raw_logit,
            text_part: text_part - f64::from(self.text.neutral_fill),
            meta_part,
            families,
        }
    }

    /// Each selected text term's contribution to the raw logit, by bucket, largest first.
    pub fn text_contributions(&self, f: &AdFeatures) -> Vec<(u32, f32)> {
        let known = || {
            f.terms.iter().filter_map(|&(b, n)| {
                self.scoring
                    .get(&b)
                    .map(|&(idf, weight)| (b, sublinear_tf(n) * idf, weight))
            })
        };
        let norm = known().map(|(_, v, _)| v * v).sum::<f32>().sqrt();
        let mut out = Vec::new();
        if norm > 0.0 {
            let inv = norm.max(self.text.norm_floor).recip();
            out.extend(known().map(|(b, v, weight)| (b, v * inv * weight)));
        }
        out.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model saved as JSON or as gzip-compressed JSON loads back identical.
    #[test]
    fn saved_models_load_back_in_both_forms() {
        let model = LureModel::embedded().expect("embedded model");
        let dir = std::env::temp_dir().join(format!("lurescan-model-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for name in ["m.json", "m.json.gz"] {
            let path = dir.join(name);
            model.save(&path).expect("saves");
            let back = LureModel::load(&path).expect("loads");
            assert_eq!(
                back.to_json().expect("json"),
                model.to_json().expect("json"),
                "{name}"
            );
        }
        // Values that would invert or blank every verdict are refused.
        let json = model.to_json().expect("json");
        let mut v: serde_json::Value = serde_json::from_str(&json).expect("parses");
        v["calibration"]["slope"] = serde_json::json!(-0.85);
        let err = LureModel::from_json(&v.to_string(), "m").expect_err("negative slope");
        assert!(
            err.to_string()
                .contains("calibration slope must be positive"),
            "{err}"
        );
        let gz = std::fs::read(dir.join("m.json.gz")).expect("reads");
        assert!(gz.starts_with(&GZIP_MAGIC));
        assert!(LureModel::from_bytes(&gz[..gz.len() / 2], "cut").is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
