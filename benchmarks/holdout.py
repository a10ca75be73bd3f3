"""The bundled models on the independent held-out answers (benchmarks/data/).

Reproduce with:

    python benchmarks/holdout.py        # writes benchmarks/results/holdout.{json,md}

Each ``fresh_<scheme>_<writer>.csv`` was written and coded by a writer who never
saw the corpus or its coding guide, by the codebook and its boundary rules (see
benchmarks/data/README.md), so these figures estimate how the models do on
answers from other people. Every bundled version of each scheme is measured in
the same run on the same answers, so the newest model's figures sit beside its
predecessors'. Per set: macro/micro F1, exact match, no-label F1, labels per
answer (predicted against true) and, per label, the share of answers counted
against the true share.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from purposeclf import __version__, load_model
from purposeclf.labelled import read_labelled
from purposeclf.metrics import multilabel_report
from purposeclf.resources import bundled_models

ROOT = Path(__file__).resolve().parents[1]


def _versions(scheme: str) -> list[str]:
    names = sorted(
        (n for n in bundled_models() if n.split(".")[0] == scheme),
        key=lambda n: int(n.rsplit(".v", 1)[1]),
    )
    return names


def measure(path: Path, model_name: str) -> dict:
    bundle = load_model(model_name)
    cb = bundle.model.codebook
    data = read_labelled(path, codebook=cb, drop_duplicates=False)
    T = data.indicator(cb.ids)
    P = bundle.model.decide(bundle.model.predict_proba(data.texts)).astype(int)
    r = multilabel_report(T, P, cb.ids)
    r["labels_per_answer"] = {
        "true": float(T.sum(1).mean()),
        "predicted": float(P.sum(1).mean()),
    }
    r["shares"] = {
        lab: {"true": float(T[:, j].mean()), "counted": float(P[:, j].mean())}
        for j, lab in enumerate(cb.ids)
    }
    r["n"] = len(data)
    return r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    args = ap.parse_args(argv)
    results: dict = {}
    lines = [
        "## Independent held-out answers (fresh writers)",
        "",
        f"`python benchmarks/holdout.py` (purposeclf {__version__}, bundled models).",
        "",
        "| scheme | set | answers | model | macro-F1 | micro-F1 | exact match | "
        "no-label F1 | labels/answer (true) |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for scheme in ("keep", "purpose"):
        sets = sorted(
            p for p in args.data.glob(f"fresh_{scheme}_*.csv") if "coder" not in p.name
        )
        for path in sets:
            for name in _versions(scheme):
                r = measure(path, name)
                results.setdefault(scheme, {}).setdefault(path.name, {})[name] = r
                lpa = r["labels_per_answer"]
                lines.append(
                    f"| {scheme} | {path.stem.rsplit('_', 1)[1]} | {r['n']} | {name} | "
                    f"**{r['macro_f1']:.3f}** | {r['micro_f1']:.3f} | "
                    f"{r['exact_match']:.3f} | {r['no_label']['f1']:.3f} | "
                    f"{lpa['predicted']:.2f} ({lpa['true']:.2f}) |"
                )
    lines += [
        "",
        "Newest model, per label: F1, and counted share against true share:",
        "",
    ]
    for scheme, per_set in results.items():
        newest = _versions(scheme)[-1]
        for set_name, by_model in per_set.items():
            r = by_model[newest]
            cells = ", ".join(
                f"{k} {v['f1']:.2f} ({r['shares'][k]['counted']:.1%} vs "
                f"{r['shares'][k]['true']:.1%})"
                for k, v in r["per_label"].items()
            )
            lines.append(f"- `{newest}` on {set_name}: {cells}")
    pooled = []
    for scheme, per_set in results.items():
        newest = _versions(scheme)[-1]
        macro = [by[newest]["macro_f1"] for by in per_set.values()]
        exact = [by[newest]["exact_match"] for by in per_set.values()]
        pooled.append(
            f"- `{newest}`: lowest macro-F1 over the sets {min(macro):.3f}, lowest "
            f"exact match {min(exact):.3f} (means {np.mean(macro):.3f} and "
            f"{np.mean(exact):.3f})"
        )
    lines += ["", "Worst set per scheme:", "", *pooled]
    md = "\n".join(lines)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "holdout.json").write_text(json.dumps(results, indent=1))
    (args.out / "holdout.md").write_text(md + "\n")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
