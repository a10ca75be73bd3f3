from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from purposeclf import load_model
from purposeclf.cli import cli

from .conftest import write_csv


def run(*args: str, **kw):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kw)


def read_out(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_score_example_to_stdout_keeps_every_row_and_column():
    example = Path(__file__).parents[1] / "examples" / "answers.csv"
    res = run("score", str(example))
    assert res.exit_code == 0, res.output
    rows = read_out(res.stdout)
    with example.open(newline="", encoding="utf-8") as fh:
        original = list(csv.DictReader(fh))
    assert len(rows) == len(original)
    for got, want in zip(rows, original, strict=False):
        for k, v in want.items():
            assert got[k] == v
        assert set(got["keep_labels"].split(";")) - {""} <= {
            c[len("keep_p_") :] for c in got if c.startswith("keep_p_")
        }
        assert 0.0 <= float(got["keep_p_digital_tools"]) <= 1.0
    assert (
        rows[0]["keep_labels"] == "digital_tools"
    )  # "Telephone triage first ... Keep it!"


def test_score_purpose_has_camps_column(tmp_path):
    src = write_csv(
        tmp_path / "in.csv",
        ["id", "text"],
        [
            ["1", "Evening and weekend appointments at the hub"],
            ["2", "working with schools and families on prevention, and the DES money"],
            ["3", ""],
        ],
    )
    out = tmp_path / "out.csv"
    res = run("score", str(src), "-o", str(out), "--scheme", "purpose")
    assert res.exit_code == 0, res.output
    rows = read_out(out.read_text(encoding="utf-8-sig"))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert "purpose_camps" in rows[0]
    assert "extended_hours" in rows[0]["purpose_labels"]
    assert rows[0]["purpose_camps"] == "economies_of_scale"
    assert rows[1]["purpose_camps"] == "working_at_scale;economies_of_scale"
    assert rows[2]["purpose_labels"] == "" and rows[2]["purpose_camps"] == ""


def test_missing_text_column_lists_columns_and_exits_1(tmp_path):
    src = write_csv(tmp_path / "in.csv", ["id", "Answer"], [["1", "video consults"]])
    out = tmp_path / "out.csv"
    res = run("score", str(src), "-o", str(out), "--text-column", "Answr")
    assert res.exit_code == 1
    assert "Column 'Answr' not found" in res.stderr
    assert "'id', 'Answer'" in res.stderr and "Did you mean 'Answer'" in res.stderr
    assert "Traceback" not in res.stderr
    assert not out.exists()


def test_the_answer_column_is_found_and_named_on_stderr(tmp_path):
    src = write_csv(tmp_path / "in.csv", ["id", "Answer"], [["1", "video consults"]])
    out = tmp_path / "out.csv"
    res = run("score", str(src), "-o", str(out))
    assert res.exit_code == 0, res.stderr
    assert "answers: column 'Answer' (the one column of free text)" in res.stderr
    assert f"wrote 1 rows to {out}" in res.stderr
    assert (
        read_out(out.read_text(encoding="utf-8-sig"))[0]["keep_labels"]
        == "digital_tools"
    )


def test_usage_errors_exit_2(tmp_path):
    assert run("score", str(tmp_path / "missing.csv")).exit_code == 2
    assert run("score").exit_code == 2
    assert run("score", "x.csv", "--scheme", "nope").exit_code == 2


def test_train_then_score_with_the_model(tmp_path, labelled_csv):
    model = tmp_path / "m.pclf"
    res = run("train", str(labelled_csv), "-o", str(model), "--scheme", "keep")
    assert res.exit_code == 0, res.output
    assert model.exists() and "wrote" in res.stderr
    again = run("train", str(labelled_csv), "-o", str(model))
    assert again.exit_code == 1 and "--force" in again.stderr
    src = write_csv(tmp_path / "in.csv", ["text"], [["video consults"], ["the huddle"]])
    res = run("score", str(src), "--model", str(model))
    assert res.exit_code == 0, res.output
    rows = read_out(res.stdout)
    assert len(rows) == 2 and "keep_p_valued_staff" in rows[0]


def test_train_unknown_label_names_row_and_id(tmp_path):
    src = write_csv(
        tmp_path / "bad.csv",
        ["text", "labels"],
        [
            ["video consults", "digital_tools"],
            ["huddles", "great_teamz"],
        ],
    )
    res = run("train", str(src), "-o", str(tmp_path / "m.pclf"), "--scheme", "keep")
    assert res.exit_code == 1
    assert "'great_teamz' in row 2" in res.stderr


def test_evaluate_json_and_table(labelled_csv, toy_model_path):
    res = run("evaluate", str(labelled_csv), "--model", str(toy_model_path), "--json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    for key in ("macro_f1", "micro_f1", "exact_match", "no_label", "per_label"):
        assert key in report
    assert report["per_label"]["digital_tools"]["support"] == 6
    table = run("evaluate", str(labelled_csv), "--model", str(toy_model_path))
    assert "macro_f1" in table.stdout and "(no label)" in table.stdout


def test_info_and_codebook_commands(toy_model_path):
    res = run("info")
    assert res.exit_code == 0
    assert all(f"{m}.v{v}" in res.stdout for m in ("keep", "purpose") for v in (1, 2))
    card = run("info", str(toy_model_path))
    assert card.exit_code == 0 and "trained on 8 answers" in card.stdout
    lst = run("codebook", "list")
    assert "keep" in lst.stdout and "purpose" in lst.stdout
    show = run("codebook", "show", "purpose")
    assert "extended_hours" in show.stdout and "economies_of_scale" in show.stdout
    bad = run("codebook", "show", "nonsense")
    assert bad.exit_code == 1 and "Unknown scheme" in bad.stderr


def test_damaged_model_is_a_clean_error(tmp_path):
    bad = tmp_path / "bad.pclf"
    bad.write_bytes(b"garbage")
    src = write_csv(tmp_path / "in.csv", ["text"], [["x"]])
    res = run("score", str(src), "--model", str(bad))
    assert res.exit_code == 1
    assert "Cannot load model" in res.stderr and "Traceback" not in res.stderr


def test_summary_and_review_columns(tmp_path):
    src = write_csv(
        tmp_path / "in.csv",
        ["text"],
        [
            ["Evening and weekend appointments at the hub"],
            ["the DES money, frankly"],
            ["no idea"],
        ],
    )
    out = tmp_path / "out.csv"
    res = run(
        "score",
        str(src),
        "-o",
        str(out),
        "--scheme",
        "purpose",
        "--summary",
        "--review-below",
        "0.9",
    )
    assert res.exit_code == 0, res.output
    assert "| Extended hours | 1 | 33.3% |" in res.stdout
    assert "| *Economies of scale* (camp) | 2 | 66.7% |" in res.stdout
    assert "| No label | 1 | 33.3% |" in res.stdout
    assert "95% interval" in res.stdout
    rows = read_out(out.read_text(encoding="utf-8-sig"))
    assert {r["needs_review"] for r in rows} <= {"yes", "no"}


def test_train_on_corpus_style_file_picks_up_builtin_codebook(tmp_path):
    src = write_csv(
        tmp_path / "mine.csv",
        ["id", "text", "labels"],
        [
            [str(i), t, lab]
            for i, (t, lab) in enumerate(
                [
                    ("evening appointments at the hub", "extended_hours"),
                    ("weekend clinics and extended access", "extended_hours"),
                    ("the network DES money", "income_investment"),
                    ("funding and investment for practices", "income_investment"),
                    ("not sure", ""),
                ]
                * 3
            )
        ],
    )
    model = tmp_path / "m.pclf"
    assert run("train", str(src), "-o", str(model)).exit_code == 0
    card = json.loads(run("info", str(model), "--json").stdout)
    assert card["scheme"] == "purpose" and len(card["labels"]) == 9


def test_train_with_a_user_codebook_csv(tmp_path):
    cb = write_csv(
        tmp_path / "codes.csv",
        ["id", "name", "camp"],
        [
            ["access", "Access to care", "patients"],
            ["staffing", "Staffing", "workforce"],
            ["parking", "Parking", "patients"],
        ],
    )
    data = write_csv(
        tmp_path / "d.csv",
        ["text", "labels"],
        [
            [
                "could not get an appointment",
                "Access to care",
            ],  # names work as well as ids
            ["waited weeks to be seen", "access"],
            ["not enough nurses on the ward", "staffing"],
            ["short staffed again", "staffing"],
            ["nowhere to park", "parking"],
            ["car park full every day", "parking"],
        ]
        * 2,
    )
    model = tmp_path / "m.pclf"
    res = run("train", str(data), "-o", str(model), "--codebook", str(cb))
    assert res.exit_code == 0, res.output
    src = write_csv(tmp_path / "in.csv", ["text"], [["no parking spaces"]])
    rows = read_out(run("score", str(src), "--model", str(model)).stdout)
    assert "codes_p_parking" in rows[0] and "codes_camps" in rows[0]
    bad = write_csv(tmp_path / "bad.csv", ["text", "labels"], [["x", "wifi"]])
    res = run("train", str(bad), "-o", str(tmp_path / "n.pclf"), "--codebook", str(cb))
    assert res.exit_code == 1 and "'wifi' in row 1" in res.stderr


def test_evaluate_coverage_and_cv(tmp_path, labelled_csv, toy_model_path):
    res = run(
        "evaluate",
        str(labelled_csv),
        "--model",
        str(toy_model_path),
        "--target-precision",
        "0.9",
        "--json",
    )
    assert res.exit_code == 0, res.output
    cov = json.loads(res.stdout)["coverage"]
    assert len(cov["curve"]) == 10 and cov["curve"][-1]["coverage"] == 1.0
    assert cov["at_target"]["precision"] >= 0.9
    table = run(
        "evaluate",
        str(labelled_csv),
        "--model",
        str(toy_model_path),
        "--target-precision",
        "0.9",
    )
    assert "--review-below" in table.stdout
    cv = run("evaluate", str(labelled_csv), "--cv", "2", "--json")
    assert cv.exit_code == 0, cv.output
    report = json.loads(cv.stdout)
    assert report["cv"] == 2 and report["n_samples"] == 8  # duplicates dropped
    both = run(
        "evaluate", str(labelled_csv), "--cv", "2", "--model", str(toy_model_path)
    )
    assert both.exit_code == 2


def test_train_with_corpus_records_parent_and_sizes(tmp_path):
    mine = write_csv(
        tmp_path / "new.csv",
        ["text", "labels"],
        [
            [
                "the weekly MDT with the hospice about our dying patients",
                "joined_up_local_system",
            ],
            [
                "Wellbeing walks at lunchtime, paid for by the trust",
                "Valued staff",
            ],  # a name
        ],
    )
    model = tmp_path / "keep-v2.pclf"
    res = run("train", str(mine), "--scheme", "keep", "--with-corpus", "-o", str(model))
    assert res.exit_code == 0, res.output
    card = json.loads(run("info", str(model), "--json").stdout)
    newest = load_model("keep").name  # the bundled model the corpus is taken from
    assert card["training"]["parent"] == newest
    assert card["training"]["n_samples"] >= 2000
    text = run("info", str(model)).stdout
    assert f"parent     {newest}" in text


def test_train_reads_one_column_per_label(tmp_path):
    rows = [
        ["evening and weekend appointments", "1", "0", ""],
        ["extended access at the hub on saturdays", "yes", "", "0"],
        ["the DES money keeps us afloat", "0", "1", "0"],
        ["funding and investment for practices", "", "x", ""],
        ["no idea", "0", "0", "0"],
    ] * 2
    src = write_csv(
        tmp_path / "wide.csv",
        ["text", "extended_hours", "income_investment", "integrator"],
        rows,
    )
    model = tmp_path / "w.pclf"
    res = run("train", str(src), "--scheme", "purpose", "-o", str(model))
    assert res.exit_code == 0, res.output
    card = json.loads(run("info", str(model), "--json").stdout)
    counts = card["training"]["label_counts"]
    assert counts["extended_hours"] == 2 and counts["income_investment"] == 2
    bad = write_csv(tmp_path / "bad.csv", ["text", "extended_hours"], [["x", "maybe"]])
    res = run("train", str(bad), "--scheme", "purpose", "-o", str(tmp_path / "b.pclf"))
    assert res.exit_code == 1 and "row 1" in res.stderr and "'maybe'" in res.stderr


def test_review_relabel_train_compare_audit_loop(
    tmp_path, labelled_csv, toy_model_path
):
    example = Path(__file__).parents[1] / "examples" / "answers.csv"
    to_label = tmp_path / "to_label.csv"
    res = run(
        "review",
        str(example),
        "--model",
        str(toy_model_path),
        "--budget",
        "6",
        "-o",
        str(to_label),
    )
    assert res.exit_code == 0, res.output
    rows = read_out(to_label.read_text(encoding="utf-8-sig"))
    assert len(rows) == 6 and {"labels", "model_guess", "digital_tools"} <= set(rows[0])
    # a person ticks 0/1 columns in a spreadsheet
    for r in rows:
        r["great_teams"] = "1" if "huddle" in r["text"] else "0"
        r["reviewed"] = "y"  # and marks each row checked
    with to_label.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    again = run(
        "review", str(example), "--model", str(toy_model_path), "-o", str(to_label)
    )
    assert again.exit_code == 1 and "--force" in again.stderr
    new = tmp_path / "new.pclf"
    res = run(
        "train",
        str(to_label),
        "--scheme",
        "keep",
        "-o",
        str(new),
        "--compare-to",
        str(toy_model_path),
        "--compare-data",
        str(labelled_csv),
    )
    assert res.exit_code == 0, res.output
    assert any(v in res.stdout for v in ("better", "no clear difference", "worse"))
    card = json.loads(run("info", str(new), "--json").stdout)
    huddles = sum("huddle" in r["text"] for r in rows)
    assert card["training"]["label_counts"]["great_teams"] == huddles
    cmp_ = run(
        "compare", str(toy_model_path), str(toy_model_path), str(labelled_csv), "--json"
    )
    assert cmp_.exit_code == 0, cmp_.output
    assert json.loads(cmp_.stdout)["verdict"] == "no clear difference"
    aud = run(
        "audit", str(labelled_csv), "--scheme", "keep", "-o", str(tmp_path / "a.csv")
    )
    assert aud.exit_code == 0, aud.output
    header = (tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "row,score,given,suggested,text"


def test_review_writes_xlsx_that_trains(tmp_path):
    """`review -o x.xlsx` writes a workbook; formula-like answers stay text."""
    import openpyxl

    answers = [
        ['=HYPERLINK("http://x","video consults")'],
        ["the morning huddle with the whole team"],
        ["-ve: the car parking, but keep the e-consult triage"],
        ["Care navigators on reception who signpost to the right person"],
        ["n/a"],
    ]
    src = write_csv(tmp_path / "export.csv", ["text"], answers)
    out = tmp_path / "to_label.xlsx"
    res = run("review", str(src), "--scheme", "keep", "--budget", "5", "-o", str(out))
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert (
        header[:4] == ["text", "labels", "reviewed", "confidence"]
        and header[-1] == "model_guess"
    )
    cells = {ws.cell(r, 1).value: ws.cell(r, 1) for r in range(2, ws.max_row + 1)}
    assert set(cells) == {a[0] for a in answers}
    assert all(c.data_type == "s" for c in cells.values())  # never a formula
    ticks = [ws.cell(r, header.index("great_teams") + 1).value for r in range(2, 7)]
    assert set(ticks) <= {0, 1}
    # a person ticks great_teams for the huddle answer only, then trains on the file
    gi = header.index("great_teams") + 1
    for r in range(2, 7):
        ws.cell(r, gi).value = 1 if "huddle" in ws.cell(r, 1).value else 0
        ws.cell(r, 3).value = "Yes"  # checked
    ws.parent.save(out)
    model = tmp_path / "m.pclf"
    res = run("train", str(out), "--scheme", "keep", "-o", str(model))
    assert res.exit_code == 0, res.output
    card = json.loads(run("info", str(model), "--json").stdout)
    assert card["training"]["n_samples"] == 5
    assert card["training"]["label_counts"]["great_teams"] == 1


def test_audit_rows_match_the_spreadsheet(tmp_path):
    """Reported row numbers point at the answer in the file, past skipped rows."""
    corpus = Path(__file__).parents[1] / "corpus" / "purpose.csv"
    with corpus.open(newline="", encoding="utf-8") as fh:
        rows = [[r["text"], r["labels"]] for r in csv.DictReader(fh)][:200]
    rows.insert(0, ["", "integrator"])  # row 2: an empty answer, skipped
    rows[10][1] = "upstream_prevention" if rows[10][1] != "upstream_prevention" else ""
    data = write_csv(tmp_path / "coded.csv", ["text", "labels"], rows)
    res = run(
        "audit",
        str(data),
        "--scheme",
        "purpose",
        "--top",
        "20",
        "-o",
        str(tmp_path / "a.csv"),
    )
    assert res.exit_code == 0, res.output
    found = read_out((tmp_path / "a.csv").read_text(encoding="utf-8-sig"))
    assert found
    with data.open(newline="", encoding="utf-8") as fh:
        sheet = list(csv.reader(fh))
    for r in found:
        assert sheet[int(r["row"]) - 1][0] == r["text"]
    assert any(int(r["row"]) == 12 for r in found)  # the flipped label
    # the same list as a workbook
    import openpyxl

    res = run(
        "audit",
        str(data),
        "--scheme",
        "purpose",
        "--top",
        "20",
        "-o",
        str(tmp_path / "a.xlsx"),
    )
    assert res.exit_code == 0, res.output
    sheet = list(
        openpyxl.load_workbook(tmp_path / "a.xlsx").active.iter_rows(values_only=True)
    )
    assert sheet[0] == ("row", "score", "given", "suggested", "text")
    assert [(r[0], r[1], r[4]) for r in sheet[1:]] == [
        (int(r["row"]), float(r["score"]), r["text"]) for r in found
    ]
