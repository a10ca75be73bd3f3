"""The corpus is the product: every row valid, distinct, and the floor met."""

from __future__ import annotations

import csv
import itertools
import re
from collections import Counter
from pathlib import Path

import pytest

from purposeclf.codebook import load_codebook

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SCHEMES = ["keep", "purpose"]


def _rows(scheme: str) -> list[dict[str, str]]:
    with (CORPUS / f"{scheme}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _labels(row: dict[str, str]) -> list[str]:
    return [x for x in row["labels"].split(";") if x]


def near_duplicates(texts: list[str], threshold: float = 0.8) -> list[tuple[int, int]]:
    """Pairs of answers (5+ tokens) whose token sets overlap by Jaccard >= threshold."""
    sets = [
        (i, frozenset(t))
        for i, t in enumerate(re.findall(r"[a-z0-9']+", s.lower()) for s in texts)
        if len(t) >= 5
    ]
    return [
        (i, j)
        for (i, a), (j, b) in itertools.combinations(sets, 2)
        if len(a & b) >= threshold * len(a | b)
    ]


def test_near_duplicate_detector_catches_a_reworded_copy():
    texts = [
        "keep the daily huddle with the whole team please",
        "keep the daily huddle with the whole team pls please",
    ]
    assert near_duplicates(texts) == [(0, 1)]
    assert (
        near_duplicates(
            [
                "video consults for patients at home",
                "free food and rest rooms for staff",
            ]
        )
        == []
    )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_columns_ids_and_label_ids_are_valid(scheme):
    rows = _rows(scheme)
    assert set(rows[0]) >= {"id", "text", "labels", "voice", "source"}
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "row ids must be unique"
    known = set(load_codebook(scheme).ids)
    for r in rows:
        unknown = set(_labels(r)) - known
        assert not unknown, f"row {r['id']}: unknown label id(s) {sorted(unknown)}"
        assert r["text"].strip(), f"row {r['id']}: empty text"
        assert r["voice"].strip(), f"row {r['id']}: no voice recorded"
        assert r["source"].startswith(("hand-written", "seed:")), r["id"]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_duplicates_or_near_duplicates(scheme):
    texts = [r["text"] for r in _rows(scheme)]
    norm = [" ".join(t.lower().split()) for t in texts]
    dups = [t for t, c in Counter(norm).items() if c > 1]
    assert not dups, f"exact duplicates: {dups[:5]}"
    pairs = near_duplicates(texts)
    assert not pairs, [(texts[i][:60], texts[j][:60]) for i, j in pairs[:5]]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_corpus_meets_the_floor(scheme):
    rows = _rows(scheme)
    n = len(rows)
    labs = [_labels(r) for r in rows]
    counts = Counter(lab for ls in labs for lab in ls)
    assert n >= 1000
    for lab in load_codebook(scheme).ids:
        assert counts[lab] >= 80, f"{lab} has {counts[lab]} positive answers"
    assert sum(not ls for ls in labs) / n >= 0.10
    assert sum(len(ls) >= 2 for ls in labs) / n >= 0.30
    assert len({r["voice"] for r in rows}) >= 20
