"""Survey-tool exports: which tool wrote a file, and how many extra header rows it has.

SurveyMonkey writes a second header row ("Open-Ended Response", "Response");
Qualtrics writes the question text under its column names and, in its newer
layout, a third row of ``{"ImportId": ...}`` objects. Those rows are part of
the file but are not answers: they are written back unchanged and not scored.
Microsoft Forms, Google Forms and SmartSurvey write one header row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ._cells import cell_str

__all__ = ["ExportLayout", "detect_export"]


@dataclass(frozen=True)
class ExportLayout:
    """The tool that wrote an export (``""``: not recognised); its extra header rows."""

    tool: str
    extra_header_rows: int

    def describe(self) -> str:
        """The stderr line for a recognised export, e.g. ``"Qualtrics export: ..."``."""
        if not self.tool:
            return ""
        n = self.extra_header_rows
        if not n:
            return f"{self.tool} export"
        rows = "row" if n == 1 else "rows"
        return f"{self.tool} export: {n} more header {rows} kept, not scored"


def _norm(x: Any) -> str:
    return cell_str(x).strip().casefold()


def detect_export(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> ExportLayout:
    """Recognise a survey tool's export by its header and first rows.

    Parameters
    ----------
    header : sequence of str
        The first row.
    rows : sequence of rows
        The rows after it (a few are enough).

    Returns
    -------
    ExportLayout

    Examples
    --------
    >>> detect_export(["Respondent ID", "Collector ID", "Q"],
    ...               [["", "", "Open-Ended Response"], ["1", "2", "huddles"]])
    ExportLayout(tool='SurveyMonkey', extra_header_rows=1)
    """
    names = {_norm(h) for h in header}
    second = [_norm(c) for c in rows[0]] if rows else []
    third = [_norm(c) for c in rows[1]] if len(rows) > 1 else []
    if {"respondent id", "collector id"} <= names:
        marks = {"open-ended response", "response", "other (please specify)"}
        if (
            second
            and any(c in marks for c in second)
            and not any(c.isdigit() for c in second[:2])
        ):
            return ExportLayout("SurveyMonkey", 1)
        return ExportLayout("SurveyMonkey", 0)
    if names & {"responseid", "response id"} and (
        {"startdate", "enddate"} <= names or "recordeddate" in names
    ):
        describes = sum(
            c
            in {
                "start date",
                "end date",
                "response id",
                "recorded date",
                "response type",
            }
            for c in second
        )
        if third and sum(c.startswith('{"importid"') for c in third) >= max(
            1, len(third) // 2
        ):
            return ExportLayout("Qualtrics", 2)
        if describes:
            return ExportLayout("Qualtrics", 1)
        return ExportLayout("Qualtrics", 0)
    if {"start time", "completion time"} <= names and "id" in names:
        return ExportLayout("Microsoft Forms", 0)
    if "timestamp" in names and len(header) >= 2:
        return ExportLayout("Google Forms", 0)
    if {"userno", "started", "ended"} <= names or {
        "userid",
        "started",
        "ended",
    } <= names:
        return ExportLayout("SmartSurvey", 0)
    return ExportLayout("", 0)
