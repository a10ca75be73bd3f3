"""The Codebook model: labels (a fixed contract of ids), names, definitions, camps."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import CodebookError, UnknownLabelError

__all__ = ["Label", "Camp", "Codebook", "ID_RE"]

ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")

_ID_RULE = (
    "must start with a letter and use only letters, digits, '_', '.' or '-' "
    "(at most 64 characters)"
)


def _check_id(source: str, kind: str, value: str) -> str:
    # Ids become column names and file names: no formulas, no control codes.
    if not ID_RE.match(value):
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
        scheme = _check_id(
            source, "scheme", str(data.get("scheme") or "custom").strip()
        )
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
