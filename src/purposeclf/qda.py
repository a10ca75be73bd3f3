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

from .codebook import (
    MAX_QDC_BYTES,
    QDC_NAMESPACE,
    code_guid,
    codebook_to_qdc,
    export_codebook,
    parse_qdc,
    read_qdc,
    write_qdc,
)

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
