"""Codebooks as data: the label schemes a model predicts.

A codebook lists label ids (a fixed contract), their names, definitions, "not this"
notes and, optionally, the camp each label belongs to. The built-in schemes ship as
JSON files in ``purposeclf/codebooks``; users bring their own as JSON or CSV.

Examples
--------
>>> from purposeclf.codebook import load_codebook
>>> cb = load_codebook("purpose")
>>> cb.ids[:2]
('learning_innovation', 'complex_integrated_care')
>>> cb.camps_of(["extended_hours", "integrator"])
('working_at_scale', 'economies_of_scale')
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .exceptions import CodebookError, UnknownLabelError, UnknownSchemeError

__all__ = ["Label", "Camp", "Codebook", "load_codebook", "builtin_schemes"]

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
_ID_RULE = (
    "must start with a letter and use only letters, digits, '_', '.' or '-' "
    "(at most 64 characters)"
)


def _check_id(source: str, kind: str, value: str) -> str:
    # Ids become column names and file names: no formulas, no control codes.
    if not _ID_RE.match(value):
        raise CodebookError(source, f"{kind} {value!r} {_ID_RULE}")
    return value


@dataclass(frozen=True)
class Label:
    """One category of a codebook."""

    id: str
    name: str = ""
    description: str = ""
    not_this: str = ""
    camp: str | None = None


@dataclass(frozen=True)
class Camp:
    """A group of labels (for example ``working_at_scale``)."""

    id: str
    name: str = ""
    description: str = ""


@dataclass(frozen=True)
class Codebook:
    """An ordered set of labels, optionally grouped into camps.

    Parameters
    ----------
    scheme : str
        Short name of the scheme, for example ``"keep"``.
    labels : tuple of Label
        The labels, in the order the model's columns use.
    camps : tuple of Camp, default=()
        Camps the labels may belong to.
    name : str, default=""
        Human-readable title.
    question : str, default=""
        The survey question the scheme codes.
    """

    scheme: str
    labels: tuple[Label, ...]
    camps: tuple[Camp, ...] = ()
    name: str = ""
    question: str = ""
    source: str = ""
    version: int = 1
    _index: dict[str, Label] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({lab.id: lab for lab in self.labels})

    @property
    def ids(self) -> tuple[str, ...]:
        """Label ids in column order."""
        return tuple(lab.id for lab in self.labels)

    @property
    def camp_ids(self) -> tuple[str, ...]:
        """Camp ids in their declared order."""
        return tuple(c.id for c in self.camps)

    def __contains__(self, label_id: object) -> bool:
        return label_id in self._index

    def __len__(self) -> int:
        return len(self.labels)

    def label(self, label_id: str) -> Label:
        """Return the label with this id (raises UnknownLabelError)."""
        try:
            return self._index[label_id]
        except KeyError:
            raise UnknownLabelError(label_id, self.ids) from None

    def camps_of(self, label_ids: Iterable[str]) -> tuple[str, ...]:
        """Camps touched by these labels, in the codebook's camp order."""
        seen = {self._index[i].camp for i in label_ids if i in self._index}
        return tuple(c for c in self.camp_ids if c in seen)

    def resolve(self, token: str) -> str | None:
        """Map a label id or a label name (case-insensitive) to its id."""
        if token in self._index:
            return token
        low = token.strip().lower()
        for lab in self.labels:
            if low in (lab.id.lower(), lab.name.lower()):
                return lab.id
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready representation (the format of the shipped files)."""
        return {
            "scheme": self.scheme,
            "version": self.version,
            "name": self.name,
            "question": self.question,
            "source": self.source,
            "camps": [
                {"id": c.id, "name": c.name, "description": c.description}
                for c in self.camps
            ],
            "labels": [
                {
                    "id": lab.id,
                    "name": lab.name,
                    "description": lab.description,
                    "not_this": lab.not_this,
                    **({"camp": lab.camp} if lab.camp else {}),
                }
                for lab in self.labels
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<dict>") -> Codebook:
        """Build and validate a codebook from its JSON representation."""
        if not isinstance(data, Mapping):
            raise CodebookError(source, "expected a JSON object at the top level")
        raw_labels = data.get("labels")
        if not isinstance(raw_labels, list) or not raw_labels:
            raise CodebookError(source, "'labels' must be a non-empty list")
        camps = []
        for c in data.get("camps") or []:
            if not isinstance(c, Mapping) or not isinstance(c.get("id"), str):
                raise CodebookError(source, f"camp entry {c!r} needs a string 'id'")
            camps.append(
                Camp(
                    _check_id(source, "camp id", c["id"].strip()),
                    str(c.get("name", "")),
                    str(c.get("description", "")),
                )
            )
        camp_ids = {c.id for c in camps}
        labels: list[Label] = []
        seen: set[str] = set()
        for i, lab in enumerate(raw_labels):
            if isinstance(lab, str):
                lab = {"id": lab}
            if not isinstance(lab, Mapping) or not isinstance(lab.get("id"), str):
                raise CodebookError(source, f"label {i + 1} needs a string 'id'")
            lid = _check_id(source, "label id", lab["id"].strip())
            if lid in seen:
                raise CodebookError(source, f"label id {lid!r} appears twice")
            seen.add(lid)
            camp = lab.get("camp") or None
            if camp is not None:
                camp = _check_id(source, "camp id", str(camp).strip())
                if camp not in camp_ids:
                    camps.append(Camp(camp))
                    camp_ids.add(camp)
            labels.append(
                Label(
                    lid,
                    str(lab.get("name") or lid),
                    str(lab.get("description") or ""),
                    str(lab.get("not_this") or ""),
                    camp,
                )
            )
        scheme = _check_id(source, "scheme", str(data.get("scheme") or "custom").strip())
        return cls(
            scheme=scheme,
            labels=tuple(labels),
            camps=tuple(camps),
            name=str(data.get("name") or scheme),
            question=str(data.get("question") or ""),
            source=str(data.get("source") or ""),
            version=int(data.get("version") or 1),
        )

    @classmethod
    def from_labels(
        cls, label_ids: Sequence[str], *, scheme: str = "custom"
    ) -> Codebook:
        """A minimal codebook from a list of label ids (no names or camps)."""
        return cls.from_dict(
            {"scheme": scheme, "labels": [{"id": i} for i in label_ids]},
            source="labelled data",
        )


def builtin_schemes() -> tuple[str, ...]:
    """Names of the codebooks shipped with purposeclf."""
    root = resources.files("purposeclf") / "codebooks"
    return tuple(
        sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".json"))
    )


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


def load_codebook(spec: str | Path | Codebook) -> Codebook:
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
        text = (resources.files("purposeclf") / "codebooks" / f"{name}.json").read_text(
            encoding="utf-8"
        )
        return Codebook.from_dict(json.loads(text), source=f"built-in scheme {name!r}")
    path = Path(spec)
    if not path.is_file():
        raise UnknownSchemeError(name, builtin_schemes())
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Codebook.from_dict(_read_csv_codebook(path), source=str(path))
    if suffix == ".qdc":
        from .qda import read_qdc

        return read_qdc(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CodebookError(path, f"not valid JSON ({exc})") from None
    return Codebook.from_dict(data, source=str(path))
