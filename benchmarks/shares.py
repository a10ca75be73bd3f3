"""Counted against corrected shares, and the coverage of their 95% intervals.

Reproduce with:

    python benchmarks/shares.py          # writes benchmarks/results/shares.{json,md}
    python benchmarks/shares.py --quick  # fewer simulated surveys, for the test suite

Surveys are simulated from the independent held-out answers
(``benchmarks/data/fresh_<scheme>_*.csv``, never used in training): each draws
``size`` answers with one label made rare or common (answers carrying it are
drawn with weight 0.3 or 3), so the survey's shares differ from the training
data's. For every label the bundled model's counted share, the share corrected
with the model card's error rates, and the share corrected with a calibration
sample (a hand-coded random sample from the same simulated survey, scored by
the model) are compared with the survey's true share; the 95% intervals'
coverage and width are recorded. The true share is that of the population the
survey was drawn from (the weighted held-out pool), as the intervals claim.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from purposeclf import __version__, load_model
from purposeclf.findings import model_confusion
from purposeclf.labelled import read_labelled
from purposeclf.metrics import confusion_counts, estimate_shares, share_columns

ROOT = Path(__file__).resolve().parents[1]


def pool(scheme: str, data: Path):
    bundle = load_model(scheme)
    cb = bundle.model.codebook
    texts, Y = [], []
    for p in sorted(data.glob(f"fresh_{scheme}_*.csv")):
        if "coder" in p.name:
            continue
        d = read_labelled(p, codebook=cb, drop_duplicates=False)
        texts += d.texts
        Y.append(d.indicator(cb.ids))
    Y = np.vstack(Y).astype(bool)
    P = bundle.model.decide(bundle.model.predict_proba(texts))
    return bundle, cb, Y, np.asarray(P, dtype=bool)


def simulate(scheme: str, *, data: Path, trials: int, size: int, cal: int, seed: int):
    bundle, cb, Y, P = pool(scheme, data)
    names, T = share_columns(Y, cb)
    _, D = share_columns(P, cb)
    card, _ = model_confusion(bundle)
    rng = np.random.default_rng(seed)
    k = len(cb.ids)
    stats = {
        m: {"err": [], "cover": [], "width": []}
        for m in ("counted", "card", "calibration")
    }
    for t in range(trials):
        j = t % k
        w = np.where(Y[:, j], rng.choice([0.3, 3.0]), 1.0)
        w = w / w.sum()
        truth = (w[:, None] * T).sum(axis=0)  # the population's shares
        idx = rng.choice(len(Y), size=size, p=w)
        cal_idx = rng.choice(len(Y), size=cal, p=w)
        cal_conf = confusion_counts(Y[cal_idx], P[cal_idx], cb)
        sub = D[idx]
        for m, conf in (("counted", None), ("card", card), ("calibration", cal_conf)):
            recs = estimate_shares(sub, names, conf, n_boot=400, seed=t)
            for c, r in enumerate(recs):
                est = r["share"] if m == "counted" else r["estimate"]
                stats[m]["err"].append(abs(est - truth[c]))
                stats[m]["cover"].append(r["low"] <= truth[c] <= r["high"])
                stats[m]["width"].append(r["high"] - r["low"])
    out = {
        "n_pool": int(len(Y)),
        "trials": trials,
        "size": size,
        "calibration_size": cal,
    }
    for m, s in stats.items():
        out[m] = {
            "mae_points": 100 * float(np.mean(s["err"])),
            "coverage": float(np.mean(s["cover"])),
            "mean_width_points": 100 * float(np.mean(s["width"])),
        }
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    trials = 20 if args.quick else 200
    results: dict = {}
    lines = [
        "## Shares: counted against corrected, on shifted surveys",
        "",
        f"`python benchmarks/shares.py` (purposeclf {__version__}, bundled models; "
        f"{trials} simulated surveys per row).",
        "",
        "Each cell: mean absolute error of the share (points) / coverage of the 95% "
        "interval / its mean width (points).",
        "",
        "| scheme | survey | calibration | counted (sampling interval) | "
        "corrected by model card | corrected by calibration sample |",
        "|---|---:|---:|---|---|---|",
    ]

    def cell(x: dict) -> str:
        return (
            f"{x['mae_points']:.2f} / {x['coverage']:.1%} / "
            f"{x['mean_width_points']:.1f}"
        )

    for scheme in ("keep", "purpose"):
        for size, cal in ((200, 100), (500, 200), (2000, 400)):
            r = simulate(
                scheme, data=args.data, trials=trials, size=size, cal=cal, seed=1
            )
            results[f"{scheme}/{size}/{cal}"] = r
            lines.append(
                f"| {scheme} | {size} | {cal} | {cell(r['counted'])} | "
                f"{cell(r['card'])} | {cell(r['calibration'])} |"
            )
    lines += [
        "",
        "Over every label, camp and no-label share of every simulated survey; the "
        "true share is the population's the survey was drawn from.",
    ]
    md = "\n".join(lines)
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "_quick" if args.quick else ""
    (args.out / f"shares{suffix}.json").write_text(json.dumps(results, indent=1))
    (args.out / f"shares{suffix}.md").write_text(md + "\n")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
