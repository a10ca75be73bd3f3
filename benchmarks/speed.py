"""Scoring speed, memory and start-up, side by side with a bare scikit-learn pipeline.

Reproduce with:

    python benchmarks/speed.py              # 100k and 1M rows -> results/speed.*
    python benchmarks/speed.py --quick      # 2,000 rows, for the test suite

The input files are made from sentences of the corpus answers, recombined so that
almost every row is distinct (the scorer's de-duplication gets no free ride), with
an id and a date column. Each measurement runs in a fresh Python process and reports
wall time and that process's peak resident memory.

Baseline: scikit-learn's TfidfVectorizer (word 1-2-grams) with a one-vs-rest
LogisticRegression trained on the same corpus, reading the same file with the csv
module, predicting probabilities and writing the same number of output columns.
Its training and imports are not timed; purposeclf's end-to-end figure includes
everything from reading to the renamed output file (but not interpreter start-up).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN_PURPOSECLF = r"""
import json, resource, sys, time
from purposeclf.scoring import score_file
t = time.perf_counter()
score_file(sys.argv[1], sys.argv[2], model="keep", jobs=int(sys.argv[3]))
el = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": el, "peak_rss_mb": rss}))
"""

RUN_BASELINE = r"""
import csv, json, resource, sys, time
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer
rows = list(csv.DictReader(open(sys.argv[3], encoding="utf-8")))
mlb = MultiLabelBinarizer()
Y = mlb.fit_transform([[x for x in r["labels"].split(";") if x] for r in rows])
pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                     OneVsRestClassifier(LogisticRegression(C=8.0, solver="liblinear")))
pipe.fit([r["text"] for r in rows], Y)
t = time.perf_counter()
with open(sys.argv[1], newline="", encoding="utf-8") as fin, \
     open(sys.argv[2], "w", newline="", encoding="utf-8") as fout:
    reader = csv.reader(fin); writer = csv.writer(fout)
    header = next(reader); ti = header.index("text")
    writer.writerow(header + ["labels"] + [f"p_{c}" for c in mlb.classes_])
    classes = mlb.classes_
    while True:
        chunk = [r for _, r in zip(range(20000), reader)]
        if not chunk:
            break
        P = pipe.predict_proba([r[ti] for r in chunk])
        for r, p in zip(chunk, P):
            writer.writerow(r + [";".join(c for c, v in zip(classes, p) if v >= 0.5)]
                            + [f"{v:.4f}" for v in p])
el = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": el, "peak_rss_mb": rss}))
"""


def make_file(path: Path, n: int, seed: int = 0) -> None:
    texts = []
    for name in ("keep.csv", "purpose.csv"):
        with (ROOT / "corpus" / name).open(newline="", encoding="utf-8") as fh:
            texts += [r["text"] for r in csv.DictReader(fh)]
    sents = sorted(
        {s.strip() for t in texts for s in t.replace("\n", " ").split(".") if s.strip()}
    )
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "date", "text"])
        for i in range(n):
            k = rng.choice((1, 1, 2, 3))
            w.writerow([f"R{i:07d}", "01/02/2021", ". ".join(rng.sample(sents, k))])


def run(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def wall(cmd: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    sizes = [2_000] if args.quick else [100_000, 1_000_000]
    exe = [sys.executable, "-m", "purposeclf"]
    results: dict = {"sizes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        small = tmpd / "ten.csv"
        make_file(small, 10)
        results["cold_start_score_10_rows_s"] = wall(
            exe + ["score", str(small), "-o", str(tmpd / "o10.csv")],
            3 if args.quick else 5,
        )
        results["help_s"] = wall(exe + ["--help"], 3 if args.quick else 5)
        for n in sizes:
            src = tmpd / f"in{n}.csv"
            make_file(src, n)
            row: dict = {}
            for jobs in (1, 2):
                r = run(RUN_PURPOSECLF, str(src), str(tmpd / "out.csv"), str(jobs))
                row[f"purposeclf_jobs{jobs}"] = {**r, "rows_per_s": n / r["seconds"]}
            r = run(
                RUN_BASELINE,
                str(src),
                str(tmpd / "base.csv"),
                str(ROOT / "corpus" / "keep.csv"),
            )
            row["sklearn_baseline"] = {**r, "rows_per_s": n / r["seconds"]}
            row["ratio_to_baseline"] = row["purposeclf_jobs1"]["seconds"] / r["seconds"]
            results["sizes"][str(n)] = row
            print(n, json.dumps(row), flush=True)
    meta = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
    }
    results["meta"] = meta
    args.out.mkdir(parents=True, exist_ok=True)
    name = "speed_quick" if args.quick else "speed"
    (args.out / f"{name}.json").write_text(json.dumps(results, indent=1))
    lines = [
        "## Scoring speed and footprint",
        "",
        f"`python benchmarks/speed.py` on {meta['date']}, {meta['cores']} cores "
        f"({meta['machine']}), Python {meta['python']}.",
        "",
        "| rows | system | seconds | rows/s | peak RSS (MB) |",
        "|---:|---|---:|---:|---:|",
    ]
    for n, row in results["sizes"].items():
        for key, label in (
            ("purposeclf_jobs1", "purposeclf score"),
            ("purposeclf_jobs2", "purposeclf score --jobs 2"),
            ("sklearn_baseline", "bare scikit-learn TF-IDF + LR"),
        ):
            m = row[key]
            lines.append(
                f"| {int(n):,} | {label} | {m['seconds']:.2f} | "
                f"{m['rows_per_s']:,.0f} | {m['peak_rss_mb']:.0f} |"
            )
        lines.append(
            f"| {int(n):,} | purposeclf / baseline time | "
            f"{row['ratio_to_baseline']:.2f}x | | |"
        )
    lines += [
        "",
        "Cold start, `purposeclf score` on a 10-row file: "
        f"{results['cold_start_score_10_rows_s']:.2f} s (median). "
        f"`purposeclf --help`: {results['help_s']:.2f} s (median).",
        "",
    ]
    md = "\n".join(lines)
    (args.out / f"{name}.md").write_text(md + "\n")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
