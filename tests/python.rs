//! The Python package (`python/`) built and tested for real: a virtual environment under
//! `target/python-venv` (made once, then reused) gets maturin, pytest, pandas, pyarrow
//! and pyspark from PyPI, the package is installed from the checkout with
//! `pip install ./python`, and `pytest python/tests` runs against this build's
//! `lurescan` binary (comparing scores with the CLI's, Spark in `local[2]` included).
//!
//! Skipped (with a message) when `python3` with `venv` is not available, unless
//! `LURESCAN_REQUIRE_PYTHON` is set, as `.ci/run` does: then it fails. A missing Java
//! runtime skips (or, required, fails) the Spark tests inside pytest.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::repo;

/// What pytest needs besides the package (maturin builds it without build isolation).
const REQUIREMENTS: [&str; 5] = [
    "maturin>=1.5,<2",
    "pytest",
    "pandas",
    "pyarrow",
    "pyspark>=3.5",
];

/// `python -m pip install`, quietly.
const PIP_INSTALL: [&str; 5] = [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
];

fn required() -> bool {
    std::env::var_os("LURESCAN_REQUIRE_PYTHON").is_some()
}

/// `python3`, when it can make a virtual environment.
fn python3() -> Option<&'static str> {
    let ok = Command::new("python3")
        .args(["-c", "import venv, ensurepip"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some("python3");
    }
    let why = "no python3 with venv and ensurepip (apt-get install python3-venv)";
    if required() {
        panic!("{why}, and LURESCAN_REQUIRE_PYTHON is set");
    }
    eprintln!("skipped: {why} (set LURESCAN_REQUIRE_PYTHON=1 to fail instead)");
    None
}

/// Runs `cmd`, failing the test with its output when it does not succeed.
fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The environment's python, made (and given the requirements) when missing.
fn venv(python3: &str, dir: &Path) -> PathBuf {
    let python = dir.join("bin").join("python");
    if !python.is_file() {
        run(
            Command::new(python3).arg("-m").arg("venv").arg(dir),
            "creating the virtual environment",
        );
    }
    let has_all = Command::new(&python)
        .args(["-c", "import maturin, pytest, pandas, pyarrow, pyspark"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_all {
        run(
            Command::new(&python).args(PIP_INSTALL).args(REQUIREMENTS),
            "installing the test requirements",
        );
    }
    python
}

#[test]
fn python_package_passes_its_pytest_suite() {
    let Some(python3) = python3() else {
        return;
    };
    let root = repo("");
    let python = venv(python3, &root.join("target/python-venv"));
    let bin_dir = python.parent().expect("venv bin");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The workspace's own target/: cargo releases its lock before running the tests,
    // and the library built for them is reused (only PyO3 and the binding compile).
    run(
        Command::new(&python)
            .args(PIP_INSTALL)
            .args(["--no-build-isolation", "--force-reinstall", "--no-deps"])
            .arg(root.join("python"))
            .env("PATH", &path)
            .env("CARGO_TARGET_DIR", root.join("target")),
        "pip install ./python",
    );
    let out = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "python/tests",
        ])
        .current_dir(&root)
        .env("PATH", &path)
        .env("LURESCAN_BIN", env!("CARGO_BIN_EXE_lurescan"))
        .output()
        .expect("pytest starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Exit 5 is "no tests collected": a suite that ran nothing has not passed.
    assert!(
        out.status.success(),
        "pytest failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = stdout.lines().last().unwrap_or_default();
    eprintln!("pytest: {summary}");
    assert!(summary.contains(" passed"), "pytest ran no test: {stdout}");
}
