"""Reading REFI-QDA codebooks (``.qdc``) written by purposeclf or any QDA program.

See :mod:`purposeclf.qda` for the rules (ids, camps, what is refused).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import CodebookError
from ._codebook import ID_RE, Codebook
from ._qdc_common import (
    _ID_LINE,
    _ID_LINE_RE,
    _NOT_THIS_RE,
    _PROJECT_NAMESPACE,
    MAX_QDC_BYTES,
    QDC_NAMESPACE,
    _q,
)

__all__ = ["read_qdc", "parse_qdc"]

logger = logging.getLogger("purposeclf.codebook")


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
    if not ID_RE.match(node.marker):
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
    >>> from purposeclf.codebook import load_codebook, write_qdc
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
