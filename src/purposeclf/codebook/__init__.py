"""Codebooks as data: the label schemes a model predicts, and their file formats.

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

from ._codebook import ID_RE, Camp, Codebook, Label
from ._load import builtin_schemes, load_codebook, matching_builtin
from ._qdc_common import MAX_QDC_BYTES, QDC_NAMESPACE, code_guid
from ._qdc_read import parse_qdc, read_qdc
from ._qdc_write import codebook_to_qdc, export_codebook, write_qdc

__all__ = [
    "Label",
    "Camp",
    "Codebook",
    "ID_RE",
    "load_codebook",
    "builtin_schemes",
    "matching_builtin",
    "QDC_NAMESPACE",
    "MAX_QDC_BYTES",
    "code_guid",
    "codebook_to_qdc",
    "write_qdc",
    "export_codebook",
    "parse_qdc",
    "read_qdc",
]
