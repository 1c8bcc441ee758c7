//! Output paths never destroy data: an output that is an input or another output is
//! refused before anything is written, and a failed run leaves no partial file.

use std::path::Path;

use crate::util::{lurescan, repo, run_ok};

/// The files in `dir`, sorted (a leftover temporary file would show here).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn score_refuses_an_output_that_is_an_input_or_the_other_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = dir.path().join("x.csv");
    std::fs::copy(repo("data/sample_adverts.csv"), &feed).expect("copy");
    let before = std::fs::read(&feed).expect("read");
    let link = dir.path().join("link.csv");
    std::fs::hard_link(&feed, &link).expect("hard link");
    let out_csv = dir.path().join("out.csv");
    let out_again = dir.path().join(".").join("out.csv");
    let cases: [(&[&Path], &str); 4] = [
        (
            &[&feed, Path::new("-o"), &feed],
            "is the same file as input",
        ),
        (
            &[&feed, Path::new("-o"), &link],
            "is the same file as input",
        ),
        (
            &[
                &feed,
                Path::new("-o"),
                &out_csv,
                Path::new("--errors"),
                &out_again,
            ],
            "is the same file as -o",
        ),
        (
            &[&feed, Path::new("--errors"), &feed],
            "is the same file as input",
        ),
    ];
    for (args, message) in cases {
        let out = lurescan()
            .args(["score", "--quiet"])
            .args(args)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(std::fs::read(&feed).expect("read"), before, "input intact");
    assert_eq!(
        listing(dir.path()),
        ["link.csv", "x.csv"],
        "nothing created"
    );

    // A model file given as --model is an input too.
    let model = dir.path().join("m.json");
    std::fs::write(&model, "{}").expect("write");
    let out = lurescan()
        .args(["score", "--quiet", "--model"])
        .arg(&model)
        .arg("-o")
        .arg(&model)
        .arg(&feed)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&model).expect("read"), b"{}");
}

#[test]
fn a_fatal_error_leaves_no_output_file_and_still_prints_the_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = repo("data/sample_adverts.csv");
    // The second input's header has no text column: fatal, after the first was scored.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "a,b\n1,2\n").expect("write");
    let out_csv = dir.path().join("out.csv");
    let out = lurescan()
        .args(["score", "--quiet", "-o"])
        .arg(&out_csv)
        .arg(&good)
        .arg(&bad)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("read 8, scored 8, rejected 0"), "{err}");
    assert!(err.contains("no text column"), "{err}");
    assert_eq!(listing(dir.path()), ["bad.csv"], "no output, no temporary");

    // An existing output is left as it was.
    std::fs::write(&out_csv, "old results\n").expect("write");
    let out = lurescan()
        .args(["score", "--quiet", "-o"])
        .arg(&out_csv)
        .arg(&good)
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&out_csv).expect("read"),
        "old results\n"
    );
    assert_eq!(listing(dir.path()), ["bad.csv", "out.csv"]);

    // On success it is replaced whole.
    run_ok(
        lurescan()
            .args(["score", "--quiet", "-o"])
            .arg(&out_csv)
            .arg(&good),
    );
    let written = std::fs::read_to_string(&out_csv).expect("read");
    assert!(written.starts_with("id,probability") && written.lines().count() == 9);
    assert_eq!(listing(dir.path()), ["bad.csv", "out.csv"]);
}

#[test]
fn strict_writes_the_errors_file_but_not_a_partial_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = dir.path().join("feed.csv");
    std::fs::write(&feed, "id,text\n1,Clerk in Leeds\n2,a,b\n3,Driver\n").expect("write");
    let out = lurescan()
        .args(["score", "--quiet", "--strict", "-o"])
        .arg(dir.path().join("out.csv"))
        .arg("--errors")
        .arg(dir.path().join("errors.csv"))
        .arg(&feed)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("nothing written to"), "{err}");
    assert_eq!(listing(dir.path()), ["errors.csv", "feed.csv"]);
    let errors = std::fs::read_to_string(dir.path().join("errors.csv")).expect("errors");
    assert!(errors.contains("2,3,2,"), "{errors}");
}

#[test]
fn train_refuses_outputs_on_the_data_or_on_each_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("d.csv");
    std::fs::copy(repo("data/sample_adverts.csv"), &data).expect("copy");
    let before = std::fs::read(&data).expect("read");
    let p = |name: &str| dir.path().join(name).display().to_string();
    let cases = [
        (vec!["-o".to_string(), p("d.csv")], "-o"),
        // The card goes beside the model as <name>.md: here, on the model itself.
        (vec!["-o".to_string(), p("m.md")], "the model card"),
        (
            vec!["-o".to_string(), p("m.json"), "--card".into(), p("d.csv")],
            "--card",
        ),
        (
            vec!["-o".to_string(), p("m.json"), "--oof".into(), p("m.json")],
            "--oof",
        ),
        (
            vec!["-o".to_string(), p("m.json"), "--oof".into(), p("m.md")],
            "--oof",
        ),
    ];
    for (args, role) in cases {
        let out = lurescan()
            .arg("train")
            .arg(&data)
            .args(&args)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(&format!("error: {role}")) && err.contains("is the same file as"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(std::fs::read(&data).expect("read"), before, "data intact");
    assert_eq!(listing(dir.path()), ["d.csv"], "nothing written");
}

#[test]
fn campaigns_refuses_an_output_that_is_an_input_or_another_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = dir.path().join("x.csv");
    std::fs::copy(repo("data/sample_adverts.csv"), &feed).expect("copy");
    let before = std::fs::read(&feed).expect("read");
    let out_csv = dir.path().join("out.csv");
    for (args, message) in [
        (
            vec![&feed, Path::new("-o"), &feed],
            "is the same file as input",
        ),
        (
            vec![&feed, Path::new("--summary"), &feed],
            "is the same file as input",
        ),
        (
            vec![
                &feed,
                Path::new("-o"),
                &out_csv,
                Path::new("--summary"),
                &out_csv,
            ],
            "is the same file as -o",
        ),
    ] {
        let out = lurescan()
            .arg("campaigns")
            .args(&args)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read(&feed).expect("read"), before, "input intact");
    assert_eq!(listing(dir.path()), ["x.csv"], "nothing written");
}

/// Runs `lurescan ARGS` in `dir` and sends it `signal` (`-INT`, `-TERM`) once its
/// temporary output file exists (so the run has started writing); returns the exit code
/// and stderr.
fn interrupted(
    dir: &Path,
    args: &[&str],
    stdin: std::process::Stdio,
    signal: &str,
) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lurescan"))
        .args(args)
        .current_dir(dir)
        .stdin(stdin)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    let start = std::time::Instant::now();
    while !listing(dir).iter().any(|n| n.ends_with(".lurescan-tmp")) {
        assert!(start.elapsed().as_secs() < 60, "no temporary file appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // An open stdin stays open (the run blocks reading it) until the run has ended.
    let mut stdin = child.stdin.take();
    if let Some(w) = &mut stdin {
        use std::io::Write;
        w.write_all(b"id,text\n1,Packer wanted\n")
            .expect("feeds stdin");
    }
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args([signal, &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("waits");
    drop(stdin);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// SIGINT or SIGTERM during `score -o`: exit 130 or 143, the counts so far, no output file
/// (or the old one untouched) and no temporary file left. Also when the run is blocked
/// reading stdin, where the signal handler itself ends it after a grace period.
#[test]
fn an_interrupted_score_leaves_no_partial_or_temporary_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A feed long enough to be interrupted mid-way (adverts written for this test).
    let mut feed = String::from("id,text\n");
    for i in 0..60_000 {
        feed.push_str(&format!(
            "{i},\"Warehouse picker {i}, night shifts, pay weekly, apply in person at gate {}.\"\n",
            i % 7
        ));
    }
    std::fs::write(dir.path().join("feed.csv"), feed).expect("write feed");
    let score_interrupted = |dir: &Path, signal: &str| {
        let args = ["score", "feed.csv", "-o", "out.csv"];
        interrupted(dir, &args, std::process::Stdio::null(), signal)
    };

    let (code, stderr) = score_interrupted(dir.path(), "-INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("interrupted (SIGINT)"), "{stderr}");
    assert!(stderr.contains("read "), "the counts so far: {stderr}");
    assert_eq!(listing(dir.path()), ["feed.csv"]);

    std::fs::write(dir.path().join("out.csv"), "old results\n").expect("write");
    let (code, stderr) = score_interrupted(dir.path(), "-TERM");
    assert_eq!(code, Some(143), "{stderr}");
    assert_eq!(listing(dir.path()), ["feed.csv", "out.csv"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.csv")).expect("read"),
        "old results\n"
    );

    // Blocked on an open stdin that never ends: the handler ends the run itself.
    let (code, stderr) = interrupted(
        dir.path(),
        &["score", "-o", "new.csv"],
        std::process::Stdio::piped(),
        "-INT",
    );
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(listing(dir.path()), ["feed.csv", "out.csv"]);
}
