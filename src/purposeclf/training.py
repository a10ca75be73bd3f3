"""Train a model from a labelled file and save it (what ``purposeclf train`` runs)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from ._data import read_labelled
from .codebook import Codebook, load_codebook

__all__ = ["train_file"]

logger = logging.getLogger(__name__)


def _matching_builtin(ids: tuple[str, ...]) -> Codebook | None:
    """The built-in codebook that defines every label found in the data, if any."""
    from .codebook import builtin_schemes

    for name in builtin_schemes():
        cb = load_codebook(name)
        if set(ids) <= set(cb.ids):
            logger.info("labels match the built-in scheme %r; using its codebook", name)
            return cb
    return None


def train_file(
    data: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    codebook: str | os.PathLike[str] | Codebook | None = None,
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
    random_state: int | None = 0,
    overwrite: bool = False,
    name: str | None = None,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train a :class:`PurposeClassifier` on a labelled CSV and save it.

    Parameters
    ----------
    data : str or Path
        CSV with a text column and a labels column (ids or names joined by ``;``,
        empty for no label).
    output : str or Path
        Where to write the model file.
    codebook : str, Path, Codebook or None, default=None
        Built-in scheme name or codebook file; ``None`` takes the labels found
        in the data.
    random_state : int or None, default=0
        Seed: the same data and seed give the same model.
    overwrite : bool, default=False
        Replace an existing model file.
    params : dict, default=None
        More :class:`PurposeClassifier` parameters.

    Returns
    -------
    dict
        The saved model's metadata (its model card).
    """
    from ._estimator import PurposeClassifier
    from ._persist import load_model, save

    out = Path(output)
    if out.exists() and not overwrite:
        raise FileExistsError(
            f"Model file {str(out)!r} already exists; pass --force to replace it."
        )
    cb = load_codebook(codebook) if codebook is not None else None
    labelled = read_labelled(
        data,
        codebook=cb,
        text_column=text_column,
        labels_column=labels_column,
        encoding=encoding,
    )
    chosen = cb or _matching_builtin(labelled.codebook.ids) or labelled.codebook
    clf = PurposeClassifier(
        codebook=chosen, random_state=random_state, **(params or {})
    )
    clf.fit(labelled.texts, labelled.labels)
    save(
        clf,
        out,
        name=name or out.stem,
        extra={
            "data": {
                "source": Path(str(data)).name,
                "dropped_empty": labelled.n_dropped_empty,
                "dropped_duplicates": labelled.n_dropped_duplicates,
            }
        },
    )
    return load_model(out).metadata
