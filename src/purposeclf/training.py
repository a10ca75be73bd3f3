"""Train a model from a labelled file and save it (what ``purposeclf train`` runs)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from . import resources
from .codebook import Codebook, load_codebook
from .exceptions import DataError
from .io import source_date
from .labelled import read_labelled
from .model import load_model, save
from .text import text_key

__all__ = ["train_file"]

logger = logging.getLogger(__name__)


def train_file(
    data: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    codebook: str | os.PathLike[str] | Codebook | None = None,
    text_column: str = "text",
    labels_column: str = "labels",
    encoding: str | None = None,
    on_conflict: str = "error",
    random_state: int | None = 0,
    overwrite: bool = False,
    name: str | None = None,
    params: dict[str, Any] | None = None,
    with_corpus: bool = False,
) -> dict[str, Any]:
    """Train a :class:`PurposeClassifier` on a labelled file and save it.

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
        Seed: the same data and seed give the same model (the same predictions;
        the same file bytes too when ``SOURCE_DATE_EPOCH`` is set, since the
        model card records the date it was made).
    overwrite : bool, default=False
        Replace an existing model file.
    params : dict, default=None
        More :class:`PurposeClassifier` parameters.
    with_corpus : bool, default=False
        Train on the bundled corpus of the scheme plus ``data`` (needs a
        built-in scheme). Where the same answer is in both, your labels win.
        The bundled model is recorded as the new model's parent.
    on_conflict : {"error", "majority", "union", "drop"}, default="error"
        What to do with an answer that appears with different labels (see
        :func:`purposeclf.labelled.read_labelled`).

    Returns
    -------
    dict
        The saved model's metadata (its model card).
    """
    from .model import PurposeClassifier

    out = Path(output)
    if out.exists() and not overwrite:
        raise FileExistsError(
            f"Model file {str(out)!r} already exists; pass --force to replace it."
        )
    source_date()  # a malformed SOURCE_DATE_EPOCH fails now, not after training
    cb = load_codebook(codebook) if codebook is not None else None
    labelled = read_labelled(
        data,
        codebook=cb,
        text_column=text_column,
        labels_column=labels_column,
        encoding=encoding,
        on_conflict=on_conflict,
    )
    chosen = cb or labelled.codebook
    texts, labels = list(labelled.texts), list(labelled.labels)
    parent = None
    n_corpus = 0
    if with_corpus:
        corpus_path = resources.corpus_file(chosen.scheme)
        if corpus_path is None:
            raise DataError(
                f"There is no bundled corpus for scheme {chosen.scheme!r}; "
                "--with-corpus works with the built-in schemes "
                f"({', '.join(resources.builtin_scheme_names())})."
            )
        base = read_labelled(corpus_path, codebook=chosen)
        mine = {text_key(t) for t in texts}
        keep = [
            (t, lab)
            for t, lab in zip(base.texts, base.labels, strict=True)
            if text_key(t) not in mine
        ]
        n_corpus = len(keep)
        texts = [t for t, _ in keep] + texts
        labels = [lab for _, lab in keep] + labels
        parent = resources.latest_bundled(chosen.scheme)
        logger.info(
            "training on %d corpus answers plus %d of yours",
            n_corpus,
            len(labelled.texts),
        )
    clf = PurposeClassifier(
        codebook=chosen, random_state=random_state, **(params or {})
    )
    clf.fit(texts, labels)
    save(
        clf,
        out,
        name=name or out.stem,
        parent=parent,
        extra={
            "data": {
                "source": Path(str(data)).name,
                "n_user_answers": len(labelled.texts),
                "n_corpus_answers": n_corpus,
                "dropped_empty": labelled.n_dropped_empty,
                "dropped_duplicates": labelled.n_dropped_duplicates,
            }
        },
    )
    return load_model(out).metadata
