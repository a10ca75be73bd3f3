"""Opening a survey export of any supported format for streaming."""

from __future__ import annotations

import os
from pathlib import Path

from ..exceptions import DataError
from ._csv import _SNIFF_BYTES, _open_csv
from ._jsonl import _open_jsonl
from ._limits import MAX_CELL_CHARS, _check_limit
from ._table import TableReader
from ._xlsx import _open_xlsx

__all__ = ["open_table"]


def open_table(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    max_cell_chars: int | None = MAX_CELL_CHARS,
    max_rows: int | None = None,
) -> TableReader:
    """Open a survey export for streaming: CSV, TSV, XLSX or JSON Lines.

    Parameters
    ----------
    path : str or Path
        The file. ``.xlsx``/``.xlsm`` is read as a workbook, ``.jsonl``/``.ndjson``
        as JSON Lines, anything else as delimited text.
    encoding : str, default=None
        Text encoding; detected when not given (see :func:`detect_encoding`).
    delimiter : str, default=None
        Sniffed from the header line when not given (comma, semicolon, tab, pipe).
    sheet : str, default=None
        Worksheet of a workbook (default: the first).
    max_cell_chars : int or None, default=MAX_CELL_CHARS
        Longest cell accepted, in characters (10 million); ``None`` for no limit.
        A longer cell raises :class:`DataError` naming the row.
    max_rows : int or None, default=None
        Most data rows accepted (no limit by default). Reading row
        ``max_rows + 1`` raises :class:`DataError`.

    Raises
    ------
    DataError
        The file is missing, empty, binary, in an unreadable encoding, malformed,
        or past a limit (raised while the rows are read).
    """
    path = Path(path)
    limits = (
        _check_limit("max_cell_chars", max_cell_chars),
        _check_limit("max_rows", max_rows),
    )
    if not path.is_file():
        raise DataError(f"Input file {str(path)!r} does not exist.")
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise DataError(f"{path} is empty: there is no header row and no answers.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or (
        head.startswith(b"PK\x03\x04") and b"xl/" in head
    ):
        return _open_xlsx(path, sheet, limits)
    if suffix in (".jsonl", ".ndjson"):
        return _open_jsonl(path, encoding, limits)
    return _open_csv(path, head, encoding, delimiter, limits)
