#!/usr/bin/env python3
"""Side-by-side baseline: scikit-learn TF-IDF + logistic regression on lurescan's own
grouped folds. Optional (needs `pip install scikit-learn`); not run by CI.

    lurescan train ../shared/data/emscad/train.csv -o /tmp/m.json --alpha auto --oof /tmp/oof.csv
    python3 benches/sklearn_baseline.py ../shared/data/emscad/train.csv /tmp/oof.csv

Prints the baseline's mean ROC-AUC and PR-AUC (average precision re-weighted to 4.8%
prevalence, exactly as lurescan reports it) over the same folds, and the time of one
fit on all rows with features included.
"""
import csv
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

PREVALENCE = 0.048
FIELDS = ["title", "company_profile", "description", "requirements", "benefits"]


def ap_at(y, s, pi=PREVALENCE):
    npos = y.sum()
    nneg = len(y) - npos
    w_neg = (npos / nneg) * ((1 - pi) / pi)
    return average_precision_score(y, s, sample_weight=np.where(y == 1, 1.0, w_neg))


def main(data_path, oof_path):
    rows = list(csv.DictReader(open(data_path, encoding="utf-8")))
    fold = {r["id"]: int(r["fold"]) for r in csv.DictReader(open(oof_path, encoding="utf-8"))}
    text = [" ".join(r[f] for f in FIELDS) for r in rows]
    y = np.array([int(r["fraudulent"]) for r in rows])
    f = np.array([fold[r["job_id"]] for r in rows])
    aucs, aps = [], []
    for k in sorted(set(f)):
        train, test = f != k, f == k
        vec = TfidfVectorizer()
        x_train = vec.fit_transform([t for t, m in zip(text, train) if m])
        x_test = vec.transform([t for t, m in zip(text, test) if m])
        scores = LogisticRegression(max_iter=2000).fit(x_train, y[train]).decision_function(x_test)
        aucs.append(roc_auc_score(y[test], scores))
        aps.append(ap_at(y[test], scores))
    print(
        f"scikit-learn TF-IDF + LR on lurescan's folds: ROC-AUC {np.mean(aucs):.4f} ± {np.std(aucs, ddof=1):.4f}, "
        f"PR-AUC at {PREVALENCE:.1%} {np.mean(aps):.4f} ± {np.std(aps, ddof=1):.4f}"
    )
    start = time.perf_counter()
    LogisticRegression(max_iter=2000).fit(TfidfVectorizer().fit_transform(text), y)
    print(f"one fit on all {len(y)} rows, features included: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
