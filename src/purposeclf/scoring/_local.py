"""The local engine: chunks scored in this process, or in worker processes."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import numpy as np

from ..exceptions import WorkerModelMismatchError
from ..text import as_text
from ._scorer import Scorer, get_scorer
from ._write import ScoredChunks, chunked

__all__ = ["scored_chunks"]

# A worker's scorer, keyed by the model's checksum: a worker never scores with
# a model other than the one the caller loaded.
_WORKER_SCORERS: dict[str, Scorer] = {}


def _worker_init(key: str, bundle: Any) -> None:
    """Receive a model that lives only in memory, once per worker."""
    if bundle is not None:
        _WORKER_SCORERS[key] = get_scorer(bundle)


def _worker_score(
    key: str, path: str, texts: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    scorer = _WORKER_SCORERS.get(key)
    if scorer is None:  # first chunk in this worker: load the file once
        scorer = get_scorer(path)
        found = str(scorer.bundle.metadata.get("sha256", ""))
        if found != key:
            raise WorkerModelMismatchError(
                path,
                "a worker process found a different model in this file than the "
                f"one being used (checksum {found[:12]}…, expected {key[:12]}…); "
                "was it replaced while scoring?",
            )
        _WORKER_SCORERS[key] = scorer
    return scorer.score_texts(texts)


def scored_chunks(
    scorer: Scorer, rows: Iterable[list[Any]], ti: int, size: int, jobs: int
) -> ScoredChunks:
    """(rows, texts, (proba, decisions)) per chunk, in input order.

    With ``jobs > 1``, chunks are scored in that many worker processes, each
    loading the model once (from its file, or sent once when the model lives
    only in memory); at most ``2 * jobs`` chunks are in flight, so memory stays
    flat however long the file.
    """
    chunks = (
        (c, [t if type(t := r[ti]) is str else as_text(t) for r in c])
        for c in chunked(rows, size)
    )
    if jobs == 1:
        for c, texts in chunks:
            yield c, texts, scorer.score_texts(texts)
        return
    bundle = scorer.bundle
    on_disk = bool(bundle.path) and bool(bundle.metadata.get("sha256"))
    key = str(bundle.metadata.get("sha256")) if on_disk else f"memory-{id(bundle)}"
    sent = None if on_disk else bundle  # a model in memory travels once per worker
    pending: deque[tuple[list[list[Any]], list[str], Future[Any]]] = deque()
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=ctx, initializer=_worker_init, initargs=(key, sent)
    ) as pool:
        try:
            for c, texts in chunks:
                task = pool.submit(_worker_score, key, bundle.path, texts)
                pending.append((c, texts, task))
                if len(pending) >= 2 * jobs:
                    c0, t0, f0 = pending.popleft()
                    yield c0, t0, f0.result()
            while pending:
                c0, t0, f0 = pending.popleft()
                yield c0, t0, f0.result()
        finally:
            for *_, f in pending:
                f.cancel()
