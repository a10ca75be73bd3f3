"""Delimited text exports (CSV, TSV, semicolon- or pipe-separated)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..exceptions import DataError
from ._limits import (
    _cell_too_long,
    _check_header,
    _raise_csv_field_limit,
    _too_many_rows,
)
from ._table import TableReader

__all__ = ["detect_encoding"]

_SNIFF_BYTES = 64 * 1024


def detect_encoding(path: Path) -> str:
    """Guess the encoding of a text export.

    UTF-8 (with or without BOM) and UTF-16 with BOM are recognised; anything that
    is not valid UTF-8 is read as Windows-1252, which is what Excel writes on
    Windows, falling back to Latin-1 for the few bytes cp1252 leaves undefined.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str
        ``"utf-8-sig"``, ``"utf-16"``, ``"utf-8"``, ``"cp1252"`` or ``"latin-1"``.
    """
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        dec: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while True:
                block = fh.read(1 << 20)
                if not block:
                    dec.decode(b"", final=True)
                    return "utf-8"
                dec.decode(block)
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        dec = codecs.getincrementaldecoder("cp1252")()
        try:
            while True:
                block = fh.read(1 << 20)
                if not block:
                    return "cp1252"
                dec.decode(block)
        except UnicodeDecodeError:
            return "latin-1"


# Files people mistake for CSV: ZIP (xlsx/docx), old .xls/.doc, PDF, gzip.
_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x1f\x8b")


def _check_not_binary(path: Path, head: bytes, encoding: str) -> None:
    """Refuse binary files, but not valid UTF-8 text with a NUL in a cell.

    A NUL is a valid character; binary files and UTF-16 without a byte-order
    mark give themselves away by their first bytes, by not being UTF-8, or by a
    header line in which every other byte is NUL.
    """
    if encoding.startswith("utf-16"):
        return
    binary = head.startswith(_BINARY_MAGIC)
    if not binary and b"\x00" in head:
        first = head.split(b"\n", 1)[0][:4096]
        half = max(1, len(first) // 2)
        utf16ish = max(first[0::2].count(0), first[1::2].count(0)) >= 0.4 * half
        binary = utf16ish or not encoding.startswith("utf-8")
    if binary:
        raise DataError(
            f"{path} looks like a binary file (it contains NUL bytes), not a CSV/TSV "
            "export. Save it as CSV or XLSX and try again (UTF-16 text needs a "
            "byte-order mark, or --encoding utf-16-le)."
        )


def _sniff_delimiter(sample: str, path: Path) -> str:
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        return ","
    if sum(1 for n in counts.values() if n) == 1:
        # Only one candidate separates the column names: the answers below
        # (full of commas, semicolons or pipes) must not outvote it.
        return best
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return best


def _open_csv(
    path: Path,
    head: bytes,
    encoding: str | None,
    delimiter: str | None,
    limits: tuple[int | None, int | None],
) -> TableReader:
    enc = encoding or detect_encoding(path)
    _check_not_binary(path, head, enc)
    try:
        codecs.lookup(enc)
    except LookupError:
        raise DataError(f"Unknown encoding {enc!r}; try utf-8 or cp1252.") from None
    _raise_csv_field_limit(limits[0])
    handle = path.open("r", encoding=enc, newline="", errors="strict")
    try:
        sample = handle.read(_SNIFF_BYTES)
        handle.seek(0)
        delim = delimiter or _sniff_delimiter(sample, path)
        reader = csv.reader(handle, delimiter=delim)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{path} is empty: there is no header row.") from None
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{path} cannot be read as {enc}: {exc}. Pass --encoding."
            ) from None
        except csv.Error as exc:
            if limits[0] is not None and "field limit" in str(exc):
                raise _cell_too_long(path, 0, None, limits[0]) from None
            raise DataError(f"{path}, line 1: malformed CSV ({exc}).") from None
        if enc.startswith("utf") and header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        _check_header(header, path)
    except BaseException:
        handle.close()
        raise
    if limits[0] is not None and header and max(map(len, header)) > limits[0]:
        handle.close()
        raise _cell_too_long(path, 0, max(map(len, header)), limits[0])
    return TableReader(
        path, header, _rows(reader, len(header), path, enc, limits), enc, delim, handle
    )


def _rows(
    reader: Any,
    width: int,
    path: Path,
    enc: str,
    limits: tuple[int | None, int | None] = (None, None),
) -> Iterator[list[str]]:
    max_cell, max_rows = limits
    n_rows = 0
    try:
        for row in reader:
            n_rows += 1
            if max_rows is not None and n_rows > max_rows:
                raise _too_many_rows(path, max_rows)
            if max_cell is not None and row and max(map(len, row)) > max_cell:
                longest = max(map(len, row))
                where = f" (line {reader.line_num})"
                raise _cell_too_long(path, n_rows, longest, max_cell, where)
            n = len(row)
            if n == width:
                yield row
            elif n < width:
                if n == 0:
                    row = [""] * width
                else:
                    row = row + [""] * (width - n)
                yield row
            else:
                extra = row[width:]
                if any(c.strip() for c in extra):
                    raise DataError(
                        f"{path}, line {reader.line_num}: the row has {n} cells but "
                        f"the header has {width} columns. Check the delimiter "
                        "(--delimiter) or quoting of that row."
                    )
                yield row[:width]
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path} cannot be read as {enc} near line {reader.line_num}: "
            f"{exc.reason}. Pass --encoding (for example cp1252 or utf-8)."
        ) from None
    except csv.Error as exc:
        if max_cell is not None and "field limit" in str(exc):
            raise _cell_too_long(
                path, n_rows + 1, None, max_cell, f" (near line {reader.line_num})"
            ) from None
        raise DataError(
            f"{path}, line {reader.line_num}: malformed CSV ({exc})."
        ) from None
