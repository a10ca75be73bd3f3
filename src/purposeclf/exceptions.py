"""Exceptions raised by purposeclf.

Every error the library raises on purpose derives from :class:`PurposeclfError`
and also from the matching builtin, so plain ``except ValueError`` keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "PurposeclfError",
    "ParameterError",
    "CodebookError",
    "UnknownLabelError",
    "UnknownSchemeError",
    "DataError",
    "ColumnNotFoundError",
    "ModelFileError",
    "ModelVersionWarning",
    "SchedulerConnectionError",
    "WorkerModelMismatchError",
]


def _rebuild(cls: type[Exception], message: str, state: dict) -> Exception:
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    exc.__dict__.update(state)
    return exc


class PurposeclfError(Exception):
    """Base class of every error raised by purposeclf.

    Errors survive pickling (they cross process boundaries when scoring with
    several workers) with their class, message and attributes.
    """

    def __reduce__(self) -> tuple:
        return (_rebuild, (type(self), str(self), dict(self.__dict__)))


class ParameterError(PurposeclfError, ValueError, TypeError):
    """A function or estimator parameter has a value it does not accept.

    Also a ``ValueError`` and a ``TypeError``, as scikit-learn's own
    parameter errors are, so code written against either keeps working.
    """


class CodebookError(PurposeclfError, ValueError):
    """A codebook file or definition is malformed."""

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"Codebook {self.source!r} is not valid: {problem}")


class UnknownSchemeError(PurposeclfError, LookupError):
    """A scheme or bundled model name that purposeclf does not know."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = list(known)
        super().__init__(
            f"Unknown scheme or model {name!r}. Bundled schemes are: "
            f"{', '.join(self.known) or '(none)'}. Pass a path to use a model file "
            "you trained yourself."
        )


class UnknownLabelError(PurposeclfError, ValueError):
    """Labelled data uses a label id that is not in the codebook."""

    def __init__(
        self,
        label: str,
        known: Sequence[str],
        *,
        row: int | None = None,
        source: str | None = None,
    ) -> None:
        self.label = label
        self.row = row
        self.known = list(known)
        where = ""
        if row is not None:
            where = f" in row {row}"
        if source:
            where += f" of {source}"
        super().__init__(
            f"Unknown label id {label!r}{where}. Known ids are: "
            f"{', '.join(self.known)}. Fix the id, or pass a codebook that defines it."
        )


class DataError(PurposeclfError, ValueError):
    """Input data cannot be used as it is."""


class ColumnNotFoundError(DataError):
    """A named column is missing from an input file."""

    def __init__(
        self,
        column: str,
        available: Sequence[str],
        *,
        source: str | None = None,
        option: str = "--text-column",
        hint: str = "",
    ) -> None:
        import difflib

        self.column = column
        self.available = list(available)
        where = f" in {source}" if source else ""
        msg = (
            f"Column {column!r} not found{where}. Columns found: "
            f"{', '.join(repr(c) for c in self.available) or '(none)'}."
        )
        close = difflib.get_close_matches(column, self.available, n=1, cutoff=0.5)
        if not close:
            lowered = {c.lower(): c for c in self.available}
            if column.lower() in lowered:
                close = [lowered[column.lower()]]
        if not close and option == "--text-column":
            hints = ("text", "answer", "response", "comment", "feedback", "verbatim")
            close = [c for c in self.available if any(h in c.lower() for h in hints)][
                :1
            ]
        if close:
            msg += f" Did you mean {close[0]!r}? Pass it with {option}."
        else:
            msg += f" Pass the right one with {option}."
        if hint:
            msg += " " + hint
        super().__init__(msg)


class ModelFileError(PurposeclfError, ValueError):
    """A model file is missing, damaged, tampered with or not a purposeclf model."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"Cannot load model {self.path!r}: {problem}")


class ModelVersionWarning(UserWarning):
    """A model was saved by a different purposeclf version than the one loading it."""


class SchedulerConnectionError(PurposeclfError, ConnectionError):
    """The Dask scheduler given by address cannot be reached."""

    def __init__(self, address: str, problem: str) -> None:
        self.address = address
        super().__init__(
            f"Cannot connect to the Dask scheduler at {address!r} ({problem}). Check "
            "the address, or leave it out to start a local cluster."
        )


class WorkerModelMismatchError(ModelFileError):
    """A worker process's copy of a model differs from the one the caller loaded.

    Raised in worker processes; like every purposeclf error it survives
    pickling back to the caller.
    """
