"""Intercoder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha.

Each label is a yes/no decision per answer, so every statistic here is over
binary codings; "no label" is scored as a category of its own. A coding is
``1``, ``0`` or missing (``-1``: that coder did not code that answer).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "cohen_kappa",
    "krippendorff_alpha",
    "agreement_report",
    "kappa_reading",
    "alpha_reading",
    "NO_LABEL",
]

#: The name under which "no label at all" is reported as a category.
NO_LABEL = "(no label)"


def cohen_kappa(a: Any, b: Any) -> float:
    """Cohen's kappa between two coders' codings of the same answers.

    Parameters
    ----------
    a, b : array-like of int
        The two coders' codings (any category values), one per answer.

    Returns
    -------
    float
        ``(p_o - p_e) / (1 - p_e)``; ``nan`` when chance agreement is total
        (both coders gave every answer the same single category).

    Examples
    --------
    >>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
    0.5
    """
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("cohen_kappa needs two codings of the same answers")
    if a.size == 0:
        return math.nan
    cats = np.union1d(a, b)
    pa = np.array([(a == c).mean() for c in cats])
    pb = np.array([(b == c).mean() for c in cats])
    po = float((a == b).mean())
    pe = float((pa * pb).sum())
    if pe >= 1.0:
        return math.nan
    return (po - pe) / (1.0 - pe)


def krippendorff_alpha(data: Any, missing: float = -1) -> float:
    """Krippendorff's alpha for nominal data, any number of coders, gaps allowed.

    Parameters
    ----------
    data : array-like, shape (n_coders, n_units)
        Codings; ``missing`` marks a unit a coder did not code. Units coded by
        fewer than two coders carry no information and are left out.
    missing : float, default=-1
        The value that marks a missing coding (``nan`` is always missing).

    Returns
    -------
    float
        ``1 - D_o / D_e``; ``nan`` when there is no variation to judge.

    Examples
    --------
    The nominal example of Krippendorff (2011), "Computing Krippendorff's
    alpha-reliability", four coders and twelve units:

    >>> m = -1
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3],
    ...         [m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m]]
    >>> round(krippendorff_alpha(data), 3)
    0.743
    """
    d = np.asarray(data, dtype=float)
    if d.ndim != 2:
        raise ValueError("krippendorff_alpha needs a (coders, units) array")
    present = ~np.isnan(d) & (d != missing)
    cats = np.unique(d[present])
    if cats.size == 0:
        return math.nan
    index = {c: i for i, c in enumerate(cats)}
    o = np.zeros((cats.size, cats.size))
    for u in range(d.shape[1]):
        vals = d[present[:, u], u]
        m = vals.size
        if m < 2:
            continue
        counts = np.zeros(cats.size)
        for v in vals:
            counts[index[v]] += 1
        pairs = np.outer(counts, counts) - np.diag(counts)  # ordered pairs, c != same
        o += pairs / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return math.nan
    d_o = o.sum() - np.trace(o)
    d_e = (n_c.sum() ** 2 - (n_c**2).sum()) / (n - 1)
    if d_e == 0:
        return math.nan
    return float(1.0 - d_o / d_e)


_LANDIS_KOCH = [
    (0.0, "poor"),
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.0, "almost perfect"),
]


def kappa_reading(kappa: float) -> str:
    """Landis and Koch's words for a kappa ("moderate", "substantial", ...).

    Parameters
    ----------
    kappa : float
        A kappa (``nan`` reads as "undefined").

    Returns
    -------
    str

    Examples
    --------
    >>> kappa_reading(0.72), kappa_reading(0.85), kappa_reading(-0.1)
    ('substantial', 'almost perfect', 'poor')
    """
    if math.isnan(kappa):
        return "undefined"
    if kappa < 0:
        return "poor"
    for top, word in _LANDIS_KOCH[1:]:
        if kappa <= top:
            return word
    return "almost perfect"


def alpha_reading(alpha: float) -> str:
    """Krippendorff's guidance: reliable at 0.80, tentative from 0.667, else not.

    Parameters
    ----------
    alpha : float
        An alpha (``nan`` reads as "undefined").

    Returns
    -------
    str

    Examples
    --------
    >>> alpha_reading(0.85), alpha_reading(0.7), alpha_reading(0.5)
    ('reliable', 'tentative', 'unreliable')
    """
    if math.isnan(alpha):
        return "undefined"
    if alpha >= 0.80:
        return "reliable"
    if alpha >= 0.667:
        return "tentative"
    return "unreliable"


def _label_stats(cols: np.ndarray) -> dict[str, float]:
    """Statistics of one label over coders (rows) and answers (columns)."""
    both = (cols[0] >= 0) & (cols[1] >= 0)
    a, b = cols[0][both], cols[1][both]
    tp = float(((a == 1) & (b == 1)).sum())
    fp = float(((a == 0) & (b == 1)).sum())
    fn = float(((a == 1) & (b == 0)).sum())
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else math.nan
    out = {
        "agreement": float((a == b).mean()) if a.size else math.nan,
        "kappa": cohen_kappa(a, b) if cols.shape[0] == 2 else math.nan,
        "alpha": krippendorff_alpha(cols),
        "f1": f1,
    }
    for c in range(cols.shape[0]):
        coded = cols[c][cols[c] >= 0]
        out[f"prevalence_{c + 1}"] = float(coded.mean()) if coded.size else math.nan
    return out


def agreement_report(
    codings: Sequence[Any],
    labels: Sequence[str],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Per-label and macro agreement of two or more coders, with bootstrap intervals.

    Parameters
    ----------
    codings : sequence of array-like, each shape (n_answers, n_labels)
        One 0/1 matrix per coder, rows aligned (the same answer on the same
        row); ``-1`` where a coder did not code an answer.
    labels : sequence of str
        Label ids, one per column.
    n_boot : int, default=1000
        Bootstrap resamples of the answers for the intervals (0: none).
    seed : int, default=0
        Seed of the resampling, so the same data give the same intervals.
    confidence : float, default=0.95
        Coverage of the percentile intervals.

    Returns
    -------
    dict
        ``labels``: one record per label and for :data:`NO_LABEL`, with
        ``agreement``, ``kappa`` (two coders; ``nan`` for more), ``alpha``,
        ``f1`` (coder 2 against coder 1), ``prevalence_<i>`` per coder, the
        ``*_low``/``*_high`` interval of kappa and alpha, and plain readings;
        ``macro``: the means over the labels (not :data:`NO_LABEL`) with
        intervals; ``exact``: the share of answers all coders coded alike;
        ``n_answers``, ``n_coders``.
    """
    mats = [np.asarray(c, dtype=np.int8) for c in codings]
    if len(mats) < 2:
        raise ValueError("agreement needs at least two coders")
    shape = mats[0].shape
    if any(m.shape != shape for m in mats) or shape[1] != len(labels):
        raise ValueError("every coder needs one (n_answers, n_labels) matrix")
    coded = [(m >= 0).all(axis=1) for m in mats]
    none = [
        np.where(c, (m <= 0).all(axis=1).astype(np.int8), -1)
        for m, c in zip(mats, coded, strict=True)
    ]
    stack = np.stack([np.column_stack([m, n]) for m, n in zip(mats, none, strict=True)])
    names = [*labels, NO_LABEL]
    k = len(labels)

    def stats(idx: np.ndarray) -> list[dict[str, float]]:
        return [_label_stats(stack[:, idx, j]) for j in range(k + 1)]

    everyone = np.arange(shape[0])
    point = stats(everyone)
    rng = np.random.default_rng(seed)
    boots: list[list[dict[str, float]]] = [
        stats(np.asarray(rng.integers(0, shape[0], shape[0]))) for _ in range(n_boot)
    ]
    lo_q, hi_q = (1 - confidence) / 2, 1 - (1 - confidence) / 2

    def interval(values: list[float]) -> tuple[float, float]:
        v = np.array([x for x in values if not math.isnan(x)])
        if v.size == 0:
            return math.nan, math.nan
        return float(np.quantile(v, lo_q)), float(np.quantile(v, hi_q))

    records = []
    for j, name in enumerate(names):
        rec: dict[str, Any] = {"label": name, **point[j]}
        for stat in ("kappa", "alpha"):
            rec[f"{stat}_low"], rec[f"{stat}_high"] = interval(
                [b[j][stat] for b in boots]
            )
        rec["kappa_reading"] = kappa_reading(rec["kappa"])
        rec["alpha_reading"] = alpha_reading(rec["alpha"])
        records.append(rec)

    def macro_of(rows: list[dict[str, float]], stat: str) -> float:
        v = [r[stat] for r in rows[:k] if not math.isnan(r[stat])]
        return float(np.mean(v)) if v else math.nan

    macro: dict[str, Any] = {}
    for stat in ("agreement", "kappa", "alpha", "f1"):
        macro[stat] = macro_of(point, stat)
        macro[f"{stat}_low"], macro[f"{stat}_high"] = interval(
            [macro_of(b, stat) for b in boots]
        )
    macro["kappa_reading"] = kappa_reading(macro["kappa"])
    macro["alpha_reading"] = alpha_reading(macro["alpha"])
    all_coded = np.logical_and.reduce(coded)
    same = np.logical_and.reduce([(m == mats[0]).all(axis=1) for m in mats[1:]])
    exact = float(same[all_coded].mean()) if all_coded.any() else math.nan
    return {
        "labels": records,
        "macro": macro,
        "exact": exact,
        "n_answers": int(shape[0]),
        "n_coders": len(mats),
    }
