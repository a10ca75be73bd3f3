"""A loaded model ready to score answers: probabilities, decisions, output cells."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import ModelBundle, as_bundle, confidence
from ..text import as_text

__all__ = ["Scorer", "ScoreSummary", "get_scorer", "score_texts"]

# Probabilities are written with four decimals; a lookup table is much faster
# than formatting millions of floats one by one.
_PROB_STRINGS = np.array([f"{i / 10000:.4f}" for i in range(10001)], dtype=object)


@dataclass
class ScoreSummary:
    """Counts of labels and camps over a scored file."""

    scheme: str
    labels: tuple[str, ...]
    camps: tuple[str, ...]
    n_rows: int = 0
    n_empty: int = 0
    n_no_label: int = 0
    label_counts: Counter[str] = field(default_factory=Counter)
    camp_counts: Counter[str] = field(default_factory=Counter)
    n_review: int = 0
    seconds: float = 0.0
    #: The column the answers were read from, and how it was found ("named",
    #: "matched", "letter", "question", "content" or "only").
    text_column: str = ""
    text_column_how: str = ""
    #: The survey tool recognised ("Qualtrics export: 2 more header rows kept,
    #: not scored"; "" when none), and how many rows after the header were
    #: header rows written back unscored (not counted in ``n_rows``).
    export: str = ""
    n_header_rows: int = 0
    #: With ``by`` (or ``keep_decisions``): each chunk's 0/1 decisions and, per
    #: grouping column, each answer's group, for :mod:`purposeclf.findings`.
    decisions: list[np.ndarray] | None = None
    groups: dict[str, list[Any]] = field(default_factory=dict)
    #: The model that scored the file (its codebook and error rates).
    model: ModelBundle | None = None

    def add(
        self,
        scorer: Scorer,
        texts: Sequence[str],
        decided: np.ndarray,
        new_cells: list[list[str]],
    ) -> None:
        """Count one scored chunk: its rows, empty answers, labels, camps, reviews."""
        self.n_rows += len(texts)
        self.n_empty += sum(1 for t in texts if not t.strip())
        counts = decided.sum(axis=0)
        for j, lab in enumerate(scorer.codebook.ids):
            self.label_counts[lab] += int(counts[j])
        self.n_no_label += int((~decided.any(axis=1)).sum())
        if scorer.codebook.camps:
            for cells in new_cells:
                for c in cells[1].split(";"):
                    if c:
                        self.camp_counts[c] += 1
        if scorer.review_below is not None:
            self.n_review += sum(1 for cells in new_cells if cells[-1] == "yes")

    def table(self) -> list[tuple[str, str, int, float]]:
        """(kind, id, count, share of rows) for every label, camp and 'no label'."""
        n = max(self.n_rows, 1)
        out = [
            ("label", lab, self.label_counts[lab], self.label_counts[lab] / n)
            for lab in self.labels
        ]
        out += [
            ("camp", c, self.camp_counts[c], self.camp_counts[c] / n)
            for c in self.camps
        ]
        out.append(("none", "no label", self.n_no_label, self.n_no_label / n))
        return out


class Scorer:
    """A loaded model ready to score answers, with the output column names.

    Parameters
    ----------
    bundle : ModelBundle
        A loaded model file (see :func:`purposeclf._persist.load_model`).
    review_below : float or None, default=None
        Mark answers whose confidence is below this value as needing review.
    """

    def __init__(
        self, bundle: ModelBundle, *, review_below: float | None = None
    ) -> None:
        self.bundle = bundle
        self.model = bundle.model
        self.codebook = bundle.model.codebook
        self.scheme = self.codebook.scheme
        self.review_below = review_below
        self._memo: dict[str, np.ndarray] = {}
        self._camp_of = np.array(
            [
                self.codebook.camp_ids.index(lab.camp) if lab.camp else -1
                for lab in self.codebook.labels
            ]
        )

    @property
    def columns(self) -> list[str]:
        s = self.scheme
        cols = [f"{s}_labels"]
        if self.codebook.camps:
            cols.append(f"{s}_camps")
        cols += [f"{s}_p_{lab}" for lab in self.codebook.ids]
        if self.review_below is not None:
            cols.append("needs_review")
        return cols

    def confidence(self, proba: np.ndarray) -> np.ndarray:
        """How sure the model is of each row's decisions (see :func:`confidence`)."""
        return confidence(proba, self.model.thresholds)

    def score_texts(self, texts: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (n, k) and decisions (n, k), scoring each distinct text once.

        Short answers ("n/a", "nothing", "video consults") recur all through
        large files; their probabilities are remembered across calls.
        """
        keys = [t if type(t) is str else as_text(t) for t in texts]
        uniq: dict[str, int] = {}
        inverse = np.fromiter(
            (uniq.setdefault(k, len(uniq)) for k in keys),
            dtype=np.int64,
            count=len(keys),
        )
        memo = self._memo
        proba_u = np.empty((len(uniq), len(self.codebook)), dtype=np.float64)
        todo = []
        for text, i in uniq.items():
            hit = memo.get(text)
            if hit is None:
                todo.append(text)
            else:
                proba_u[i] = hit
        if todo:
            fresh = self.model.predict_proba(todo)
            proba_u[[uniq[t] for t in todo]] = fresh
            if len(memo) > 100_000:
                memo.clear()
            for t, row in zip(todo, fresh, strict=True):
                if len(t) <= 64:
                    memo[t] = row
        proba = proba_u[inverse]
        return proba, self.model.decide(proba)

    def _label_strings(self, decided: np.ndarray) -> tuple[list[str], list[str]]:
        """Label and camp cells per row; each distinct combination is built once."""
        k = decided.shape[1]
        codes = decided.astype(np.int64) @ (np.int64(1) << np.arange(k, dtype=np.int64))
        ids = self.codebook.ids
        camp_ids = self.codebook.camp_ids
        labels_of: dict[int, str] = {}
        camps_of: dict[int, str] = {}
        for code in np.unique(codes).tolist():
            hits = [j for j in range(k) if code >> j & 1]
            labels_of[code] = ";".join(ids[j] for j in hits)
            present = {int(self._camp_of[j]) for j in hits if self._camp_of[j] >= 0}
            camps_of[code] = ";".join(camp_ids[c] for c in sorted(present))
        codes_l = codes.tolist()
        return [labels_of[c] for c in codes_l], [camps_of[c] for c in codes_l]

    def format_rows(self, proba: np.ndarray, decided: np.ndarray) -> list[list[str]]:
        """The new output cells for each row, in :attr:`columns` order."""
        labels, camps = self._label_strings(decided)
        p_str = _PROB_STRINGS[
            np.rint(np.clip(proba, 0, 1) * 10000).astype(np.int64)
        ].tolist()
        lead: list[list[str]]
        if self.codebook.camp_ids:
            lead = [[a, b] for a, b in zip(labels, camps, strict=True)]
        else:
            lead = [[a] for a in labels]
        if self.review_below is not None:
            review = (self.confidence(proba) < self.review_below).tolist()
            return [
                a + p + ["yes" if r else "no"]
                for a, p, r in zip(lead, p_str, review, strict=True)
            ]
        return [a + p for a, p in zip(lead, p_str, strict=True)]


def get_scorer(
    model: str | os.PathLike[str] | ModelBundle | Any = "keep",
    *,
    review_below: float | None = None,
) -> Scorer:
    """A :class:`Scorer` for a bundled model name, a model path or a loaded bundle.

    Parameters
    ----------
    model : str, Path, ModelBundle or PurposeClassifier, default="keep"
        Bundled model name (``"keep"``, ``"keep.v1"``), model file, a model
        loaded with :func:`purposeclf.load_model` or :func:`purposeclf.load`,
        or a fitted :class:`~purposeclf.PurposeClassifier`.
    review_below : float, default=None
        Add a ``needs_review`` column marking answers whose confidence is below it.

    Returns
    -------
    Scorer
    """
    bundle = as_bundle(model)
    if review_below is not None and not 0 < review_below < 1:
        raise ValueError(f"review_below must be in (0, 1); got {review_below!r}.")
    return Scorer(bundle, review_below=review_below)


def score_texts(
    texts: Sequence[object],
    *,
    model: str | os.PathLike[str] | ModelBundle | Any = "keep",
) -> list[dict[str, Any]]:
    """Score answers and return one dict per answer with the output columns.

    Parameters
    ----------
    texts : sequence of str
        Answers (``None`` and NaN are empty answers).
    model : str, Path or a loaded model, default="keep"
        Bundled model (``"keep"``, ``"purpose"``, ``"keep.v1"``), model file,
        or a model loaded or fitted in Python (see :func:`get_scorer`).
    """
    scorer = get_scorer(model)
    proba, decided = scorer.score_texts(texts)
    cols = scorer.columns
    return [
        dict(zip(cols, row, strict=True)) for row in scorer.format_rows(proba, decided)
    ]
