"""Review files: answers picked for a person to label, read back as training data."""

from __future__ import annotations

import logging
import os

from ..codebook import Codebook, load_codebook
from ..exceptions import ColumnNotFoundError, DataError
from ..io import cell_str, open_table
from ..text import as_text
from ._cells import parse_indicator, parse_labels
from ._data import LabelledData

__all__ = ["GUESS_COLUMN", "read_review_file", "read_review"]

logger = logging.getLogger("purposeclf.labelled")

#: Column of a review file holding the model's guess, left untouched by the
#: reviewer; :func:`read_review_file` uses it to tell which layout was edited.
GUESS_COLUMN = "model_guess"


#: The review file's column where a person marks the rows they checked.
REVIEWED_COLUMN = "reviewed"
REVIEWED_MARKS = frozenset({"y", "yes", "x", "1", "1.0", "true"})


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

    Rows with an empty answer are skipped. A file with a ``reviewed`` column
    (as :func:`write_review_file` writes it, empty) gives only the rows a
    person marked there (``y``, ``yes``, ``x``, ``1``, ``true``, any case): a
    guess nobody checked never goes back into training as if confirmed. The
    count of unmarked rows is logged; a file with none marked is refused.

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
    data = read_review(
        path,
        codebook,
        text_column=text_column,
        labels_column=labels_column,
        encoding=encoding,
    )
    return data.texts, data.labels


def read_review(
    path: str | os.PathLike[str],
    codebook: str | os.PathLike[str] | Codebook,
    *,
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
) -> LabelledData:
    """:func:`read_review_file` as :class:`LabelledData`, with spreadsheet rows."""
    cb = load_codebook(codebook)
    ids = cb.ids
    src = str(path)
    texts: list[str] = []
    labels: list[tuple[str, ...]] = []
    rows: list[int] = []
    n_empty = n_cols_won = n_labels_won = n_unreviewed = 0
    with open_table(path, encoding=encoding) as table:
        header = list(table.header)
        if text_column not in header:
            raise ColumnNotFoundError(text_column, header, source=src)
        ti = header.index(text_column)
        vi = header.index(REVIEWED_COLUMN) if REVIEWED_COLUMN in header else None
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
            if (
                vi is not None
                and cell_str(row[vi]).strip().lower() not in REVIEWED_MARKS
            ):
                n_unreviewed += 1
                continue
            from_labels = (
                set(parse_labels(cell_str(row[li]), cb, row=r, source=src))
                if li is not None
                else None
            )
            from_cols = (
                {
                    c
                    for c, k in zip(ids, cols, strict=True)
                    if parse_indicator(row[k], column=c, row=r, source=src)
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
                    set(parse_labels(cell_str(row[gi]), cb, row=r, source=src))
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
    if n_unreviewed:
        logger.warning(
            "%s: %d rows not marked in the %r column were left out (only rows a "
            "person checked are trained on)",
            src,
            n_unreviewed,
            REVIEWED_COLUMN,
        )
    if not texts and n_unreviewed:
        raise DataError(
            f"{src}: no row is marked in the {REVIEWED_COLUMN!r} column. Put y in it "
            "on each row whose labels you have checked; unchecked guesses are never "
            "trained on."
        )
    if not texts:
        raise DataError(f"{src} has no answers (every text cell is empty).")
    return LabelledData(texts, labels, cb, src, n_dropped_empty=n_empty, rows=rows)
