"""The local engine: chunks scored in this process, or in worker processes."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from ..text import as_text
from ._scorer import Scorer, get_scorer
from ._write import ScoredChunks, chunked

__all__ = ["scored_chunks"]

_WORKER_SCORERS: dict[str, Scorer] = {}


def _worker_score(path: str, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    scorer = _WORKER_SCORERS.get(path)
    if scorer is None:
        scorer = _WORKER_SCORERS[path] = get_scorer(path)
    return scorer.score_texts(texts)


def scored_chunks(
    scorer: Scorer, rows: Iterable[list[Any]], ti: int, size: int, jobs: int
) -> ScoredChunks:
    """(rows, texts, (proba, decisions)) per chunk, in input order."""
    chunks = (
        (c, [t if type(t := r[ti]) is str else as_text(t) for r in c])
        for c in chunked(rows, size)
    )
    if jobs == 1:
        for c, texts in chunks:
            yield c, texts, scorer.score_texts(texts)
        return
    from joblib import Parallel, delayed

    path = scorer.bundle.path
    pending: deque[tuple[list[list[Any]], list[str]]] = deque()

    def tasks() -> Iterator[Any]:
        for c, texts in chunks:
            pending.append((c, texts))
            yield delayed(_worker_score)(path, texts)

    with Parallel(n_jobs=jobs, return_as="generator", pre_dispatch="2*n_jobs") as par:
        for result in par(tasks()):
            c, texts = pending.popleft()
            yield c, texts, result
