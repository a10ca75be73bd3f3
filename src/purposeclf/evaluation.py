"""Metrics for multi-label coding, and evaluation of models on labelled files."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["multilabel_report", "evaluate_file", "format_report"]


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


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
        ``per_label`` (precision, recall, f1, support per label), ``macro_f1``,
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
    per: dict[str, dict[str, float]] = {}
    tps = fps = fns = 0.0
    f1s = []
    for j, c in enumerate(classes):
        tp = float((T[:, j] & P[:, j]).sum())
        fp = float((~T[:, j] & P[:, j]).sum())
        fn = float((T[:, j] & ~P[:, j]).sum())
        p, r, f = _prf(tp, fp, fn)
        per[c] = {"precision": p, "recall": r, "f1": f, "support": int(T[:, j].sum())}
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


def evaluate_file(
    data: str | os.PathLike[str],
    *,
    model: str | os.PathLike[str] = "keep",
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
) -> dict[str, Any]:
    """Evaluate a model on a labelled CSV file.

    Parameters
    ----------
    data : str or Path
        CSV with a text column and a labels column (ids joined by ``;``).
    model : str or Path, default="keep"
        A bundled scheme name or a model file.

    Returns
    -------
    dict
        The :func:`multilabel_report` of the model on the file, plus ``model``
        and ``data`` entries naming what was evaluated.
    """
    from ._data import read_labelled
    from ._persist import load_model

    bundle = load_model(model)
    m = bundle.model
    data_ = read_labelled(
        data,
        codebook=m.codebook,
        text_column=text_column,
        labels_column=labels_column,
        encoding=encoding,
        drop_duplicates=False,
    )
    index = {c: j for j, c in enumerate(m.classes)}
    T = np.zeros((len(data_), len(index)), dtype=np.int8)
    for i, labs in enumerate(data_.labels):
        for lab in labs:
            T[i, index[lab]] = 1
    proba = m.predict_proba(data_.texts)
    report = multilabel_report(T, m.decide(proba), m.classes, proba)
    report["model"] = bundle.name
    report["data"] = str(data)
    return report


def format_report(report: dict[str, Any]) -> str:
    """A readable table of a :func:`multilabel_report`."""
    per = report["per_label"]
    width = max([len("label")] + [len(c) for c in per])
    lines = [f"{'label':<{width}}  precision  recall     f1  support"]
    for c, m in per.items():
        lines.append(
            f"{c:<{width}}  {m['precision']:9.3f}  {m['recall']:6.3f}  {m['f1']:5.3f}  {m['support']:7d}"
        )
    nl = report["no_label"]
    lines.append(
        f"{'(no label)':<{width}}  {nl['precision']:9.3f}  {nl['recall']:6.3f}  {nl['f1']:5.3f}  {nl['support']:7d}"
    )
    lines.append("")
    lines.append(f"answers        {report['n_samples']}")
    for key in (
        "macro_f1",
        "micro_f1",
        "samples_f1",
        "exact_match",
        "hamming_loss",
        "brier",
        "ece",
    ):
        if key in report:
            lines.append(f"{key:<14} {report[key]:.3f}")
    return "\n".join(lines)
