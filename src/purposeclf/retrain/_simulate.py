"""What picking answers for review gains over random picks, measured by simulation."""

from __future__ import annotations

import logging
import numbers
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..codebook import Codebook, load_codebook
from ..exceptions import DataError
from ..labelled import indicator_matrix
from ..metrics import multilabel_report
from ..text import as_text
from ..validation import Interval, check_params
from ._review import select_for_review

__all__ = ["simulate_active_learning"]

logger = logging.getLogger("purposeclf.retrain")


# --------------------------------------------------------------- simulate
def simulate_active_learning(
    texts: Sequence[object],
    labels: Any,
    codebook: str | os.PathLike[str] | Codebook | None,
    *,
    seed_size: int,
    budget: int,
    rounds: int = 1,
    test_size: float = 0.3,
    random_state: int = 0,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Measure what :func:`select_for_review` gains over random picks.

    A fixed ``test_size`` share of the answers (30%) is held out. From the
    rest, ``seed_size`` random answers train a first model. Each round then
    adds ``budget`` more answers to the training set, picked either by
    :func:`select_for_review` with the current model (strategy ``"active"``) or
    at random (``"random"``), and retrains. Each model is scored on the
    held-out answers.

    Parameters
    ----------
    texts : sequence of str
        Labelled answers.
    labels : sequence of sequences of str, or array of shape (n, k)
        Their label ids (or a 0/1 matrix in codebook order).
    codebook : str, Path, Codebook or None
        The label scheme; ``None`` takes the labels found.
    seed_size : int
        Random answers the first model is trained on.
    budget : int
        Answers added per round.
    rounds : int, default=1
        Rounds of picking and retraining.
    test_size : float, default=0.3
        Share of answers held out for scoring.
    random_state : int, default=0
        Seed of the split, the seed set, the random picks and the models.
    params : dict, default=None
        More :class:`~purposeclf.PurposeClassifier` parameters (e.g. ``cv=3``).

    Returns
    -------
    dict
        ``n_answers``, ``n_test``, ``seed_size``, ``budget``, ``rounds``,
        ``seed`` (``n_train``, ``macro_f1``, ``micro_f1`` of the first model),
        ``active`` and ``random`` (one such dict per round), and
        ``macro_f1_gain`` (final active minus final random macro F1).
    """
    from ..model import PurposeClassifier

    check_params(
        "simulate_active_learning",
        {
            "seed_size": seed_size,
            "budget": budget,
            "rounds": rounds,
            "test_size": test_size,
        },
        {
            "seed_size": [Interval(numbers.Integral, 2, None)],
            "budget": [Interval(numbers.Integral, 1, None)],
            "rounds": [Interval(numbers.Integral, 1, None)],
            "test_size": [Interval(numbers.Real, 0, 1, closed="neither")],
        },
    )
    strs = [as_text(t) for t in texts]
    Y, cb = indicator_matrix(
        labels, len(strs), load_codebook(codebook) if codebook is not None else None
    )
    n = len(strs)
    rng = np.random.RandomState(random_state)
    order = rng.permutation(n)
    n_test = int(round(test_size * n))
    test, pool = order[:n_test], order[n_test:]
    need = seed_size + budget * rounds
    if n_test < 1 or need > len(pool):
        raise DataError(
            f"simulate_active_learning needs seed_size + budget * rounds = {need} "
            f"training answers besides the {n_test} held out, but only {len(pool)} of "
            f"the {n} answers are left. Use a smaller seed_size, budget or rounds, or "
            "more answers."
        )
    test_texts = [strs[i] for i in test]

    def train_and_score(idx: Sequence[int]) -> tuple[Any, dict[str, Any]]:
        idx = list(idx)
        clf = PurposeClassifier(
            codebook=cb, random_state=random_state, **(params or {})
        )
        clf.fit([strs[i] for i in idx], Y[idx])
        rep = multilabel_report(Y[test], clf.predict(test_texts), cb.ids)
        return clf, {
            "n_train": len(idx),
            "macro_f1": rep["macro_f1"],
            "micro_f1": rep["micro_f1"],
        }

    seed = [int(i) for i in pool[:seed_size]]
    seed_clf, seed_scores = train_and_score(seed)
    logger.info(
        "seed model on %d answers: macro F1 %.3f", seed_size, seed_scores["macro_f1"]
    )
    result: dict[str, Any] = {
        "n_answers": n,
        "n_test": int(n_test),
        "seed_size": int(seed_size),
        "budget": int(budget),
        "rounds": int(rounds),
        "seed": seed_scores,
    }
    for strategy in ("active", "random"):
        pick_rng = np.random.RandomState(random_state)
        chosen = list(seed)
        clf = seed_clf
        history = []
        for r in range(rounds):
            taken = set(chosen)
            remaining = [int(i) for i in pool if int(i) not in taken]
            if strategy == "active":
                picks = select_for_review(
                    [strs[i] for i in remaining],
                    clf,
                    budget=budget,
                    random_state=random_state + r,
                )
            else:
                picks = pick_rng.choice(
                    len(remaining), size=budget, replace=False
                ).tolist()
            chosen += [remaining[int(p)] for p in picks]
            clf, scores = train_and_score(chosen)
            scores["round"] = r + 1
            history.append(scores)
            logger.info(
                "%s round %d: %d answers, macro F1 %.3f",
                strategy,
                r + 1,
                len(chosen),
                scores["macro_f1"],
            )
        result[strategy] = history
    result["macro_f1_gain"] = (
        result["active"][-1]["macro_f1"] - result["random"][-1]["macro_f1"]
    )
    return result
