"""Labelled answers as read from a file."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..codebook import Codebook

__all__ = ["LabelledData"]


@dataclass
class LabelledData:
    """Answers with their label ids, as read from a file.

    ``rows`` holds, for each answer, the row it is on as a spreadsheet shows
    the file: the header is row 1, so the first answer is row 2 (for JSON
    Lines, which has no header row, the record number). Rows skipped while
    reading (empty answers, dropped duplicates) keep their numbers, so these
    are the numbers to look up in the file. Empty when not known.
    """

    texts: list[str]
    labels: list[tuple[str, ...]]
    codebook: Codebook
    source: str = ""
    n_dropped_empty: int = 0
    n_dropped_duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def indicator(self, classes: tuple[str, ...] | list[str]) -> np.ndarray:
        """0/1 matrix of shape (n_answers, len(classes)) of the labels."""
        index = {c: j for j, c in enumerate(classes)}
        Y = np.zeros((len(self.texts), len(index)), dtype=np.int8)
        for i, labs in enumerate(self.labels):
            for lab in labs:
                Y[i, index[lab]] = 1
        return Y
