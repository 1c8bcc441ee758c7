//! Shared helpers: the binary, the project's files, the shared data.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `lurescan` binary under test.
pub fn lurescan() -> Command {
    Command::cargo_bin("lurescan").expect("binary built")
}

/// Runs a command that must succeed (its stderr is shown when it does not) and returns
/// its stdout.
pub fn run_ok(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `lurescan ARGS` with `stdin` piped in and returns its output, whatever the exit
/// code (the test asserts on it).
pub fn run_with_stdin(args: &[&str], stdin: impl Into<Vec<u8>>) -> std::process::Output {
    lurescan()
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("runs")
}

/// Runs `lurescan train DATA EXTRA... -o DIR/m.json` and returns its output, whatever the
/// exit code.
pub fn train_into(dir: &Path, data: &Path, extra: &[&str]) -> std::process::Output {
    lurescan()
        .arg("train")
        .arg(data)
        .args(extra)
        .arg("-o")
        .arg(dir.join("m.json"))
        .output()
        .expect("runs")
}

/// A path inside the repository.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The shared EMSCAD split, or `None` (with a printed reason) when it is absent and
/// `LURESCAN_REQUIRE_SHARED` is unset. With that variable set (as `.ci/run` does), a
/// missing file fails the test instead of skipping it.
pub fn shared_emscad() -> Option<PathBuf> {
    shared_file("emscad/train.csv")
}

/// The shared data directory (`../shared/data`) when it holds the real development data
/// (quoted lures and genuine board adverts), under the same rule as [`shared_emscad`].
pub fn shared_real_dev() -> Option<PathBuf> {
    for rel in [
        "real_lures_dev/texts.csv",
        "genuine_sea_dev/ads.csv",
        "genuine_sea_dev/excerpts.csv",
    ] {
        shared_file(rel)?;
    }
    Some(repo("../shared/data"))
}

/// A file under `../shared/data`, or `None` (with a printed reason) when it is absent and
/// `LURESCAN_REQUIRE_SHARED` is unset; with it set, a missing file fails the test.
fn shared_file(rel: &str) -> Option<PathBuf> {
    let path = repo("../shared/data").join(rel);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("LURESCAN_REQUIRE_SHARED").is_some() {
        panic!(
            "{} is missing and LURESCAN_REQUIRE_SHARED is set: the real-data tests cannot run",
            path.display()
        );
    }
    eprintln!(
        "skipped: {} not found (set LURESCAN_REQUIRE_SHARED=1 to make this a failure)",
        path.display()
    );
    None
}

/// Parses CSV output into rows of strings (header included).
pub fn csv_rows(out: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(out)
        .records()
        .map(|r| {
            r.expect("valid CSV output")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}
