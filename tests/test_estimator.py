from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from purposeclf import PurposeClassifier, UnknownLabelError, load, save

from .conftest import TOY_LABELS, TOY_TEXTS

FAST = {"min_df": 1, "threshold": 0.5, "C": 20.0, "random_state": 0}


def test_get_params_and_clone_round_trip():
    clf = PurposeClassifier(C=3.0, char_ngrams=None, threshold=0.4, random_state=7)
    params = clf.get_params()
    assert (
        params["C"] == 3.0
        and params["char_ngrams"] is None
        and params["threshold"] == 0.4
    )
    twin = clone(clf)
    assert twin.get_params() == params
    twin.set_params(C=1.0)
    assert twin.C == 1.0 and clf.C == 3.0


def test_init_stores_parameters_unchecked_and_fit_rejects_them():
    clf = PurposeClassifier(threshold=1.5)  # stored as given
    assert clf.threshold == 1.5
    with pytest.raises(
        ValueError,
        match=r"The 'threshold' parameter of PurposeClassifier must be .*\(0, 1\)\. "
        r"Got 1\.5 instead\.",
    ):
        clf.fit(TOY_TEXTS, TOY_LABELS)
    with pytest.raises(ValueError, match="'min_df' parameter"):
        PurposeClassifier(min_df=0).fit(TOY_TEXTS, TOY_LABELS)


def test_fit_returns_self_and_sets_fitted_attributes():
    clf = PurposeClassifier(**FAST)
    assert clf.fit(TOY_TEXTS, TOY_LABELS) is clf
    assert clf.classes_ == ("digital_tools", "great_teams", "valued_staff")
    assert clf.coef_.shape == (3, clf.n_features_)
    assert clf.thresholds_.shape == (3,)
    assert not hasattr(PurposeClassifier(), "classes_")


def test_predict_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        PurposeClassifier().predict(["anything"])


def test_overfit_save_load_multilabel(tmp_path):
    clf = PurposeClassifier(codebook="keep", **FAST).fit(TOY_TEXTS, TOY_LABELS)
    expected = [tuple(sorted(labs, key=clf.classes_.index)) for labs in TOY_LABELS]
    assert clf.predict_labels(TOY_TEXTS) == expected
    assert clf.predict_proba(TOY_TEXTS).shape == (len(TOY_TEXTS), 10)
    path = save(clf, tmp_path / "m.pclf")
    again = load(path)
    assert again.predict_labels(TOY_TEXTS) == expected
    np.testing.assert_array_equal(again.predict(TOY_TEXTS), clf.predict(TOY_TEXTS))
    np.testing.assert_array_equal(
        again.predict_proba(TOY_TEXTS), clf.predict_proba(TOY_TEXTS)
    )
    # batched and one-by-one scoring agree
    one_by_one = [again.predict_labels([t])[0] for t in TOY_TEXTS]
    assert one_by_one == expected


def test_empty_and_missing_answers_get_no_label():
    clf = PurposeClassifier(**FAST).fit(TOY_TEXTS, TOY_LABELS)
    out = clf.predict_labels(["", "   ", None, float("nan"), "!!!"])
    assert out == [(), (), (), (), ()]
    assert not clf.predict(["", None]).any()
    assert np.all(clf.predict_proba([""]) == 0)


def test_deterministic_under_random_state():
    a = PurposeClassifier(min_df=1, cv=2, random_state=3).fit(
        TOY_TEXTS * 2, TOY_LABELS * 2
    )
    b = PurposeClassifier(min_df=1, cv=2, random_state=3).fit(
        TOY_TEXTS * 2, TOY_LABELS * 2
    )
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.thresholds_, b.thresholds_)


def test_cv_thresholds_are_tuned_per_label():
    clf = PurposeClassifier(min_df=1, cv=2, random_state=0).fit(
        TOY_TEXTS * 3, TOY_LABELS * 3
    )
    assert clf.oof_metrics_ is not None
    assert np.all((clf.thresholds_ > 0) & (clf.thresholds_ < 1))
    assert clf.predict_labels(["video consults", "team huddle"]) == [
        ("digital_tools",),
        ("great_teams",),
    ]


def test_unknown_label_with_codebook_names_the_row():
    labels = [list(x) for x in TOY_LABELS]
    labels[2] = ["great_teems"]
    with pytest.raises(UnknownLabelError, match=r"'great_teems' in row 3"):
        PurposeClassifier(codebook="keep", **FAST).fit(TOY_TEXTS, labels)


def test_indicator_matrix_targets_match_label_lists():
    from purposeclf.codebook import load_codebook

    cb = load_codebook("keep")
    Y = np.zeros((len(TOY_TEXTS), len(cb)), dtype=int)
    for i, labs in enumerate(TOY_LABELS):
        for lab in labs:
            Y[i, cb.ids.index(lab)] = 1
    a = PurposeClassifier(codebook="keep", **FAST).fit(TOY_TEXTS, Y)
    b = PurposeClassifier(codebook="keep", **FAST).fit(TOY_TEXTS, TOY_LABELS)
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_works_inside_a_sklearn_pipeline_and_grid_search():
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    pipe = Pipeline([("clf", PurposeClassifier(**FAST))])
    pipe.fit(TOY_TEXTS, TOY_LABELS)
    assert pipe.predict(["video consults"]).tolist() == [[1, 0, 0]]
    assert pipe.named_steps["clf"].predict_labels(["video consults"]) == [
        ("digital_tools",)
    ]
    grid = GridSearchCV(
        PurposeClassifier(**FAST), {"C": [1.0, 20.0]}, cv=2, error_score="raise"
    )
    grid.fit(TOY_TEXTS * 2, TOY_LABELS * 2)
    assert grid.best_params_["C"] in (1.0, 20.0)


def _corpus_sample(n: int = 240):
    import csv
    from pathlib import Path

    from purposeclf.codebook import load_codebook

    path = Path(__file__).parents[1] / "corpus" / "keep.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:n]
    cb = load_codebook("keep")
    Y = np.array(
        [[int(c in r["labels"].split(";")) for c in cb.ids] for r in rows], dtype=int
    )
    return [r["text"] for r in rows], Y


def test_indicator_targets_work_with_sklearn_scoring_and_search():
    from sklearn.model_selection import GridSearchCV, cross_val_score

    texts, Y = _corpus_sample()
    clf = PurposeClassifier(codebook="keep", threshold=0.4, random_state=0)
    scores = cross_val_score(clf, texts, Y, cv=3, scoring="f1_macro")
    assert np.isfinite(scores).all() and (scores > 0.2).all()
    grid = GridSearchCV(clf, {"C": [4.0, 8.0]}, cv=3, scoring="f1_macro")
    grid.fit(texts, Y)
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.best_estimator_.predict(texts[:5]).shape == (5, 10)


def test_predict_is_the_indicator_matrix_of_predict_labels():
    texts, Y = _corpus_sample(120)
    clf = PurposeClassifier(codebook="keep", threshold=0.5, random_state=0).fit(
        texts, Y
    )
    P = clf.predict(texts)
    assert P.shape == Y.shape and set(np.unique(P)) <= {0, 1}
    for row, labs in zip(P, clf.predict_labels(texts), strict=True):
        assert tuple(c for c, v in zip(clf.classes_, row, strict=True) if v) == labs
    assert 0.0 <= clf.score(texts, Y) <= 1.0
