"""Codebooks in REFI-QDA format (``.qdc``) for NVivo, ATLAS.ti, MAXQDA and others.

The REFI-QDA Standard (https://www.qdasoftware.org/) defines an XML codebook in
the namespace ``urn:QDA-XML:codebook:1.0``: a ``<CodeBook>`` holding ``<Codes>``
(each ``<Code>`` has a ``guid``, a ``name``, ``isCodable``, an optional
``color``, an optional ``<Description>`` and child codes) and optional
``<Sets>`` of codes. This module writes a purposeclf codebook in that format
and reads one back, including files written by other programs.

Writing (:func:`codebook_to_qdc`, :func:`write_qdc`):

- Each label is a codable ``<Code>`` named by the label's display name. Each
  camp is a parent code (``isCodable="false"``) with its labels as children,
  and also a ``<Set>`` of them (what ATLAS.ti shows as a code group). A scheme
  without camps is a flat list.
- The label id travels in the first line of the description, as
  ``purposeclf id: valued_staff``, followed by the label's description and a
  last paragraph ``Not this: ...`` when the label has one. The description is
  the one free-text field every program keeps on import and export, and the
  id's line comes first so that it survives a program cutting long
  descriptions short. Names stay the plain display names.
- GUIDs are ``uuid5`` of a fixed namespace and ``scheme/kind/id``, and colours
  come from a fixed palette by position, so exporting the same codebook twice
  gives byte-identical files.

Reading (:func:`read_qdc`, and :func:`purposeclf.codebook.load_codebook` for
a path ending in ``.qdc``):

- Every codable code is a label; codes with ``isCodable="false"`` are not
  (a code without the attribute counts as codable).
- Label ids: a code with a ``purposeclf id:`` line gets that id back. Any other
  code gets a slug of its name: accents removed, ``&`` read as "and", ``+`` as
  "plus", ``%`` as "percent", lower case, every other run of characters that
  are not letters or digits made one ``_``, cut to 64 characters, prefixed with
  ``code_`` when it does not start with a letter (``code_`` and a hash of the
  name when nothing is left). A slug already taken is prefixed with its parent
  code's slug (``staffing_other``), then numbered (``other_2``), in document
  order, so the same file always gives the same ids.
- Camps: a top-level code with codable codes below it is a camp, and every
  codable code below it, at any depth, belongs to it (there is one level of
  camps; deeper levels are flattened into the top-level camp). A codable
  parent is a label too, in its own camp. A label whose name repeats an earlier
  label's is named ``Parent / Name``. When no code has child codes, sets
  become the camps (a label in several sets goes to the first).
- Descriptions may be missing; colours are not kept (codebooks have none).

Files are refused with a :class:`~purposeclf.exceptions.CodebookError` that
says why when they are not well-formed XML, have another root element or
namespace, contain a DTD (``<!DOCTYPE``/``<!ENTITY``, which is how entity
expansion and external entity attacks start), are larger than
:data:`MAX_QDC_BYTES`, have no codable codes, or give two codes the same
``purposeclf id``.

Examples
--------
>>> from purposeclf.qda import codebook_to_qdc, parse_qdc
>>> xml = codebook_to_qdc("purpose")
>>> xml.splitlines()[1]
'<CodeBook xmlns="urn:QDA-XML:codebook:1.0" ... origin="purposeclf ...">'
>>> cb = parse_qdc(xml, scheme="purpose")
>>> cb.ids[:2]
('learning_innovation', 'complex_integrated_care')
>>> cb.camp_ids
('working_at_scale', 'economies_of_scale')
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._version import __version__
from .codebook import _ID_RE, Codebook, load_codebook
from .exceptions import CodebookError, DataError
from .io import AtomicWriter

__all__ = [
    "QDC_NAMESPACE",
    "MAX_QDC_BYTES",
    "codebook_to_qdc",
    "write_qdc",
    "read_qdc",
    "parse_qdc",
    "export_codebook",
    "code_guid",
]

logger = logging.getLogger(__name__)

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
"""The XML namespace of REFI-QDA codebooks."""

MAX_QDC_BYTES = 16 * 1024 * 1024
"""Largest .qdc file read (16 MiB; a codebook of thousands of codes is far smaller)."""

_PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA_LOCATION = (
    f"{QDC_NAMESPACE} http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
)
# Fixed forever: changing it would change every GUID purposeclf has written.
_GUID_NAMESPACE = uuid.UUID("95de8865-9fb0-406c-be5c-ee85a8c22baf")
_ID_LINE = "purposeclf id:"
_ID_LINE_RE = re.compile(r"\A\s*purposeclf id:[ \t]*(\S*)\s*", re.IGNORECASE)
_NOT_THIS_RE = re.compile(r"(?:\A|\n)[ \t]*Not this:[ \t]*", re.IGNORECASE)
# Tableau 10 and two more: distinct hues for labels; darker ones for camps.
_LABEL_COLOURS = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948",
    "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC", "#1F77B4", "#17BECF",
)  # fmt: skip
_CAMP_COLOURS = ("#2F4B7C", "#7A5195", "#A05195", "#D45087", "#665191", "#003F5C")


def _q(tag: str) -> str:
    return f"{{{QDC_NAMESPACE}}}{tag}"


def code_guid(scheme: str, kind: str, item_id: str) -> str:
    """The stable GUID purposeclf gives a label, camp or set.

    Parameters
    ----------
    scheme : str
        The codebook's scheme, so that the same id in two schemes differs.
    kind : {"label", "camp", "set"}
        What the GUID is for.
    item_id : str
        The label or camp id.

    Returns
    -------
    str
        A lower-case UUID (version 5), the same on every run and machine.

    Examples
    --------
    >>> code_guid("keep", "label", "valued_staff")
    '...-...-5...-...-...'
    >>> guid = code_guid("keep", "label", "valued_staff")
    >>> guid == code_guid("keep", "label", "valued_staff")
    True
    >>> guid == code_guid("purpose", "label", "valued_staff")
    False
    """
    return str(uuid.uuid5(_GUID_NAMESPACE, f"purposeclf/{scheme}/{kind}/{item_id}"))


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


# --------------------------------------------------------------------- reading


@dataclass
class _Node:
    guid: str
    name: str
    codable: bool
    marker: str | None
    description: str
    not_this: str
    parent: int | None
    top: int
    n_children: int = 0
    codable_below: bool = False


def _slug(text: str, *, prefix: str = "code") -> str:
    """A label id made from a name (see the module docstring for the rules).

    >>> _slug("Access & waiting times"), _slug("24/7 cover"), _slug("Café  culture!")
    ('access_and_waiting_times', 'code_24_7_cover', 'cafe_culture')
    """
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    for sign, word in (("&", " and "), ("+", " plus "), ("%", " percent ")):
        plain = plain.replace(sign, word)
    slug = re.sub(r"[^A-Za-z0-9]+", "_", plain).strip("_").lower()
    if not slug:
        slug = prefix + "_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    elif not slug[0].isalpha():
        slug = f"{prefix}_{slug}"
    return slug[:64].rstrip("_")


def _unique(base: str, used: set[str], parent_slug: str | None) -> str:
    if base not in used:
        return base
    if parent_slug:
        candidate = f"{parent_slug}_{base}"[:64].rstrip("_")
        if candidate not in used:
            return candidate
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = base[: 64 - len(suffix)] + suffix
        if candidate not in used:
            return candidate
        n += 1


def _split_description(text: str) -> tuple[str | None, str, str]:
    """(purposeclf id or None, description, not-this note) of a description."""
    text = text.replace("\r\n", "\n").strip()
    marker = None
    m = _ID_LINE_RE.match(text)
    if m:
        marker = m.group(1)
        text = text[m.end() :]
    not_this = ""
    m = _NOT_THIS_RE.search(text)
    if m:
        not_this = text[m.end() :].strip()
        text = text[: m.start()]
    return marker, text.strip(), not_this


def _check_safe(data: bytes, source: str) -> None:
    low = data.lower()
    for marker in ("<!doctype", "<!entity"):
        for enc in ("ascii", "utf-16-le", "utf-16-be"):
            if marker.encode(enc) in low:
                raise CodebookError(
                    source,
                    f"the file contains a {marker[2:].upper()} declaration. Codebook "
                    "files never need one, and it is how XML entity attacks start, so "
                    "purposeclf refuses it; export the codebook again from your QDA "
                    "program or remove the declaration",
                )


def _children(el: ET.Element, tag: str) -> list[ET.Element]:
    return [c for c in el if c.tag == _q(tag)]


def _walk(root: ET.Element, nodes: list[_Node], source: str) -> None:
    """Append the codes under ``root`` to ``nodes``, parents before children.

    Iterative, so a file nested thousands of codes deep is read like any other.
    """
    stack: list[tuple[ET.Element, int | None, int | None]] = [
        (code, None, None) for code in reversed(_children(root, "Code"))
    ]
    while stack:
        code, parent, top = stack.pop()
        name = " ".join((code.get("name") or "").split())
        guid = (code.get("guid") or "").strip().strip("{}").lower()
        if not name:
            raise CodebookError(
                source,
                f"a code (guid {guid or '?'}) has no name; give every code a name in "
                "your QDA program and export again",
            )
        codable = (code.get("isCodable") or "true").strip().lower() not in (
            "false",
            "0",
        )
        desc_el = _children(code, "Description")
        raw = "".join(desc_el[0].itertext()) if desc_el else ""
        marker, description, not_this = _split_description(raw)
        index = len(nodes)
        top = index if top is None else top
        nodes.append(
            _Node(guid, name, codable, marker, description, not_this, parent, top)
        )
        if parent is not None:
            nodes[parent].n_children += 1
        stack.extend((c, index, top) for c in reversed(_children(code, "Code")))


def _ancestors(nodes: list[_Node], i: int) -> Iterator[int]:
    p = nodes[i].parent
    while p is not None:
        yield p
        p = nodes[p].parent


def _marker_id(node: _Node, source: str, what: str) -> str | None:
    if node.marker is None:
        return None
    if not _ID_RE.match(node.marker):
        raise CodebookError(
            source,
            f"{what} {node.name!r} has '{_ID_LINE} {node.marker}' in its description, "
            "which is not a valid id (a letter, then letters, digits, '_', '.' or '-', "
            "at most 64 characters); correct that line or delete it",
        )
    return node.marker


def parse_qdc(
    data: bytes | str,
    *,
    scheme: str = "custom",
    source: str = "<qdc>",
    max_bytes: int = MAX_QDC_BYTES,
) -> Codebook:
    """Build a codebook from REFI-QDA codebook XML.

    Parameters
    ----------
    data : bytes or str
        The XML document.
    scheme : str, default="custom"
        The scheme name of the codebook (prefix of the score columns).
    source : str, default="<qdc>"
        Where the XML came from, for error messages.
    max_bytes : int, default=MAX_QDC_BYTES
        Larger documents are refused.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        If the document is too large, has a DTD, is not well-formed, is not a
        REFI-QDA codebook, has no codable codes or repeats a purposeclf id.

    Examples
    --------
    >>> cb = parse_qdc('''<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
    ...   <Code guid="c5b0e1f2-0000-4000-8000-000000000001" name="Access"
    ...         isCodable="true">
    ...     <Code guid="c5b0e1f2-0000-4000-8000-000000000002" name="Phone lines"
    ...           isCodable="true"/>
    ...   </Code>
    ...   <Code guid="c5b0e1f2-0000-4000-8000-000000000003" name="Parking &amp; travel"
    ...         isCodable="true"><Description>Getting there.</Description></Code>
    ... </Codes></CodeBook>''', scheme="mine")
    >>> for lab in cb.labels:
    ...     print(lab.id, "|", lab.name, "|", lab.camp)
    access | Access | access
    phone_lines | Phone lines | access
    parking_and_travel | Parking & travel | None
    >>> cb.label("parking_and_travel").description
    'Getting there.'
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise CodebookError(
            source,
            f"the file is {len(raw):,} bytes, more than the {max_bytes:,} a codebook "
            "may have; is it really a REFI-QDA codebook (.qdc)?",
        )
    _check_safe(raw, source)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise CodebookError(
            source, f"not well-formed XML ({exc}); is it a REFI-QDA codebook (.qdc)?"
        ) from None
    if root.tag != _q("CodeBook"):
        ns, local = "", root.tag
        if root.tag.startswith("{"):
            ns, _, local = root.tag[1:].partition("}")
        if ns == _PROJECT_NAMESPACE:
            hint = (
                "this is a REFI-QDA project (.qde/.qdpx); export the codebook alone "
                "as .qdc from your QDA program"
            )
        else:
            hint = "export the codebook again as a REFI-QDA codebook (.qdc)"
        raise CodebookError(
            source,
            f"the root element is <{local}> in namespace {ns or '(none)'!r}; a "
            f"REFI-QDA codebook has <CodeBook> in namespace {QDC_NAMESPACE!r}: {hint}",
        )
    codes_el = _children(root, "Codes")
    nodes: list[_Node] = []
    if codes_el:
        _walk(codes_el[0], nodes, source)
    if not nodes:
        raise CodebookError(
            source, "the codebook has no codes (<Codes> is missing or empty)"
        )
    for i in range(len(nodes)):
        if nodes[i].codable:
            for a in _ancestors(nodes, i):
                nodes[a].codable_below = True
    if not any(n.codable for n in nodes):
        raise CodebookError(
            source,
            'every code is marked isCodable="false", so there is no label to predict',
        )

    # Camps: top-level codes with codable codes below them; else the sets.
    camp_of_node: dict[int, str] = {}
    camps: list[dict[str, str]] = []
    used_camps: set[str] = set()

    def add_camp(node: _Node, what: str) -> str:
        cid = _marker_id(node, source, what)
        if cid is not None and cid in used_camps:
            raise CodebookError(source, f"camp id {cid!r} appears twice")
        cid = cid or _unique(_slug(node.name), used_camps, None)
        used_camps.add(cid)
        camps.append({"id": cid, "name": node.name, "description": node.description})
        return cid

    if any(n.n_children for n in nodes):
        top_camp = {
            i: add_camp(n, "code")
            for i, n in enumerate(nodes)
            if n.parent is None and n.codable_below
        }
        for i, n in enumerate(nodes):
            if n.codable and n.top in top_camp:
                camp_of_node[i] = top_camp[n.top]
    else:
        by_guid = {n.guid: i for i, n in enumerate(nodes) if n.codable and n.guid}
        sets_el = _children(root, "Sets")
        for s in _children(sets_el[0], "Set") if sets_el else []:
            member = [
                by_guid[g]
                for m in _children(s, "MemberCode")
                if (g := (m.get("guid") or "").strip().strip("{}").lower()) in by_guid
            ]
            if not member or not " ".join((s.get("name") or "").split()):
                continue
            desc_el = _children(s, "Description")
            marker, description, _ = _split_description(
                "".join(desc_el[0].itertext()) if desc_el else ""
            )
            node = _Node("", " ".join(s.get("name", "").split()), False, marker,
                         description, "", None, 0)  # fmt: skip
            cid = add_camp(node, "set")
            for i in member:
                camp_of_node.setdefault(i, cid)

    # Label ids: purposeclf ids first (they are reserved), then slugs.
    labelled = [i for i, n in enumerate(nodes) if n.codable]
    ids: dict[int, str] = {}
    owner: dict[str, str] = {}
    for i in labelled:
        lid = _marker_id(nodes[i], source, "code")
        if lid is None:
            continue
        if lid in owner:
            raise CodebookError(
                source,
                f"label id {lid!r} appears twice (codes {owner[lid]!r} and "
                f"{nodes[i].name!r}); each code needs its own '{_ID_LINE}' line",
            )
        owner[lid] = nodes[i].name
        ids[i] = lid
    used = set(owner)
    for i in labelled:
        if i not in ids:
            parent = nodes[i].parent
            ids[i] = _unique(
                _slug(nodes[i].name),
                used,
                _slug(nodes[parent].name) if parent is not None else None,
            )
            used.add(ids[i])
    labels: list[dict[str, Any]] = []
    names: set[str] = set()
    for i in labelled:
        n = nodes[i]
        name = n.name
        if name.lower() in names and n.parent is not None:
            name = f"{nodes[n.parent].name} / {name}"
        names.add(name.lower())
        labels.append(
            {
                "id": ids[i],
                "name": name,
                "description": n.description,
                "not_this": n.not_this,
                "camp": camp_of_node.get(i),
            }
        )
    return Codebook.from_dict(
        {"scheme": scheme, "labels": labels, "camps": camps}, source=source
    )


def read_qdc(path: str | os.PathLike[str], *, scheme: str | None = None) -> Codebook:
    """Read a REFI-QDA codebook file (``.qdc``) as a codebook.

    Files written by purposeclf give back the same ids, names, descriptions,
    "not this" notes and camps; files from NVivo, ATLAS.ti, MAXQDA and other
    programs get ids made from the code names (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The ``.qdc`` file.
    scheme : str, default=None
        Scheme name; by default a slug of the file name (``My codes.qdc`` gives
        ``my_codes``).

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        If the file cannot be used (see :func:`parse_qdc`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     cb = read_qdc(write_qdc("keep", pathlib.Path(d) / "keep.qdc"))
    >>> cb.scheme, cb.ids == load_codebook("keep").ids
    ('keep', True)
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_QDC_BYTES:
            raise CodebookError(
                p,
                f"the file is {size:,} bytes, more than the {MAX_QDC_BYTES:,} a "
                "codebook may have; is it really a REFI-QDA codebook (.qdc)?",
            )
        with p.open("rb") as fh:
            data = fh.read(MAX_QDC_BYTES + 1)
    except OSError as exc:
        raise CodebookError(p, f"cannot be read ({exc.strerror or exc})") from None
    return parse_qdc(
        data, scheme=scheme or _slug(p.stem, prefix="codebook"), source=str(p)
    )


# --------------------------------------------------------------------- export


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
