"""Cross-validated quality of the bundled recipe on the corpus, and learning curves.

Reproduce with:

    python benchmarks/corpus_cv.py            # both schemes, writes benchmarks/results/
    python benchmarks/corpus_cv.py --quick    # a small slice, for the test suite
    python benchmarks/corpus_cv.py purpose --no-curve   # no learning curve

For each scheme it reports
- 5-fold cross-validation (thresholds tuned inside each training fold),
  per-label precision/recall/F1 and macro/micro F1;
- leave-one-coder-out validation: the corpus was written in batches by different
  coders (the id prefix, e.g. ``k3``), so training on all but one batch and testing
  on the held-out batch measures how the model does on answers written by someone
  it has never read, which is closer to real use than random folds;
- a learning curve: macro-F1 on held-out folds against the number of training answers.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (benchmarks/ is not a package)

from purposeclf import __version__  # noqa: E402
from purposeclf.codebook import load_codebook  # noqa: E402
from purposeclf.labelled import indicator_matrix as _binarize  # noqa: E402
from purposeclf.metrics import multilabel_report  # noqa: E402
from purposeclf.model import PurposeClassifier  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def read(scheme: str, limit: int | None = None):
    with (ROOT / "corpus" / f"{scheme}.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if limit:
        rows = rows[:: max(1, len(rows) // limit)][:limit]
    texts = [r["text"] for r in rows]
    labels = [[x for x in r["labels"].split(";") if x] for r in rows]
    groups = np.array([r["id"].split("-")[0] for r in rows])
    return texts, labels, groups


def oof_predict(texts, Y, cb, splits, params):
    pred = np.zeros(Y.shape, dtype=bool)
    proba = np.zeros(Y.shape)
    for train, test in splits:
        clf = PurposeClassifier(codebook=cb, random_state=0, **params)
        clf.fit([texts[i] for i in train], Y[train])
        tt = [texts[i] for i in test]
        proba[test] = clf.predict_proba(tt)
        pred[test] = proba[test] >= clf.thresholds_
    return pred, proba


def kfold(n, k, seed=0):
    order = np.random.RandomState(seed).permutation(n)
    for f in range(k):
        test = np.sort(order[f::k])
        yield np.setdiff1d(order, test), test


def run(scheme: str, *, quick: bool, params: dict, curve: bool = True) -> dict:
    texts, labels, groups = read(scheme, limit=120 if quick else None)
    cb = load_codebook(scheme)
    Y, _ = _binarize(labels, len(texts), cb)
    folds = 3 if quick else 5
    t0 = time.perf_counter()
    pred, proba = oof_predict(texts, Y, cb, list(kfold(len(texts), folds)), params)
    cv = multilabel_report(Y, pred, cb.ids, proba)
    out = {"n": len(texts), "cv": cv, "cv_seconds": time.perf_counter() - t0}
    uniq = sorted(set(groups))
    if len(uniq) > 1:
        splits = [
            (np.flatnonzero(groups != g), np.flatnonzero(groups == g)) for g in uniq
        ]
        pred_g, _ = oof_predict(texts, Y, cb, splits, params)
        out["by_coder"] = multilabel_report(Y, pred_g, cb.ids)
        out["by_coder_groups"] = {g: int((groups == g).sum()) for g in uniq}
    curve = []
    fractions = (0.25, 1.0) if quick else (0.1, 0.2, 0.35, 0.5, 0.75, 1.0)
    if not curve:
        fractions = ()
    for frac in fractions:
        scores, sizes = [], []
        for train, test in kfold(len(texts), folds):
            rng = np.random.RandomState(1)
            sub = np.sort(rng.permutation(train)[: max(10, int(frac * len(train)))])
            p, _ = oof_predict(texts, Y, cb, [(sub, test)], params)
            scores.append(multilabel_report(Y[test], p[test], cb.ids)["macro_f1"])
            sizes.append(len(sub))
        curve.append(
            {
                "n_train": int(np.mean(sizes)),
                "macro_f1": float(np.mean(scores)),
                "sd": float(np.std(scores)),
            }
        )
    out["learning_curve"] = curve
    return out


def markdown(results: dict, meta: dict) -> str:
    lines = [
        "## Corpus: cross-validated quality of the bundled recipe",
        "",
        f"`python benchmarks/corpus_cv.py` on {meta['date']}, {meta['machine']}, "
        f"purposeclf {meta['purposeclf']}, Python {meta['python']}.",
        "",
    ]
    for scheme, r in results.items():
        cv = r["cv"]
        lines += [
            f"### `{scheme}` ({r['n']} answers)",
            "",
            "| label | precision | recall | F1 | support |",
            "|---|---:|---:|---:|---:|",
        ]
        for lab, m in cv["per_label"].items():
            lines.append(
                f"| {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
                f"| {m['support']} |"
            )
        nl = cv["no_label"]
        lines.append(
            f"| (no label) | {nl['precision']:.3f} | {nl['recall']:.3f} | "
            f"{nl['f1']:.3f} | {nl['support']} |"
        )
        lines += [
            "",
            f"5-fold CV: **macro-F1 {cv['macro_f1']:.3f}**, micro-F1 "
            f"{cv['micro_f1']:.3f}, "
            f"samples-F1 {cv['samples_f1']:.3f}, exact match {cv['exact_match']:.3f}, "
            f"Hamming loss {cv['hamming_loss']:.3f}, Brier {cv['brier']:.3f}, ECE "
            f"{cv['ece']:.3f}.",
        ]
        if "by_coder" in r:
            bc = r["by_coder"]
            lines.append(
                f"Leave-one-coder-out ({len(r['by_coder_groups'])} batches written by "
                "different coders): "
                f"**macro-F1 {bc['macro_f1']:.3f}**, micro-F1 {bc['micro_f1']:.3f}. "
                "This is the better guide to answers written by people the model has "
                "never read."
            )
        lines += [
            "",
            "Learning curve (5-fold, held-out macro-F1 against training answers):",
            "",
            "| training answers | macro-F1 | sd |",
            "|---:|---:|---:|",
        ]
        for pt in r["learning_curve"]:
            lines.append(f"| {pt['n_train']} | {pt['macro_f1']:.3f} | {pt['sd']:.3f} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("schemes", nargs="*", default=["keep", "purpose"])
    ap.add_argument("--quick", action="store_true", help="small slice, for smoke tests")
    ap.add_argument("--no-curve", action="store_true", help="skip the learning curve")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    results = {
        s: run(s, quick=args.quick, params={}, curve=not args.no_curve)
        for s in args.schemes
    }
    meta = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "purposeclf": __version__,
        "python": platform.python_version(),
    }
    name = "corpus_cv_quick" if args.quick else "corpus_cv"
    if not args.quick and sorted(args.schemes) != ["keep", "purpose"]:
        name += "_" + "_".join(args.schemes)  # e.g. corpus_cv_keep
    compare.save_results(args.out, name, meta, results, markdown(results, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
