"""The one rule that splits answers into folds (threshold tuning, CV, audit)."""

from __future__ import annotations

import numpy as np

__all__ = ["fold_indices"]


def fold_indices(
    n: int, folds: int, random_state: int | None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(train, validation)`` index arrays of a seeded k-fold split of ``n`` items.

    The items are shuffled with ``numpy.random.RandomState(random_state)``;
    fold ``f`` validates on every ``folds``-th item of the shuffled order from
    position ``f``, and trains on the rest (sorted).

    Parameters
    ----------
    n : int
        Number of items.
    folds : int
        Number of folds.
    random_state : int or None
        Seed of the shuffle.

    Returns
    -------
    list of (ndarray, ndarray)

    Examples
    --------
    >>> [(tr.tolist(), va.tolist()) for tr, va in fold_indices(5, 2, 0)]
    [([0, 3], [2, 1, 4]), ([1, 2, 4], [0, 3])]
    """
    order = np.random.RandomState(random_state).permutation(n)
    out = []
    for f in range(folds):
        val = order[f::folds]
        out.append((np.setdiff1d(order, val), val))
    return out
