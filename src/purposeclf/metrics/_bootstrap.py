"""Paired bootstrap of the difference between two sets of predictions."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..exceptions import DataError
from ..validation import Interval, check_params
from ._f1 import f1_from_counts

__all__ = ["paired_bootstrap", "verdict"]


def verdict(low: float, high: float) -> str:
    """``"better"``, ``"worse"`` or ``"no clear difference"`` from an interval of
    the difference new - old.

    Parameters
    ----------
    low, high : float
        The interval.

    Returns
    -------
    str
    """
    if low > 0:
        return "better"
    if high < 0:
        return "worse"
    return "no clear difference"


# ------------------------------------------------------------- comparison
def paired_bootstrap(
    Y_true: np.ndarray,
    P_old: np.ndarray,
    P_new: np.ndarray,
    *,
    n_boot: int = 1000,
    random_state: int | None = 0,
) -> dict[str, Any]:
    """Paired bootstrap of the macro-F1 difference between two sets of predictions.

    Each of ``n_boot`` resamples draws the answers with replacement (the same
    draw for both models, so the comparison is paired) and computes the macro
    F1 of each model on it; the 2.5th and 97.5th percentiles of the differences
    ``new - old`` give a 95% confidence interval.

    Parameters
    ----------
    Y_true : ndarray of shape (n, k)
        True 0/1 labels.
    P_old, P_new : ndarray of shape (n, k)
        0/1 decisions of the old and the new model, columns in the same order.
    n_boot : int, default=1000
        Number of bootstrap resamples.
    random_state : int or None, default=0
        Seed of ``numpy.random.RandomState`` drawing the resamples.

    Returns
    -------
    dict
        ``difference`` (macro F1 new - old on all answers), ``ci`` (the 95%
        interval as ``[low, high]``), ``share_new_better`` (share of resamples
        where the new model's macro F1 is higher), ``n_boot`` and ``verdict``:
        ``"better"`` when the interval lies above 0, ``"worse"`` when below,
        else ``"no clear difference"``.

    Examples
    --------
    >>> import numpy as np
    >>> T = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 10)
    >>> r = paired_bootstrap(T, T, T, n_boot=200)
    >>> r["difference"], r["ci"], r["verdict"]
    (0.0, [0.0, 0.0], 'no clear difference')
    >>> worse = np.zeros_like(T)
    >>> paired_bootstrap(T, worse, T, n_boot=200)["verdict"]
    'better'
    """
    check_params(
        "paired_bootstrap",
        {"n_boot": n_boot, "random_state": random_state},
        {
            "n_boot": [Interval(numbers.Integral, 1, None)],
            "random_state": [None, Interval(numbers.Integral, 0, 2**32 - 1)],
        },
    )
    T = np.asarray(Y_true).astype(bool)
    Po = np.asarray(P_old).astype(bool)
    Pn = np.asarray(P_new).astype(bool)
    if not (T.shape == Po.shape == Pn.shape) or T.ndim != 2:
        raise DataError(
            f"Y_true, P_old and P_new must be 0/1 matrices of the same shape (n, k); "
            f"got {T.shape}, {Po.shape} and {Pn.shape}."
        )
    n = T.shape[0]
    if n == 0:
        raise DataError("There are no answers to compare the models on.")
    mats = {
        name: [c.astype(np.float64) for c in (T & P, ~T & P, T & ~P)]
        for name, P in (("old", Po), ("new", Pn))
    }

    def macro(name: str, W: np.ndarray | None) -> np.ndarray:
        tp, fp, fn = mats[name]
        if W is None:
            return f1_from_counts(tp.sum(0), fp.sum(0), fn.sum(0)).mean(axis=-1)
        return f1_from_counts(W @ tp, W @ fp, W @ fn).mean(axis=-1)

    difference = float(macro("new", None) - macro("old", None))
    rng = np.random.RandomState(random_state)
    diffs = np.empty(n_boot, dtype=np.float64)
    batch = max(1, min(n_boot, 2_000_000 // n))
    for start in range(0, n_boot, batch):
        b = min(batch, n_boot - start)
        idx = rng.randint(0, n, size=(b, n))
        offset = (idx + (np.arange(b, dtype=np.int64) * n)[:, None]).ravel()
        W = np.bincount(offset, minlength=b * n).reshape(b, n).astype(np.float64)
        diffs[start : start + b] = macro("new", W) - macro("old", W)
    lo, hi = (float(v) for v in np.percentile(diffs, [2.5, 97.5]))
    return {
        "difference": difference,
        "ci": [lo, hi],
        "ci_level": 0.95,
        "share_new_better": float((diffs > 0).mean()),
        "n_boot": int(n_boot),
        "verdict": verdict(lo, hi),
    }
