"""JSON Lines exports: one JSON object per line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..exceptions import DataError
from ._csv import detect_encoding
from ._limits import _cell_too_long, _too_many_rows
from ._table import TableReader


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
