"""The F1 family for multi-label coding: per label, macro, micro, samples, no label.

One definition of F1 for the whole library: ``2 tp / (2 tp + fp + fn)``, and 0
for a label with no true and no predicted answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._agreement import cohen_kappa

__all__ = [
    "f1_from_counts",
    "micro_f1_from_counts",
    "f1_summary",
    "multilabel_report",
    "summary_figures",
]


def f1_from_counts(tp: Any, fp: Any, fn: Any) -> np.ndarray:
    """F1 from true positive, false positive and false negative counts.

    Works elementwise on arrays of any shape; 0 where there is nothing to count.

    Parameters
    ----------
    tp, fp, fn : array-like
        True positive, false positive and false negative counts.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> f1_from_counts(np.array([3.0, 0.0]), np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    array([0.75, 0.  ])
    """
    tp, fp, fn = (np.asarray(a, dtype=np.float64) for a in (tp, fp, fn))
    denom = 2 * tp + fp + fn
    return np.divide(2 * tp, denom, out=np.zeros_like(denom), where=denom > 0)


def micro_f1_from_counts(tp: Any, fp: Any, fn: Any) -> np.ndarray:
    """Micro F1: the counts summed over the last axis (the labels) first.

    Parameters
    ----------
    tp, fp, fn : array-like of shape (..., k)
        Counts per label.

    Returns
    -------
    ndarray of shape (...)
    """
    tp, fp, fn = (np.asarray(a, dtype=np.float64).sum(axis=-1) for a in (tp, fp, fn))
    return f1_from_counts(tp, fp, fn)


def _counts(Y_true: Any, Y_pred: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    T = np.asarray(Y_true).astype(bool)
    P = np.asarray(Y_pred).astype(bool)
    return (
        (T & P).sum(axis=0).astype(np.float64),
        (~T & P).sum(axis=0).astype(np.float64),
        (T & ~P).sum(axis=0).astype(np.float64),
    )


def f1_summary(Y_true: Any, Y_pred: Any) -> dict[str, float]:
    """Macro and micro F1 of two (n, k) 0/1 matrices.

    Parameters
    ----------
    Y_true, Y_pred : array-like of shape (n, k)
        True and predicted 0/1 labels.

    Returns
    -------
    dict
        ``macro_f1`` and ``micro_f1``.

    Examples
    --------
    >>> f1_summary(np.array([[1, 0], [0, 1]]), np.array([[1, 0], [0, 0]]))
    {'macro_f1': 0.5, 'micro_f1': 0.6666666666666666}
    """
    tp, fp, fn = _counts(Y_true, Y_pred)
    return {
        "macro_f1": float(f1_from_counts(tp, fp, fn).mean()),
        "micro_f1": float(micro_f1_from_counts(tp, fp, fn)),
    }


def _mean_defined(values: list[float | None]) -> float | None:
    v = [x for x in values if x is not None]
    return float(np.mean(v)) if v else None


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, float(f1_from_counts(tp, fp, fn))


def multilabel_report(
    Y_true: np.ndarray,
    Y_pred: np.ndarray,
    classes: Sequence[str],
    proba: np.ndarray | None = None,
) -> dict[str, Any]:
    """Per-label and overall metrics of multi-label predictions.

    Parameters
    ----------
    Y_true, Y_pred : ndarray of shape (n, k)
        0/1 indicator matrices.
    classes : sequence of str
        Label ids of the k columns.
    proba : ndarray of shape (n, k), default=None
        Probabilities, for the Brier score and expected calibration error.

    Returns
    -------
    dict
        ``per_label`` (precision, recall, f1, support and Cohen's kappa of the
        predictions against the labels, per label; kappa ``None`` where it is
        undefined), ``macro_f1``, ``macro_kappa``,
        ``micro_f1``, ``samples_f1``, ``exact_match``, ``hamming_loss``,
        ``no_label`` (precision, recall, f1 of recognising answers with no label)
        and, with ``proba``, ``brier`` and ``ece``.

    Examples
    --------
    >>> import numpy as np
    >>> r = multilabel_report(np.array([[1, 0], [0, 1], [0, 0]]),
    ...                       np.array([[1, 0], [0, 0], [0, 0]]), ["a", "b"])
    >>> r["per_label"]["a"]["f1"], r["per_label"]["b"]["recall"], r["exact_match"]
    (1.0, 0.0, 0.6666666666666666)
    """
    T = np.asarray(Y_true).astype(bool)
    P = np.asarray(Y_pred).astype(bool)
    n, k = T.shape
    per: dict[str, dict[str, Any]] = {}
    tps = fps = fns = 0.0
    f1s = []
    for j, c in enumerate(classes):
        tp = float((T[:, j] & P[:, j]).sum())
        fp = float((~T[:, j] & P[:, j]).sum())
        fn = float((T[:, j] & ~P[:, j]).sum())
        p, r, f = _prf(tp, fp, fn)
        kappa = cohen_kappa(T[:, j], P[:, j])
        per[c] = {
            "precision": p,
            "recall": r,
            "f1": f,
            "support": int(T[:, j].sum()),
            "kappa": None if math.isnan(kappa) else kappa,
        }
        tps, fps, fns = tps + tp, fps + fp, fns + fn
        f1s.append(f)
    _, _, micro = _prf(tps, fps, fns)
    inter = (T & P).sum(axis=1)
    sizes = T.sum(axis=1) + P.sum(axis=1)
    samples = np.where(sizes == 0, 1.0, 2 * inter / np.maximum(sizes, 1))
    tn_none, pn_none = ~T.any(axis=1), ~P.any(axis=1)
    np_, nr, nf = _prf(
        float((tn_none & pn_none).sum()),
        float((~tn_none & pn_none).sum()),
        float((tn_none & ~pn_none).sum()),
    )
    out: dict[str, Any] = {
        "n_samples": int(n),
        "per_label": per,
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "macro_kappa": _mean_defined([m["kappa"] for m in per.values()]),
        "micro_f1": micro,
        "samples_f1": float(samples.mean()) if n else 0.0,
        "exact_match": float((T == P).all(axis=1).mean()) if n else 0.0,
        "hamming_loss": float((T != P).mean()) if n else 0.0,
        "no_label": {
            "precision": np_,
            "recall": nr,
            "f1": nf,
            "support": int(tn_none.sum()),
        },
    }
    if proba is not None:
        pr = np.asarray(proba, dtype=float)
        out["brier"] = float(((pr - T) ** 2).mean())
        out["ece"] = _ece(pr.ravel(), T.ravel())
    return out


def summary_figures(report: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of a :func:`multilabel_report`, for model cards and tables.

    Parameters
    ----------
    report : dict
        A :func:`multilabel_report`.

    Returns
    -------
    dict
        Macro, micro and samples F1, exact match, no-label F1 and per-label F1.
    """
    return {
        "macro_f1": report["macro_f1"],
        "micro_f1": report["micro_f1"],
        "samples_f1": report["samples_f1"],
        "exact_match": report["exact_match"],
        "no_label_f1": report["no_label"]["f1"],
        "per_label_f1": {c: m["f1"] for c, m in report["per_label"].items()},
    }


def _ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over all (answer, label) probabilities."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() / len(p) * abs(p[m].mean() - y[m].mean())
    return float(total)
