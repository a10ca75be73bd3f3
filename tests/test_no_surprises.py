"""No surprises: no network, no stray files, and limits on what is read.

* Importing, scoring and training never open a network connection (sockets
  blocked in this process, and in a fresh interpreter through ``sitecustomize``,
  which also covers the worker processes of ``--jobs 2``).
* A run writes only the named output: the working directory, ``HOME`` and
  ``TMPDIR`` are as empty afterwards as before.
* Readers refuse a cell over ``max_cell_chars`` (10 million by default) and, if
  asked, more than ``max_rows`` rows, naming the row, the limit and the fix.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import purposeclf
from purposeclf import DataError, score_file
from purposeclf.cli import cli
from purposeclf.io import MAX_CELL_CHARS, open_table
from purposeclf.training import train_file

from .conftest import write_csv

BLOCK_SOCKETS = """
import socket

class _NoNetwork(socket.socket):
    def __init__(self, family=-1, *args, **kwargs):
        if family in (-1, socket.AF_INET, socket.AF_INET6):
            raise OSError("purposeclf test: network access blocked")
        super().__init__(family, *args, **kwargs)

def _blocked(*args, **kwargs):
    raise OSError("purposeclf test: network access blocked")

socket.socket = _NoNetwork
socket.create_connection = _blocked
socket.getaddrinfo = _blocked
"""


# ------------------------------------------------------------------ network
def test_scoring_and_training_in_process_never_touch_the_network(
    tmp_path, labelled_csv, monkeypatch
):
    def blocked(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "socket", blocked)
    monkeypatch.setattr(socket, "create_connection", blocked)
    monkeypatch.setattr(socket, "getaddrinfo", blocked)
    monkeypatch.setattr(socket, "socketpair", blocked)
    src = write_csv(tmp_path / "in.csv", ["text"], [["video consults"], ["n/a"]])
    purposeclf.load("purpose")
    score_file(src, tmp_path / "out.csv", model="keep")
    score_file(src, tmp_path / "out.xlsx", model="keep")
    train_file(labelled_csv, tmp_path / "m.pclf", codebook="keep")
    res = CliRunner().invoke(
        cli,
        ["score", str(src), "--model", str(tmp_path / "m.pclf")],
        catch_exceptions=False,
    )
    assert res.exit_code == 0 and "keep_labels" in res.stdout
    assert CliRunner().invoke(cli, ["info"], catch_exceptions=False).exit_code == 0


@pytest.fixture
def sandbox(tmp_path, labelled_csv):
    """Empty cwd, HOME and TMPDIR; a sitecustomize that blocks the network."""
    dirs = {name: tmp_path / name for name in ("cwd", "home", "tmp", "data", "site")}
    for d in dirs.values():
        d.mkdir()
    (dirs["site"] / "sitecustomize.py").write_text(BLOCK_SOCKETS, encoding="utf-8")
    write_csv(
        dirs["data"] / "in.csv",
        ["id", "text"],
        [[str(i), t] for i, t in enumerate(["video consults", "the huddle", ""] * 50)],
    )
    (dirs["data"] / "labelled.csv").write_bytes(labelled_csv.read_bytes())
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "PYTHON", "JOBLIB", "SOURCE_DATE"))
    }
    env.update(
        HOME=str(dirs["home"]), TMPDIR=str(dirs["tmp"]), PYTHONPATH=str(dirs["site"])
    )

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            cwd=dirs["cwd"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    probe = run("-c", "import socket; socket.getaddrinfo('localhost', 80)")
    assert "network access blocked" in probe.stderr  # the block is in force
    return dirs, run


def test_cli_runs_write_only_their_outputs_and_use_no_network(sandbox):
    dirs, run = sandbox
    data, out = dirs["data"], dirs["data"] / "out"
    runs = [
        [
            "-m",
            "purposeclf",
            "score",
            str(data / "in.csv"),
            "-o",
            str(out / "x.csv"),
            "--jobs",
            "2",
        ],
        ["-m", "purposeclf", "score", str(data / "in.csv"), "-o", str(out / "x.xlsx")],
        [
            "-m",
            "purposeclf",
            "train",
            str(data / "labelled.csv"),
            "-o",
            str(out / "m.pclf"),
            "--scheme",
            "keep",
        ],
    ]
    for args in runs:
        res = run(*args)
        assert res.returncode == 0, (args, res.stderr)
        assert "network access blocked" not in res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["m.pclf", "x.csv", "x.xlsx"]
    assert sorted(p.name for p in data.iterdir()) == ["in.csv", "labelled.csv", "out"]
    for name in ("cwd", "home", "tmp"):
        assert list(dirs[name].iterdir()) == [], name
    with (out / "x.csv").open(newline="", encoding="utf-8") as fh:
        assert len(list(csv.reader(fh))) == 151


# ------------------------------------------------------------------- limits
def _inputs(tmp_path: Path, big: str) -> dict[str, Path]:
    rows = [["1", "short"], ["2", big], ["3", "short"]]
    paths = {
        "csv": write_csv(tmp_path / "in.csv", ["id", "text"], rows),
        "tsv": write_csv(tmp_path / "in.tsv", ["id", "text"], rows, delimiter="\t"),
    }
    paths["jsonl"] = tmp_path / "in.jsonl"
    paths["jsonl"].write_text(
        "".join(f'{{"id": {r[0]}, "text": "{r[1]}"}}\n' for r in rows), encoding="utf-8"
    )
    wb = openpyxl.Workbook()
    wb.active.append(["id", "text"])
    for r in rows:
        wb.active.append(r)
    paths["xlsx"] = tmp_path / "in.xlsx"
    wb.save(paths["xlsx"])
    return paths


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "xlsx"])
def test_a_cell_over_the_limit_names_the_row_and_the_fix(tmp_path, fmt):
    src = _inputs(tmp_path, "x" * 101)[fmt]
    with open_table(src, max_cell_chars=101) as t:
        assert len(list(t.rows)) == 3
    with (
        pytest.raises(
            DataError,
            match=r"row 2\b.*longer than the limit of 100 characters.*max_cell_chars",
        ),
        open_table(src, max_cell_chars=100) as t,
    ):
        list(t.rows)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "xlsx"])
def test_more_rows_than_the_limit_is_an_error(tmp_path, fmt):
    src = _inputs(tmp_path, "fine")[fmt]
    with open_table(src, max_rows=3) as t:
        assert len(list(t.rows)) == 3
    with (
        pytest.raises(
            DataError, match=r"more than 2 rows.*row 3 was not read.*max_rows"
        ),
        open_table(src, max_rows=2) as t,
    ):
        list(t.rows)


def test_csv_module_limit_is_turned_into_the_same_message(tmp_path):
    """When the csv module's own (process-wide) limit is what stops the cell."""
    src = _inputs(tmp_path, "x" * 500)["csv"]
    saved = csv.field_size_limit()
    try:
        csv.field_size_limit(101)
        with (
            pytest.raises(DataError, match=r"row 2 .*limit of 100 characters"),
            open_table(src, max_cell_chars=100) as t,
        ):
            list(t.rows)
    finally:
        csv.field_size_limit(saved)


def test_default_limits(tmp_path):
    assert MAX_CELL_CHARS == 10_000_000
    src = write_csv(
        tmp_path / "in.csv", ["text"], [["a"], ["x" * (MAX_CELL_CHARS + 1)]]
    )
    with pytest.raises(
        DataError, match=r"row 2 .*10,000,000 characters \(10,000,001\)"
    ):
        score_file(src, tmp_path / "out.csv")  # what scoring uses today
    assert not (tmp_path / "out.csv").exists()
    with open_table(src, max_cell_chars=None) as t:  # None: no limit
        assert len(list(t.rows)) == 2


@pytest.mark.parametrize(
    "kw",
    [
        {"max_rows": 0},
        {"max_cell_chars": -1},
        {"max_rows": 1.5},
        {"max_cell_chars": True},
    ],
)
def test_limit_parameters_are_checked(tmp_path, kw):
    src = write_csv(tmp_path / "in.csv", ["text"], [["a"]])
    name = next(iter(kw))
    with pytest.raises(
        ValueError, match=f"The '{name}' parameter of open_table must be"
    ):
        open_table(src, **kw)


def test_the_limits_on_the_command_line_refuse_before_writing(tmp_path):
    src = _inputs(tmp_path, "x" * 200)["csv"]
    out = tmp_path / "scored.csv"
    runner = CliRunner()
    res = runner.invoke(
        cli, ["score", str(src), "-o", str(out), "--max-cell-chars", "150"]
    )
    assert res.exit_code == 1
    assert "row 2" in res.output and "--max-cell-chars" in res.output
    assert not out.exists()
    res = runner.invoke(cli, ["score", str(src), "-o", str(out), "--max-rows", "2"])
    assert res.exit_code == 1 and "--max-rows" in res.output and not out.exists()
    # Raising the limits lets the same file through, every row scored.
    res = runner.invoke(
        cli,
        [
            "score",
            str(src),
            "-o",
            str(out),
            "--max-cell-chars",
            "200",
            "--max-rows",
            "3",
        ],
    )
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.reader(fh))) == 4
    with pytest.raises(DataError, match="max_rows"):
        score_file(src, tmp_path / "again.csv", max_rows=1)
    assert not (tmp_path / "again.csv").exists()
