"""The model: features, the scikit-learn estimator, the scoring-time predictor, files.

:class:`PurposeClassifier` is the estimator (fit with scikit-learn);
:class:`LinearMultilabel` is its fitted parts, which score with numpy alone.
Model files are safe to load: JSON metadata plus numeric arrays, never a pickle.

A model file is a ZIP archive holding ``metadata.json`` and one ``.npy`` file per
array. Loading reads the JSON with :mod:`json` and each array with
``allow_pickle=False`` after checking its header (dtype on an allow-list, declared
size within the archive's), verifies a SHA-256 over the metadata and every array,
and refuses anything else. Nothing in a model file is ever executed.

Before anything is decompressed, the archive's own records are checked: at most
64 members, plain names (``metadata.json`` and ``<name>.npy``) each used once, no
encryption, only stored or deflate compression, at most 1 GiB uncompressed in all,
and no member that would expand more than 100-fold (a zip bomb). A member is
never read past the size the archive declares. Every failure is a
:class:`~purposeclf.exceptions.ModelFileError` saying what is wrong.

Saving is reproducible: members are written in a fixed order with fixed
timestamps and compression, and the ``created`` date is ``SOURCE_DATE_EPOCH``
when that environment variable is set, so the same model gives the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..resources import MODEL_SUFFIX
from ._features import TextFeaturizer
from ._format import FORMAT, FORMAT_VERSION
from ._load import (
    ModelBundle,
    as_bundle,
    as_predictor,
    load,
    load_model,
    resolve_model_path,
)
from ._predictor import LinearMultilabel, confidence, threshold_distance
from ._save import model_card_and_arrays, save

if TYPE_CHECKING:  # pragma: no cover
    from ._estimator import PurposeClassifier

__all__ = [
    "PurposeClassifier",
    "TextFeaturizer",
    "LinearMultilabel",
    "confidence",
    "threshold_distance",
    "save",
    "load",
    "load_model",
    "ModelBundle",
    "as_bundle",
    "as_predictor",
    "resolve_model_path",
    "model_card_and_arrays",
    "MODEL_SUFFIX",
    "FORMAT",
    "FORMAT_VERSION",
]


def __getattr__(name: str) -> Any:
    # The estimator imports scikit-learn (seconds of start-up); scoring, which
    # needs only the fitted parts, never does.
    if name == "PurposeClassifier":
        from ._estimator import PurposeClassifier

        globals()[name] = PurposeClassifier
        return PurposeClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
