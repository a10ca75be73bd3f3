"""Evaluating models on labelled answers, and cross-validating the training recipe."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .codebook import Codebook, load_codebook
from .exceptions import ParameterError
from .labelled import indicator_matrix, read_labelled
from .metrics import coverage_curve, fold_indices, multilabel_report
from .model import as_predictor, confidence

__all__ = ["cross_validate", "evaluate_file", "format_report"]


def cross_validate(
    texts: list[str],
    labels: Any,
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
    from .model import PurposeClassifier

    cb_in = (
        codebook
        if codebook is None or isinstance(codebook, Codebook)
        else load_codebook(codebook)
    )
    Y, cb = indicator_matrix(labels, len(texts), cb_in)
    n = len(texts)
    if folds < 2 or folds > n:
        raise ParameterError(
            f"The 'folds' parameter of cross_validate must be an int in [2, {n}] "
            f"(the number of answers). Got {folds!r} instead."
        )
    proba = np.zeros(Y.shape)
    pred = np.zeros(Y.shape, dtype=bool)
    conf = np.zeros(n)
    for train, val in fold_indices(n, folds, random_state):
        clf = PurposeClassifier(
            codebook=cb, random_state=random_state, **(params or {})
        )
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
    model: str | os.PathLike[str] | Any = "keep",
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
    on_conflict: str = "error",
    target_precision: float | None = None,
    cv: int | None = None,
    codebook: Any = None,
) -> dict[str, Any]:
    """Evaluate a model, or cross-validate the training recipe, on a labelled file.

    Parameters
    ----------
    data : str or Path
        CSV with a text column and a labels column (ids joined by ``;``).
    model : str, Path or a loaded model, default="keep"
        A bundled model name, a model file, or a model loaded or fitted in
        Python (ignored with ``cv``).
    target_precision : float, default=None
        Add the coverage curve and the share of answers that can be coded
        automatically at this precision (see :func:`coverage_curve`).
    cv : int, default=None
        Instead of evaluating a finished model, cross-validate the training
        recipe with this many folds on ``data`` (for your own scheme).
    codebook : str, Path or Codebook, default=None
        With ``cv``: the codebook to validate labels against (default: a
        built-in scheme whose labels cover the data, else the labels found).
    on_conflict : {"error", "majority", "union", "drop"}, default="error"
        What to do with an answer that appears with different labels (see
        :func:`purposeclf.labelled.read_labelled`).

    Returns
    -------
    dict
        The :func:`multilabel_report`, plus ``model`` (or ``cv``), ``data`` and,
        with a target, ``coverage``.
    """
    if cv is not None:
        cb = load_codebook(codebook) if codebook is not None else None
        data_ = read_labelled(
            data,
            codebook=cb,
            text_column=text_column,
            labels_column=labels_column,
            encoding=encoding,
            on_conflict=on_conflict,
        )
        cb = cb or data_.codebook
        report = cross_validate(data_.texts, list(data_.labels), cb, folds=cv)
        arrays = report.pop("_arrays")
        T, P, conf = arrays["Y"], arrays["pred"], arrays["confidence"]
        report["cv"] = cv
    else:
        m, name = as_predictor(model)
        data_ = read_labelled(
            data,
            codebook=m.codebook,
            text_column=text_column,
            labels_column=labels_column,
            encoding=encoding,
            on_conflict=on_conflict,
            drop_duplicates=False,
        )
        T = data_.indicator(m.classes)
        proba = m.predict_proba(data_.texts)
        P = m.decide(proba)
        conf = confidence(proba, m.thresholds)
        report = multilabel_report(T, P, m.classes, proba)
        report["model"] = name
    report["data"] = str(data)
    if target_precision is not None:
        report["coverage"] = coverage_curve(
            T, P, conf, target_precision=target_precision
        )
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
        Per-label precision, recall, F1, support and kappa (the model against
        the labels, to set beside the coders' own agreement), then the overall
        figures.
    """
    per = report["per_label"]
    width = max([len("label")] + [len(c) for c in per])
    lines = [f"{'label':<{width}}  precision  recall     f1  support  kappa"]
    for c, m in per.items():
        kappa = m.get("kappa")
        lines.append(
            f"{c:<{width}}  {m['precision']:9.3f}  {m['recall']:6.3f}  {m['f1']:5.3f} "
            f" {m['support']:7d}  " + ("    -" if kappa is None else f"{kappa:5.3f}")
        )
    nl = report["no_label"]
    lines.append(
        f"{'(no label)':<{width}}  {nl['precision']:9.3f}  {nl['recall']:6.3f}  "
        f"{nl['f1']:5.3f}  {nl['support']:7d}"
    )
    lines.append("")
    if "cv" in report:
        lines.append(f"{report['cv']}-fold cross-validation of the training recipe")
    lines.append(f"answers        {report['n_samples']}")
    for key in (
        "macro_f1",
        "macro_kappa",
        "micro_f1",
        "samples_f1",
        "exact_match",
        "hamming_loss",
        "brier",
        "ece",
    ):
        if report.get(key) is not None:
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
                f"At precision >= {tp:.2f}: {at['coverage']:.1%} of answers can be "
                "coded "
                f"automatically (precision {at['precision']:.3f}, recall "
                f"{at['recall']:.3f}); "
                f"send the rest to people with: purposeclf score --review-below "
                f"{at['min_confidence']:.3f}"
            )
        else:
            lines.append(f"No share of answers reaches precision {tp:.2f}.")
    return "\n".join(lines)
