"""Errors keep their class, message and details across process boundaries."""

from __future__ import annotations

import pickle

import pytest

from purposeclf.exceptions import (
    CodebookError,
    ColumnNotFoundError,
    DataError,
    ModelFileError,
    UnknownLabelError,
    UnknownSchemeError,
)


@pytest.mark.parametrize(
    "exc",
    [
        ColumnNotFoundError("answr", ["id", "answer"], source="export.csv"),
        UnknownLabelError("X9", ["valued_staff"], row=12, source="new.csv"),
        UnknownSchemeError("kep", ["keep", "purpose"]),
        CodebookError("mine.json", "no labels"),
        ModelFileError("m.pclf", "checksum mismatch"),
        DataError("empty file"),
    ],
)
def test_errors_survive_pickling(exc):
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc)
    assert str(back) == str(exc)
    assert back.__dict__ == exc.__dict__
    assert isinstance(back, ValueError | LookupError)


def test_dask_errors_survive_pickling():
    dask_mod = pytest.importorskip("purposeclf.dask")
    for exc in (
        dask_mod.SchedulerConnectionError("tcp://nowhere:8786", "timed out"),
        dask_mod.WorkerModelMismatchError("m.pclf", "a different model"),
    ):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc)
        assert str(back) == str(exc)
        assert back.__dict__ == exc.__dict__
