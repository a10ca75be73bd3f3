"""Prediction with a fitted linear multi-label model, using numpy and scipy only.

Kept apart from the scikit-learn estimator so that scoring files never has to
import scikit-learn (which costs seconds of start-up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._features import TextFeaturizer
from .codebook import Codebook

__all__ = ["LinearMultilabel", "confidence"]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def confidence(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """How sure the decisions of each row are (0.5 = a coin flip, 1 = sure).

    The smallest per-label distance from the threshold, scaled so that a
    probability at the threshold gives 0.5 and at 0 or 1 gives 1.
    """
    t = thresholds
    dist = np.where(
        proba >= t,
        (proba - t) / np.maximum(1 - t, 1e-9),
        (t - proba) / np.maximum(t, 1e-9),
    )
    return 0.5 + 0.5 * dist.min(axis=1)


@dataclass
class LinearMultilabel:
    """The fitted parts of a model: features, weights, thresholds and codebook."""

    featurizer: TextFeaturizer
    coef: np.ndarray  # (k, n_features) float32
    intercept: np.ndarray  # (k,) float64
    thresholds: np.ndarray  # (k,) float64
    codebook: Codebook

    @property
    def classes(self) -> tuple[str, ...]:
        return self.codebook.ids

    def predict_proba(self, texts: Sequence[object]) -> np.ndarray:
        """Probability of each label for each text, shape (n, k).

        An answer with no usable words (empty, whitespace, punctuation only)
        gets probability 0 for every label.
        """
        X = self.featurizer.transform(texts)
        z = np.asarray(X @ self.coef.T, dtype=np.float64) + self.intercept
        proba = _sigmoid(z)
        empty = np.diff(X.indptr) == 0
        if empty.any():
            proba[empty] = 0.0
        return proba

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Boolean (n, k) decisions from probabilities and per-label thresholds."""
        return proba >= self.thresholds

    def labels_from_decisions(self, decisions: np.ndarray) -> list[tuple[str, ...]]:
        classes = self.classes
        return [tuple(classes[j] for j in np.flatnonzero(row)) for row in decisions]
