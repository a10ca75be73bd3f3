"""Finding the answer column in the exports analysts have, with no --text-column."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from purposeclf.cli import cli
from purposeclf.exceptions import ColumnNotFoundError, DataError
from purposeclf.io import column_letter, resolve_column

KEEP_Q = "What do you want to keep from this time?"
ANSWERS = [
    "Telephone triage, never going back to the 8am scramble",
    "the huddles!!",
    "n/a",
    "Our matron checking on us every shift and the food in the rest room",
    "Video rounds into the care homes with the frailty team",
    "Less QOF chasing so we could see the sickest first",
]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def forms_workbook(path, question_header: str) -> None:
    """A Microsoft Forms export: metadata columns, then one column per question."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", question_header])
    for i, a in enumerate(ANSWERS, 1):
        ws.append(
            [i, f"3/{i}/24 9:0{i}:11", f"3/{i}/24 9:1{i}:40", "anonymous", None, a]
        )
    wb.save(path)


def test_forms_workbook_headed_with_the_question_scores_with_no_options(tmp_path):
    src = tmp_path / "forms.xlsx"
    forms_workbook(src, KEEP_Q + " ")  # Forms keeps the question's trailing space
    out = tmp_path / "coded.csv"
    res = run("score", str(src), "-o", str(out))
    assert res.exit_code == 0, res.output
    assert f"answers: column '{KEEP_Q} ' (headed with the question)" in res.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r[KEEP_Q + " "] for r in rows] == ANSWERS
    assert rows[1]["keep_labels"] == "great_teams" and rows[2]["keep_labels"] == ""


def test_free_text_is_told_from_ids_dates_emails_and_pick_lists(tmp_path):
    src = tmp_path / "export.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ResponseId", "RecordedDate", "Email", "Role", "Q7"])
        for i, a in enumerate(ANSWERS * 5):
            w.writerow(
                [
                    f"R_{i:04d}xQ9aZ2",
                    f"2024-03-{i % 28 + 1:02d} 10:1{i % 10}:00",
                    f"staff{i}@nhs.net",
                    ["GP", "Nurse", "Receptionist"][i % 3],
                    f"{a} ({i})",
                ]
            )
    res = run("score", str(src), "-o", str(tmp_path / "o.csv"))
    assert res.exit_code == 0, res.output
    assert "answers: column 'Q7' (the one column of free text)" in res.stderr


def test_two_free_text_questions_stop_with_the_candidates(tmp_path):
    src = tmp_path / "two.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "Q1 comments", "Q2 comments"])
        for i, a in enumerate(ANSWERS):
            w.writerow([i, a, ANSWERS[-1 - i] + " and more besides"])
    out = tmp_path / "o.csv"
    res = run("score", str(src), "-o", str(out))
    assert res.exit_code == 1
    assert "More than one column" in res.stderr and "--text-column" in res.stderr
    assert "B  'Q1 comments'  e.g. 'Telephone triage" in res.stderr
    assert "C  'Q2 comments'" in res.stderr
    assert not out.exists() and "Traceback" not in res.stderr
    res = run("score", str(src), "-o", str(out), "--text-column", "C")
    assert res.exit_code == 0, res.output
    assert "answers: column 'Q2 comments' (column letter)" in res.stderr


@pytest.mark.parametrize(
    "given",
    [
        "what do you want to keep from this time",
        "  What do you want to keep from this time:  ",
        "F",
    ],
)
def test_text_column_matches_as_a_person_types_it(tmp_path, given):
    src = tmp_path / "forms.xlsx"
    forms_workbook(src, KEEP_Q + " ")
    res = run("score", str(src), "--text-column", given)
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == len(ANSWERS) and rows[0]["keep_labels"] == "digital_tools"


def test_resolve_column_rules():
    header = ["id", "Comment", "comment "]
    with pytest.raises(DataError, match="matches 2 columns"):
        resolve_column(header, "COMMENT?")
    assert resolve_column(header, "Comment").how == "named"
    with pytest.raises(ColumnNotFoundError):
        resolve_column(header, "Z")  # a letter beyond the last column
    with pytest.raises(ColumnNotFoundError):  # nothing looks like answers
        resolve_column(["id", "n"], None, sample=[["1", "2"], ["2", "3"]])
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "ZZ",
        "AAA",
    ]


def test_csv_files_open_in_excel_with_pound_signs_and_curly_quotes(tmp_path):
    src = tmp_path / "excel.csv"  # cp1252, as Excel saves "CSV" on Windows
    src.write_bytes(
        "text\nI\u2019d keep the \u00a32 meals and caf\u00e9\n".encode("cp1252")
    )
    out = tmp_path / "coded.csv"
    assert run("score", str(src), "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the mark Excel reads UTF-8 by
    assert "I\u2019d keep the \u00a32 meals and caf\u00e9" in raw.decode("utf-8-sig")
    res = run("score", str(src))
    assert not res.stdout.startswith("\ufeff")  # stdout is for pipes, never a BOM
    assert run("score", str(src), "-o", str(out), "--no-bom").exit_code == 0
    assert out.read_bytes().startswith(b"text,")
