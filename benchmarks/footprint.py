"""Speed and footprint of purposeclf and of each baseline, in one table.

Reproduce with:

    python benchmarks/footprint.py              # keep, and pxtextmining if present
    python benchmarks/footprint.py --data keep  # one dataset
    python benchmarks/footprint.py --quick      # a tiny slice, for the tests

For each dataset, every system of ``compare.py`` (imported from it, not copied) is
trained on all the answers in a fresh Python process and saved the way its users
would save it. Each saved model is then loaded in fresh ``python -c`` processes:

- training: wall time of the fit alone (reading the data and imports excluded) and
  the peak resident memory (RSS) of the training process;
- model on disk: bytes of the saved file or folder;
- cold start: from launching the process to the first prediction on 10 answers,
  interpreter start-up, imports and loading the model included (median of 3);
- throughput: answers per second predicting a fixed set of 20,000 answers in one
  call, in the same process after the cold start (median of 3);
- scoring memory: peak RSS of that process (the largest of the 3).

Peak RSS is ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, so it includes the
interpreter and the imports.

How each system is saved and used:

``majority``
    the per-label answer as a numpy ``.npy`` file; ``numpy.tile`` to predict.
``keywords``
    the rule words and stop words as JSON; ``compare.predict_keywords``.
``tfidf_linearsvc``
    the scikit-learn ``Pipeline`` with ``joblib.dump``; ``joblib.load(...).predict``.
    (Fine for a benchmark; never load a joblib or pickle file you did not write.)
``spacy_textcat``
    ``nlp.to_disk``; ``spacy.load`` and ``nlp.pipe``, ``doc.cats >= 0.5``.
``purposeclf``
    ``purposeclf.save`` (a ``.pclf`` file); ``purposeclf.load(path).predict``.
``purposeclf_scorer``
    the same file, scored the way ``purposeclf score`` does it:
    ``purposeclf.scoring.get_scorer(path).score_texts`` (numpy and scipy only, no
    scikit-learn import).

The 20,000 answers recombine 1-3 sentences of the dataset's own answers (fixed
seed, duplicates drawn again; about as long as the real answers on average), so all
of them are distinct and purposeclf's scorer, which scores each distinct answer
once, gets no free ride from repeats. The pxtextmining data is read from
``../shared/data/pxtextmining/`` beside the project folder (or
``--pxtextmining-path``) and never copied; see ``compare.py`` for its citation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402  (benchmarks/ is not a package)
from learning_curve import portable, source_fingerprint  # noqa: E402

ROOT = compare.ROOT
SYSTEMS = (
    "majority",
    "keywords",
    "tfidf_linearsvc",
    "spacy_textcat",
    "purposeclf",
    "purposeclf_scorer",
)
TRAINED_AS = {"purposeclf_scorer": "purposeclf"}  # scored from another's model
MODEL_FILE = {
    "majority": "majority.npy",
    "keywords": "keywords.json",
    "tfidf_linearsvc": "tfidf_linearsvc.joblib",
    "spacy_textcat": "spacy_textcat",
    "purposeclf": "purposeclf.pclf",
}

# --------------------------------------------------------- scoring process
# argv: model path, file of texts to score, launch time, JSON of the first
# answers, the benchmarks folder. Each loader defines predict(texts).
CHILD_HEAD = """\
import json, resource, sys, time
model_path, texts_path, launched = sys.argv[1], sys.argv[2], float(sys.argv[3])
"""
LOADERS = {
    "majority": """\
import numpy as np
row = np.load(model_path, allow_pickle=False)
def predict(texts):
    return np.tile(row, (len(texts), 1))
""",
    "keywords": """\
sys.path.insert(0, sys.argv[5])
from compare import predict_keywords
with open(model_path, encoding="utf-8") as fh:
    spec = json.load(fh)
rules, stop = [set(r) for r in spec["rules"]], frozenset(spec["stop_words"])
def predict(texts):
    return predict_keywords(texts, rules, stop)
""",
    "tfidf_linearsvc": """\
import joblib
predict = joblib.load(model_path).predict
""",
    "spacy_textcat": """\
import numpy as np, spacy
nlp = spacy.load(model_path)
labels = nlp.get_pipe("textcat_multilabel").labels
def predict(texts):
    return np.array([[d.cats[lab] >= 0.5 for lab in labels]
                     for d in nlp.pipe(texts, batch_size=256)])
""",
    "purposeclf": """\
import purposeclf
predict = purposeclf.load(model_path).predict
""",
    "purposeclf_scorer": """\
from purposeclf.scoring import get_scorer
scorer = get_scorer(model_path)
def predict(texts):
    return scorer.score_texts(texts)[1]
""",
}
CHILD_TAIL = """\
predict(json.loads(sys.argv[4]))
cold = time.time() - launched
with open(texts_path, encoding="utf-8") as fh:
    texts = json.load(fh)
t = time.perf_counter()
out = predict(texts)
seconds = time.perf_counter() - t
if isinstance(out, list):
    assigned = sum(len(labels) for labels in out)
else:
    assigned = int(out.sum())
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({
    "cold_start_seconds": cold,
    "score_seconds": seconds,
    "labels_assigned": assigned,
    "peak_rss_mb": rss / (2**20 if sys.platform == "darwin" else 1024),
}))
"""


def child_code(system: str) -> str:
    return CHILD_HEAD + LOADERS[system] + CHILD_TAIL


# -------------------------------------------------------- training process
def load_data(dataset: str, px: Path, quick: bool) -> dict[str, Any]:
    if dataset == "pxtextmining":
        return compare.read_pxtextmining(px, limit=300 if quick else None)
    return compare.read_corpus(dataset, limit=150 if quick else None)


def warm_up(system: str) -> None:
    """Import what the system needs, so that the imports are not timed as training."""
    if system == "keywords":
        compare.stop_words()
    elif system == "tfidf_linearsvc":
        compare.tfidf_linearsvc_pipeline()
        import joblib  # noqa: F401
    elif system == "spacy_textcat":
        import spacy  # noqa: F401
    elif system == "purposeclf":
        import purposeclf.model._estimator  # noqa: F401


def fit(system: str, data: dict[str, Any], opts: dict[str, Any]) -> Any:
    texts, Y, cb = data["texts"], data["Y"], data["codebook"]
    if system == "majority":
        # the majority baseline answers the same row whatever the text
        return compare.fit_majority(texts, Y, cb, opts)([""])[0]
    if system == "keywords":
        return compare.keyword_rules(cb)
    if system == "tfidf_linearsvc":
        pos = Y.sum(axis=0)
        if not ((pos > 0) & (pos < len(Y))).all():
            raise SystemExit("tfidf_linearsvc: a label is constant in the data")
        return compare.tfidf_linearsvc_pipeline().fit(list(texts), Y)
    if system == "spacy_textcat":
        return compare.train_spacy_textcat(texts, Y, cb.ids, opts)
    if system == "purposeclf":
        from purposeclf.model import PurposeClassifier

        return PurposeClassifier(codebook=cb, random_state=0).fit(list(texts), Y)
    raise ValueError(system)


def save(system: str, model: Any, path: Path) -> None:
    if system == "majority":
        np.save(path, model, allow_pickle=False)
    elif system == "keywords":
        spec = {
            "stop_words": sorted(compare.stop_words()),
            "rules": [sorted(rule) for rule in model],
        }
        path.write_text(json.dumps(spec), encoding="utf-8")
    elif system == "tfidf_linearsvc":
        import joblib

        joblib.dump(model, path)
    elif system == "spacy_textcat":
        model.to_disk(path)
    elif system == "purposeclf":
        import purposeclf

        purposeclf.save(model, path)


def train_child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run inside a fresh process: fit one system, save it, report."""
    import resource

    data = load_data(spec["dataset"], Path(spec["px"]), spec["quick"])
    system = spec["system"]
    warm_up(system)
    t0 = time.perf_counter()
    model = fit(system, data, spec["opts"])
    t1 = time.perf_counter()
    save(system, model, Path(spec["path"]))
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "train_seconds": t1 - t0,
        "save_seconds": t2 - t1,
        "train_peak_rss_mb": rss / (2**20 if sys.platform == "darwin" else 1024),
    }


# ------------------------------------------------------------------ parent
def disk_bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


_SENT_RE = re.compile(r"(?<=[.!?])\s+|\n+")


def make_texts(texts: Sequence[str], n: int, seed: int = 0) -> list[str]:
    """n distinct answers, each 1-3 sentences of the given answers."""
    sents = sorted({s.strip() for t in texts for s in _SENT_RE.split(t) if s.strip()})
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        out[" ".join(rng.sample(sents, rng.choice((1, 2, 3))))] = None
    return list(out)


def last_json(stdout: str) -> dict[str, Any]:
    return json.loads(stdout.strip().splitlines()[-1])


def run_dataset(
    dataset: str,
    *,
    px: Path,
    quick: bool,
    systems: Sequence[str],
    n_score: int,
    repeats: int,
    opts: dict[str, Any],
    tmp: Path,
    log: Callable[[str], None],
) -> dict[str, Any]:
    data = load_data(dataset, px, quick)
    texts = data["texts"]
    score_texts = make_texts(texts, n_score)
    texts_path = tmp / f"{dataset}_score.json"
    texts_path.write_text(json.dumps(score_texts), encoding="utf-8")
    first = json.dumps(texts[:10])
    out: dict[str, Any] = {
        "n_train": len(texts),
        "n_labels": len(data["codebook"]),
        "source": data["source"],
        "score_rows": n_score,
        "score_rows_distinct": len(set(score_texts)),
        "systems": {},
    }
    trained: dict[str, dict[str, Any]] = {}
    for system in systems:
        base = TRAINED_AS.get(system, system)
        path = tmp / f"{dataset}_{MODEL_FILE[base]}"
        if base not in trained:
            spec = {
                "system": base,
                "dataset": dataset,
                "px": str(px),
                "quick": quick,
                "opts": opts,
                "path": str(path),
            }
            proc = subprocess.run(
                [
                    sys.executable,
                    str(HERE / "footprint.py"),
                    "--child-train",
                    json.dumps(spec),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            trained[base] = {**last_json(proc.stdout), "model_bytes": disk_bytes(path)}
        runs = []
        for _ in range(repeats):
            launched = time.time()
            proc = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    child_code(system),
                    str(path),
                    str(texts_path),
                    repr(launched),
                    first,
                    str(HERE),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(last_json(proc.stdout))
        res = {
            **trained[base],
            "model_format": MODEL_FILE[base].rpartition(".")[2]
            if "." in MODEL_FILE[base]
            else "folder (spaCy nlp.to_disk)",
            "cold_start_seconds": statistics.median(
                r["cold_start_seconds"] for r in runs
            ),
            "rows_per_second": statistics.median(
                n_score / r["score_seconds"] for r in runs
            ),
            "score_peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "labels_assigned": runs[-1]["labels_assigned"],
            "runs": runs,
        }
        if base != system:
            res["trained_as"] = base
        out["systems"][system] = res
        log(
            f"  {system:18s} train {res['train_seconds']:7.2f}s "
            f"{res['train_peak_rss_mb']:5.0f}MB  size {res['model_bytes'] / 1e6:7.3f}MB"
            f"  cold {res['cold_start_seconds']:5.2f}s  "
            f"{res['rows_per_second']:9,.0f} rows/s {res['score_peak_rss_mb']:5.0f}MB"
        )
    return out


def rate(r: float) -> str:
    return "> 1,000,000" if r > 1e6 else f"{r:,.0f}"


def size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def markdown(results: dict[str, Any], meta: dict[str, Any]) -> str:
    v = meta["versions"]
    lines = [
        "## Speed and footprint of every system",
        "",
        f"`{meta['command']}` on {meta['date']}, {meta['machine']} "
        f"(load average {meta['load_average_before']:.1f} at the start); "
        f"Python {v['python']}, purposeclf {v['purposeclf']}, "
        f"scikit-learn {v['scikit-learn']}, spaCy {v['spacy']}, numpy {v['numpy']}. "
        f"spaCy textcat: {meta['spacy_epochs']} epoch(s). "
        f"Runtime {meta['total_seconds']:.0f} s.",
        "",
    ]
    for ds, r in results.items():
        lines += [
            f"### `{ds}` (trained on all {r['n_train']} answers, {r['n_labels']} "
            f"labels; throughput on {r['score_rows']:,} answers, "
            f"{r['score_rows_distinct']:,} distinct)",
            "",
            "| system | train s | train peak RSS MB | model on disk "
            "| cold start s (10 answers) | answers/s | scoring peak RSS MB |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, m in r["systems"].items():
            lines.append(
                f"| {name} | {m['train_seconds']:.2f} | {m['train_peak_rss_mb']:.0f} "
                f"| {size(m['model_bytes'])} | {m['cold_start_seconds']:.2f} "
                f"| {rate(m['rows_per_second'])} | {m['score_peak_rss_mb']:.0f} |"
            )
        lines.append("")
    for note in meta["notes"]:
        lines += [f"_{note}_", ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data",
        choices=("keep", "pxtextmining", "all"),
        default=None,
        help="default all (keep only with --quick)",
    )
    compare.add_pxtextmining_path(ap)
    ap.add_argument(
        "--quick",
        action="store_true",
        help="150 answers, 2,000 to score, one launch each, 1 spaCy epoch",
    )
    ap.add_argument(
        "--systems",
        type=lambda s: tuple(s.split(",")),
        default=SYSTEMS,
        help=f"comma-separated, from {','.join(SYSTEMS)} (default all)",
    )
    ap.add_argument(
        "--repeats", type=int, default=None, help="default 3 (1 with --quick)"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--child-train", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_train:
        print(json.dumps(train_child(json.loads(args.child_train))))
        return 0
    unknown = set(args.systems) - set(SYSTEMS)
    if unknown:
        ap.error(f"unknown systems {sorted(unknown)}; choose from {SYSTEMS}")
    argv_used = list(sys.argv[1:] if argv is None else argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    start = time.perf_counter()
    source_at_start = source_fingerprint()
    load_before = os.getloadavg()[0]
    data = args.data or ("keep" if args.quick else "all")
    wanted = ("keep", "pxtextmining") if data == "all" else (data,)
    notes: list[str] = []
    px = compare.px_csv(args.pxtextmining_path)
    if "pxtextmining" in wanted and not px.is_file():
        if data == "pxtextmining":
            ap.error(f"{px} not found; pass --pxtextmining-path")
        log(f"pxtextmining skipped: {px} not found.")
        notes.append(f"pxtextmining skipped: {portable(str(px))} not found.")
        wanted = tuple(d for d in wanted if d != "pxtextmining")
    opts = {"spacy_arch": "bow", "spacy_epochs": 1 if args.quick else 10}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for ds in wanted:
            log(f"{ds}:")
            results[ds] = run_dataset(
                ds,
                px=px,
                quick=args.quick,
                systems=args.systems,
                n_score=2_000 if args.quick else 20_000,
                repeats=args.repeats or (1 if args.quick else 3),
                opts=opts,
                tmp=Path(tmp),
                log=log,
            )
    if source_fingerprint() != source_at_start:
        notes.append(
            "purposeclf's source files changed during this run, so its figures "
            "may mix two versions of the code."
        )
        log(notes[-1])
    meta = {
        "command": shlex.join(
            ["python", "benchmarks/footprint.py", *map(portable, argv_used)]
        ),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
        "versions": compare.versions(),
        "purposeclf_source_sha256": source_at_start,
        "spacy_epochs": opts["spacy_epochs"],
        "pxtextmining_citation": compare.PX_CITATION
        if "pxtextmining" in results
        else None,
        "notes": notes,
        "total_seconds": time.perf_counter() - start,
    }
    name = "footprint_quick" if args.quick else "footprint"
    compare.save_results(args.out, name, meta, results, markdown(results, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
