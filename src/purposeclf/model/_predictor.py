"""Prediction with a fitted linear multi-label model, using numpy and scipy only.

Kept apart from the scikit-learn estimator so that scoring files never has to
import scikit-learn (which costs seconds of start-up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..codebook import Codebook
from ._features import TextFeaturizer

__all__ = ["LinearMultilabel", "confidence", "threshold_distance"]


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

    Parameters
    ----------
    proba : ndarray of shape (n, k)
        Probabilities.
    thresholds : ndarray of shape (k,)
        Each label's decision threshold.

    Returns
    -------
    ndarray of shape (n,)
    """
    return 0.5 + 0.5 * threshold_distance(proba, thresholds).min(axis=1)


def threshold_distance(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Each probability's distance from its label's threshold, scaled to [0, 1].

    0 at the threshold, 1 at probability 0 or 1: the distance is divided by
    how far the probability could go on that side of the threshold.

    Parameters
    ----------
    proba : ndarray of shape (n, k)
        Probabilities.
    thresholds : ndarray of shape (k,)
        Each label's decision threshold.

    Returns
    -------
    ndarray of shape (n, k)
    """
    t = thresholds
    return np.where(
        proba >= t,
        (proba - t) / np.maximum(1 - t, 1e-9),
        (t - proba) / np.maximum(t, 1e-9),
    )


@dataclass
class LinearMultilabel:
    """The fitted parts of a model: features, weights, thresholds and codebook."""

    featurizer: TextFeaturizer
    coef: np.ndarray  # (k, n_features) float32
    intercept: np.ndarray  # (k,) float64
    thresholds: np.ndarray  # (k,) float64
    codebook: Codebook
    _cache: _ChunkScores | None = field(default=None, init=False, repr=False)

    @property
    def classes(self) -> tuple[str, ...]:
        return self.codebook.ids

    def predict_proba(self, texts: Sequence[object]) -> np.ndarray:
        """Probability of each label for each text, shape (n, k).

        An answer with no usable words (empty, whitespace, punctuation only)
        gets probability 0 for every label.
        """
        if self.featurizer.weighting == "additive":
            z, n_found = self._additive_scores(texts)
            empty = n_found == 0
        else:
            X = self.featurizer.transform(texts)
            z = np.asarray(X @ self.coef.T, dtype=np.float64) + self.intercept
            empty = np.diff(X.indptr) == 0
        proba = _sigmoid(z)
        if empty.any():
            proba[empty] = 0.0
        return proba

    def _additive_scores(
        self, texts: Sequence[object]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Linear scores without building the feature matrix.

        With the additive weighting, an answer's score in each block is the
        sum of its chunks' weighted scores over the square root of the sum of
        their squared weights; both sums are remembered per distinct chunk.
        Equal (to rounding) to ``featurizer.transform(texts) @ coef.T``.
        """
        feat = self.featurizer
        C, n_chunks = feat.chunk_batch(texts)
        cache = self._cache
        if cache is None or cache.generation != feat.chunk_generation:
            cache = self._cache = _ChunkScores(self, feat.chunk_generation)
        cache.extend_to(feat.n_chunks_)
        n = len(n_chunks)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(n_chunks, out=indptr[1:])
        per_doc = sp.csr_matrix(
            (np.ones(len(C)), np.arange(len(C)), indptr), shape=(n, len(C))
        )
        # columns: word score (k), char score (k), word sq, char sq, n features
        sums = per_doc @ cache.table[C]
        k = self.coef.shape[0]
        chunk_doc = np.repeat(np.arange(n, dtype=np.int64), n_chunks)
        _, _, bdoc, bfeat = feat.bigrams(C, chunk_doc)
        if len(bdoc):
            bptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(bdoc, minlength=n), out=bptr[1:])
            per_doc_b = sp.csr_matrix(
                (np.ones(len(bdoc)), np.arange(len(bdoc)), bptr), shape=(n, len(bdoc))
            )
            sums[:, :k] += per_doc_b @ cache.word_w[bfeat]
            w2 = cache.word_sq[bfeat]
            sums[:, 2 * k] += np.bincount(bdoc, weights=w2, minlength=n)
            sums[:, 2 * k + 2] += np.bincount(bdoc, minlength=n)
        word_norm = np.sqrt(sums[:, 2 * k])
        char_norm = np.sqrt(sums[:, 2 * k + 1]) / feat.char_weight
        word_norm[word_norm == 0] = 1.0
        char_norm[char_norm == 0] = 1.0
        z = sums[:, :k] / word_norm[:, None] + sums[:, k : 2 * k] / char_norm[:, None]
        z += self.intercept
        return z, sums[:, 2 * k + 2]

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Boolean (n, k) decisions from probabilities and per-label thresholds."""
        return proba >= self.thresholds

    def labels_from_decisions(self, decisions: np.ndarray) -> list[tuple[str, ...]]:
        """The label ids of each row of a decision matrix (empty: no label)."""
        classes = self.classes
        return [tuple(classes[j] for j in np.flatnonzero(row)) for row in decisions]


class _ChunkScores:
    """Per-chunk rows ``[word score (k), char score (k), word sq, char sq, n]``.

    Row ``c`` holds, for chunk id ``c`` of the featurizer's store, the sums over
    the chunk's known unigrams and character n-grams of ``idf * coef`` and of
    ``idf ** 2``, and how many features it has. Rows are computed in batches for
    the chunks added since the last call.
    """

    def __init__(self, model: LinearMultilabel, generation: int) -> None:
        feat = model.featurizer
        n_w = feat.n_word_features_
        coef = np.asarray(model.coef, dtype=np.float64)
        self.k = coef.shape[0]
        self.generation = generation
        self.word_w = coef[:, :n_w].T * feat.word_idf_.astype(np.float64)[:, None]
        self.word_sq = feat.word_idf_.astype(np.float64) ** 2
        self.char_w = coef[:, n_w:].T * feat.char_idf_.astype(np.float64)[:, None]
        self.char_sq = feat.char_idf_.astype(np.float64) ** 2
        self._feat = feat
        self._buf = np.zeros((1024, 2 * self.k + 3))
        self._n = 0

    @property
    def table(self) -> np.ndarray:
        return self._buf[: self._n]

    def extend_to(self, n_chunks: int) -> None:
        first = self._n
        if n_chunks <= first:
            return
        m = n_chunks - first
        U, uc, G, gc = self._feat.chunk_items(first, n_chunks)
        k = self.k
        rows = np.zeros((m, 2 * k + 3))
        if len(U):
            pu = sp.csr_matrix(
                (np.ones(len(U)), (uc, np.arange(len(U)))), shape=(m, len(U))
            )
            rows[:, :k] = pu @ self.word_w[U]
            rows[:, 2 * k] = np.bincount(uc, weights=self.word_sq[U], minlength=m)
            rows[:, 2 * k + 2] += np.bincount(uc, minlength=m)
        if len(G):
            pg = sp.csr_matrix(
                (np.ones(len(G)), (gc, np.arange(len(G)))), shape=(m, len(G))
            )
            rows[:, k : 2 * k] = pg @ self.char_w[G]
            rows[:, 2 * k + 1] = np.bincount(gc, weights=self.char_sq[G], minlength=m)
            rows[:, 2 * k + 2] += np.bincount(gc, minlength=m)
        if n_chunks > len(self._buf):
            grown = np.zeros((max(n_chunks, 2 * len(self._buf)), rows.shape[1]))
            grown[:first] = self._buf[:first]
            self._buf = grown
        self._buf[first:n_chunks] = rows
        self._n = n_chunks
