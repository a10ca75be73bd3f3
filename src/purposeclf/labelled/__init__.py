"""Labelled answers: the label-cell parsers, labelled files and review files.

Examples
--------
>>> from purposeclf.codebook import load_codebook
>>> from purposeclf.labelled import parse_labels
>>> parse_labels("Valued staff; digital_tools", load_codebook("keep"))
('valued_staff', 'digital_tools')
"""

from __future__ import annotations

from ._cells import (
    FALSE_CELLS,
    TRUE_CELLS,
    indicator_matrix,
    parse_indicator,
    parse_labels,
    training_data_sha256,
)
from ._data import LabelledData
from ._read import read_labelled
from ._review import (
    GUESS_COLUMN,
    REVIEWED_COLUMN,
    REVIEWED_MARKS,
    read_review,
    read_review_file,
)

__all__ = [
    "LabelledData",
    "read_labelled",
    "parse_labels",
    "parse_indicator",
    "indicator_matrix",
    "training_data_sha256",
    "TRUE_CELLS",
    "FALSE_CELLS",
    "GUESS_COLUMN",
    "read_review_file",
    "read_review",
    "REVIEWED_COLUMN",
    "REVIEWED_MARKS",
]
