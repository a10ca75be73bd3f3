"""Reading survey exports and writing results safely.

Readers stream rows as lists of strings exactly as they appear in the file, so
every input cell is written back unchanged. Writers go to a temporary file next
to the destination and rename it into place only when complete.

Limits and the few places where a cell cannot be written back exactly:

* Readers refuse a cell longer than ``max_cell_chars`` characters (default
  :data:`MAX_CELL_CHARS`, 10 million) and, if asked, a file with more than
  ``max_rows`` rows, with an error naming the row, the limit and how to raise it.
* CSV and TSV output is UTF-8, which cannot hold a lone surrogate (only a JSON
  Lines input can contain one, as a ``\\udXXX`` escape); each is written as
  U+FFFD and a warning gives the count. JSON Lines output writes it back as the
  same escape, so the value round-trips exactly.
* XLSX output cannot hold control characters other than tab, line feed and
  carriage return, lone surrogates, U+FFFE or U+FFFF (XML forbids them); each is
  written as U+FFFD and a warning gives the count. XML also turns a carriage
  return inside a cell into a line feed. A cell holds at most 32,767 characters:
  longer text is cut to that length, with a warning. Integers of 16 digits or
  more are written as text, because Excel keeps only 15 significant digits;
  other numbers keep 16 significant digits.
* Every text cell of an XLSX output is a string cell, never a formula. With
  ``excel_safe`` (``--excel-safe``), CSV/TSV cells and column names that start
  with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading ``'``
  unless they are plain numbers such as ``-3`` or ``+4.5e2``, which a spreadsheet
  reads as numbers, never as formulas.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as _dt
import io
import logging
import math
import os
import re
import secrets
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .exceptions import DataError

__all__ = [
    "MAX_CELL_CHARS",
    "detect_encoding",
    "TableReader",
    "open_table",
    "AtomicWriter",
    "write_rows",
    "TableSink",
    "open_sink",
    "output_format",
]

logger = logging.getLogger(__name__)

MAX_CELL_CHARS = 10_000_000
"""Default limit on the characters in one input cell (a 1 MB answer is fine)."""

_SNIFF_BYTES = 64 * 1024
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


@dataclass
class TableReader:
    """Rows of a delimited text file: a header and an iterator of string rows."""

    path: Path
    header: list[str]
    rows: Iterator[list[str]]
    encoding: str
    delimiter: str
    _handle: IO[str] | None = None
    kind: str = "csv"

    @property
    def first_row(self) -> int:
        """The number a spreadsheet shows for the first data row: 2, after the
        header, or 1 for JSON Lines (no header line: the record number)."""
        return 1 if self.kind == "jsonl" else 2

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
    if sum(1 for n in counts.values() if n) == 1:
        # Only one candidate separates the column names: the answers below
        # (full of commas, semicolons or pipes) must not outvote it.
        return best
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return best


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
        header = [_cell_str(c) for c in first]
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


def _open_jsonl(
    path: Path, encoding: str | None, limits: tuple[int | None, int | None]
) -> TableReader:
    import json

    enc = encoding or detect_encoding(path)
    handle = path.open("r", encoding=enc, errors="strict")
    header: list[str] = []
    buffered: list[dict[str, Any]] = []
    line_no = 0
    max_cell, max_rows = limits

    def parse(line: str, n: int) -> dict[str, Any] | None:
        if not line.strip():
            return None
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}, line {n}: not valid JSON ({exc.msg}).") from None
        if not isinstance(obj, dict):
            raise DataError(f"{path}, line {n}: expected a JSON object per line.")
        if max_cell is not None and len(line) > max_cell:
            for v in obj.values():
                if isinstance(v, str) and len(v) > max_cell:
                    raise _cell_too_long(
                        path, n_rows + 1, len(v), max_cell, f" (line {n})"
                    )
        return obj

    n_rows = 0
    try:
        for line in handle:
            line_no += 1
            obj = parse(line, line_no)
            if obj is not None:
                header = [str(k) for k in obj]
                buffered.append(obj)
                n_rows = 1
                break
    except BaseException:
        handle.close()
        raise
    if not buffered:
        handle.close()
        raise DataError(f"{path} has no JSON objects.")

    def rows() -> Iterator[list[Any]]:
        nonlocal n_rows
        n = line_no
        try:
            yield [buffered[0].get(k) for k in header]
            for line in handle:
                n += 1
                obj = parse(line, n)
                if obj is None:
                    continue
                n_rows += 1
                if max_rows is not None and n_rows > max_rows:
                    raise _too_many_rows(path, max_rows)
                extra = [k for k in obj if k not in header]
                if extra:
                    raise DataError(
                        f"{path}, line {n}: keys {extra} are not in the first record; "
                        "every record must have the same keys."
                    )
                yield [obj.get(k) for k in header]
        except UnicodeDecodeError as exc:
            raise DataError(f"{path} cannot be read as {enc}: {exc.reason}.") from None
        finally:
            handle.close()

    return TableReader(path, header, rows(), enc, "", handle, kind="jsonl")


def _cell_str(value: Any) -> str:
    """A workbook or JSON cell as text, the way a person would read it."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


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


_REPLACED = [0]  # characters the output encoding could not hold, so far


def _replace_unencodable(exc: UnicodeError) -> tuple[bytes, int]:
    """Codec error handler: write U+FFFD for what the encoding cannot hold.

    In UTF-8 that is only a lone surrogate, which a JSON Lines input can hold
    as an escape but no UTF-8 text can.
    """
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    n = exc.end - exc.start
    _REPLACED[0] += n
    # Bytes: the UTF-8 encoder accepts only ASCII text from an error handler.
    return ("\ufffd" * n).encode(exc.encoding, "replace"), exc.end


codecs.register_error("purposeclf.replace", _replace_unencodable)


def _source_date() -> _dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as a UTC datetime, or None when it is not set.

    The reproducible-builds convention: when it is set, files record this time
    instead of the current one, so the same inputs give byte-identical files.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        return _dt.datetime.fromtimestamp(int(raw), _dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            f"The SOURCE_DATE_EPOCH environment variable must be a whole number of "
            f"seconds since 1970-01-01 UTC. Got {raw!r} instead; fix or unset it."
        ) from None


@contextlib.contextmanager
def atomic_replace(
    target: str | os.PathLike[str], *, suffix: str = ".partial"
) -> Iterator[str]:
    """Name a new empty file beside ``target`` that becomes ``target`` if all goes well.

    The file, ``.<name>.<random><suffix>``, is renamed onto ``target`` when the
    ``with`` block ends normally and removed when it raises, so ``target`` is
    never seen half-written. It is created with the permissions of any new
    file (0666 less the umask), not the 0600 of :func:`tempfile.mkstemp`.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}{suffix}"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            break
        except FileExistsError:
            continue
    try:
        yield str(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class AtomicWriter:
    """A text file written to a temporary name and renamed into place on success.

    ``path`` of ``None`` or ``"-"`` writes to standard output instead. Characters
    the encoding cannot hold (in UTF-8, only lone surrogates) are written as
    U+FFFD and counted in a warning.
    """

    def __init__(self, path: str | os.PathLike[str] | None, *, encoding: str = "utf-8"):
        self.target = None if path in (None, "-") else Path(path)  # type: ignore[arg-type]
        self.encoding = encoding
        self._replaced = 0
        self.handle: IO[str]

    def __enter__(self) -> IO[str]:
        self._replaced = _REPLACED[0]
        if self.target is None:
            self.handle = (
                io.TextIOWrapper(
                    sys.stdout.buffer,
                    encoding=self.encoding,
                    errors="purposeclf.replace",
                    newline="",
                    write_through=False,
                )
                if hasattr(sys.stdout, "buffer")
                else sys.stdout
            )
            return self.handle
        self._publish = atomic_replace(self.target)
        tmp = self._publish.__enter__()
        try:
            self.handle = open(
                tmp, "w", encoding=self.encoding, errors="purposeclf.replace", newline=""
            )
        except BaseException as exc:
            self._publish.__exit__(type(exc), exc, exc.__traceback__)
            raise
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
            self._warn_replaced()
            return
        try:
            self.handle.close()
        except BaseException as close_exc:
            self._publish.__exit__(type(close_exc), close_exc, close_exc.__traceback__)
            raise
        self._publish.__exit__(exc_type, exc, tb)
        if exc_type is None:
            self._warn_replaced()

    def _warn_replaced(self) -> None:
        n = _REPLACED[0] - self._replaced
        if n:
            logger.warning(
                "%d character(s) could not be written as %s (lone surrogates from "
                "\\u escapes in the input) and were written as U+FFFD; write .jsonl "
                "output to keep them",
                n,
                self.encoding,
            )


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
    """
    with TableSink(path, header, numeric=numeric) as sink:
        sink.write([list(r) for r in rows])


# ---------------------------------------------------------------- writers
# Cells a spreadsheet may run as a formula (OWASP "CSV injection" list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ... except plain numbers, which a spreadsheet reads as numbers.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Characters XML 1.0 (so XLSX) cannot hold: most C0 controls, surrogates, FFFE/FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_EXCEL_MAX_CHARS = 32_767
_EXCEL_MAX_INT = 10**15
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


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
    (probabilities); in CSV everything is text. ``encoding`` is that of the
    text formats (``"utf-8-sig"`` adds the byte-order mark Excel looks for).
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
        encoding: str = "utf-8",
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.text_only = text_only  # every cell is already a str (CSV input)
        self.fmt = fmt or output_format(path)
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
                [_defuse(h) for h in self.header] if self.excel_safe else self.header
            )
        return self

    def write(self, rows: Iterable[list[Any]]) -> None:
        if self.fmt in ("csv", "tsv"):
            if self.text_only and not self.excel_safe:
                self._csv.writerows(rows)
                return
            if self.excel_safe:
                rows = ([_defuse(_cell_str(c)) for c in r] for r in rows)
            else:
                rows = (
                    [c if isinstance(c, str) else _cell_str(c) for c in r] for r in rows
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
            kw = {"ensure_ascii": False, "default": _cell_str}
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
            if len(value) > _EXCEL_MAX_CHARS:
                self._n_too_long += 1
            if value.startswith(_FORMULA_START):
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
            return value if math.isfinite(value) else _cell_str(value)
        if isinstance(value, dict | list):
            return self._xlsx_cell(_cell_str(value))
        return value

    def _save_xlsx(self, tmp: str) -> None:
        """Save the workbook without the current time, so equal inputs give equal bytes.

        The workbook's created/modified properties are left out, or set to
        ``SOURCE_DATE_EPOCH`` when that is set; archive members carry that time
        or 1980-01-01.
        """
        from openpyxl.writer.excel import ExcelWriter

        when = _source_date()
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


def fixed_zipinfo(
    name: str, date_time: tuple[int, ...] = _ZIP_EPOCH
) -> zipfile.ZipInfo:
    """A deflated archive member stamped with one fixed time and mode 0644, made
    as on Unix whatever the platform, so equal content gives equal bytes."""
    info = zipfile.ZipInfo(name, date_time=date_time)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile that stamps every member with one fixed time and mode."""

    stamp: tuple[int, ...] = _ZIP_EPOCH
    drop_dates = False  # leave dcterms:created/modified out of docProps/core.xml

    def _info(self, name: str) -> zipfile.ZipInfo:
        return fixed_zipinfo(name, self.stamp)

    def writestr(  # type: ignore[override]
        self, zinfo_or_arcname: str | zipfile.ZipInfo, data: Any, *args: Any, **kw: Any
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            if self.drop_dates and zinfo_or_arcname == "docProps/core.xml":
                raw = data if isinstance(data, bytes) else data.encode()
                data = _CORE_DATES.sub(b"", raw)
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kw)

    def write(  # type: ignore[override]
        self, filename: Any, arcname: Any = None, *args: Any, **kw: Any
    ) -> None:
        import shutil

        info = self._info(str(arcname or os.path.basename(filename)))
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _defuse(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with a quote.

    Cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a
    leading ``'``, except plain numbers (``-3``, ``+4.5e2``): a spreadsheet reads
    those as numbers, never as formulas, so they are left as they are.

    Examples
    --------
    >>> _defuse("=1+1"), _defuse("@SUM(A1)"), _defuse("-3"), _defuse("-3+A1")
    ("'=1+1", "'@SUM(A1)", '-3', "'-3+A1")
    """
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def open_sink(
    path: str | os.PathLike[str] | None, header: Sequence[str], **kw: Any
) -> TableSink:
    """A :class:`TableSink` for ``path`` (format from its extension)."""
    return TableSink(path, header, **kw)
