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
    subprocess.run([cli, "score", "--quiet", str(feed), "-o", "/dev/null"], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def cli_probabilities(cli: str, feed: Path) -> dict[str, float]:
    out = subprocess.run([cli, "score", "--quiet", "--output-format", "jsonl", str(feed)], check=True, capture_output=True).stdout
    return {row["id"]: row["probability"] for row in map(json.loads, out.decode().splitlines())}


def cpu_seconds(who: int) -> float:
    import resource

    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def speed(cli: str, feed: Path, rows: int, rounds: int) -> None:
    import pandas as pd
    import pyarrow.csv as pacsv

    import lurescan

    frame = pd.read_csv(feed)
    table = pacsv.read_csv(feed, parse_options=pacsv.ParseOptions(newlines_in_values=True))
    lurescan.score(frame.head(2000))  # loads the model and compiles the lexicons once
    print(f"feed {feed} ({rows} adverts)")
    import resource

    def run(label: str, work) -> None:
        who = resource.RUSAGE_CHILDREN if label.startswith("CLI") else resource.RUSAGE_SELF
        cpu, start = cpu_seconds(who), time.perf_counter()
        work()
        wall, cpu = time.perf_counter() - start, cpu_seconds(who) - cpu
        print(f"  round {r + 1} {label}: {wall:.2f} s wall, {cpu:.2f} s CPU, {rows / wall:,.0f} adverts/s")

    for r in range(rounds):
        run("CLI `lurescan score --quiet FEED -o /dev/null`", lambda: time_cli(cli, feed))
        run("package lurescan.score(DataFrame)", lambda: lurescan.score(frame))
        run("CLI `lurescan score --quiet FEED -o /dev/null`", lambda: time_cli(cli, feed))
        run("package lurescan.score(pyarrow Table)", lambda: lurescan.score(table))
        run("package pandas.read_csv + lurescan.score", lambda: lurescan.score(pd.read_csv(feed)))


def parquet_feed(feed: Path, parts: int) -> Path:
    """The CSV feed as `parts` Parquet files (Spark reads a multi-line CSV file as one
    partition, so one core would score it all; scraped feeds at scale are Parquet anyway)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    out = feed.with_suffix(".parquet.d")
    if not out.is_dir():
        out.mkdir()
        table = pacsv.read_csv(feed, parse_options=pacsv.ParseOptions(newlines_in_values=True))
        step = -(-table.num_rows // parts)
        for i in range(parts):
            pq.write_table(table.slice(i * step, step), out / f"part-{i}.parquet")
    return out


def spark_job(cli: str, feed: Path, rows: int) -> None:
    os.environ["RAYON_NUM_THREADS"] = "1"  # one scoring thread per Python worker
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from lurescan.spark import score_dataframe

    expected = cli_probabilities(cli, feed)
    parquet = parquet_feed(feed, parts=8)
    t_cli = time_cli(cli, feed)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("lurescan-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        # Smaller input splits: 8 partitions or more, so both cores stay busy to the end.
        .config("spark.sql.files.maxPartitionBytes", "16m")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        start = time.perf_counter()
        adverts = spark.read.parquet(str(parquet))
        scored = score_dataframe(adverts).select("id", "probability", "error").collect()
        t = time.perf_counter() - start
    finally:
        spark.stop()
    t_cli_after = time_cli(cli, feed)
    got = {row["id"]: row["probability"] for row in scored}
    errors = sum(row["error"] is not None for row in scored)
    differ = [i for i, p in expected.items() if got.get(i) is None or abs(got[i] - p) > 1e-9]
    print(f"Spark local[2], {rows} adverts (read Parquet, 8 files + score + collect): {t:.1f} s, {rows / t:,.0f} adverts/s, {rows / t / 2:,.0f} per core")
    for label, tc in (("before", t_cli), ("after", t_cli_after)):
        print(f"  CLI on the same feed (CSV), {label}: {tc:.1f} s, {rows / tc:,.0f} adverts/s, {rows / tc / 2:,.0f} per core")
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
