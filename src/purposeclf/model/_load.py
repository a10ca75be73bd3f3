"""Loading model files (or bundled models by name) for scoring and as estimators."""

from __future__ import annotations

import logging
import os
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..codebook import Codebook
from ..exceptions import ModelFileError, ModelVersionWarning, UnknownSchemeError
from ..resources import bundled_models, latest_bundled, version_key
from ..text import printable
from ._archive import _fail, read_model_file
from ._features import TextFeaturizer
from ._predictor import LinearMultilabel

if TYPE_CHECKING:
    from ._estimator import PurposeClassifier

__all__ = [
    "ModelBundle",
    "load_model",
    "load",
    "resolve_model_path",
    "as_bundle",
    "as_predictor",
]

logger = logging.getLogger("purposeclf.model")


@dataclass
class ModelBundle:
    """A loaded model file: the fitted parts and the metadata (model card)."""

    model: LinearMultilabel
    metadata: dict[str, Any]
    path: str

    @property
    def name(self) -> str:
        return str(self.metadata.get("name") or Path(self.path).stem)


def resolve_model_path(spec: str | os.PathLike[str]) -> Path:
    """A model's file from a bundled name (``keep``, ``keep.v1``) or a path.

    Parameters
    ----------
    spec : str or Path
        A bundled model name (``"keep"`` is the newest ``keep.vN``) or a path.

    Returns
    -------
    Path

    Raises
    ------
    ModelFileError
        A path that is a directory or does not exist.
    UnknownSchemeError
        A name that is neither a file nor a bundled model.
    """
    p = Path(spec)
    if p.is_file():
        return p
    if p.is_dir():
        raise ModelFileError(p, "this is a directory, not a model file")
    name = str(spec)
    bundled = bundled_models()
    if name in bundled:
        return bundled[name]
    latest = latest_bundled(name)
    if latest is not None:
        return bundled[latest]
    versioned = re.fullmatch(r"\.v\d+", p.suffix) is not None  # "keep.v9"
    if os.sep in name or "/" in name or (p.suffix and not versioned):
        raise ModelFileError(p, "no such file")
    schemes = sorted({version_key(n)[0] for n in bundled} | set(bundled))
    raise UnknownSchemeError(name, schemes)


# Parts of the model card and the JSON type each must have when present.
_CARD_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "scheme": str,
    "created": str,
    "versions": dict,
    "codebook": dict,
    "estimator": dict,
    "featurizer": dict,
    "training": dict,
    "metrics": dict,
}

_TRAINING_TYPES: dict[str, type | tuple[type, ...]] = {
    "n_samples": int,
    "label_counts": dict,
    "data_sha256": (str, type(None)),
    "parent": (str, type(None)),
}


def _check_card(meta: dict[str, Any], path: Path) -> None:
    """Every part of the card that code reads has the JSON type it expects.

    Only a file whose author recomputed the checksum can fail this; it keeps
    ``purposeclf.load`` and ``purposeclf info`` from tripping over the card.
    """
    checks = [(meta, _CARD_TYPES, "")]
    if isinstance(meta.get("training"), dict):
        checks.append((meta["training"], _TRAINING_TYPES, "training."))
    for part, types, prefix in checks:
        for key, kind in types.items():
            if key in part and not isinstance(part[key], kind):
                raise _fail(
                    path,
                    f"the model card's {prefix}{key} has the wrong type "
                    f"({type(part[key]).__name__}); purposeclf did not write this file",
                )
    params = meta.get("estimator", {}).get("params", {})
    if not isinstance(params, dict):
        raise _fail(path, "the model card's estimator.params has the wrong type")


def _check_versions(meta: dict[str, Any], path: Path) -> None:
    versions = meta.get("versions", {})  # a dict: _check_card ran first
    saved = str(versions.get("purposeclf", "unknown"))
    if saved.split(".")[:2] != __version__.split(".")[:2]:
        name = printable(str(meta.get("name") or path.stem))
        saved = printable(saved)
        minor = ".".join(saved.split(".")[:2])
        warnings.warn(
            f"Model {name!r} was trained with purposeclf {saved}; you have "
            f"{__version__}. Retrain it, or pin purposeclf {minor}.x.",
            ModelVersionWarning,
            stacklevel=3,
        )


def load_model(spec: str | os.PathLike[str]) -> ModelBundle:
    """Load a model file (or a bundled model by name) without scikit-learn.

    This is what scoring uses: numpy and scipy only, fast to start.

    Parameters
    ----------
    spec : str or Path
        A bundled model name (``"keep"``, ``"purpose"``, ``"keep.v1"``) or the
        path of a ``.pclf`` file.

    Returns
    -------
    ModelBundle
        The fitted parts (``.model``), the metadata (``.meta``) and the path.

    Raises
    ------
    ModelFileError
        The file is missing, damaged, tampered with or not a purposeclf model.
    UnknownSchemeError
        ``spec`` is neither a bundled name nor an existing file.
    """
    t0 = time.perf_counter()
    path = resolve_model_path(spec)
    meta, arrays = read_model_file(path)
    _check_card(meta, path)
    _check_versions(meta, path)
    try:
        codebook = Codebook.from_dict(meta["codebook"], source=f"{path} metadata")
        featurizer = TextFeaturizer.from_arrays(meta["featurizer"], arrays)
        coef = arrays["coef"]
        k = len(codebook)
        if coef.shape != (k, featurizer.n_features_):
            raise ValueError(
                f"weights have shape {coef.shape}; "
                f"expected ({k}, {featurizer.n_features_})"
            )
        for a in ("intercept", "thresholds"):
            if arrays[a].shape != (k,):
                raise ValueError(f"{a} has shape {arrays[a].shape}; expected ({k},)")
        model = LinearMultilabel(
            featurizer, coef, arrays["intercept"], arrays["thresholds"], codebook
        )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        # Only a file whose author recomputed the checksum gets this far.
        raise _fail(path, f"the contents are inconsistent ({exc})") from None
    logger.debug("loaded %s in %.3f s", path, time.perf_counter() - t0)
    return ModelBundle(model, meta, str(path))


def load(spec: str | os.PathLike[str]) -> PurposeClassifier:
    """Load a model as a fitted :class:`PurposeClassifier`.

    Parameters
    ----------
    spec : str or Path
        A bundled model (``"keep"``, ``"purpose"``, or a versioned name such as
        ``"keep.v1"``) or the path of a model file written by :func:`save`.

    Returns
    -------
    PurposeClassifier

    Raises
    ------
    ModelFileError
        The file is missing, not a model, damaged, tampered with, or newer than
        this version of purposeclf can read.
    UnknownSchemeError
        ``spec`` is neither a file nor a bundled model.

    Examples
    --------
    >>> import purposeclf
    >>> model = purposeclf.load("keep")
    >>> model.classes_[:2]
    ('valued_staff', 'digital_tools')
    """
    from ._estimator import PurposeClassifier

    bundle = load_model(spec)
    meta = bundle.metadata
    # load_model checked the card's types (_check_card), so these reads hold.
    params = dict(meta.get("estimator", {}).get("params", {}))
    training = meta.get("training", {})
    n_train = int(training.get("n_samples", 0))
    label_counts = dict(training.get("label_counts", {}))
    oof = meta.get("metrics", {}).get("oof_threshold_tuning")
    for key in ("word_ngrams", "char_ngrams"):
        if isinstance(params.get(key), list):
            params[key] = tuple(params[key])
    valid = PurposeClassifier().get_params(deep=False)
    clf = PurposeClassifier(**{k: v for k, v in params.items() if k in valid})
    m = bundle.model
    clf.weighting = m.featurizer.weighting  # files made before the parameter existed
    clf.codebook_ = m.codebook
    clf.classes_ = m.codebook.ids
    clf.vectorizer_ = m.featurizer
    clf.coef_ = m.coef
    clf.intercept_ = m.intercept
    clf.thresholds_ = m.thresholds
    clf.n_features_ = m.featurizer.n_features_
    clf.n_train_ = n_train
    clf.label_counts_ = label_counts
    clf.training_data_sha256_ = training.get("data_sha256")
    clf.oof_metrics_ = oof
    clf.metadata_ = meta
    return clf


def as_bundle(model: Any) -> ModelBundle:
    """A :class:`ModelBundle` from any way of naming a model.

    Parameters
    ----------
    model : str, Path, ModelBundle, PurposeClassifier or LinearMultilabel
        A bundled model name (``"keep"``, ``"keep.v1"``), a model file, a
        loaded bundle, or a fitted model in memory. A model in memory has no
        file (``path`` is ``""``); its card is built as :func:`save` would
        write it.

    Raises
    ------
    TypeError
        For anything else.
    sklearn.exceptions.NotFittedError
        For an unfitted :class:`PurposeClassifier`.
    """
    if isinstance(model, ModelBundle):
        return model
    if isinstance(model, str | os.PathLike):
        return load_model(model)
    if isinstance(model, LinearMultilabel):
        return ModelBundle(
            model, {"name": "model", "scheme": model.codebook.scheme}, ""
        )
    from ._estimator import PurposeClassifier  # imports scikit-learn
    from ._save import model_card_and_arrays

    if isinstance(model, PurposeClassifier):
        compiled = model._compiled()  # raises NotFittedError when not fitted
        meta = getattr(model, "metadata_", None)
        if meta is None:
            meta, _ = model_card_and_arrays(model, name="PurposeClassifier")
        return ModelBundle(compiled, meta, "")
    raise TypeError(
        "model must be a bundled model name, a model file path, a loaded model or "
        f"a fitted PurposeClassifier. Got {type(model).__name__} instead."
    )


def as_predictor(model: Any) -> tuple[LinearMultilabel, str]:
    """The fitted parts of any model (see :func:`as_bundle`) and a display name."""
    bundle = as_bundle(model)
    return bundle.model, bundle.name
