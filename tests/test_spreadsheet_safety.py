"""Formula injection: cells a spreadsheet would run never reach it as formulas.

The OWASP list of dangerous first characters is = + - @ tab and carriage return.
XLSX output writes every such cell as a string cell. CSV/TSV output leaves cells
unchanged unless ``excel_safe`` (``--excel-safe``) is given; then such cells get a
leading ``'``, except plain numbers such as ``-3``, which a spreadsheet reads as
numbers. Column names, passed-through input cells and the new label and camp
cells (a model's scheme and camp names come from its codebook) are all covered;
``test_io.py`` has the first, simpler case.
"""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from purposeclf import PurposeClassifier, score_file
from purposeclf.cli import cli
from purposeclf.codebook import Camp, Codebook, Label
from purposeclf.exceptions import CodebookError
from purposeclf.model import ModelBundle

from .conftest import TOY_LABELS, TOY_TEXTS

RISKY = [
    "=1+1",
    '=HYPERLINK("http://x","click")',
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=",
    "-",
    "+",
    "@",
    "-3+A1",
    "--1",
    "+44 20 7946 0000",
    "-0x1F",
]
PLAIN_NUMBERS = ["-3", "+3", "-3.5", "+.5", "-1e5", "-2E+10", "-0"]
HARMLESS = ["3", "a=1", " =1", "'=1", "hello"]
CELLS = RISKY + PLAIN_NUMBERS + HARMLESS


EVIL = {
    "scheme": "=cmd",
    "labels": [
        {"id": "digital_tools", "camp": "@evil"},
        {"id": "great_teams", "camp": "+x"},
        {"id": "valued_staff", "camp": "-2+3"},
    ],
}


def test_codebooks_refuse_formula_like_names():
    # (A model file's codebook goes through the same check when it is
    # loaded: test_hostile_models.py.)
    with pytest.raises(CodebookError, match="camp id '@evil' must start with a letter"):
        Codebook.from_dict(EVIL)
    plain_camps = [{"id": x["id"], "camp": "ok"} for x in EVIL["labels"]]
    with pytest.raises(CodebookError, match="scheme '=cmd' must start with a letter"):
        Codebook.from_dict({**EVIL, "labels": plain_camps})
    assert Codebook.from_dict({"scheme": "ok", "labels": plain_camps}).camp_ids == (
        "ok",
    )


@pytest.fixture(scope="module")
def evil_model():
    """A model whose scheme and camp names start like formulas.

    Codebooks refuse such names (above), so this model is built in memory,
    past the check: the writers must still be safe if one ever got through.
    """
    cb = Codebook(
        scheme="=cmd",
        labels=tuple(Label(x["id"], x["id"], camp=x["camp"]) for x in EVIL["labels"]),
        camps=tuple(Camp(x["camp"]) for x in EVIL["labels"]),
    )
    clf = PurposeClassifier(
        codebook=cb, min_df=1, threshold=0.5, C=20.0, random_state=0
    )
    clf.fit(TOY_TEXTS, TOY_LABELS)
    return ModelBundle(clf._compiled(), {"name": "evil"}, "evil")


@pytest.fixture
def src(tmp_path):
    path = tmp_path / "in.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "=HEADER", "@note"])
        texts = ["video consults", "the daily huddle", "free food for staff"]
        for i, cell in enumerate(CELLS):
            w.writerow([str(i), texts[i % 3], cell, cell])
    return path


def _rows(path, delimiter: str = ",") -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_excel_safe_prefixes_every_risky_cell_and_name(
    src, tmp_path, evil_model, fmt, delimiter
):
    out = tmp_path / f"safe.{fmt}"
    score_file(src, out, model=evil_model, excel_safe=True)
    rows = _rows(out, delimiter)
    header = rows[0]
    assert header[2:4] == ["'=HEADER", "'@note"]
    assert header[4:6] == ["'=cmd_labels", "'=cmd_camps"]
    assert all(h.startswith("'=cmd_p_") for h in header[6:])
    for row, cell in zip(rows[1:], CELLS, strict=True):
        want = cell if cell in PLAIN_NUMBERS + HARMLESS else "'" + cell
        assert row[2] == row[3] == want, (cell, row[2])
        for camp in row[5].split(";"):  # new cells: camps such as '@evil
            assert camp == "" or camp[0] == "'", row[5]
        risky = [c for c in row if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert set(risky) <= set(PLAIN_NUMBERS), risky


def test_without_excel_safe_csv_cells_are_unchanged(src, tmp_path, evil_model):
    out = tmp_path / "plain.csv"
    score_file(src, out, model=evil_model)
    rows = _rows(out)
    assert rows[0][:6] == [
        "id",
        "text",
        "=HEADER",
        "@note",
        "=cmd_labels",
        "=cmd_camps",
    ]
    assert [r[2] for r in rows[1:]] == CELLS


def test_xlsx_output_holds_text_never_formulas(src, tmp_path, evil_model):
    import openpyxl

    out = tmp_path / "out.xlsx"
    score_file(src, out, model=evil_model)  # the same with or without excel_safe
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    assert header[2:6] == ["=HEADER", "@note", "=cmd_labels", "=cmd_camps"]
    assert all(c.data_type == "s" for c in rows[0])  # column names too
    for row, cell in zip(rows[1:], CELLS, strict=True):
        for c in row[2:4]:
            want = cell.replace("\r", "\n")  # XML turns a lone CR into LF
            assert (c.value, c.data_type) == (want, "s"), (cell, c.value, c.data_type)
        assert row[5].data_type == "s"  # camps, e.g. "@evil"
        assert not any(c.data_type == "f" for c in row)
    camps = {c.value for row in rows[1:] for c in row[5:6]} - {None}
    assert camps and all(v.startswith(("@", "+", "-")) for v in camps)


def test_cli_excel_safe_flag(src, tmp_path):
    out = tmp_path / "cli.csv"
    res = CliRunner().invoke(
        cli,
        ["score", str(src), "--scheme", "keep", "-o", str(out), "--excel-safe"],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    rows = _rows(out)
    assert rows[0][2] == "'=HEADER" and rows[1][2] == "'=1+1"
    assert [r[2] for r in rows[1:]][-len(HARMLESS + PLAIN_NUMBERS) :] == (
        PLAIN_NUMBERS + HARMLESS
    )
