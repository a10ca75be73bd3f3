"""Reading labelled answers for training and evaluation."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ..codebook import Codebook, matching_builtin
from ..exceptions import ColumnNotFoundError, DataError
from ..io import open_table
from ..text import as_text, text_key
from ._cells import parse_indicator, parse_labels
from ._data import LabelledData
from ._review import GUESS_COLUMN, read_review

__all__ = ["LabelledData", "read_labelled", "CONFLICT_RULES"]

logger = logging.getLogger("purposeclf.labelled")


def _wide_columns(
    header: list[str], codebook: Codebook | None
) -> list[tuple[int, str]]:
    """(column index, label id) of the columns named by a label (0/1 layout)."""
    if codebook is None:
        return []
    cols = []
    for j, name in enumerate(header):
        lid = codebook.resolve(name)
        if lid is not None:
            cols.append((j, lid))
    return cols


#: What ``on_conflict`` may be.
CONFLICT_RULES = ("error", "majority", "union", "drop")


def _resolve_conflicts(
    texts: list[str],
    labels: list[tuple[str, ...]],
    rows: list[int],
    keys: list[str],
    conflicted: set[str],
    votes: dict[str, list[tuple[str, ...]]],
    rule: str,
) -> tuple[list[str], list[tuple[str, ...]], list[int]]:
    out_t, out_l, out_r = [], [], []
    for t, labs, r, k in zip(texts, labels, rows, keys, strict=True):
        if k in conflicted:
            if rule == "drop":
                continue
            sets = votes[k]
            order = [lab for s in sets for lab in s]
            if rule == "union":
                labs = tuple(dict.fromkeys(order))
            else:  # majority: a label given by at least half of the rows
                labs = tuple(
                    lab
                    for lab in dict.fromkeys(order)
                    if 2 * sum(lab in s for s in sets) >= len(sets)
                )
        out_t.append(t)
        out_l.append(labs)
        out_r.append(r)
    return out_t, out_l, out_r


def read_labelled(
    path: str | os.PathLike[str],
    *,
    codebook: Codebook | None = None,
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
    drop_duplicates: bool = True,
    on_conflict: str = "error",
) -> LabelledData:
    """Read labelled answers: a text column and a labels column of ids joined by ``;``.

    The labels column may hold label ids or label names. Without a labels
    column, and with a codebook, a one-column-per-label layout (a column named
    by each label id or name, holding 1/0, yes/no, x or empty) is read instead,
    as spreadsheets export it. Any format :func:`purposeclf.io.open_table`
    reads works (CSV, TSV, XLSX, JSON Lines). A review file written by
    ``purposeclf review`` is read with :func:`read_review_file`'s rules.

    Row numbers in error messages count data rows from 1 (the header is row 0),
    as a spreadsheet shows them less one.

    Parameters
    ----------
    path : str or Path
        The labelled file.
    codebook : Codebook or None
        Validate labels against it. ``None`` takes the labels found in the
        file, with the built-in codebook that defines them all when there is
        one (:func:`~purposeclf.codebook.matching_builtin`).
    text_column, labels_column : str
        Column names.
    drop_duplicates : bool, default=True
        Drop exact duplicate (text, labels) rows, counting them.
    on_conflict : {"error", "majority", "union", "drop"}, default="error"
        The same answer with different labels (real files have them: "n/a"
        coded differently under different questions): stop with the list;
        keep one row with each label given by at least half of its rows
        (``majority``) or by any (``union``); or leave the answer out
        (``drop``). The message or a warning gives the count.

    Raises
    ------
    UnknownLabelError
        A label id is not in the codebook (the message names the row).
    DataError
        The same answer appears with different labels (the message lists them).
    """
    src = str(path)
    texts: list[str] = []
    labels: list[tuple[str, ...]] = []
    rows: list[int] = []
    seen: dict[str, tuple[str, ...]] = {}
    conflicts: list[str] = []
    n_empty = n_dup = 0
    if on_conflict not in CONFLICT_RULES:
        raise DataError(
            f"on_conflict must be one of {', '.join(CONFLICT_RULES)}; "
            f"got {on_conflict!r}."
        )
    votes: dict[str, list[tuple[str, ...]]] = {}
    conflicted: set[str] = set()
    keys: list[str] = []
    with open_table(path, encoding=encoding) as table:
        header = table.header
        if codebook is not None and GUESS_COLUMN in header:
            # A review file written by `purposeclf review`, corrected by a person.
            return read_review(
                path,
                codebook,
                text_column=text_column,
                labels_column=labels_column,
                encoding=encoding,
            )
        if text_column not in header:
            raise ColumnNotFoundError(text_column, header, source=src)
        ti = header.index(text_column)
        wide = _wide_columns(header, codebook) if labels_column not in header else None
        if labels_column not in header and not wide:
            raise ColumnNotFoundError(
                labels_column,
                header,
                source=src,
                option="--labels-column",
                hint="A file with one 0/1 column per label is read with the "
                "codebook that names them (--scheme or --codebook).",
            )
        li = header.index(labels_column) if not wide else -1
        for i, row in enumerate(table.rows, start=1):
            text = as_text(row[ti])
            if wide:
                labs = tuple(
                    lid
                    for j, lid in wide
                    if parse_indicator(row[j], column=lid, row=i, source=src)
                )
            else:
                labs = parse_labels(as_text(row[li]), codebook, row=i, source=src)
            if not text.strip():
                n_empty += 1
                continue
            key = text_key(text)
            if key in seen:  # a repeat: remember every row's labels for on_conflict
                votes.setdefault(key, [seen[key]]).append(labs)
            if key in seen:
                if set(seen[key]) != set(labs):
                    conflicts.append(
                        f"row {i}: {text[:60]!r} is labelled "
                        f"{';'.join(labs) or '(none)'} "
                        f"here and {';'.join(seen[key]) or '(none)'} earlier"
                    )
                    conflicted.add(key)
                    continue
                if drop_duplicates:
                    n_dup += 1
                    continue
            seen[key] = labs
            texts.append(text)
            labels.append(labs)
            rows.append(table.first_row + i - 1)
            keys.append(key)
    if conflicts and on_conflict == "error":
        shown = "\n  ".join(conflicts[:5])
        more = f"\n  ... and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
        raise DataError(
            f"{src}: the same answer has conflicting labels in {len(conflicts)} "
            f"place(s) ({len(conflicted)} answers):\n  {shown}{more}\nMake them "
            "agree, or pass --on-conflict majority, union or drop."
        )
    if conflicts:
        texts, labels, rows = _resolve_conflicts(
            texts, labels, rows, keys, conflicted, votes, on_conflict
        )
        logger.warning(
            "%s: %d answers had conflicting labels; --on-conflict %s applied",
            src,
            len(conflicted),
            on_conflict,
        )
    if not texts:
        raise DataError(f"{src} has no labelled answers (every text cell is empty).")
    if codebook is None:
        found = sorted({lab for labs in labels for lab in labs})
        if not found:
            raise DataError(f"{src}: no row has a label; nothing to learn.")
        codebook = matching_builtin(found) or Codebook.from_labels(
            found, scheme=Path(src).stem
        )
    if n_empty:
        logger.warning("%s: skipped %d rows with an empty answer", src, n_empty)
    if n_dup:
        logger.info("%s: dropped %d exact duplicate rows", src, n_dup)
    return LabelledData(texts, labels, codebook, src, n_empty, n_dup, conflicts, rows)
