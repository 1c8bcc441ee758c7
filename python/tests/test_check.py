"""`lurescan.check` against `lurescan check --json`."""

from __future__ import annotations

import csv
import json
import subprocess

import pytest

import lurescan
from conftest import SAMPLES, cli_jsonl


def sample_rows() -> list[dict]:
    with open(SAMPLES, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


TEXTS = [row["description"] for row in sample_rows()] + [
    "Tuyển nhân viên chăm sóc khách hàng tại Campuchia, lương 2.500 USD/tháng, bao vé máy bay.",
    "招聘客服，月薪3万，包吃包住，无需经验，联系微信",
    "Senior accountant, Bangkok office. CPA required, five years of experience.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_check_is_the_cli_check_json(cli, text):
    expected = json.loads(subprocess.run([cli, "check", "--json", text], capture_output=True, check=True).stdout)
    got = lurescan.check(text)
    assert got == expected
    assert got["id"] == "text"


def test_check_with_fields_scores_as_score_does(cli, tmp_path):
    row = sample_rows()[0]
    fields = {k: row[k] for k in ("job_id", "title", "location", "company_profile", "description", "requirements", "benefits")}
    got = lurescan.check(**fields)
    one = tmp_path / "one.csv"
    with open(one, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(fields))
        w.writeheader()
        w.writerow(fields)
    [expected] = cli_jsonl(cli, str(one))
    assert got["id"] == row["job_id"]
    assert round(got["probability"], 4) == expected["probability"]
    assert got["verdict"] == expected["verdict"]
    assert sorted({l["family"] for l in got["lures"]}) == sorted(expected["lures"])


def test_check_refuses_what_it_cannot_score():
    with pytest.raises(lurescan.InputError, match="empty"):
        lurescan.check("   ")
    with pytest.raises(lurescan.InputError, match="bytes"):
        lurescan.check(b"Customer service in Sihanoukville")
    with pytest.raises(lurescan.InputError, match="not valid UTF-8"):
        lurescan.check(b"caf\xe9 job")
    with pytest.raises(TypeError, match='unknown field "descripton"'):
        lurescan.check(descripton="typo")
    with pytest.raises(lurescan.InputError, match="limit"):
        lurescan.check("x" * 100, max_field_bytes=10)
    with pytest.raises(lurescan.InputError, match="list"):
        lurescan.check(title=["a", "list"])
