"""Shares with intervals: the correction and its coverage on known cases."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from click.testing import CliRunner

import purposeclf
from purposeclf.cli import cli
from purposeclf.findings import SHARE_COLUMNS, shares_from_decisions
from purposeclf.metrics import adjusted_share, confusion_counts, estimate_shares

CB = purposeclf.load_codebook("purpose")


def _classify(truth, tpr, fpr, rng):
    """A classifier keeping a true label at rate tpr, adding a false one at fpr."""
    u = rng.random(truth.shape)
    return np.where(truth, u < tpr, u < fpr)


def test_adjusted_count_undoes_known_error_rates():
    assert adjusted_share(0.30, 0.9, 0.1) == pytest.approx(0.25)
    assert adjusted_share(0.05, 0.9, 0.1) == 0.0  # clipped
    assert adjusted_share(0.30, 0.5, 0.45) == pytest.approx(0.30)  # cannot separate


def test_confusion_counts_cover_labels_camps_and_no_label():
    Y = np.zeros((4, len(CB.ids)), dtype=int)
    P = Y.copy()
    Y[0, 0] = P[0, 0] = 1  # tp for the first label (a working_at_scale label)
    P[1, 0] = 1  # fp
    Y[2, 0] = 1  # fn
    c = confusion_counts(Y, P, CB)
    first = CB.ids[0]
    assert c[f"label/{first}"] == {"tp": 1, "fp": 1, "fn": 1, "tn": 1}
    camp = CB.label(first).camp
    assert c[f"camp/{camp}"]["tp"] == 1
    assert c["none"] == {"tp": 1, "fp": 1, "fn": 1, "tn": 1}


def test_intervals_cover_the_true_share_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    k = len(CB.ids)
    true_share, tpr, fpr = 0.12, 0.85, 0.04
    # error rates measured on 2,000 held-out answers, as a model card holds them
    cal_truth = rng.random((2000, k)) < 0.2
    confusion = confusion_counts(cal_truth, _classify(cal_truth, tpr, fpr, rng), CB)
    covered = counted_err = est_err = 0.0
    trials = 200
    for t in range(trials):
        truth = rng.random((2000, k)) < true_share  # a survey unlike the training data
        decided = _classify(truth, tpr, fpr, rng)
        recs = shares_from_decisions(decided, CB, confusion, n_boot=400, seed=t)
        r = recs[0]  # the first label, whole file
        actual = true_share  # the respondents are a sample of a population
        covered += r["low"] <= actual <= r["high"]
        counted_err += abs(r["share"] - actual)
        est_err += abs(r["estimate"] - actual)
    assert 0.90 <= covered / trials <= 0.99
    assert est_err < counted_err  # counting is biased: 0.12 is counted as ~0.137


def test_no_error_rates_means_no_correction():
    M = np.array([[True], [False], [False], [True]])
    (r,) = estimate_shares(M, [("label", "x")], None, n_boot=200)
    assert r["estimate"] == r["share"] == 0.5 and not r["corrected"]
    assert r["low"] < 0.5 < r["high"]


def test_score_by_a_column_writes_the_shares_table(tmp_path):
    src = tmp_path / "survey.csv"
    answers = [
        ("GP", "ARRS pharmacists so the GPs can breathe"),
        ("GP", "the DES money, nothing more"),
        ("Nurse", "learning from each other across the practices"),
        ("Nurse", "evening and weekend appointments at the hub"),
        ("Nurse", "n/a"),
    ]
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["role", "text"])
        w.writerows(answers)
    out = tmp_path / "shares.csv"
    res = CliRunner().invoke(
        cli,
        [
            "score",
            str(src),
            "--scheme",
            "purpose",
            "-o",
            str(tmp_path / "c.csv"),
            "--by",
            "role",
            "--summary-out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == SHARE_COLUMNS
    groups = {r["group"] for r in rows}
    assert groups == {"", "role=GP", "role=Nurse"}
    total = {r["group"]: r["answers"] for r in rows if r["kind"] == "total"}
    assert total == {"": "5", "role=GP": "2", "role=Nurse": "3"}
    for r in rows:
        assert float(r["low"]) <= float(r["estimate"]) <= float(r["high"])
    kinds = {r["kind"] for r in rows}
    assert kinds == {"label", "camp", "none", "total"}


def test_a_random_calibration_sample_corrects_the_shares(tmp_path):
    import shutil

    src = tmp_path / "survey.csv"
    shutil.copy(
        __import__("pathlib").Path(__file__).resolve().parents[1]
        / "benchmarks"
        / "data"
        / "fresh_purpose_B.csv",
        src,
    )
    runner = CliRunner()
    sample = tmp_path / "sample.csv"
    res = runner.invoke(
        cli,
        [
            "review",
            str(src),
            "--scheme",
            "purpose",
            "--random",
            "80",
            "-o",
            str(sample),
        ],
    )
    assert res.exit_code == 0, res.output
    drawn = list(csv.DictReader(io.StringIO(sample.read_text(encoding="utf-8-sig"))))
    assert len(drawn) == 80
    again = tmp_path / "again.csv"
    runner.invoke(
        cli,
        ["review", str(src), "--scheme", "purpose", "--random", "80", "-o", str(again)],
    )
    assert again.read_bytes() == sample.read_bytes()  # seeded: reproducible
    # the writer's own codes stand in for a person's hand-coding of the sample
    text = src.read_text(encoding="utf-8")
    truth = {r["text"]: r["labels"] for r in csv.DictReader(io.StringIO(text))}
    coded = tmp_path / "coded_sample.csv"
    with coded.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "labels"])
        for r in drawn:
            w.writerow([r["text"], truth[r["text"]]])
    plain, fixed = tmp_path / "plain.csv", tmp_path / "fixed.csv"
    for out, extra in ((plain, []), (fixed, ["--calibration", str(coded)])):
        res = runner.invoke(
            cli,
            [
                "score",
                str(src),
                "--scheme",
                "purpose",
                "-o",
                str(tmp_path / "c.csv"),
                "--summary-out",
                str(out),
                *extra,
            ],
        )
        assert res.exit_code == 0, res.output
    a = list(csv.DictReader(io.StringIO(plain.read_text(encoding="utf-8"))))
    b = list(csv.DictReader(io.StringIO(fixed.read_text(encoding="utf-8"))))
    assert all(r["share"] == r["estimate"] for r in a)  # no sample: counted
    assert any(r["share"] != r["estimate"] for r in b if r["kind"] == "label")
    width = lambda rows: sum(float(r["high"]) - float(r["low"]) for r in rows)  # noqa: E731
    assert width(b) > width(a)  # the model's errors widen the intervals
