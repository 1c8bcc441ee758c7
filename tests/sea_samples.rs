//! Southeast Asian job-board adverts written for the project: genuine adverts in the style
//! of JobStreet/Kalibrr/CamHR boards (entry-level jobs with "no experience needed", free
//! meals and housing, urgent hiring, casino and hotel jobs in Cambodia) must rarely be
//! flagged, and lures modelled on the phrasings quoted in case reports must be caught.
//! Both files are illustrative, not real adverts: the rates show the lexicons work as
//! designed on these shapes of advert, not how they do on a real board.

use std::collections::BTreeSet;

use lurescan::ad::Ad;
use lurescan::explain::Scorer;
use lurescan::lure::Lexicon;
use lurescan::model::LureModel;
use lurescan::normalise::normalise_str;

use crate::util::{csv_rows, lurescan, repo};

/// Highest share of genuine adverts that may be flagged.
const MAX_FALSE_ALARM_RATE: f64 = 0.02;
/// Lowest share of lures that must be caught (measured: 60 of 65 at the default model's
/// threshold of 0.44; 56 of 65 when the threshold was the raw out-of-fold F1 peak of 0.55,
/// see `model::train::F1_SMOOTHING_HALF_WINDOW`).
const MIN_RECALL: f64 = 0.90;

/// Scores every advert of a samples file; returns (id, is lure, one line for people).
fn judge(file: &str) -> Vec<(String, bool, String)> {
    let rows = csv_rows(&std::fs::read(repo(file)).expect("samples file"));
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|c| c == name).expect(name);
    let (id, lang, title, text) = (col("id"), col("lang"), col("title"), col("text"));
    let model = LureModel::embedded().expect("model");
    let lexicon = Lexicon::embedded();
    let scorer = Scorer::new(&model, lexicon);
    let judged: Vec<_> = rows[1..]
        .iter()
        .map(|r| {
            let full = format!("{}\n{}", r[title], r[text]);
            // The matcher's shortcuts (passes per script, regexes found by their literal
            // prefixes) find exactly what every entry finds.
            let norm = normalise_str(&full);
            let (mut fast, mut every) = (Vec::new(), Vec::new());
            lexicon.find(&norm, &mut fast);
            lexicon.find_exhaustive(&norm, &mut every);
            assert_eq!(fast, every, "{}", r[id]);
            let why = scorer.explain(&Ad::from_text(r[id].clone(), full.clone()));
            // Quotes point into the advert as written.
            for l in why.lures.iter().filter(|l| l.field.is_some()) {
                assert_eq!(&full[l.start..l.end], l.text, "{}", r[id]);
            }
            let fams: BTreeSet<&str> = why.lures.iter().map(|l| l.family.id()).collect();
            let line = format!(
                "{} ({}): p={:.3} {:?}",
                r[id], r[lang], why.probability, fams
            );
            (r[id].clone(), why.verdict.as_str() == "lure", line)
        })
        .collect();
    assert!(!judged.is_empty(), "{file} has no adverts");
    judged
}

#[test]
fn genuine_sea_adverts_are_rarely_flagged() {
    let judged = judge("data/samples/genuine_sea.csv");
    assert!(judged.len() >= 120, "want at least 120 genuine adverts");
    let flagged: Vec<&str> = judged
        .iter()
        .filter(|(_, lure, _)| *lure)
        .map(|(_, _, line)| line.as_str())
        .collect();
    let rate = flagged.len() as f64 / judged.len() as f64;
    eprintln!(
        "genuine_sea: {} of {} flagged ({:.1}%)\n{}",
        flagged.len(),
        judged.len(),
        100.0 * rate,
        flagged.join("\n")
    );
    assert!(
        rate <= MAX_FALSE_ALARM_RATE,
        "false-alarm rate {:.1}% > {:.0}%:\n{}",
        100.0 * rate,
        100.0 * MAX_FALSE_ALARM_RATE,
        flagged.join("\n")
    );
}

#[test]
fn sea_lures_are_caught() {
    let judged = judge("data/samples/lures_sea.csv");
    assert!(judged.len() >= 40, "want at least 40 lures");
    let missed: Vec<&str> = judged
        .iter()
        .filter(|(_, lure, _)| !*lure)
        .map(|(_, _, line)| line.as_str())
        .collect();
    let recall = 1.0 - missed.len() as f64 / judged.len() as f64;
    eprintln!(
        "lures_sea: {} of {} caught ({:.1}%)\n{}",
        judged.len() - missed.len(),
        judged.len(),
        100.0 * recall,
        missed.join("\n")
    );
    assert!(
        recall >= MIN_RECALL,
        "recall {:.1}% < {:.0}%; missed:\n{}",
        100.0 * recall,
        100.0 * MIN_RECALL,
        missed.join("\n")
    );
}

/// The files as a board's export would come, scored by `lurescan score` with their
/// `title` and `text` columns read as such (not joined): the same bounds hold. (A
/// `text` column beside a title used to be left out, and a title made an advert count as
/// EMSCAD-style with no company profile, logo or requirements.)
#[test]
fn sea_samples_scored_from_their_columns() {
    for (file, lures_expected) in [
        ("data/samples/genuine_sea.csv", false),
        ("data/samples/lures_sea.csv", true),
    ] {
        let out = lurescan()
            .args(["score", "--quiet"])
            .arg(repo(file))
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows = csv_rows(&out.stdout);
        assert_eq!(rows[0], ["id", "probability", "verdict", "lures"]);
        let n = rows.len() - 1;
        let flagged = rows[1..].iter().filter(|r| r[2] == "lure").count();
        let rate = flagged as f64 / n as f64;
        eprintln!("{file} from its columns: {flagged} of {n} flagged");
        if lures_expected {
            assert!(rate >= MIN_RECALL, "{file}: recall {rate:.3}");
        } else {
            assert!(
                rate <= MAX_FALSE_ALARM_RATE,
                "{file}: false alarms {rate:.3}"
            );
        }
    }
}
