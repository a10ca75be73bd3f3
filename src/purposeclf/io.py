"""Reading survey exports and writing results safely.

Readers stream rows as lists of strings exactly as they appear in the file, so
every input cell is written back unchanged. Writers go to a temporary file next
to the destination and rename it into place only when complete.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import logging
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .exceptions import DataError

__all__ = ["detect_encoding", "TableReader", "open_table", "AtomicWriter", "write_rows"]

logger = logging.getLogger(__name__)

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_SNIFF_BYTES = 64 * 1024


def detect_encoding(path: Path, *, sample: bytes | None = None) -> str:
    """Guess the encoding of a text export.

    UTF-8 (with or without BOM) and UTF-16 with BOM are recognised; anything that
    is not valid UTF-8 is read as Windows-1252, which is what Excel writes on
    Windows, falling back to Latin-1 for the few bytes cp1252 leaves undefined.
    """
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        dec = codecs.getincrementaldecoder("utf-8")()
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


def _check_not_binary(path: Path, head: bytes, encoding: str) -> None:
    if encoding.startswith("utf-16"):
        return
    if b"\x00" in head:
        raise DataError(
            f"{path} looks like a binary file (it contains NUL bytes), not a CSV/TSV "
            "export. Save it as CSV or XLSX and try again."
        )


@dataclass
class TableReader:
    """Rows of a delimited text file: a header and an iterator of string rows."""

    path: Path
    header: list[str]
    rows: Iterator[list[str]]
    encoding: str
    delimiter: str
    _handle: IO[str] | None = None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()

    def __enter__(self) -> TableReader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _sniff_delimiter(sample: str, path: Path) -> str:
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        return ","
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return best


def open_table(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> TableReader:
    """Open a delimited text export for streaming.

    Parameters
    ----------
    path : str or Path
        CSV or TSV file.
    encoding : str, default=None
        Detected when not given (see :func:`detect_encoding`).
    delimiter : str, default=None
        Sniffed from the header line when not given (comma, semicolon, tab, pipe).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"Input file {str(path)!r} does not exist.")
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise DataError(f"{path} is empty: there is no header row and no answers.")
    enc = encoding or detect_encoding(path)
    _check_not_binary(path, head, enc)
    try:
        codecs.lookup(enc)
    except LookupError:
        raise DataError(f"Unknown encoding {enc!r}; try utf-8 or cp1252.") from None
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
        if enc.startswith("utf") and header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        _check_header(header, path)
    except BaseException:
        handle.close()
        raise
    return TableReader(
        path, header, _rows(reader, len(header), path, enc), enc, delim, handle
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


def _rows(reader: Any, width: int, path: Path, enc: str) -> Iterator[list[str]]:
    try:
        for row in reader:
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
                        f"{path}, line {reader.line_num}: the row has {n} cells but the "
                        f"header has {width} columns. Check the delimiter (--delimiter) "
                        "or quoting of that row."
                    )
                yield row[:width]
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path} cannot be read as {enc} near line {reader.line_num}: {exc.reason}. "
            "Pass --encoding (for example cp1252 or utf-8)."
        ) from None
    except csv.Error as exc:
        raise DataError(
            f"{path}, line {reader.line_num}: malformed CSV ({exc})."
        ) from None


class AtomicWriter:
    """A text file written to a temporary name and renamed into place on success.

    ``path`` of ``None`` or ``"-"`` writes to standard output instead.
    """

    def __init__(self, path: str | os.PathLike[str] | None, *, encoding: str = "utf-8"):
        self.target = None if path in (None, "-") else Path(path)  # type: ignore[arg-type]
        self.encoding = encoding
        self._tmp: str | None = None
        self.handle: IO[str]

    def __enter__(self) -> IO[str]:
        if self.target is None:
            self.handle = (
                io.TextIOWrapper(
                    sys.stdout.buffer,
                    encoding=self.encoding,
                    newline="",
                    write_through=False,
                )
                if hasattr(sys.stdout, "buffer")
                else sys.stdout
            )
            return self.handle
        parent = self.target.parent
        parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(
            prefix=f".{self.target.name}.", suffix=".partial", dir=parent
        )
        self.handle = open(fd, "w", encoding=self.encoding, newline="")
        return self.handle

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.target is None:
            with contextlib.suppress(BrokenPipeError):
                self.handle.flush()
            if (
                isinstance(self.handle, io.TextIOWrapper)
                and self.handle is not sys.stdout
            ):
                self.handle.detach()
            return
        self.handle.close()
        assert self._tmp is not None
        if exc_type is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self._tmp, 0o666 & ~umask)
            os.replace(self._tmp, self.target)
        else:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)


def write_rows(
    path: str | os.PathLike[str] | None, header: Sequence[str], rows: Any
) -> None:
    """Write a header and rows as CSV, atomically."""
    with AtomicWriter(path) as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
