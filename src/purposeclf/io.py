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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .exceptions import DataError

__all__ = [
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
    kind: str = "csv"

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
    sheet: str | None = None,
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
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"Input file {str(path)!r} does not exist.")
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise DataError(f"{path} is empty: there is no header row and no answers.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or (head.startswith(b"PK\x03\x04") and b"xl/" in head):
        return _open_xlsx(path, sheet)
    if suffix in (".jsonl", ".ndjson"):
        return _open_jsonl(path, encoding)
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


def _open_xlsx(path: Path, sheet: str | None) -> TableReader:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise DataError("Reading .xlsx files needs openpyxl: pip install openpyxl") from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise DataError(f"{path} cannot be read as an Excel workbook ({exc}).") from None
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
            raise DataError(f"{path}: the first row of sheet {ws.title!r} has no column names.")
        _check_header(header, path)
    except BaseException:
        wb.close()
        raise
    width = len(header)

    def rows() -> Iterator[list[Any]]:
        try:
            for r in it:
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


def _open_jsonl(path: Path, encoding: str | None) -> TableReader:
    import json

    enc = encoding or detect_encoding(path)
    handle = path.open("r", encoding=enc, errors="strict")
    header: list[str] = []
    buffered: list[dict[str, Any]] = []
    line_no = 0

    def parse(line: str, n: int) -> dict[str, Any] | None:
        if not line.strip():
            return None
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}, line {n}: not valid JSON ({exc.msg}).") from None
        if not isinstance(obj, dict):
            raise DataError(f"{path}, line {n}: expected a JSON object per line.")
        return obj

    try:
        for line in handle:
            line_no += 1
            obj = parse(line, line_no)
            if obj is not None:
                header = [str(k) for k in obj]
                buffered.append(obj)
                break
    except BaseException:
        handle.close()
        raise
    if not buffered:
        handle.close()
        raise DataError(f"{path} has no JSON objects.")

    def rows() -> Iterator[list[Any]]:
        n = line_no
        try:
            yield [buffered[0].get(k) for k in header]
            for line in handle:
                n += 1
                obj = parse(line, n)
                if obj is None:
                    continue
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
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
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


# ---------------------------------------------------------------- writers
_FORMULA_START = ("=", "+", "-", "@")


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
    (probabilities); in CSV everything is text.
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
    ) -> None:
        self.path = path
        self.text_only = text_only  # every cell is already a str (CSV input)
        self.fmt = fmt or output_format(path)
        self.header = list(header)
        self.excel_safe = excel_safe
        num = set(numeric)
        self._numeric = [i for i, h in enumerate(self.header) if h in num]
        self._ctx: Any = None
        self._tmp: str | None = None

    def __enter__(self) -> TableSink:
        if self.fmt == "xlsx":
            if self.path in (None, "-"):
                raise DataError("XLSX output needs a file name (-o results.xlsx).")
            import openpyxl

            target = Path(self.path)  # type: ignore[arg-type]
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".partial", dir=target.parent
            )
            os.close(fd)
            self._wb = openpyxl.Workbook(write_only=True)
            self._ws = self._wb.create_sheet("scored")
            self._ws.append(self.header)
            return self
        self._ctx = AtomicWriter(self.path)
        fh = self._ctx.__enter__()
        self._fh = fh
        if self.fmt in ("csv", "tsv"):
            self._csv = csv.writer(fh, delimiter="\t" if self.fmt == "tsv" else ",")
            self._csv.writerow(self.header)
        return self

    def write(self, rows: Iterable[list[Any]]) -> None:
        if self.fmt in ("csv", "tsv"):
            if self.text_only and not self.excel_safe:
                self._csv.writerows(rows)
                return
            if self.excel_safe:
                rows = ([_defuse(_cell_str(c)) for c in r] for r in rows)
            else:
                rows = ([c if isinstance(c, str) else _cell_str(c) for c in r] for r in rows)
            self._csv.writerows(rows)
            return
        rows = list(rows)
        for r in rows:
            for i in self._numeric:
                r[i] = float(r[i]) if r[i] != "" else None
        if self.fmt == "jsonl":
            import json

            h = self.header
            self._fh.write(
                "".join(
                    json.dumps(dict(zip(h, r)), ensure_ascii=False, default=_cell_str) + "\n"
                    for r in rows
                )
            )
            return
        from openpyxl.cell import WriteOnlyCell

        for r in rows:
            out = []
            for c in r:
                if isinstance(c, str) and c.startswith(_FORMULA_START):
                    cell = WriteOnlyCell(self._ws, value=c)
                    cell.data_type = "s"  # text, never a formula
                    out.append(cell)
                else:
                    out.append(c)
            self._ws.append(out)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.fmt == "xlsx":
            assert self._tmp is not None
            try:
                if exc_type is None:
                    self._wb.save(self._tmp)
                    os.replace(self._tmp, self.path)  # type: ignore[arg-type]
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(self._tmp)
            return
        self._ctx.__exit__(exc_type, exc, tb)


def _defuse(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with a quote."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def open_sink(path: str | os.PathLike[str] | None, header: Sequence[str], **kw: Any) -> TableSink:
    """A :class:`TableSink` for ``path`` (format from its extension)."""
    return TableSink(path, header, **kw)
