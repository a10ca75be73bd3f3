"""The benchmark scripts run on a tiny slice, so they cannot rot (no timings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_corpus_cv_quick(tmp_path):
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "corpus_cv.py"),
            "purpose",
            "--quick",
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
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
        [
            sys.executable,
            str(ROOT / "benchmarks" / "speed.py"),
            "--quick",
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data = json.loads((tmp_path / "speed_quick.json").read_text())
    row = data["sizes"]["2000"]
    assert (
        row["purposeclf_jobs1"]["rows_per_s"] > 0
        and row["sklearn_baseline"]["seconds"] > 0
    )
    assert "purposeclf / baseline" in (tmp_path / "speed_quick.md").read_text()


def _absolute_paths(obj):
    """The strings in a JSON document that hold an absolute path."""
    if isinstance(obj, dict):
        return [p for v in obj.values() for p in _absolute_paths(v)]
    if isinstance(obj, list):
        return [p for v in obj for p in _absolute_paths(v)]
    return [obj] if isinstance(obj, str) and (obj[:1] == "/" or " /" in obj) else []


def test_learning_curve_quick(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            str(ROOT / "benchmarks" / "learning_curve.py"),
            "--quick",
            "--data",
            "keep",
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data = json.loads((tmp_path / "learning_curve_quick.json").read_text())
    assert not _absolute_paths(data)
    res = data["results"]["keep"]
    assert res["n"] == 120 and res["folds"] == 2 and res["fractions"] == [0.5, 1.0]
    assert set(res["systems"]) == {"keywords", "tfidf_linearsvc", "purposeclf"}
    for s in res["systems"].values():
        sizes = [p["n_train"] for p in s["points"]]
        assert sizes == sorted(sizes) and sizes[0] < sizes[-1] <= 120
        for p in s["points"]:
            assert 0.0 <= p["macro_f1_mean"] <= 1.0
            assert 0.0 <= p["macro_f1_pooled"] <= 1.0
            assert len(p["macro_f1_per_fold"]) == 2
    assert "| training answers |" in (tmp_path / "learning_curve_quick.md").read_text()
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert data["meta"]["charts"] == {}
    else:
        png = tmp_path / "learning_curve_quick_keep.png"
        assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size < 150_000


def test_learning_curve_without_matplotlib(tmp_path):
    # matplotlib is an optional extra: without it the JSON is still written.
    script = str(ROOT / "benchmarks" / "learning_curve.py")
    code = (
        "import runpy, sys; sys.modules['matplotlib'] = None; "
        f"sys.argv = [{script!r}, '--quick', '--data', 'keep', "
        f"'--systems', 'majority', '--out', {str(tmp_path)!r}]; "
        f"runpy.run_path({script!r}, run_name='__main__')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "learning_curve_quick.json").read_text())
    assert set(data["results"]["keep"]["systems"]) == {"majority"}
    assert data["meta"]["charts"] == {} and not list(tmp_path.glob("*.png"))


def test_footprint_quick(tmp_path):
    systems = ["majority", "keywords", "tfidf_linearsvc", "purposeclf_scorer"]
    subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            str(ROOT / "benchmarks" / "footprint.py"),
            "--quick",
            "--systems",
            ",".join(systems),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data = json.loads((tmp_path / "footprint_quick.json").read_text())
    assert not _absolute_paths(data)
    res = data["results"]["keep"]
    assert res["n_train"] == 150 and res["score_rows_distinct"] == res["score_rows"]
    assert list(res["systems"]) == systems
    for m in res["systems"].values():
        assert m["model_bytes"] > 0 and m["train_seconds"] >= 0
        assert m["cold_start_seconds"] > 0 and m["rows_per_second"] > 0
        assert m["score_peak_rss_mb"] > 10 and m["train_peak_rss_mb"] > 10
    assert res["systems"]["majority"]["labels_assigned"] == 0
    assert res["systems"]["purposeclf_scorer"]["trained_as"] == "purposeclf"
    assert "| purposeclf_scorer |" in (tmp_path / "footprint_quick.md").read_text()


def test_holdout_script(tmp_path):
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "holdout.py"),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data = json.loads((tmp_path / "holdout.json").read_text())
    assert set(data) == {"keep", "purpose"}
    sets = data["keep"]
    assert {"fresh_keep_A.csv", "fresh_keep_B.csv"} <= set(sets)
    by_model = sets["fresh_keep_A.csv"]
    assert {"keep.v1", "keep.v2"} <= set(by_model)  # every bundled version, one run
    r = by_model["keep.v1"]
    assert r["n"] == 175 and 0.0 < r["macro_f1"] <= 1.0
    shares = r["shares"]["digital_tools"]
    assert 0.0 < shares["true"] < 1.0 and 0.0 <= shares["counted"] <= 1.0
    assert "Worst set per scheme" in (tmp_path / "holdout.md").read_text()


def test_active_learning_quick(tmp_path):
    script = ROOT / "benchmarks" / "active_learning.py"
    subprocess.run(
        [
            sys.executable,
            str(script),
            "--scheme",
            "purpose",
            "--quick",
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data = json.loads((tmp_path / "active_learning_quick.json").read_text())["confirm"]
    assert data["meta"]["command"].startswith("python benchmarks/active_learning.py ")
    assert "--quick" in data["meta"]["command"]
    for design in ("shift", "cold"):
        review = data["results"][f"purpose/{design}"]["summary"]["review"]
        lo, hi = review["ci95"]
        assert 0.0 <= review["macro_f1"] <= 1.0
        assert review["n_splits"] == 2 and lo <= review["difference"] <= hi


def test_active_learning_benchmarks_the_shipped_selection():
    """The benchmark's `review` is select_for_review and picks what margin_sum picks."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import active_learning as al
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from purposeclf.retrain import select_for_review

    texts, Y, cb, groups = al.read("purpose", 400)
    seed, pool, test = al.split("shift", 3, groups, texts, 40)
    assert not set(seed) & set(pool) and not set(pool) & set(test)
    clf, _ = al.fit_score(texts, Y, cb, seed, test)
    pool_texts = [texts[i] for i in pool]
    m = clf._compiled()
    shipped = select_for_review(pool_texts, clf, budget=30, random_state=3)
    bench = al.margin_sum(
        m.predict_proba(pool_texts), m.thresholds, None, 30, np.random.RandomState(3)
    )
    assert shipped == bench and len(set(shipped)) == 30


def test_weighting_quick(tmp_path):
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "weighting.py"),
            "purpose",
            "--quick",
            "--folds",
            "2",
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data = json.loads((tmp_path / "weighting_quick.json").read_text())
    res = data["results"]["purpose"]
    assert res["n"] == 80 and res["n_holdout"] == 30
    for w in ("sublinear_l2", "additive"):
        assert 0.0 <= res[w]["cv_macro_f1"] <= 1.0
        assert 0.0 <= res[w]["holdout_macro_f1"] <= 1.0
    assert "additive - sublinear_l2" in (tmp_path / "weighting_quick.md").read_text()


def test_shares_script_quick(tmp_path):
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "shares.py"),
            "--quick",
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data = json.loads((tmp_path / "shares_quick.json").read_text())
    r = data["keep/2000/400"]
    for method in ("counted", "card", "calibration"):
        assert 0.0 <= r[method]["coverage"] <= 1.0 and r[method]["mae_points"] >= 0.0
    assert (
        "corrected by calibration sample" in (tmp_path / "shares_quick.md").read_text()
    )
