//! `lurescan score`: the CSV contract, formats, order, and nothing lost.

use std::io::Write;

use crate::util::{csv_rows, lurescan, repo, run_with_stdin};

#[test]
fn scores_the_sample_adverts_in_order_with_the_contract_header() {
    let out = lurescan()
        .args(["score", "--quiet"])
        .arg(repo("data/sample_adverts.csv"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows[0], ["id", "probability", "verdict", "lures"]);
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        ids,
        [
            "S001", "S002", "S003", "S004", "S005", "S006", "S007", "S008"
        ]
    );
    let expected = csv_rows(&std::fs::read(repo("data/sample_adverts.csv")).expect("samples"));
    let col = expected[0]
        .iter()
        .position(|c| c == "expected")
        .expect("expected column");
    for (row, exp) in rows[1..].iter().zip(&expected[1..]) {
        assert_eq!(
            row[2], exp[col],
            "advert {} scored {} with lures {}",
            row[0], row[1], row[3]
        );
        let p: f64 = row[1].parse().expect("probability");
        assert!((0.0..=1.0).contains(&p));
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("read 8, scored 8, rejected 0"));
}

/// A feed mixing every kind of broken record with good ones.
fn broken_feed() -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(b"id,title,description\n");
    f.extend_from_slice(b"g1,Clerk,Type invoices into our system\n"); // record 1, line 2
    f.extend_from_slice(b"b1,Too,many,fields\n"); // record 2: wrong field count
    f.extend_from_slice(b"b2,Bad \xff utf8,text\n"); // record 3: invalid UTF-8
    f.extend_from_slice(b"b3,,\n"); // record 4: no text
    f.extend_from_slice(b"g2,Nurse,\"Multi-line\ndescription, quoted\"\n"); // record 5, lines 6-7
    f.extend_from_slice(b"b4,Huge,");
    f.extend_from_slice(&vec![b'x'; 2000]); // record 6: over the limit set below
    f.extend_from_slice(b"\ng3,Driver,Deliver parcels\n"); // record 7, line 9
    f
}

#[test]
fn every_record_is_scored_or_rejected_with_its_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("feed.csv");
    std::fs::write(&input, broken_feed()).expect("write");
    let errors = dir.path().join("errors.csv");
    let out = lurescan()
        .args(["score", "--quiet", "--max-field-bytes", "1000", "--errors"])
        .arg(&errors)
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "some records were rejected");
    let scored = csv_rows(&out.stdout);
    let ids: Vec<&str> = scored[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["g1", "g2", "g3"]);
    let rej = csv_rows(&std::fs::read(&errors).expect("errors file"));
    assert_eq!(rej[0], ["record", "line", "id", "reason"]);
    let got: Vec<(&str, &str, &str)> = rej[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("2", "3", "b1"),
            ("3", "4", "b2"),
            ("4", "5", "b3"),
            ("6", "8", "b4")
        ]
    );
    assert!(
        rej[1][3].contains("4 fields, the header has 3"),
        "{}",
        rej[1][3]
    );
    assert!(rej[2][3].contains("UTF-8"), "{}", rej[2][3]);
    assert!(rej[3][3].contains("no text"), "{}", rej[3][3]);
    assert!(rej[4][3].contains("limit"), "{}", rej[4][3]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("read 7, scored 3, rejected 4"), "{stderr}");
}

#[test]
fn rejections_go_to_stderr_without_errors_file_and_strict_stops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("feed.csv");
    std::fs::write(&input, broken_feed()).expect("write");
    let out = lurescan()
        .args(["score", "--quiet"])
        .arg(&input)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rejected record 2 (line 3, id b1)"),
        "{stderr}"
    );
    let out = lurescan()
        .args(["score", "--quiet", "--strict"])
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows.len(), 2, "only g1 before the first bad record");
    assert!(String::from_utf8_lossy(&out.stderr).contains("read 2, scored 1, rejected 1"));
}

#[test]
fn jsonl_in_and_out_with_explain_and_keep() {
    let feed = "{\"id\":\"j1\",\"text\":\"Free flight and visa, no experience needed, send a copy of your passport\",\"board\":\"x\"}\n\
                {broken\n\
                {\"id\":\"j2\",\"text\":\"Accountant, CPA required, hybrid working in Leeds\",\"board\":\"y\"}\n";
    let out = run_with_stdin(
        &[
            "score",
            "--quiet",
            "--format",
            "jsonl",
            "--output-format",
            "jsonl",
            "--explain",
            "--keep",
            "board",
        ],
        feed,
    );
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "j1");
    assert_eq!(lines[0]["board"], "x");
    let ev = lines[0]["evidence"].as_array().expect("evidence");
    assert!(ev.iter().any(|e| e["family"] == "documents"), "{ev:?}");
    assert_eq!(lines[1]["id"], "j2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("malformed JSON"));
}

#[test]
fn gzip_input_matches_plain_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = std::fs::read(repo("data/sample_adverts.csv")).expect("samples");
    let gz = dir.path().join("samples.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).expect("create"),
        flate2::Compression::fast(),
    );
    enc.write_all(&plain).expect("compress");
    enc.finish().expect("finish");
    let a = lurescan()
        .args(["score", "--quiet"])
        .arg(repo("data/sample_adverts.csv"))
        .output()
        .expect("runs");
    let b = lurescan()
        .args(["score", "--quiet"])
        .arg(&gz)
        .output()
        .expect("runs");
    assert!(b.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn order_is_kept_under_parallelism_across_chunks_and_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut feed = String::from("id,text\n");
    for i in 0..2500 {
        let text = if i % 7 == 0 {
            "Free visa and flight with no experience needed and pay the registration fee"
        } else {
            "Accountant in Leeds with ACCA qualification"
        };
        feed.push_str(&format!("r{i},{text} number {i}\n"));
    }
    let a = dir.path().join("a.csv");
    std::fs::write(&a, &feed).expect("write");
    let out = lurescan()
        .args(["score", "--quiet", "--chunk", "64", "-o"])
        .arg(dir.path().join("out.csv"))
        .arg(&a)
        .arg(&a)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = csv_rows(&std::fs::read(dir.path().join("out.csv")).expect("output file"));
    assert_eq!(rows.len(), 5001);
    for (k, row) in rows[1..].iter().enumerate() {
        assert_eq!(row[0], format!("r{}", k % 2500));
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("read 5000, scored 5000, rejected 0"));
}

#[test]
fn unreadable_file_and_bad_flags_exit_2() {
    lurescan()
        .args(["score", "--quiet", "/nonexistent/feed.csv"])
        .assert()
        .code(2);
    lurescan()
        .args(["score", "--no-such-flag"])
        .assert()
        .code(2);
    lurescan()
        .args(["score", "--quiet", "--id-col", "nope"])
        .arg(repo("data/sample_adverts.csv"))
        .assert()
        .code(2);
}

#[test]
fn closed_stdout_ends_quietly() {
    // `score big.csv | head -1`: the reader closes the pipe early; we exit 0, no error text.
    let mut feed = String::from("id,text\n");
    for i in 0..20000 {
        feed.push_str(&format!("r{i},Accountant in Leeds number {i}\n"));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("big.csv");
    std::fs::write(&input, feed).expect("write");
    let bin = assert_cmd::cargo::cargo_bin("lurescan");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' score --quiet '{}' | head -1; echo \"status=${{PIPESTATUS[0]}}\"",
            bin.display(),
            input.display()
        ))
        .output()
        .expect("bash runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("id,probability,verdict,lures"), "{text}");
    assert!(text.trim_end().ends_with("status=0"), "{text}");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("error"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Ids and kept values that a spreadsheet would run as formulas get a leading `'` in CSV
/// output and in the errors file; JSONL keeps them exact.
#[test]
fn csv_output_neutralises_spreadsheet_formulas() {
    let feed = "id,text,note\n\
                =HYPERLINK(\"http://x\"),hello,@SUM(1)\n\
                -2,hi,+1\n\
                ok1,fine,plain\n\
                =bad,too,many,fields\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let errors = dir.path().join("errors.csv");
    let out = lurescan()
        .args(["score", "--quiet", "--keep", "note", "--errors"])
        .arg(&errors)
        .write_stdin(feed)
        .output()
        .expect("runs");
    let rows = csv_rows(&out.stdout);
    let cells: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            ("'=HYPERLINK(\"http://x\")", "'@SUM(1)"),
            ("'-2", "'+1"),
            ("ok1", "plain")
        ]
    );
    let rejected = csv_rows(&std::fs::read(&errors).expect("errors file"));
    assert_eq!(rejected[1][2], "'=bad");

    let out = run_with_stdin(
        &[
            "score",
            "--quiet",
            "--keep",
            "note",
            "--output-format",
            "jsonl",
        ],
        "id,text,note\n=1+1,hello,@x\n",
    );
    let row: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSONL");
    assert_eq!(
        (row["id"].as_str(), row["note"].as_str()),
        (Some("=1+1"), Some("@x"))
    );
}

/// `score --explain` gives whole-advert evidence (high pay with free travel) a `null`
/// span and text, as `check --json` does, in both output formats.
#[test]
fn explain_gives_whole_advert_evidence_a_null_span() {
    let feed = "id,text\nw1,\"Customer service in Sihanoukville, Cambodia. Salary $2,500/month. \
                Free flight ticket, visa and accommodation provided.\"\n";
    for format in ["jsonl", "csv"] {
        let out = run_with_stdin(
            &["score", "--quiet", "--explain", "--output-format", format],
            feed,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let evidence: serde_json::Value = if format == "jsonl" {
            let line: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
            line["evidence"].clone()
        } else {
            let rows = csv_rows(&out.stdout);
            assert_eq!(rows[0][4], "evidence");
            serde_json::from_str(&rows[1][4]).expect("evidence column is JSON")
        };
        let ev = evidence.as_array().expect("evidence");
        let whole = ev
            .iter()
            .find(|e| e["family"] == "pay_with_travel")
            .unwrap_or_else(|| panic!("no pay_with_travel in {ev:?}"));
        for key in ["text", "start", "end"] {
            assert!(whole[key].is_null(), "{format}: {key} of {whole}");
        }
        assert!(
            ev.iter()
                .filter(|e| e["family"] != "pay_with_travel")
                .all(|e| e["start"].as_u64() < e["end"].as_u64()),
            "{format}: {ev:?}"
        );
    }
}

/// Input that would lose text or records silently is refused or reported: a header naming
/// a column twice, a misspelt `--keep` column, a JSON key given twice. With both `job_id`
/// and `id`, `job_id` is the id (as the help says); a byte-order mark before the first
/// JSONL record is not part of it.
#[test]
fn ambiguous_columns_and_keys_are_refused_not_guessed() {
    let out = run_with_stdin(
        &["score", "--quiet"],
        "job_id,text,text\n1,free visa,hello\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("names column \"text\" twice (columns 2 and 3)"),
        "{err}"
    );

    let out = run_with_stdin(
        &["score", "--quiet", "--keep", "industy"],
        "job_id,text,industry\n1,hello,IT\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no --keep column \"industy\""));

    for (format, feed) in [
        ("csv", "id,job_id,text\nx,J1,hello\n"),
        (
            "jsonl",
            "{\"id\":\"x\",\"job_id\":\"J1\",\"text\":\"hello\"}\n",
        ),
    ] {
        let out = run_with_stdin(&["score", "--quiet", "--format", format], feed);
        let rows = csv_rows(&out.stdout);
        assert_eq!(rows[1][0], "J1", "{format}");
    }

    let out = lurescan()
        .args(["score", "--quiet", "--format", "jsonl"])
        .write_stdin(
            "\u{feff}{\"id\":\"a\",\"text\":\"hello\"}\n\
             {\"id\":\"b\",\"text\":\"free visa\",\"text\":\"hello\"}\n",
        )
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let rows = csv_rows(&out.stdout);
    assert_eq!(
        rows.len(),
        2,
        "the first record is scored, the second rejected"
    );
    assert_eq!(rows[1][0], "a");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("record 2 (line 2): key \"text\" appears twice"),
        "{err}"
    );
    assert!(err.contains("read 2, scored 1, rejected 1"), "{err}");
}

/// A missing input anywhere in the list fails before anything is scored or written, and
/// an I/O error is said once (the error names the file; its cause follows once).
#[test]
fn a_missing_later_input_fails_first_and_errors_are_said_once() {
    let out = lurescan()
        .args(["score", "--quiet"])
        .arg(repo("data/sample_adverts.csv"))
        .arg("/nonexistent/feed.csv")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing written before the failure");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("opening /nonexistent/feed.csv"), "{err}");

    let out = lurescan()
        .args(["check", "--model", "/nonexistent/model.json", "hello"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
}
