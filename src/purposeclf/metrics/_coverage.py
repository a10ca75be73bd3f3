"""How many answers can be coded automatically at a given precision."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["coverage_curve"]


def coverage_curve(
    Y_true: np.ndarray,
    Y_pred: np.ndarray,
    conf: np.ndarray,
    *,
    target_precision: float | None = None,
    steps: int = 10,
) -> dict[str, Any]:
    """How many answers can be coded automatically at a given precision.

    Answers are taken from the most to the least confident. For each share of
    answers (the coverage) this gives the micro precision and recall of the
    automatic codes on those answers, counting "no label" as a code of its own,
    so an answer correctly left uncoded counts as a correct decision.

    Parameters
    ----------
    Y_true, Y_pred : ndarray of shape (n, k)
        True and predicted 0/1 label matrices.
    conf : ndarray of shape (n,)
        Confidence of each answer's decisions (see :func:`purposeclf.model.confidence`).
    target_precision : float, default=None
        Also report the largest coverage whose precision reaches this value.

    Returns
    -------
    dict
        ``curve``: a list of ``{coverage, precision, recall, min_confidence}``;
        with a target, ``at_target`` with the same fields (``None`` when no
        coverage reaches it).

    Examples
    --------
    >>> import numpy as np
    >>> T = np.array([[1, 0], [0, 1], [0, 0], [1, 0]])
    >>> P = np.array([[1, 0], [0, 1], [0, 0], [0, 1]])
    >>> c = coverage_curve(T, P, np.array([0.9, 0.8, 0.7, 0.55]), target_precision=0.99)
    >>> c["at_target"]["coverage"], c["at_target"]["min_confidence"]
    (0.75, 0.7)
    """
    T = np.asarray(Y_true).astype(bool)
    P = np.asarray(Y_pred).astype(bool)
    # "no label" as one more code
    T = np.column_stack([T, ~T.any(axis=1)])
    P = np.column_stack([P, ~P.any(axis=1)])
    order = np.argsort(-np.asarray(conf), kind="stable")
    tp = np.cumsum((T & P)[order].sum(axis=1))
    fp = np.cumsum((~T & P)[order].sum(axis=1))
    fn = np.cumsum((T & ~P)[order].sum(axis=1))
    n = len(order)
    conf_sorted = np.asarray(conf)[order]

    def point(m: int) -> dict[str, float]:
        i = m - 1
        return {
            "coverage": m / n,
            "precision": float(tp[i] / max(tp[i] + fp[i], 1)),
            "recall": float(tp[i] / max(tp[i] + fn[i], 1)),
            "min_confidence": float(conf_sorted[i]),
        }

    out: dict[str, Any] = {
        "curve": [point(max(1, round(n * s / steps))) for s in range(1, steps + 1)]
        if n
        else []
    }
    if target_precision is not None:
        prec = tp / np.maximum(tp + fp, 1)
        ok = np.flatnonzero(prec >= target_precision)
        out["target_precision"] = target_precision
        out["at_target"] = point(int(ok.max()) + 1) if len(ok) else None
    return out
