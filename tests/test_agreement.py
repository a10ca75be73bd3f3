"""Intercoder agreement: the arithmetic, and `purposeclf agree` on coders' files."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score

from purposeclf.cli import cli
from purposeclf.metrics import agreement_report, cohen_kappa, krippendorff_alpha

ANSWERS = [
    ("r1", "Telephone triage for everyone first", "digital_tools"),
    ("r2", "the huddles!!", "great_teams"),
    ("r3", "n/a", ""),
    ("r4", "Our matron checking on us every shift", "engaged_leaders;valued_staff"),
    ("r5", "Video rounds into the care homes", "joined_up_local_system;digital_tools"),
    ("r6", "free food on nights", "valued_staff"),
    ("r7", "Less QOF so we saw the sickest first", "professional_practice"),
    ("r8", "volunteers doing the prescription runs", "community_connections"),
]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def write(path, rows, header=("id", "text", "labels")):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.mark.parametrize("seed", range(6))
def test_kappa_matches_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2 + seed % 3, 80)
    b = np.where(rng.random(80) < 0.75, a, rng.integers(0, 2, 80))
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_alpha_matches_krippendorffs_published_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal
    # data: four observers, twelve units, missing values; alpha = 0.743.
    m = np.nan
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3],
        [m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m],
    ]
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)
    # Two coders, no gaps: 20 values (8 ones, 12 zeros), 2 disagreeing units,
    # so alpha = 1 - (n - 1) * D_o / D_e = 1 - 19 * 4 / (2 * 8 * 12).
    a = [1, 1, 0, 0, 1, 0, 1, 0, 0, 0]
    b = [1, 0, 0, 0, 1, 0, 1, 1, 0, 0]
    assert krippendorff_alpha([a, b]) == pytest.approx(1 - 19 * 4 / 192)
    assert cohen_kappa(a, b) == pytest.approx((0.8 - 0.52) / 0.48)


def test_report_counts_no_label_as_its_own_category():
    y1 = np.array([[1, 0], [0, 0], [0, 1], [0, 0]])
    y2 = np.array([[1, 0], [0, 1], [0, 1], [0, 0]])
    rep = agreement_report([y1, y2], ["a", "b"], n_boot=50)
    by = {r["label"]: r for r in rep["labels"]}
    assert by["a"]["agreement"] == 1.0 and by["b"]["agreement"] == 0.75
    assert by["(no label)"]["agreement"] == 0.75  # row 2: none vs b
    assert by["b"]["prevalence_1"] == 0.25 and by["b"]["prevalence_2"] == 0.5
    assert rep["exact"] == 0.75
    assert by["b"]["kappa_low"] <= by["b"]["kappa"] <= by["b"]["kappa_high"]


def test_agree_two_coders_by_id_in_any_order(tmp_path):
    one = write(tmp_path / "coder1.csv", ANSWERS)
    two_rows = [list(r) for r in reversed(ANSWERS)]
    two_rows[0][2] = "community_connections;joined_up_local_system"  # r8 differs
    two = write(tmp_path / "coder2.csv", two_rows)
    res = run(
        "agree", str(one), str(two), "--scheme", "keep", "--json", "--boot", "200"
    )
    assert res.exit_code == 0, res.output
    recs = {r["label"]: r for r in json.loads(res.stdout)}
    assert recs["joined_up_local_system"]["agreement"] == pytest.approx(7 / 8)
    assert recs["community_connections"]["kappa"] == pytest.approx(1.0)
    assert {"label", "kappa", "alpha", "agreement"} <= set(recs["(macro)"])
    text = run("agree", str(one), str(two), "--scheme", "keep").stdout
    assert "almost perfect" in text and "In plain words" in text


def test_a_scored_file_is_the_model_as_a_coder(tmp_path):
    one = write(tmp_path / "coder.csv", ANSWERS)
    scored = tmp_path / "coded.xlsx"
    assert run("score", str(one), "-o", str(scored)).exit_code == 0
    res = run("agree", str(one), str(scored), "--scheme", "keep", "--boot", "0")
    assert res.exit_code == 0, res.output
    assert "8 answers, 2 coders" in res.stdout


def test_mismatched_files_are_refused_naming_the_rows(tmp_path):
    one = write(tmp_path / "a.csv", ANSWERS)
    other = [list(r) for r in ANSWERS]
    other[3][1] = "something else entirely"
    two = write(tmp_path / "b.csv", other)
    res = run("agree", str(one), str(two), "--scheme", "keep")
    assert res.exit_code == 1 and "'r4' (row 5 and row 5)" in res.stderr
    three = write(tmp_path / "c.csv", ANSWERS[:-1])
    res = run("agree", str(one), str(three), "--scheme", "keep")
    assert res.exit_code == 1 and "missing from" in res.stderr and "r8" in res.stderr
    no_ids = write(
        tmp_path / "d.csv", [r[1:] for r in ANSWERS], header=("text", "labels")
    )
    short = write(
        tmp_path / "e.csv", [r[1:] for r in ANSWERS[:5]], header=("text", "labels")
    )
    res = run("agree", str(no_ids), str(short), "--scheme", "keep")
    assert res.exit_code == 1 and "same answers in the same order" in res.stderr
    bad = write(tmp_path / "f.csv", [("r1", "x", "not_a_label")])
    res = run("agree", str(bad), str(bad), "--scheme", "keep")
    assert res.exit_code == 1 and "not_a_label" in res.stderr
    assert "Traceback" not in res.stderr


def test_a_second_coder_on_a_sample_needs_partial(tmp_path):
    one = write(tmp_path / "all.csv", ANSWERS)
    sample = [list(r) for r in ANSWERS[:5]]
    sample[1][2] = "great_teams;valued_staff"  # r2: one extra label
    two = write(tmp_path / "sample.csv", sample)
    res = run("agree", str(one), str(two), "--scheme", "keep")
    assert res.exit_code == 1 and "--partial" in res.stderr
    res = run("agree", str(one), str(two), "--scheme", "keep", "--partial", "--json")
    assert res.exit_code == 0, res.output
    recs = {r["label"]: r for r in json.loads(res.stdout)}
    assert recs["valued_staff"]["agreement"] == pytest.approx(4 / 5)  # 5 both coded
    assert recs["valued_staff"]["prevalence_1"] == pytest.approx(2 / 8)
    assert recs["valued_staff"]["prevalence_2"] == pytest.approx(2 / 5)
