"""The baseline comparison runs on a tiny slice, so it cannot rot (no timings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYSTEMS = {"majority", "keywords", "tfidf_linearsvc", "spacy_textcat", "purposeclf"}


def test_compare_quick(tmp_path):
    # -W error: the benchmark must not emit warnings either (the project's policy).
    proc = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            str(ROOT / "benchmarks" / "compare.py"),
            "--quick",
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data = json.loads((tmp_path / "compare_quick.json").read_text(encoding="utf-8-sig"))
    res = data["results"]
    # pxtextmining is optional: when its file is absent the script skips it.
    assert {"keep", "purpose"} <= set(res) <= {"keep", "purpose", "pxtextmining"}
    for name, r in res.items():
        assert set(r["systems"]) == SYSTEMS, name
        for m in r["systems"].values():
            assert 0.0 <= m["macro_f1"] <= 1.0
            assert 0.0 <= m["micro_f1"] <= 1.0
            assert 0.0 <= m["no_label_f1"] <= 1.0
        assert r["folds"] == 3
    assert res["keep"]["n"] == 150
    md = (tmp_path / "compare_quick.md").read_text(encoding="utf-8-sig")
    assert "| tfidf_linearsvc |" in md and "python benchmarks/compare.py --quick" in md
    assert md.strip() in proc.stdout


def test_compare_skips_missing_pxtextmining(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "compare.py"),
            "--quick",
            "--pxtextmining",
            str(tmp_path / "absent.csv"),
            "--out",
            str(tmp_path),
            "--spacy-epochs",
            "1",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data = json.loads((tmp_path / "compare_quick.json").read_text(encoding="utf-8-sig"))
    assert set(data["results"]) == {"keep", "purpose"}
    assert "pxtextmining skipped" in proc.stderr
