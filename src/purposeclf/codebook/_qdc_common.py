"""What the REFI-QDA codebook reader and writer share: namespaces, GUIDs, ids."""

from __future__ import annotations

import re
import uuid

__all__ = ["QDC_NAMESPACE", "MAX_QDC_BYTES", "code_guid"]

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
