"""purposeclf against the baselines people would otherwise use, on the same folds.

Reproduce with:

    python benchmarks/compare.py                      # all, into benchmarks/results/
    python benchmarks/compare.py --quick              # a small slice, for the tests
    python benchmarks/compare.py --skip-pxtextmining  # only the bundled corpus
    python benchmarks/compare.py --pxtextmining PATH  # another copy of the NHS data

Every system is trained and evaluated on the *same* cross-validation folds in one
run (fold ``f`` of ``k`` is ``order[f::k]`` with ``order =
numpy.random.RandomState(0).permutation(n)``, as in ``corpus_cv.py``), and the
out-of-fold predictions are scored with :func:`purposeclf.evaluation.multilabel_report`.
Training and prediction time are summed over the folds.

Systems
-------
``majority``
    For each label, the majority class of the training fold (so usually no labels).
``keywords``
    Rules built only from the codebook, no training data: for each label the content
    words of its name and description (lower-cased, stop words removed, simple suffix
    stripping; words shared with another label are dropped unless that would leave
    the label with none). A label is predicted when the answer contains any of them.
    For pxtextmining, whose framework comes without definitions, the label names are
    the codebook.
``tfidf_linearsvc``
    As the pxtextmining project does it: scikit-learn ``TfidfVectorizer`` (word
    1-2-grams, ``min_df=2``, ``sublinear_tf``) and
    ``OneVsRestClassifier(LinearSVC(class_weight="balanced"))``, decision threshold 0.
``spacy_textcat``
    spaCy's ``textcat_multilabel`` on ``spacy.blank("en")`` with the bag-of-words
    architecture (``spacy.TextCatBOW.v3`` with unigrams and 2**16 hash buckets rather
    than 2**18, which is four times faster to update and scored the same here; or
    spaCy's default ensemble with ``--spacy-arch ensemble``, about six times slower),
    trained with ``nlp.initialize`` and ``nlp.update````
    for a fixed number of epochs (minibatches of 16, dropout 0.2, seed fixed with
    ``spacy.util.fix_random_seed``), threshold 0.5. No downloads.
``purposeclf``
    ``PurposeClassifier(codebook=..., random_state=0)`` with default parameters; its
    thresholds are tuned inside each training fold.

Data
----
(a) The bundled corpus, schemes ``keep`` and ``purpose``, 5-fold CV.

(b) Real NHS patient feedback: ``v6framework_230831.csv`` from the pxtextmining
project (https://github.com/The-Strategy-Unit/pxtextmining, commit
``ba6c0a2f10ca9bb3b964b72afe6047b463095c75``, file ``datasets/v6framework_230831.csv``;
MIT licence, Copyright (c) 2021 NHS England; data from North East Ambulance Service
and Northamptonshire Healthcare NHS trusts). It is read from
``../shared/data/pxtextmining/v6framework_230831.csv`` (beside the project folder)
or ``--pxtextmining PATH`` and never copied into this repository; when the file is
missing that part is skipped.
Text is the ``FFT answer`` column; rows with a blank answer or "Did not answer" are
dropped, identical texts are de-duplicated (first kept), labels are the one-hot
framework-v6 columns except "Labelling not possible" and "Not assigned", and only
labels with at least 10 positive rows are kept (rows with none of them are valid
no-label rows). 5-fold CV.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from purposeclf import __version__
from purposeclf.codebook import Codebook, load_codebook
from purposeclf.metrics import multilabel_report, summary_figures

# spaCy, scikit-learn and PurposeClassifier are imported inside the functions that
# need them, so that footprint.py can load the keyword rules without paying for them.

ROOT = Path(__file__).resolve().parents[1]
# shared/ sits beside the project's folder: ../shared/data/pxtextmining/
# Read where it lies, beside the project folder, and never copied into it.
PX_DIR_DEFAULT = ROOT.parent / "shared" / "data" / "pxtextmining"
PX_FILE = "v6framework_230831.csv"
PX_DEFAULT = PX_DIR_DEFAULT / PX_FILE
PX_SHA256 = "6c90cc740f2c486a17ef89be852f13f8ca434da4e2a06254a43288de7dc39567"
PX_CITATION = (
    "pxtextmining `datasets/v6framework_230831.csv` "
    "(https://github.com/The-Strategy-Unit/pxtextmining, "
    "commit ba6c0a2f10ca9bb3b964b72afe6047b463095c75; "
    "MIT licence, Copyright (c) 2021 NHS England; "
    "NEAS and NHFT patient feedback, 2021-2022)"
)
PX_EXCLUDE = ("Labelling not possible", "Not assigned")
PX_TEXT = "FFT answer"
PX_FIRST_LABEL = "Not assigned"  # the label columns run from here to the end
SYSTEMS = ("majority", "keywords", "tfidf_linearsvc", "spacy_textcat", "purposeclf")


# ------------------------------------------------------------------ data
def read_corpus(scheme: str, limit: int | None = None) -> dict[str, Any]:
    cb = load_codebook(scheme)
    with (ROOT / "corpus" / f"{scheme}.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if limit:
        rows = rows[:: max(1, len(rows) // limit)][:limit]
    index = {c: j for j, c in enumerate(cb.ids)}
    Y = np.zeros((len(rows), len(cb)), dtype=np.int8)
    for i, r in enumerate(rows):
        for lab in r["labels"].split(";"):
            if lab:
                Y[i, index[lab]] = 1
    return {
        "texts": [r["text"] for r in rows],
        "Y": Y,
        "codebook": cb,
        "source": f"corpus/{scheme}.csv",
    }


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:64].rstrip("_")
    return s if s[:1].isalpha() else f"l_{s}"[:64]


def px_csv(path: Path) -> Path:
    """The pxtextmining CSV: ``path`` itself, or the file of that name in it."""
    return path / PX_FILE if path.is_dir() else path


def add_pxtextmining_path(
    ap: argparse.ArgumentParser, flag: str = "--pxtextmining-path"
) -> None:
    """The option every benchmark uses to find the pxtextmining data."""
    ap.add_argument(
        flag,
        type=Path,
        default=PX_DIR_DEFAULT,
        metavar="PATH",
        help=f"folder holding {PX_FILE}, or the file itself "
        "(default: ../shared/data/pxtextmining beside the project folder)",
    )


def save_results(
    out: Path, name: str, meta: dict[str, Any], results: dict[str, Any], md: str
) -> None:
    """Write ``<name>.json`` (meta and results) and ``<name>.md`` into ``out``; print
    the Markdown."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=1) + "\n",
        encoding="utf-8",
    )
    (out / f"{name}.md").write_text(md.rstrip("\n") + "\n", encoding="utf-8")
    print(md)


def read_pxtextmining(
    path: Path, limit: int | None = None, min_count: int = 10
) -> dict[str, Any]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    ti = header.index(PX_TEXT)
    label_cols = [
        j
        for j in range(header.index(PX_FIRST_LABEL), len(header))
        if header[j] not in PX_EXCLUDE
    ]
    n_raw = len(rows)
    texts: list[str] = []
    Y_rows: list[list[int]] = []
    seen: set[str] = set()
    for r in rows:
        t = r[ti].strip()
        if not t or t == "Did not answer" or t in seen:
            continue
        seen.add(t)
        texts.append(t)
        Y_rows.append(
            [int(r[j].strip() != "" and float(r[j]) == 1.0) for j in label_cols]
        )
    Y = np.array(Y_rows, dtype=np.int8)
    n_clean = len(texts)
    if limit:
        keep = np.arange(0, n_clean, max(1, n_clean // limit))[:limit]
        texts, Y = [texts[i] for i in keep], Y[keep]
    cols = np.flatnonzero(Y.sum(axis=0) >= min_count)
    names = [header[label_cols[j]] for j in cols]
    ids = [slug(nm) for nm in names]
    assert len(set(ids)) == len(ids), ids
    cb = Codebook.from_dict(
        {
            "scheme": "pxtextmining_v6",
            "labels": [{"id": i, "name": nm} for i, nm in zip(ids, names, strict=True)],
        },
        source=str(path),
    )
    with path.open("rb") as fh:
        sha = hashlib.sha256(fh.read()).hexdigest()
    return {
        "texts": texts,
        "Y": Y[:, cols],
        "codebook": cb,
        "source": f"pxtextmining/{path.name}",
        "sha256": sha,
        "sha256_matches_source_md": sha == PX_SHA256,
        "rows_in_file": n_raw,
        "rows_after_cleaning": n_clean,
        "label_columns_dropped_rare": len(label_cols) - len(cols),
    }


def kfold(n: int, k: int, seed: int = 0):
    order = np.random.RandomState(seed).permutation(n)
    for f in range(k):
        test = np.sort(order[f::k])
        yield np.setdiff1d(order, test), test


# --------------------------------------------------------------- systems
# Each system is a function (train_texts, Y_train, codebook, opts) -> predict,
# where predict(texts) returns a 0/1 matrix of shape (len(texts), n_labels).
Predictor = Callable[[Sequence[str]], np.ndarray]


def fit_majority(texts, Y, cb, opts) -> Predictor:
    row = (Y.mean(axis=0) > 0.5).astype(np.int8)
    return lambda tt: np.tile(row, (len(tt), 1))


_WORD_RE = re.compile(r"[a-z0-9]+")
_SUFFIXES = (  # (suffix, replacement), first match wins
    ("ations", "ate"),
    ("ation", "ate"),
    ("iness", "y"),
    ("ness", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("es", ""),
    ("ed", ""),
    ("s", ""),
)


def stem(word: str) -> str:
    """Crude suffix stripping: consults/consulting -> consult, service(s) -> servic."""
    for suf, rep in _SUFFIXES:
        if not word.endswith(suf):
            continue
        base = word[: -len(suf)]
        if suf == "s" and (word.endswith(("ss", "us", "is")) or len(base) < 2):
            break
        if suf != "s" and len(base) < 3:
            break
        word = base + rep
        break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def content_stems(text: str, stop: frozenset[str]) -> set[str]:
    return {
        stem(w)
        for w in _WORD_RE.findall(text.lower())
        if w not in stop and len(w) >= 2 and not w.isdigit()
    }


def keyword_rules(cb: Codebook) -> list[set[str]]:
    stop = stop_words()
    raw = [content_stems(f"{lab.name} {lab.description}", stop) for lab in cb.labels]
    counts: dict[str, int] = {}
    for words in raw:
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    rules = []
    for words in raw:
        distinct = {w for w in words if counts[w] == 1}
        rules.append(distinct or words)
    return rules


def predict_keywords(
    texts: Sequence[str], rules: Sequence[set[str]], stop: frozenset[str]
) -> np.ndarray:
    """1 where an answer contains any of a label's rule words."""
    out = np.zeros((len(texts), len(rules)), dtype=np.int8)
    for i, t in enumerate(texts):
        words = content_stems(t, stop)
        for j, rule in enumerate(rules):
            out[i, j] = bool(words & rule)
    return out


def fit_keywords(texts, Y, cb, opts) -> Predictor:
    rules = keyword_rules(cb)  # no training data used
    stop = stop_words()
    return lambda tt: predict_keywords(tt, rules, stop)


def tfidf_linearsvc_pipeline():
    """The unfitted TF-IDF + one-vs-rest LinearSVC pipeline (pxtextmining style)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        OneVsRestClassifier(LinearSVC(class_weight="balanced", random_state=0)),
    )


def fit_tfidf_linearsvc(texts, Y, cb, opts) -> Predictor:
    pos = Y.sum(axis=0)
    # labels constant in this training fold get a constant answer
    vary = np.flatnonzero((pos > 0) & (pos < len(Y)))
    const = (pos == len(Y)).astype(np.int8)
    pipe = None
    if len(vary):
        # a 2-column target keeps OneVsRestClassifier in multi-label mode
        target = (
            Y[:, vary]
            if len(vary) > 1
            else np.column_stack([Y[:, vary], 1 - Y[:, vary]])
        )
        pipe = tfidf_linearsvc_pipeline().fit(list(texts), target)

    def predict(tt):
        out = np.tile(const, (len(tt), 1))
        if pipe is not None:
            dec = pipe.decision_function(list(tt))
            out[:, vary] = (dec[:, : len(vary)] > 0).astype(np.int8)
        return out

    return predict


def train_spacy_textcat(texts, Y, ids: Sequence[str], opts: dict[str, Any]):
    """A blank English spaCy pipeline with a trained ``textcat_multilabel``."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(0)
    nlp = spacy.blank("en")
    if opts["spacy_arch"] == "bow":
        model = {
            "@architectures": "spacy.TextCatBOW.v3",
            "exclusive_classes": False,
            "ngram_size": 1,
            "no_output_layer": False,
            "length": 2**16,
        }
        textcat = nlp.add_pipe(
            "textcat_multilabel", config={"model": model, "threshold": 0.5}
        )
    else:
        textcat = nlp.add_pipe("textcat_multilabel", config={"threshold": 0.5})
    for lab in ids:
        textcat.add_label(lab)
    examples = [
        Example.from_dict(
            nlp.make_doc(t),
            {"cats": {lab: float(y) for lab, y in zip(ids, row, strict=True)}},
        )
        for t, row in zip(texts, Y, strict=True)
    ]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(0)
    order = list(examples)
    for _ in range(opts["spacy_epochs"]):
        rng.shuffle(order)
        losses: dict[str, float] = {}
        for batch in minibatch(order, size=16):
            nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
    return nlp


def fit_spacy_textcat(texts, Y, cb, opts) -> Predictor:
    ids = cb.ids
    nlp = train_spacy_textcat(texts, Y, ids, opts)

    def predict(tt):
        out = np.zeros((len(tt), len(ids)), dtype=np.int8)
        for i, doc in enumerate(nlp.pipe(tt, batch_size=256)):
            out[i] = [doc.cats[lab] >= 0.5 for lab in ids]
        return out

    return predict


def fit_purposeclf(texts, Y, cb, opts) -> Predictor:
    from purposeclf.model import PurposeClassifier

    clf = PurposeClassifier(codebook=cb, random_state=0).fit(list(texts), Y)
    return lambda tt: (clf.predict_proba(list(tt)) >= clf.thresholds_).astype(np.int8)


FITTERS = {
    "majority": fit_majority,
    "keywords": fit_keywords,
    "tfidf_linearsvc": fit_tfidf_linearsvc,
    "spacy_textcat": fit_spacy_textcat,
    "purposeclf": fit_purposeclf,
}


# ----------------------------------------------------------------- runner
def run_dataset(
    data: dict[str, Any], folds: int, opts: dict[str, Any], log
) -> dict[str, Any]:
    texts, Y, cb = data["texts"], data["Y"], data["codebook"]
    splits = list(kfold(len(texts), folds))
    out: dict[str, Any] = {
        "n": len(texts),
        "labels": list(cb.ids),
        "label_support": {
            c: int(v) for c, v in zip(cb.ids, Y.sum(axis=0), strict=True)
        },
        "no_label_rows": int((Y.sum(axis=1) == 0).sum()),
        "folds": folds,
        "source": data["source"],
        "systems": {},
    }
    for key in (
        "sha256",
        "sha256_matches_source_md",
        "rows_in_file",
        "rows_after_cleaning",
        "label_columns_dropped_rare",
    ):
        if key in data:
            out[key] = data[key]
    for name in SYSTEMS:
        pred = np.zeros(Y.shape, dtype=np.int8)
        t_train = t_pred = 0.0
        fold_macro = []
        for train, test in splits:
            t0 = time.perf_counter()
            predict = FITTERS[name]([texts[i] for i in train], Y[train], cb, opts)
            t1 = time.perf_counter()
            pred[test] = predict([texts[i] for i in test])
            t2 = time.perf_counter()
            t_train += t1 - t0
            t_pred += t2 - t1
            fold_macro.append(
                multilabel_report(Y[test], pred[test], cb.ids)["macro_f1"]
            )
        res = summary_figures(multilabel_report(Y, pred, cb.ids))
        res.update(
            train_seconds=t_train, predict_seconds=t_pred, fold_macro_f1=fold_macro
        )
        out["systems"][name] = res
        log(
            f"  {name:16s} macro-F1 {res['macro_f1']:.3f}  "
            f"train {t_train:7.1f}s  predict {t_pred:6.2f}s"
        )
    s = out["systems"]
    diffs = [
        a - b
        for a, b in zip(
            s["purposeclf"]["fold_macro_f1"],
            s["tfidf_linearsvc"]["fold_macro_f1"],
            strict=True,
        )
    ]
    out["purposeclf_minus_tfidf_linearsvc"] = {
        "macro_f1": s["purposeclf"]["macro_f1"] - s["tfidf_linearsvc"]["macro_f1"],
        "per_fold": diffs,
        "folds_purposeclf_better": int(sum(d > 0 for d in diffs)),
        "mean": float(np.mean(diffs)),
        "sd": float(np.std(diffs, ddof=1)) if len(diffs) > 1 else 0.0,
    }
    return out


# ---------------------------------------------------------------- report
def markdown(results: dict[str, Any], meta: dict[str, Any]) -> str:
    v = meta["versions"]
    lines = [
        "## Comparison with baselines on the same folds",
        "",
        f"`{meta['command']}` on {meta['date']}, {meta['machine']}; "
        f"Python {v['python']}, purposeclf {v['purposeclf']}, "
        f"scikit-learn {v['scikit-learn']}, spaCy {v['spacy']}, numpy {v['numpy']}, "
        f"scipy {v['scipy']}. spaCy textcat: {meta['spacy_arch']} architecture, "
        f"{meta['spacy_epochs']} epochs. "
        f"Total runtime {meta['total_seconds']:.0f} s.",
        "",
        "Every system is trained and scored on the same cross-validation folds; "
        "F1 is computed over all out-of-fold predictions, "
        "times are summed over the folds.",
        "",
    ]
    if len(results) > 1:
        names = list(results)
        lines += [
            "Macro-F1 at a glance:",
            "",
            "| system | " + " | ".join(names) + " |",
            "|---|" + "---:|" * len(names),
        ]
        for sysname in SYSTEMS:
            cells = []
            for ds in names:
                m = results[ds]["systems"][sysname]["macro_f1"]
                best = max(r["macro_f1"] for r in results[ds]["systems"].values())
                cells.append(f"**{m:.3f}**" if m == best else f"{m:.3f}")
            lines.append(f"| {sysname} | " + " | ".join(cells) + " |")
        lines.append("")
    for ds, r in results.items():
        lines += [
            f"### `{ds}` ({r['n']} answers, {len(r['labels'])} labels, "
            f"{r['no_label_rows']} with no label, {r['folds']}-fold CV)",
            "",
            "| system | macro-F1 | micro-F1 | samples-F1 | no-label F1 "
            "| train s | predict s |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for sysname, m in r["systems"].items():
            lines.append(
                f"| {sysname} | {m['macro_f1']:.3f} | {m['micro_f1']:.3f} "
                f"| {m['samples_f1']:.3f} | {m['no_label_f1']:.3f} "
                f"| {m['train_seconds']:.1f} | {m['predict_seconds']:.2f} |"
            )
        d = r["purposeclf_minus_tfidf_linearsvc"]
        lines += [
            "",
            f"purposeclf minus tfidf_linearsvc, macro-F1: **{d['macro_f1']:+.3f}** "
            f"(per fold {', '.join(f'{x:+.3f}' for x in d['per_fold'])}; "
            f"purposeclf ahead in {d['folds_purposeclf_better']} "
            f"of {len(d['per_fold'])} folds).",
        ]
        if ds == "pxtextmining":
            lines += [
                "",
                f"Data: {PX_CITATION}. Text column `FFT answer`; blank answers and "
                '"Did not answer" dropped, identical texts de-duplicated '
                f"({r['rows_in_file']} rows in the file, "
                f"{r['rows_after_cleaning']} after cleaning); "
                '"Labelling not possible" and "Not assigned" excluded; labels with '
                "fewer than 10 positive rows dropped "
                f"({r['label_columns_dropped_rare']} columns). File sha256 "
                f"{'matches' if r['sha256_matches_source_md'] else 'DIFFERS from'} "
                "the one recorded in SOURCE.md. The keyword baseline uses the label "
                "names only (the framework has no definitions here).",
            ]
        lines.append("")
    for note in meta["notes"]:
        lines += [f"_{note}_", ""]
    return "\n".join(lines).rstrip() + "\n"


def versions() -> dict[str, str]:
    from importlib.metadata import version  # no need to import the packages

    return {
        "python": platform.python_version(),
        "purposeclf": __version__,
        "scikit-learn": version("scikit-learn"),
        "spacy": version("spacy"),
        "numpy": np.__version__,
        "scipy": version("scipy"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--quick", action="store_true", help="small slice, 3 folds, for smoke tests"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    add_pxtextmining_path(ap, "--pxtextmining")
    ap.add_argument(
        "--skip-pxtextmining", action="store_true", help="only the bundled corpus"
    )
    ap.add_argument(
        "--spacy-arch",
        choices=("bow", "ensemble"),
        default="bow",
        help="textcat_multilabel model: bag of words (default) or spaCy's default",
    )
    ap.add_argument(
        "--spacy-epochs", type=int, default=None, help="default 10 (2 with --quick)"
    )
    args = ap.parse_args(argv)
    argv_used = list(sys.argv[1:] if argv is None else argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    start = time.perf_counter()
    folds = 3 if args.quick else 5
    opts = {
        "spacy_arch": args.spacy_arch,
        "spacy_epochs": args.spacy_epochs or (2 if args.quick else 10),
    }
    notes: list[str] = []
    datasets: dict[str, Callable[[], dict[str, Any]]] = {
        s: (lambda s=s: read_corpus(s, limit=150 if args.quick else None))
        for s in ("keep", "purpose")
    }
    if args.skip_pxtextmining:
        notes.append("pxtextmining skipped (--skip-pxtextmining).")
    elif not px_csv(args.pxtextmining).is_file():
        msg = f"pxtextmining skipped: {args.pxtextmining} not found."
        log(msg)
        notes.append(msg)
    else:
        datasets["pxtextmining"] = lambda: read_pxtextmining(
            px_csv(args.pxtextmining), limit=400 if args.quick else None
        )

    results = {}
    for ds, load in datasets.items():
        data = load()
        n, k = len(data["texts"]), len(data["codebook"])
        log(f"{ds}: {n} answers, {k} labels, {folds}-fold CV")
        results[ds] = run_dataset(data, folds, opts, log)

    meta = {
        "command": shlex.join(["python", "benchmarks/compare.py", *argv_used]),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "versions": versions(),
        "folds": folds,
        "fold_rule": "order = numpy.random.RandomState(0).permutation(n); "
        "fold f = order[f::k]",
        "spacy_arch": opts["spacy_arch"],
        "spacy_epochs": opts["spacy_epochs"],
        "pxtextmining_citation": PX_CITATION if "pxtextmining" in results else None,
        "notes": notes,
        "total_seconds": time.perf_counter() - start,
    }
    name = "compare_quick" if args.quick else "compare"
    save_results(args.out, name, meta, results, markdown(results, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
