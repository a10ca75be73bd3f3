"""Answers worth labelling next, and the review file a person corrects."""

from __future__ import annotations

import logging
import numbers
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import ColumnNotFoundError
from ..io import open_sink, open_table, output_format
from ..labelled import GUESS_COLUMN, REVIEWED_COLUMN
from ..model import as_predictor, confidence, threshold_distance
from ..text import as_text, text_key
from ..validation import Interval, check_params

__all__ = ["select_for_review", "write_review_file", "make_review_file"]

logger = logging.getLogger("purposeclf.retrain")


# -------------------------------------------------------------- selection
def select_for_review(
    texts: Sequence[object],
    model: str | os.PathLike[str] | Any,
    *,
    budget: int = 200,
    pool_factor: int = 5,
    random_state: int | None = 0,
) -> list[int]:
    """Pick the unlabelled answers whose labels would teach the model most.

    1. Empty answers are skipped, and of answers that are the same up to case
       and spacing only the first is kept.
    2. Each answer's doubt is its closeness to the decision thresholds summed
       over the labels: for each label, 1 when its probability is at the
       label's threshold, falling to 0 at probability 0 or 1 (the distance is
       scaled by how far the probability could go on that side, as in
       :func:`~purposeclf._linear.confidence`).
    3. The ``budget`` answers with the most doubt are picked.

    Summing over labels favours answers near the boundary of several labels at
    once, the answers a person coding by hand would also hesitate over. The
    rule was chosen by simulation on the corpus among twelve selections, and
    its gain over random picks confirmed on fresh simulated splits
    (``benchmarks/active_learning.py``; the figures are in
    ``benchmarks/RESULTS.md``).

    Parameters
    ----------
    texts : sequence of str
        Unlabelled answers. ``None`` and NaN count as empty.
    model : str, Path, or a loaded model
        Bundled model name or model file (or a loaded ``ModelBundle``, a
        ``LinearMultilabel`` or a fitted ``PurposeClassifier``).
    budget : int, default=200
        How many answers to pick. Fewer come back when there are fewer
        distinct non-empty answers.
    pool_factor : int, default=5
        Deprecated and ignored: it sized the candidate pool of the earlier
        selection. Another value warns (``FutureWarning``); the parameter will
        be removed.
    random_state : int or None, default=0
        Breaks ties between answers of equal doubt. Same seed, texts and
        model: same picks.

    Returns
    -------
    list of int
        Positions in ``texts`` of the picked answers, most doubtful first.

    Examples
    --------
    >>> select_for_review(["", "  ", None], "keep", budget=5)
    []
    >>> texts = ["Video consults", "video  consults", "the morning huddle", "n/a"]
    >>> sorted(select_for_review(texts, "keep", budget=10))  # 1 repeats 0
    [0, 2, 3]
    """
    check_params(
        "select_for_review",
        {"budget": budget, "pool_factor": pool_factor, "random_state": random_state},
        {
            "budget": [Interval(numbers.Integral, 1, None)],
            "pool_factor": [Interval(numbers.Integral, 1, None)],
            "random_state": [None, Interval(numbers.Integral, 0, 2**32 - 1)],
        },
    )
    if pool_factor != 5:
        warnings.warn(
            "The 'pool_factor' parameter of select_for_review is ignored since the "
            "selection became doubt summed over labels, and it will be removed. "
            "Stop passing it.",
            FutureWarning,
            stacklevel=2,
        )
    m, _ = as_predictor(model)
    strs = [as_text(t) for t in texts]
    seen: set[str] = set()
    cand: list[int] = []
    n_empty = n_dup = 0
    for i, t in enumerate(strs):
        if not t.strip():
            n_empty += 1
            continue
        key = text_key(t)
        if key in seen:
            n_dup += 1
            continue
        seen.add(key)
        cand.append(i)
    logger.info(
        "select_for_review: %d answers, %d empty and %d repeated skipped",
        len(strs),
        n_empty,
        n_dup,
    )
    if not cand:
        return []
    if len(cand) < budget:
        logger.warning(
            "only %d distinct non-empty answers; all of them are picked (budget %d)",
            len(cand),
            budget,
        )
    rng = np.random.RandomState(random_state)
    proba = m.predict_proba([strs[i] for i in cand])
    doubt = _closeness(proba, m.thresholds).sum(axis=1)
    tiebreak = rng.permutation(len(cand))
    order = np.lexsort((tiebreak, -doubt))[:budget]  # most doubtful first
    return [cand[int(j)] for j in order]


def _closeness(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """How close each probability is to its label's threshold, in [0, 1].

    ``1 - d``, where ``d`` is :func:`~purposeclf._linear.threshold_distance`:
    1 at the threshold, 0 at probability 0 or 1.

    Examples
    --------
    >>> _closeness(np.array([[0.5, 0.0], [0.75, 0.4]]), np.array([0.5, 0.2]))
    array([[1.  , 0.  ],
           [0.5 , 0.75]])
    """
    return 1.0 - threshold_distance(proba, thresholds)


def _reserved_columns(ids: Sequence[str], text_column: str) -> list[str]:
    cols = ["labels", "confidence", *ids, GUESS_COLUMN]
    if text_column != "text":
        cols.insert(0, "text")
    return cols


def write_review_file(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    indices: Sequence[int],
    model: str | os.PathLike[str] | Any,
    *,
    text_column: str = "text",
) -> Path:
    """Write picked answers to a file for a person to label in a spreadsheet.

    The file has, in this order: the original columns; ``text`` (added only
    when the answers' column has another name); ``labels``, pre-filled with the
    model's guess (label ids joined by ``;``); ``reviewed``, empty, where the
    reviewer marks each row they checked with ``y`` (only marked rows are
    trained on); ``confidence`` (0.5 = a coin
    flip, 1 = sure); one column per label id holding 1 or 0, also pre-filled
    with the guess; and ``model_guess``, the guess again, which the reviewer
    should leave alone. Correct **either** the ``labels`` column **or** the 0/1
    columns; :func:`read_review_file` reads the result back (see there for the
    rule when both were edited). An original column whose name clashes with
    one of these is kept as ``"<name> (original)"``.

    The format follows the extension of ``path``: CSV (the default; UTF-8 with
    a byte-order mark, so Excel shows accents correctly), ``.xlsx`` (answers
    stored as text, so an answer starting with ``=`` never runs as a formula;
    ``confidence`` and the 0/1 columns as numbers), ``.tsv`` or ``.jsonl``.

    Parameters
    ----------
    path : str or Path
        The file to write (written to a temporary file and renamed into place).
    header : sequence of str
        Column names of ``rows``.
    rows : sequence of sequences
        All input rows; only those at ``indices`` are written.
    indices : sequence of int
        Positions in ``rows`` to write, in the order to write them (for example
        from :func:`select_for_review`).
    model : str, Path, or a loaded model
        The model whose guesses pre-fill the labels.
    text_column : str, default="text"
        Column of ``header`` holding the answers.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ColumnNotFoundError
        ``text_column`` is not in ``header``.
    """
    m, _ = as_predictor(model)
    header = [str(h) for h in header]
    if text_column not in header:
        raise ColumnNotFoundError(text_column, header)
    ti = header.index(text_column)
    ids = m.classes
    reserved = set(_reserved_columns(ids, text_column))
    out_header = []
    for h in header:
        name = h
        if h in reserved and not (h == text_column == "text"):
            name = f"{h} (original)"
            while name in reserved or name in header:
                name += "_"
            logger.info("review file: input column %r written as %r", h, name)
        out_header.append(name)
    if text_column != "text":
        out_header.append("text")
    out_header += ["labels", REVIEWED_COLUMN, "confidence", *ids, GUESS_COLUMN]
    picked = [list(rows[i]) for i in indices]
    texts = [as_text(r[ti]) for r in picked]
    proba = m.predict_proba(texts) if texts else np.zeros((0, len(ids)))
    decided = m.decide(proba)
    conf = confidence(proba, m.thresholds) if texts else np.zeros(0)
    path = Path(path)
    lines = []
    for r, text, dec, c in zip(picked, texts, decided, conf, strict=True):
        guess = ";".join(ids[j] for j in np.flatnonzero(dec))
        cells = list(r) + ([text] if text_column != "text" else [])
        cells += [guess, "", f"{c:.3f}", *("1" if d else "0" for d in dec), guess]
        lines.append(cells)
    bom = "utf-8-sig" if output_format(path) == "csv" else "utf-8"  # Excel's hint
    with open_sink(
        path, out_header, numeric=["confidence", *ids], encoding=bom
    ) as sink:
        sink.write(lines)
    logger.info("wrote %d answers for review to %s", len(picked), path)
    return path


def make_review_file(
    data: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    model: str | os.PathLike[str] | Any = "keep",
    budget: int = 200,
    text_column: str = "text",
    encoding: str | None = None,
    random_state: int | None = 0,
    random: bool = False,
) -> dict[str, Any]:
    """Pick answers of an unlabelled file for review and write the review file.

    :func:`select_for_review` on the answers of ``data``, then
    :func:`write_review_file` of the picked rows to ``output``.

    Parameters
    ----------
    data : str or Path
        Survey export (CSV, TSV, XLSX or JSON Lines) with a text column.
    output : str or Path
        The review file to write: ``.csv``, ``.xlsx``, ``.tsv`` or ``.jsonl``
        (see :func:`write_review_file`).
    model : str, Path, or a loaded model, default="keep"
        Bundled model name or model file.
    budget : int, default=200
        How many answers to pick.
    text_column : str, default="text"
        Column holding the answers.
    encoding : str, default=None
        Encoding of ``data`` (detected when not given).
    random_state : int or None, default=0
        Seed for tie-breaking (see :func:`select_for_review`), or of the
        random sample.
    random : bool, default=False
        Pick ``budget`` non-empty answers uniformly at random instead: the
        calibration sample that, hand-coded, corrects shares
        (``purposeclf score --calibration``). Only a random sample measures
        the model's errors as they fall on this survey.

    Returns
    -------
    dict
        ``n_rows`` (rows read), ``n_selected``, ``rows`` (1-based data rows of
        ``data`` picked, in the order written) and ``output``.
    """
    m, _ = as_predictor(model)
    with open_table(data, encoding=encoding) as table:
        header = list(table.header)
        if text_column not in header:
            raise ColumnNotFoundError(text_column, header, source=str(data))
        rows = [list(r) for r in table.rows]
    ti = header.index(text_column)
    if random:
        filled = [i for i, r in enumerate(rows) if as_text(r[ti]).strip()]
        rng = np.random.default_rng(random_state)
        n = min(budget, len(filled))
        picks = sorted(rng.choice(len(filled), size=n, replace=False).tolist())
        picks = [filled[i] for i in picks]
    else:
        picks = select_for_review(
            [r[ti] for r in rows], m, budget=budget, random_state=random_state
        )
    write_review_file(output, header, rows, picks, m, text_column=text_column)
    return {
        "n_rows": len(rows),
        "n_selected": len(picks),
        "rows": [i + 1 for i in picks],
        "output": str(output),
    }
