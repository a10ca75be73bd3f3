"""Writing codebooks as REFI-QDA codebook XML (``.qdc``), JSON or CSV.

See :mod:`purposeclf.qda` for the layout (camps as parent codes and sets, the
label id in the first line of each description, fixed GUIDs and colours).
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .._version import __version__
from ..exceptions import DataError
from ..io import AtomicWriter
from ._codebook import Codebook
from ._load import load_codebook
from ._qdc_common import _ID_LINE, _SCHEMA_LOCATION, _XSI, QDC_NAMESPACE, code_guid

__all__ = ["codebook_to_qdc", "write_qdc", "export_codebook"]

# Tableau 10 and two more: distinct hues for labels; darker ones for camps.
_LABEL_COLOURS = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948",
    "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC", "#1F77B4", "#17BECF",
)  # fmt: skip

_CAMP_COLOURS = ("#2F4B7C", "#7A5195", "#A05195", "#D45087", "#665191", "#003F5C")


def _description(item_id: str, description: str, not_this: str = "") -> str:
    text = f"{_ID_LINE} {item_id}"
    if description:
        text += "\n" + description
    if not_this:
        text += "\n\nNot this: " + not_this
    return text


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """Character data, escaped; characters XML 1.0 cannot hold are dropped."""
    value = _XML_UNSAFE.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return (
        _text(value)
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


@dataclass
class _Out:
    """A code or set to write: its tag, attributes, description and children."""

    tag: str
    attrs: dict[str, str]
    description: str | None = None
    children: list[_Out] = field(default_factory=list)

    def lines(self, depth: int) -> Iterator[str]:
        pad = "  " * depth
        attrs = "".join(f' {k}="{_attr(v)}"' for k, v in self.attrs.items())
        if self.description is None and not self.children:
            yield f"{pad}<{self.tag}{attrs}/>"
            return
        yield f"{pad}<{self.tag}{attrs}>"
        if self.description is not None:
            yield f"{pad}  <Description>{_text(self.description)}</Description>"
        for child in self.children:
            yield from child.lines(depth + 1)
        yield f"{pad}</{self.tag}>"


def _code(guid: str, name: str, codable: bool, colour: str, description: str) -> _Out:
    attrs = {
        "guid": guid,
        "name": name,
        "isCodable": "true" if codable else "false",
        "color": colour,
    }
    return _Out("Code", attrs, description)


def codebook_to_qdc(codebook: Codebook | str | os.PathLike[str]) -> str:
    """A codebook as REFI-QDA codebook XML (the content of a ``.qdc`` file).

    Parameters
    ----------
    codebook : Codebook, str or Path
        A codebook, a built-in scheme name or a codebook file.

    Returns
    -------
    str
        The XML document, with an XML declaration; encode it as UTF-8.

    Examples
    --------
    >>> xml = codebook_to_qdc("keep")
    >>> xml.count("<Code "), xml.count('isCodable="false"')
    (10, 0)
    >>> xml == codebook_to_qdc("keep")
    True
    """
    cb = load_codebook(codebook)
    camps = {c.id: c for c in cb.camps}
    top: list[_Out] = []
    camp_codes: dict[str, _Out] = {}
    members: dict[str, list[str]] = {}
    for i, lab in enumerate(cb.labels):
        guid = code_guid(cb.scheme, "label", lab.id)
        code = _code(
            guid,
            lab.name or lab.id,
            True,
            _LABEL_COLOURS[i % len(_LABEL_COLOURS)],
            _description(lab.id, lab.description, lab.not_this),
        )
        if not lab.camp:
            top.append(code)
            continue
        if lab.camp not in camp_codes:
            camp = camps[lab.camp]
            camp_codes[lab.camp] = _code(
                code_guid(cb.scheme, "camp", camp.id),
                camp.name or camp.id,
                False,
                _CAMP_COLOURS[len(camp_codes) % len(_CAMP_COLOURS)],
                _description(camp.id, camp.description),
            )
            top.append(camp_codes[lab.camp])
            members[lab.camp] = []
        camp_codes[lab.camp].children.append(code)
        members[lab.camp].append(guid)
    root_attrs = {
        "xmlns": QDC_NAMESPACE,
        "xmlns:xsi": _XSI,
        "xsi:schemaLocation": _SCHEMA_LOCATION,
        "origin": f"purposeclf {__version__}",
    }
    root = _Out("CodeBook", root_attrs, None, [_Out("Codes", {}, None, top)])
    if members:
        sets = [
            _Out(
                "Set",
                {
                    "guid": code_guid(cb.scheme, "set", camp_id),
                    "name": camps[camp_id].name or camp_id,
                },
                _description(camp_id, camps[camp_id].description),
                [_Out("MemberCode", {"guid": g}) for g in guids],
            )
            for camp_id, guids in members.items()
        ]
        root.children.append(_Out("Sets", {}, None, sets))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(root.lines(0)) + "\n"


def write_qdc(
    codebook: Codebook | str | os.PathLike[str], path: str | os.PathLike[str]
) -> Path:
    """Write a codebook as a REFI-QDA ``.qdc`` file (UTF-8), atomically.

    Parameters
    ----------
    codebook : Codebook, str or Path
        A codebook, a built-in scheme name or a codebook file.
    path : str or Path
        The file to write; it is replaced if it exists.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from purposeclf.codebook import read_qdc
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = write_qdc("purpose", pathlib.Path(d) / "purpose.qdc")
    ...     read_qdc(out).camp_ids
    ('working_at_scale', 'economies_of_scale')
    """
    out = Path(path)
    text = codebook_to_qdc(codebook)
    with AtomicWriter(out, encoding="utf-8") as fh:
        fh.write(text)
    return out


def export_codebook(
    codebook: Codebook | str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> Path:
    """Write a codebook in the format of ``output``'s extension.

    ``.qdc`` is the REFI-QDA codebook that NVivo, ATLAS.ti, MAXQDA and other
    QDA programs import; ``.json`` is purposeclf's own format (as shipped);
    ``.csv`` has the columns ``id,name,description,not_this,camp``. All three
    can be read back with :func:`purposeclf.codebook.load_codebook`.

    Parameters
    ----------
    codebook : Codebook, str or Path
        A codebook, a built-in scheme name or a codebook file.
    output : str or Path
        The file to write.
    overwrite : bool, default=False
        Replace an existing file.

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    FileExistsError
        If ``output`` exists and ``overwrite`` is false.
    DataError
        If the extension is not ``.qdc``, ``.json`` or ``.csv``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = export_codebook("keep", pathlib.Path(d) / "keep.csv")
    ...     out.read_text(encoding="utf-8").splitlines()[0]
    'id,name,description,not_this,camp'
    """
    out = Path(output)
    suffix = out.suffix.lower()
    if suffix not in (".qdc", ".json", ".csv"):
        raise DataError(
            f"Cannot tell the codebook format from {out.name!r}: end the file name "
            "with .qdc (REFI-QDA, for NVivo, ATLAS.ti and MAXQDA), .json or .csv."
        )
    if out.exists() and not overwrite:
        raise FileExistsError(
            f"{str(out)!r} already exists; pass --force to replace it."
        )
    cb = load_codebook(codebook)
    if suffix == ".qdc":
        return write_qdc(cb, out)
    with AtomicWriter(out, encoding="utf-8") as fh:
        if suffix == ".json":
            fh.write(json.dumps(cb.to_dict(), indent=2, ensure_ascii=False) + "\n")
        else:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["id", "name", "description", "not_this", "camp"])
            for lab in cb.labels:
                w.writerow(
                    [lab.id, lab.name, lab.description, lab.not_this, lab.camp or ""]
                )
    return out
