"""Cells as text, and cells made safe for spreadsheets."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["cell_str", "defuse", "FORMULA_START"]

# ---------------------------------------------------------------- writers
# Cells a spreadsheet may run as a formula (OWASP "CSV injection" list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# ... except plain numbers, which a spreadsheet reads as numbers.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")

# Characters XML 1.0 (so XLSX) cannot hold: most C0 controls, surrogates, FFFE/FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_SURROGATE = re.compile("[\ud800-\udfff]")


def cell_str(value: Any) -> str:
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


def defuse(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with a quote.

    Cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a
    leading ``'``, except plain numbers (``-3``, ``+4.5e2``): a spreadsheet reads
    those as numbers, never as formulas, so they are left as they are.

    Examples
    --------
    >>> defuse("=1+1"), defuse("@SUM(A1)"), defuse("-3"), defuse("-3+A1")
    ("'=1+1", "'@SUM(A1)", '-3', "'-3+A1")
    """
    if value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
