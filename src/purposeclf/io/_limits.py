"""Input limits and the errors they raise, shared by every reader."""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..exceptions import DataError

__all__ = ["MAX_CELL_CHARS"]

MAX_CELL_CHARS = 10_000_000
"""Default limit on the characters in one input cell (a 1 MB answer is fine)."""

_CSV_FIELD_LIMIT_MAX = min(sys.maxsize, 2**31 - 1)


def _raise_csv_field_limit(max_cell_chars: int | None) -> None:
    """Let the csv module read cells up to the limit (its own default is 131,072).

    The csv module's limit is process-wide, so it is only ever raised, never
    lowered; each reader also checks its own limit.
    """
    want = _CSV_FIELD_LIMIT_MAX if max_cell_chars is None else max_cell_chars + 1
    want = min(want, _CSV_FIELD_LIMIT_MAX)
    if csv.field_size_limit() < want:
        csv.field_size_limit(want)


def _check_limit(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"The {name!r} parameter of open_table must be a positive int or None. "
            f"Got {value!r} instead."
        )
    return value


def _cell_too_long(
    path: Path, row: int, n_chars: int | None, limit: int, where: str = ""
) -> DataError:
    size = f" ({n_chars:,})" if n_chars is not None else ""
    at = f"row {row}{where}" if row else "the header row"
    return DataError(
        f"{path}, {at}: a cell is longer than the limit of {limit:,} "
        f"characters{size}. If the file is right, raise the limit: "
        "max_cell_chars=N (--max-cell-chars N on the command line)."
    )


def _too_many_rows(path: Path, limit: int) -> DataError:
    return DataError(
        f"{path} has more than {limit:,} rows (the limit); row {limit + 1:,} was "
        "not read. If the file is right, raise the limit: max_rows=N "
        "(--max-rows N on the command line)."
    )


def _check_header(header: Sequence[str], path: Path) -> None:
    seen: dict[str, int] = {}
    for name in header:
        seen[name] = seen.get(name, 0) + 1
    dups = [n for n, c in seen.items() if c > 1]
    if dups:
        raise DataError(
            f"{path} has duplicate column names: {', '.join(repr(d) for d in dups)}. "
            "Rename them so every column is unique."
        )
