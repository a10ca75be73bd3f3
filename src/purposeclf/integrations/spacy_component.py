"""A spaCy pipeline component that scores each document with a purposeclf model.

The component is registered under the factory name ``"purposeclf"`` through the
``spacy_factories`` entry point, so spaCy finds it without ``import purposeclf``.
It sets ``doc.cats`` to one probability per label id of the model's codebook and
``doc._.purposeclf_labels`` to the list of label ids the model decides on
(empty when no label applies).

Examples
--------
>>> import spacy
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("purposeclf", config={"scheme": "purpose"})
>>> doc = nlp("Evening and weekend appointments at the hub")
>>> doc._.purposeclf_labels
['extended_hours']
>>> doc.cats["extended_hours"] > 0.5
True
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from ..exceptions import ModelFileError
from ..io import atomic_replace
from ..model import MODEL_SUFFIX, resolve_model_path
from ..scoring import Scorer, get_scorer

__all__ = ["PurposeclfComponent", "make_purposeclf", "LABELS_ATTR"]

#: Name of the ``Doc`` extension holding the decided label ids.
LABELS_ATTR = "purposeclf_labels"

# File written inside the component's directory by ``nlp.to_disk``.
_MODEL_FILE = "model" + MODEL_SUFFIX


def _register_extension() -> None:
    if not Doc.has_extension(LABELS_ATTR):
        Doc.set_extension(LABELS_ATTR, default=None)


class PurposeclfComponent:
    """Score documents with a purposeclf model and store the result on the ``Doc``.

    Create it with ``nlp.add_pipe("purposeclf", config={...})`` rather than
    directly. The model is loaded when it is first needed, so the component is
    cheap to pickle: a copy (for instance in a worker process of
    ``nlp.pipe(texts, n_process=2)``) reloads the model from its name or path.

    Parameters
    ----------
    name : str, default="purposeclf"
        The component's name in the pipeline.
    scheme : str, default="keep"
        Bundled model to use (``"keep"``, ``"purpose"`` or a versioned name such
        as ``"keep.v1"``); ignored when ``model`` is given.
    model : str or None, default=None
        Path of a model file (``.pclf``) made by ``purposeclf train`` or
        :func:`purposeclf.save`.
    threshold : float or None, default=None
        Decide a label when its probability is at least this value. ``None``
        uses the model's own per-label thresholds, as ``purposeclf score`` does.

    Attributes
    ----------
    labels : tuple of str
        The label ids of the model, in codebook order (loads the model; empty
        while a ``model`` file is missing, as happens inside ``spacy.load``
        before the pipeline's own copy of the model is read).
    scorer : purposeclf.scoring.Scorer
        The loaded model (loaded on first access).

    Examples
    --------
    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> clf = nlp.add_pipe("purposeclf")
    >>> clf.labels[:2]
    ('valued_staff', 'digital_tools')
    >>> docs = list(nlp.pipe(["kept the video consults", ""], batch_size=64))
    >>> docs[1]._.purposeclf_labels, max(docs[1].cats.values())
    ([], 0.0)
    """

    def __init__(
        self,
        name: str = "purposeclf",
        *,
        scheme: str = "keep",
        model: str | None = None,
        threshold: float | None = None,
    ) -> None:
        self.name = name
        self.scheme = scheme
        self.model = model
        self.threshold = threshold
        self._scorer: Scorer | None = None
        _register_extension()

    # ------------------------------------------------------------- model
    @property
    def spec(self) -> str:
        """The model this component uses: a file path or a bundled model name."""
        return self.model if self.model is not None else self.scheme

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            self._scorer = get_scorer(self.spec)
        return self._scorer

    @property
    def labels(self) -> tuple[str, ...]:
        if self._scorer is None and self.model is not None:
            if not Path(self.model).is_file():
                # spacy.load reads the labels before from_disk supplies the model.
                return ()
        return tuple(self.scorer.codebook.ids)

    def __getstate__(self) -> dict[str, Any]:
        # Never pickle the loaded model: a copy reloads it from ``spec``.
        state = self.__dict__.copy()
        state["_scorer"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        _register_extension()

    # ----------------------------------------------------------- scoring
    def _set_annotations(self, docs: list[Doc]) -> None:
        if not docs:
            return
        scorer = self.scorer
        proba, decided = scorer.score_texts([doc.text for doc in docs])
        if self.threshold is not None:
            decided = proba >= self.threshold
        ids = scorer.codebook.ids
        rows = proba.tolist()
        for doc, p, row in zip(docs, rows, decided, strict=True):
            doc.cats.update(zip(ids, p, strict=True))
            doc._.set(LABELS_ATTR, [ids[j] for j in np.flatnonzero(row).tolist()])

    def __call__(self, doc: Doc) -> Doc:
        """Score one document (see :meth:`pipe` for many)."""
        self._set_annotations([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """Score documents ``batch_size`` at a time, yielding them in order."""
        batch: list[Doc] = []
        for doc in stream:
            batch.append(doc)
            if len(batch) >= batch_size:
                self._set_annotations(batch)
                yield from batch
                batch = []
        self._set_annotations(batch)
        yield from batch

    # ------------------------------------------------------ serialisation
    def to_disk(
        self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()
    ) -> None:
        """Copy the model file into the directory ``path`` (written atomically).

        The saved pipeline then carries its own model: ``spacy.load`` does not
        need the original model file.
        """
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        source = Path(self.scorer.bundle.path)
        expected = self.scorer.bundle.metadata.get("sha256")
        with atomic_replace(path / _MODEL_FILE, suffix=".tmp") as tmp:
            with open(tmp, "wb") as dst, source.open("rb") as src:
                shutil.copyfileobj(src, dst)
            if _stored_sha256(Path(tmp)) != expected:
                raise ModelFileError(
                    source, "the file changed on disk after it was loaded; reload it"
                )

    def from_disk(
        self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()
    ) -> PurposeclfComponent:
        """Load the model file written by :meth:`to_disk` (checked in full)."""
        file = (Path(path) / _MODEL_FILE).resolve()
        if not file.is_file():
            raise ModelFileError(
                file, "no such file; the pipeline directory is incomplete"
            )
        scorer = get_scorer(file)
        self.model = str(file)
        self._scorer = scorer
        return self


def _stored_sha256(path: Path) -> str | None:
    """The checksum recorded in a model file's metadata (not recomputed)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return json.loads(zf.read("metadata.json")).get("sha256")
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None


@Language.factory(
    "purposeclf",
    default_config={"scheme": "keep", "model": None, "threshold": None},
    assigns=["doc.cats", f"doc._.{LABELS_ATTR}"],
)
def make_purposeclf(
    nlp: Language,
    name: str,
    scheme: str = "keep",
    model: str | None = None,
    threshold: float | None = None,
) -> PurposeclfComponent:
    """Create the ``purposeclf`` component (spaCy calls this from ``add_pipe``).

    Parameters
    ----------
    nlp : spacy.language.Language
        The pipeline.
    name : str
        The component's name.
    scheme : str, default="keep"
        Bundled model (``"keep"``, ``"purpose"``); checked at once.
    model : str or None, default=None
        A model file to use instead of the bundled one. It is read when first
        needed, so a pipeline saved with ``nlp.to_disk`` (which stores its own
        copy of the model) loads even where this path does not exist.
    threshold : float or None, default=None
        One decision threshold for every label instead of the model's tuned ones.

    Returns
    -------
    PurposeclfComponent

    Raises
    ------
    UnknownSchemeError
        ``scheme`` is not a bundled model (and no ``model`` is given).
    ValueError
        ``threshold`` is not in (0, 1).

    Examples
    --------
    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> clf = nlp.add_pipe("purposeclf", config={"scheme": "purpose", "threshold": 0.3})
    >>> clf.spec, clf.threshold
    ('purpose', 0.3)
    """
    if threshold is not None and (
        isinstance(threshold, bool) or not 0 < float(threshold) < 1
    ):
        raise ValueError(
            "The 'threshold' parameter of the purposeclf spaCy component must be a "
            f"float in (0, 1) or None. Got {threshold!r} instead."
        )
    if model is None:
        resolve_model_path(scheme)  # an unknown scheme fails here, not on first doc
    return PurposeclfComponent(
        name,
        scheme=scheme,
        model=None if model is None else str(model),
        threshold=None if threshold is None else float(threshold),
    )
