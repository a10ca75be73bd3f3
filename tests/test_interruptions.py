"""Killed runs: the destination is complete or absent, never partial.

A real ``purposeclf score`` process is killed at several moments. SIGKILL cannot
be caught, so the temporary file (``.<name>.<random>.partial``, next to the
destination) may stay behind; the destination itself is only ever created by
an atomic rename of a complete file. The input is never modified, and a second
run gives byte-identical output. ``test_io.py`` covers SIGTERM and Ctrl-C.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from purposeclf import score_file

N_ROWS = 8_000
# (signal, seconds after the .partial file appears; "start": before it does)
KILLS = [
    (signal.SIGKILL, "start"),
    (signal.SIGKILL, 0.0),
    (signal.SIGKILL, 0.3),
    (signal.SIGINT, 0.3),
]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, bytes]:
    d = tmp_path_factory.mktemp("kill")
    src = d / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "note"])
        for i in range(N_ROWS):
            w.writerow(
                [
                    i,
                    f"answer {i}: video consults, the huddle {i * 7919 % 997}",
                    "=1+1" if i % 11 == 0 else "café ✓",
                ]
            )
    ref = d / "ref.csv"
    score_file(src, ref)
    return src, ref.read_bytes()


def _run_and_kill(args: list[str], folder: Path, sig: int, when, env=None) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-m", "purposeclf", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        if when == "start":
            time.sleep(0.3)  # importing, loading the model
        else:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                if any(p.name.endswith(".partial") for p in folder.iterdir()):
                    break
                time.sleep(0.01)
            time.sleep(when)
        proc.send_signal(sig)
    finally:
        proc.wait(timeout=60)
    return proc.returncode


@pytest.mark.parametrize("sig, when", KILLS)
def test_killed_run_leaves_input_intact_and_no_partial_destination(
    big, tmp_path, sig, when
):
    original, ref = big
    src = tmp_path / "in.csv"
    shutil.copyfile(original, src)
    before = _sha(src)
    out = tmp_path / "out.csv"
    _run_and_kill(["score", str(src), "-o", str(out)], tmp_path, sig, when)

    if out.exists():  # killed after the rename: then it is the whole result
        assert out.read_bytes() == ref
    assert _sha(src) == before
    left = {p.name for p in tmp_path.iterdir()} - {"in.csv", "out.csv"}
    if sig == signal.SIGKILL:
        assert all(n.startswith(".out.csv.") and n.endswith(".partial") for n in left)
    else:  # a signal Python sees: the temporary file is removed on the way out
        assert not left

    score_file(src, out)  # the second run, with any leftover in place
    assert out.read_bytes() == ref
    assert _sha(src) == before


def test_killed_in_place_run_keeps_the_old_or_the_new_file(big, tmp_path):
    """--force -o INPUT: the input is replaced whole, or not at all."""
    original, ref = big
    src = tmp_path / "in.csv"
    shutil.copyfile(original, src)
    old = src.read_bytes()
    _run_and_kill(
        ["score", str(src), "-o", str(src), "--force"], tmp_path, signal.SIGKILL, 0.3
    )
    assert src.read_bytes() in (old, ref)


def test_killed_xlsx_run_leaves_no_partial_workbook(big, tmp_path):
    import openpyxl

    original, _ = big
    out = tmp_path / "out.xlsx"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    _run_and_kill(
        ["score", str(original), "-o", str(out)], tmp_path, signal.SIGKILL, 0.5, env=env
    )
    if out.exists():
        assert openpyxl.load_workbook(out, read_only=True).active.max_row == N_ROWS + 1
    left = {p.name for p in tmp_path.iterdir()} - {"out.xlsx", "tmp"}
    assert all(n.startswith(".out.xlsx.") and n.endswith(".partial") for n in left)
