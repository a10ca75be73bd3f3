"""Tests of the retraining loop: comparison, review selection, review files, audit."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import purposeclf
from purposeclf import DataError, PurposeClassifier
from purposeclf.codebook import load_codebook
from purposeclf.labelled import indicator_matrix as _binarize
from purposeclf.labelled import read_labelled
from purposeclf.model import load_model
from purposeclf.retrain import (
    GUESS_COLUMN,
    audit,
    compare_models,
    format_comparison,
    make_review_file,
    paired_bootstrap,
    read_review_file,
    select_for_review,
    simulate_active_learning,
    write_review_file,
)
from purposeclf.retrain._review import _closeness

from .conftest import TOY_LABELS, TOY_TEXTS, write_csv

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


# ----------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def keep_data():
    cb = load_codebook("keep")
    data = read_labelled(CORPUS / "keep.csv", codebook=cb)
    order = np.random.RandomState(0).permutation(len(data))
    return cb, [data.texts[i] for i in order], [data.labels[i] for i in order]


@pytest.fixture(scope="module")
def models(keep_data, tmp_path_factory):
    """Old model: 20 answers. New model: 400 other answers. Eval file: 300 more."""
    cb, texts, labels = keep_data
    root = tmp_path_factory.mktemp("retrain")
    paths = {}
    for name, sl in (("old", slice(0, 20)), ("new", slice(20, 420))):
        clf = PurposeClassifier(codebook=cb, cv=3, random_state=0)
        clf.fit(texts[sl], labels[sl])
        paths[name] = purposeclf.save(clf, root / f"{name}.pclf")
    rows = [
        [t, ";".join(labs)]
        for t, labs in zip(texts[420:720], labels[420:720], strict=True)
    ]
    paths["eval"] = write_csv(root / "eval.csv", ["text", "labels"], rows)
    paths["unlabelled"] = texts[720:1020]
    return paths


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write_rows(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


# --------------------------------------------------------------- comparison
def test_compare_says_better_when_new_model_is_clearly_better(models):
    result = compare_models(models["old"], models["new"], models["eval"], n_boot=500)
    lo, hi = result["ci"]
    assert result["verdict"] == "better"
    assert 0 < lo <= result["macro_f1_difference"] <= hi
    assert result["new"]["macro_f1"] > result["old"]["macro_f1"]
    assert result["n_samples"] == 300
    assert set(result["per_label"]) == set(load_codebook("keep").ids)
    change = result["per_label"]["digital_tools"]
    assert change["change"] == pytest.approx(change["new_f1"] - change["old_f1"])
    # same seed, same interval
    again = compare_models(models["old"], models["new"], models["eval"], n_boot=500)
    assert again["ci"] == result["ci"]
    text = format_comparison(result)
    assert "verdict    better (the whole 95% interval lies above 0)" in text
    assert "digital_tools" in text and "95% CI" in text


def test_compare_model_with_itself_is_no_clear_difference(models):
    result = compare_models(models["new"], models["new"], models["eval"], n_boot=200)
    assert result["macro_f1_difference"] == 0.0
    assert result["ci"] == [0.0, 0.0]
    assert result["verdict"] == "no clear difference"
    assert all(v["change"] == 0.0 for v in result["per_label"].values())


def test_compare_refuses_models_with_different_label_ids(models, tmp_path):
    clf = PurposeClassifier(threshold=0.5, min_df=1, random_state=0)
    clf.fit(TOY_TEXTS, TOY_LABELS)  # labels found: 3 of keep's 10
    toy = purposeclf.save(clf, tmp_path / "toy.pclf")
    with pytest.raises(
        DataError,
        match=r"different label ids.*only the old model.*community_connections",
    ):
        compare_models(models["new"], toy, models["eval"], n_boot=10)


def test_paired_bootstrap_verdict_worse_and_shape_check():
    T = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 10)
    assert paired_bootstrap(T, T, np.zeros_like(T), n_boot=100)["verdict"] == "worse"
    with pytest.raises(DataError, match="same shape"):
        paired_bootstrap(T, T[:5], T)
    with pytest.raises(ValueError, match="'n_boot' parameter of paired_bootstrap"):
        paired_bootstrap(T, T, T, n_boot=0)


# ---------------------------------------------------------------- selection
def test_select_for_review_distinct_deterministic_skips_empty_and_repeats(models):
    base = list(models["unlabelled"])
    texts = base + ["", "   ", None] + [f"  {t.upper()} " for t in base[:50]]
    picks = select_for_review(texts, models["new"], budget=25)
    assert len(picks) == 25
    assert len(set(picks)) == 25
    assert all(0 <= i < len(base) for i in picks)  # never an empty or a repeat
    keys = {" ".join(str(texts[i]).split()).lower() for i in picks}
    assert len(keys) == 25
    assert picks == select_for_review(texts, models["new"], budget=25)

    # the 25 distinct answers nearest the thresholds, summed over labels
    m = load_model(models["new"]).model
    proba = m.predict_proba(base)
    t = m.thresholds
    dist = np.where(proba >= t, (proba - t) / (1 - t), (t - proba) / t)
    doubt = (1 - dist).sum(axis=1)
    first = {}
    for i, text in enumerate(base):
        first.setdefault(" ".join(text.split()).lower(), i)
    rest = sorted(set(first.values()) - set(picks))
    assert doubt[picks].min() >= doubt[rest].max()
    assert list(doubt[picks]) == sorted(doubt[picks], reverse=True)


def test_doubt_adds_up_over_labels():
    """Two labels near their thresholds outweigh one label right at it."""
    t = np.array([0.5, 0.5, 0.2])
    close = _closeness(
        np.array([[0.45, 0.55, 0.0], [0.5, 0.0, 0.0], [1.0, 0.0, 0.6]]), t
    )
    np.testing.assert_allclose(
        close, [[0.9, 0.9, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.5]]
    )
    assert close.sum(axis=1).argmax() == 0
    # the scale is relative to how far each side of the threshold reaches
    np.testing.assert_allclose(
        _closeness(np.array([[0.1, 0.6]]), np.array([0.2, 0.2])), [[0.5, 0.5]]
    )


def test_select_for_review_pool_factor_is_deprecated(models):
    texts = models["unlabelled"][:30]
    with pytest.warns(FutureWarning, match="'pool_factor' parameter.*ignored"):
        picks = select_for_review(texts, models["new"], budget=5, pool_factor=2)
    assert picks == select_for_review(texts, models["new"], budget=5)


def test_select_for_review_returns_all_when_budget_exceeds_answers(models):
    texts = ["video consults", "VIDEO  consults", "", "the daily huddle", "free food"]
    picks = select_for_review(texts, models["new"], budget=10)
    assert sorted(picks) == [0, 3, 4]


def test_select_for_review_rejects_bad_budget(models):
    with pytest.raises(ValueError, match="'budget' parameter of select_for_review"):
        select_for_review(["a"], models["new"], budget=0)


# ------------------------------------------------------------- review files
def test_review_file_round_trip_and_edits(models, tmp_path):
    model = load_model(models["new"]).model
    ids = model.classes
    texts = models["unlabelled"][:40]
    header = ["id", "answer", "labels"]  # 'labels' clashes with an added column
    rows = [[f"r{i}", t, "old"] for i, t in enumerate(texts)]
    picks = select_for_review(texts, model, budget=6)
    path = write_review_file(
        tmp_path / "review.csv", header, rows, picks, model, text_column="answer"
    )
    out_header, out_rows = _read_rows(path)
    assert out_header == [
        "id",
        "answer",
        "labels (original)",
        "text",
        "labels",
        "reviewed",
        "confidence",
        *ids,
        GUESS_COLUMN,
    ]
    assert [r[0] for r in out_rows] == [f"r{i}" for i in picks]
    guesses = model.labels_from_decisions(
        model.decide(model.predict_proba([texts[i] for i in picks]))
    )
    for r, guess in zip(out_rows, guesses, strict=True):
        col = dict(zip(out_header, r, strict=True))
        assert col["labels"] == col[GUESS_COLUMN] == ";".join(guess)
        assert [col[c] for c in ids] == ["1" if c in guess else "0" for c in ids]
        assert 0.5 <= float(col["confidence"]) <= 1.0

    # nobody checked anything: unchecked guesses are never trained on
    with pytest.raises(DataError, match="no row is marked in the 'reviewed' column"):
        read_review_file(path, model.codebook)
    idx = {h: j for j, h in enumerate(out_header)}
    for r in out_rows:
        r[idx["reviewed"]] = "Y"
    out_rows[-1][idx["reviewed"]] = ""  # the last one was not checked
    marked = _write_rows(tmp_path / "marked.csv", out_header, out_rows)
    back_texts, back_labels = read_review_file(marked, model.codebook)
    assert back_texts == [texts[i] for i in picks][:-1]
    assert back_labels == guesses[:-1]
    out_rows[-1][idx["reviewed"]] = "x"

    # person edits: row 0 in the 0/1 columns, row 1 in the labels column,
    # row 2 in both (disagreeing: 0/1 columns win)
    r0, r1, r2 = out_rows[0], out_rows[1], out_rows[2]
    for c in ids:
        r0[idx[c]] = "0"
    r0[idx["community_connections"]] = "1"
    r1[idx["labels"]] = "Valued staff; digital_tools"  # ids or names
    for c in ids:
        r2[idx[c]] = ""
    r2[idx["great_teams"]] = "x"
    r2[idx["labels"]] = "basics_fixed"
    edited = _write_rows(tmp_path / "edited.csv", out_header, out_rows)
    _, labels2 = read_review_file(edited, "keep")
    assert labels2[0] == ("community_connections",)
    assert labels2[1] == ("valued_staff", "digital_tools")
    assert labels2[2] == ("great_teams",)
    assert labels2[3:] == guesses[3:]

    # either layout alone works: 0/1 columns deleted, or labels column deleted
    keep_cols = [j for j, h in enumerate(out_header) if h not in ids]
    only_labels = _write_rows(
        tmp_path / "only_labels.csv",
        [out_header[j] for j in keep_cols],
        [[r[j] for j in keep_cols] for r in out_rows],
    )
    assert read_review_file(only_labels, "keep")[1][1] == labels2[1]
    keep_cols = [
        j for j, h in enumerate(out_header) if h not in ("labels", GUESS_COLUMN)
    ]
    only_cols = _write_rows(
        tmp_path / "only_cols.csv",
        [out_header[j] for j in keep_cols],
        [[r[j] for j in keep_cols] for r in out_rows],
    )
    _, labels3 = read_review_file(only_cols, "keep")
    assert labels3[0] == ("community_connections",) and labels3[1] == guesses[1]

    # straight back into training
    clf = PurposeClassifier(codebook="keep", threshold=0.5, min_df=1, random_state=0)
    clf.fit(*read_review_file(edited, "keep"))
    assert clf.n_train_ == len(picks)


def test_read_review_file_errors(tmp_path):
    ids = load_codebook("keep").ids
    partial = write_csv(tmp_path / "p.csv", ["text", ids[0], ids[1]], [["a", "1", "0"]])
    with pytest.raises(DataError, match=r"0/1 columns for valued_staff, digital_tools"):
        read_review_file(partial, "keep")
    bad = write_csv(
        tmp_path / "b.csv",
        ["text", *ids],
        [["video consults", "maybe", *["0"] * (len(ids) - 1)]],
    )
    with pytest.raises(DataError, match=r"row 1: column 'valued_staff' holds 'maybe'"):
        read_review_file(bad, "keep")
    neither = write_csv(tmp_path / "n.csv", ["text", "notes"], [["a", "b"]])
    with pytest.raises(DataError, match="neither a 'labels' column"):
        read_review_file(neither, "keep")


def test_make_review_file_from_an_export(models, tmp_path):
    texts = models["unlabelled"][:60]
    src = write_csv(
        tmp_path / "wave.csv",
        ["id", "text"],
        [[str(i), t] for i, t in enumerate(texts)],
    )
    info = make_review_file(src, tmp_path / "out.csv", model=models["new"], budget=8)
    assert info["n_rows"] == 60 and info["n_selected"] == 8
    header, rows = _read_rows(tmp_path / "out.csv")
    assert header[:2] == ["id", "text"] and len(rows) == 8
    assert [int(r[0]) + 1 for r in rows] == info["rows"]


# -------------------------------------------------------------------- audit
def test_audit_finds_deliberately_flipped_labels():
    cb = load_codebook("purpose")
    data = read_labelled(CORPUS / "purpose.csv", codebook=cb)
    texts = data.texts[:600]
    Y, _ = _binarize(data.labels[:600], 600, cb)
    rng = np.random.RandomState(0)
    rows = rng.choice(600, 30, replace=False)
    cols = rng.randint(0, len(cb), 30)
    noisy = Y.copy()
    noisy[rows, cols] ^= 1
    labels = [tuple(c for c, y in zip(cb.ids, r, strict=True) if y) for r in noisy]

    # word features only: the same audit, about twice as fast as the full recipe
    ranking = audit(texts, labels, cb, folds=5, params={"char_ngrams": None})
    top = ranking[:60]
    flipped = {int(r) + 1: cb.ids[c] for r, c in zip(rows, cols, strict=True)}
    found = [e for e in top if e["row"] in flipped]
    assert len(found) >= 18, f"only {len(found)} of 30 flipped rows in the top 60"
    # the suggestion undoes most of the flips it finds
    undone = [e for e in found if set(e["suggested"]) == set(data.labels[e["row"] - 1])]
    assert len(undone) >= len(found) // 2
    scores = [e["score"] for e in ranking]
    assert scores == sorted(scores, reverse=True)
    e = ranking[0]
    assert e["text"] == texts[e["row"] - 1]
    assert e["given"] == labels[e["row"] - 1]
    assert set(e["add"]) | set(e["remove"]) == set(e["proba"])


# ----------------------------------------------------------------- simulate
def test_simulate_active_learning_reports_both_strategies(keep_data):
    cb, texts, labels = keep_data
    result = simulate_active_learning(
        texts[:300],
        labels[:300],
        cb,
        seed_size=40,
        budget=30,
        rounds=1,
        params={"cv": 3},
    )
    assert result["n_test"] == 90
    assert result["seed"]["n_train"] == 40
    for strategy in ("active", "random"):
        (last,) = result[strategy]
        assert last["n_train"] == 70
        assert 0.0 <= last["macro_f1"] <= 1.0
    assert result["macro_f1_gain"] == pytest.approx(
        result["active"][-1]["macro_f1"] - result["random"][-1]["macro_f1"]
    )
    with pytest.raises(DataError, match="needs seed_size"):
        simulate_active_learning(texts[:50], labels[:50], cb, seed_size=40, budget=30)


def test_audit_rows_are_the_spreadsheet_rows_of_the_file(tmp_path):
    """Blank and repeated rows before a mislabelled answer do not shift its row."""
    cb = load_codebook("purpose")
    with (CORPUS / "purpose.csv").open(newline="", encoding="utf-8") as fh:
        corpus = [[r["text"], r["labels"]] for r in csv.DictReader(fh)][:240]
    wrong = corpus[3]
    assert wrong[0].startswith("Extended access. 6.30-8pm weekdays and Saturday")
    assert wrong[1] == "extended_hours"
    lines = [
        ["text", "labels"],  # row 1 in a spreadsheet
        *corpus[:3],  # rows 2-4
        ["", "integrator"],  # row 5: an empty answer, skipped
        corpus[0],  # row 6: a repeat, kept by audit (drop_duplicates=False)
        [],  # row 7: a blank line
        [wrong[0], "upstream_prevention"],  # row 8: mislabelled
        *corpus[4:],
    ]
    path = write_csv(tmp_path / "coded.csv", lines[0], lines[1:])
    data = read_labelled(path, codebook=cb, drop_duplicates=False)
    assert data.rows[:5] == [2, 3, 4, 6, 8]
    assert len(data.rows) == len(data.texts) == len(corpus) + 1

    ranking = audit(
        data.texts, data.labels, cb, rows=data.rows, params={"char_ngrams": None}
    )
    (entry,) = [e for e in ranking if e["text"] == wrong[0]]
    assert entry["row"] == 8
    assert "extended_hours" in entry["add"] and entry["remove"] == (
        "upstream_prevention",
    )
    # every reported row holds that answer when the file is opened as a sheet
    with path.open(newline="", encoding="utf-8") as fh:
        sheet = list(csv.reader(fh))
    for e in ranking:
        assert sheet[e["row"] - 1][0] == e["text"]

    with pytest.raises(DataError, match="row numbers"):
        audit(data.texts, data.labels, cb, rows=data.rows[:-1])


def test_review_file_rows_skip_empty_answers(models, tmp_path):
    model = load_model(models["new"]).model
    texts = models["unlabelled"][:10]
    path = write_review_file(
        tmp_path / "review.csv",
        ["text"],
        [[t] for t in texts],
        [0, 1, 2],
        model,
    )
    header, rows = _read_rows(path)
    for r in rows:
        r[header.index("reviewed")] = "yes"
    rows.insert(1, [""] * len(header))  # an emptied row between the answers
    edited = _write_rows(tmp_path / "edited.csv", header, rows)
    data = read_labelled(edited, codebook=model.codebook)
    assert data.texts == texts[:3]
    assert data.rows == [2, 4, 5]
