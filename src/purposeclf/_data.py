"""Reading labelled answers for training and evaluation."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .codebook import Codebook
from .exceptions import ColumnNotFoundError, DataError, UnknownLabelError
from .io import open_table
from .text import as_text

__all__ = ["LabelledData", "read_labelled", "parse_labels"]

logger = logging.getLogger(__name__)


@dataclass
class LabelledData:
    """Answers with their label ids, as read from a file.

    ``rows`` holds, for each answer, the row it is on as a spreadsheet shows
    the file: the header is row 1, so the first answer is row 2 (for JSON
    Lines, which has no header row, the record number). Rows skipped while
    reading (empty answers, dropped duplicates) keep their numbers, so these
    are the numbers to look up in the file. Empty when not known.
    """

    texts: list[str]
    labels: list[tuple[str, ...]]
    codebook: Codebook
    source: str = ""
    n_dropped_empty: int = 0
    n_dropped_duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def indicator(self, classes: tuple[str, ...] | list[str]) -> np.ndarray:
        """0/1 matrix of shape (n_answers, len(classes)) of the labels."""
        index = {c: j for j, c in enumerate(classes)}
        Y = np.zeros((len(self.texts), len(index)), dtype=np.int8)
        for i, labs in enumerate(self.labels):
            for lab in labs:
                Y[i, index[lab]] = 1
        return Y

    def sha256(self) -> str:
        h = hashlib.sha256()
        for t, labs in zip(self.texts, self.labels, strict=False):
            h.update(
                t.encode("utf-8", "surrogatepass")
                + b"\x1f"
                + ";".join(labs).encode()
                + b"\x1e"
            )
        return h.hexdigest()


def parse_labels(
    cell: str,
    codebook: Codebook | None,
    *,
    row: int | None = None,
    source: str | None = None,
) -> tuple[str, ...]:
    """Label ids of one labels cell (ids or names separated by ``;``)."""
    out: list[str] = []
    for part in cell.replace(",", ";").replace("|", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if codebook is None:
            lid: str | None = part
        else:
            lid = codebook.resolve(part)
            if lid is None:
                raise UnknownLabelError(part, codebook.ids, row=row, source=source)
        if lid not in out:
            out.append(lid)  # type: ignore[arg-type]
    return tuple(out)


# Cells of a one-column-per-label layout (shared with review files).
TRUE_CELLS = frozenset({"1", "1.0", "true", "yes", "y", "x"})
FALSE_CELLS = frozenset({"", "0", "0.0", "false", "no", "n"})


def _wide_columns(header: list[str], codebook: Codebook | None) -> list[tuple[int, str]]:
    """One-column-per-label layout: (column index, label id) for columns named by labels."""
    if codebook is None:
        return []
    cols = []
    for j, name in enumerate(header):
        lid = codebook.resolve(name)
        if lid is not None:
            cols.append((j, lid))
    return cols


def _wide_labels(
    row: list[object], cols: list[tuple[int, str]], *, row_no: int, source: str
) -> tuple[str, ...]:
    out = []
    for j, lid in cols:
        cell = as_text(row[j]).strip().lower()
        if cell in TRUE_CELLS:
            out.append(lid)
        elif cell not in FALSE_CELLS:
            raise DataError(
                f"{source}, row {row_no}: column {lid!r} holds {cell!r}; one-column-per-label "
                "files need 1 or 0 (or yes/no, x or empty) in each label column."
            )
    return tuple(out)


def _is_review_file(path: str | os.PathLike[str], encoding: str | None) -> bool:
    from .retrain import GUESS_COLUMN

    with open_table(path, encoding=encoding) as table:
        return GUESS_COLUMN in table.header


def read_labelled(
    path: str | os.PathLike[str],
    *,
    codebook: Codebook | None = None,
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
    drop_duplicates: bool = True,
) -> LabelledData:
    """Read labelled answers: a text column and a labels column of ids joined by ``;``.

    The labels column may hold label ids or label names. Without a labels
    column, and with a codebook, a one-column-per-label layout (a column named
    by each label id or name, holding 1/0, yes/no, x or empty) is read instead,
    as spreadsheets export it. Any format :func:`purposeclf.io.open_table`
    reads works (CSV, TSV, XLSX, JSON Lines).

    Row numbers in error messages count data rows from 1 (the header is row 0),
    as a spreadsheet shows them less one.

    Parameters
    ----------
    path : str or Path
        The labelled file.
    codebook : Codebook or None
        Validate labels against it; ``None`` takes the labels found in the file.
    text_column, labels_column : str
        Column names.
    drop_duplicates : bool, default=True
        Drop exact duplicate (text, labels) rows, counting them.

    Raises
    ------
    UnknownLabelError
        A label id is not in the codebook (the message names the row).
    DataError
        The same answer appears with different labels (the message lists them).
    """
    src = str(path)
    if codebook is not None and _is_review_file(path, encoding):
        # A review file written by `purposeclf review` and corrected by a person.
        from .retrain import _read_review

        rtexts, rlabels, rrows = _read_review(
            path, codebook, text_column=text_column, labels_column=labels_column,
            encoding=encoding,
        )
        return LabelledData(rtexts, rlabels, codebook, src, rows=rrows)
    texts: list[str] = []
    labels: list[tuple[str, ...]] = []
    rows: list[int] = []
    seen: dict[str, tuple[str, ...]] = {}
    conflicts: list[str] = []
    n_empty = n_dup = 0
    with open_table(path, encoding=encoding) as table:
        header = table.header
        if text_column not in header:
            raise ColumnNotFoundError(text_column, header, source=src)
        ti = header.index(text_column)
        wide = _wide_columns(header, codebook) if labels_column not in header else None
        if labels_column not in header and not wide:
            raise ColumnNotFoundError(labels_column, header, source=src)
        li = header.index(labels_column) if not wide else -1
        for i, row in enumerate(table.rows, start=1):
            text = as_text(row[ti])
            if wide:
                labs = _wide_labels(row, wide, row_no=i, source=src)
            else:
                labs = parse_labels(as_text(row[li]), codebook, row=i, source=src)
            if not text.strip():
                n_empty += 1
                continue
            key = " ".join(text.split()).lower()
            if key in seen:
                if set(seen[key]) != set(labs):
                    conflicts.append(
                        f"row {i}: {text[:60]!r} is labelled {';'.join(labs) or '(none)'} "
                        f"here and {';'.join(seen[key]) or '(none)'} earlier"
                    )
                    continue
                if drop_duplicates:
                    n_dup += 1
                    continue
            seen[key] = labs
            texts.append(text)
            labels.append(labs)
            rows.append(table.first_row + i - 1)
    if conflicts:
        shown = "\n  ".join(conflicts[:20])
        more = f"\n  ... and {len(conflicts) - 20} more" if len(conflicts) > 20 else ""
        raise DataError(
            f"{src}: the same answer has conflicting labels in {len(conflicts)} "
            f"place(s). Make them agree:\n  {shown}{more}"
        )
    if not texts:
        raise DataError(f"{src} has no labelled answers (every text cell is empty).")
    if codebook is None:
        found = sorted({lab for labs in labels for lab in labs})
        if not found:
            raise DataError(f"{src}: no row has a label; nothing to learn.")
        codebook = Codebook.from_labels(found, scheme=Path(src).stem)
    if n_empty:
        logger.warning("%s: skipped %d rows with an empty answer", src, n_empty)
    if n_dup:
        logger.info("%s: dropped %d exact duplicate rows", src, n_dup)
    return LabelledData(texts, labels, codebook, src, n_empty, n_dup, conflicts, rows)
