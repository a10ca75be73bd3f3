"""The retraining loop: compare models, pick answers to label, audit labels.

Four steps of keeping a model in shape as new survey waves arrive:

* :func:`compare_models` tells whether a retrained model is really better than
  the one in use, with a paired bootstrap confidence interval of the macro-F1
  difference (:func:`paired_bootstrap`) and a table (:func:`format_comparison`).
* :func:`select_for_review` picks the unlabelled answers whose labels would teach
  the model most (those nearest the decision thresholds, summed over labels);
  :func:`write_review_file` / :func:`make_review_file` write them to a CSV that a
  person corrects in a spreadsheet, and :func:`read_review_file` reads the
  corrected file straight back into training.
* :func:`audit` ranks labelled answers by how likely their labels are wrong,
  from out-of-fold predictions (confident learning).
* :func:`simulate_active_learning` measures, on labelled data, what picking
  answers with :func:`select_for_review` gains over picking them at random.

Nothing here prints or exits; progress goes to ``logging.getLogger(__name__)``.
"""

from __future__ import annotations

import logging
import numbers
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._data import FALSE_CELLS, TRUE_CELLS
from ._linear import LinearMultilabel, confidence, threshold_distance
from ._validation import Interval, check_params
from .codebook import Codebook, load_codebook
from .exceptions import ColumnNotFoundError, DataError
from .text import as_text

__all__ = [
    "compare_models",
    "paired_bootstrap",
    "format_comparison",
    "select_for_review",
    "write_review_file",
    "make_review_file",
    "read_review_file",
    "audit",
    "simulate_active_learning",
    "GUESS_COLUMN",
]

logger = logging.getLogger(__name__)

#: Column of a review file holding the model's guess, left untouched by the
#: reviewer; :func:`read_review_file` uses it to tell which layout was edited.
GUESS_COLUMN = "model_guess"



# ------------------------------------------------------------------ helpers
def _as_model(model: Any) -> tuple[LinearMultilabel, str]:
    """A :class:`LinearMultilabel` and a display name from any model-like value.

    Accepts a bundled model name or a model file path (loaded with
    :func:`~purposeclf._persist.load_model`), a loaded ``ModelBundle``, a
    ``LinearMultilabel``, or a fitted :class:`~purposeclf.PurposeClassifier`.
    """
    from ._persist import ModelBundle, load_model

    if isinstance(model, LinearMultilabel):
        return model, "model"
    if isinstance(model, ModelBundle):
        return model.model, model.name
    if hasattr(model, "_compiled"):  # a fitted PurposeClassifier
        return model._compiled(), type(model).__name__
    if isinstance(model, str | os.PathLike):
        bundle = load_model(model)
        return bundle.model, bundle.name
    raise TypeError(
        "model must be a bundled model name, a model file path, a loaded model or "
        f"a fitted PurposeClassifier. Got {type(model).__name__} instead."
    )


def _as_codebook(codebook: Any) -> Codebook | None:
    if codebook is None or isinstance(codebook, Codebook):
        return codebook
    return load_codebook(codebook)


def _key(text: str) -> str:
    """The form under which two answers count as the same (as in read_labelled)."""
    return " ".join(text.split()).lower()


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """Per-label F1 from counts (any leading shape); 0 where a label has no counts."""
    denom = 2 * tp + fp + fn
    return np.divide(
        2 * tp, denom, out=np.zeros_like(denom, dtype=np.float64), where=denom > 0
    )


def _micro_f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    tp, fp, fn = tp.sum(axis=-1), fp.sum(axis=-1), fn.sum(axis=-1)
    denom = 2 * tp + fp + fn
    return np.divide(
        2 * tp, denom, out=np.zeros_like(denom, dtype=np.float64), where=denom > 0
    )


def _verdict(lo: float, hi: float) -> str:
    if lo > 0:
        return "better"
    if hi < 0:
        return "worse"
    return "no clear difference"


# ------------------------------------------------------------- comparison
def paired_bootstrap(
    Y_true: np.ndarray,
    P_old: np.ndarray,
    P_new: np.ndarray,
    *,
    n_boot: int = 1000,
    random_state: int | None = 0,
) -> dict[str, Any]:
    """Paired bootstrap of the macro-F1 difference between two sets of predictions.

    Each of ``n_boot`` resamples draws the answers with replacement (the same
    draw for both models, so the comparison is paired) and computes the macro
    F1 of each model on it; the 2.5th and 97.5th percentiles of the differences
    ``new - old`` give a 95% confidence interval.

    Parameters
    ----------
    Y_true : ndarray of shape (n, k)
        True 0/1 labels.
    P_old, P_new : ndarray of shape (n, k)
        0/1 decisions of the old and the new model, columns in the same order.
    n_boot : int, default=1000
        Number of bootstrap resamples.
    random_state : int or None, default=0
        Seed of ``numpy.random.RandomState`` drawing the resamples.

    Returns
    -------
    dict
        ``difference`` (macro F1 new - old on all answers), ``ci`` (the 95%
        interval as ``[low, high]``), ``share_new_better`` (share of resamples
        where the new model's macro F1 is higher), ``n_boot`` and ``verdict``:
        ``"better"`` when the interval lies above 0, ``"worse"`` when below,
        else ``"no clear difference"``.

    Examples
    --------
    >>> import numpy as np
    >>> T = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 10)
    >>> r = paired_bootstrap(T, T, T, n_boot=200)
    >>> r["difference"], r["ci"], r["verdict"]
    (0.0, [0.0, 0.0], 'no clear difference')
    >>> worse = np.zeros_like(T)
    >>> paired_bootstrap(T, worse, T, n_boot=200)["verdict"]
    'better'
    """
    check_params(
        "paired_bootstrap",
        {"n_boot": n_boot, "random_state": random_state},
        {
            "n_boot": [Interval(numbers.Integral, 1, None)],
            "random_state": [None, Interval(numbers.Integral, 0, 2**32 - 1)],
        },
    )
    T = np.asarray(Y_true).astype(bool)
    Po = np.asarray(P_old).astype(bool)
    Pn = np.asarray(P_new).astype(bool)
    if not (T.shape == Po.shape == Pn.shape) or T.ndim != 2:
        raise DataError(
            f"Y_true, P_old and P_new must be 0/1 matrices of the same shape (n, k); "
            f"got {T.shape}, {Po.shape} and {Pn.shape}."
        )
    n = T.shape[0]
    if n == 0:
        raise DataError("There are no answers to compare the models on.")
    mats = {
        name: [c.astype(np.float64) for c in (T & P, ~T & P, T & ~P)]
        for name, P in (("old", Po), ("new", Pn))
    }

    def macro(name: str, W: np.ndarray | None) -> np.ndarray:
        tp, fp, fn = mats[name]
        if W is None:
            return _f1(tp.sum(0), fp.sum(0), fn.sum(0)).mean(axis=-1)
        return _f1(W @ tp, W @ fp, W @ fn).mean(axis=-1)

    difference = float(macro("new", None) - macro("old", None))
    rng = np.random.RandomState(random_state)
    diffs = np.empty(n_boot, dtype=np.float64)
    batch = max(1, min(n_boot, 2_000_000 // n))
    for start in range(0, n_boot, batch):
        b = min(batch, n_boot - start)
        idx = rng.randint(0, n, size=(b, n))
        offset = (idx + (np.arange(b, dtype=np.int64) * n)[:, None]).ravel()
        W = np.bincount(offset, minlength=b * n).reshape(b, n).astype(np.float64)
        diffs[start : start + b] = macro("new", W) - macro("old", W)
    lo, hi = (float(v) for v in np.percentile(diffs, [2.5, 97.5]))
    return {
        "difference": difference,
        "ci": [lo, hi],
        "ci_level": 0.95,
        "share_new_better": float((diffs > 0).mean()),
        "n_boot": int(n_boot),
        "verdict": _verdict(lo, hi),
    }


def compare_models(
    old: str | os.PathLike[str] | Any,
    new: str | os.PathLike[str] | Any,
    data: str | os.PathLike[str],
    *,
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
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
    from ._data import read_labelled

    m_old, name_old = _as_model(old)
    m_new, name_new = _as_model(new)
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
        return _f1(tp, fp, fn), float(_micro_f1(tp, fp, fn))

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
        import warnings

        warnings.warn(
            "The 'pool_factor' parameter of select_for_review is ignored since the "
            "selection became doubt summed over labels, and it will be removed. "
            "Stop passing it.",
            FutureWarning,
            stacklevel=2,
        )
    m, _ = _as_model(model)
    strs = [as_text(t) for t in texts]
    seen: set[str] = set()
    cand: list[int] = []
    n_empty = n_dup = 0
    for i, t in enumerate(strs):
        if not t.strip():
            n_empty += 1
            continue
        key = _key(t)
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
    model's guess (label ids joined by ``;``); ``confidence`` (0.5 = a coin
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
    from .io import open_sink, output_format

    m, _ = _as_model(model)
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
    out_header += ["labels", "confidence", *ids, GUESS_COLUMN]
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
        cells += [guess, f"{c:.3f}", *("1" if d else "0" for d in dec), guess]
        lines.append(cells)
    bom = "utf-8-sig" if output_format(path) == "csv" else "utf-8"  # Excel's hint
    with open_sink(path, out_header, numeric=["confidence", *ids], encoding=bom) as sink:
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
        Seed for tie-breaking (see :func:`select_for_review`).

    Returns
    -------
    dict
        ``n_rows`` (rows read), ``n_selected``, ``rows`` (1-based data rows of
        ``data`` picked, in the order written) and ``output``.
    """
    from .io import open_table

    m, _ = _as_model(model)
    with open_table(data, encoding=encoding) as table:
        header = list(table.header)
        if text_column not in header:
            raise ColumnNotFoundError(text_column, header, source=str(data))
        rows = [list(r) for r in table.rows]
    ti = header.index(text_column)
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


def _indicator(cell: object, *, column: str, row: int, source: str) -> bool:
    from .io import _cell_str

    value = _cell_str(cell).strip().lower()
    if value in TRUE_CELLS:
        return True
    if value in FALSE_CELLS:
        return False
    raise DataError(
        f"{source}, row {row}: column {column!r} holds {_cell_str(cell)!r}; expected "
        "1 (the label applies) or 0 / empty (it does not). Fix the cell and read the "
        "file again."
    )


def read_review_file(
    path: str | os.PathLike[str],
    codebook: str | os.PathLike[str] | Codebook,
    *,
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
) -> tuple[list[str], list[tuple[str, ...]]]:
    """Read a corrected review file back as training data.

    The file may carry the labels in the ``labels`` column (ids or names
    joined by ``;``), in one 0/1 column per label id (1, x, yes or true mean
    the label applies; 0, empty, no or false that it does not), or both, as
    :func:`write_review_file` writes it. Which one counts, row by row:

    1. Only one layout present (the other columns were deleted): that one.
    2. ``labels`` and the 0/1 columns agree: their labels.
    3. They disagree: **the 0/1 columns win**, unless they still show exactly
       the model's guess (column ``model_guess``), which means only the
       ``labels`` column was edited, and then ``labels`` wins. Without a
       ``model_guess`` column the 0/1 columns always win.

    Rows with an empty answer are skipped.

    Parameters
    ----------
    path : str or Path
        The review file (CSV, or XLSX when saved from a spreadsheet).
    codebook : str, Path or Codebook
        The label scheme: the model's codebook, a built-in scheme name or a
        codebook file.
    text_column, labels_column : str
        Column names.
    encoding : str, default=None
        Encoding (detected when not given).

    Returns
    -------
    texts : list of str
        The answers.
    labels : list of tuple of str
        The label ids of each answer, in codebook order (empty for no label).

    Raises
    ------
    ColumnNotFoundError
        No text column.
    DataError
        Neither a labels column nor the 0/1 columns; only some of the 0/1
        columns; or a 0/1 cell holding something else.
    UnknownLabelError
        The labels column uses an id or name the codebook does not define.
    """
    texts, labels, _ = _read_review(
        path,
        codebook,
        text_column=text_column,
        labels_column=labels_column,
        encoding=encoding,
    )
    return texts, labels


def _read_review(
    path: str | os.PathLike[str],
    codebook: str | os.PathLike[str] | Codebook,
    *,
    text_column: str,
    labels_column: str,
    encoding: str | None,
) -> tuple[list[str], list[tuple[str, ...]], list[int]]:
    """:func:`read_review_file`, plus the spreadsheet row of each answer."""
    from ._data import parse_labels
    from .io import _cell_str, open_table

    cb = _as_codebook(codebook)
    assert cb is not None
    ids = cb.ids
    src = str(path)
    texts: list[str] = []
    labels: list[tuple[str, ...]] = []
    rows: list[int] = []
    n_empty = n_cols_won = n_labels_won = 0
    with open_table(path, encoding=encoding) as table:
        header = list(table.header)
        if text_column not in header:
            raise ColumnNotFoundError(text_column, header, source=src)
        ti = header.index(text_column)
        li = header.index(labels_column) if labels_column in header else None
        gi = header.index(GUESS_COLUMN) if GUESS_COLUMN in header else None
        present = [c for c in ids if c in header]
        if present and len(present) < len(ids):
            missing = [c for c in ids if c not in header]
            raise DataError(
                f"{src} has 0/1 columns for {', '.join(present)} but not for "
                f"{', '.join(missing)}. Keep one column per label id, or delete them "
                f"all and give the labels in the {labels_column!r} column."
            )
        cols = [header.index(c) for c in ids] if present else None
        if li is None and cols is None:
            raise DataError(
                f"{src} has neither a {labels_column!r} column nor one 0/1 column per "
                f"label id ({', '.join(ids)}). Write the labels into one of them."
            )
        for r, row in enumerate(table.rows, start=1):
            text = as_text(row[ti])
            if not text.strip():
                n_empty += 1
                continue
            from_labels = (
                set(parse_labels(_cell_str(row[li]), cb, row=r, source=src))
                if li is not None
                else None
            )
            from_cols = (
                {
                    c
                    for c, k in zip(ids, cols, strict=True)
                    if _indicator(row[k], column=c, row=r, source=src)
                }
                if cols is not None
                else None
            )
            if from_cols is None:
                chosen = from_labels
            elif from_labels is None or from_labels == from_cols:
                chosen = from_cols
            else:
                guess = (
                    set(parse_labels(_cell_str(row[gi]), cb, row=r, source=src))
                    if gi is not None
                    else None
                )
                if guess is not None and from_cols == guess:
                    chosen = from_labels
                    n_labels_won += 1
                else:
                    chosen = from_cols
                    n_cols_won += 1
            assert chosen is not None
            texts.append(text)
            labels.append(tuple(c for c in ids if c in chosen))
            rows.append(table.first_row + r - 1)
    if n_empty:
        logger.warning("%s: skipped %d rows with an empty answer", src, n_empty)
    if n_cols_won or n_labels_won:
        logger.info(
            "%s: labels column and 0/1 columns disagreed in %d rows; the 0/1 columns "
            "were taken in %d, the labels column (0/1 columns unedited) in %d",
            src,
            n_cols_won + n_labels_won,
            n_cols_won,
            n_labels_won,
        )
    if not texts:
        raise DataError(f"{src} has no answers (every text cell is empty).")
    return texts, labels, rows


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
        Pass ``LabelledData.rows`` from :func:`~purposeclf._data.read_labelled`:
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
    >>> from purposeclf._data import read_labelled
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
    from ._estimator import _binarize
    from .evaluation import cross_validate

    check_params(
        "audit",
        {"folds": folds, "min_score": min_score},
        {
            "folds": [Interval(numbers.Integral, 2, None)],
            "min_score": [Interval(numbers.Real, 0, 1, closed="neither")],
        },
    )
    strs = [as_text(t) for t in texts]
    Y, cb = _binarize(labels, len(strs), _as_codebook(codebook))
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


# --------------------------------------------------------------- simulate
def simulate_active_learning(
    texts: Sequence[object],
    labels: Any,
    codebook: str | os.PathLike[str] | Codebook | None,
    *,
    seed_size: int,
    budget: int,
    rounds: int = 1,
    test_size: float = 0.3,
    random_state: int = 0,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Measure what :func:`select_for_review` gains over random picks.

    A fixed ``test_size`` share of the answers (30%) is held out. From the
    rest, ``seed_size`` random answers train a first model. Each round then
    adds ``budget`` more answers to the training set, picked either by
    :func:`select_for_review` with the current model (strategy ``"active"``) or
    at random (``"random"``), and retrains. Each model is scored on the
    held-out answers.

    Parameters
    ----------
    texts : sequence of str
        Labelled answers.
    labels : sequence of sequences of str, or array of shape (n, k)
        Their label ids (or a 0/1 matrix in codebook order).
    codebook : str, Path, Codebook or None
        The label scheme; ``None`` takes the labels found.
    seed_size : int
        Random answers the first model is trained on.
    budget : int
        Answers added per round.
    rounds : int, default=1
        Rounds of picking and retraining.
    test_size : float, default=0.3
        Share of answers held out for scoring.
    random_state : int, default=0
        Seed of the split, the seed set, the random picks and the models.
    params : dict, default=None
        More :class:`~purposeclf.PurposeClassifier` parameters (e.g. ``cv=3``).

    Returns
    -------
    dict
        ``n_answers``, ``n_test``, ``seed_size``, ``budget``, ``rounds``,
        ``seed`` (``n_train``, ``macro_f1``, ``micro_f1`` of the first model),
        ``active`` and ``random`` (one such dict per round), and
        ``macro_f1_gain`` (final active minus final random macro F1).
    """
    from ._estimator import PurposeClassifier, _binarize
    from .evaluation import multilabel_report

    check_params(
        "simulate_active_learning",
        {
            "seed_size": seed_size,
            "budget": budget,
            "rounds": rounds,
            "test_size": test_size,
        },
        {
            "seed_size": [Interval(numbers.Integral, 2, None)],
            "budget": [Interval(numbers.Integral, 1, None)],
            "rounds": [Interval(numbers.Integral, 1, None)],
            "test_size": [Interval(numbers.Real, 0, 1, closed="neither")],
        },
    )
    strs = [as_text(t) for t in texts]
    Y, cb = _binarize(labels, len(strs), _as_codebook(codebook))
    n = len(strs)
    rng = np.random.RandomState(random_state)
    order = rng.permutation(n)
    n_test = int(round(test_size * n))
    test, pool = order[:n_test], order[n_test:]
    need = seed_size + budget * rounds
    if n_test < 1 or need > len(pool):
        raise DataError(
            f"simulate_active_learning needs seed_size + budget * rounds = {need} "
            f"training answers besides the {n_test} held out, but only {len(pool)} of "
            f"the {n} answers are left. Use a smaller seed_size, budget or rounds, or "
            "more answers."
        )
    test_texts = [strs[i] for i in test]

    def train_and_score(idx: Sequence[int]) -> tuple[Any, dict[str, Any]]:
        idx = list(idx)
        clf = PurposeClassifier(
            codebook=cb, random_state=random_state, **(params or {})
        )
        clf.fit([strs[i] for i in idx], Y[idx])
        rep = multilabel_report(Y[test], clf.decision_matrix(test_texts), cb.ids)
        return clf, {
            "n_train": len(idx),
            "macro_f1": rep["macro_f1"],
            "micro_f1": rep["micro_f1"],
        }

    seed = [int(i) for i in pool[:seed_size]]
    seed_clf, seed_scores = train_and_score(seed)
    logger.info(
        "seed model on %d answers: macro F1 %.3f", seed_size, seed_scores["macro_f1"]
    )
    result: dict[str, Any] = {
        "n_answers": n,
        "n_test": int(n_test),
        "seed_size": int(seed_size),
        "budget": int(budget),
        "rounds": int(rounds),
        "seed": seed_scores,
    }
    for strategy in ("active", "random"):
        pick_rng = np.random.RandomState(random_state)
        chosen = list(seed)
        clf = seed_clf
        history = []
        for r in range(rounds):
            taken = set(chosen)
            remaining = [int(i) for i in pool if int(i) not in taken]
            if strategy == "active":
                picks = select_for_review(
                    [strs[i] for i in remaining],
                    clf,
                    budget=budget,
                    random_state=random_state + r,
                )
            else:
                picks = pick_rng.choice(len(remaining), size=budget, replace=False)
            chosen += [remaining[int(p)] for p in picks]
            clf, scores = train_and_score(chosen)
            scores["round"] = r + 1
            history.append(scores)
            logger.info(
                "%s round %d: %d answers, macro F1 %.3f",
                strategy,
                r + 1,
                len(chosen),
                scores["macro_f1"],
            )
        result[strategy] = history
    result["macro_f1_gain"] = (
        result["active"][-1]["macro_f1"] - result["random"][-1]["macro_f1"]
    )
    return result
