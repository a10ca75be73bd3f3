"""Write the API reference (``docs/api.md``) from the public docstrings.

Regenerate with::

    python -m purposeclf._apidoc docs/api.md

The test suite checks that the committed file matches the code.
"""

from __future__ import annotations

import inspect
import sys
from importlib import import_module
from pathlib import Path

__all__ = ["SECTIONS", "render"]

#: (module, title, names) in the order the reference shows them. ``None`` as
#: names means the module's ``__all__``.
SECTIONS: list[tuple[str, str, list[str] | None]] = [
    ("purposeclf", "Top level: `import purposeclf`", None),
    ("purposeclf.scoring", "Scoring", ["Scorer", "ScoreSummary", "get_scorer"]),
    ("purposeclf.model", "The model and model files", [
        "PurposeClassifier", "LinearMultilabel", "ModelBundle", "as_bundle",
        "resolve_model_path", "confidence",
    ]),
    ("purposeclf.labelled", "Labelled answers", [
        "LabelledData", "read_labelled", "parse_labels", "parse_indicator",
        "indicator_matrix", "read_review_file",
    ]),
    ("purposeclf.retrain", "Retraining: compare, review, audit", [
        "compare_models", "format_comparison", "select_for_review",
        "make_review_file", "write_review_file", "audit", "simulate_active_learning",
    ]),
    ("purposeclf.evaluation", "Evaluation", None),
    ("purposeclf.metrics", "Metrics", None),
    ("purposeclf.codebook", "Codebooks", [
        "Label", "Camp", "builtin_schemes", "matching_builtin",
    ]),
    ("purposeclf.qda", "REFI-QDA codebooks (.qdc)", None),
    ("purposeclf.io", "Reading and writing tables", [
        "open_table", "TableReader", "detect_encoding", "open_sink", "TableSink",
        "write_rows", "atomic_replace", "AtomicWriter", "MAX_CELL_CHARS",
    ]),
    ("purposeclf.text", "Text", None),
    ("purposeclf.reports", "Reports", None),
    ("purposeclf.resources", "Shipped files", None),
    ("purposeclf.exceptions", "Errors", None),
    ("purposeclf.integrations.spacy_component", "spaCy component", None),
    ("purposeclf.dask", "Dask (optional extra `purposeclf[dask]`)", None),
]  # fmt: skip


def _signature(obj: object) -> str:
    try:
        target = obj.__init__ if inspect.isclass(obj) else obj  # type: ignore[misc]
        sig = inspect.signature(target)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    params = list(sig.parameters.values())
    if inspect.isclass(obj) and params and params[0].name == "self":
        sig = sig.replace(
            parameters=params[1:], return_annotation=inspect.Signature.empty
        )
    return str(sig)


def _entry(module: str, name: str) -> str:
    obj = getattr(import_module(module), name)
    if not callable(obj):
        return f"### `{module}.{name} = {obj!r}`\n"
    kind = "class" if inspect.isclass(obj) else "function"
    doc = inspect.getdoc(obj) or ""
    head = f"### {kind} `{module}.{name}{_signature(obj)}`"
    return f"{head}\n\n```text\n{doc.strip()}\n```\n"


def render() -> str:
    """The whole reference as Markdown."""
    out = [
        "# API reference\n",
        "Generated from the docstrings by `python -m purposeclf._apidoc docs/api.md`; "
        "the examples in them run as doctests.\n",
    ]
    for module, title, names in SECTIONS:
        mod = import_module(module)
        if names is None:
            names = [n for n in mod.__all__ if not n.startswith("__")]
        out.append(f"## {title}\n")
        summary = (inspect.getdoc(mod) or "").split("\n\n")[0]
        if summary:
            out.append(f"{summary}\n")
        out.extend(_entry(module, n) for n in names)
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    text = render()
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
