from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _reset_cli_logging():
    """A CLI run in-process (CliRunner) sets the 'purposeclf' logger's level and
    handler, e.g. ERROR after -q; later tests that read warnings need it reset."""
    yield
    logger = logging.getLogger("purposeclf")
    logger.handlers[:] = []
    logger.setLevel(logging.NOTSET)


TOY_TEXTS = [
    "kept the video consults for patients",
    "telephone triage and video clinics",
    "the daily team huddle every morning",
    "huddles and peer support in the team",
    "free food and a rest room for staff",
    "staff wellbeing hub and free food",
    "video consults plus the morning huddle",
    "n/a",
]
TOY_LABELS = [
    ["digital_tools"],
    ["digital_tools"],
    ["great_teams"],
    ["great_teams"],
    ["valued_staff"],
    ["valued_staff"],
    ["digital_tools", "great_teams"],
    [],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], **kw: str) -> Path:
    with path.open("w", newline="", encoding=kw.pop("encoding", "utf-8")) as fh:
        w = csv.writer(fh, **kw)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="session")
def toy_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small model trained on the toy answers (threshold 0.5, every term kept)."""
    from purposeclf import PurposeClassifier, save

    clf = PurposeClassifier(
        codebook="keep", min_df=1, threshold=0.5, C=20.0, random_state=0
    )
    clf.fit(TOY_TEXTS, TOY_LABELS)
    return save(clf, tmp_path_factory.mktemp("models") / "toy.pclf")


@pytest.fixture
def labelled_csv(tmp_path: Path) -> Path:
    rows = [[t, ";".join(labs)] for t, labs in zip(TOY_TEXTS, TOY_LABELS, strict=False)]
    return write_csv(tmp_path / "labelled.csv", ["text", "labels"], rows * 2)
