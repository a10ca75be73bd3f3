"""Learning curves: held-out macro-F1 against the number of training answers.

Reproduce with:

    python benchmarks/learning_curve.py                    # keep, purpose, pxtextmining
    python benchmarks/learning_curve.py --data purpose     # one dataset
    python benchmarks/learning_curve.py --quick            # a tiny slice, for the tests

Method
------
The datasets, folds and systems are those of ``compare.py`` (imported from it, not
copied): fold ``f`` of ``k`` is ``order[f::k]`` with ``order =
numpy.random.RandomState(0).permutation(n)``. For each outer fold the training part
is shuffled once (``numpy.random.RandomState(1).permutation(train)``, as in
``corpus_cv.py``) and every system is trained on the first 10%, 20%, 40%, 60%, 80%
and 100% of it, so the subsets are nested and identical for every system; each model
is scored on the fold's whole test part. A point of the curve is the mean and the
standard deviation over folds of the per-fold macro-F1; ``macro_f1_pooled`` is the
macro-F1 of all out-of-fold predictions at that size, which at 100% is exactly the
figure ``compare.py`` reports.

Systems (default ``keywords,tfidf_linearsvc,purposeclf``; see ``compare.py``): the
keyword rules use no training data, so their line is flat and shows how many
labelled answers a trained model needs to beat rules written from the codebook.
``--systems`` also accepts ``majority`` and ``spacy_textcat``.

Writes ``benchmarks/results/learning_curve.json`` (datasets not run this time are
kept from an existing file) and, when matplotlib is installed (the ``plot`` extra),
one chart per dataset, ``learning_curve_<data>.png``. ``--quick`` writes
``learning_curve_quick.*`` instead.

The pxtextmining data (real NHS patient feedback) is read from
``../shared/data/pxtextmining/`` beside the project folder, or
``--pxtextmining-path``, and never copied; see ``compare.py`` for its citation and
cleaning.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (benchmarks/ is not a package)

from purposeclf.metrics import multilabel_report  # noqa: E402

ROOT = compare.ROOT
FRACTIONS = (0.1, 0.2, 0.4, 0.6, 0.8, 1.0)
QUICK_FRACTIONS = (0.5, 1.0)
DEFAULT_SYSTEMS = ("keywords", "tfidf_linearsvc", "purposeclf")
DATASETS = ("keep", "purpose", "pxtextmining")
COLOURS = {
    "purposeclf": "tab:blue",
    "tfidf_linearsvc": "tab:orange",
    "spacy_textcat": "tab:green",
    "keywords": "tab:grey",
    "majority": "black",
}


def portable(arg: str) -> str:
    """An argument as it may be recorded: absolute paths made relative to the repo."""
    if os.path.isabs(arg):
        return os.path.relpath(arg, ROOT)
    return arg


def source_fingerprint() -> str:
    """SHA-256 (first 12 hex digits) of purposeclf's Python sources.

    The version number stays put while the code changes during development; this
    tells two runs made with different code apart.
    """
    import hashlib

    import purposeclf

    pkg = Path(purposeclf.__file__).parent
    h = hashlib.sha256()
    for f in sorted(pkg.rglob("*.py")):
        h.update(f.relative_to(pkg).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


def subset(train: np.ndarray, frac: float, perm: np.ndarray) -> np.ndarray:
    """The first ``frac`` of the shuffled training part (nested across fractions)."""
    return np.sort(perm[: max(10, int(frac * len(train)))])


def warm_up(systems: Sequence[str]) -> None:
    """Import what the systems need, so that imports are not timed as training."""
    if "keywords" in systems:
        compare.stop_words()
    if "tfidf_linearsvc" in systems:
        compare.tfidf_linearsvc_pipeline()
    if "spacy_textcat" in systems:
        import spacy  # noqa: F401
    if "purposeclf" in systems:
        import purposeclf.model._estimator  # noqa: F401


def run_dataset(
    data: dict[str, Any],
    *,
    folds: int,
    fractions: Sequence[float],
    systems: Sequence[str],
    opts: dict[str, Any],
    log: Callable[[str], None],
) -> dict[str, Any]:
    texts, Y, cb = data["texts"], data["Y"], data["codebook"]
    splits = list(compare.kfold(len(texts), folds))
    perms = [np.random.RandomState(1).permutation(train) for train, _ in splits]
    n_train = [
        [
            len(subset(train, frac, perm))
            for (train, _), perm in zip(splits, perms, strict=True)
        ]
        for frac in fractions
    ]
    out: dict[str, Any] = {
        "n": len(texts),
        "n_labels": len(cb),
        "no_label_rows": int((Y.sum(axis=1) == 0).sum()),
        "folds": folds,
        "source": data["source"],
        "fractions": list(fractions),
        "n_train_per_fold": n_train,
        "systems": {},
    }
    for key in ("sha256", "sha256_matches_source_md", "rows_after_cleaning"):
        if key in data:
            out[key] = data[key]
    for name in systems:
        points = []
        for fi, frac in enumerate(fractions):
            pooled = np.zeros(Y.shape, dtype=np.int8)
            per_fold, t_train = [], 0.0
            for (train, test), perm in zip(splits, perms, strict=True):
                sub = subset(train, frac, perm)
                t0 = time.perf_counter()
                predict = compare.FITTERS[name](
                    [texts[i] for i in sub], Y[sub], cb, opts
                )
                t_train += time.perf_counter() - t0
                pooled[test] = predict([texts[i] for i in test])
                per_fold.append(
                    multilabel_report(Y[test], pooled[test], cb.ids)["macro_f1"]
                )
            rep = multilabel_report(Y, pooled, cb.ids)
            points.append(
                {
                    "fraction": frac,
                    "n_train": float(np.mean(n_train[fi])),
                    "macro_f1_mean": float(np.mean(per_fold)),
                    "macro_f1_sd": float(np.std(per_fold, ddof=1))
                    if len(per_fold) > 1
                    else 0.0,
                    "macro_f1_per_fold": per_fold,
                    "macro_f1_pooled": rep["macro_f1"],
                    "micro_f1_pooled": rep["micro_f1"],
                    "train_seconds": t_train,
                }
            )
            log(
                f"  {name:16s} {frac:4.0%} ({np.mean(n_train[fi]):6.0f} answers) "
                f"macro-F1 {np.mean(per_fold):.3f} +- {points[-1]['macro_f1_sd']:.3f}"
                f"  train {t_train:6.1f}s"
            )
        last = points[-1]["macro_f1_mean"]
        prev = points[-2]["macro_f1_mean"] if len(points) > 1 else last
        out["systems"][name] = {"points": points, "gain_last_step": last - prev}
    return out


def plot(ds: str, r: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for name, s in r["systems"].items():
        x = [p["n_train"] for p in s["points"]]
        y = np.array([p["macro_f1_mean"] for p in s["points"]])
        sd = np.array([p["macro_f1_sd"] for p in s["points"]])
        flat = name in ("keywords", "majority")
        label = f"{name} (no training data)" if name == "keywords" else name
        colour = COLOURS.get(name)
        ax.plot(x, y, "--" if flat else "-o", color=colour, label=label, ms=4)
        if not flat:
            ax.fill_between(x, y - sd, y + sd, color=colour, alpha=0.2, lw=0)
    ax.set_xlabel("training answers")
    ax.set_ylabel("held-out macro-F1 (mean over folds, ±1 sd)")
    ax.set_title(
        f"{ds}: {r['n']} answers, {r['n_labels']} labels, {r['folds']}-fold CV",
        fontsize=10,
    )
    ax.set_xlim(left=0)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def markdown(results: dict[str, Any], meta: dict[str, Any], charts: dict) -> str:
    v = meta["versions"]
    lines = [
        "## Learning curves",
        "",
        f"`{meta['command']}` on {meta['date']}, {meta['machine']}; "
        f"Python {v['python']}, purposeclf {v['purposeclf']}, "
        f"scikit-learn {v['scikit-learn']}, spaCy {v['spacy']}, numpy {v['numpy']}. "
        f"Runtime {meta['total_seconds']:.0f} s.",
        "",
        "Held-out macro-F1 (mean ± sd over folds) against the number of training "
        "answers; nested random subsets of each training fold, same folds and "
        "subsets for every system.",
        "",
    ]
    for ds, r in results.items():
        names = list(r["systems"])
        lines += [
            f"### `{ds}` ({r['n']} answers, {r['n_labels']} labels, "
            f"{r['folds']}-fold CV)",
            "",
            "| training answers | " + " | ".join(names) + " |",
            "|---:|" + "---:|" * len(names),
        ]
        for i, frac in enumerate(r["fractions"]):
            pts = [r["systems"][s]["points"][i] for s in names]
            cells = [f"{p['macro_f1_mean']:.3f} ± {p['macro_f1_sd']:.3f}" for p in pts]
            lines.append(
                f"| {pts[0]['n_train']:.0f} ({frac:.0%}) | " + " | ".join(cells) + " |"
            )
        pooled = [
            f"{r['systems'][s]['points'][-1]['macro_f1_pooled']:.3f}" for s in names
        ]
        gains = [f"{r['systems'][s]['gain_last_step']:+.3f}" for s in names]
        lines += [
            "| pooled out-of-fold, 100% | " + " | ".join(pooled) + " |",
            "| gain over the last step | " + " | ".join(gains) + " |",
            "",
        ]
        if ds in charts:
            lines += [f"![Learning curves, {ds}](results/{charts[ds]})", ""]
    for note in meta["notes"]:
        lines += [f"_{note}_", ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", choices=(*DATASETS, "all"), default="all")
    compare.add_pxtextmining_path(ap)
    ap.add_argument(
        "--quick",
        action="store_true",
        help="tiny slice (120 answers, 300 for pxtextmining), 2 folds, "
        "fractions 50%% and 100%%",
    )
    ap.add_argument(
        "--folds", type=int, default=None, help="default 5 (2 with --quick)"
    )
    ap.add_argument(
        "--fractions",
        type=lambda s: tuple(float(x) for x in s.split(",")),
        default=None,
        help="comma-separated fractions of each training fold "
        "(default 0.1,0.2,0.4,0.6,0.8,1.0)",
    )
    ap.add_argument(
        "--systems",
        type=lambda s: tuple(s.split(",")),
        default=DEFAULT_SYSTEMS,
        help=f"comma-separated, from {', '.join(compare.SYSTEMS)} "
        f"(default {','.join(DEFAULT_SYSTEMS)})",
    )
    ap.add_argument(
        "--spacy-epochs", type=int, default=None, help="default 10 (2 with --quick)"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    unknown = set(args.systems) - set(compare.SYSTEMS)
    if unknown:
        ap.error(f"unknown systems {sorted(unknown)}; choose from {compare.SYSTEMS}")
    folds = args.folds or (2 if args.quick else 5)
    if folds < 2:
        ap.error(f"--folds must be at least 2; got {folds}")
    fractions = args.fractions or (QUICK_FRACTIONS if args.quick else FRACTIONS)
    if (
        list(fractions) != sorted(fractions)
        or not 0 < fractions[0] <= fractions[-1] <= 1
    ):
        ap.error(f"--fractions must increase within (0, 1]; got {fractions}")
    argv_used = list(sys.argv[1:] if argv is None else argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    start = time.perf_counter()
    source_at_start = source_fingerprint()
    opts = {
        "spacy_arch": "bow",
        "spacy_epochs": args.spacy_epochs or (2 if args.quick else 10),
    }
    wanted = DATASETS if args.data == "all" else (args.data,)
    notes: list[str] = []
    px = compare.px_csv(args.pxtextmining_path)
    if "pxtextmining" in wanted and not px.is_file():
        if args.data == "pxtextmining":
            ap.error(f"{px} not found; pass --pxtextmining-path")
        log(f"pxtextmining skipped: {px} not found.")
        notes.append(f"pxtextmining skipped: {portable(str(px))} not found.")
        wanted = tuple(d for d in wanted if d != "pxtextmining")

    warm_up(args.systems)
    results: dict[str, Any] = {}
    for ds in wanted:
        t0 = time.perf_counter()
        if ds == "pxtextmining":
            data = compare.read_pxtextmining(px, limit=300 if args.quick else None)
        else:
            data = compare.read_corpus(ds, limit=120 if args.quick else None)
        log(f"{ds}: {len(data['texts'])} answers, {len(data['codebook'])} labels")
        results[ds] = run_dataset(
            data,
            folds=folds,
            fractions=fractions,
            systems=args.systems,
            opts=opts,
            log=log,
        )
        results[ds]["seconds"] = time.perf_counter() - t0

    if source_fingerprint() != source_at_start:
        notes.append(
            "purposeclf's source files changed during this run, so its figures "
            "may mix two versions of the code."
        )
        log(notes[-1])
    name = "learning_curve_quick" if args.quick else "learning_curve"
    meta = {
        "command": shlex.join(
            ["python", "benchmarks/learning_curve.py", *map(portable, argv_used)]
        ),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "versions": compare.versions(),
        "purposeclf_source_sha256": source_at_start,
        "fold_rule": "order = numpy.random.RandomState(0).permutation(n); "
        "fold f = order[f::k]",
        "subset_rule": "perm = numpy.random.RandomState(1).permutation(train); "
        "subset = sorted(perm[:max(10, int(fraction * len(train)))])",
        "spacy_epochs": opts["spacy_epochs"]
        if "spacy_textcat" in args.systems
        else None,
        "pxtextmining_citation": compare.PX_CITATION
        if "pxtextmining" in results
        else None,
        "notes": notes,
        "total_seconds": time.perf_counter() - start,
    }
    for r in results.values():
        r["run"] = {
            k: meta[k]
            for k in (
                "command",
                "date",
                "machine",
                "versions",
                "purposeclf_source_sha256",
            )
        }

    args.out.mkdir(parents=True, exist_ok=True)
    json_path = args.out / f"{name}.json"
    merged = dict(results)
    if json_path.is_file():  # keep the datasets not run this time
        old = json.loads(json_path.read_text(encoding="utf-8")).get("results", {})
        merged = {ds: results.get(ds, old.get(ds)) for ds in DATASETS}
        merged = {ds: r for ds, r in merged.items() if r is not None}

    charts: dict[str, str] = {}
    try:
        import matplotlib
    except ImportError:
        log("matplotlib is not installed (pip install 'purposeclf[plot]'): no charts.")
        meta["notes"].append("Charts skipped: matplotlib is not installed.")
    else:
        meta["versions"]["matplotlib"] = matplotlib.__version__
        for ds, r in results.items():
            png = f"{name}_{ds}.png"
            plot(ds, r, args.out / png)
            charts[ds] = r["chart"] = png
    meta["charts"] = charts
    json_path.write_text(
        json.dumps({"meta": meta, "results": merged}, indent=1) + "\n",
        encoding="utf-8",
    )
    md = markdown(results, meta, charts)
    (args.out / f"{name}.md").write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
