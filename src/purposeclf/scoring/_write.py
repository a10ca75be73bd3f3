"""Writing scored rows: what every engine (local, worker processes, Dask) shares."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from ..io import (
    SAMPLE_ROWS,
    ExportLayout,
    column_letter,
    detect_export,
    open_sink,
    resolve_column,
)
from ._scorer import Scorer, ScoreSummary

__all__ = ["ScoredChunks", "write_scored", "chunked"]

logger = logging.getLogger("purposeclf.scoring")

#: What an engine yields per chunk, in input order: the rows, their answers,
#: and the (probabilities, decisions) of the answers.
ScoredChunks = Generator[
    tuple[list[list[Any]], list[str], tuple[np.ndarray, np.ndarray]], None, None
]


def write_scored(
    table: Any,
    output: str | os.PathLike[str] | None,
    scorer: Scorer,
    scored_chunks: Callable[[Iterable[list[Any]], int], ScoredChunks],
    *,
    text_column: str | None,
    source: str,
    excel_safe: bool,
    progress: Callable[[int], None] | None,
    bom: bool = True,
    header_rows: int | None = None,
    by: Sequence[str] = (),
    keep_decisions: bool = False,
) -> ScoreSummary:
    """Write every row of ``table`` with its scores; what every engine shares.

    ``scored_chunks(rows, text_index)`` yields ``(rows, texts, (proba,
    decisions))`` chunk by chunk in input order; it is where engines differ
    (this process, worker processes, a Dask cluster). It is closed when
    writing stops, early or not, so it can release its workers.
    """
    summary = ScoreSummary(scorer.scheme, scorer.codebook.ids, scorer.codebook.camp_ids)
    header = table.header
    sample = list(itertools.islice(table.rows, SAMPLE_ROWS))
    if header_rows is None:
        layout = detect_export(header, sample[:2])
    else:
        layout = ExportLayout("", header_rows)
    n_extra = min(layout.extra_header_rows, len(sample))
    extra, sample = sample[:n_extra], sample[n_extra:]
    rows = itertools.chain(sample, table.rows)
    summary.export = layout.describe()
    summary.n_header_rows = n_extra
    choice = resolve_column(
        header,
        text_column,
        sample=sample,
        questions=[scorer.codebook.question] if scorer.codebook.question else [],
        header_rows=extra,
        source=source,
    )
    ti = choice.index
    by_idx = [resolve_column(header, b, source=source, option="--by").index for b in by]
    if by_idx or keep_decisions:
        summary.decisions = []
        summary.groups = {header[j]: [] for j in by_idx}
    summary.model = scorer.bundle
    summary.text_column = choice.name
    summary.text_column_how = choice.how
    if choice.how not in ("named",):
        logger.info(
            "answers in column %s %r (%s)", column_letter(ti), choice.name, choice.how
        )
    new_cols = scorer.columns
    replace = [c for c in new_cols if c in header]
    if replace:
        logger.warning(
            "replacing existing columns %s with new scores", ", ".join(replace)
        )
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
            bom=bom,
        ) as sink,
        contextlib.closing(scored_chunks(rows, ti)) as chunks,
    ):
        if extra:  # survey-tool header rows: written back as they are, not scored
            blank = [""] * len(new_cols)
            sink.write([[r[i] for i in keep_idx] + blank for r in extra])
        for chunk, texts, (proba, decided) in chunks:
            new_cells = scorer.format_rows(proba, decided)
            if replace:
                sink.write(
                    [r[i] for i in keep_idx] + c
                    for r, c in zip(chunk, new_cells, strict=True)
                )
            else:
                sink.write(r + c for r, c in zip(chunk, new_cells, strict=True))
            summary.add(scorer, texts, decided, new_cells)
            if summary.decisions is not None:
                summary.decisions.append(np.asarray(decided, dtype=bool))
                for j in by_idx:
                    summary.groups[header[j]].extend(r[j] for r in chunk)
            if progress is not None:
                progress(summary.n_rows)
    return summary


def chunked(rows: Iterable[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    """Rows in lists of ``size`` (the last one shorter), in order."""
    chunk: list[list[Any]] = []
    for r in rows:
        chunk.append(r)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
