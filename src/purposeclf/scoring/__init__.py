"""Scoring: answers, files and DataFrames, and the engines that score them.

Examples
--------
>>> import purposeclf
>>> rows = purposeclf.score_texts(["kept the video consults and the daily huddle"],
...                               model="keep")
>>> sorted(rows[0])[:2]
['keep_labels', 'keep_p_basics_fixed']
"""

from __future__ import annotations

from ._file import check_not_input, score_file
from ._frame import score_frame
from ._scorer import Scorer, ScoreSummary, get_scorer, score_texts
from ._write import ScoredChunks, chunked, write_scored

__all__ = [
    "Scorer",
    "ScoreSummary",
    "get_scorer",
    "score_texts",
    "score_file",
    "score_frame",
    "write_scored",
    "ScoredChunks",
    "chunked",
    "check_not_input",
]
