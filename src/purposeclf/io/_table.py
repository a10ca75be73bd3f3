"""The reader every input format gives: a header and streamed rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["TableReader"]


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
