"""A small declarative parameter checker (scikit-learn's own is private API).

Examples
--------
>>> import numbers
>>> check_params("f", {"n": 3}, {"n": [Interval(numbers.Integral, 1, None)]})
>>> check_params("f", {"n": 0}, {"n": [Interval(numbers.Integral, 1, None)]})
Traceback (most recent call last):
...
purposeclf.exceptions.ParameterError: The 'n' parameter of f must be ... Got 0 instead.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

from .exceptions import ParameterError

__all__ = ["Interval", "Options", "check_params", "ngram_range"]


class Interval:
    """Numbers in an interval; ``closed`` is 'both', 'left', 'right' or 'neither'."""

    def __init__(
        self,
        kind: type,
        low: float | None,
        high: float | None,
        closed: str = "both",
    ) -> None:
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def __call__(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if self.kind is numbers.Integral and not isinstance(value, numbers.Integral):
            return False
        if not isinstance(value, numbers.Real):
            return False
        value = float(value)
        lo_ok = self.low is None or (
            value >= self.low if self.closed in ("both", "left") else value > self.low
        )
        hi_ok = self.high is None or (
            value <= self.high
            if self.closed in ("both", "right")
            else value < self.high
        )
        return bool(lo_ok and hi_ok)

    def __str__(self) -> str:
        kind = "an int" if self.kind is numbers.Integral else "a float"
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        lo = "-inf" if self.low is None else self.low
        hi = "inf" if self.high is None else self.high
        return f"{kind} in the range {left}{lo}, {hi}{right}"


class Options:
    """One of a fixed set of values."""

    def __init__(self, *values: Any) -> None:
        self.values = values

    def __call__(self, value: Any) -> bool:
        return any(value is v or (v is not None and value == v) for v in self.values)

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


Constraint = Callable[[Any], bool]


def _describe(c: Any) -> str:
    if c is None:
        return "None"
    if isinstance(c, type):
        return f"an instance of {c.__name__}"
    return getattr(c, "description", None) or str(c)


def check_params(
    owner: str, params: Mapping[str, Any], constraints: Mapping[str, list[Any]]
) -> None:
    """Raise :class:`ParameterError` when a parameter meets none of its constraints.

    Parameters
    ----------
    owner : str
        Who owns the parameters (``"PurposeClassifier"``, a function's name).
    params : mapping
        Parameter names and values.
    constraints : mapping
        For each name to check, the allowed forms: ``None`` (the value None),
        a type, or a callable such as :class:`Interval` or :class:`Options`.
    """
    for name, allowed in constraints.items():
        value = params[name]
        ok = False
        for c in allowed:
            if c is None:
                ok = value is None
            elif isinstance(c, type):
                ok = isinstance(value, c)
            else:
                ok = bool(c(value))
            if ok:
                break
        if not ok:
            desc = " or ".join(_describe(c) for c in allowed)
            raise ParameterError(
                f"The {name!r} parameter of {owner} must be {desc}. Got {value!r} "
                "instead."
            )


def ngram_range(value: Any) -> bool:
    """True for a pair ``(low, high)`` of ints with ``1 <= low <= high <= 8``."""
    return (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 1 <= value[0] <= value[1] <= 8
    )


ngram_range.description = "a pair (low, high) of ints with 1 <= low <= high <= 8"  # type: ignore[attr-defined]
