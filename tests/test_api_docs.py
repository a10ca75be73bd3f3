"""The API reference is generated from the code and kept up to date."""

from __future__ import annotations

import inspect
from importlib import import_module
from pathlib import Path

import pytest

from purposeclf._apidoc import SECTIONS, render

API_MD = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def test_committed_reference_matches_the_code():
    if not API_MD.exists():
        pytest.skip("docs/ is not part of this installation")
    assert API_MD.read_text(encoding="utf-8-sig") == render(), (
        "docs/api.md is out of date: python -m purposeclf._apidoc docs/api.md"
    )


def _public_callables():
    for module, _, names in SECTIONS:
        mod = import_module(module)
        for name in names or [n for n in mod.__all__ if not n.startswith("__")]:
            obj = getattr(mod, name)
            if callable(obj):
                yield f"{module}.{name}", obj


@pytest.mark.parametrize(
    ("name", "obj"),
    list(_public_callables()),
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_public_functions_are_documented(name, obj):
    doc = inspect.getdoc(obj)
    assert doc and len(doc.split("\n")[0]) > 10, f"{name} has no summary line"
    if inspect.isfunction(obj):
        params = [p for p in inspect.signature(obj).parameters if p not in ("self",)]
        if params:
            assert "Parameters\n----------" in doc, f"{name} documents no parameters"
