"""Finding the answer column: by name, by letter, by question or by content."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..exceptions import ColumnNotFoundError, DataError
from ._cells import cell_str

__all__ = ["ColumnChoice", "resolve_column", "column_letter", "SAMPLE_ROWS"]

#: Rows read ahead to judge which column holds free text.
SAMPLE_ROWS = 200

_LETTERS = re.compile(r"^[A-Za-z]{1,3}$")
# Values that are not answers: identifiers, dates and times, e-mail addresses,
# numbers, URLs and IP addresses.
_NOT_TEXT = re.compile(
    r"""^(?:
        [A-Za-z]{0,6}[-_]?\d[\d\-_/]*            # R_00012, ID-17, 12345
      | [0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}   # a UUID
      | R_[0-9A-Za-z]{6,}                        # Qualtrics response ids
      | \d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?.*)?  # dates
      | \d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?  # times
      | [^@\s]+@[^@\s]+\.[^@\s]+                 # e-mail
      | [-+]?\d+(?:[.,]\d+)?%?                   # numbers
      | https?://\S+                             # URLs
      | (?:\d{1,3}\.){3}\d{1,3}                  # IP addresses
    )$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class ColumnChoice:
    """The answer column chosen, and how (for the message that says so)."""

    index: int
    name: str
    how: str  # "named", "matched", "letter", "question", "content", "only"


def _norm(name: str) -> str:
    """A header as a person reads it: case, spacing and a trailing ?, : or . ignored."""
    return re.sub(r"\s+", " ", name).strip().rstrip("?:.").strip().casefold()


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    out = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        out = chr(65 + r) + out
    return out


def _letter_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def resolve_column(
    header: Sequence[str],
    requested: str | None,
    *,
    sample: Sequence[Sequence[Any]] = (),
    questions: Sequence[str] = (),
    header_rows: Sequence[Sequence[Any]] = (),
    source: str | None = None,
    default: str = "text",
    option: str = "--text-column",
) -> ColumnChoice:
    """Find the column holding the answers.

    Parameters
    ----------
    header : sequence of str
        The file's column names.
    requested : str or None
        What the user named: a column name (exact, or ignoring case, spacing
        and a trailing ``?``/``:`` when that matches one column only) or a
        spreadsheet column letter (``"F"``). ``None`` looks for ``default``,
        then a column headed with one of ``questions``, then the one column
        whose values look like free text in ``sample``.
    sample : sequence of rows, default=()
        The first rows of the file, to judge the content of each column.
    questions : sequence of str, default=()
        The survey question(s) the scheme codes.
    header_rows : sequence of rows, default=()
        More header rows (a Qualtrics export's question text under its column
        names): matched like the header.
    source : str, default=None
        The file's name, for messages.
    default : str, default="text"
        The column name used when nothing is requested and it exists.
    option : str, default="--text-column"
        The option to name in messages.

    Returns
    -------
    ColumnChoice

    Raises
    ------
    ColumnNotFoundError
        The requested column is not in the file, or nothing looks like answers.
    DataError
        The request or the content matches more than one column.
    """
    header = [str(h) for h in header]
    where = f" in {source}" if source else ""
    # Every name a column goes by: its header and its cells in extra header rows.
    names = [
        [h] + [cell_str(r[i]) for r in header_rows if i < len(r) and cell_str(r[i])]
        for i, h in enumerate(header)
    ]
    if requested is not None:
        if requested in header:
            return ColumnChoice(header.index(requested), requested, "named")
        hits = [
            i
            for i, alts in enumerate(names)
            if any(_norm(a) == _norm(requested) for a in alts)
        ]
        if len(hits) == 1:
            return ColumnChoice(hits[0], header[hits[0]], "matched")
        if len(hits) > 1:
            listed = ", ".join(repr(header[i]) for i in hits)
            raise DataError(
                f"{option} {requested!r} matches {len(hits)} columns{where}: {listed}. "
                f"Give the exact name or the column letter ({column_letter(hits[0])})."
            )
        if _LETTERS.match(requested):
            i = _letter_index(requested)
            if i < len(header):
                return ColumnChoice(i, header[i], "letter")
        raise ColumnNotFoundError(requested, header, source=source)
    if default in header:
        return ColumnChoice(header.index(default), default, "named")
    if len(header) == 1:
        return ColumnChoice(0, header[0], "only")
    for q in questions:
        nq = _norm(q)
        if not nq:
            continue
        hits = [
            i
            for i, alts in enumerate(names)
            if any(
                _norm(h) == nq
                or nq in _norm(h)
                or (len(_norm(h)) >= 15 and _norm(h) in nq)
                for h in alts
            )
        ]
        if len(hits) == 1:
            return ColumnChoice(hits[0], header[hits[0]], "question")
    return _by_content(header, sample, source, option)


def _text_score(values: list[str]) -> float:
    """How much a column's values look like free-text answers (0: not at all)."""
    filled = [v.strip() for v in values if v.strip()]
    if not filled:
        return 0.0
    if sum(bool(_NOT_TEXT.match(v)) for v in filled) >= 0.8 * len(filled):
        return 0.0
    distinct = len(set(filled)) / len(filled)
    if len(filled) >= 20 and distinct < 0.3:  # a pick-list
        return 0.0
    words = sum(len(v.split()) for v in filled) / len(filled)
    chars = sum(len(v) for v in filled) / len(filled)
    share = len(filled) / max(len(values), 1)
    return share * distinct * math.log1p(chars) * min(words, 8.0) / 8.0


def _by_content(
    header: list[str], sample: Sequence[Sequence[Any]], source: str | None, option: str
) -> ColumnChoice:
    cols = [
        [cell_str(r[j]) if j < len(r) else "" for r in sample]
        for j in range(len(header))
    ]
    scores = sorted(
        ((_text_score(c), j) for j, c in enumerate(cols)), key=lambda t: -t[0]
    )
    live = [(s, j) for s, j in scores if s > 0.15]
    if len(live) == 1 or (len(live) > 1 and live[1][0] < 0.5 * live[0][0]):
        j = live[0][1]
        return ColumnChoice(j, header[j], "content")
    where = f" in {source}" if source else ""
    if not live:
        raise ColumnNotFoundError("text", header, source=source)
    lines = []
    for _, j in live[:5]:
        example = next((v for v in cols[j] if v.strip()), "")
        example = example if len(example) <= 60 else example[:57] + "..."
        lines.append(f"  {column_letter(j)}  {header[j]!r}  e.g. {example!r}")
    raise DataError(
        f"More than one column{where} looks like free-text answers; say which with "
        f"{option} (a name or a column letter):\n" + "\n".join(lines)
    )
