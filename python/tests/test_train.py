"""`lurescan.train` against `lurescan train`: the same metrics and the same model."""

from __future__ import annotations

import json
import subprocess

import pytest

import lurescan
from conftest import SAMPLES, assert_same_scores, cli_jsonl

OPTIONS = {"cv": 3, "alpha": 0.001, "bootstrap": 20, "seed": 7}
FLAGS = ["--cv", "3", "--alpha", "0.001", "--bootstrap", "20", "--seed", "7"]


def test_train_matches_the_cli(cli, emscad, tmp_path):
    cli_model = tmp_path / "cli.json"
    done = subprocess.run([cli, "train", str(emscad), "-o", str(cli_model), *FLAGS], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    py_model_path = tmp_path / "py.json.gz"
    model, metrics = lurescan.train(emscad, py_model_path, **OPTIONS)
    assert (tmp_path / "py.md").is_file(), "the card is written beside the model"
    assert metrics["folds"] == 3 and metrics["alpha"] == 0.001
    assert metrics["rows"] > 1000 and 0 < metrics["positives"] < metrics["rows"]
    # The CLI prints the same figures (4 decimals).
    line = f"ROC-AUC {metrics['roc_auc']['mean']:.4f} ± {metrics['roc_auc']['sd']:.4f}, PR-AUC {metrics['pr_auc']['mean']:.4f}"
    assert line in done.stderr, (line, done.stderr)
    assert f"threshold {metrics['threshold']:.4f}" in done.stderr
    saved = json.loads(cli_model.read_text())
    assert abs(saved["threshold"] - model.threshold) < 1e-12
    expected = cli_jsonl(cli, "--model", str(cli_model), str(SAMPLES))
    import csv
    with open(SAMPLES, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert_same_scores(lurescan.score(rows, model=model), expected)
    assert_same_scores(lurescan.score(rows, model=lurescan.Model.load(py_model_path)), expected)


def test_train_refuses_bad_data_and_options(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("id,text,fraudulent\n1,Cook,0\n2,Driver,maybe\n")
    with pytest.raises(lurescan.InputError, match="record 2.*maybe"):
        lurescan.train(data)
    with pytest.raises(ValueError, match="alpha"):
        lurescan.train(data, alpha="big")
    with pytest.raises(OSError):
        lurescan.train(tmp_path / "missing.csv")
