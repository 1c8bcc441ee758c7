"""The Spark job (`lurescan.spark.score_dataframe`, mapInArrow) in local[2] mode, and the
plain-process route (`RDD.pipe` over `lurescan score` on JSONL), both against the CLI's
results for every advert of a feed made from EMSCAD rows."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, assert_same_scores, cli_jsonl

FEED_ROWS = 3000


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        message = "no Java runtime (java on PATH or JAVA_HOME): Spark cannot start"
        if os.environ.get("LURESCAN_REQUIRE_PYTHON"):
            pytest.fail(message)
        pytest.skip(message)
    pyspark_sql = pytest.importorskip("pyspark.sql")
    # One rayon thread per Python worker: local[2] runs two workers, one per core.
    os.environ["RAYON_NUM_THREADS"] = "1"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("lurescan-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def feed(emscad, tmp_path_factory):
    path = tmp_path_factory.mktemp("feed") / "feed.csv"
    subprocess.run([sys.executable, str(REPO / "benches" / "make_feed.py"), str(emscad), str(FEED_ROWS), str(path)], check=True)
    return path


def test_score_dataframe_gives_the_cli_scores(spark, feed, cli):
    from lurescan.spark import score_dataframe

    expected = cli_jsonl(cli, str(feed))
    assert len(expected) == FEED_ROWS
    adverts = spark.read.csv(str(feed), header=True, multiLine=True, escape='"').repartition(4)
    scored = score_dataframe(adverts, keep=["title"]).collect()
    assert all(row["error"] is None for row in scored)
    by_id = {row["id"]: row.asDict() for row in scored}
    assert len(by_id) == FEED_ROWS
    assert_same_scores([by_id[e["id"]] for e in expected], expected)
    assert scored[0]["title"] is not None


def test_score_dataframe_reports_bad_rows_in_its_error_column(spark):
    from lurescan.spark import score_dataframe

    df = spark.createDataFrame([("a", "Cook, day shifts"), ("b", None)], "id string, text string")
    rows = {r["id"]: r for r in score_dataframe(df, explain=True).collect()}
    assert rows["a"]["error"] is None and rows["a"]["verdict"] == "ok"
    assert rows["b"]["probability"] is None and "no text" in rows["b"]["error"]


def test_rdd_pipe_over_the_cli(spark, feed, cli, tmp_path):
    csv.field_size_limit(1 << 30)
    jsonl = tmp_path / "feed.jsonl"
    with open(feed, newline="", encoding="utf-8") as f, open(jsonl, "w", encoding="utf-8") as out:
        for row in csv.DictReader(f):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    expected = cli_jsonl(cli, str(jsonl))
    lines = spark.sparkContext.textFile(str(jsonl), minPartitions=4)
    piped = lines.pipe(f"{cli} score --quiet --format jsonl --output-format jsonl -").map(json.loads).collect()
    by_id = {row["id"]: row for row in piped}
    assert len(by_id) == FEED_ROWS
    assert_same_scores([by_id[e["id"]] for e in expected], expected)
