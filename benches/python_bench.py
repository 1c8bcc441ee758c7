#!/usr/bin/env python3
"""Adverts per second of the Python package against the CLI on the same feed, and the
Spark job (lurescan.spark, mapInArrow) in local[2] on a feed checked against the CLI's
probabilities for every advert. Figures and the commands that made them are in
docs/performance.md.

    python3 benches/python_bench.py ../shared/data/emscad/train.csv \
        --rows 100000 --rounds 2 --spark-rows 100000 --workdir /tmp/lurescan-bench

Needs the package installed (`pip install ./python`), pandas and pyarrow, pyspark and
Java for the Spark part (skipped with --spark-rows 0), and the CLI built
(`cargo build --release`). Feeds are made with benches/make_feed.py outside the
repository. The speed runs alternate CLI and package (CLI, package, CLI, package), so
that another load on the machine falls on both.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def make_feed(source: Path, rows: int, workdir: Path) -> Path:
    feed = workdir / f"feed{rows}.csv"
    if not feed.is_file():
        subprocess.run([sys.executable, str(REPO / "benches" / "make_feed.py"), str(source), str(rows), str(feed)], check=True)
    return feed


def time_cli(cli: str, feed: Path) -> float:
    start = time.perf_counter()
    subprocess.run([cli, "score", "--quiet", str(feed), "-o", "/dev/null"], check=True)
    return time.perf_counter() - start


def cli_probabilities(cli: str, feed: Path) -> dict[str, float]:
    out = subprocess.run([cli, "score", "--quiet", "--output-format", "jsonl", str(feed)], check=True, capture_output=True).stdout
    return {row["id"]: row["probability"] for row in map(json.loads, out.decode().splitlines())}


def speed(cli: str, feed: Path, rows: int, rounds: int) -> None:
    import pandas as pd
    import pyarrow.csv as pacsv

    import lurescan

    frame = pd.read_csv(feed)
    table = pacsv.read_csv(feed, parse_options=pacsv.ParseOptions(newlines_in_values=True))
    lurescan.score(frame.head(2000))  # loads the model and compiles the lexicons once
    print(f"feed {feed} ({rows} adverts)")
    for r in range(rounds):
        t = time_cli(cli, feed)
        print(f"  round {r + 1} CLI  `lurescan score --quiet FEED -o /dev/null`: {t:.2f} s, {rows / t:,.0f} adverts/s")
        start = time.perf_counter()
        lurescan.score(frame)
        t = time.perf_counter() - start
        print(f"  round {r + 1} package lurescan.score(DataFrame): {t:.2f} s, {rows / t:,.0f} adverts/s")
        start = time.perf_counter()
        lurescan.score(table)
        t = time.perf_counter() - start
        print(f"  round {r + 1} package lurescan.score(pyarrow Table): {t:.2f} s, {rows / t:,.0f} adverts/s")
        start = time.perf_counter()
        lurescan.score(pd.read_csv(feed))
        t = time.perf_counter() - start
        print(f"  round {r + 1} package pandas.read_csv + lurescan.score: {t:.2f} s, {rows / t:,.0f} adverts/s")


def spark_job(cli: str, feed: Path, rows: int) -> None:
    os.environ["RAYON_NUM_THREADS"] = "1"  # one scoring thread per Python worker
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from lurescan.spark import score_dataframe

    expected = cli_probabilities(cli, feed)
    t_cli = time_cli(cli, feed)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("lurescan-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        adverts = spark.read.csv(str(feed), header=True, multiLine=True, escape='"')
        start = time.perf_counter()
        scored = score_dataframe(adverts).select("id", "probability", "error").collect()
        t = time.perf_counter() - start
    finally:
        spark.stop()
    got = {row["id"]: row["probability"] for row in scored}
    errors = sum(row["error"] is not None for row in scored)
    differ = [i for i, p in expected.items() if got.get(i) is None or abs(got[i] - p) > 1e-9]
    print(f"Spark local[2], {rows} adverts (read CSV + score + collect): {t:.1f} s, {rows / t:,.0f} adverts/s, {rows / t / 2:,.0f} per core")
    print(f"  CLI on the same feed: {t_cli:.1f} s, {rows / t_cli:,.0f} adverts/s, {rows / t_cli / 2:,.0f} per core")
    print(f"  rows {len(scored)}, errors {errors}, probabilities differing from the CLI's by more than 1e-9: {len(differ)}")
    if differ or len(scored) != rows or errors:
        sys.exit("the Spark job did not give the CLI's results")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="EMSCAD CSV (../shared/data/emscad/train.csv)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--spark-rows", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/lurescan-bench"))
    parser.add_argument("--cli", default=str(REPO / "target" / "release" / "lurescan"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.rows:
        speed(args.cli, make_feed(args.source, args.rows, args.workdir), args.rows, args.rounds)
    if args.spark_rows:
        spark_job(args.cli, make_feed(args.source, args.spark_rows, args.workdir), args.spark_rows)


if __name__ == "__main__":
    main()
