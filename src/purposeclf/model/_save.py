"""Saving a fitted classifier as a model file: JSON card plus arrays, reproducibly."""

from __future__ import annotations

import datetime as _dt
import io
import json
import logging
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..io import atomic_replace, fixed_zipinfo, source_date
from ..resources import library_versions
from ._features import TextFeaturizer
from ._format import _META, FORMAT, FORMAT_VERSION, _digest

if TYPE_CHECKING:
    from ._estimator import PurposeClassifier

__all__ = ["save", "model_card_and_arrays"]

logger = logging.getLogger("purposeclf.model")

_VERSIONED = ("numpy", "scipy", "scikit-learn", "spacy", "spacy-lookups-data")


def save(
    model: PurposeClassifier,
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    metrics: dict[str, Any] | None = None,
    parent: str | None = None,
    overwrite: bool = True,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write a fitted :class:`PurposeClassifier` to a safe model file.

    Parameters
    ----------
    model : PurposeClassifier
        A fitted classifier.
    path : str or Path
        Destination file. Written to a temporary file first and renamed into
        place, so an interrupted save never leaves a half-written model.
    name : str, default=None
        Name recorded in the model card (default: the file name's stem).
    metrics : dict, default=None
        Held-out metrics to record (the out-of-fold figures of threshold tuning
        are recorded in any case).
    parent : str, default=None
        The model this one was retrained from.
    overwrite : bool, default=True
        If False, refuse to replace an existing file.
    extra : dict, default=None
        More JSON-serialisable facts for the model card.

    Returns
    -------
    Path
        The path written.
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "coef_")
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"Model file {str(path)!r} already exists; pass --force (overwrite=True) "
            "to replace it."
        )
    meta, arrays = model_card_and_arrays(
        model, name=name or path.stem, metrics=metrics, parent=parent, extra=extra
    )
    with (
        atomic_replace(path, suffix=".tmp") as tmp,
        open(tmp, "wb") as fh,
        zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        _write_member(zf, _META, json.dumps(meta, indent=1, sort_keys=True).encode())
        for k in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arrays[k], allow_pickle=False)
            _write_member(zf, f"{k}.npy", buf.getvalue())
    logger.info("saved model %s (%d bytes)", path, path.stat().st_size)
    return path


def model_card_and_arrays(
    model: PurposeClassifier,
    *,
    name: str,
    metrics: dict[str, Any] | None = None,
    parent: str | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The model card (metadata, with its SHA-256) and the arrays of a fitted model.

    What :func:`save` writes; also the card of a model scored straight from
    memory.
    """
    feat: TextFeaturizer = model.vectorizer_
    arrays: dict[str, np.ndarray] = {
        "coef": np.ascontiguousarray(model.coef_, dtype=np.float32),
        "intercept": np.asarray(model.intercept_, dtype=np.float64),
        "thresholds": np.asarray(model.thresholds_, dtype=np.float64),
        **feat.to_arrays(),
    }
    params = {
        k: (list(v) if isinstance(v, tuple) else v)
        for k, v in model.get_params(deep=False).items()
        if k != "codebook"
    }
    when = source_date() or _dt.datetime.now(_dt.timezone.utc)
    meta: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "scheme": model.codebook_.scheme,
        "created": when.replace(microsecond=0).isoformat(),
        "versions": library_versions(_VERSIONED),
        "codebook": model.codebook_.to_dict(),
        "estimator": {"class": "PurposeClassifier", "params": params},
        "featurizer": feat.get_config(),
        "training": {
            "n_samples": int(model.n_train_),
            "label_counts": dict(model.label_counts_),
            "data_sha256": model.training_data_sha256_,
            "parent": parent,
        },
        "metrics": {
            **(
                {"oof_threshold_tuning": model.oof_metrics_}
                if model.oof_metrics_
                else {}
            ),
            **(
                {"oof_confusion": model.oof_confusion_}
                if getattr(model, "oof_confusion_", None)
                else {}
            ),
            **(metrics or {}),
        },
        "arrays": {
            k: {"dtype": v.dtype.str, "shape": list(v.shape)} for k, v in arrays.items()
        },
        **(extra or {}),
    }
    meta["sha256"] = _digest(meta, arrays)
    return meta, arrays


def _write_member(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    zf.writestr(fixed_zipinfo(name), data, compresslevel=6)
