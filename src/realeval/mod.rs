//! Measurement on real recruitment texts: the shared development data that public
//! reporting quoted (`real_lures_dev/texts.csv`: lures and genuine texts in many
//! languages, each with its source page) and real genuine job-board adverts
//! (`genuine_sea_dev/ads.csv`, and `excerpts.csv`: the same adverts cut to a lure's
//! length, so that "short" cannot pass for "lure").
//!
//! Held out by source: a lexicon entry whose note cites a source (its URL, or
//! `genuine_sea_dev:<part>` for a board's adverts) is left out when the texts of that
//! source are scored, so an entry chosen from a page earns nothing on that page. The
//! lure families' weights are fitted on these texts ([`family_fit`]), so held out they
//! are refitted per fold: the texts are split into five folds by source, and each fold is
//! scored with weights fitted on the other four. The text model's weights come from
//! EMSCAD alone. What this does not hold out: the family priors and the pay grading, a
//! dozen numbers set by the project while looking at these figures (say so wherever the
//! figures are reported).
//!
//! The texts are read from `../shared`, never copied into the repository: they belong to
//! their authors.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::ad::Ad;
use crate::error::{Error, Result};
use crate::explain::{FamilySet, Scorer};
use crate::features::{AdFeatures, ExtractBuffers};
use crate::input::{FieldMapping, Records};
use crate::lure::Lexicon;
use crate::metrics;
use crate::model::{LureModel, Verdict};

pub mod family_fit;

use family_fit::FitRow;

/// Seed for the source-grouped folds of the family refit.
const FOLD_SEED: u64 = 42;

/// The prevalence of lures the board-level figures assume (one advert in 200).
pub const BOARD_PREVALENCE: f64 = 0.005;

/// What a real text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextKind {
    /// A whole advert, post or message.
    Advert,
    /// A sentence or more of one advert.
    Excerpt,
    /// Wording a source says real posts used: a tell, not a post.
    Phrase,
}

/// Which file a text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    /// `real_lures_dev/texts.csv`.
    QuotedTexts,
    /// `genuine_sea_dev/ads.csv`: whole genuine board adverts.
    BoardAdverts,
    /// `genuine_sea_dev/excerpts.csv`: genuine adverts cut to a lure's length.
    BoardExcerpts,
}

/// One real text with its label and the source it is grouped by.
#[derive(Debug, Clone)]
pub struct RealText {
    /// The advert as the scorer reads it.
    pub ad: Ad,
    /// `true` for a lure.
    pub label: bool,
    /// Advert, excerpt or phrase.
    pub kind: TextKind,
    /// Which file.
    pub collection: Collection,
    /// Language code given by the data ("" for board adverts, which are mixed).
    pub lang: String,
    /// The source the text is grouped by: the page's URL, or `genuine_sea_dev:<part>`.
    pub group: String,
}

/// The shared development data.
#[derive(Debug, Clone, Default)]
pub struct RealDevData {
    /// Every text, quoted texts first, then board adverts, then excerpts.
    pub texts: Vec<RealText>,
}

impl RealDevData {
    /// Reads the three files under `dir` (`../shared/data` from the repository root).
    pub fn load(dir: &Path) -> Result<RealDevData> {
        let mut data = RealDevData::default();
        data.read_quoted(&dir.join("real_lures_dev/texts.csv"))?;
        for (file, collection, kind) in [
            ("ads.csv", Collection::BoardAdverts, TextKind::Advert),
            ("excerpts.csv", Collection::BoardExcerpts, TextKind::Excerpt),
        ] {
            data.read_board(&dir.join("genuine_sea_dev").join(file), collection, kind)?;
        }
        Ok(data)
    }

    fn read_quoted(&mut self, path: &Path) -> Result<()> {
        let mapping = FieldMapping {
            id_col: Some("id".into()),
            text_cols: Some(vec!["text".into()]),
            label_col: Some("label".into()),
            keep_cols: vec!["kind".into(), "lang".into(), "source_url".into()],
            ..FieldMapping::new()
        };
        for item in Records::open(path, None, mapping)? {
            let rec = item?.map_err(|r| record_error(path, r))?;
            let bad = |reason: String| Error::Record {
                record: rec.record,
                line: rec.line,
                id: Some(rec.ad.id.clone()),
                reason: format!("{}: {reason}", path.display()),
            };
            let kind = match rec.kept[0].trim() {
                "advert" => TextKind::Advert,
                "excerpt" => TextKind::Excerpt,
                "phrase" => TextKind::Phrase,
                other => return Err(bad(format!("unknown kind {other:?}"))),
            };
            let group = rec.kept[2].trim().to_string();
            if group.is_empty() {
                return Err(bad("no source_url".into()));
            }
            let label = rec.label.ok_or_else(|| bad("no label".into()))?;
            self.texts.push(RealText {
                lang: rec.kept[1].trim().to_string(),
                ad: rec.ad,
                label,
                kind,
                collection: Collection::QuotedTexts,
                group,
            });
        }
        Ok(())
    }

    fn read_board(&mut self, path: &Path, collection: Collection, kind: TextKind) -> Result<()> {
        let mapping = FieldMapping {
            label_col: Some("fraudulent".into()),
            ..FieldMapping::new()
        };
        for item in Records::open(path, None, mapping)? {
            let rec = item?.map_err(|r| record_error(path, r))?;
            // The board part is the id's prefix ("camhr2022-9", "jobthai-123~x").
            let part = rec.ad.id.split(['-', '~']).next().unwrap_or_default();
            self.texts.push(RealText {
                group: format!("genuine_sea_dev:{part}"),
                label: rec.label.unwrap_or(false),
                ad: rec.ad,
                kind,
                collection,
                lang: String::new(),
            });
        }
        Ok(())
    }
}

fn record_error(path: &Path, r: crate::input::Rejection) -> Error {
    Error::Record {
        record: r.record,
        line: r.line,
        id: r.id,
        reason: format!("{}: {}", path.display(), r.reason),
    }
}

/// How one text scored.
#[derive(Debug, Clone, Serialize)]
pub struct TextResult {
    /// The text's id.
    pub id: String,
    /// Which file.
    pub collection: Collection,
    /// Advert, excerpt or phrase.
    pub kind: TextKind,
    /// Language code ("" when the data gives none).
    pub lang: String,
    /// `true` for a lure.
    pub label: bool,
    /// Probability at the model's prevalence.
    pub probability: f64,
    /// Flagged as a lure.
    pub flagged: bool,
    /// The families with evidence, as ids.
    pub families: Vec<&'static str>,
    /// Lexicon entries left out for this text's source (0 when none cites it).
    pub held_out_entries: usize,
    /// The quoted evidence behind the families, as `check --json` gives it (held-out
    /// entries excluded), so a miss or a false alarm can be read without rescoring.
    pub evidence: Vec<crate::explain::Lure>,
}

/// A count of texts and how many of them were flagged, with a 95% Wilson interval.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rate {
    /// Texts.
    pub n: usize,
    /// Flagged as lures.
    pub flagged: usize,
    /// flagged / n.
    pub rate: f64,
    /// 95% Wilson interval, low end.
    pub low: f64,
    /// 95% Wilson interval, high end.
    pub high: f64,
}

impl Rate {
    fn of<'a>(results: impl Iterator<Item = &'a TextResult>) -> Rate {
        let (mut n, mut flagged) = (0, 0);
        for r in results {
            n += 1;
            flagged += usize::from(r.flagged);
        }
        let (low, high) = wilson(flagged, n);
        Rate {
            n,
            flagged,
            rate: if n == 0 {
                0.0
            } else {
                flagged as f64 / n as f64
            },
            low,
            high,
        }
    }
}

/// The 95% Wilson score interval for `k` successes in `n` trials.
fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (n, p, z) = (n as f64, k as f64 / n as f64, 1.96f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Everything measured.
#[derive(Debug, Clone, Serialize)]
pub struct RealReport {
    /// Whether lexicon entries were held out by source (the honest figure) or not.
    pub held_out_by_source: bool,
    /// The model's prevalence and threshold (the verdicts' operating point).
    pub prevalence: f64,
    /// The verdict threshold at that prevalence.
    pub threshold: f64,
    /// Lures that are whole adverts or excerpts: caught.
    pub lure_adverts_and_excerpts: Rate,
    /// The same by language.
    pub lure_adverts_and_excerpts_by_lang: Vec<(String, Rate)>,
    /// Lure phrases (tells, not posts): caught.
    pub lure_phrases: Rate,
    /// Genuine quoted texts (legal overseas recruitment): flagged.
    pub genuine_quoted: Rate,
    /// Whole genuine board adverts: flagged.
    pub board_adverts: Rate,
    /// Genuine board adverts that mention visas, flights, relocation or housing: flagged.
    pub board_adverts_with_travel: Rate,
    /// Genuine board excerpts of a lure's length: flagged.
    pub board_excerpts: Rate,
    /// PR-AUC (average precision) of lure adverts and excerpts against the board
    /// excerpts, re-weighted to [`BOARD_PREVALENCE`].
    pub pr_auc_vs_excerpts: f64,
    /// ROC-AUC of lure adverts and excerpts against the board excerpts.
    pub roc_auc_vs_excerpts: f64,
    /// ROC-AUC of lure adverts and excerpts against whole board adverts.
    pub roc_auc_vs_adverts: f64,
    /// What text length alone ranks (shorter = more lure-like) against the excerpts: a
    /// score near this one would be measuring length, not evidence.
    pub length_only_roc_auc_vs_excerpts: f64,
    /// The same against whole adverts.
    pub length_only_roc_auc_vs_adverts: f64,
    /// Sources whose texts were scored without some entries (entries cite them).
    pub sources_with_held_out_entries: usize,
    /// The family weights each outer fold was scored with (empty when not held out: the
    /// model's own weights), by family id.
    pub family_weights_by_fold: Vec<Vec<(&'static str, f32)>>,
    /// Every text's result.
    pub texts: Vec<TextResult>,
}

/// Words that mark an advert as offering travel, a visa or housing (the hard genuine
/// cases: the issue's "adverts that mention visas, flights, relocation or housing").
static TRAVEL_WORDS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)\b(visas?|work permits?|flights?|air ?fares?|air ?tickets?|relocat\w*|accommodations?|housing|dormitor\w*|lodging|board and lodging)\b|vé máy bay|chỗ ở|nhà ở|ký túc xá|thị thực|ที่พัก|วีซ่า|ตั๋วเครื่องบิน|tiket pesawat|akomodasi|mess karyawan|tempat tinggal|住宿|宿舍|签证|簽證|机票|機票",
    )
    .unwrap_or_else(|e| panic!("static regex: {e}"))
});

/// Whether an advert mentions visas, flights, relocation or housing.
pub fn mentions_travel(ad: &Ad) -> bool {
    ad.fields().any(|(_, t)| TRAVEL_WORDS.is_match(t))
}

/// Whether a note cites `source` as a whole URL: what follows it cannot continue a URL
/// (a space, the end, `;`, `:`, `,`, closing brackets, or a full stop that ends the
/// sentence), so that a page's URL does not also cite a longer URL it starts, and
/// punctuation after a citation does not hide it.
fn cites(note: &str, source: &str) -> bool {
    note.match_indices(source).any(|(at, _)| {
        let mut rest = note[at + source.len()..].chars();
        match rest.next() {
            None => true,
            Some('.') => rest.next().is_none_or(char::is_whitespace),
            Some(c) => !(c.is_alphanumeric() || "/-_~%?=&#+".contains(c)),
        }
    })
}

/// Drops every entry line whose note (fourth column) contains `group` from the lexicon
/// sources; returns the sources and how many lines were dropped.
fn without_citing(sources: &[(String, String)], group: &str) -> (Vec<(String, String)>, usize) {
    let mut dropped = 0;
    let kept = sources
        .iter()
        .map(|(name, text)| {
            let lines: Vec<&str> = text
                .lines()
                .filter(|line| {
                    let cites = !line.trim_start().starts_with('#')
                        && line
                            .split('\t')
                            .nth(3)
                            .is_some_and(|note| cites(note, group));
                    dropped += usize::from(cites);
                    !cites
                })
                .collect();
            (name.clone(), lines.join("\n"))
        })
        .collect();
    (kept, dropped)
}

/// Scores every text with `model` and lexicons built from `sources` and measures the
/// result. With `hold_out`, lexicon entries citing a text's source are left out for it,
/// and the family weights are refitted per source-grouped fold (see the module docs).
pub fn evaluate(
    model: &LureModel,
    sources: &[(String, String)],
    data: &RealDevData,
    hold_out: bool,
) -> Result<RealReport> {
    let (mut results, rows, held_out_sources) = score_texts(model, sources, data, hold_out)?;
    let mut family_weights_by_fold = Vec::new();
    if hold_out {
        let groups = group_indices(data);
        let (logits, fits) =
            family_fit::out_of_fold(&rows, &groups, &fit_center(model), FOLD_SEED)?;
        for (r, z) in results.iter_mut().zip(logits) {
            r.probability = 1.0 / (1.0 + (-z).exp());
            r.flagged = model.verdict(r.probability) == Verdict::Lure;
        }
        family_weights_by_fold = fits
            .iter()
            .map(|f| {
                crate::lure::Family::ALL
                    .iter()
                    .map(|fam| (fam.id(), f.weights[fam.index()]))
                    .collect()
            })
            .collect();
    }
    let mut report = measure(model, data, results, hold_out, held_out_sources)?;
    report.family_weights_by_fold = family_weights_by_fold;
    Ok(report)
}

/// Fits the family weights on every text (evidence held out by source, as `evaluate`
/// scores it) with the penalty chosen by source-grouped cross-validation: what
/// `data/family_fit.tsv` holds. Returns the file's text.
pub fn fit_families(
    model: &LureModel,
    sources: &[(String, String)],
    data: &RealDevData,
) -> Result<String> {
    let (_, rows, _) = score_texts(model, sources, data, true)?;
    let center = fit_center(model);
    let fit = family_fit::fit_chosen(&rows, &group_indices(data), &center, FOLD_SEED)?;
    Ok(family_fit::to_tsv(&fit, &center, &rows))
}

/// What the family refit is penalised towards: the model's weights without its own
/// real-lure adjustment (the expert prior plus EMSCAD's part).
fn fit_center(model: &LureModel) -> [f32; crate::lure::Family::ALL.len()] {
    let mut center = [0.0; crate::lure::Family::ALL.len()];
    for w in &model.families {
        center[w.family.index()] = w.prior + w.fitted;
    }
    center
}

/// Each text's source group as an index.
fn group_indices(data: &RealDevData) -> Vec<usize> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    data.texts
        .iter()
        .map(|t| {
            let next = ids.len();
            *ids.entry(t.group.as_str()).or_insert(next)
        })
        .collect()
}

/// Scores every text; returns the results, the family-fit rows and how many sources had
/// entries held out.
fn score_texts(
    model: &LureModel,
    sources: &[(String, String)],
    data: &RealDevData,
    hold_out: bool,
) -> Result<(Vec<TextResult>, Vec<FitRow>, usize)> {
    let full = Lexicon::from_sources(sources.iter().cloned())?;
    let score_one = |lexicon: &Lexicon,
                     held_out_entries: usize,
                     t: &RealText,
                     buf: &mut ExtractBuffers,
                     features: &mut AdFeatures| {
        let scored = Scorer::new(model, lexicon).score_with(&t.ad, buf, features, true);
        let (offset, slope) = model.family_free_logit(features);
        let row = FitRow {
            values: features.families,
            offset,
            slope,
            label: t.label,
        };
        let result = TextResult {
            id: t.ad.id.clone(),
            collection: t.collection,
            kind: t.kind,
            lang: t.lang.clone(),
            label: t.label,
            probability: scored.probability,
            flagged: scored.verdict == Verdict::Lure,
            families: family_ids(&scored.families),
            held_out_entries,
            evidence: scored.lures,
        };
        (result, row)
    };
    // The texts of each source that some entry cites are scored with a lexicon built
    // without those entries, one source at a time (built, used and dropped in turn: a
    // lexicon per source held at once took gigabytes); every other text with the full one.
    let mut by_group: HashMap<&str, Vec<usize>> = HashMap::new();
    if hold_out {
        for (i, t) in data.texts.iter().enumerate() {
            by_group.entry(t.group.as_str()).or_default().push(i);
        }
    }
    let mut groups: Vec<(&str, Vec<usize>)> = by_group.into_iter().collect();
    groups.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let held_out: Vec<Vec<(usize, (TextResult, FitRow))>> = groups
        .par_iter()
        .map(|(group, members)| {
            let (kept, dropped) = without_citing(sources, group);
            if dropped == 0 {
                return Ok(Vec::new());
            }
            let lexicon = Lexicon::from_sources(kept)?;
            let (mut buf, mut features) = (ExtractBuffers::default(), AdFeatures::default());
            Ok(members
                .iter()
                .map(|&i| {
                    let t = &data.texts[i];
                    (i, score_one(&lexicon, dropped, t, &mut buf, &mut features))
                })
                .collect())
        })
        .collect::<Result<_>>()?;
    let sources_held_out = held_out.iter().filter(|g| !g.is_empty()).count();
    let mut slots: Vec<Option<(TextResult, FitRow)>> = vec![None; data.texts.len()];
    for (i, scored) in held_out.into_iter().flatten() {
        slots[i] = Some(scored);
    }
    let rest: Vec<(usize, (TextResult, FitRow))> = slots
        .par_iter()
        .enumerate()
        .filter(|(_, slot)| slot.is_none())
        .map_init(
            || (ExtractBuffers::default(), AdFeatures::default()),
            |(buf, features), (i, _)| (i, score_one(&full, 0, &data.texts[i], buf, features)),
        )
        .collect();
    for (i, scored) in rest {
        slots[i] = Some(scored);
    }
    let (results, rows) = slots.into_iter().flatten().unzip();
    Ok((results, rows, sources_held_out))
}

fn family_ids(set: &FamilySet) -> Vec<&'static str> {
    set.iter().map(|f| f.id()).collect()
}

fn measure(
    model: &LureModel,
    data: &RealDevData,
    texts: Vec<TextResult>,
    hold_out: bool,
    sources_with_held_out_entries: usize,
) -> Result<RealReport> {
    let quoted = |r: &&TextResult| r.collection == Collection::QuotedTexts;
    let lure_post = |r: &&TextResult| quoted(r) && r.label && r.kind != TextKind::Phrase;
    let mut langs: Vec<String> = texts
        .iter()
        .filter(lure_post)
        .map(|r| r.lang.clone())
        .collect();
    langs.sort();
    langs.dedup();
    let by_lang = langs
        .into_iter()
        .map(|lang| {
            let rate = Rate::of(texts.iter().filter(lure_post).filter(|r| r.lang == lang));
            (lang, rate)
        })
        .collect();
    let travel: Vec<bool> = data.texts.iter().map(|t| mentions_travel(&t.ad)).collect();
    let lengths: Vec<f64> = data.texts.iter().map(|t| t.ad.text_len() as f64).collect();

    // Lure posts against one genuine collection: (model scores, -length, labels).
    let against = |negatives: Collection| {
        let mut scores = Vec::new();
        let mut shortness = Vec::new();
        let mut labels = Vec::new();
        for (i, r) in texts.iter().enumerate() {
            let positive = lure_post(&r);
            if positive || r.collection == negatives {
                scores.push(r.probability);
                shortness.push(-lengths[i]);
                labels.push(positive);
            }
        }
        (scores, shortness, labels)
    };
    let (exc_scores, exc_short, exc_labels) = against(Collection::BoardExcerpts);
    let (ad_scores, ad_short, ad_labels) = against(Collection::BoardAdverts);
    Ok(RealReport {
        held_out_by_source: hold_out,
        prevalence: model.prevalence,
        threshold: model.threshold,
        lure_adverts_and_excerpts: Rate::of(texts.iter().filter(lure_post)),
        lure_adverts_and_excerpts_by_lang: by_lang,
        lure_phrases: Rate::of(
            texts
                .iter()
                .filter(|r| quoted(r) && r.label && r.kind == TextKind::Phrase),
        ),
        genuine_quoted: Rate::of(texts.iter().filter(|r| quoted(r) && !r.label)),
        board_adverts: Rate::of(
            texts
                .iter()
                .filter(|r| r.collection == Collection::BoardAdverts),
        ),
        board_adverts_with_travel: Rate::of(
            texts
                .iter()
                .zip(&travel)
                .filter(|(r, t)| r.collection == Collection::BoardAdverts && **t)
                .map(|(r, _)| r),
        ),
        board_excerpts: Rate::of(
            texts
                .iter()
                .filter(|r| r.collection == Collection::BoardExcerpts),
        ),
        pr_auc_vs_excerpts: metrics::average_precision(
            &exc_scores,
            &exc_labels,
            Some(BOARD_PREVALENCE),
        )?,
        roc_auc_vs_excerpts: metrics::roc_auc(&exc_scores, &exc_labels)?,
        roc_auc_vs_adverts: metrics::roc_auc(&ad_scores, &ad_labels)?,
        length_only_roc_auc_vs_excerpts: metrics::roc_auc(&exc_short, &exc_labels)?,
        length_only_roc_auc_vs_adverts: metrics::roc_auc(&ad_short, &ad_labels)?,
        sources_with_held_out_entries,
        family_weights_by_fold: Vec::new(),
        texts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_brackets_the_rate() {
        let (lo, hi) = wilson(8, 10);
        assert!(lo < 0.8 && 0.8 < hi && lo > 0.4 && hi < 0.97, "{lo} {hi}");
        assert_eq!(wilson(0, 0), (0.0, 1.0));
        let (lo, _) = wilson(0, 50);
        assert_eq!(lo, 0.0);
    }

    #[test]
    fn entries_citing_a_source_are_dropped_and_counted() {
        let sources = vec![(
            "xx.tsv".to_string(),
            "# header cites https://a.example/1\n\
             pay\tphrase\tbig money\tseen at https://a.example/1\n\
             pay\tphrase\tfast money\t[T]\n\
             pay\tphrase\tquick money\tseen at https://a.example/10\n"
                .to_string(),
        )];
        let (kept, dropped) = without_citing(&sources, "https://a.example/1");
        assert_eq!(
            dropped, 1,
            "a longer URL that starts the same is another page"
        );
        assert!(kept[0].1.contains("quick money"));
        assert!(kept[0].1.contains("fast money"));
        assert!(kept[0].1.contains("# header"), "comments are kept");
        let (_, none) = without_citing(&sources, "https://b.example/");
        assert_eq!(none, 0);
        for note in [
            "[D] https://a.example/1: quoted",
            "(https://a.example/1)",
            "see https://a.example/1.",
            "https://a.example/1;https://c.example/",
        ] {
            assert!(cites(note, "https://a.example/1"), "{note}");
        }
        for note in [
            "https://a.example/1/2",
            "https://a.example/1.html",
            "https://a.example/1?x",
        ] {
            assert!(!cites(note, "https://a.example/1"), "{note}");
        }
    }

    #[test]
    fn travel_mentions_in_several_scripts() {
        for yes in [
            "Visa and accommodation provided",
            "hỗ trợ chỗ ở",
            "มีที่พัก",
            "提供宿舍",
        ] {
            assert!(mentions_travel(&Ad::from_text("t", yes)), "{yes}");
        }
        assert!(!mentions_travel(&Ad::from_text(
            "t",
            "Accountant, Phnom Penh"
        )));
    }
}
