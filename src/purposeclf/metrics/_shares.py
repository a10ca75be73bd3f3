"""Shares of answers per label, corrected for the classifier's own errors.

Counting a classifier's labels is biased: a label with false positives is
over-counted, one it misses is under-counted. With the classifier's true- and
false-positive rates for a label (measured on answers it was not trained on),
the adjusted count

    estimate = (counted share - fpr) / (tpr - fpr)

is unbiased (Forman 2008, "adjusted classify and count"). Its 95% interval here
comes from a parametric bootstrap over both sources of error: the respondents
(a binomial draw of the counted share) and the error rates themselves (a
Beta draw of each rate from the counts it was measured on).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..codebook import Codebook

__all__ = [
    "share_columns",
    "confusion_counts",
    "adjusted_share",
    "estimate_shares",
    "MIN_SEPARATION",
]

#: Below this tpr - fpr a label's counts cannot be corrected (the rates barely
#: tell its presence from its absence); its estimate is the counted share.
MIN_SEPARATION = 0.2


def share_columns(
    P: Any, codebook: Codebook
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """What shares are reported on: each label, each camp, and "no label".

    Parameters
    ----------
    P : array-like of shape (n, k)
        0/1 decisions, columns in the codebook's label order.
    codebook : Codebook
        The labels and camps.

    Returns
    -------
    names : list of (kind, id)
        ``("label", id)`` per label, ``("camp", id)`` per camp, ``("none", "")``.
    M : ndarray of bool, shape (n, len(names))
        Whether each answer has each: a camp when any of its labels applies.
    """
    P = np.asarray(P).astype(bool)
    names: list[tuple[str, str]] = [("label", lid) for lid in codebook.ids]
    cols = [P[:, j] for j in range(P.shape[1])]
    for camp in codebook.camp_ids:
        idx = [
            j for j, lid in enumerate(codebook.ids) if codebook.label(lid).camp == camp
        ]
        names.append(("camp", camp))
        cols.append(P[:, idx].any(axis=1) if idx else np.zeros(len(P), dtype=bool))
    names.append(("none", ""))
    cols.append(~P.any(axis=1))
    return names, np.column_stack(cols) if cols else np.zeros((len(P), 0), bool)


def confusion_counts(Y: Any, P: Any, codebook: Codebook) -> dict[str, dict[str, int]]:
    """True/false positives and negatives of decisions against labels, per share.

    Parameters
    ----------
    Y, P : array-like of shape (n, k)
        The labels and the decisions (0/1, codebook order).
    codebook : Codebook
        The labels and camps.

    Returns
    -------
    dict
        ``{"label/<id>" | "camp/<id>" | "none": {"tp", "fp", "fn", "tn"}}``.
    """
    names, T = share_columns(Y, codebook)
    _, D = share_columns(P, codebook)
    out = {}
    for j, (kind, cid) in enumerate(names):
        t, d = T[:, j], D[:, j]
        out[f"{kind}/{cid}" if cid else kind] = {
            "tp": int((t & d).sum()),
            "fp": int((~t & d).sum()),
            "fn": int((t & ~d).sum()),
            "tn": int((~t & ~d).sum()),
        }
    return out


def adjusted_share(observed: Any, tpr: Any, fpr: Any) -> np.ndarray:
    """``(observed - fpr) / (tpr - fpr)`` in [0, 1] (observed if tpr - fpr is small).

    Parameters
    ----------
    observed, tpr, fpr : float or array-like
        Counted share and the classifier's true- and false-positive rates.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> round(float(adjusted_share(0.30, 0.9, 0.1)), 6)
    0.25
    """
    obs = np.asarray(observed, dtype=float)
    tpr = np.asarray(tpr, dtype=float)
    fpr = np.asarray(fpr, dtype=float)
    sep = tpr - fpr
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.where(sep >= MIN_SEPARATION, (obs - fpr) / sep, obs)
    return np.clip(est, 0.0, 1.0)


def estimate_shares(
    M: Any,
    names: Sequence[tuple[str, str]],
    confusion: dict[str, dict[str, int]] | None,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[dict[str, Any]]:
    """Counted share, corrected estimate and interval of each share in one group.

    Parameters
    ----------
    M : array-like of bool, shape (n, len(names))
        Each answer's decisions (from :func:`share_columns`).
    names : sequence of (kind, id)
        What the columns are.
    confusion : dict or None
        :func:`confusion_counts` of the classifier on answers it was not
        trained on. ``None``: no correction; the interval is sampling error only.
    n_boot : int, default=2000
        Bootstrap draws.
    seed : int, default=0
        Seed, so equal data give equal intervals.
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    list of dict
        One record per share: ``kind``, ``id``, ``answers`` (counted),
        ``share``, ``estimate``, ``low``, ``high``, ``corrected`` (bool).
    """
    M = np.asarray(M, dtype=bool)
    n = M.shape[0]
    rng = np.random.default_rng(seed)
    q = ((1 - confidence) / 2, 1 - (1 - confidence) / 2)
    out = []
    for j, (kind, cid) in enumerate(names):
        count = int(M[:, j].sum())
        share = count / n if n else float("nan")
        key = f"{kind}/{cid}" if cid else kind
        c = (confusion or {}).get(key)
        if n == 0:
            out.append(
                {
                    "kind": kind,
                    "id": cid,
                    "answers": 0,
                    "share": share,
                    "estimate": share,
                    "low": share,
                    "high": share,
                    "corrected": False,
                }
            )
            continue
        obs_b = rng.binomial(n, share, size=n_boot) / n
        if c and (c["tp"] + c["fn"]) and (c["fp"] + c["tn"]):
            tpr = c["tp"] / (c["tp"] + c["fn"])
            fpr = c["fp"] / (c["fp"] + c["tn"])
            corrected = tpr - fpr >= MIN_SEPARATION
            est = float(adjusted_share(share, tpr, fpr))
            tpr_b = rng.beta(c["tp"] + 1, c["fn"] + 1, size=n_boot)
            fpr_b = rng.beta(c["fp"] + 1, c["tn"] + 1, size=n_boot)
            est_b = adjusted_share(obs_b, tpr_b, fpr_b)
        else:
            corrected = False
            est, est_b = share, obs_b
        lo, hi = np.quantile(est_b, q)
        out.append(
            {
                "kind": kind,
                "id": cid,
                "answers": count,
                "share": share,
                "estimate": est,
                "low": float(min(lo, est)),
                "high": float(max(hi, est)),
                "corrected": bool(corrected),
            }
        )
    return out
