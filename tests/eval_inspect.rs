//! `lurescan eval` and `lurescan inspect`.

use crate::util::{lurescan, repo, run_ok};

#[test]
fn eval_json_has_the_documented_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stdout = run_ok(
        lurescan()
            .args([
                "eval",
                "--json",
                "--label-col",
                "expected",
                "--positive",
                "lure",
                "--bootstrap",
                "100",
                "--prevalence",
                "0.05",
                "--at",
                "0.1,0.9",
                "--plots",
            ])
            .arg(dir.path())
            .arg(repo("data/sample_adverts.csv")),
    );
    let v: serde_json::Value = serde_json::from_slice(&stdout).expect("JSON");
    for key in [
        "n",
        "positives",
        "prevalence",
        "roc_auc",
        "pr_auc",
        "precision",
        "recall",
        "f1",
        "brier",
        "ece",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v:#}");
    }
    assert_eq!(v["n"], 8);
    assert_eq!(v["positives"], 3);
    assert_eq!(v["prevalence"], 0.05);
    assert_eq!(v["operating_points"].as_array().expect("points").len(), 2);
    assert!(dir.path().join("roc_curve.svg").exists());
}

#[test]
fn eval_text_states_the_prevalence() {
    let stdout = run_ok(
        lurescan()
            .args([
                "eval",
                "--label-col",
                "expected",
                "--positive",
                "lure",
                "--bootstrap",
                "50",
            ])
            .arg(repo("data/sample_adverts.csv")),
    );
    let text = String::from_utf8_lossy(&stdout);
    assert!(text.contains("the data's own"), "{text}");
}

#[test]
fn inspect_shows_priors_terms_and_provenance() {
    let out = lurescan()
        .args(["inspect", "--json", "--top", "5"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        v["families"].as_array().expect("families").len(),
        lurescan::lure::Family::ALL.len()
    );
    assert!(v["families"][0].get("prior").is_some() && v["families"][0].get("fitted").is_some());
    assert_eq!(
        v["strongest_lure_terms"].as_array().expect("terms").len(),
        5
    );
    assert!(v["provenance"]["data_sha256"].as_str().expect("hash").len() == 64);
    let text = lurescan().arg("inspect").output().expect("runs");
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("expert")
            || String::from_utf8_lossy(&text.stdout).contains("prior")
    );
}

/// An absurd `--bootstrap` is a usage error at once, not days of resampling.
#[test]
fn bootstrap_replicates_are_bounded() {
    for (cmd, n) in [("eval", "1000000000"), ("train", "0"), ("eval", "many")] {
        let out = lurescan()
            .args([cmd, "--bootstrap", n])
            .arg(repo("data/samples/hard_cases.csv"))
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd} --bootstrap {n}: {err}");
        assert!(err.contains("--bootstrap"), "{cmd} --bootstrap {n}: {err}");
    }
}
