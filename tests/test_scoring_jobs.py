"""Scoring in worker processes: the same output as one process, whatever the model."""

from __future__ import annotations

import pytest

import purposeclf
from purposeclf import PurposeClassifier, score_file
from purposeclf.exceptions import WorkerModelMismatchError
from purposeclf.resources import bundled_models
from purposeclf.scoring._local import _worker_score

TEXTS = ["video consults", "the huddles!!", "free food on nights", "n/a", "laptops"]
LABELS = [
    ("digital_tools",),
    ("great_teams",),
    ("valued_staff",),
    (),
    ("basics_fixed",),
]


def test_a_model_fitted_in_memory_scores_in_worker_processes(tmp_path):
    clf = PurposeClassifier(codebook=purposeclf.load_codebook("keep"), min_df=1)
    clf.fit(TEXTS * 8, LABELS * 8)
    src = tmp_path / "in.csv"
    src.write_text("text\n" + "\n".join(TEXTS * 40) + "\n", encoding="utf-8")
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    score_file(src, one, model=clf, jobs=1, chunk_size=7)
    summary = score_file(src, two, model=clf, jobs=2, chunk_size=7)
    assert summary.n_rows == 200
    assert one.read_bytes() == two.read_bytes()


def test_a_worker_refuses_a_model_file_that_changed(tmp_path):
    path = str(bundled_models()["keep.v1"])
    with pytest.raises(WorkerModelMismatchError, match="different model"):
        _worker_score("0" * 64, path, ["video consults"])
