"""Is a retrained model better? Both models on the same answers, paired bootstrap."""

from __future__ import annotations

import logging
import os
from typing import Any

import numpy as np

from ..exceptions import DataError
from ..labelled import read_labelled
from ..metrics import f1_from_counts, micro_f1_from_counts, paired_bootstrap
from ..model import as_predictor

__all__ = ["compare_models", "format_comparison"]

logger = logging.getLogger("purposeclf.retrain")


def compare_models(
    old: str | os.PathLike[str] | Any,
    new: str | os.PathLike[str] | Any,
    data: str | os.PathLike[str],
    *,
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
    on_conflict: str = "error",
    n_boot: int = 1000,
    random_state: int | None = 0,
) -> dict[str, Any]:
    """Evaluate two models on the same labelled answers and say which is better.

    Parameters
    ----------
    old, new : str or Path
        Bundled model names (``"keep"``, ``"keep.v1"``) or model files; a loaded
        model or a fitted :class:`~purposeclf.PurposeClassifier` also works.
    data : str or Path
        Labelled CSV (text column, labels column of ids joined by ``;``) that
        neither model was trained on.
    text_column, labels_column : str
        Column names in ``data``.
    encoding : str, default=None
        Encoding of ``data`` (detected when not given).
    n_boot : int, default=1000
        Bootstrap resamples for the confidence interval (see
        :func:`paired_bootstrap`).
    random_state : int or None, default=0
        Seed of the resampling.
    on_conflict : {"error", "majority", "union", "drop"}, default="error"
        What to do with an answer that appears with different labels (see
        :func:`purposeclf.labelled.read_labelled`).

    Returns
    -------
    dict
        ``old`` and ``new`` (``model``, ``macro_f1``, ``micro_f1``),
        ``macro_f1_difference`` (new - old), ``micro_f1_difference``, ``ci``
        (95% paired bootstrap interval of the macro-F1 difference),
        ``share_new_better``, ``verdict`` (``"better"`` if the interval lies
        above 0, ``"worse"`` if below, else ``"no clear difference"``),
        ``per_label`` (``old_f1``, ``new_f1``, ``change``, ``support`` per label
        id), ``n_samples``, ``n_boot`` and ``data``.

    Raises
    ------
    DataError
        The models predict different label ids (the message names them), or
        ``data`` cannot be used.
    UnknownLabelError
        ``data`` uses a label id the models do not know.
    """
    m_old, name_old = as_predictor(old)
    m_new, name_new = as_predictor(new)
    if name_old == name_new:
        name_old, name_new = f"{name_old} (old)", f"{name_new} (new)"
    ids_old, ids_new = m_old.classes, m_new.classes
    if set(ids_old) != set(ids_new):
        only_old = [c for c in ids_old if c not in set(ids_new)]
        only_new = [c for c in ids_new if c not in set(ids_old)]
        parts = []
        if only_old:
            parts.append(f"only the old model ({name_old}) has {', '.join(only_old)}")
        if only_new:
            parts.append(f"only the new model ({name_new}) has {', '.join(only_new)}")
        raise DataError(
            "The two models predict different label ids, so their F1 scores cannot "
            f"be compared: {'; '.join(parts)}. Compare models of the same scheme, or "
            "retrain the new model with the old model's codebook (codebook=...)."
        )
    labelled = read_labelled(
        data,
        codebook=m_old.codebook,
        text_column=text_column,
        labels_column=labels_column,
        encoding=encoding,
        on_conflict=on_conflict,
        drop_duplicates=False,
    )
    T = labelled.indicator(ids_old).astype(bool)
    P_old = m_old.decide(m_old.predict_proba(labelled.texts))
    order = [ids_new.index(c) for c in ids_old]  # new model's columns, old order
    P_new = m_new.decide(m_new.predict_proba(labelled.texts))[:, order]

    def summary(P: np.ndarray) -> tuple[np.ndarray, float]:
        tp = (T & P).sum(0).astype(float)
        fp = (~T & P).sum(0).astype(float)
        fn = (T & ~P).sum(0).astype(float)
        return f1_from_counts(tp, fp, fn), float(micro_f1_from_counts(tp, fp, fn))

    f1_old, micro_old = summary(P_old)
    f1_new, micro_new = summary(P_new)
    boot = paired_bootstrap(T, P_old, P_new, n_boot=n_boot, random_state=random_state)
    logger.info(
        "compared %s and %s on %d answers: macro F1 %+.3f (95%% CI %+.3f to %+.3f)",
        name_old,
        name_new,
        len(T),
        boot["difference"],
        *boot["ci"],
    )
    support = T.sum(0)
    return {
        "old": {
            "model": name_old,
            "macro_f1": float(f1_old.mean()),
            "micro_f1": micro_old,
        },
        "new": {
            "model": name_new,
            "macro_f1": float(f1_new.mean()),
            "micro_f1": micro_new,
        },
        "macro_f1_difference": boot["difference"],
        "micro_f1_difference": micro_new - micro_old,
        "ci": boot["ci"],
        "ci_level": boot["ci_level"],
        "share_new_better": boot["share_new_better"],
        "verdict": boot["verdict"],
        "per_label": {
            c: {
                "old_f1": float(f1_old[j]),
                "new_f1": float(f1_new[j]),
                "change": float(f1_new[j] - f1_old[j]),
                "support": int(support[j]),
            }
            for j, c in enumerate(ids_old)
        },
        "n_samples": len(T),
        "n_boot": boot["n_boot"],
        "data": str(data),
    }


_VERDICT_TEXT = {
    "better": "the whole 95% interval lies above 0",
    "worse": "the whole 95% interval lies below 0",
    "no clear difference": "the 95% interval includes 0: these answers cannot tell "
    "the models apart",
}


def format_comparison(result: dict[str, Any]) -> str:
    """A readable table of a :func:`compare_models` result.

    Parameters
    ----------
    result : dict
        What :func:`compare_models` returned.

    Returns
    -------
    str
        Per-label F1 of both models and its change, then the overall figures,
        the confidence interval and the verdict.

    Examples
    --------
    >>> result = {
    ...     "old": {"model": "keep.v1", "macro_f1": 0.61, "micro_f1": 0.66},
    ...     "new": {"model": "keep.v2", "macro_f1": 0.70, "micro_f1": 0.72},
    ...     "macro_f1_difference": 0.09, "micro_f1_difference": 0.06,
    ...     "ci": [0.05, 0.13], "verdict": "better", "n_samples": 300,
    ...     "n_boot": 1000, "data": "wave3.csv",
    ...     "per_label": {"digital_tools": {"old_f1": 0.7, "new_f1": 0.8,
    ...                                     "change": 0.1, "support": 41}}}
    >>> print(format_comparison(result))  # doctest: +NORMALIZE_WHITESPACE
    label          old F1  new F1  change  support
    digital_tools   0.700   0.800  +0.100       41
    <BLANKLINE>
    answers    300 (wave3.csv)
    old        keep.v1
    new        keep.v2
    macro F1   old 0.610  new 0.700  difference +0.090
               95% CI +0.050 to +0.130 (1000 paired bootstrap resamples)
    micro F1   old 0.660  new 0.720  difference +0.060
    verdict    better (the whole 95% interval lies above 0)
    """
    per = result["per_label"]
    width = max([len("label")] + [len(c) for c in per])
    lines = [f"{'label':<{width}}  old F1  new F1  change  support"]
    for c, m in per.items():
        lines.append(
            f"{c:<{width}}  {m['old_f1']:6.3f}  {m['new_f1']:6.3f}  "
            f"{m['change']:+6.3f}  {m['support']:7d}"
        )
    lo, hi = result["ci"]
    old, new = result["old"], result["new"]
    verdict = result["verdict"]
    lines += [
        "",
        f"answers    {result['n_samples']} ({result.get('data', '')})",
        f"old        {old['model']}",
        f"new        {new['model']}",
        f"macro F1   old {old['macro_f1']:.3f}  new {new['macro_f1']:.3f}  "
        f"difference {result['macro_f1_difference']:+.3f}",
        f"           95% CI {lo:+.3f} to {hi:+.3f} "
        f"({result['n_boot']} paired bootstrap resamples)",
        f"micro F1   old {old['micro_f1']:.3f}  new {new['micro_f1']:.3f}  "
        f"difference {result['micro_f1_difference']:+.3f}",
        f"verdict    {verdict} ({_VERDICT_TEXT[verdict]})"
        if verdict in _VERDICT_TEXT
        else f"verdict    {verdict}",
    ]
    return "\n".join(lines)
