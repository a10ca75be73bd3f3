"""Scoring a whole export: every row back, in order, with its scores."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..exceptions import DataError
from ..io import MAX_CELL_CHARS, open_table
from ._local import scored_chunks
from ._scorer import ScoreSummary, get_scorer
from ._write import write_scored

__all__ = ["score_file", "check_not_input"]

logger = logging.getLogger("purposeclf.scoring")


def score_file(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    model: str | os.PathLike[str] | Any = "keep",
    text_column: str | None = None,
    header_rows: int | None = None,
    by: str | list[str] | tuple[str, ...] = (),
    keep_decisions: bool = False,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    excel_safe: bool = False,
    bom: bool = True,
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
    model : str, Path or a loaded model, default="keep"
        Bundled model (``"keep"``, ``"purpose"``, ``"keep.v1"``), model file,
        or a model loaded or fitted in Python (see :func:`get_scorer`).
    text_column : str or None, default=None
        Column holding the answers: its name (case, spacing and a trailing
        ``?`` or ``:`` may differ when that matches one column only) or its
        spreadsheet letter (``"F"``). ``None``: a column named ``text``; else
        the column headed with the scheme's question; else the one column whose
        values look like free text (never IDs, dates, numbers or pick-lists).
        :attr:`ScoreSummary.text_column` says which was used.
    header_rows : int or None, default=None
        Rows after the header that are more header (a SurveyMonkey or
        Qualtrics export's question and ImportId rows): written back unchanged,
        never scored or counted. ``None`` recognises SurveyMonkey, Qualtrics,
        Microsoft Forms, Google Forms and SmartSurvey exports by their header
        (:attr:`ScoreSummary.export` says which); ``0`` for none.
    by : str or sequence of str, default=()
        Grouping column(s): the summary keeps each answer's decisions and
        group, for :func:`purposeclf.findings.shares_from_decisions`.
    keep_decisions : bool, default=False
        Keep every answer's decisions in the summary even without ``by``.
    encoding, delimiter : str, default=None
        Detected when not given.
    sheet : str, default=None
        Worksheet of an XLSX input (default: the first).
    excel_safe : bool, default=False
        In CSV/TSV output, prefix ``'`` to cells and column names starting with
        ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (plain numbers such
        as ``-3`` excepted) so spreadsheets do not run them as formulas. XLSX
        output is always safe: such cells are written as text.
    bom : bool, default=True
        Start CSV/TSV written to a file with the UTF-8 byte-order mark, so Excel
        shows ``£``, ``é`` and curly quotes as they are (standard output never
        has one).
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
    check_not_input(in_path, output, force)
    scorer = get_scorer(model, review_below=review_below)
    with open_table(
        in_path,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        max_cell_chars=max_cell_chars,
        max_rows=max_rows,
    ) as table:
        summary = write_scored(
            table,
            output,
            scorer,
            lambda rows, ti: scored_chunks(scorer, rows, ti, chunk_size, jobs),
            text_column=text_column,
            header_rows=header_rows,
            by=[by] if isinstance(by, str) else list(by),
            keep_decisions=keep_decisions,
            source=str(in_path),
            excel_safe=excel_safe,
            bom=bom,
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


def check_not_input(
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
            f"The output {str(out_path)!r} is the input file; pass --force to "
            "overwrite it."
        )
