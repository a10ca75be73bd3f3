from __future__ import annotations

import importlib
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from click.testing import CliRunner  # noqa: E402

from purposeclf.cli import cli  # noqa: E402
from purposeclf.dask import (  # noqa: E402
    WorkerModelMismatchError,
    score_csv,
    score_dataframe,
)
from purposeclf.exceptions import ColumnNotFoundError, DataError  # noqa: E402
from purposeclf.integrations.dask import _model_loads, _score_chunk  # noqa: E402
from purposeclf.resources import bundled_models  # noqa: E402
from purposeclf.scoring import score_file, score_frame  # noqa: E402

from .conftest import write_csv  # noqa: E402

ANSWERS = [
    "Keep the video consultations and the daily team huddle",
    "Evening and weekend appointments at the hub",
    "free food and a rest room for staff",
    "n/a",
    "",
    "telephone triage first,\nthen a face to face appointment if needed",
    'working with schools and families on "prevention", and the DES money',
    "Évening clinics – extended hours; café for staff",
    "video consults",
    "video consults",
    "=1+1 not a formula",
]


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=":0",  # any free port: never a port clash
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture
def frame():
    n = len(ANSWERS)
    return pd.DataFrame(
        {
            "id": [f"{i:03d}" for i in range(n)],
            "text": ANSWERS,
            "site": ["A", "B"] * 5 + ["C"],
        },
        index=range(100, 100 + n),
    )


@pytest.mark.parametrize(("model", "review_below"), [("keep", None), ("purpose", 0.7)])
def test_score_dataframe_equals_score_frame_row_for_row(
    client, frame, model, review_below
):
    ddf = dd.from_pandas(frame, npartitions=4)
    scored = score_dataframe(ddf, model=model, review_below=review_below)
    assert scored.npartitions == 4
    got = scored.compute()
    # Score exactly the frame Dask holds (Dask may give text columns its own
    # string dtype), with the pandas function, in one piece.
    expected = score_frame(ddf.compute(), model=model, review_below=review_below)
    pd.testing.assert_frame_equal(got, expected)
    assert got["id"].tolist() == frame["id"].tolist()  # "000" stays "000"
    assert list(got.index) == list(frame.index)
    # The lazily declared meta is what the partitions really hold.
    pd.testing.assert_series_equal(scored.dtypes, got.dtypes)
    probs = [c for c in got.columns if c.startswith(f"{model}_p_")]
    assert probs and all(str(got[c].dtype) == "float64" for c in probs)
    assert got[f"{model}_labels"].str.len().sum() > 0  # some answers got labels
    assert (review_below is None) == ("needs_review" not in got.columns)


def test_missing_answers_score_as_empty_and_stay_missing(client):
    pdf = pd.DataFrame({"text": ["video consults", None, ""]}, dtype=object)
    got = score_dataframe(dd.from_pandas(pdf, npartitions=2)).compute()
    assert got["text"].isna().tolist() == [False, True, False]
    probs = [c for c in got.columns if c.startswith("keep_p_")]
    assert (
        got.loc[1, probs].tolist() == got.loc[2, probs].tolist() == [0.0] * len(probs)
    )
    assert got.loc[1, "keep_labels"] == ""


def test_model_is_loaded_once_per_worker_process(client, frame, tmp_path):
    own = tmp_path / "own.pclf"  # a model file of the user's, new to the workers
    shutil.copyfile(bundled_models()["purpose.v1"], own)
    spec = str(own.resolve())
    ddf = dd.from_pandas(pd.concat([frame] * 4, ignore_index=True), npartitions=8)
    scored = score_dataframe(ddf, model=own)
    # Tasks carry the model's path, not the model.
    graph = pickle.dumps(dict(scored.__dask_graph__()))
    assert spec.encode() in graph
    assert len(graph) < own.stat().st_size / 10
    first = scored.compute()
    second = scored.compute()
    pd.testing.assert_frame_equal(first, second)
    loads = [w.get(spec, 0) for w in client.run(_model_loads).values()]
    assert len(loads) == 2
    assert set(loads) <= {0, 1} and sum(loads) >= 1  # 16 partitions, <= 2 loads


def test_a_worker_with_a_different_model_refuses_to_score(client):
    future = client.submit(
        _score_chunk, ["video consults"], spec="keep", sha256="0" * 64
    )
    with pytest.raises(WorkerModelMismatchError, match="different model"):
        future.result()


def test_score_dataframe_checks_its_arguments_at_once(frame):
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(ColumnNotFoundError, match="'answer' not found"):
        score_dataframe(ddf, text_column="answer")
    with pytest.raises(ValueError, match="review_below"):
        score_dataframe(ddf, review_below=1.5)


def _export(tmp_path: Path) -> Path:
    rows = [[f"{i:03d}", t, f"2024-01-0{i % 9 + 1}"] for i, t in enumerate(ANSWERS)]
    rows.append(["", "", ""])
    return write_csv(tmp_path / "export.csv", ["ResponseID", "text", "date"], rows)


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl"])
def test_score_csv_output_is_byte_identical_to_score_file(client, tmp_path, suffix):
    src = _export(tmp_path)
    local, dask_out = tmp_path / f"local{suffix}", tmp_path / f"dask{suffix}"
    want = score_file(src, local, model="purpose", review_below=0.7)
    done = []
    got = score_csv(
        src,
        dask_out,
        model="purpose",
        review_below=0.7,
        client=client,
        chunk_size=3,  # several chunks in flight, reassembled in order
        progress=done.append,
    )
    assert dask_out.read_bytes() == local.read_bytes()
    assert done == [3, 6, 9, 12]
    assert got.label_counts == want.label_counts and got.n_rows == want.n_rows == 12
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


def test_cli_engine_dask_writes_the_same_file_as_the_local_engine(client, tmp_path):
    src = _export(tmp_path)
    address = client.scheduler.address
    runner = CliRunner()
    common = ["--scheme", "purpose", "--review-below", "0.7", "--summary"]
    local = runner.invoke(
        cli, ["score", str(src), "-o", str(tmp_path / "l.csv"), *common]
    )
    assert local.exit_code == 0, local.output
    res = runner.invoke(
        cli,
        [
            "score",
            str(src),
            "-o",
            str(tmp_path / "d.csv"),
            *common,
            "--engine",
            "dask",
            "--dask-scheduler",
            address,
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "d.csv").read_bytes() == (tmp_path / "l.csv").read_bytes()
    assert res.stdout == local.stdout and "Extended hours" in res.stdout  # summary
    text = (tmp_path / "d.csv").read_bytes().decode("utf-8-sig")
    assert text.startswith("ResponseID,text,date,purpose_labels,purpose_camps,")
    assert "\r\n000,Keep the video" in text


def test_cli_engine_dask_starts_its_own_cluster_without_a_scheduler(tmp_path):
    src = _export(tmp_path)
    res = CliRunner().invoke(
        cli,
        [
            "score",
            str(src),
            "-o",
            str(tmp_path / "d.csv"),
            "--engine",
            "dask",
            "-j",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    score_file(src, tmp_path / "l.csv")
    assert (tmp_path / "d.csv").read_bytes() == (tmp_path / "l.csv").read_bytes()


def test_cli_engine_dask_refuses_what_it_cannot_do(tmp_path):
    src = _export(tmp_path)
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text('{"text": "video consults"}\n', encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(cli, ["score", str(jsonl), "--engine", "dask"])
    assert res.exit_code == 1
    assert "Dask engine reads CSV or TSV" in res.output and "JSONL" in res.output
    res = runner.invoke(cli, ["score", str(src), "--engine", "dask", "--sheet", "S1"])
    assert res.exit_code == 2 and "--sheet" in res.output
    res = runner.invoke(cli, ["score", str(src), "--dask-scheduler", "tcp://x:1"])
    assert res.exit_code == 2 and "needs --engine dask" in res.output


def test_score_csv_refuses_to_overwrite_its_input(tmp_path):
    src = _export(tmp_path)
    with pytest.raises(DataError, match="is the input file"):
        score_csv(src, src)


def test_importing_purposeclf_does_not_import_dask():
    code = (
        "import sys, purposeclf, purposeclf.cli, purposeclf.scoring\n"
        "purposeclf.score_texts(['video consults'])\n"
        "assert 'dask' not in sys.modules, 'dask was imported'\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stderr


def test_missing_dask_gives_an_install_hint(monkeypatch):
    monkeypatch.delitem(sys.modules, "purposeclf.dask")
    monkeypatch.delitem(sys.modules, "purposeclf.integrations.dask")
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(ImportError, match=r"pip install 'purposeclf\[dask\]'"):
        importlib.import_module("purposeclf.dask")
