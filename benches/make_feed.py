#!/usr/bin/env python3
"""Writes a bulk-scoring feed for the performance figures in docs/performance.md: the shared
EMSCAD split repeated round-robin to N records, each with a new id M0000000, M0000001, ...

    python3 benches/make_feed.py ../shared/data/emscad/train.csv 100000 feed100000.csv

The feed stays outside the repository (the brief: EMSCAD data is never copied in).
"""
import csv
import sys


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source, count, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    csv.field_size_limit(sys.maxsize)
    with open(source, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if not body:
        sys.exit(f"{source} has no records")
    with open(target, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        for i in range(count):
            row = list(body[i % len(body)])
            row[0] = f"M{i:07d}"
            out.writerow(row)


if __name__ == "__main__":
    main()
