"""Labelled answers whose labels look wrong (confident learning, out of fold)."""

from __future__ import annotations

import logging
import numbers
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..codebook import Codebook, load_codebook
from ..exceptions import DataError
from ..labelled import indicator_matrix
from ..text import as_text
from ..validation import Interval, check_params

__all__ = ["audit"]

logger = logging.getLogger("purposeclf.retrain")


# ------------------------------------------------------------------ audit
def audit(
    texts: Sequence[object],
    labels: Any,
    codebook: str | os.PathLike[str] | Codebook | None,
    *,
    folds: int = 5,
    min_score: float = 0.5,
    random_state: int = 0,
    params: dict[str, Any] | None = None,
    rows: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """Rank labelled answers by how likely their labels are wrong.

    Confident learning on out-of-fold probabilities: every answer is scored by
    a model that did not see it (:func:`~purposeclf.evaluation.cross_validate`
    with ``folds`` folds), so a wrong label cannot teach the model to agree
    with it. Then, for each label:

    * ``m1`` is the label's typical probability among the answers given it
      (the mean), ``m0`` the typical probability among the answers not given it.
    * An (answer, label) pair is *disputed* when the answer's probability ``p``
      is closer to the typical probability of the other value: given the label
      but ``p`` below the midpoint of ``m0`` and ``m1``, or not given it but
      ``p`` above the midpoint.
    * Its disagreement is the probability the out-of-fold model gives to the
      value that was *not* given: ``1 - p`` for a given label, ``p`` for a
      missing one. A disputed pair with a disagreement of at least
      ``min_score`` is a *confident disagreement*.

    An answer's score is its largest confident disagreement (the single most
    doubtful label decides; adding up many mild doubts ranks ambiguous
    multi-label answers above plain mistakes). The suggested labels are the
    given ones with every confident disagreement flipped. Labels given to fewer
    than 2 answers (or to all but 1), and labels the model cannot separate at
    all (``m1 - m0 < 0.05``), are not audited.

    Parameters
    ----------
    texts : sequence of str
        The answers.
    labels : sequence of sequences of str, or array of shape (n, k)
        The given label ids of each answer (or a 0/1 matrix in codebook order).
    codebook : str, Path, Codebook or None
        The label scheme; ``None`` takes the labels found.
    folds : int, default=5
        Cross-validation folds.
    min_score : float, default=0.5
        Smallest disagreement that counts as confident (in (0, 1)); answers
        without one are left out of the result.
    random_state : int, default=0
        Seed of the folds and the models.
    params : dict, default=None
        More :class:`~purposeclf.PurposeClassifier` parameters. Decision
        thresholds are not needed here, so ``threshold=0.5`` is used unless
        given, which skips the inner threshold tuning (several times faster).
    rows : sequence of int, default=None
        The row of each answer in the file it came from, reported as ``row``.
        Pass ``LabelledData.rows`` from :func:`~purposeclf.labelled.read_labelled`:
        spreadsheet row numbers (the header is row 1, the first answer row 2)
        that stay right when empty answers or duplicates were skipped. Without
        it, ``row`` is the 1-based position in ``texts``.

    Returns
    -------
    list of dict
        One entry per answer with a confident disagreement, highest score
        first (ties in ``texts`` order): ``row`` (see ``rows``),
        ``text``, ``given`` and ``suggested`` (tuples of label ids in codebook
        order), ``add`` and ``remove`` (what the suggestion changes), ``score``,
        and ``proba`` (the out-of-fold probability of each flipped label).

    Raises
    ------
    DataError
        Too few answers for ``folds``, no labels at all, or ``rows`` not one
        number per answer.

    Examples
    --------
    Row numbers as a spreadsheet shows the file, whatever was skipped:

    >>> import csv, pathlib, tempfile
    >>> from purposeclf.labelled import read_labelled
    >>> from purposeclf.codebook import load_codebook
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "coded.csv"
    >>> with path.open("w", newline="") as fh:
    ...     csv.writer(fh).writerows([["text", "labels"], ["", ""],
    ...                               ["video consults", "digital_tools"]])
    >>> data = read_labelled(path, codebook=load_codebook("keep"))
    >>> data.rows  # row 2 (empty answer) skipped; the answer is on row 3
    [3]
    >>> import shutil; shutil.rmtree(path.parent)
    """
    from ..evaluation import cross_validate

    check_params(
        "audit",
        {"folds": folds, "min_score": min_score},
        {
            "folds": [Interval(numbers.Integral, 2, None)],
            "min_score": [Interval(numbers.Real, 0, 1, closed="neither")],
        },
    )
    strs = [as_text(t) for t in texts]
    Y, cb = indicator_matrix(
        labels, len(strs), load_codebook(codebook) if codebook is not None else None
    )
    n, k = Y.shape
    row_of = [int(r) for r in rows] if rows is not None else list(range(1, n + 1))
    if len(row_of) != n:
        raise DataError(
            f"audit got {n} answers but {len(row_of)} row numbers; pass one row "
            "number per answer (LabelledData.rows), or none."
        )
    if n < 2 * folds:
        raise DataError(
            f"audit needs at least {2 * folds} labelled answers for {folds}-fold "
            f"cross-validation; got {n}. Label more answers or lower folds."
        )
    run = {"threshold": 0.5, **(params or {})}
    report = cross_validate(
        strs, Y, cb, folds=folds, random_state=random_state, params=run
    )
    P = report["_arrays"]["proba"]
    Yb = Y.astype(bool)
    ids = cb.ids
    disagreement = np.zeros((n, k))
    for j in range(k):
        pos = Yb[:, j]
        if pos.sum() < 2 or (~pos).sum() < 2:
            logger.info("audit: %r is given to too few answers; not audited", ids[j])
            continue
        p = P[:, j]
        m1, m0 = float(p[pos].mean()), float(p[~pos].mean())
        if m1 - m0 < 0.05:
            logger.info("audit: the model cannot separate %r; not audited", ids[j])
            continue
        mid = (m0 + m1) / 2
        disputed = np.where(pos, p < mid, p > mid)
        disagreement[:, j] = np.where(disputed, np.where(pos, 1.0 - p, p), 0.0)
    confident = disagreement >= min_score
    score = disagreement.max(axis=1)
    out = []
    for i in np.argsort(-score, kind="stable"):
        flip = confident[i]
        if not flip.any():
            break
        given = tuple(c for c, y in zip(ids, Yb[i], strict=True) if y)
        suggested = tuple(c for c, y, f in zip(ids, Yb[i], flip, strict=True) if y != f)
        out.append(
            {
                "row": row_of[i],
                "text": strs[i],
                "given": given,
                "suggested": suggested,
                "add": tuple(c for c in suggested if c not in given),
                "remove": tuple(c for c in given if c not in suggested),
                "score": float(score[i]),
                "proba": {ids[j]: float(P[i, j]) for j in np.flatnonzero(flip)},
            }
        )
    logger.info("audit: %d of %d answers have a confident disagreement", len(out), n)
    return out
