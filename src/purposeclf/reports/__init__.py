"""Reports for people: text summaries and cards, and the one-file HTML report.

Examples
--------
>>> from purposeclf.reports import codebook_text
>>> print(codebook_text(__import__("purposeclf").load_codebook("keep")).splitlines()[0])
keep: What do you want to keep from this time?
"""

from __future__ import annotations

from ._collect import Example, ReportData, collect_report
from ._html import render_html, write_report
from ._text import codebook_text, info_text, model_card, summary_csv, summary_markdown

__all__ = [
    "summary_markdown",
    "summary_csv",
    "codebook_text",
    "model_card",
    "info_text",
    "Example",
    "ReportData",
    "collect_report",
    "render_html",
    "write_report",
]
