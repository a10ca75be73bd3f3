"""Run the examples in the installed package's docstrings."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import purposeclf

MODULES = ["purposeclf"] + [
    m.name
    for m in pkgutil.walk_packages(purposeclf.__path__, prefix="purposeclf.")
    if not m.name.endswith("__main__")
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def test_examples_exist():
    counts = {
        name: len(doctest.DocTestFinder().find(importlib.import_module(name)))
        for name in MODULES
    }
    assert sum(counts.values()) >= 10
