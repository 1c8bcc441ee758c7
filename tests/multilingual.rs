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

/// Every genuine sample is judged "ok" and all lures but at most one "lure".
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
            if let (Some(start), Some(end), Some(quote)) = (l.start, l.end, &l.text) {
                assert_eq!(&full[start..end], quote, "{}", r[id]);
            }
        }
    }
    // No genuine sample may be flagged; one lure may sit just under the threshold (an
    // earlier default model put the Spanish task scam ML-es-02 at 0.434 against its 0.443:
    // easy work, an upfront fee, no interview and contact by inbox, in 40 words).
    let false_alarms = wrong.iter().filter(|w| w.contains("expected ok")).count();
    assert!(
        false_alarms == 0 && wrong.len() <= 1,
        "misjudged samples:\n{}",
        wrong.join("\n")
    );
    for lang in LANGUAGES {
        let kinds = seen.get(lang).cloned().unwrap_or_default();
        assert!(
            kinds.contains("lure") && kinds.contains("ok"),
            "{lang} needs both lure and genuine samples"
        );
    }
}

/// One sentence per language, written for the project: the relocation lure in it is found
/// in that language's own script and quoted exactly as written (mixed case, fullwidth or
/// extra spaces where the language's adverts have them).
#[test]
fn each_language_finds_its_relocation_lure_in_the_original_script() {
    let cases: [(&str, &str, &str); 15] = [
        (
            "en",
            "Apply now! FREE FLIGHT TICKET and housing for all staff.",
            "FREE FLIGHT TICKET",
        ),
        ("zh", "招聘客服，包吃包住，月薪优厚。", "包吃包住"),
        (
            "ko",
            "해외 콜센터 직원 모집, 숙식 제공됩니다, 연락 주세요",
            "숙식 제공됩니다",
        ),
        (
            "ja",
            "海外コールセンター募集！寮完備、すぐ働けます。",
            "寮完備",
        ),
        (
            "vi",
            "Tuyển nhân viên văn phòng, Bao Ăn Ở, lương tốt.",
            "Bao Ăn Ở",
        ),
        (
            "th",
            "รับสมัครพนักงาน มีที่พักและอาหารให้ ติดต่อเลย",
            "มีที่พักและอาหารให้",
        ),
        (
            "id",
            "Lowongan admin, Tiket Pesawat Gratis, segera daftar.",
            "Tiket Pesawat Gratis",
        ),
        (
            "ms",
            "Jawatan kosong di luar negara, tiket kapal terbang percuma!",
            "tiket kapal terbang percuma",
        ),
        (
            "tl",
            "Hiring CSR abroad, libreng pamasahe at tirahan.",
            "libreng pamasahe",
        ),
        (
            "km",
            "ជ្រើសរើសបុគ្គលិក សំបុត្រយន្តហោះឥតគិតថ្លៃ ទាក់ទងមកយើង",
            "សំបុត្រយន្តហោះឥតគិតថ្លៃ",
        ),
        (
            "my",
            "ဝန်ထမ်းခေါ်မည် နေစရာ စားစရာ အခမဲ့ ဆက်သွယ်ပါ",
            "နေစရာ စားစရာ အခမဲ့",
        ),
        (
            "es",
            "Se busca personal, boleto de avión pagado y buen sueldo.",
            "boleto de avión pagado",
        ),
        (
            "pt",
            "Vaga no exterior com passagem paga e salário em dólar.",
            "passagem paga",
        ),
        (
            "fr",
            "Poste à l'étranger, logé et nourri, départ rapide.",
            "logé et nourri",
        ),
        (
            "sw",
            "Nafasi za kazi nje ya nchi, tiketi ya ndege bure kwa wote.",
            "tiketi ya ndege bure",
        ),
    ];
    let model = LureModel::embedded().expect("model");
    let scorer = Scorer::new(&model, Lexicon::embedded());
    for (lang, text, quote) in cases {
        let why = scorer.explain(&Ad::from_text(lang, text));
        let found = why.lures.iter().find(|l| l.family.id() == "relocation");
        let l = found
            .unwrap_or_else(|| panic!("{lang}: no relocation lure in {text:?}: {:?}", why.lures));
        assert_eq!(l.text.as_deref(), Some(quote), "{lang}");
        let span = l.start.zip(l.end).map(|(s, e)| &text[s..e]);
        assert_eq!(span, Some(quote), "{lang}: span");
    }
}

/// Hard cases written for the project: genuine South-East Asian job-board adverts that
/// use lure-like words (board and lodging, no experience, urgent, casino towns), skilled
/// expatriate jobs paid in dollars in hot-spot countries, and short lures after phrasings
/// quoted in case reports or reworded away from the lexicons' phrases. No genuine one may
/// be flagged; all lures but two must be (the default model catches all 11).
#[test]
fn hard_cases_no_false_alarm_and_most_lures() {
    let rows = csv_rows(&std::fs::read(repo("data/samples/hard_cases.csv")).expect("hard cases"));
    let model = LureModel::embedded().expect("model");
    let scorer = Scorer::new(&model, Lexicon::embedded());
    let (mut caught, mut lures, mut report) = (0, 0, Vec::new());
    for r in &rows[1..] {
        let why = scorer.explain(&Ad::from_text(r[0].clone(), r[2].clone()));
        report.push(format!(
            "{} {} p={:.3}",
            r[0],
            why.verdict.as_str(),
            why.probability
        ));
        if r[1] == "ok" {
            assert_eq!(
                why.verdict.as_str(),
                "ok",
                "false alarm on {}: p={:.3}",
                r[0],
                why.probability
            );
        } else {
            lures += 1;
            caught += usize::from(why.verdict.as_str() == "lure");
        }
    }
    assert!(
        caught + 2 >= lures,
        "caught {caught} of {lures} lures:\n{}",
        report.join("\n")
    );
}
