"""The same answer with different labels: stop by default, or resolve as asked."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from purposeclf.cli import cli
from purposeclf.codebook import load_codebook
from purposeclf.exceptions import DataError
from purposeclf.labelled import read_labelled

ROWS = [
    ("Nothing.", ""),
    ("Nothing.", "valued_staff"),
    ("Nothing.", ""),
    ("the huddles", "great_teams"),
    ("the huddles", "great_teams;valued_staff"),
    ("video consults", "digital_tools"),
]


def _file(tmp_path):
    path = tmp_path / "real.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "labels"])
        w.writerows(ROWS)
    return path


def test_conflicts_stop_with_the_count_and_the_option(tmp_path):
    with pytest.raises(DataError, match="conflicting labels in 2 place") as err:
        read_labelled(_file(tmp_path), codebook=load_codebook("keep"))
    assert "--on-conflict" in str(err.value)


@pytest.mark.parametrize(
    "rule, nothing, huddles",
    [
        ("majority", (), ("great_teams",)),  # 2 of 3 say none; 1 of 2 valued: kept
        ("union", ("valued_staff",), ("great_teams", "valued_staff")),
        ("drop", None, None),
    ],
)
def test_conflicts_resolved_as_asked(tmp_path, rule, nothing, huddles):
    data = read_labelled(
        _file(tmp_path), codebook=load_codebook("keep"), on_conflict=rule
    )
    got = dict(zip(data.texts, data.labels, strict=True))
    assert got.get("Nothing.") == nothing
    if rule == "majority":
        huddles = ("great_teams", "valued_staff")  # a tie (1 of 2) keeps the label
    assert got.get("the huddles") == huddles
    assert got["video consults"] == ("digital_tools",)


def test_train_takes_on_conflict(tmp_path):
    src = _file(tmp_path)
    res = CliRunner().invoke(
        cli, ["train", str(src), "--scheme", "keep", "-o", str(tmp_path / "m.pclf")]
    )
    assert res.exit_code == 1 and "--on-conflict" in res.stderr
    res = CliRunner().invoke(
        cli,
        ["evaluate", str(src), "--scheme", "keep", "--on-conflict", "majority"],
    )
    assert res.exit_code == 0, res.output
