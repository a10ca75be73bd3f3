"""Files in and out: survey exports read as they are, results written safely.

Readers stream rows as lists of strings exactly as they appear in the file, so
every input cell is written back unchanged. Writers go to a temporary file next
to the destination and rename it into place only when complete.

Limits and the few places where a cell cannot be written back exactly:

* Readers refuse a cell longer than ``max_cell_chars`` characters (default
  :data:`MAX_CELL_CHARS`, 10 million) and, if asked, a file with more than
  ``max_rows`` rows, with an error naming the row, the limit and how to raise it.
* CSV and TSV output is UTF-8, which cannot hold a lone surrogate (only a JSON
  Lines input can contain one, as a ``\\udXXX`` escape); each is written as
  U+FFFD and a warning gives the count. JSON Lines output writes it back as the
  same escape, so the value round-trips exactly.
* XLSX output cannot hold control characters other than tab, line feed and
  carriage return, lone surrogates, U+FFFE or U+FFFF (XML forbids them); each is
  written as U+FFFD and a warning gives the count. XML also turns a carriage
  return inside a cell into a line feed. A cell holds at most 32,767 characters:
  longer text is cut to that length, with a warning. Integers of 16 digits or
  more are written as text, because Excel keeps only 15 significant digits;
  other numbers keep 16 significant digits.
* Every text cell of an XLSX output is a string cell, never a formula. With
  ``excel_safe`` (``--excel-safe``), CSV/TSV cells and column names that start
  with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading ``'``
  unless they are plain numbers such as ``-3`` or ``+4.5e2``, which a spreadsheet
  reads as numbers, never as formulas.
"""

from __future__ import annotations

from ._cells import FORMULA_START, cell_str, defuse
from ._columns import SAMPLE_ROWS, ColumnChoice, column_letter, resolve_column
from ._csv import detect_encoding
from ._files import AtomicWriter, atomic_replace, fixed_zipinfo, source_date
from ._limits import MAX_CELL_CHARS
from ._open import open_table
from ._survey import ExportLayout, detect_export
from ._table import TableReader
from ._write import TableSink, open_sink, output_format, write_rows

__all__ = [
    "MAX_CELL_CHARS",
    "FORMULA_START",
    "detect_encoding",
    "TableReader",
    "open_table",
    "AtomicWriter",
    "atomic_replace",
    "fixed_zipinfo",
    "source_date",
    "cell_str",
    "defuse",
    "write_rows",
    "TableSink",
    "open_sink",
    "output_format",
    "SAMPLE_ROWS",
    "ColumnChoice",
    "column_letter",
    "resolve_column",
    "ExportLayout",
    "detect_export",
]
