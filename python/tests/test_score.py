"""`lurescan.score` against `lurescan score --output-format jsonl`, on the sample adverts
and on every EMSCAD row of the shared split; bad input; the GIL released."""

from __future__ import annotations

import csv
import threading

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import lurescan
from conftest import SAMPLES, assert_same_scores, cli_jsonl


def dict_rows(path) -> list[dict]:
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_arrow(path) -> pa.Table:
    return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True))


def test_sample_adverts_as_dicts_dataframe_and_arrow(cli):
    expected = cli_jsonl(cli, str(SAMPLES))
    assert len(expected) == 8
    assert_same_scores(lurescan.score(dict_rows(SAMPLES)), expected)
    frame = lurescan.score(pd.read_csv(SAMPLES))
    assert isinstance(frame, pd.DataFrame)
    assert_same_scores(frame.to_dict("records"), expected)
    table = lurescan.score(read_arrow(SAMPLES))
    assert isinstance(table, pa.Table)
    assert table.schema == lurescan.arrow_schema()
    assert_same_scores(table.to_pylist(), expected)


def test_sample_adverts_explained(cli):
    expected = cli_jsonl(cli, "--explain", str(SAMPLES))
    got = lurescan.score(dict_rows(SAMPLES), explain=True)
    assert_same_scores(got, expected, explain=True)
    assert any(row["evidence"] for row in got)


def test_every_emscad_row(cli, emscad):
    expected = cli_jsonl(cli, str(emscad))
    assert len(expected) > 1000
    frame = pd.read_csv(emscad)
    got = lurescan.score(frame)
    assert list(got.index) == list(frame.index)
    assert_same_scores(got.to_dict("records"), expected)
    assert_same_scores(lurescan.score(dict_rows(emscad)), expected)
    assert_same_scores(lurescan.score(read_arrow(emscad)).to_pylist(), expected)


def test_emscad_explained_rows(cli, emscad, tmp_path):
    rows = dict_rows(emscad)[:300]
    part = tmp_path / "part.csv"
    with open(part, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    expected = cli_jsonl(cli, "--explain", str(part))
    assert_same_scores(lurescan.score(pd.read_csv(part), explain=True).to_dict("records"), expected, explain=True)


def test_a_model_file_and_a_prevalence(cli, tmp_path):
    path = tmp_path / "model.json.gz"
    lurescan.Model.embedded().save(path)
    model = lurescan.Model.load(path).with_prevalence(0.2)
    assert model.prevalence == 0.2
    expected = cli_jsonl(cli, "--model", str(path), "--prevalence", "0.2", str(SAMPLES))
    assert_same_scores(lurescan.score(dict_rows(SAMPLES), model=model), expected)
    with pytest.raises(OSError, match="no-such-model"):
        lurescan.Model.load(tmp_path / "no-such-model.json")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(lurescan.ModelError):
        lurescan.Model.load(tmp_path / "bad.json")


def test_id_and_text_columns_as_the_cli_maps_them(cli, tmp_path):
    rows = [{"ref": "A1", "body": "Earn $900 a day typing from home, no experience, pay the $50 starter fee"},
            {"ref": "A2", "body": "Registered nurse, night shifts, hospital in Leeds"}]
    path = tmp_path / "custom.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["ref", "body"])
        w.writeheader()
        w.writerows(rows)
    expected = cli_jsonl(cli, "--id-col", "ref", "--text-cols", "body", str(path))
    got = lurescan.score(rows, id_col="ref", text_cols=["body"])
    assert_same_scores(got, expected)
    assert [r["id"] for r in got] == ["A1", "A2"]
    # Without an id column the id is the record's 1-based number, as in the CLI.
    assert [r["id"] for r in lurescan.score([{"text": "a job"}, {"text": "another"}])] == ["1", "2"]


def test_bad_records_raise_naming_the_row_and_id():
    good = {"job_id": "J1", "description": "Warehouse picker, day shifts"}
    cases = [
        ({"job_id": "J2", "description": b"\xff\xfeoops"}, "row 1 \\(id J2\\): field \"description\" is bytes, not str, and not valid UTF-8 \\(byte 0\\)"),
        ({"job_id": "J2", "description": b"decodable"}, "row 1 \\(id J2\\): field \"description\" is bytes, not str: decode it"),
        ({"job_id": "J2", "title": ["a", "list"]}, "row 1 \\(id J2\\): field \"title\" is a list, not text"),
        ({"job_id": "J2", "description": "   "}, "row 1 \\(id J2\\): no text in any of the text columns"),
        ({"job_id": "J2", "description": "x" * 50}, "row 1 \\(id J2\\): field description is 50 bytes, over the 40-byte limit \\(max_field_bytes\\)"),
        ({"job_id": "J2", "description": "bad \ud800 surrogate"}, "row 1 \\(id J2\\): field \"description\" is a str that is not valid Unicode"),
        ("not a dict", "row 1: is a str, not a dict"),
    ]
    for bad, message in cases:
        with pytest.raises(lurescan.InputError, match=message):
            lurescan.score([good, bad, good], max_field_bytes=40 if "limit" in message else lurescan.DEFAULT_MAX_FIELD_BYTES)


def test_an_error_column_keeps_every_record():
    records = [{"id": "a", "text": "Cashier"}, {"id": "b", "text": b"\xc3"}, {"id": "c", "text": ""}, {"id": "d", "text": "Cook"}]
    got = lurescan.score(records, errors="column")
    assert [r["id"] for r in got] == ["a", "b", "c", "d"]
    assert [r["error"] is None for r in got] == [True, False, False, True]
    assert got[1]["probability"] is None and got[1]["verdict"] is None
    assert "not valid UTF-8" in got[1]["error"]
    frame = lurescan.score(pd.DataFrame(records), errors="column")
    assert list(frame["error"].isna()) == [True, False, False, True]
    table = lurescan.score(pa.table({"id": ["a", "b"], "text": ["Cashier", None]}), errors="column")
    assert table.column("error").to_pylist() == [None, "no text in any of the text columns"]


def test_tables_without_text_columns_and_wrong_types():
    with pytest.raises(lurescan.InputError, match="no text column"):
        lurescan.score(pd.DataFrame({"job_id": ["1"], "salary": ["$5"]}))
    with pytest.raises(lurescan.InputError, match="no text column \"body\""):
        lurescan.score(pd.DataFrame({"text": ["a"]}), text_cols=["body"])
    with pytest.raises(lurescan.InputError, match="twice"):
        lurescan.score(pd.DataFrame([["a", "b"]], columns=["text", "text"]))
    # A binary Arrow column is bytes: refused, naming the row and id.
    with pytest.raises(lurescan.InputError, match="row 0 \\(id 7\\): column \"description\" is bytes"):
        lurescan.score(pa.table({"job_id": [7], "description": pa.array([b"abc"], pa.binary())}))
    with pytest.raises(TypeError, match="iterable of records"):
        lurescan.score({"text": "one advert"})
    with pytest.raises(ValueError, match="errors must be"):
        lurescan.score([], errors="ignore")
    # Columns that are not read may hold anything.
    got = lurescan.score(pd.DataFrame({"text": ["Cook"], "posted": [pd.Timestamp("2024-01-01")]}))
    assert got["verdict"].tolist() == ["ok"]
    assert lurescan.score([]) == []


def test_numbers_and_flags_read_as_the_jsonl_reader_reads_them(cli):
    records = [{"job_id": 17, "title": "Driver", "description": "Deliveries", "has_company_logo": True, "telecommuting": 0.0}]
    jsonl = b'{"job_id": 17, "title": "Driver", "description": "Deliveries", "has_company_logo": true, "telecommuting": 0}\n'
    expected = cli_jsonl(cli, "--format", "jsonl", "-", stdin=jsonl)
    assert_same_scores(lurescan.score(records), expected)
    assert expected[0]["id"] == "17"


def test_an_iterator_that_raises_is_raised():
    def records():
        yield {"text": "Cook"}
        raise RuntimeError("the source broke")
    with pytest.raises(RuntimeError, match="the source broke"):
        lurescan.score(records())


def test_scoring_releases_the_gil(emscad):
    rows = dict_rows(emscad) * 2
    ticks = 0
    done = threading.Event()

    def tick():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=tick)
    counter.start()
    try:
        before = ticks
        lurescan.score(rows)
        during = ticks - before
    finally:
        done.set()
        counter.join()
    # Holding the GIL through the scoring would leave the counter thread a few ticks at most.
    assert during > 10_000, during
