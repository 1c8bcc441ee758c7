"""Fixtures of the Python suite: the CLI binary the package is compared with, the sample
adverts, and EMSCAD rows from the shared data (never copied into the repository)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "sample_adverts.csv"
EMSCAD = REPO.parent / "shared" / "data" / "emscad" / "train.csv"


@pytest.fixture(scope="session")
def cli() -> str:
    """The `lurescan` binary (LURESCAN_BIN, as `cargo test` sets it, else target/release)."""
    path = os.environ.get("LURESCAN_BIN") or str(REPO / "target" / "release" / "lurescan")
    if not Path(path).is_file():
        pytest.fail(f"no lurescan binary at {path}: run `cargo build --release` or set LURESCAN_BIN")
    return path


@pytest.fixture(scope="session")
def emscad() -> Path:
    """The shared EMSCAD split: a failure when LURESCAN_REQUIRE_SHARED is set, else a skip."""
    if not EMSCAD.is_file():
        message = f"shared data missing: {EMSCAD}"
        if os.environ.get("LURESCAN_REQUIRE_SHARED"):
            pytest.fail(message)
        pytest.skip(message)
    return EMSCAD


def cli_jsonl(cli: str, *args: str, stdin: bytes | None = None) -> list[dict]:
    """Runs `lurescan score --output-format jsonl ARGS` and parses its lines."""
    done = subprocess.run(
        [cli, "score", "--quiet", "--output-format", "jsonl", *args],
        input=stdin,
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return [json.loads(line) for line in done.stdout.decode().splitlines() if line.strip()]


def assert_same_scores(package_rows: list[dict], cli_rows: list[dict], *, explain: bool = False) -> None:
    """Every record: the same id, probability (to 1e-9), verdict and lures as the CLI (and
    with `explain` the same language and evidence)."""
    assert len(package_rows) == len(cli_rows)
    keys = ["id", "verdict", "lures"] + (["lang", "evidence"] if explain else [])
    for mine, theirs in zip(package_rows, cli_rows):
        assert abs(mine["probability"] - theirs["probability"]) <= 1e-9, (mine["id"], mine, theirs)
        for key in keys:
            assert mine[key] == theirs[key], (mine["id"], key, mine[key], theirs[key])
