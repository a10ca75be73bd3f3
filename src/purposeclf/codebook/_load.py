"""Loading codebooks: built-in schemes, JSON, CSV and REFI-QDA files."""

from __future__ import annotations

import csv
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import resources
from ..exceptions import CodebookError, UnknownSchemeError
from ._codebook import Codebook

__all__ = ["load_codebook", "builtin_schemes", "matching_builtin"]

logger = logging.getLogger("purposeclf.codebook")


def builtin_schemes() -> tuple[str, ...]:
    """Names of the codebooks shipped with purposeclf."""
    return resources.builtin_scheme_names()


def _read_csv_codebook(path: Path) -> dict[str, Any]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "id" not in fields:
            raise CodebookError(
                path,
                "a CSV codebook needs a header with an 'id' column "
                "(optional: name, description, not_this, camp)",
            )
        labels = []
        for row in reader:
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            if row.get("id"):
                labels.append(row)
    return {"scheme": path.stem, "labels": labels}


def load_codebook(spec: str | os.PathLike[str] | Codebook) -> Codebook:
    """Load a codebook by built-in scheme name or from a file.

    Parameters
    ----------
    spec : str, Path or Codebook
        ``"keep"`` or ``"purpose"`` for a built-in scheme, or the path of a JSON
        file (the shipped format), a CSV file with columns ``id,name,description,
        not_this,camp`` or a REFI-QDA codebook ``.qdc`` exported by NVivo,
        ATLAS.ti, MAXQDA and others (see :mod:`purposeclf.qda`; the scheme is
        named after the file).

    Returns
    -------
    Codebook

    Raises
    ------
    UnknownSchemeError
        If ``spec`` is neither a built-in scheme nor an existing file.
    CodebookError
        If the file is malformed.
    """
    if isinstance(spec, Codebook):
        return spec
    name = str(spec)
    if name in builtin_schemes():
        text = resources.codebook_file(name).read_text(encoding="utf-8")
        return Codebook.from_dict(json.loads(text), source=f"built-in scheme {name!r}")
    path = Path(spec)
    if not path.is_file():
        raise UnknownSchemeError(name, builtin_schemes())
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Codebook.from_dict(_read_csv_codebook(path), source=str(path))
    if suffix == ".qdc":
        from ._qdc_read import read_qdc

        return read_qdc(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CodebookError(path, f"not valid JSON ({exc})") from None
    return Codebook.from_dict(data, source=str(path))


def matching_builtin(label_ids: Iterable[str]) -> Codebook | None:
    """The built-in codebook that defines every one of these label ids, if any.

    Labelled data read without a codebook uses it, so that answers coded with
    the ids of a built-in scheme get its names, camps and label order.

    Parameters
    ----------
    label_ids : iterable of str
        The ids found in the data.

    Returns
    -------
    Codebook or None

    Examples
    --------
    >>> matching_builtin(["extended_hours", "integrator"]).scheme
    'purpose'
    >>> matching_builtin(["access", "waiting"]) is None
    True
    """
    ids = set(label_ids)
    for name in builtin_schemes():
        cb = load_codebook(name)
        if ids <= set(cb.ids):
            logger.info("labels match the built-in scheme %r; using its codebook", name)
            return cb
    return None
