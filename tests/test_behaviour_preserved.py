"""The bundled models and the command line give exactly what they gave before.

``tests/data/golden.json`` holds SHA-256 digests of the bundled models'
probabilities (the float64 bytes) on the corpus answers and ``examples/``, and
of what ``purposeclf score`` writes for the example file, all recorded with an
earlier release. A refactoring that changes one bit of either fails here.

Regenerate only when a change of output is intended (and say so in the
commit): ``python -m tests.test_behaviour_preserved``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden.json"
MODELS = ("keep.v1", "keep.v2", "purpose.v1", "purpose.v2")
# The corpus rows of the first release (later rows are not part of the record).
ORIGINAL_ID = re.compile(r"^(k[1-8]|p[1-6])-\d{4}$")
CLI_RUNS = {
    "keep_stdout": ["keep.v2"],
    "purpose_review_stdout": ["purpose.v2", "--review-below", "0.6"],
    "keep_v1_excel_safe_stdout": ["keep.v1", "--excel-safe"],
}
OUTPUT_FILES = ("coded.xlsx", "coded.jsonl", "coded.tsv")


def _texts() -> dict[str, list[str]]:
    out = {}
    for scheme in ("keep", "purpose"):
        with (ROOT / "corpus" / f"{scheme}.csv").open(encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if ORIGINAL_ID.match(r["id"])]
        out[f"corpus_{scheme}"] = [r["text"] for r in rows]
    with (ROOT / "examples" / "answers.csv").open(encoding="utf-8") as fh:
        out["examples"] = [r["text"] for r in csv.DictReader(fh)]
    return out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cli(args: list[str], cwd: Path) -> bytes:
    env = {"SOURCE_DATE_EPOCH": "1700000000", "PATH": "", "PYTHONHASHSEED": "0"}
    res = subprocess.run(
        [sys.executable, "-m", "purposeclf", *args],
        cwd=cwd,
        capture_output=True,
        env=env,
        check=True,
    )
    return res.stdout


def probability_digests() -> dict[str, str]:
    import purposeclf

    texts = _texts()
    out = {}
    for name in MODELS:
        model = purposeclf.load_model(name).model
        for part, items in texts.items():
            proba = np.ascontiguousarray(model.predict_proba(items), dtype=np.float64)
            out[f"{name}/{part}"] = _sha(proba.tobytes())
    return out


def _model_file(name: str) -> str:
    return str(ROOT / "models" / f"{name}.pclf")


def cli_digests(tmp: Path) -> dict[str, str]:
    example = str(ROOT / "examples" / "answers.csv")
    out = {
        k: _sha(_cli(["score", example, "--model", _model_file(m), *a], tmp))
        for k, (m, *a) in CLI_RUNS.items()
    }
    for name in OUTPUT_FILES:
        model = _model_file("purpose.v2")
        _cli(["score", example, "--model", model, "-o", name], tmp)
        out[name] = _sha(_contents(tmp / name))
    return out


def _contents(path: Path) -> bytes:
    """A file's bytes; for a workbook, its cells (lxml alters the bytes)."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    import openpyxl

    ws = openpyxl.load_workbook(path).active
    cells = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]
    return json.dumps(cells).encode()


def test_bundled_model_probabilities_are_unchanged():
    want = json.loads(GOLDEN.read_text())["probabilities"]
    assert probability_digests() == want


def test_cli_output_files_are_unchanged(tmp_path):
    want = json.loads(GOLDEN.read_text())["cli"]
    assert cli_digests(tmp_path) == want


def test_the_record_covers_the_original_corpus():
    n = {k: len(v) for k, v in _texts().items()}
    assert n["corpus_keep"] == 2038 and n["corpus_purpose"] == 1634
    assert n["examples"] == 10


if __name__ == "__main__":  # pragma: no cover
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        record = {"probabilities": probability_digests(), "cli": cli_digests(Path(d))}
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN.relative_to(ROOT)}")
    pytest.main([__file__, "-q"])
