"""The ``purposeclf`` command line.

Each command parses its arguments, calls one library function and turns
purposeclf's errors into a one-line message with exit status 1. Heavy modules
are imported inside the commands so that ``purposeclf --help`` stays fast.
"""

from __future__ import annotations

from typing import Any

from ._agree import agree
from ._group import cli
from ._info import codebook, info, report
from ._retrain import audit, compare, review
from ._score import score
from ._train import evaluate, train

__all__ = ["cli", "main"]

for _command in (
    score,
    train,
    evaluate,
    info,
    compare,
    review,
    audit,
    agree,
    report,
    codebook,
):
    cli.add_command(_command)


def _terminate(signum: int, frame: Any) -> None:
    # Unwind like Ctrl-C so that partial output files are removed on the way out.
    raise KeyboardInterrupt


def main() -> None:
    """Entry point of the ``purposeclf`` command."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="purposeclf")
