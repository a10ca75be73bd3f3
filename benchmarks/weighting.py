"""The two term weightings side by side: same folds, same held-out answers.

Reproduce with:

    python benchmarks/weighting.py            # both schemes -> results/weighting.json
    python benchmarks/weighting.py --quick    # a small slice, for the test suite

``additive`` (every occurrence adds its idf; the default since the v2 bundled
models) lets the scorer sum remembered per-chunk scores instead of building a
sparse matrix; ``sublinear_l2`` (``1 + log tf`` and exact L2 norms) is the
weighting of the v1 models. This script measures what the faster weighting
costs in quality: 5-fold cross-validation on the corpus (the folds of
``corpus_cv.py``) and the independent held-out answers in ``benchmarks/data/``
(trained on the whole corpus). Scoring speed is measured by ``speed.py``.
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
from corpus_cv import kfold, oof_predict, read  # noqa: E402

from purposeclf import PurposeClassifier, __version__  # noqa: E402
from purposeclf.codebook import load_codebook  # noqa: E402
from purposeclf.labelled import indicator_matrix as _binarize  # noqa: E402
from purposeclf.metrics import multilabel_report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WEIGHTINGS = ("sublinear_l2", "additive")


def _holdout(scheme: str, limit: int | None):
    rows = []
    for path in sorted((ROOT / "benchmarks" / "data").glob(f"fresh_{scheme}_*.csv")):
        if "coder" in path.name:
            continue
        with path.open(newline="", encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    if limit:
        rows = rows[:limit]
    return [r["text"] for r in rows], [
        [x for x in r["labels"].split(";") if x] for r in rows
    ]


def run(scheme: str, *, quick: bool, folds: int) -> dict:
    cb = load_codebook(scheme)
    texts, labels, _ = read(scheme, limit=80 if quick else None)
    Y, _ = _binarize(labels, len(texts), cb)
    h_texts, h_labels = _holdout(scheme, 30 if quick else None)
    Yh, _ = _binarize(h_labels, len(h_texts), cb)
    out: dict = {"n": len(texts), "n_holdout": len(h_texts)}
    for w in WEIGHTINGS:
        params = {"weighting": w}
        if quick:
            params.update(min_df=1, threshold=0.3)
        t0 = time.perf_counter()
        pred, proba = oof_predict(texts, Y, cb, list(kfold(len(texts), folds)), params)
        cv = multilabel_report(Y, pred, cb.ids, proba)
        clf = PurposeClassifier(codebook=cb, random_state=0, **params).fit(texts, Y)
        ph = clf.predict_proba(h_texts)
        ho = multilabel_report(Yh, ph >= clf.thresholds_, cb.ids, ph)
        out[w] = {
            "cv_macro_f1": cv["macro_f1"],
            "cv_micro_f1": cv["micro_f1"],
            "holdout_macro_f1": ho["macro_f1"],
            "holdout_micro_f1": ho["micro_f1"],
            "seconds": time.perf_counter() - t0,
        }
        print(
            f"{scheme} {w}: CV macro-F1 {cv['macro_f1']:.4f}, held-out "
            f"{ho['macro_f1']:.4f}",
            flush=True,
        )
    return out


def markdown(results: dict, meta: dict) -> str:
    lines = [
        "| scheme | weighting | 5-fold CV macro-F1 | CV micro-F1 | held-out macro-F1 "
        "| held-out micro-F1 |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for scheme, r in results.items():
        for w in WEIGHTINGS:
            x = r[w]
            lines.append(
                f"| {scheme} | {w} | {x['cv_macro_f1']:.4f} | {x['cv_micro_f1']:.4f} | "
                f"{x['holdout_macro_f1']:.4f} | {x['holdout_micro_f1']:.4f} |"
            )
        d_cv = r["additive"]["cv_macro_f1"] - r["sublinear_l2"]["cv_macro_f1"]
        d_ho = r["additive"]["holdout_macro_f1"] - r["sublinear_l2"]["holdout_macro_f1"]
        lines.append(
            f"| {scheme} | additive - sublinear_l2 | {d_cv:+.4f} | | {d_ho:+.4f} | |"
        )
    lines += [
        "",
        f"{meta['date']}, {meta['machine']}, purposeclf {meta['purposeclf']}.",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("schemes", nargs="*", default=["keep", "purpose"])
    ap.add_argument("--quick", action="store_true", help="small slice, for smoke tests")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    results = {s: run(s, quick=args.quick, folds=args.folds) for s in args.schemes}
    meta = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "purposeclf": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    name = "weighting_quick" if args.quick else "weighting"
    compare.save_results(args.out, name, meta, results, markdown(results, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
