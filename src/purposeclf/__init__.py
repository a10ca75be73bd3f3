"""purposeclf: code NHS staff and PCN survey answers into a codebook.

Examples
--------
>>> import purposeclf
>>> model = purposeclf.load("keep")
>>> model.predict_labels(["Keep the video consultations and the daily team huddle"])
[('digital_tools', 'great_teams')]
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .codebook import Codebook, load_codebook
    from .evaluation import evaluate_file
    from .exceptions import (
        CodebookError,
        ColumnNotFoundError,
        DataError,
        ModelFileError,
        ModelVersionWarning,
        ParameterError,
        PurposeclfError,
        UnknownLabelError,
        UnknownSchemeError,
    )
    from .metrics import multilabel_report
    from .model import PurposeClassifier, load, load_model, save
    from .resources import bundled_models
    from .scoring import score_file, score_frame, score_texts
    from .training import train_file

__all__ = [
    "__version__",
    "PurposeClassifier",
    "Codebook",
    "load_codebook",
    "load",
    "load_model",
    "save",
    "bundled_models",
    "score_file",
    "score_texts",
    "score_frame",
    "train_file",
    "evaluate_file",
    "multilabel_report",
    "PurposeclfError",
    "ParameterError",
    "CodebookError",
    "ColumnNotFoundError",
    "DataError",
    "ModelFileError",
    "ModelVersionWarning",
    "UnknownLabelError",
    "UnknownSchemeError",
]

# Public names are imported on first use so that ``import purposeclf`` (and the
# command line's ``--help``) stays fast.
_WHERE = {
    "PurposeClassifier": ".model",
    "Codebook": ".codebook",
    "load_codebook": ".codebook",
    "load": ".model",
    "load_model": ".model",
    "save": ".model",
    "bundled_models": ".resources",
    "score_file": ".scoring",
    "score_texts": ".scoring",
    "score_frame": ".scoring",
    "train_file": ".training",
    "evaluate_file": ".evaluation",
    "multilabel_report": ".metrics",
}
_WHERE.update({n: ".exceptions" for n in __all__ if n.endswith(("Error", "Warning"))})


def __getattr__(name: str) -> Any:
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module 'purposeclf' has no attribute {name!r}")
    value = getattr(import_module(mod, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
