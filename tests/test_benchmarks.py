"""The benchmark scripts run on a tiny slice, so they cannot rot (no timings asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_corpus_cv_quick(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "corpus_cv.py"), "purpose", "--quick",
         "--out", str(tmp_path)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    data = json.loads((tmp_path / "corpus_cv_quick.json").read_text())
    res = data["results"]["purpose"]
    assert res["n"] == 120
    assert 0.0 <= res["cv"]["macro_f1"] <= 1.0
    assert [p["n_train"] for p in res["learning_curve"]] == sorted(
        p["n_train"] for p in res["learning_curve"]
    )
    assert "| learning_innovation |" in (tmp_path / "corpus_cv_quick.md").read_text()


def test_speed_quick(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "speed.py"), "--quick", "--out", str(tmp_path)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    data = json.loads((tmp_path / "speed_quick.json").read_text())
    row = data["sizes"]["2000"]
    assert row["purposeclf_jobs1"]["rows_per_s"] > 0 and row["sklearn_baseline"]["seconds"] > 0
    assert "purposeclf / baseline" in (tmp_path / "speed_quick.md").read_text()


def test_holdout_script(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "holdout.py"), "--out", str(tmp_path)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    data = json.loads((tmp_path / "holdout.json").read_text())
    assert set(data) == {"keep", "purpose"}
    assert data["keep"]["n_samples"] == 160
