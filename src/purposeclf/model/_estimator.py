"""The scikit-learn compatible multi-label text classifier."""

from __future__ import annotations

import logging
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ..codebook import Codebook, load_codebook
from ..exceptions import DataError
from ..labelled import indicator_matrix, training_data_sha256
from ..metrics import confusion_counts, f1_from_counts, f1_summary, fold_indices
from ..text import as_text
from ..validation import Interval, Options, check_params, ngram_range
from ._features import TextFeaturizer
from ._predictor import LinearMultilabel

__all__ = ["PurposeClassifier"]

logger = logging.getLogger(__name__)

_THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


class PurposeClassifier(BaseEstimator):
    """Multi-label classifier for free-text survey answers.

    TF-IDF over spaCy lemma uni- and bigrams and in-word character n-grams, one
    logistic regression per label, and a decision threshold per label tuned on
    out-of-fold predictions so that each label's F1 is as high as the training
    data allows.

    Parameters
    ----------
    codebook : str, Codebook or None, default=None
        The label scheme: a built-in scheme name (``"keep"``, ``"purpose"``), a
        path to a codebook file, or a :class:`~purposeclf.codebook.Codebook`.
        ``None`` takes the labels found in the training data.
    C : float, default=8.0
        Inverse regularisation strength of each logistic regression.
    class_weight : {"balanced", None}, default="balanced"
        Reweight positives of rare labels.
    word_ngrams : tuple of int, default=(1, 2)
        Lemma n-gram range.
    char_ngrams : tuple of int or None, default=(3, 5)
        In-word character n-gram range; ``None`` turns character features off.
    char_weight : float, default=1.0
        Weight of the character block relative to the word block.
    min_df : int, default=2
        Minimum number of training answers a feature must occur in.
    weighting : {"additive", "sublinear_l2"}, default="additive"
        Term weighting. ``"additive"``: every occurrence of a term adds its idf,
        so scoring can sum remembered per-chunk scores (fast on large files);
        ``"sublinear_l2"``: ``1 + log(tf)`` per term and exact L2 norms (the
        weighting of the first bundled models). Both measured within 0.005
        macro-F1 of each other on the corpus (see benchmarks/RESULTS.md).
    threshold : "cv" or float, default="cv"
        ``"cv"`` tunes one threshold per label on out-of-fold predictions; a
        float in (0, 1) uses that threshold for every label.
    cv : int, default=5
        Number of folds for threshold tuning.
    random_state : int or None, default=None
        Seed for the folds and the solver. Same seed and data, same model.

    Attributes
    ----------
    classes_ : tuple of str
        Label ids, in the column order of :meth:`predict_proba`.
    codebook_ : Codebook
        The codebook the model predicts.
    vectorizer_ : TextFeaturizer
        The fitted feature extractor.
    coef_ : ndarray of shape (n_labels, n_features)
        Weights of each label's logistic regression.
    intercept_ : ndarray of shape (n_labels,)
        Intercepts.
    thresholds_ : ndarray of shape (n_labels,)
        Decision threshold of each label.
    n_features_ : int
        Number of TF-IDF features.
    n_train_ : int
        Number of training answers.
    label_counts_ : dict
        Positive training answers per label.
    oof_metrics_ : dict or None
        Macro and micro F1 of the out-of-fold predictions used to tune the
        thresholds (``None`` when ``threshold`` is a number).
    oof_confusion_ : dict or None
        True/false positives and negatives of those predictions per label,
        camp and "no label" (:func:`purposeclf.metrics.confusion_counts`):
        the error rates that correct counted shares.

    Examples
    --------
    >>> from purposeclf import PurposeClassifier
    >>> texts = ["kept the video consults", "daily huddle with the team",
    ...          "video clinics for patients", "team huddles every morning",
    ...          "n/a", "nothing"]
    >>> labels = [["digital_tools"], ["great_teams"], ["digital_tools"],
    ...           ["great_teams"], [], []]
    >>> clf = PurposeClassifier(threshold=0.5, min_df=1, random_state=0)
    >>> clf = clf.fit(texts, labels)
    >>> clf.classes_
    ('digital_tools', 'great_teams')
    >>> clf.predict(["video consults", "the huddle"])
    array([[1, 0],
           [0, 1]])
    >>> clf.predict_labels(["video consults", "the huddle"])
    [('digital_tools',), ('great_teams',)]
    """

    _parameter_constraints: dict[str, list[Any]] = {
        "codebook": [None, str, Codebook],
        "C": [Interval(numbers.Real, 0, None, closed="neither")],
        "class_weight": [Options("balanced", None)],
        "word_ngrams": [ngram_range],
        "char_ngrams": [None, ngram_range],
        "char_weight": [Interval(numbers.Real, 0, None, closed="neither")],
        "min_df": [Interval(numbers.Integral, 1, None)],
        "weighting": [Options(*TextFeaturizer.WEIGHTINGS)],
        "threshold": [Options("cv"), Interval(numbers.Real, 0, 1, closed="neither")],
        "cv": [Interval(numbers.Integral, 2, None)],
        "random_state": [None, Interval(numbers.Integral, 0, 2**32 - 1)],
    }

    def __init__(
        self,
        *,
        codebook: str | Codebook | None = None,
        C: float = 8.0,
        class_weight: str | None = "balanced",
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] | None = (3, 5),
        char_weight: float = 1.0,
        min_df: int = 2,
        weighting: str = "additive",
        threshold: str | float = "cv",
        cv: int = 5,
        random_state: int | None = None,
    ) -> None:
        self.codebook = codebook
        self.C = C
        self.class_weight = class_weight
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.char_weight = char_weight
        self.min_df = min_df
        self.weighting = weighting
        self.threshold = threshold
        self.cv = cv
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def _check_params(self) -> None:
        check_params(
            type(self).__name__,
            self.get_params(deep=False),
            self._parameter_constraints,
        )

    def fit(self, X: Sequence[object], y: Any) -> PurposeClassifier:
        """Fit the model.

        Parameters
        ----------
        X : sequence of str
            Answers. ``None`` or NaN count as empty answers.
        y : sequence of sequences of str, or array of shape (n, k)
            The label ids of each answer (an empty sequence for no label), or a
            0/1 indicator matrix whose columns follow the codebook's label order.

        Returns
        -------
        self : PurposeClassifier
        """
        self._check_params()
        texts = [as_text(t) for t in X]
        codebook = load_codebook(self.codebook) if self.codebook is not None else None
        Y, codebook = indicator_matrix(y, len(texts), codebook)
        n, k = Y.shape
        if n < 2:
            raise DataError(
                f"PurposeClassifier needs at least 2 training answers; got {n}."
            )
        logger.info("fitting %d labels on %d answers", k, n)

        final = self._fit_core(texts, Y)
        if self.threshold == "cv":
            oof = self._oof_proba(texts, Y)
            thresholds = np.array(
                [_best_threshold(Y[:, j], oof[:, j]) for j in range(k)],
                dtype=np.float64,
            )
            pred = oof >= thresholds
            self.oof_metrics_: dict[str, float] | None = f1_summary(Y, pred)
            self.oof_confusion_: dict[str, dict[str, int]] | None = confusion_counts(
                Y, pred, codebook
            )
        else:
            thresholds = np.full(k, float(self.threshold))
            self.oof_metrics_ = None
            self.oof_confusion_ = None

        featurizer, coef, intercept = final
        self.codebook_ = codebook
        self.classes_ = codebook.ids
        self.vectorizer_ = featurizer
        self.coef_ = coef
        self.intercept_ = intercept
        self.thresholds_ = thresholds
        self.n_features_ = featurizer.n_features_
        self.n_train_ = n
        self.label_counts_ = {
            c: int(v) for c, v in zip(codebook.ids, Y.sum(axis=0), strict=False)
        }
        self.training_data_sha256_ = training_data_sha256(texts, Y, codebook.ids)
        return self

    def _fit_core(
        self, texts: Sequence[str], Y: np.ndarray
    ) -> tuple[TextFeaturizer, np.ndarray, np.ndarray]:
        from sklearn.linear_model import LogisticRegression

        featurizer = TextFeaturizer(
            word_ngrams=tuple(self.word_ngrams),  # type: ignore[arg-type]
            char_ngrams=tuple(self.char_ngrams) if self.char_ngrams else None,  # type: ignore[arg-type]
            min_df=self.min_df,
            char_weight=self.char_weight,
            weighting=self.weighting,
        ).fit(texts)
        Xm = featurizer.transform(texts)
        k = Y.shape[1]
        coef = np.zeros((k, Xm.shape[1]), dtype=np.float32)
        intercept = np.zeros(k, dtype=np.float64)
        for j in range(k):
            yj = Y[:, j]
            pos = int(yj.sum())
            if pos == 0 or pos == len(yj):
                # Nothing to learn: a constant answer.
                intercept[j] = -12.0 if pos == 0 else 12.0
                continue
            lr = LogisticRegression(
                C=self.C,
                class_weight=self.class_weight,
                solver="liblinear",
                max_iter=1000,
                random_state=self.random_state,
            )
            lr.fit(Xm, yj)
            coef[j] = lr.coef_[0]
            intercept[j] = lr.intercept_[0]
        return featurizer, coef, intercept

    def _oof_proba(self, texts: Sequence[str], Y: np.ndarray) -> np.ndarray:
        oof = np.zeros(Y.shape, dtype=np.float64)
        for train, val in fold_indices(
            len(texts), min(self.cv, len(texts)), self.random_state
        ):
            feat, coef, intercept = self._fit_core([texts[i] for i in train], Y[train])
            part = LinearMultilabel(
                feat,
                coef,
                intercept,
                np.full(Y.shape[1], 0.5),
                Codebook.from_labels([f"l{j}" for j in range(Y.shape[1])]),
            )
            oof[val] = part.predict_proba([texts[i] for i in val])
        return oof

    # -------------------------------------------------------------- predict
    def _compiled(self) -> LinearMultilabel:
        check_is_fitted(self, "coef_")
        return LinearMultilabel(
            self.vectorizer_,
            self.coef_,
            self.intercept_,
            self.thresholds_,
            self.codebook_,
        )

    def predict_proba(self, X: Sequence[object]) -> np.ndarray:
        """Probability of each label, shape (n_texts, n_labels), ``classes_`` order."""
        return self._compiled().predict_proba(list(X))

    def predict(self, X: Sequence[object]) -> np.ndarray:
        """The multi-label indicator matrix of the decided labels.

        Parameters
        ----------
        X : sequence of str
            Answers.

        Returns
        -------
        ndarray of int64, shape (n_texts, n_labels)
            1 where a label applies, columns in ``classes_`` order, as
            scikit-learn's multi-label estimators return; a row of zeros
            means no label. :meth:`predict_labels` gives the label ids.
        """
        model = self._compiled()
        return model.decide(model.predict_proba(list(X))).astype(np.int64)

    def predict_labels(self, X: Sequence[object]) -> list[tuple[str, ...]]:
        """The label ids decided for each text; an empty tuple means no label."""
        model = self._compiled()
        return model.labels_from_decisions(model.decide(model.predict_proba(list(X))))

    def score(self, X: Sequence[object], y: Any) -> float:
        """Micro-averaged F1 of the predictions against ``y``.

        This is what :class:`~sklearn.model_selection.GridSearchCV` and
        ``cross_val_score`` optimise when no ``scoring`` is given. (A
        scikit-learn classifier's default, subset accuracy, counts an answer
        right only when all its labels are, which says little when most
        answers carry one or two of ten labels.)

        Parameters
        ----------
        X : sequence of str
            Answers.
        y : sequence of sequences of str, or array of shape (n, k)
            Their true labels, as for :meth:`fit`.

        Returns
        -------
        float
            Micro F1 over all (answer, label) decisions, in [0, 1].
        """
        Y, _ = indicator_matrix(y, len(X), self.codebook_)
        return f1_summary(Y, self.predict(X))["micro_f1"]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.multi_output = True
        return tags


def _best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """Threshold maximising F1 on out-of-fold probabilities (smoothed over the grid)."""
    pos = int(y.sum())
    if pos == 0:
        return 0.5
    pred = p[:, None] >= _THRESHOLD_GRID[None, :]
    tp = (pred & (y[:, None] == 1)).sum(axis=0)
    fp = (pred & (y[:, None] == 0)).sum(axis=0)
    f1 = f1_from_counts(tp, fp, pos - tp)
    smooth = np.convolve(np.pad(f1, 2, mode="edge"), np.ones(5) / 5, mode="valid")
    best = np.flatnonzero(smooth >= smooth.max() - 1e-9)
    return float(_THRESHOLD_GRID[int(best[len(best) // 2])])
