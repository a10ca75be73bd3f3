"""Survey-tool exports: extra header rows kept, not scored or counted."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from purposeclf import score_file
from purposeclf.cli import cli

KEEP_Q = "What do you want to keep from this time?"
ANSWERS = [
    "Telephone triage, never going back to the 8am scramble",
    "the huddles!!",
    "n/a",
    "Our matron checking on us every shift and the food in the rest room",
    "Video rounds into the care homes with the frailty team",
    "Less QOF chasing so we could see the sickest first",
    "volunteers from the church doing the prescription runs",
    "Caf\u00e9 vouchers and the \u00a35 meals on nights \u2013 we felt looked after",
]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def surveymonkey_csv(path) -> None:
    """SurveyMonkey: UTF-8 with BOM, CRLF, a second header row naming answer types."""
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    lines = [meta + [KEEP_Q], [""] * len(meta) + ["Open-Ended Response"]]
    for i, a in enumerate(ANSWERS):
        lines.append(
            [
                f"1142{i:06d}",
                "4187263",
                "03/05/2020 09:14:02",
                "03/05/2020 09:20:41",
                "",
            ]
            + [a]
        )
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(lines)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def qualtrics_csv(path, *, import_ids: bool = True) -> None:
    """Qualtrics: column names, the question text, then (newer exports) ImportIds."""
    names = [
        "StartDate",
        "EndDate",
        "Status",
        "Progress",
        "RecordedDate",
        "ResponseId",
        "Q2",
    ]
    text = [
        "Start Date",
        "End Date",
        "Response Type",
        "Progress",
        "Recorded Date",
        "Response ID",
        KEEP_Q,
    ]
    ids = [
        json.dumps({"ImportId": k})
        for k in (
            "startDate",
            "endDate",
            "status",
            "progress",
            "recordedDate",
            "_recordId",
        )
    ]
    ids.append(json.dumps({"ImportId": "QID2_TEXT"}))
    lines = [names, text] + ([ids] if import_ids else [])
    for i, a in enumerate(ANSWERS):
        lines.append(
            [
                "2020-05-03 09:14:02",
                "2020-05-03 09:20:41",
                "0",
                "100",
                "2020-05-03 09:20:42",
                f"R_{i:02d}aBcDeFgHiJkLm",
                a,
            ]
        )
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(lines)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def _out_rows(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_surveymonkey_second_header_row_is_kept_not_scored(tmp_path):
    src = tmp_path / "sm.csv"
    surveymonkey_csv(src)
    out = tmp_path / "coded.csv"
    res = run("score", str(src), "-o", str(out), "--summary")
    assert res.exit_code == 0, res.output
    assert "SurveyMonkey export: 1 more header row kept, not scored" in res.stderr
    assert f"answers: column '{KEEP_Q}' (headed with the question)" in res.stderr
    assert f"wrote {len(ANSWERS)} rows" in res.stderr
    rows = _out_rows(out)
    assert len(rows) == 2 + len(ANSWERS)  # every row back, in order
    assert rows[1][5] == "Open-Ended Response" and set(rows[1][6:]) == {""}
    assert [r[5] for r in rows[2:]] == ANSWERS
    assert rows[3][6] == "great_teams"
    summary = score_file(src, tmp_path / "again.csv")
    assert summary.n_rows == len(ANSWERS) and summary.n_header_rows == 1


def test_qualtrics_question_row_and_import_ids_are_kept_not_scored(tmp_path):
    src = tmp_path / "q.csv"
    qualtrics_csv(src)
    out = tmp_path / "coded.xlsx"
    res = run("score", str(src), "-o", str(out))
    assert res.exit_code == 0, res.output
    assert "Qualtrics export: 2 more header rows kept, not scored" in res.stderr
    # found by the question text under "Q2"; never the ResponseId column
    assert "answers: column 'Q2' (headed with the question)" in res.stderr
    import openpyxl

    ws = openpyxl.load_workbook(out).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert len(rows) == 3 + len(ANSWERS)
    assert rows[1][6] == KEEP_Q and rows[2][6].startswith('{"ImportId"')
    assert rows[1][7] is None and rows[2][7] is None
    assert [r[6] for r in rows[3:]] == ANSWERS


def test_qualtrics_older_layout_has_one_header_row(tmp_path):
    src = tmp_path / "legacy.csv"
    qualtrics_csv(src, import_ids=False)
    summary = score_file(src, tmp_path / "o.csv")
    assert summary.export == "Qualtrics export: 1 more header row kept, not scored"
    assert summary.n_rows == len(ANSWERS) and summary.text_column == "Q2"


def test_text_column_may_name_the_question_row(tmp_path):
    src = tmp_path / "q.csv"
    qualtrics_csv(src)
    res = run(
        "score", str(src), "--text-column", "what do you want to keep from this time"
    )
    assert res.exit_code == 0, res.output
    assert len(list(csv.reader(io.StringIO(res.stdout)))) == 3 + len(ANSWERS)


def test_header_rows_overrides_the_detection(tmp_path):
    src = tmp_path / "sm.csv"
    surveymonkey_csv(src)
    summary = score_file(src, tmp_path / "o.csv", header_rows=0)
    assert summary.n_rows == len(ANSWERS) + 1 and summary.export == ""
    res = run("score", str(src), "--header-rows", "2", "-o", str(tmp_path / "p.csv"))
    assert res.exit_code == 0 and f"wrote {len(ANSWERS) - 1} rows" in res.stderr


def test_forms_and_google_exports_are_named(tmp_path):
    src = tmp_path / "google.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Timestamp", KEEP_Q])
        for a in ANSWERS:
            w.writerow(["2020/05/03 9:14:02 AM GMT+1", a])
    res = run("score", str(src), "-o", str(tmp_path / "o.csv"))
    assert res.exit_code == 0 and "Google Forms export" in res.stderr


def test_report_on_a_scored_qualtrics_file_quotes_answers_not_ids(tmp_path):
    src = tmp_path / "q.csv"
    qualtrics_csv(src)
    scored = tmp_path / "coded.csv"
    assert run("score", str(src), "-o", str(scored)).exit_code == 0
    html = tmp_path / "report.html"
    res = run("report", str(scored), "-o", str(html))
    assert res.exit_code == 0, res.output
    page = html.read_text(encoding="utf-8-sig")
    assert "R_00aBcDeFgHiJkLm" not in page  # never the ResponseId column
    assert "the huddles!!" in page and "ImportId" not in page
