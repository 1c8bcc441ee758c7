//! Hostile input: one huge field, line, header, advert or model file is rejected by name
//! in bounded memory, and the run goes on; an unterminated quote is reported, not
//! swallowed. Memory is bounded for real: the big cases run under `ulimit -v` (address
//! space, which a growing buffer must take), well below the input's size.

use std::io::Write;

use std::process::{Command, Output, Stdio};
use unicode_normalization::UnicodeNormalization;

use crate::util::{csv_rows, lurescan, run_ok, run_with_stdin, train_into};

/// Address space the child may use (KiB): a few times what a bounded run needs (about
/// 150 MB with two threads), far below the inputs streamed at it.
const ADDRESS_SPACE_KIB: u64 = 500_000;
/// The size of the huge field or line: more than the address space allows.
const HUGE: usize = 600 << 20;

/// Runs `lurescan ARGS` under `ulimit -v`, with `feed` writing its stdin from a thread
/// (so the test never holds the input either).
fn run_capped(args: &[&str], feed: impl FnOnce(&mut dyn Write) + Send + 'static) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("lurescan");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(bin)
        .args(args)
        // A fixed thread count keeps the address space the same on any machine.
        .env("RAYON_NUM_THREADS", "2")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || feed(&mut stdin));
    let out = child.wait_with_output().expect("runs");
    // The child may stop reading early (a refused header): a broken pipe is fine there.
    let _ = writer.join();
    out
}

/// Writes `n` bytes of `b` in 1 MiB pieces.
fn write_repeated(w: &mut dyn Write, b: u8, n: usize) {
    let piece = vec![b; 1 << 20];
    let mut left = n;
    while left > 0 {
        let k = left.min(piece.len());
        if w.write_all(&piece[..k]).is_err() {
            return;
        }
        left -= k;
    }
}

#[test]
fn a_huge_csv_field_is_rejected_by_name_and_the_next_record_scored() {
    let out = run_capped(&["score", "--quiet"], |w| {
        let _ = w.write_all(b"id,text\n1,Clerk in Leeds\nhuge,\"");
        write_repeated(w, b'x', HUGE);
        let _ = w.write_all(b"\"\n3,Free visa and flight and no experience needed\n");
    });
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "rejected record 2 (line 3, id huge): field text is {HUGE} bytes, over the 1048576-byte limit"
        )),
        "{err}"
    );
    assert!(err.contains("read 3, scored 2, rejected 1"), "{err}");
    let ids: Vec<String> = csv_rows(&out.stdout)[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(ids, ["1", "3"]);
}

#[test]
fn a_huge_jsonl_line_is_rejected_by_name_and_the_next_record_scored() {
    let out = run_capped(&["score", "--quiet", "--format", "jsonl"], |w| {
        let _ = w.write_all(b"{\"id\":\"a\",\"text\":\"");
        write_repeated(w, b'x', HUGE);
        let _ = w.write_all(b"\"}\n{\"id\":\"b\",\"text\":\"Free visa and flight\"}\n");
    });
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("rejected record 1 (line 1): the line is")
            && err.contains("over the 16777216-byte limit for a JSONL record"),
        "{err}"
    );
    assert!(err.contains("read 2, scored 1, rejected 1"), "{err}");
    assert_eq!(csv_rows(&out.stdout)[1][0], "b");
}

/// A small gzip member of 1 MiB of `b`, repeated, decompresses to that many MiB: a gzip
/// bomb in a few hundred KB (`.gz` files may hold several members, read one after another).
fn gzip_member(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(data).expect("compress");
    gz.finish().expect("finish")
}

#[test]
fn a_gzip_bomb_field_is_rejected_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bomb.csv.gz");
    let mut file = Vec::new();
    file.extend(gzip_member(b"id,text\nbomb,\""));
    let mib = gzip_member(&vec![b'x'; 1 << 20]);
    for _ in 0..(HUGE >> 20) {
        file.extend_from_slice(&mib);
    }
    file.extend(gzip_member(b"\"\nnext,Free visa and flight\n"));
    std::fs::write(&path, file).expect("write");
    let path = path.display().to_string();
    let out = run_capped(&["score", "--quiet", &path], |_| {});
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("record 1 (line 2, id bomb): field text is"),
        "{err}"
    );
    assert_eq!(csv_rows(&out.stdout)[1][0], "next");
}

#[test]
fn an_endless_header_stops_at_once() {
    let out = run_capped(&["score", "--quiet", "/dev/zero"], |_| {});
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the header is over 1048576 bytes"), "{err}");
    assert!(err.contains("read 0, scored 0, rejected 0"), "{err}");
    // Endless commas: no bytes, but ever more columns.
    let out = run_capped(&["score", "--quiet"], |w| write_repeated(w, b',', HUGE));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("10000 columns"), "{err}");
}

#[test]
fn check_refuses_an_oversized_advert_and_bounds_its_report() {
    let out = run_capped(&["check"], |w| write_repeated(w, b'x', HUGE));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("over the 1048576-byte limit"), "{err}");

    // Under the limit, but the same tell 20,000 times: the report lists 100 pieces.
    let advert = "Free visa and flight. ".repeat(20_000);
    let out = run_with_stdin(&["check"], advert);
    assert!(out.status.success());
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.lines().count() < 150,
        "{} lines",
        report.lines().count()
    );
    assert!(report.contains("more (--json lists them all)"), "{report}");
}

#[test]
fn a_gzip_bomb_model_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bomb.json.gz");
    let mib = gzip_member(&vec![b' '; 1 << 20]);
    std::fs::write(&path, mib.repeat(300)).expect("write");
    let path = path.display().to_string();
    let out = run_capped(&["check", "--model", &path, "hello"], |_| {});
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("its JSON is over 268435456 bytes"), "{err}");
}

/// An unterminated quote swallowed the records after it (`read 2, scored 2` for three):
/// now the record is rejected with the line where the quote opened.
#[test]
fn an_unterminated_quote_is_reported_with_its_line() {
    let feed = "id,text\n1,Clerk in Leeds\n2,\"Driver, Leeds\n3,Nurse in York\n";
    let out = run_with_stdin(&["score", "--quiet"], feed);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("rejected record 2 (line 3, id 2): a quote opened on line 3 is never closed"),
        "{err}"
    );
    assert!(err.contains("read 2, scored 1, rejected 1"), "{err}");
    // In the header it is fatal.
    let out = run_with_stdin(&["score", "--quiet"], "id,\"text\n1,x\n");
    assert_eq!(out.status.code(), Some(2));
    // Training refuses the file, naming the record.
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("d.csv");
    std::fs::write(&data, "id,text,fraudulent\n1,a,0\n2,\"b,1\n3,c,1\n").expect("write");
    let out = train_into(dir.path(), &data, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("record 2 (line 3, id 2): a quote opened"),
        "{err}"
    );
}

/// Rejections name the line an editor shows, in CRLF and CR-only files and after blank
/// lines alike.
#[test]
fn rejection_lines_are_right_for_crlf_cr_and_blank_lines() {
    for (eol, name) in [("\r\n", "CRLF"), ("\r", "CR"), ("\n", "LF")] {
        let feed = [
            "id,text",
            "1,Clerk in Leeds",
            "",
            "",
            "2,a,b",
            "3,Driver",
            "",
        ]
        .join(eol);
        let out = run_with_stdin(&["score", "--quiet"], feed);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("rejected record 2 (line 5, id 2): has 3 fields"),
            "{name}: {err}"
        );
        assert!(
            err.contains("read 3, scored 2, rejected 1"),
            "{name}: {err}"
        );
    }
}

/// Gzip on stdin (or under any name) is found by its magic bytes, not dumped as text.
#[test]
fn gzip_on_stdin_is_detected() {
    let plain = std::fs::read(crate::util::repo("data/sample_adverts.csv")).expect("samples");
    let gz = gzip_member(&plain);
    let a = run_with_stdin(&["score", "--quiet"], plain);
    let b = run_with_stdin(&["score", "--quiet"], gz);
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    assert_eq!(a.stdout, b.stdout);
}

/// `train --max-iterations 0` would write a model that never fitted: refused.
#[test]
fn zero_training_iterations_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = lurescan()
        .arg("train")
        .arg(crate::util::repo("data/sample_adverts.csv"))
        .args(["--max-iterations", "0", "-o"])
        .arg(dir.path().join("m.json"))
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("max_iterations: must be at least 1"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0);
}

/// A JSONL `--keep` value over the field limit rejects its record, as a text does (it was
/// passed through whatever its size).
#[test]
fn an_oversized_jsonl_keep_value_is_rejected() {
    let big = "k".repeat(2000);
    let feed = format!(
        "{{\"id\":\"a\",\"text\":\"Clerk\",\"board\":\"{big}\"}}\n{{\"id\":\"b\",\"text\":\"Nurse\",\"board\":\"x\"}}\n"
    );
    let out = lurescan()
        .args(["score", "--quiet", "--format", "jsonl", "--keep", "board"])
        .args(["--max-field-bytes", "1000"])
        .write_stdin(feed)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("record 1 (line 1, id a): field board is 2000 bytes"),
        "{err}"
    );
    let rows = csv_rows(&out.stdout);
    assert_eq!((rows.len(), rows[1][0].as_str()), (2, "b"));
}

/// JSONL numeric ids beyond u64 (and decimals such as `1.50`) are kept as written: read
/// as f64 they lost digits, and distinct records shared an id.
#[test]
fn jsonl_numeric_ids_are_kept_as_written() {
    let feed = concat!(
        "{\"id\":123456789012345678901234567890,\"text\":\"a\"}\n",
        "{\"id\":123456789012345678901234567891,\"text\":\"b\"}\n",
        "{\"id\":18446744073709551616,\"text\":\"c\"}\n",
        "{\"id\":1.50,\"text\":\"d\"}\n",
        "{\"id\": 7 ,\"text\":\"e\",\"keep\":[1, 2]}\n",
        "{\"id\":\"s\\u00e9\",\"text\":\"f\"}\n",
    );
    let stdout = run_ok(
        lurescan()
            .args(["score", "--quiet", "--format", "jsonl", "--keep", "keep"])
            .write_stdin(feed),
    );
    let rows = csv_rows(&stdout);
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        ids,
        [
            "123456789012345678901234567890",
            "123456789012345678901234567891",
            "18446744073709551616",
            "1.50",
            "7",
            "sé",
        ]
    );
    let keep = rows[0]
        .iter()
        .position(|h| h == "keep")
        .expect("kept column");
    assert_eq!(rows[5][keep], "[1,2]", "nested values stay compact JSON");
}

/// Zero-width and other invisible format characters inside a lure phrase do not hide it:
/// the normaliser drops them, and the quote is the text as written.
#[test]
fn invisible_characters_inside_a_lure_phrase_do_not_hide_it() {
    for zw in ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'] {
        let advert = format!("Packing job abroad, no exp{zw}erience needed, free fl{zw}ight.");
        let stdout = run_ok(lurescan().args(["check", "--json", &advert]));
        let v: serde_json::Value = serde_json::from_slice(&stdout).expect("JSON");
        let quotes: Vec<&str> = v["lures"]
            .as_array()
            .expect("lures")
            .iter()
            .filter_map(|l| l["text"].as_str())
            .collect();
        assert!(
            quotes.contains(&format!("no exp{zw}erience needed").as_str()),
            "{zw:?}: {quotes:?}"
        );
        assert!(
            quotes.contains(&format!("free fl{zw}ight").as_str()),
            "{zw:?}: {quotes:?}"
        );
    }
}

/// The lures `check --json` reports for `advert`.
fn check_lures(advert: &str) -> Vec<serde_json::Value> {
    let stdout = run_ok(lurescan().args(["check", "--json", advert]));
    let v: serde_json::Value = serde_json::from_slice(&stdout).expect("JSON");
    v["lures"].as_array().expect("lures").clone()
}

/// Combining marks typed onto the letters of a lure (one acute that NFC would compose
/// into "é", or stacked "zalgo" marks) do not hide it: the same evidence is found as
/// without them, quoted with the marks as written. (Advert written for this test.)
#[test]
fn combining_marks_on_a_lure_do_not_hide_it() {
    let plain = "Warehouse packers wanted overseas. No experience needed, free flight, \
        hand over your passport to the agent on arrival.";
    let marked = "Warehouse packers wanted overseas. No expe\u{301}rience ne\u{336}\u{317}eded, \
        fre\u{301}e fli\u{300}\u{35c}ght, hand over your pa\u{308}ss\u{1dc0}port to the agent on arrival.";
    let evidence = |advert: &str| -> Vec<(String, String, String)> {
        check_lures(advert)
            .iter()
            .map(|l| {
                let s = |k: &str| l[k].as_str().unwrap_or_default().to_string();
                (s("family"), s("matched_by"), s("text"))
            })
            .collect()
    };
    let (plain_ev, marked_ev) = (evidence(plain), evidence(marked));
    assert!(plain_ev.len() >= 3, "{plain_ev:?}");
    let what = |ev: &[(String, String, String)]| -> Vec<(String, String)> {
        ev.iter().map(|(f, m, _)| (f.clone(), m.clone())).collect()
    };
    assert_eq!(what(&plain_ev), what(&marked_ev));
    let quotes: Vec<&str> = marked_ev.iter().map(|(_, _, q)| q.as_str()).collect();
    for quoted in [
        "No expe\u{301}rience ne\u{336}\u{317}eded",
        "fre\u{301}e fli\u{300}\u{35c}ght",
        "pa\u{308}ss\u{1dc0}port",
    ] {
        assert!(
            quotes.iter().any(|q| q.contains(quoted)),
            "{quoted:?} not quoted: {quotes:?}"
        );
    }
}

/// Vietnamese typed decomposed (NFD) keeps its diacritics and so its lexicon matches:
/// the same evidence as the precomposed text. (Advert written for this test.)
#[test]
fn vietnamese_typed_decomposed_still_matches() {
    let nfc = "Tuyển gấp nhân viên, bao ăn ở, không cần kinh nghiệm.";
    let nfd: String = nfc.nfd().collect();
    assert_ne!(nfc, nfd);
    let matched = |advert: &str| -> Vec<String> {
        check_lures(advert)
            .iter()
            .map(|l| l["matched_by"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let want = matched(nfc);
    assert!(want.iter().any(|m| m == "lexicon vi: bao ăn ở"), "{want:?}");
    assert_eq!(matched(&nfd), want);
}

/// A huge override lexicon (here `/dev/zero` behind a link) is refused by name in bounded
/// memory, not read to the end.
#[cfg(unix)]
#[test]
fn a_huge_override_lexicon_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zero = dir.path().join("en.tsv");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let out = run_capped(
        &[
            "check",
            "--lexicons",
            &dir.path().to_string_lossy(),
            "free flight",
        ],
        |_| {},
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&*zero.to_string_lossy()), "{stderr}");
    assert!(
        stderr.contains("bytes") && stderr.contains("refused"),
        "{stderr}"
    );
}
