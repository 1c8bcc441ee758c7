//! `lurescan check`.

use crate::util::{lurescan, run_ok, run_with_stdin};

const SCAM_CENTRE: &str = "URGENT!! Customer service staff needed in Sihanoukville, Cambodia. \
Salary $2,500/month + commission. Free flight ticket, visa and accommodation provided. \
No experience needed, just basic typing. Send a copy of your passport to HR on Telegram @hr_linda_kh. \
Limited slots, fly out this week!";

const GENUINE: &str = "Brightline is hiring a Senior Backend Engineer in London. You will design and operate \
the services behind our card-payment platform (Rust, PostgreSQL, Kafka), review code and mentor two engineers. \
5+ years of backend experience required. Salary £70,000–£90,000, 25 days holiday, pension with 6% match. \
Apply through our careers page; two interview rounds.";

fn check_json(text: &str) -> serde_json::Value {
    let stdout = run_ok(lurescan().args(["check", "--json", text]));
    serde_json::from_slice(&stdout).expect("JSON")
}

#[test]
fn scam_centre_advert_names_four_families_with_exact_spans() {
    let v = check_json(SCAM_CENTRE);
    assert_eq!(v["verdict"], "lure", "{v:#}");
    let lures = v["lures"].as_array().expect("lures");
    let mut families: Vec<&str> = lures
        .iter()
        .map(|l| l["family"].as_str().expect("family"))
        .collect();
    families.sort_unstable();
    families.dedup();
    assert!(families.len() >= 4, "families {families:?}");
    for f in ["relocation", "documents", "contact", "easy_work"] {
        assert!(families.contains(&f), "{f} missing from {families:?}");
    }
    for l in lures.iter().filter(|l| !l["start"].is_null()) {
        let (s, e) = (
            l["start"].as_u64().expect("start") as usize,
            l["end"].as_u64().expect("end") as usize,
        );
        assert!(s < e, "empty span in {l}");
        assert_eq!(
            &SCAM_CENTRE[s..e],
            l["text"].as_str().expect("text"),
            "span of {l}"
        );
    }
    let p = v["probability"].as_f64().expect("probability");
    assert!(p > 0.5 && p <= 1.0, "{p}");
}

#[test]
fn genuine_advert_is_ok() {
    let v = check_json(GENUINE);
    assert_eq!(v["verdict"], "ok", "{v:#}");
    assert!(v["probability"].as_f64().expect("p") < 0.2);
    assert_eq!(v["lang"], "en");
}

#[test]
fn reads_stdin_and_prints_a_report() {
    let out = run_with_stdin(&["check"], SCAM_CENTRE);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("verdict: LURE"), "{text}");
    assert!(
        text.contains("\"Send a copy of your passport\"") || text.contains("passport"),
        "{text}"
    );
    assert!(text.contains("expert prior"), "{text}");
}

#[test]
fn empty_advert_is_a_usage_error() {
    lurescan().args(["check", "   "]).assert().code(2);
}

#[test]
fn obfuscated_contact_maps_back_to_the_original_text() {
    let ad =
        "Easy job, no experience, free visa and flight! Contact us on T e l e g r a m: @jobs_fast";
    let v = check_json(ad);
    let lures = v["lures"].as_array().expect("lures");
    for l in lures {
        let (s, e) = (
            l["start"].as_u64().expect("start") as usize,
            l["end"].as_u64().expect("end") as usize,
        );
        assert_eq!(&ad[s..e], l["text"].as_str().expect("text"));
    }
    assert!(lures.iter().any(|l| l["family"] == "contact"), "{v:#}");
}

/// Whole-advert evidence (a rule over other evidence: high pay with free travel) has no
/// span: `text`, `start` and `end` are JSON `null`, never `""` at `0..0`, and it has no
/// field. Every other piece of evidence has all three, with a non-empty span.
#[test]
fn whole_advert_evidence_has_null_span_in_json() {
    let v = check_json(SCAM_CENTRE);
    let lures = v["lures"].as_array().expect("lures");
    let whole: Vec<_> = lures
        .iter()
        .filter(|l| l["family"] == "pay_with_travel")
        .collect();
    assert_eq!(whole.len(), 1, "{v:#}");
    for key in ["text", "start", "end"] {
        assert!(whole[0][key].is_null(), "{key} of {}", whole[0]);
    }
    assert!(whole[0].get("field").is_none(), "{}", whole[0]);
    assert_eq!(whole[0]["matched_by"], "rule: pay with travel");
    for l in lures.iter().filter(|l| l["family"] != "pay_with_travel") {
        let (s, e) = (l["start"].as_u64(), l["end"].as_u64());
        assert!(matches!((s, e), (Some(s), Some(e)) if s < e), "{l}");
        assert!(!l["text"].as_str().expect("text").is_empty(), "{l}");
    }
    // The text report names it without an empty quote.
    let report =
        String::from_utf8_lossy(&run_ok(lurescan().args(["check", SCAM_CENTRE]))).into_owned();
    assert!(
        report.contains("pay_with_travel (whole advert; rule: pay with travel)"),
        "{report}"
    );
    assert!(!report.contains("\"\""), "{report}");
}

/// Quotes from an advert never put raw terminal escapes or bidirectional overrides on the
/// screen: they are shown as `\u{..}` escapes (JSON keeps the exact text).
#[test]
fn quotes_are_safe_to_print_on_a_terminal() {
    let advert = "Free\u{202e} visa offered";
    let out = run_ok(lurescan().args(["check", advert]));
    let report = String::from_utf8(out).expect("UTF-8");
    assert!(report.contains("\"Free\\u{202e} visa\""), "{report}");
    assert!(!report.contains('\u{202e}'));
    let out = run_ok(lurescan().args(["check", "--json", advert]));
    let json: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(json["lures"][0]["text"], "Free\u{202e} visa");

    let out = run_with_stdin(&["score", "--quiet"], "id,text\n\"a\u{1b}[2J\",x,y\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("id a\\u{1b}[2J)"), "{err}");
    assert!(!err.contains('\u{1b}'));
}

/// A lexicon override with no entry would remove a built-in lexicon silently: refused,
/// naming the file.
#[test]
fn an_empty_lexicon_override_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("en.tsv"), "# lang: en\n\n").expect("writes");
    let out = lurescan()
        .args(["check", "--lexicons"])
        .arg(dir.path())
        .arg("Free visa, no experience needed")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("en.tsv") && err.contains("has no entries"),
        "{err}"
    );
}

/// `check --json | true`: the reader is gone before the JSON is written; the write error
/// (wrapped by serde_json) ends the run quietly with 0, as a closed pipe does for `score`.
#[test]
fn json_to_a_closed_pipe_ends_quietly() {
    let bin = assert_cmd::cargo::cargo_bin("lurescan");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' check --json 'Free visa and flight, no experience needed' | true; echo \"status=${{PIPESTATUS[0]}}\"",
            bin.display()
        ))
        .output()
        .expect("bash runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.trim_end().ends_with("status=0"), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("error"), "{stderr}");
}
