from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from purposeclf import DataError, score_file
from purposeclf.cli import cli
from purposeclf.io import detect_encoding, open_table


def _score(tmp_path, src, **kw):
    out = tmp_path / "out.csv"
    score_file(src, out, **kw)
    with out.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


def test_cp1252_export_from_excel_is_detected(tmp_path):
    src = tmp_path / "excel.csv"
    src.write_bytes(
        "text,note\r\nKeep the café huddles – really,£5 “quoted”\r\n".encode("cp1252")
    )
    assert detect_encoding(src) == "cp1252"
    rows = _score(tmp_path, src)
    assert rows[1][:2] == ["Keep the café huddles – really", "£5 “quoted”"]


def test_utf8_bom_and_semicolon_delimiter(tmp_path):
    src = tmp_path / "bom.csv"
    src.write_bytes("\ufefftext;id\nvideo consults;007\nn/a;008\n".encode())
    rows = _score(tmp_path, src)
    assert rows[0][:2] == ["text", "id"]
    assert [r[1] for r in rows[1:]] == [
        "007",
        "008",
    ]  # IDs kept exactly, leading zeros too


def test_embedded_newlines_quotes_and_empty_cells_keep_every_row(tmp_path):
    src = tmp_path / "messy.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "date"])
        w.writerow(["1", 'line one\nline two, with "quotes"', "01/02/2021"])
        w.writerow(["2", "", "1e5"])
        w.writerow(["3", "x" * 1_000_000, ""])
        w.writerow(["4"])  # short row: padded, not dropped
    rows = _score(tmp_path, src)
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4"]
    assert rows[1][1] == 'line one\nline two, with "quotes"'
    assert rows[2][2] == "1e5" and rows[2][3] == ""  # empty answer: no label
    assert len(rows[3][1]) == 1_000_000


def test_duplicate_columns_empty_and_binary_files_are_clear_errors(tmp_path):
    dup = tmp_path / "dup.csv"
    dup.write_text("text,text\na,b\n")
    with pytest.raises(DataError, match="duplicate column names: 'text'"):
        open_table(dup)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="empty"):
        open_table(empty)
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary\x00stuff")
    res = CliRunner().invoke(cli, ["score", str(binary), "-o", str(tmp_path / "o.csv")])
    assert res.exit_code == 1 and "binary" in res.stderr
    assert not (tmp_path / "o.csv").exists()


def test_failed_run_leaves_no_partial_output(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text('text\nok\n"a","b","c"\n')  # second row has too many cells
    out = tmp_path / "out.csv"
    with pytest.raises(DataError, match="line 3"):
        score_file(src, out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_output_may_not_replace_input_without_force(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text\nvideo consults\n")
    with pytest.raises(DataError, match="--force"):
        score_file(src, src)
    score_file(src, src, force=True)
    assert "keep_labels" in src.read_text()


def test_stdout_output_is_clean_csv(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text\nthe huddle\n")
    res = CliRunner().invoke(cli, ["score", str(src), "-o", "-", "-v"])
    assert res.exit_code == 0
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows[0][0] == "text" and len(rows) == 2
    assert "scored" in res.stderr


def test_xlsx_in_xlsx_and_csv_out_keep_cells(tmp_path):
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Date", "Answer"])
    ws.append([1001, dt.datetime(2021, 3, 4), "Telephone triage first - keep it"])
    ws.append([1002, None, None])
    wb.save(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    score_file(tmp_path / "in.xlsx", out, text_column="Answer")
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("ID", "Date", "Answer", "keep_labels")
    assert rows[1][:4] == (
        1001,
        dt.datetime(2021, 3, 4),
        "Telephone triage first - keep it",
        "digital_tools",
    )
    assert isinstance(rows[1][5], float)
    assert rows[2][0] == 1002 and not rows[2][3]
    as_csv = _score(tmp_path, tmp_path / "in.xlsx", text_column="Answer")
    assert as_csv[1][:3] == ["1001", "2021-03-04", "Telephone triage first - keep it"]


def test_jsonl_in_and_out(tmp_path):
    import json

    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": 7, "text": "the morning huddle", "meta": {"a": 1}}\n\n'
        '{"id": 8, "text": null}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    score_file(src, out)
    recs = [
        json.loads(line) for line in out.read_text(encoding="utf-8-sig").splitlines()
    ]
    assert [r["id"] for r in recs] == [7, 8]
    assert recs[0]["meta"] == {"a": 1}
    assert recs[0]["keep_labels"] == "great_teams"
    assert isinstance(recs[0]["keep_p_great_teams"], float)
    assert recs[1]["keep_labels"] == ""


def test_formula_like_text_is_never_a_formula(tmp_path):
    import openpyxl

    src = tmp_path / "in.csv"
    src.write_text('text\n"=HYPERLINK(""http://x"")"\n@SUM(A1)\n', encoding="utf-8")
    out = tmp_path / "out.xlsx"
    score_file(src, out)
    ws = openpyxl.load_workbook(out).active
    assert ws["A2"].value == '=HYPERLINK("http://x")' and ws["A2"].data_type == "s"
    assert ws["A3"].data_type == "s"
    safe = tmp_path / "safe.csv"
    score_file(src, safe, excel_safe=True)
    rows = list(csv.reader(io.StringIO(safe.read_text(encoding="utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[2][0] == "'@SUM(A1)"
    plain = _score(tmp_path, src)
    assert plain[1][0] == '=HYPERLINK("http://x")'  # unchanged without --excel-safe


def test_tsv_output_and_utf16_input(tmp_path):
    src = tmp_path / "in.txt"
    src.write_bytes("text\tn\nvideo clinics\t1\n".encode("utf-16"))
    out = tmp_path / "out.tsv"
    score_file(src, out)
    rows = [
        line.split("\t") for line in out.read_text(encoding="utf-8-sig").splitlines()
    ]
    assert rows[0][:3] == ["text", "n", "keep_labels"] and rows[1][2] == "digital_tools"


def test_jobs_give_identical_output(tmp_path):
    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        answers = ["video consults", "the huddle", "", "free food for staff", "n/a"]
        for i in range(500):
            w.writerow([i, f"{answers[i % 5]} {i % 7}"])
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    score_file(src, one, chunk_size=64)
    score_file(src, two, chunk_size=64, jobs=2)
    assert one.read_bytes() == two.read_bytes()


def test_score_frame_keeps_index_and_columns():
    import pandas as pd

    from purposeclf import score_frame

    df = pd.DataFrame(
        {"Answer": ["the daily huddle", None, "video consults"], "n": [1, 2, 3]},
        index=["a", "b", "c"],
    )
    out = score_frame(df, text_column="Answer")
    assert list(out.index) == ["a", "b", "c"]
    assert list(out.columns[:2]) == ["Answer", "n"]
    assert (
        out.loc["a", "keep_labels"] == "great_teams"
        and out.loc["b", "keep_labels"] == ""
    )
    assert out["keep_p_digital_tools"].dtype == float
    with pytest.raises(DataError, match="Column 'text' not found"):
        score_frame(df)


def test_summary_out_csv_and_markdown(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text\nthe huddle\nn/a\n")
    for name in ("s.csv", "s.md"):
        res = CliRunner().invoke(
            cli,
            [
                "score",
                str(src),
                "-o",
                str(tmp_path / "o.csv"),
                "--summary-out",
                str(tmp_path / name),
            ],
        )
        assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO((tmp_path / "s.csv").read_text())))
    assert rows[0] == [
        "group",
        "kind",
        "id",
        "answers",
        "share",
        "estimate",
        "low",
        "high",
    ]
    great = next(r for r in rows if r[2] == "great_teams")
    assert great[:5] == ["", "label", "great_teams", "1", "0.5000"]
    assert ["", "total", "answers", "2"] == next(r for r in rows if r[1] == "total")[:4]
    md = (tmp_path / "s.md").read_text()
    assert "| No label | 1 | 50.0% |" in md and "95% interval" in md


def _big_csv(path, n):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        for i in range(n):
            w.writerow(
                [i, f"answer {i} about video consults and the huddle {i * 7919 % 1000}"]
            )


def test_interrupted_run_leaves_no_output_and_rerun_matches(tmp_path):
    src = tmp_path / "in.csv"
    _big_csv(src, 3000)
    out = tmp_path / "out.csv"

    def stop(n):
        if n >= 1000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        score_file(src, out, chunk_size=500, progress=stop)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    score_file(src, out, chunk_size=500)
    first = out.read_bytes()
    score_file(src, out, chunk_size=777)
    assert out.read_bytes() == first


def test_killed_process_never_leaves_a_file_at_the_destination(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    src = tmp_path / "in.csv"
    _big_csv(src, 200_000)
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "purposeclf", "score", str(src), "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not any(
        p.name.endswith(".partial") for p in tmp_path.iterdir()
    ):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    assert src.stat().st_size > 0


def test_identical_answers_are_scored_once(monkeypatch):
    from purposeclf.scoring import get_scorer

    scorer = get_scorer("keep")
    seen = []
    real = scorer.model.predict_proba

    def spy(texts):
        seen.append(list(texts))
        return real(texts)

    monkeypatch.setattr(scorer.model, "predict_proba", spy)
    proba, _ = scorer.score_texts(["n/a", "nothing", "n/a", "video consults", "n/a"])
    assert sorted(seen[0]) == ["n/a", "nothing", "video consults"]
    assert (proba[0] == proba[2]).all() and (proba[0] == proba[4]).all()
    scorer.score_texts(["n/a", "nothing"])  # remembered from the first call
    assert len(seen) == 1


def test_progress_only_on_a_terminal_and_not_with_quiet(tmp_path, monkeypatch):
    import purposeclf.cli._score as score_command

    src = tmp_path / "in.csv"
    src.write_text("text\nthe huddle\n")
    piped = CliRunner().invoke(cli, ["score", str(src), "-o", str(tmp_path / "o.csv")])
    assert "scored" not in piped.stderr
    monkeypatch.setattr(score_command, "stderr_is_terminal", lambda: True)
    out = CliRunner().invoke(cli, ["score", str(src), "-o", str(tmp_path / "o.csv")])
    assert "scored 1 rows" in out.stderr
    quiet = CliRunner().invoke(
        cli, ["score", str(src), "-o", str(tmp_path / "o.csv"), "-q"]
    )
    assert "scored" not in quiet.stderr


@pytest.mark.parametrize("name", ["out.csv", "out.xlsx", "sub/model.pclf"])
def test_written_files_get_normal_permissions_and_leave_no_partial(tmp_path, name):
    """Outputs get normal permissions (0666 less the umask), not a temp file's 0600."""
    import os
    import sys

    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    from purposeclf.io import atomic_replace

    target = tmp_path / name
    old = os.umask(0o027)
    try:
        with atomic_replace(target) as tmp, open(tmp, "w") as fh:
            fh.write("x")
    finally:
        os.umask(old)
    assert target.read_text() == "x"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in target.parent.iterdir()] == [target.name]
    with pytest.raises(RuntimeError), atomic_replace(target) as tmp:
        raise RuntimeError("stopped half-way")
    assert target.read_text() == "x" and len(list(target.parent.iterdir())) == 1
