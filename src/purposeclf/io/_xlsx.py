"""Excel workbooks (.xlsx, .xlsm), read with openpyxl in read-only mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..exceptions import DataError
from ._cells import cell_str
from ._limits import _cell_too_long, _check_header, _too_many_rows
from ._table import TableReader


def _open_xlsx(
    path: Path, sheet: str | None, limits: tuple[int | None, int | None]
) -> TableReader:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise DataError(
            "Reading .xlsx files needs openpyxl: pip install openpyxl"
        ) from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise DataError(
            f"{path} cannot be read as an Excel workbook ({exc})."
        ) from None
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise DataError(
                    f"{path} has no sheet {sheet!r}. Sheets: "
                    + ", ".join(repr(n) for n in wb.sheetnames)
                )
            ws = wb[sheet]
        else:
            ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        first = next(it, None)
        if first is None:
            raise DataError(f"{path}: the sheet {ws.title!r} is empty.")
        header = [cell_str(c) for c in first]
        while header and header[-1] == "":
            header.pop()
        if not header:
            raise DataError(
                f"{path}: the first row of sheet {ws.title!r} has no column names."
            )
        _check_header(header, path)
    except BaseException:
        wb.close()
        raise
    width = len(header)
    max_cell, max_rows = limits

    def rows() -> Iterator[list[Any]]:
        try:
            for n, r in enumerate(it, 1):
                if max_rows is not None and n > max_rows:
                    raise _too_many_rows(path, max_rows)
                if max_cell is not None:
                    for c in r:
                        if isinstance(c, str) and len(c) > max_cell:
                            raise _cell_too_long(path, n, len(c), max_cell)
                row = list(r[:width])
                if len(row) < width:
                    row += [None] * (width - len(row))
                if any(c not in (None, "") for c in r[width:]):
                    raise DataError(
                        f"{path}: a row has values beyond the last named column; "
                        "give every column a name in the first row."
                    )
                yield row
        finally:
            wb.close()

    return TableReader(path, header, rows(), "xlsx", "", wb, kind="xlsx")  # type: ignore[arg-type]
