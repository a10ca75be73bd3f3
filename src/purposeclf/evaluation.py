"""Metrics for multi-label coding, and evaluation of models on labelled files."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "multilabel_report",
    "summary_figures",
    "coverage_curve",
    "cross_validate",
    "evaluate_file",
    "format_report",
]


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


def summary_figures(report: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of a :func:`multilabel_report`, for model cards and tables."""
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
        Confidence of each answer's decisions (see :func:`purposeclf._linear.confidence`).
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
        "curve": [point(max(1, round(n * s / steps))) for s in range(1, steps + 1)] if n else []
    }
    if target_precision is not None:
        prec = tp / np.maximum(tp + fp, 1)
        ok = np.flatnonzero(prec >= target_precision)
        out["target_precision"] = target_precision
        out["at_target"] = point(int(ok.max()) + 1) if len(ok) else None
    return out


def cross_validate(
    texts: list[str],
    labels: list[tuple[str, ...]],
    codebook: Any,
    *,
    folds: int = 5,
    random_state: int = 0,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """K-fold cross-validation of the PurposeClassifier recipe.

    Each fold trains a fresh model (thresholds tuned inside the training fold)
    and predicts the held-out answers.

    Parameters
    ----------
    texts : list of str
        The answers.
    labels : list of tuple of str
        Label ids of each answer (empty tuple: no label).
    codebook : Codebook or str
        The scheme the labels come from.
    folds : int, default=5
        Number of folds (a seeded random split).
    random_state : int, default=0
        Seed of the fold split and of the models.
    params : dict, default=None
        Parameters passed to each :class:`~purposeclf.PurposeClassifier`.

    Returns
    -------
    dict
        The :func:`multilabel_report` over all out-of-fold predictions, with
        ``Y``, ``proba``, ``pred`` and ``confidence`` arrays under ``"_arrays"``.
    """
    from ._estimator import PurposeClassifier, _binarize
    from ._linear import confidence

    Y, cb = _binarize(labels, len(texts), codebook)
    n = len(texts)
    if folds < 2 or folds > n:
        raise ValueError(f"cv must be between 2 and the number of answers ({n}); got {folds}.")
    order = np.random.RandomState(random_state).permutation(n)
    proba = np.zeros(Y.shape)
    pred = np.zeros(Y.shape, dtype=bool)
    conf = np.zeros(n)
    for f in range(folds):
        val = order[f::folds]
        train = np.setdiff1d(order, val)
        clf = PurposeClassifier(codebook=cb, random_state=random_state, **(params or {}))
        clf.fit([texts[i] for i in train], Y[train])
        p = clf.predict_proba([texts[i] for i in val])
        proba[val] = p
        pred[val] = p >= clf.thresholds_
        conf[val] = confidence(p, clf.thresholds_)
    report = multilabel_report(Y, pred, cb.ids, proba)
    report["_arrays"] = {"Y": Y, "proba": proba, "pred": pred, "confidence": conf}
    return report


def evaluate_file(
    data: str | os.PathLike[str],
    *,
    model: str | os.PathLike[str] = "keep",
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
    target_precision: float | None = None,
    cv: int | None = None,
    codebook: Any = None,
) -> dict[str, Any]:
    """Evaluate a model, or cross-validate the training recipe, on a labelled file.

    Parameters
    ----------
    data : str or Path
        CSV with a text column and a labels column (ids joined by ``;``).
    model : str or Path, default="keep"
        A bundled scheme name or a model file (ignored with ``cv``).
    target_precision : float, default=None
        Add the coverage curve and the share of answers that can be coded
        automatically at this precision (see :func:`coverage_curve`).
    cv : int, default=None
        Instead of evaluating a finished model, cross-validate the training
        recipe with this many folds on ``data`` (for your own scheme).
    codebook : str, Path or Codebook, default=None
        With ``cv``: the codebook to validate labels against (default: a
        built-in scheme whose labels cover the data, else the labels found).

    Returns
    -------
    dict
        The :func:`multilabel_report`, plus ``model`` (or ``cv``), ``data`` and,
        with a target, ``coverage``.
    """
    from ._data import read_labelled
    from ._linear import confidence
    from .codebook import load_codebook

    if cv is not None:
        from .training import _matching_builtin

        cb = load_codebook(codebook) if codebook is not None else None
        data_ = read_labelled(data, codebook=cb, text_column=text_column,
                              labels_column=labels_column, encoding=encoding)
        cb = cb or _matching_builtin(data_.codebook.ids) or data_.codebook
        report = cross_validate(data_.texts, list(data_.labels), cb, folds=cv)
        arrays = report.pop("_arrays")
        T, P, conf = arrays["Y"], arrays["pred"], arrays["confidence"]
        report["cv"] = cv
    else:
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
        T = data_.indicator(m.classes)
        proba = m.predict_proba(data_.texts)
        P = m.decide(proba)
        conf = confidence(proba, m.thresholds)
        report = multilabel_report(T, P, m.classes, proba)
        report["model"] = bundle.name
    report["data"] = str(data)
    if target_precision is not None:
        report["coverage"] = coverage_curve(T, P, conf, target_precision=target_precision)
    return report


def format_report(report: dict[str, Any]) -> str:
    """A readable table of a :func:`multilabel_report`.

    Parameters
    ----------
    report : dict
        The result of :func:`multilabel_report` (or of :func:`evaluate_file`).

    Returns
    -------
    str
        Per-label precision, recall, F1 and support, then the overall figures.
    """
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
    if "cv" in report:
        lines.append(f"{report['cv']}-fold cross-validation of the training recipe")
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
    cov = report.get("coverage")
    if cov:
        lines.append("")
        lines.append("coverage  precision  recall  min confidence")
        for pt in cov["curve"]:
            lines.append(
                f"{pt['coverage']:8.0%}  {pt['precision']:9.3f}  {pt['recall']:6.3f}"
                f"  {pt['min_confidence']:.3f}"
            )
        at = cov.get("at_target")
        tp = cov["target_precision"]
        if at:
            lines.append(
                f"At precision >= {tp:.2f}: {at['coverage']:.1%} of answers can be coded "
                f"automatically (precision {at['precision']:.3f}, recall {at['recall']:.3f}); "
                f"send the rest to people with: purposeclf score --review-below "
                f"{at['min_confidence']:.3f}"
            )
        else:
            lines.append(f"No share of answers reaches precision {tp:.2f}.")
    return "\n".join(lines)
