"""Score answers, rows and files with a model.

Examples
--------
>>> import purposeclf
>>> rows = purposeclf.score_texts(["kept the video consults and the daily huddle"],
...                               model="keep")
>>> sorted(rows[0])[:2]
['keep_labels', 'keep_p_basics_fixed']
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._linear import confidence
from ._persist import ModelBundle, load_model
from .exceptions import ColumnNotFoundError, DataError
from .io import MAX_CELL_CHARS, open_sink, open_table
from .text import as_text

__all__ = [
    "Scorer",
    "ScoreSummary",
    "score_texts",
    "score_file",
    "score_frame",
    "get_scorer",
]

logger = logging.getLogger(__name__)

# Probabilities are written with four decimals; a lookup table is much faster
# than formatting millions of floats one by one.
_PROB_STRINGS = np.array([f"{i / 10000:.4f}" for i in range(10001)], dtype=object)


@dataclass
class ScoreSummary:
    """Counts of labels and camps over a scored file."""

    scheme: str
    labels: tuple[str, ...]
    camps: tuple[str, ...]
    n_rows: int = 0
    n_empty: int = 0
    n_no_label: int = 0
    label_counts: Counter[str] = field(default_factory=Counter)
    camp_counts: Counter[str] = field(default_factory=Counter)
    n_review: int = 0
    seconds: float = 0.0

    def table(self) -> list[tuple[str, str, int, float]]:
        """(kind, id, count, share of rows) for every label, camp and 'no label'."""
        n = max(self.n_rows, 1)
        out = [
            ("label", lab, self.label_counts[lab], self.label_counts[lab] / n)
            for lab in self.labels
        ]
        out += [
            ("camp", c, self.camp_counts[c], self.camp_counts[c] / n)
            for c in self.camps
        ]
        out.append(("none", "no label", self.n_no_label, self.n_no_label / n))
        return out


class Scorer:
    """A loaded model ready to score answers, with the output column names.

    Parameters
    ----------
    bundle : ModelBundle
        A loaded model file (see :func:`purposeclf._persist.load_model`).
    review_below : float or None, default=None
        Mark answers whose confidence is below this value as needing review.
    """

    def __init__(
        self, bundle: ModelBundle, *, review_below: float | None = None
    ) -> None:
        self.bundle = bundle
        self.model = bundle.model
        self.codebook = bundle.model.codebook
        self.scheme = self.codebook.scheme
        self.review_below = review_below
        self._memo: dict[str, np.ndarray] = {}
        self._camp_of = np.array(
            [
                self.codebook.camp_ids.index(lab.camp) if lab.camp else -1
                for lab in self.codebook.labels
            ]
        )

    @property
    def columns(self) -> list[str]:
        s = self.scheme
        cols = [f"{s}_labels"]
        if self.codebook.camps:
            cols.append(f"{s}_camps")
        cols += [f"{s}_p_{lab}" for lab in self.codebook.ids]
        if self.review_below is not None:
            cols.append("needs_review")
        return cols

    def confidence(self, proba: np.ndarray) -> np.ndarray:
        """How sure the model is of each row's decisions (see :func:`confidence`)."""
        return confidence(proba, self.model.thresholds)

    def score_texts(self, texts: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (n, k) and decisions (n, k), scoring each distinct text once.

        Short answers ("n/a", "nothing", "video consults") recur all through
        large files; their probabilities are remembered across calls.
        """
        keys = [t if type(t) is str else as_text(t) for t in texts]
        uniq: dict[str, int] = {}
        inverse = np.fromiter(
            (uniq.setdefault(k, len(uniq)) for k in keys), dtype=np.int64, count=len(keys)
        )
        memo = self._memo
        proba_u = np.empty((len(uniq), len(self.codebook)), dtype=np.float64)
        todo = []
        for text, i in uniq.items():
            hit = memo.get(text)
            if hit is None:
                todo.append(text)
            else:
                proba_u[i] = hit
        if todo:
            fresh = self.model.predict_proba(todo)
            proba_u[[uniq[t] for t in todo]] = fresh
            if len(memo) > 100_000:
                memo.clear()
            for t, row in zip(todo, fresh):
                if len(t) <= 64:
                    memo[t] = row
        proba = proba_u[inverse]
        return proba, self.model.decide(proba)

    def _label_strings(self, decided: np.ndarray) -> tuple[list[str], list[str]]:
        """Label and camp cells per row; each distinct combination is built once."""
        k = decided.shape[1]
        codes = decided.astype(np.int64) @ (np.int64(1) << np.arange(k, dtype=np.int64))
        ids = self.codebook.ids
        camp_ids = self.codebook.camp_ids
        labels_of: dict[int, str] = {}
        camps_of: dict[int, str] = {}
        for code in np.unique(codes).tolist():
            hits = [j for j in range(k) if code >> j & 1]
            labels_of[code] = ";".join(ids[j] for j in hits)
            present = {int(self._camp_of[j]) for j in hits if self._camp_of[j] >= 0}
            camps_of[code] = ";".join(camp_ids[c] for c in sorted(present))
        codes_l = codes.tolist()
        return [labels_of[c] for c in codes_l], [camps_of[c] for c in codes_l]

    def format_rows(self, proba: np.ndarray, decided: np.ndarray) -> list[list[str]]:
        """The new output cells for each row, in :attr:`columns` order."""
        labels, camps = self._label_strings(decided)
        p_str = _PROB_STRINGS[np.rint(np.clip(proba, 0, 1) * 10000).astype(np.int64)].tolist()
        lead: list[list[str]]
        if self.codebook.camp_ids:
            lead = [[a, b] for a, b in zip(labels, camps)]
        else:
            lead = [[a] for a in labels]
        if self.review_below is not None:
            review = (self.confidence(proba) < self.review_below).tolist()
            return [a + p + ["yes" if r else "no"] for a, p, r in zip(lead, p_str, review)]
        return [a + p for a, p in zip(lead, p_str)]


def get_scorer(
    model: str | os.PathLike[str] | ModelBundle = "keep",
    *,
    review_below: float | None = None,
) -> Scorer:
    """A :class:`Scorer` for a bundled model name, a model path or a loaded bundle.

    Parameters
    ----------
    model : str, Path or ModelBundle, default="keep"
        Bundled scheme name, model file, or a model loaded with
        :func:`purposeclf.load_model`.
    review_below : float, default=None
        Add a ``needs_review`` column marking answers whose confidence is below it.

    Returns
    -------
    Scorer
    """
    bundle = model if isinstance(model, ModelBundle) else load_model(model)
    if review_below is not None and not 0 < review_below < 1:
        raise ValueError(f"review_below must be in (0, 1); got {review_below!r}.")
    return Scorer(bundle, review_below=review_below)


def score_texts(
    texts: Sequence[object], *, model: str | os.PathLike[str] | ModelBundle = "keep"
) -> list[dict[str, Any]]:
    """Score answers and return one dict per answer with the output columns.

    Parameters
    ----------
    texts : sequence of str
        Answers (``None`` and NaN are empty answers).
    model : str or Path, default="keep"
        A bundled scheme name or a model file.
    """
    scorer = get_scorer(model)
    proba, decided = scorer.score_texts(texts)
    cols = scorer.columns
    return [dict(zip(cols, row, strict=False)) for row in scorer.format_rows(proba, decided)]


def _update_summary(
    summary: ScoreSummary,
    scorer: Scorer,
    texts: Sequence[str],
    decided: np.ndarray,
    new_cells: list[list[str]],
) -> None:
    summary.n_rows += len(texts)
    summary.n_empty += sum(1 for t in texts if not t.strip())
    counts = decided.sum(axis=0)
    for j, lab in enumerate(scorer.codebook.ids):
        summary.label_counts[lab] += int(counts[j])
    summary.n_no_label += int((~decided.any(axis=1)).sum())
    if scorer.codebook.camps:
        for cells in new_cells:
            for c in cells[1].split(";"):
                if c:
                    summary.camp_counts[c] += 1
    if scorer.review_below is not None:
        summary.n_review += sum(1 for cells in new_cells if cells[-1] == "yes")


def score_file(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    model: str | os.PathLike[str] | ModelBundle = "keep",
    text_column: str = "text",
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    excel_safe: bool = False,
    chunk_size: int = 5_000,
    jobs: int = 1,
    review_below: float | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    max_cell_chars: int | None = MAX_CELL_CHARS,
    max_rows: int | None = None,
) -> ScoreSummary:
    """Score every row of an export (CSV, TSV, XLSX, JSON Lines) and write it back.

    The output format follows the output file's extension (``.csv``, ``.tsv``,
    ``.xlsx``, ``.jsonl``); standard output is CSV.

    Every input row is written, in input order, with every input cell unchanged,
    followed by ``<scheme>_labels`` (label ids joined by ``;``), ``<scheme>_camps``
    (for schemes with camps) and one ``<scheme>_p_<label>`` probability column
    per label. The output is written to a temporary file and renamed into place
    when complete.

    Parameters
    ----------
    input : str or Path
        The export to score.
    output : str or Path or None, default=None
        Destination; ``None`` or ``"-"`` writes to standard output.
    model : str or Path, default="keep"
        Bundled scheme (``"keep"``, ``"purpose"``) or model file.
    text_column : str, default="text"
        Column holding the answers.
    encoding, delimiter : str, default=None
        Detected when not given.
    sheet : str, default=None
        Worksheet of an XLSX input (default: the first).
    excel_safe : bool, default=False
        In CSV/TSV output, prefix ``'`` to cells and column names starting with
        ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (plain numbers such
        as ``-3`` excepted) so spreadsheets do not run them as formulas. XLSX
        output is always safe: such cells are written as text.
    chunk_size : int, default=5_000
        Rows scored at a time; memory stays flat whatever the file size.
    jobs : int, default=1
        Worker processes scoring chunks in parallel (each loads the model once);
        the output is identical, row for row, to ``jobs=1``.
    review_below : float, default=None
        Add a ``needs_review`` column marking rows whose confidence is below it.
    force : bool, default=False
        Allow the output to replace the input file.
    progress : callable, default=None
        Called with the number of rows done after each chunk.
    max_cell_chars : int or None, default=10_000_000
        Refuse (with :class:`DataError`, before writing anything) an input cell
        longer than this; ``None`` for no limit.
    max_rows : int or None, default=None
        Refuse an input with more rows than this.

    Returns
    -------
    ScoreSummary
    """
    t0 = time.perf_counter()
    in_path = Path(input)
    _check_output_is_not_input(in_path, output, force)
    scorer = get_scorer(model, review_below=review_below)
    with open_table(
        in_path,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        max_cell_chars=max_cell_chars,
        max_rows=max_rows,
    ) as table:
        summary = _write_scored(
            table,
            output,
            scorer,
            lambda rows, ti: _scored_chunks(scorer, rows, ti, chunk_size, jobs),
            text_column=text_column,
            source=str(in_path),
            excel_safe=excel_safe,
            progress=progress,
        )
    summary.seconds = time.perf_counter() - t0
    logger.info(
        "scored %s rows in %.2f s (%.0f rows/s)",
        f"{summary.n_rows:,}",
        summary.seconds,
        summary.n_rows / max(summary.seconds, 1e-9),
    )
    return summary


def _check_output_is_not_input(
    in_path: Path, output: str | os.PathLike[str] | None, force: bool
) -> None:
    if output in (None, "-"):
        return
    out_path = Path(output)  # type: ignore[arg-type]
    if (
        out_path.exists()
        and in_path.exists()
        and out_path.resolve() == in_path.resolve()
        and not force
    ):
        raise DataError(
            f"The output {str(out_path)!r} is the input file; pass --force to overwrite it."
        )


ScoredChunks = Iterator[tuple[list[list[Any]], list[str], tuple[np.ndarray, np.ndarray]]]


def _write_scored(
    table: Any,
    output: str | os.PathLike[str] | None,
    scorer: Scorer,
    scored_chunks: Callable[[Iterable[list[Any]], int], ScoredChunks],
    *,
    text_column: str,
    source: str,
    excel_safe: bool,
    progress: Callable[[int], None] | None,
) -> ScoreSummary:
    """Write every row of ``table`` with its scores; what every engine shares.

    ``scored_chunks(rows, text_index)`` yields ``(rows, texts, (proba,
    decisions))`` chunk by chunk in input order; it is where engines differ
    (this process, worker processes, a Dask cluster). It is closed when
    writing stops, early or not, so it can release its workers.
    """
    summary = ScoreSummary(scorer.scheme, scorer.codebook.ids, scorer.codebook.camp_ids)
    header = table.header
    if text_column not in header:
        raise ColumnNotFoundError(text_column, header, source=source)
    ti = header.index(text_column)
    new_cols = scorer.columns
    replace = [c for c in new_cols if c in header]
    if replace:
        logger.warning("replacing existing columns %s with new scores", ", ".join(replace))
    keep_idx = [i for i, c in enumerate(header) if c not in set(new_cols)]
    out_header = [header[i] for i in keep_idx] + new_cols
    numeric = [c for c in new_cols if c.startswith(f"{scorer.scheme}_p_")]
    with (
        open_sink(
            output,
            out_header,
            numeric=numeric,
            excel_safe=excel_safe,
            text_only=table.kind == "csv",
        ) as sink,
        contextlib.closing(scored_chunks(table.rows, ti)) as chunks,
    ):
        for chunk, texts, (proba, decided) in chunks:
            new_cells = scorer.format_rows(proba, decided)
            if replace:
                sink.write([r[i] for i in keep_idx] + c for r, c in zip(chunk, new_cells))
            else:
                sink.write(r + c for r, c in zip(chunk, new_cells))
            _update_summary(summary, scorer, texts, decided, new_cells)
            if progress is not None:
                progress(summary.n_rows)
    return summary


_WORKER_SCORERS: dict[str, Scorer] = {}


def _worker_score(path: str, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    scorer = _WORKER_SCORERS.get(path)
    if scorer is None:
        scorer = _WORKER_SCORERS[path] = get_scorer(path)
    return scorer.score_texts(texts)


def _scored_chunks(
    scorer: Scorer, rows: Iterable[list[Any]], ti: int, size: int, jobs: int
) -> Iterator[tuple[list[list[Any]], list[str], tuple[np.ndarray, np.ndarray]]]:
    """(rows, texts, (proba, decisions)) per chunk, in input order."""
    chunks = (
        (c, [t if type(t := r[ti]) is str else as_text(t) for r in c])
        for c in _chunks(rows, size)
    )
    if jobs == 1:
        for c, texts in chunks:
            yield c, texts, scorer.score_texts(texts)
        return
    from collections import deque

    from joblib import Parallel, delayed

    path = scorer.bundle.path
    pending: deque[tuple[list[list[Any]], list[str]]] = deque()

    def tasks() -> Iterator[Any]:
        for c, texts in chunks:
            pending.append((c, texts))
            yield delayed(_worker_score)(path, texts)

    with Parallel(n_jobs=jobs, return_as="generator", pre_dispatch="2*n_jobs") as par:
        for result in par(tasks()):
            c, texts = pending.popleft()
            yield c, texts, result


def score_frame(
    df: Any,
    *,
    text_column: str = "text",
    model: str | os.PathLike[str] | ModelBundle = "keep",
    review_below: float | None = None,
    chunk_size: int = 50_000,
) -> Any:
    """Score a pandas DataFrame: a new frame, same index, with the output columns.

    Parameters
    ----------
    df : pandas.DataFrame
        The answers; other columns are kept as they are.
    text_column : str, default="text"
        Column holding the answers (missing values are empty answers).
    model : str or Path, default="keep"
        A bundled scheme name or a model file.
    review_below : float, default=None
        Add a ``needs_review`` column (see :func:`score_file`).

    Returns
    -------
    pandas.DataFrame
        ``df``'s columns followed by the label, camp and probability columns
        (probabilities as floats).

    Examples
    --------
    >>> import pandas as pd
    >>> from purposeclf import score_frame
    >>> df = pd.DataFrame({"text": ["evening and weekend hub appointments", None]},
    ...                   index=[10, 20])
    >>> out = score_frame(df, model="purpose")
    >>> out.loc[10, "purpose_labels"], out.loc[20, "purpose_labels"]
    ('extended_hours', '')
    """
    import pandas as pd

    if text_column not in df.columns:
        raise ColumnNotFoundError(text_column, [str(c) for c in df.columns], source="the DataFrame")
    scorer = get_scorer(model, review_below=review_below)
    texts = [as_text(t) for t in df[text_column].tolist()]
    parts = []
    for start in range(0, len(texts), chunk_size):
        proba, decided = scorer.score_texts(texts[start : start + chunk_size])
        parts.append(scorer.format_rows(proba, decided))
    cells = [row for part in parts for row in part]
    new = pd.DataFrame(cells, columns=scorer.columns, index=df.index)
    for c in scorer.columns:
        if c.startswith(f"{scorer.scheme}_p_"):
            new[c] = new[c].astype(float)
    return pd.concat([df.drop(columns=[c for c in scorer.columns if c in df.columns]), new], axis=1)


def _chunks(rows: Iterable[list[str]], size: int) -> Iterable[list[list[str]]]:
    chunk: list[list[str]] = []
    for r in rows:
        chunk.append(r)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
