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
