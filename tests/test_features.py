"""The feature map and the chunk-remembering scorer agree with each other."""

from __future__ import annotations

import numpy as np
import pytest

from purposeclf import PurposeClassifier
from purposeclf.model import TextFeaturizer
from purposeclf.model._predictor import _sigmoid

from .conftest import TOY_LABELS, TOY_TEXTS

ODD_TEXTS = [
    "",
    "   ",
    "!!! ???",
    "the the the huddle huddle",
    "Video video VIDEO consults, consults; consults",
    "kept the video consults for patients",
    "n/a",
    "GP's nurse-led clinics & the DN team (community) were great",
    "zzzz qqqq xxxx",
    "video\nconsults\tand huddles",
    "ünïcödé café naïve résumé 🙂",
]


def _matrix_proba(model, texts):
    X = model.featurizer.transform(texts)
    z = np.asarray(X @ model.coef.T, dtype=np.float64) + model.intercept
    proba = _sigmoid(z)
    proba[np.diff(X.indptr) == 0] = 0.0
    return proba


@pytest.fixture(scope="module")
def toy_model():
    clf = PurposeClassifier(
        codebook="keep", min_df=1, threshold=0.5, C=20.0, random_state=0
    )
    return clf.fit(TOY_TEXTS * 3, TOY_LABELS * 3)._compiled()


def test_chunk_scores_equal_the_feature_matrix(toy_model):
    texts = TOY_TEXTS + ODD_TEXTS
    fast = toy_model.predict_proba(texts)
    assert toy_model.featurizer.weighting == "additive"
    np.testing.assert_allclose(fast, _matrix_proba(toy_model, texts), atol=1e-5)
    # Empty and punctuation-only answers have no features: probability 0.
    assert (fast[len(TOY_TEXTS) : len(TOY_TEXTS) + 3] == 0).all()
    assert (fast[len(TOY_TEXTS) + 3 :] > 0).any()


def test_repeated_terms_count_every_occurrence(toy_model):
    once, thrice = toy_model.predict_proba(["video huddle", "video video video huddle"])
    assert not np.allclose(once, thrice)
    np.testing.assert_allclose(
        toy_model.predict_proba(["video video video huddle"]),
        _matrix_proba(toy_model, ["video video video huddle"]),
        atol=1e-5,
    )


def test_scores_do_not_depend_on_batching_or_memory(toy_model):
    texts = TOY_TEXTS + ODD_TEXTS
    together = toy_model.predict_proba(texts)
    one_by_one = np.vstack([toy_model.predict_proba([t]) for t in texts])
    np.testing.assert_array_equal(together, one_by_one)
    # Emptying the featurizer's chunk store (as happens every 200k chunks)
    # must invalidate the remembered chunk scores, not reuse them for new ids.
    toy_model.featurizer._reset_chunk_store()
    reversed_ = toy_model.predict_proba(texts[::-1])[::-1]
    np.testing.assert_allclose(reversed_, together, atol=1e-12)


def test_earlier_weighting_still_scores_through_the_matrix():
    feat = TextFeaturizer(min_df=1, weighting="sublinear_l2").fit(TOY_TEXTS)
    X = feat.transform(["video video consults"])
    # 1 + log(2) for the repeated term before normalisation: not all equal
    assert len(set(np.round(X.data, 6))) > 1
    config = feat.get_config()
    del config["weighting"]  # as in files written before the option existed
    again = TextFeaturizer.from_arrays(config, feat.to_arrays())
    assert again.weighting == "sublinear_l2"
    assert (again.transform(["video video consults"]) != X).nnz == 0


def test_unknown_weighting_is_rejected():
    with pytest.raises(ValueError, match="weighting must be one of"):
        TextFeaturizer(weighting="bm25")


def test_the_estimator_passes_its_weighting_and_load_reports_it(tmp_path):
    import purposeclf

    clf = PurposeClassifier(
        codebook="keep",
        min_df=1,
        threshold=0.5,
        weighting="sublinear_l2",
        random_state=0,
    ).fit(TOY_TEXTS * 2, TOY_LABELS * 2)
    assert clf.vectorizer_.weighting == "sublinear_l2"
    back = purposeclf.load(purposeclf.save(clf, tmp_path / "m.pclf"))
    assert back.get_params()["weighting"] == "sublinear_l2"
    np.testing.assert_allclose(
        back.predict_proba(TOY_TEXTS), clf.predict_proba(TOY_TEXTS)
    )
    with pytest.raises(ValueError, match="'weighting' parameter of PurposeClassifier"):
        PurposeClassifier(weighting="bm25").fit(TOY_TEXTS, TOY_LABELS)
