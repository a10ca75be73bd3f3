"""Same inputs, same bytes: scored files and trained model files.

Scoring output is byte-identical across runs, chunk sizes and ``--jobs`` for
CSV (``test_io.py``) and here for TSV, JSON Lines and XLSX, whose workbook
carries no current time. Training with the same data and seed gives identical
predictions; with ``SOURCE_DATE_EPOCH`` set (the reproducible-builds
convention) the model file is byte-identical too.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner

from purposeclf import load, score_file
from purposeclf.cli import cli
from purposeclf.training import train_file

from .conftest import TOY_TEXTS

EPOCH = 1_000_000_000  # 2001-09-09T01:46:40Z


@pytest.fixture
def answers(tmp_path):
    src = tmp_path / "in.csv"
    rows = ["id,text"] + [f'{i},"{t}, {i % 7}"' for i, t in enumerate(TOY_TEXTS * 40)]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return src


@pytest.mark.parametrize("fmt", ["tsv", "jsonl", "xlsx"])
def test_scoring_twice_gives_identical_bytes(answers, tmp_path, fmt, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    score_file(answers, a, chunk_size=50)
    score_file(answers, b, chunk_size=77)
    assert a.read_bytes() == b.read_bytes()


def test_xlsx_output_has_no_current_time(answers, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "out.xlsx"
    score_file(answers, out)
    with zipfile.ZipFile(out) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert "dcterms:created" not in core and "dcterms:modified" not in core

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    score_file(answers, out)
    with zipfile.ZipFile(out) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2001, 9, 9, 1, 46, 40)}
        core = zf.read("docProps/core.xml").decode()
    assert ">2001-09-09T01:46:40Z</dcterms:created>" in core


def _train(labelled_csv, folder, **kw):
    folder.mkdir()
    out = folder / "model.pclf"  # the same name: it is recorded in the model card
    train_file(labelled_csv, out, codebook="keep", random_state=0, **kw)
    return out


def test_training_with_source_date_epoch_gives_identical_files(
    labelled_csv, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    a = _train(labelled_csv, tmp_path / "a")
    b = _train(labelled_csv, tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    meta = json.loads(zipfile.ZipFile(a).read("metadata.json"))
    assert meta["created"] == "2001-09-09T01:46:40+00:00"
    with zipfile.ZipFile(a) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == ["metadata.json"] + sorted(
        i.filename for i in infos[1:]
    )
    assert {(i.date_time, i.compress_type, i.create_system) for i in infos} == {
        ((1980, 1, 1, 0, 0, 0), zipfile.ZIP_DEFLATED, 3)
    }


def test_training_without_it_still_gives_identical_predictions(
    labelled_csv, tmp_path, monkeypatch
):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = load(_train(labelled_csv, tmp_path / "a"))
    b = load(_train(labelled_csv, tmp_path / "b"))
    np.testing.assert_array_equal(
        a.predict_proba(TOY_TEXTS), b.predict_proba(TOY_TEXTS)
    )
    strip = ("created", "sha256")
    assert {k: v for k, v in a.metadata_.items() if k not in strip} == {
        k: v for k, v in b.metadata_.items() if k not in strip
    }


def test_bad_source_date_epoch_is_a_clear_error(labelled_csv, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH .* Got 'yesterday'"):
        _train(labelled_csv, tmp_path / "a")
    assert not (tmp_path / "a" / "model.pclf").exists()
    res = CliRunner().invoke(
        cli,
        [
            "train",
            str(labelled_csv),
            "-o",
            str(tmp_path / "m.pclf"),
            "--scheme",
            "keep",
        ],
    )
    assert res.exit_code == 1 and "SOURCE_DATE_EPOCH" in res.stderr
    assert "Traceback" not in res.stderr
