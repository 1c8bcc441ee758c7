//! Lures in the languages victims read: lexicon coverage and the multilingual samples
//! written for the project.

use std::collections::{BTreeMap, BTreeSet};

use lurescan::ad::Ad;
use lurescan::explain::Scorer;
use lurescan::lure::Lexicon;
use lurescan::model::LureModel;

use crate::util::{csv_rows, repo};

const LANGUAGES: [&str; 15] = [
    "en", "zh", "ko", "ja", "vi", "th", "id", "ms", "tl", "km", "my", "es", "pt", "fr", "sw",
];

#[test]
fn every_language_has_30_entries_across_6_families() {
    let lex = Lexicon::embedded();
    let mut per_lang: BTreeMap<&str, (usize, BTreeSet<String>)> = BTreeMap::new();
    for e in lex.entries() {
        let slot = per_lang.entry(e.lang.as_str()).or_default();
        slot.0 += 1;
        slot.1.insert(e.family.id().to_string());
    }
    for lang in LANGUAGES {
        let (n, families) = per_lang.get(lang).cloned().unwrap_or_default();
        assert!(
            n >= 30 && families.len() >= 6,
            "{lang}: {n} entries across {} families",
            families.len()
        );
    }
}

#[test]
fn multilingual_samples_are_judged_as_expected() {
    let rows = csv_rows(&std::fs::read(repo("data/samples/multilingual.csv")).expect("samples"));
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|c| c == name).expect(name);
    let (id, lang, expected, title, text) = (
        col("id"),
        col("lang"),
        col("expected"),
        col("title"),
        col("text"),
    );
    let model = LureModel::embedded().expect("model");
    let scorer = Scorer::new(&model, Lexicon::embedded());
    let mut wrong = Vec::new();
    let mut seen = BTreeMap::<String, BTreeSet<String>>::new();
    for r in &rows[1..] {
        let ad = Ad::from_text(r[id].clone(), format!("{}\n{}", r[title], r[text]));
        let why = scorer.explain(&ad);
        seen.entry(r[lang].clone())
            .or_default()
            .insert(r[expected].clone());
        if why.verdict.as_str() != r[expected] {
            let fams: Vec<&str> = why.lures.iter().map(|l| l.family.id()).collect();
            wrong.push(format!(
                "{} ({}): expected {}, got {} p={:.3} {:?}",
                r[id],
                r[lang],
                r[expected],
                why.verdict.as_str(),
                why.probability,
                fams
            ));
        }
        // Spans point into the original script.
        let full = format!("{}\n{}", r[title], r[text]);
        for l in &why.lures {
            if l.field.is_some() {
                assert_eq!(&full[l.start..l.end], l.text, "{}", r[id]);
            }
        }
    }
    assert!(wrong.is_empty(), "misjudged samples:\n{}", wrong.join("\n"));
    for lang in LANGUAGES {
        let kinds = seen.get(lang).cloned().unwrap_or_default();
        assert!(
            kinds.contains("lure") && kinds.contains("ok"),
            "{lang} needs both lure and genuine samples"
        );
    }
}
