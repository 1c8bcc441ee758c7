//! `lurescan train`: small written-for-the-project data (fast), custom columns and labels.

use crate::util::{lurescan, run_ok, train_into};

/// A small labelled set written for these tests: lure-like and genuine-like texts.
fn labelled_csv() -> String {
    let lures = [
        "Earn $900 a week from home, no experience, pay registration fee",
        "Data entry from home, easy money, contact gmail, fee for starter kit",
        "Free visa and flight to Cambodia, no experience, send passport copy",
        "Typing job from home, earn daily, WhatsApp only, small deposit",
        "Online chat job abroad, free accommodation, urgent, no interview",
    ];
    let genuine = [
        "Accountant, ACCA qualified, hybrid working in Leeds, pension",
        "Registered nurse, NMC registration, ward experience, NHS trust",
        "Software engineer, Rust and PostgreSQL, two interview rounds",
        "Warehouse operative, forklift licence, day shifts, overtime",
        "Primary teacher, QTS required, permanent contract, DBS check",
        "Electrician, City and Guilds level 3, company van, pension",
    ];
    let mut s = String::from("ref,body,kind\n");
    let mut n = 0;
    for round in 0..6 {
        for t in lures {
            n += 1;
            s.push_str(&format!("L{n},\"{t} (batch {round})\",scam\n"));
        }
        for t in genuine {
            n += 1;
            s.push_str(&format!("G{n},\"{t} (batch {round})\",real\n"));
        }
    }
    s
}

#[test]
fn trains_on_custom_columns_and_writes_model_card_and_plots() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("mine.csv");
    std::fs::write(&data, labelled_csv()).expect("write");
    let model = dir.path().join("m.json");
    let plots = dir.path().join("plots");
    run_ok(
        lurescan()
            .args([
                "train",
                "--label-col",
                "kind",
                "--positive",
                "scam",
                "--text-cols",
                "body",
                "--id-col",
                "ref",
            ])
            .args(["--cv", "3", "--bootstrap", "50", "--plots"])
            .arg(&plots)
            .arg(&data)
            .arg("-o")
            .arg(&model),
    );
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&model).expect("model")).expect("JSON");
    assert_eq!(m["format"], "lurescan-model/1");
    assert_eq!(m["provenance"]["rows"], 66);
    assert_eq!(m["provenance"]["positives"], 30);
    assert!(
        m["provenance"]["command"]
            .as_str()
            .expect("command")
            .contains("--label-col kind")
    );
    let card = std::fs::read_to_string(dir.path().join("m.md")).expect("card beside the model");
    assert!(
        card.contains("Grouped 3-fold cross-validation") && card.contains("SHA-256"),
        "{card}"
    );
    for f in ["pr_curve.svg", "roc_curve.svg", "reliability.svg"] {
        let svg = std::fs::read_to_string(plots.join(f)).expect("plot");
        assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
    }
    // The trained model scores through `--model`.
    let scored = lurescan()
        .args([
            "score",
            "--quiet",
            "--text-cols",
            "body",
            "--id-col",
            "ref",
            "--model",
        ])
        .arg(&model)
        .arg(&data)
        .output()
        .expect("runs");
    assert!(
        scored.status.success(),
        "{}",
        String::from_utf8_lossy(&scored.stderr)
    );
}

/// `--group-by COL` keeps adverts sharing a value of COL on one side of every split, and
/// the card reports the CV under near-identical grouping too.
#[test]
fn group_by_keeps_a_column_s_adverts_together_and_reports_both_groupings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("grouped.csv");
    // Each batch is one employer: 5 lures and 6 genuine adverts.
    let mut csv = String::from("ref,body,kind,employer\n");
    for (i, line) in labelled_csv().lines().skip(1).enumerate() {
        csv.push_str(&format!("{line},Employer {}\n", i / 11));
    }
    std::fs::write(&data, csv).expect("write");
    let model = dir.path().join("m.json");
    let oof = dir.path().join("oof.csv");
    let out = lurescan()
        .args(["train", "--label-col", "kind", "--positive", "scam"])
        .args(["--text-cols", "body", "--id-col", "ref"])
        .args(["--cv", "3", "--bootstrap", "50", "--group-by", "employer"])
        .arg(&data)
        .arg("-o")
        .arg(&model)
        .arg("--oof")
        .arg(&oof)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("grouped by `employer` (and near-identical adverts) (6 groups"),
        "{stderr}"
    );
    // Every employer's adverts sit in one fold.
    let rows = crate::util::csv_rows(&std::fs::read(&oof).expect("oof"));
    let mut fold_of_employer = std::collections::HashMap::new();
    for (i, row) in rows.iter().skip(1).enumerate() {
        let fold = fold_of_employer.entry(i / 11).or_insert(row[2].clone());
        assert_eq!(*fold, row[2], "employer {} split across folds", i / 11);
    }
    let card = std::fs::read_to_string(dir.path().join("m.md")).expect("card");
    assert!(card.contains("in 6 groups by `employer`"), "{card}");
    assert!(
        card.contains("| near-identical adverts | 66 |"),
        "near-identical grouping reported too: {card}"
    );
    // No company column here: the card says so instead of quoting figures.
    assert!(card.contains("no `company_profile` column"), "{card}");
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&model).expect("model")).expect("JSON");
    assert_eq!(m["provenance"]["params"]["group_by"], "employer");
    assert_eq!(m["provenance"]["cross_validation"]["groups"], 6);
}

#[test]
fn group_by_a_missing_column_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("mine.csv");
    std::fs::write(&data, labelled_csv()).expect("write");
    let out = lurescan()
        .args(["train", "--label-col", "kind", "--positive", "scam"])
        .args(["--text-cols", "body", "--group-by", "employer"])
        .arg(&data)
        .arg("-o")
        .arg(dir.path().join("m.json"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no column \"employer\""), "{err}");
}

#[test]
fn bad_labels_name_the_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("bad.csv");
    std::fs::write(&data, "id,text,fraudulent\n1,a,1\n2,b,maybe\n").expect("write");
    let out = train_into(dir.path(), &data, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("record 2") && err.contains("maybe"), "{err}");
}

#[test]
fn one_class_data_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("one.csv");
    let mut s = String::from("id,text,fraudulent\n");
    for i in 0..20 {
        s.push_str(&format!("{i},text {i},0\n"));
    }
    std::fs::write(&data, s).expect("write");
    let out = train_into(dir.path(), &data, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("both classes"));
}

/// `--nested` adds the nested cross-validation to the model's record and card; without
/// it, neither has one.
#[test]
fn nested_cv_is_opt_in_and_reported_in_the_card() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("mine.csv");
    std::fs::write(&data, labelled_csv()).expect("write");
    let args = [
        "train",
        "--label-col",
        "kind",
        "--positive",
        "scam",
        "--text-cols",
        "body",
        "--cv",
        "3",
        "--bootstrap",
        "50",
    ];
    for nested in [false, true] {
        let model = dir.path().join(format!("m{nested}.json"));
        let mut cmd = lurescan();
        cmd.args(args).arg(&data).arg("-o").arg(&model);
        if nested {
            cmd.arg("--nested");
        }
        let out = cmd.output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&model).expect("model")).expect("JSON");
        let record = &m["provenance"]["cross_validation"]["nested"];
        let card = std::fs::read_to_string(dir.path().join(format!("m{nested}.md"))).expect("card");
        if !nested {
            assert!(record.is_null(), "{record}");
            assert!(!card.contains("Nested cross-validation"), "{card}");
            continue;
        }
        assert_eq!(record["alphas"].as_array().expect("alphas").len(), 3);
        let roc = &record["roc_auc"];
        let (pooled, lo, hi) = (
            roc["pooled"].as_f64().expect("pooled"),
            roc["ci_low"].as_f64().expect("low"),
            roc["ci_high"].as_f64().expect("high"),
        );
        assert!((0.5..=1.0).contains(&pooled) && lo <= pooled && pooled <= hi);
        assert!(card.contains("### Nested cross-validation"), "{card}");
        assert!(stderr.contains("nested CV"), "{stderr}");
    }
}
