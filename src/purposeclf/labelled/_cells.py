"""Label cells: one parser for label ids and names, one for 0/1 cells.

Every reader of labelled answers (labelled files, review files, the
estimator's label lists) goes through these, so a cell means the same thing
wherever it is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..codebook import Codebook
from ..exceptions import DataError, UnknownLabelError
from ..io import cell_str

__all__ = [
    "TRUE_CELLS",
    "FALSE_CELLS",
    "parse_labels",
    "parse_indicator",
    "indicator_matrix",
    "training_data_sha256",
]


def parse_labels(
    cell: str,
    codebook: Codebook | None,
    *,
    row: int | None = None,
    source: str | None = None,
) -> tuple[str, ...]:
    """Label ids of one labels cell (ids or names separated by ``;``).

    Parameters
    ----------
    cell : str
        The cell: ids or label names separated by ``;`` (also ``,`` or ``|``).
    codebook : Codebook or None
        Resolve names and check ids against it; ``None`` takes the parts as ids.
    row, source : int and str, default=None
        Where the cell is, for error messages.

    Returns
    -------
    tuple of str
        Label ids, each once, in the order written.

    Raises
    ------
    UnknownLabelError
        A part that the codebook does not define.
    """
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


# Cells of a one-column-per-label layout (labelled files and review files).
TRUE_CELLS = frozenset({"1", "1.0", "true", "yes", "y", "x"})
FALSE_CELLS = frozenset({"", "0", "0.0", "false", "no", "n"})


def parse_indicator(cell: object, *, column: str, row: int, source: str) -> bool:
    """Whether a 0/1 cell says the label applies (1, x, yes, true; 0, empty, no).

    Raises
    ------
    DataError
        The cell holds anything else; the message names the row and column.

    Parameters
    ----------
    cell : object
        The cell as read (text, number, bool or empty).
    column : str
        The label id the column stands for.
    row : int
        The cell's spreadsheet row.
    source : str
        The file, for error messages.

    Returns
    -------
    bool
    """
    value = cell_str(cell).strip().lower()
    if value in TRUE_CELLS:
        return True
    if value in FALSE_CELLS:
        return False
    raise DataError(
        f"{source}, row {row}: column {column!r} holds {cell_str(cell)!r}; expected "
        "1 (the label applies) or 0 / empty (it does not), or yes/no, x. Fix the "
        "cell and read the file again."
    )


def indicator_matrix(
    y: Any, n: int, codebook: Codebook | None
) -> tuple[np.ndarray, Codebook]:
    """Label lists (or an indicator matrix) as an (n, k) 0/1 matrix and its codebook.

    Parameters
    ----------
    y : sequence or ndarray of shape (n, k)
        Per answer, a sequence of label ids or a labels cell (parsed with
        :func:`parse_labels`), ``None``/NaN for no label; or a 0/1 matrix whose
        columns follow the codebook's label order.
    n : int
        The number of answers ``y`` must describe.
    codebook : Codebook or None
        The labels; ``None`` takes the ids found (sorted), which an indicator
        matrix cannot do.

    Returns
    -------
    Y : ndarray of int8, shape (n, k)
    codebook : Codebook

    Examples
    --------
    >>> Y, cb = indicator_matrix([["b"], "a;b", None], 3, None)
    >>> cb.ids, Y.tolist()
    (('a', 'b'), [[0, 1], [1, 1], [0, 0]])
    """
    if isinstance(y, np.ndarray) and y.ndim == 2:
        if codebook is None:
            raise DataError(
                "An indicator matrix y needs a codebook to name its columns; "
                "pass codebook=... or give label lists instead."
            )
        if y.shape != (n, len(codebook)):
            raise DataError(
                f"y has shape {y.shape}; expected ({n}, {len(codebook)}) to match "
                "the texts and the codebook's labels."
            )
        return (np.asarray(y) != 0).astype(np.int8), codebook
    rows: list[tuple[str, ...]] = []
    for labs in y:
        if labs is None or (isinstance(labs, float) and np.isnan(labs)):
            rows.append(())
        elif isinstance(labs, str):
            rows.append(parse_labels(labs, None))
        else:
            rows.append(tuple(str(p) for p in labs))
    if len(rows) != n:
        raise DataError(
            f"Got {n} texts but {len(rows)} label entries; they must match."
        )
    if codebook is None:
        seen = sorted({lab for r in rows for lab in r})
        if not seen:
            raise DataError("The training data has no labels at all; nothing to learn.")
        codebook = Codebook.from_labels(seen)
    index = {c: j for j, c in enumerate(codebook.ids)}
    Y = np.zeros((n, len(index)), dtype=np.int8)
    for i, r in enumerate(rows):
        for lab in r:
            j = index.get(lab)
            if j is None:
                raise UnknownLabelError(lab, codebook.ids, row=i + 1)
            Y[i, j] = 1
    return Y, codebook


def training_data_sha256(
    texts: Iterable[str], Y: np.ndarray, classes: Sequence[str]
) -> str:
    """The SHA-256 of training data recorded in model cards.

    Over the label ids, then each answer's text and its row of the indicator
    matrix, in order: the same answers and labels give the same digest.
    """
    h = hashlib.sha256()
    h.update("\x1f".join(classes).encode("utf-8"))
    for t, row in zip(texts, Y, strict=False):
        h.update(b"\x1e")
        h.update(t.encode("utf-8", errors="surrogatepass"))
        h.update(b"\x1f")
        h.update(row.tobytes())
    return h.hexdigest()
