"""Writing tables: CSV, TSV, XLSX and JSON Lines, atomically."""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import logging
import math
import os
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..exceptions import DataError
from ._cells import _NOT_XML, _SURROGATE, FORMULA_START, cell_str, defuse
from ._files import AtomicWriter, _FixedTimeZip, atomic_replace, source_date

__all__ = ["TableSink", "open_sink", "write_rows", "output_format"]

logger = logging.getLogger("purposeclf.io")

_EXCEL_MAX_CHARS = 32_767

_EXCEL_MAX_INT = 10**15


def output_format(path: str | os.PathLike[str] | None) -> str:
    """'csv', 'tsv', 'xlsx' or 'jsonl', from the output file's extension."""
    if path in (None, "-"):
        return "csv"
    suffix = Path(path).suffix.lower()  # type: ignore[arg-type]
    return {".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl", ".tsv": "tsv"}.get(
        suffix, "csv"
    )


class TableSink:
    """Writes a header and rows in one format; typed cells where the format has types.

    ``numeric`` names the columns written as numbers in XLSX and JSON Lines
    (probabilities); in CSV everything is text. CSV and TSV written to a file
    start with the UTF-8 byte-order mark Excel needs to read UTF-8 (``bom=False``
    leaves it out; standard output never has one). ``encoding`` overrides that
    choice for the text formats.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None,
        header: Sequence[str],
        *,
        fmt: str | None = None,
        numeric: Sequence[str] = (),
        excel_safe: bool = False,
        text_only: bool = False,
        bom: bool = True,
        encoding: str | None = None,
    ) -> None:
        self.path = path
        self.text_only = text_only  # every cell is already a str (CSV input)
        self.fmt = fmt or output_format(path)
        to_file = path not in (None, "-")
        if encoding is None:
            wants_bom = bom and to_file and self.fmt in ("csv", "tsv")
            encoding = "utf-8-sig" if wants_bom else "utf-8"
        self.encoding = encoding
        self.header = list(header)
        self.excel_safe = excel_safe
        num = set(numeric)
        self._numeric = [i for i, h in enumerate(self.header) if h in num]
        self._ctx: Any = None
        self._tmp: str | None = None

    def __enter__(self) -> TableSink:
        self._n_not_xml = 0
        self._n_too_long = 0
        if self.fmt == "xlsx":
            if self.path in (None, "-"):
                raise DataError("XLSX output needs a file name (-o results.xlsx).")
            import openpyxl

            self._publish = atomic_replace(self.path)  # type: ignore[arg-type]
            self._tmp = self._publish.__enter__()
            self._wb = openpyxl.Workbook(write_only=True)
            self._ws = self._wb.create_sheet("scored")
            self._ws.append([self._xlsx_cell(h) for h in self.header])
            return self
        self._ctx = AtomicWriter(self.path, encoding=self.encoding)
        fh = self._ctx.__enter__()
        self._fh = fh
        if self.fmt in ("csv", "tsv"):
            self._csv = csv.writer(fh, delimiter="\t" if self.fmt == "tsv" else ",")
            self._csv.writerow(
                [defuse(h) for h in self.header] if self.excel_safe else self.header
            )
        return self

    def write(self, rows: Iterable[list[Any]]) -> None:
        if self.fmt in ("csv", "tsv"):
            if self.text_only and not self.excel_safe:
                self._csv.writerows(rows)
                return
            if self.excel_safe:
                rows = ([defuse(cell_str(c)) for c in r] for r in rows)
            else:
                rows = (
                    [c if isinstance(c, str) else cell_str(c) for c in r] for r in rows
                )
            self._csv.writerows(rows)
            return
        rows = list(rows)
        for r in rows:
            for i in self._numeric:
                r[i] = float(r[i]) if r[i] != "" else None
        if self.fmt == "jsonl":
            import json

            h = self.header
            kw: dict[str, Any] = {"ensure_ascii": False, "default": cell_str}
            text = "".join(
                json.dumps(dict(zip(h, r, strict=False)), **kw) + "\n" for r in rows
            )
            if _SURROGATE.search(text):
                # A lone surrogate (read from a \\u escape) cannot be UTF-8; write
                # it back as the same escape, so the value round-trips exactly.
                text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
            self._fh.write(text)
            return
        cell = self._xlsx_cell
        for r in rows:
            self._ws.append([cell(c) for c in r])

    def _xlsx_cell(self, value: Any) -> Any:
        """A value as openpyxl should write it: text stays text, never a formula."""
        if isinstance(value, str):
            if _NOT_XML.search(value):
                self._n_not_xml += 1
                value = _NOT_XML.sub("\ufffd", value)
            if "\r" in value:  # one line break, whether or not openpyxl uses lxml
                value = value.replace("\r\n", "\n").replace("\r", "\n")
            if len(value) > _EXCEL_MAX_CHARS:
                self._n_too_long += 1
            if value.startswith(FORMULA_START):
                from openpyxl.cell import WriteOnlyCell

                c = WriteOnlyCell(self._ws, value=value)
                c.data_type = "s"  # text, never a formula
                return c
            return value
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value if -_EXCEL_MAX_INT < value < _EXCEL_MAX_INT else str(value)
        if isinstance(value, float):
            return value if math.isfinite(value) else cell_str(value)
        if isinstance(value, dict | list):
            return self._xlsx_cell(cell_str(value))
        return value

    def _save_xlsx(self, tmp: str) -> None:
        """Save the workbook without the current time, so equal inputs give equal bytes.

        The workbook's created/modified properties are left out, or set to
        ``SOURCE_DATE_EPOCH`` when that is set; archive members carry that time
        or 1980-01-01.
        """
        from openpyxl.writer.excel import ExcelWriter

        when = source_date()
        props = self._wb.properties
        props.created = props.modified = (when or _dt.datetime(1980, 1, 1)).replace(
            tzinfo=None
        )
        with _FixedTimeZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            if when is not None and when.year >= 1980:
                zf.stamp = when.timetuple()[:6]
            zf.drop_dates = when is None
            ExcelWriter(self._wb, zf).save()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.fmt == "xlsx":
            assert self._tmp is not None
            try:
                if exc_type is None:
                    self._save_xlsx(self._tmp)
            except BaseException as save_exc:
                self._publish.__exit__(type(save_exc), save_exc, save_exc.__traceback__)
                raise
            else:
                self._publish.__exit__(exc_type, exc, tb)
                if exc_type is None:
                    self._warn()
            finally:
                writer = getattr(self._ws, "_writer", None)
                if writer is not None and os.path.exists(writer.out):
                    with contextlib.suppress(Exception):  # openpyxl's sheet temp file
                        writer.close()
                        writer.cleanup()
            return
        self._ctx.__exit__(exc_type, exc, tb)

    def _warn(self) -> None:
        if self._n_not_xml:
            logger.warning(
                "%d cell(s) held characters that XLSX cannot store (control "
                "characters, lone surrogates, U+FFFE/U+FFFF); each was written as "
                "U+FFFD. Write .csv or .jsonl output to keep them.",
                self._n_not_xml,
            )
        if self._n_too_long:
            logger.warning(
                "%d cell(s) were longer than %s characters, the most an XLSX cell "
                "holds, and were cut to that length. Write .csv or .jsonl output to "
                "keep them in full.",
                self._n_too_long,
                f"{_EXCEL_MAX_CHARS:,}",
            )


def open_sink(
    path: str | os.PathLike[str] | None, header: Sequence[str], **kw: Any
) -> TableSink:
    """A :class:`TableSink` for ``path`` (format from its extension).

    Parameters
    ----------
    path : str, Path or None
        The file (``None`` or ``"-"``: standard output, CSV).
    header : sequence of str
        Column names.
    **kw
        More :class:`TableSink` options (``numeric``, ``excel_safe``, ...).

    Returns
    -------
    TableSink
    """
    return TableSink(path, header, **kw)


def write_rows(
    path: str | os.PathLike[str] | None,
    header: Sequence[str],
    rows: Any,
    *,
    numeric: Sequence[str] = (),
) -> None:
    """Write a header and rows atomically, in the format of the extension.

    CSV (also for ``None`` or ``"-"``, stdout), TSV, XLSX or JSON Lines, as
    :class:`TableSink` writes them; ``numeric`` columns are numbers in XLSX and
    JSON Lines.

    Parameters
    ----------
    path : str, Path or None
        The file (``None`` or ``"-"``: standard output).
    header : sequence of str
        Column names.
    rows : iterable of sequences
        The rows.
    numeric : sequence of str, default=()
        Columns written as numbers where the format has numbers.
    """
    with TableSink(path, header, numeric=numeric) as sink:
        sink.write([list(r) for r in rows])
