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

use crate::util::{csv_rows, lurescan, repo, run_ok};

/// Highest share of genuine adverts that may be flagged.
const MAX_FALSE_ALARM_RATE: f64 = 0.02;
/// Lowest share of lures that must be caught (measured: 61 of 65 at the default model's
/// threshold of 0.40; 60 of 65 with 4,000 text terms at 0.44; 56 of 65 when the threshold
/// was the raw out-of-fold F1 peak of 0.55, see `model::train::F1_SMOOTHING_HALF_WINDOW`).
const MIN_RECALL: f64 = 0.90;

/// Scores every advert of a samples file; returns (judged a lure, one line for people).
fn judge(file: &str) -> Vec<(bool, String)> {
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
                let span = l.start.zip(l.end).map(|(s, e)| &full[s..e]);
                assert_eq!(span, l.text.as_deref(), "{}", r[id]);
            }
            let fams: BTreeSet<&str> = why.lures.iter().map(|l| l.family.id()).collect();
            let line = format!(
                "{} ({}): p={:.3} {:?}",
                r[id], r[lang], why.probability, fams
            );
            (why.verdict.as_str() == "lure", line)
        })
        .collect();
    assert!(!judged.is_empty(), "{file} has no adverts");
    judged
}

/// Holds a file's verdicts to its bound: genuine adverts flagged at most
/// [`MAX_FALSE_ALARM_RATE`] of the time, lures caught at least [`MIN_RECALL`] of it.
/// `judged`: (judged a lure, one line for people) per advert.
fn assert_within_bound(what: &str, lures_expected: bool, judged: &[(bool, String)]) {
    let wrong: Vec<&str> = judged
        .iter()
        .filter(|(lure, _)| *lure != lures_expected)
        .map(|(_, line)| line.as_str())
        .collect();
    let flagged = judged.iter().filter(|(lure, _)| *lure).count();
    let share = flagged as f64 / judged.len() as f64;
    eprintln!(
        "{what}: {flagged} of {} flagged ({:.1}%); misjudged:\n{}",
        judged.len(),
        100.0 * share,
        wrong.join("\n")
    );
    if lures_expected {
        assert!(
            share >= MIN_RECALL,
            "{what}: recall {:.1}% < {:.0}%; missed:\n{}",
            100.0 * share,
            100.0 * MIN_RECALL,
            wrong.join("\n")
        );
    } else {
        assert!(
            share <= MAX_FALSE_ALARM_RATE,
            "{what}: false-alarm rate {:.1}% > {:.0}%:\n{}",
            100.0 * share,
            100.0 * MAX_FALSE_ALARM_RATE,
            wrong.join("\n")
        );
    }
}

#[test]
fn genuine_sea_adverts_are_rarely_flagged() {
    let judged = judge("data/samples/genuine_sea.csv");
    assert!(judged.len() >= 120, "want at least 120 genuine adverts");
    assert_within_bound("genuine_sea", false, &judged);
}

#[test]
fn sea_lures_are_caught() {
    let judged = judge("data/samples/lures_sea.csv");
    assert!(judged.len() >= 40, "want at least 40 lures");
    assert_within_bound("lures_sea", true, &judged);
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
        let stdout = run_ok(lurescan().args(["score", "--quiet"]).arg(repo(file)));
        let rows = csv_rows(&stdout);
        assert_eq!(rows[0], ["id", "probability", "verdict", "lures"]);
        let judged: Vec<(bool, String)> = rows[1..]
            .iter()
            .map(|r| (r[2] == "lure", r.join(",")))
            .collect();
        assert_within_bound(&format!("{file} from its columns"), lures_expected, &judged);
    }
}
