"""Property tests: arbitrary answers through every input and output format.

For any text (emoji, right-to-left scripts, combining marks, control characters,
NUL, lone surrogates, quotes, delimiters and newlines inside cells,
whitespace-only and numbers-only answers) in CSV (comma, semicolon, tab or pipe),
TSV, XLSX and JSON Lines, scoring never crashes, writes exactly one output row
per input row in input order, passes every input cell through as the reader sees
it in the input, and adds well-formed label and probability columns.

Where a format cannot hold a character, the input side leaves it out and the
output side has one documented rule (see ``purposeclf.io``):

* CSV/TSV input is UTF-8 text, which cannot hold a lone surrogate. A NUL in a
  cell is read like any character (Python 3.11+; 3.10's csv module refuses it
  with a clear error); files that look binary are refused (tested below).
* XLSX cannot hold most control characters, lone surrogates, U+FFFE or U+FFFF
  (XML forbids them): they are written as U+FFFD, and a carriage return inside a
  cell comes back as a line feed.
* JSON Lines holds everything: a lone surrogate is a ``\\udXXX`` escape and is
  written back as the same escape; in CSV/TSV output it becomes U+FFFD.

``EXAMPLES`` (below) sets how many inputs hypothesis tries per property;
SECURITY.md quotes the numbers.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from purposeclf import DataError, score_file
from purposeclf.io import cell_str as _cell_str
from purposeclf.io import open_table
from purposeclf.io._cells import _NOT_XML, _SURROGATE
from purposeclf.model import load_model
from purposeclf.scoring import Scorer

# Inputs per run: file round trips per (input, output) format pair (28 pairs),
# and batches of answers for the scorer. New random inputs every run; a failure
# is saved in .hypothesis/ and replayed first next time.
EXAMPLES = {"file_round_trip": 6, "scorer": 100}
NUL_OK = sys.version_info >= (3, 11)  # csv reads NUL characters from 3.11 on

SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

SPECIAL = (
    "\x00\r\n\t\"',;|= +-@\u200f\u202e\ufeff\u2028\x85\x0b\x0c\x1b\x7f\ufffe\uffff"
)
CHARS = st.one_of(
    st.characters(exclude_categories=("Cs",)),  # any code point but surrogates
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),  # Hebrew, Arabic
    st.characters(categories=("Mn", "Me")),  # combining marks
    st.characters(categories=("Cs",)),  # lone surrogates
    st.sampled_from(SPECIAL),
)
TEXT = st.one_of(
    st.text(CHARS, max_size=60),
    st.text(" \t\n\r\u00a0\u3000", min_size=1, max_size=6),  # whitespace only
    st.from_regex(r"[+-]?[0-9]{1,18}(\.[0-9]{1,4})?", fullmatch=True),  # numbers only
    st.sampled_from(
        [
            "=1+1",
            "@SUM(A1)",
            "-3",
            "+44 20 7946 0000",
            '=HYPERLINK("http://x")',
            "\t=1",
            "\r=1",
            "n/a",
            "",
            "video consults and the daily huddle",
        ]
    ),
)
JSON_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3)
    ),
    max_leaves=5,
)
IN_FORMATS = [
    ("csv", ","),
    ("csv", ";"),
    ("csv", "\t"),
    ("csv", "|"),
    ("tsv", "\t"),
    ("xlsx", ""),
    ("jsonl", ""),
]
OUT_FORMATS = ["csv", "tsv", "xlsx", "jsonl"]


@pytest.fixture(scope="module")
def bundle():
    return load_model("keep")


# --------------------------------------------------------------- writing input
def _clean_for(fmt: str, text: str) -> str:
    """Leave out what the input format cannot hold (see the module docstring)."""
    if not NUL_OK:
        text = text.replace("\x00", "")
    if fmt in ("csv", "tsv"):
        return _SURROGATE.sub("", text)
    if fmt == "xlsx":
        return _NOT_XML.sub("", text)
    return text


def _write_input(
    path: Path, fmt: str, delim: str, rows: list[list], newline: str
) -> None:
    header = ["id", "text", "extra", "note"]
    if fmt in ("csv", "tsv"):
        rows = [
            [_clean_for(fmt, c) if isinstance(c, str) else _cell_str(c) for c in r]
            for r in rows
        ]
        # Python's writer quotes only the characters of its line terminator, so
        # with "\n" a bare "\r" would end the row (in any reader): quote all.
        bare_cr = newline == "\n" and any("\r" in c for r in rows for c in r)
        quoting = csv.QUOTE_ALL if bare_cr else csv.QUOTE_MINIMAL
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, delimiter=delim, lineterminator=newline, quoting=quoting)
            w.writerow(header)
            w.writerows(rows)
    elif fmt == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(header)
        for r in rows:
            ws.append(
                [_clean_for(fmt, c) if isinstance(c, str) else _cell_str(c) for c in r]
            )
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # "=1+1" is an answer here, not a formula
        wb.save(path)
    else:
        with path.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(dict(zip(header, r, strict=True))) + "\n")


def _read(path: Path) -> tuple[list[str], list[list]]:
    with open_table(path) as t:
        return t.header, list(t.rows)


# ----------------------------------------------------- what the output holds
def _expected(value, out_fmt: str):
    """An input cell (as read) as it should come back from the output."""
    if out_fmt in ("csv", "tsv"):
        text = value if isinstance(value, str) else _cell_str(value)
        return _SURROGATE.sub("\ufffd", text)
    if out_fmt == "jsonl":
        return (
            value
            if isinstance(value, str | int | float | bool | None | list | dict)
            else _cell_str(value)
        )
    # xlsx
    if isinstance(value, dict | list):
        value = _cell_str(value)
    if isinstance(value, str):
        value = _NOT_XML.sub("\ufffd", value).replace("\r\n", "\n").replace("\r", "\n")
        return value or None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return str(value)
    if isinstance(value, float):
        return float(f"{value:.16g}")  # openpyxl writes 16 significant digits
    return value


def _check_labels(header: list[str], row: list, scorer: Scorer, out_fmt: str) -> None:
    ids = scorer.codebook.ids
    cells = dict(zip(header, row, strict=True))
    labels = cells["keep_labels"] or ""
    assert isinstance(labels, str)
    got = labels.split(";") if labels else []
    assert len(set(got)) == len(got) and set(got) <= set(ids)
    assert got == [i for i in ids if i in got]  # codebook order
    for lab in ids:
        p = cells[f"keep_p_{lab}"]
        if out_fmt in ("csv", "tsv"):
            assert isinstance(p, str) and len(p) == 6 and p[1] == ".", p
            p = float(p)
        # XLSX stores numbers, not Python types: 0.0 reads back as the int 0
        assert isinstance(p, int | float) and not isinstance(p, bool), p
        assert 0.0 <= p <= 1.0 and math.isfinite(p)


ROWS = st.lists(st.tuples(TEXT, TEXT, JSON_VALUE), min_size=1, max_size=6)


def _round_trip(tmp: Path, bundle, fmt, out_fmt: str, rows, newline: str) -> None:
    kind, delim = fmt
    src = tmp / f"in.{kind}"
    table = [
        [str(i), text, extra, note if kind == "jsonl" else _cell_str(note)]
        for i, (text, extra, note) in enumerate(rows)
    ]
    _write_input(src, kind, delim, table, newline)
    out = tmp / f"out.{out_fmt}"
    summary = score_file(src, out, model=bundle, chunk_size=4)

    in_header, in_rows = _read(src)
    out_header, out_rows = _read(out)
    assert in_header == ["id", "text", "extra", "note"]
    scorer = Scorer(bundle)
    assert out_header == in_header + scorer.columns
    assert summary.n_rows == len(in_rows) == len(out_rows) == len(rows)
    for i, (a, b) in enumerate(zip(in_rows, out_rows, strict=True)):
        assert _cell_str(a[0]) == _cell_str(b[0]) == str(i)  # in order
        assert b[:4] == [_expected(c, out_fmt) for c in a]
        _check_labels(out_header, b, scorer, out_fmt)


PAIRS = [(i, o) for i in IN_FORMATS for o in OUT_FORMATS]


@pytest.mark.parametrize("fmt, out_fmt", PAIRS)
@settings(SETTINGS, max_examples=EXAMPLES["file_round_trip"])
@given(rows=ROWS, newline=st.sampled_from(["\r\n", "\n"]))
def test_any_answers_round_trip_through_every_format(
    tmp_path_factory, bundle, fmt, out_fmt, rows, newline
):
    _round_trip(tmp_path_factory.mktemp("prop"), bundle, fmt, out_fmt, rows, newline)


@pytest.mark.parametrize(
    "fmt, out_fmt, rows",
    [
        # answers full of the other delimiters must not confuse the sniffer
        (("csv", ";"), "csv", [("a,b,c,d", "1,2,3", "x|y|z")] * 3),
        (("csv", "|"), "csv", [("a;b;c", "1,2,3", "x;y\tz")] * 3),
        (("jsonl", ""), "csv", [("lone \ud800 surrogate", "\udfff", {"k": "\ud83d"})]),
        (("jsonl", ""), "xlsx", [("nul \x00 bell \x07", "\ufffe\uffff", 2**64)]),
        (("jsonl", ""), "jsonl", [("\ud800\x00", "", {"\udfff": [None, 1.5]})]),
    ],
)
def test_explicit_round_trips(tmp_path, bundle, fmt, out_fmt, rows):
    _round_trip(tmp_path, bundle, fmt, out_fmt, rows, "\n")


@settings(SETTINGS, max_examples=EXAMPLES["scorer"])
@given(texts=st.lists(TEXT, min_size=1, max_size=12))
@example(
    texts=["x" * 1_000_000, "", " ", "\x00", "\ud800", "٣٤٥", "e\u0301\u0301\u0301"]
)
def test_scorer_gives_finite_probabilities_and_batch_equals_one_by_one(bundle, texts):
    batch = Scorer(bundle)
    proba, decided = batch.score_texts(texts)
    assert proba.shape == decided.shape == (len(texts), len(bundle.model.codebook))
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    for i, text in enumerate(texts):
        one = Scorer(bundle)  # nothing remembered from the batch
        p, d = one.score_texts([text])
        np.testing.assert_array_equal(p[0], proba[i])
        np.testing.assert_array_equal(d[0], decided[i])


# ----------------------------------------------------------- explicit cases
@pytest.mark.parametrize("out_fmt", OUT_FORMATS)
def test_one_megabyte_answer_round_trips(tmp_path, bundle, out_fmt, caplog):
    """1 MB in one cell: scored and written back in full (XLSX: cut, with a warning)."""
    answer = ("Keep the video consults and the daily huddle, really. " * 20_000)[
        :1_000_000
    ]
    src = tmp_path / "in.csv"
    rows = [["1", answer, "x", "y"], ["2", "n/a", "", ""]]
    _write_input(src, "csv", ",", rows, "\r\n")
    out = tmp_path / f"out.{out_fmt}"
    score_file(src, out, model=bundle)
    header, got = _read(out)
    assert len(got) == 2 and got[0][header.index("keep_labels")] != ""
    if out_fmt == "xlsx":  # a spreadsheet cell holds at most 32,767 characters
        assert got[0][1] == answer[:32_767]
        assert "1 cell(s) were longer than 32,767 characters" in caplog.text
    else:
        assert got[0][1] == answer


@pytest.mark.skipif(not NUL_OK, reason="Python 3.10's csv module refuses NUL")
def test_nul_in_a_csv_cell_is_read_but_binary_files_are_refused(tmp_path, bundle):
    src = tmp_path / "in.csv"
    src.write_bytes(b"id,text\n1,a\x00b\n")
    score_file(src, tmp_path / "out.csv", model=bundle)
    assert _read(tmp_path / "out.csv")[1][0][1] == "a\x00b"
    for name, raw in {
        "utf16.csv": "id,text\n1,abc\n".encode("utf-16-le"),  # no byte-order mark
        "zeros.csv": bytes(100),
        "old.csv": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50),  # an .xls
        "cp1252.csv": b"id,text\n1,caf\xe9\x00\n",  # not UTF-8, with a NUL
    }.items():
        (tmp_path / name).write_bytes(raw)
        with pytest.raises(DataError, match="looks like a binary file"):
            score_file(tmp_path / name, tmp_path / "bad.csv", model=bundle)
    assert not (tmp_path / "bad.csv").exists()


def test_surrogate_bytes_in_a_csv_are_read_not_a_crash(tmp_path, bundle):
    """A UTF-8-encoded surrogate is invalid UTF-8: the file is read as cp1252."""
    src = tmp_path / "in.csv"
    src.write_bytes(b"id,text\n1,caf\xed\xa0\x80\n")
    out = tmp_path / "out.csv"
    score_file(src, out, model=bundle)
    assert _read(out)[1][0][:2] == _read(src)[1][0] == ["1", "caf\u00ed\u00a0\u20ac"]


def test_lone_surrogate_to_csv_is_replaced_with_a_warning(tmp_path, bundle, caplog):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "a\\ud800b"}\n', encoding="ascii")
    score_file(src, tmp_path / "out.csv", model=bundle)
    assert _read(tmp_path / "out.csv")[1][0][1] == "a\ufffdb"
    assert "1 character(s) could not be written as utf-8" in caplog.text
    score_file(src, tmp_path / "out.jsonl", model=bundle)
    assert '"a\\ud800b"' in (tmp_path / "out.jsonl").read_text(encoding="ascii")
    assert _read(tmp_path / "out.jsonl")[1][0][1] == "a\ud800b"


def test_xlsx_output_replaces_what_xml_cannot_hold(tmp_path, bundle, caplog):
    import openpyxl

    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps(
            {"text": "bell\x07 nul\x00 \ud800 \uffff", "n": 2**60, "obj": {"a": [1]}}
        )
        + "\n",
        encoding="ascii",
    )
    out = tmp_path / "out.xlsx"
    score_file(src, out, model=bundle)  # openpyxl alone raises IllegalCharacterError
    ws = openpyxl.load_workbook(out).active
    assert ws["A2"].value == "bell\ufffd nul\ufffd \ufffd \ufffd"
    assert ws["B2"].value == str(2**60) and ws["B2"].data_type == "s"
    assert ws["C2"].value == '{"a": [1]}'
    assert "1 cell(s) held characters that XLSX cannot store" in caplog.text


def test_csv_field_size_limit_does_not_cap_cells(tmp_path, bundle):
    """Python's csv module refuses cells over 131,072 characters unless raised."""
    src = tmp_path / "in.csv"
    big = "word " * 60_000  # 300,000 characters
    src.write_text(f"text\n{big}\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    score_file(src, out, model=bundle)
    assert _read(out)[1][0][0] == big
    assert csv.field_size_limit() > len(big)
