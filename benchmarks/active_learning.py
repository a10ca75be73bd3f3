"""Does labelling the answers `purposeclf review` picks beat labelling random ones?

Reproduce with:

    python benchmarks/active_learning.py --jobs 2   # confirmation run (RESULTS.md)
    python benchmarks/active_learning.py --explore --jobs 2  # every strategy, 0-3
    python benchmarks/active_learning.py --scheme pxtextmining --jobs 2
    python benchmarks/active_learning.py --quick    # a tiny slice, for the tests

The selection was chosen on some splits and confirmed on others: the
exploration run (every strategy, splits 0-3) and a development run (splits
200-214) chose it; the confirmation run scores it on splits 300-329, which
played no part in the choice.

Two simulated situations, on the labelled corpus (labels are revealed only for
the answers a strategy picks):

``shift`` (the main one: what a user of the bundled model does)
    The corpus was written in batches by different coders (id prefix ``k1`` ..
    ``k8``, ``p1`` .. ``p6``). Each split puts 40% of the batches (3 of 8 for
    keep, 2 of 6 for purpose) in the "corpus" a first model is trained on, and
    the other batches play the user's own survey export, written by other
    people: 60% of their answers are the unlabelled pool, 40% the user's test
    set. A strategy picks ``--budget`` answers from the pool with the first
    model, as ``purposeclf review`` does, and the model is retrained on the
    corpus part plus the picked answers (``train --with-corpus``).
``cold`` (a user starting from few labels of their own)
    30% of the answers are the test set, 300 random others train the first
    model, the rest are the pool; one pick of ``--budget`` answers, retrain.

Each split scores on its test set the first model, the model retrained with the
strategy's picks and with random picks (the mean over ``--random-draws``
independent draws, which estimates what random picking gives on that split
with less noise than a single draw). The difference strategy - random is
paired within a split; the table gives its mean over splits with a 95%
t-interval. Models are ``PurposeClassifier(cv=3, random_state=0)``: thresholds
are tuned with 3 rather than 5 folds to save time. Training answers are passed
in corpus order, so a model depends on which answers were picked, not on the
order they were picked in (that order alone moves macro-F1 by up to 0.006).

Strategies (``--strategies``; ``--explore`` runs them all):

review             what ``select_for_review`` (hence ``purposeclf review``) does now:
                   closeness to the thresholds summed over labels (= ``margin_sum``)
previous           the earlier selection: uncertainty x farthest-first distance
least_confident    largest per-label closeness to the threshold (max over labels)
margin_sum         closeness to the threshold summed over labels
entropy            binary entropy of the probabilities, summed over labels
density            least_confident x mean cosine similarity to the pool
kcenters           k-means (k = budget) of the pool, the answer nearest each centre
cluster            k-means (k = budget) of the pool, the least confident of each cluster
cluster_uncertain  k-means of the 2 x budget least confident, weighted by
                   uncertainty, the answer nearest each centre
per_label          round-robin over labels, each taking its next answer closest
                   to that label's threshold
rare_margin        margin_sum, labels weighted by 1 / their predicted share of the pool
half_random        half least_confident, half random
random             uniform random picks
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import shlex
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy import stats

from purposeclf import __version__
from purposeclf.codebook import load_codebook
from purposeclf.labelled import indicator_matrix as _binarize
from purposeclf.metrics import multilabel_report
from purposeclf.model import PurposeClassifier
from purposeclf.retrain import select_for_review
from purposeclf.retrain._review import _closeness

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (benchmarks/ is not a package)
import corpus_cv  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = ("keep", "purpose")
EXPLORE = (
    "previous",
    "least_confident",
    "margin_sum",
    "entropy",
    "density",
    "kcenters",
    "cluster",
    "cluster_uncertain",
    "per_label",
    "rare_margin",
    "half_random",
)


# ------------------------------------------------------------------- data
def read(scheme: str, limit: int | None = None, px_path: Path = compare.PX_DEFAULT):
    """(texts, Y, codebook, coder batch of each answer or None).

    pxtextmining is real NHS patient feedback (40 labels), read where it lies;
    see compare.py for its citation. It has no coder batches: "cold" only.
    """
    if scheme == "pxtextmining":
        data = compare.read_pxtextmining(Path(px_path), limit=limit)
        return data["texts"], data["Y"], data["codebook"], None
    cb = load_codebook(scheme)
    texts, labels, groups = corpus_cv.read(scheme, limit)
    return texts, _binarize(labels, len(texts), cb)[0], cb, groups


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def split(design: str, s: int, groups: np.ndarray, texts: list[str], seed_size: int):
    """(seed, pool, test) index arrays of split ``s``; the pool has no repeats."""
    rng = np.random.RandomState(s)
    n = len(texts)
    if design == "shift":
        batches = rng.permutation(sorted(set(groups)))
        n_seed = max(1, round(0.4 * len(batches)))
        seed = np.flatnonzero(np.isin(groups, batches[:n_seed]))
        user = rng.permutation(np.flatnonzero(~np.isin(groups, batches[:n_seed])))
        n_test = round(0.4 * len(user))
        test, pool = user[:n_test], user[n_test:]
    else:
        order = rng.permutation(n)
        n_test = round(0.3 * n)
        test, seed, pool = (
            order[:n_test],
            order[n_test : n_test + seed_size],
            order[n_test + seed_size :],
        )
    seen: set[str] = set()
    kept = []
    for i in pool:
        k = _key(texts[i])
        if k.strip() and k not in seen:
            seen.add(k)
            kept.append(int(i))
    return np.sort(seed), np.array(kept), np.sort(test)


# ------------------------------------------------------------- strategies
def _unit(X: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    return (
        sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ X
    ).tocsr()


def _top(score: np.ndarray, budget: int, rng) -> list[int]:
    tie = rng.permutation(len(score))
    return [int(i) for i in np.lexsort((tie, -score))[:budget]]


def _kmeans(X, k: int, rng, weights=None) -> np.ndarray:
    from sklearn.cluster import KMeans

    km = KMeans(n_clusters=k, n_init=1, random_state=int(rng.randint(2**31 - 1)))
    return km.fit(X, sample_weight=weights)


def _one_per_cluster(
    labels: np.ndarray, score: np.ndarray, budget: int, rng
) -> list[int]:
    picks = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        picks.append(int(members[np.argmax(score[members])]))
    rest = [i for i in _top(score, len(score), rng) if i not in set(picks)]
    return (picks + rest)[:budget]


def previous(P, t, X, budget, rng, pool_factor=5):
    """The selection `purposeclf review` used before: uncertainty x farthest-first."""
    u = _closeness(P, t).max(axis=1)
    order = np.lexsort((rng.permutation(len(u)), -u))
    cand = order[: min(len(u), pool_factor * budget)]
    Xc = X[cand]
    sq = (np.asarray(Xc.multiply(Xc).sum(axis=1)).ravel() > 0).astype(float)
    unc = u[cand] / 2 + 1e-9
    min_d2 = np.full(len(cand), 2.0)
    taken = np.zeros(len(cand), dtype=bool)
    scan = rng.permutation(len(cand))
    picks = []
    for _ in range(min(budget, len(cand))):
        score = np.where(taken, -1.0, unc * min_d2)
        j = int(scan[np.argmax(score[scan])])
        picks.append(j)
        taken[j] = True
        sims = np.asarray((Xc @ Xc[j].T).todense()).ravel()
        np.minimum(min_d2, np.maximum(sq + sq[j] - 2.0 * sims, 0.0), out=min_d2)
    return [int(cand[j]) for j in picks]


def least_confident(P, t, X, budget, rng):
    return _top(_closeness(P, t).max(axis=1), budget, rng)


def margin_sum(P, t, X, budget, rng):
    return _top(_closeness(P, t).sum(axis=1), budget, rng)


def entropy(P, t, X, budget, rng):
    Q = np.clip(P, 1e-12, 1 - 1e-12)
    return _top(-(Q * np.log(Q) + (1 - Q) * np.log(1 - Q)).sum(axis=1), budget, rng)


def density(P, t, X, budget, rng):
    sim = np.asarray(X @ np.asarray(X.mean(axis=0)).ravel()).ravel()
    return _top(_closeness(P, t).max(axis=1) * sim, budget, rng)


def kcenters(P, t, X, budget, rng):
    km = _kmeans(X, min(budget, X.shape[0]), rng)
    d = -np.asarray(
        ((X - sp.csr_matrix(km.cluster_centers_[km.labels_])).power(2)).sum(axis=1)
    ).ravel()
    return _one_per_cluster(km.labels_, d, budget, rng)


def cluster(P, t, X, budget, rng):
    km = _kmeans(X, min(budget, X.shape[0]), rng)
    return _one_per_cluster(km.labels_, _closeness(P, t).max(axis=1), budget, rng)


def cluster_uncertain(P, t, X, budget, rng):
    u = _closeness(P, t).max(axis=1)
    cand = np.array(_top(u, min(len(u), 2 * budget), rng))
    if len(cand) <= budget:
        return [int(i) for i in cand]
    Xc = X[cand]
    km = _kmeans(Xc, budget, rng, weights=u[cand])
    d = -np.asarray(
        ((Xc - sp.csr_matrix(km.cluster_centers_[km.labels_])).power(2)).sum(axis=1)
    ).ravel()
    return [int(cand[j]) for j in _one_per_cluster(km.labels_, d, budget, rng)]


def per_label(P, t, X, budget, rng):
    U = _closeness(P, t)
    tie = rng.permutation(len(U))
    lists = [list(np.lexsort((tie, -U[:, j]))) for j in range(U.shape[1])]
    picks: list[int] = []
    taken: set[int] = set()
    pos = [0] * U.shape[1]
    while len(picks) < min(budget, len(U)):
        for j in rng.permutation(U.shape[1]):
            while pos[j] < len(U) and lists[j][pos[j]] in taken:
                pos[j] += 1
            if pos[j] < len(U) and len(picks) < budget:
                i = int(lists[j][pos[j]])
                picks.append(i)
                taken.add(i)
    return picks


def rare_margin(P, t, X, budget, rng):
    share = (P >= t).mean(axis=0) + 1.0 / len(P)
    w = (1.0 / share) / (1.0 / share).mean()
    return _top(_closeness(P, t) @ w, budget, rng)


def half_random(P, t, X, budget, rng):
    first = least_confident(P, t, X, budget // 2, rng)
    rest = np.setdiff1d(np.arange(len(P)), first)
    return first + [
        int(i)
        for i in rng.choice(rest, min(len(rest), budget - len(first)), replace=False)
    ]


STRATEGIES = {
    f.__name__: f
    for f in (
        previous,
        least_confident,
        margin_sum,
        entropy,
        density,
        kcenters,
        cluster,
        cluster_uncertain,
        per_label,
        rare_margin,
        half_random,
    )
}


# --------------------------------------------------------------- one split
def fit_score(texts, Y, cb, train, test):
    # Corpus order, so that the model depends on which answers were picked and
    # not on the order they were picked in (threshold folds follow positions).
    train = np.sort(train)
    clf = PurposeClassifier(codebook=cb, cv=3, random_state=0)
    clf.fit([texts[i] for i in train], Y[train])
    rep = multilabel_report(Y[test], clf.predict([texts[i] for i in test]), cb.ids)
    return clf, float(rep["macro_f1"])


def run_split(task: dict) -> dict:
    logging.disable(logging.WARNING)
    scheme, design, s = task["scheme"], task["design"], task["split"]
    budget = task["budget"]
    texts, Y, cb, groups = read(scheme, task["limit"], task["px_path"])
    seed, pool, test = split(design, s, groups, texts, task["seed_size"])
    t0 = time.perf_counter()
    clf, f1_seed = fit_score(texts, Y, cb, seed, test)
    out = {
        "split": s,
        "n_seed": len(seed),
        "n_pool": len(pool),
        "n_test": len(test),
        "seed_macro_f1": f1_seed,
        "macro_f1": {},
    }
    pool_texts = [texts[i] for i in pool]
    m = clf._compiled()
    P = m.predict_proba(pool_texts)
    X = _unit(m.featurizer.transform(pool_texts).tocsr())
    for name in task["strategies"]:
        if name == "random":
            draws = []
            for d in range(task["random_draws"]):
                rng = np.random.RandomState(1000 * s + d)
                picks = rng.choice(len(pool), min(budget, len(pool)), replace=False)
                draws.append(fit_score(texts, Y, cb, np.r_[seed, pool[picks]], test)[1])
            out["random_draws"] = draws
            out["macro_f1"]["random"] = float(np.mean(draws))
            continue
        if name == "review":
            picks = select_for_review(pool_texts, clf, budget=budget, random_state=s)
        else:
            picks = STRATEGIES[name](
                P, m.thresholds, X, budget, np.random.RandomState(s)
            )
        assert len(set(picks)) == len(picks) == min(budget, len(pool)), name
        out["macro_f1"][name] = fit_score(texts, Y, cb, np.r_[seed, pool[picks]], test)[
            1
        ]
    out["seconds"] = time.perf_counter() - t0
    print(
        f"{scheme} {design} split {s}: seed {f1_seed:.3f} "
        + " ".join(f"{k} {v:.3f}" for k, v in out["macro_f1"].items()),
        file=sys.stderr,
        flush=True,
    )
    return out


def _task_key(t: dict) -> str:
    return "/".join(
        str(t[k])
        for k in (
            "scheme",
            "design",
            "split",
            "budget",
            "seed_size",
            "random_draws",
            "limit",
        )
    )


def _load_cache(path: Path | None) -> dict:
    out: dict = {}
    if path and path.exists():
        for line in path.read_text().splitlines():
            rec = json.loads(line)
            out[rec["key"]] = rec["result"]  # later lines win
    return out


# ---------------------------------------------------------------- summary
def summarise(splits: list[dict], strategies: list[str]) -> dict:
    res = {"seed_macro_f1": float(np.mean([r["seed_macro_f1"] for r in splits]))}
    rand = np.array([r["macro_f1"]["random"] for r in splits])
    res["random_macro_f1"] = float(rand.mean())
    res["random_gain_over_seed"] = float(rand.mean() - res["seed_macro_f1"])
    for name in strategies:
        if name == "random":
            continue
        f1 = np.array([r["macro_f1"][name] for r in splits])
        d = f1 - rand
        n = len(d)
        half = (
            float(stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / np.sqrt(n))
            if n > 1
            else float("nan")
        )
        res[name] = {
            "macro_f1": float(f1.mean()),
            "difference": float(d.mean()),
            "ci95": [float(d.mean() - half), float(d.mean() + half)],
            "splits_better": int((d > 0).sum()),
            "n_splits": n,
        }
    return res


def table(results: dict, strategies: list[str]) -> str:
    lines = [
        "| scheme | design | splits | first model | random | strategy "
        "| strategy macro-F1 | strategy - random (95% CI) | splits better |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for key, r in results.items():
        scheme, design = key.split("/")
        summ = r["summary"]
        for name in strategies:
            if name == "random":
                continue
            s = summ[name]
            lo, hi = s["ci95"]
            lines.append(
                f"| {scheme} | {design} | {s['n_splits']} "
                f"| {summ['seed_macro_f1']:.3f} | {summ['random_macro_f1']:.3f} "
                f"| {name} | {s['macro_f1']:.3f} "
                f"| {s['difference']:+.3f} ({lo:+.3f} to {hi:+.3f}) "
                f"| {s['splits_better']}/{s['n_splits']} |"
            )
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--scheme",
        choices=["keep", "purpose", "both", "pxtextmining"],
        default="both",
        help="both = keep and purpose (the corpus); pxtextmining = real NHS patient "
        "feedback, cold design only, saved apart",
    )
    compare.add_pxtextmining_path(ap)
    ap.add_argument("--design", choices=["shift", "cold", "both"], default="both")
    ap.add_argument(
        "--repeats", type=int, default=30, help="splits per scheme and design"
    )
    ap.add_argument(
        "--first-split",
        type=int,
        default=300,
        help="seed of the first split (--explore uses 0)",
    )
    ap.add_argument("--budget", type=int, default=200)
    ap.add_argument(
        "--seed-size", type=int, default=300, help="first model's answers (cold)"
    )
    ap.add_argument("--random-draws", type=int, default=3)
    ap.add_argument(
        "--strategies",
        default="review,previous",
        help="comma-separated; random is always run",
    )
    ap.add_argument(
        "--explore",
        action="store_true",
        help="every strategy, on 4 splits from seed 0 (the exploration run)",
    )
    ap.add_argument("--quick", action="store_true", help="tiny slice, for smoke tests")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    ap.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="JSON-lines file of finished splits: reused, and appended to, "
        "so an interrupted run resumes",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    given = list(argv if argv is not None else sys.argv[1:])
    if "--cache" in given:  # a local scratch file, not part of the recipe
        del given[given.index("--cache") : given.index("--cache") + 2]
    command = " ".join(
        ["python benchmarks/active_learning.py", shlex.join(given)]
    ).strip()
    strategies = [s for s in args.strategies.split(",") if s]
    first, repeats = args.first_split, args.repeats
    if args.explore:
        strategies = list(EXPLORE)
        if "--first-split" not in (argv if argv is not None else sys.argv[1:]):
            first = 0
        if "--repeats" not in (argv if argv is not None else sys.argv[1:]):
            repeats = 4
    for s in strategies:
        if s not in STRATEGIES and s != "review":
            ap.error(
                f"unknown strategy {s!r}; choose from review, {', '.join(STRATEGIES)}"
            )
    strategies = [s for s in strategies if s != "random"] + ["random"]
    limit, budget, seed_size, draws = (
        None,
        args.budget,
        args.seed_size,
        args.random_draws,
    )
    if args.quick:
        limit, budget, seed_size, draws, repeats = 160, 15, 40, 1, 2
    schemes = SCHEMES if args.scheme == "both" else (args.scheme,)
    designs = ("shift", "cold") if args.design == "both" else (args.design,)
    px = args.scheme == "pxtextmining"
    if px:
        if args.design == "shift":
            ap.error("pxtextmining has no coder batches: use --design cold")
        designs = ("cold",)
        if not compare.px_csv(args.pxtextmining_path).is_file():
            ap.error(f"{args.pxtextmining_path} not found; pass --pxtextmining-path")

    tasks = [
        {
            "scheme": sc,
            "design": de,
            "split": first + i,
            "budget": budget,
            "seed_size": seed_size,
            "random_draws": draws,
            "strategies": strategies,
            "limit": limit,
            "px_path": str(compare.px_csv(args.pxtextmining_path)),
        }
        for sc in schemes
        for de in designs
        for i in range(repeats)
    ]
    t0 = time.perf_counter()
    cached = _load_cache(args.cache)
    todo = []
    for t in tasks:
        have = cached.get(_task_key(t), {}).get("macro_f1", {})
        missing = [s for s in strategies if s not in have]
        if missing:
            todo.append({**t, "strategies": missing})
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as ex:
            fresh = list(ex.map(run_split, todo))
    else:
        fresh = [run_split(t) for t in todo]
    for t, r in zip(todo, fresh, strict=True):
        key = _task_key(t)
        if key in cached:  # keep the cached strategies, add the new ones
            r = {
                **cached[key],
                **{k: v for k, v in r.items() if k != "macro_f1"},
                "macro_f1": {**cached[key]["macro_f1"], **r["macro_f1"]},
            }
        cached[key] = r
        if args.cache:
            with args.cache.open("a") as fh:
                fh.write(json.dumps({"key": key, "result": r}) + "\n")
    done = [cached[_task_key(t)] for t in tasks]
    runtime = time.perf_counter() - t0
    results = {}
    for sc in schemes:
        for de in designs:
            splits = [
                d
                for d, t in zip(done, tasks, strict=True)
                if t["scheme"] == sc and t["design"] == de
            ]
            results[f"{sc}/{de}"] = {
                "splits": splits,
                "summary": summarise(splits, strategies),
            }
    meta = {
        "command": command,
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "python": platform.python_version(),
        "purposeclf": __version__,
        "runtime_seconds": round(runtime, 1),
        "splits_from_cache": len(tasks) - len(todo),
        "budget": budget,
        "cold_seed_size": seed_size,
        "random_draws": draws,
        "first_split": first,
        "repeats": repeats,
        "model": "PurposeClassifier(cv=3, random_state=0)",
    }
    if px:
        meta["data"] = compare.PX_CITATION
    if len(results) > 1:
        # Every split of every scheme and design, pooled: each has the same
        # number of splits, so this is their plain average; the t-interval over
        # the pooled differences also counts the spread between them.
        every = [d for r in results.values() for d in r["splits"]]
        results["all/all"] = {"splits": [], "summary": summarise(every, strategies)}
    md = table(results, strategies)
    args.out.mkdir(parents=True, exist_ok=True)
    # One file; the exploration and the confirmation run each replace their own part.
    path = args.out / (
        "active_learning_quick.json" if args.quick else "active_learning.json"
    )
    saved = json.loads(path.read_text()) if path.exists() else {}
    part = ("explore" if args.explore else "confirm") + ("_pxtextmining" if px else "")
    saved[part] = {"meta": meta, "results": results}
    path.write_text(json.dumps(saved, indent=1) + "\n")
    print(md)
    print(f"\n{command}  ({runtime:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
