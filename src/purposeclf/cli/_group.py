"""The ``purposeclf`` command group."""

from __future__ import annotations

import click

from .._version import __version__
from ._options import setup_logging


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, "-V", "--version", prog_name="purposeclf")
@click.option(
    "-v", "--verbose", count=True, help="More messages on stderr (-v info, -vv debug)."
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Code free-text survey answers into a codebook of categories.

    \b
    Score a CSV with the bundled model for a scheme:
      purposeclf score answers.csv -o coded.csv --scheme purpose
    Train your own model and use it:
      purposeclf train labelled.csv -o my.pclf --scheme keep
      purposeclf score answers.csv --model my.pclf
    Check a model on labelled answers:
      purposeclf evaluate labelled.csv --scheme keep

    Data goes to stdout (or -o FILE); messages and progress go to stderr.
    """
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet
    ctx.obj["verbose"] = verbose
    setup_logging(verbose, quiet)
