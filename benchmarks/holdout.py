"""The bundled models on the independent held-out answers (benchmarks/data/).

Reproduce with:

    python benchmarks/holdout.py        # writes benchmarks/results/holdout.{json,md}

The held-out answers were written and coded without sight of the corpus or its
coding guide (see benchmarks/data/README.md), so these figures estimate how the
models do on answers from other people, coded by other people.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from purposeclf import __version__
from purposeclf.evaluation import evaluate_file

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    args = ap.parse_args(argv)
    results = {}
    lines = [
        "## Independent held-out answers",
        "",
        f"`python benchmarks/holdout.py` (purposeclf {__version__}, bundled models).",
        "",
        "| scheme | answers | macro-F1 | micro-F1 | samples-F1 | exact match | "
        "no-label F1 | Brier | ECE |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scheme in ("keep", "purpose"):
        path = args.data / f"holdout_{scheme}.csv"
        r = evaluate_file(path, model=scheme)
        r["data"] = path.name
        results[scheme] = r
        lines.append(
            f"| {scheme} | {r['n_samples']} | **{r['macro_f1']:.3f}** | "
            f"{r['micro_f1']:.3f} | "
            f"{r['samples_f1']:.3f} | {r['exact_match']:.3f} | "
            f"{r['no_label']['f1']:.3f} | "
            f"{r['brier']:.3f} | {r['ece']:.3f} |"
        )
    lines += ["", "Per label (F1, with support):", ""]
    for scheme, r in results.items():
        cells = ", ".join(
            f"{k} {v['f1']:.2f} ({v['support']})" for k, v in r["per_label"].items()
        )
        lines.append(f"- `{scheme}`: {cells}")
    md = "\n".join(lines)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "holdout.json").write_text(json.dumps(results, indent=1))
    (args.out / "holdout.md").write_text(md + "\n")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
