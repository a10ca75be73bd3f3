"""purposeclf info, report and codebook: what is installed, reports, codebooks."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._options import (
    InFile,
    friendly,
    verbosity,
)


@click.command()
@click.argument("model", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
@verbosity
@friendly
def info(model: str | None, as_json: bool) -> None:
    """Versions and bundled models, or the model card of MODEL (name or path)."""
    from ..reports import info_text, model_card

    if model is None:
        click.echo(info_text(as_json=as_json))
    else:
        click.echo(model_card(model, as_json=as_json))


@click.command()
@click.argument("scored", type=InFile)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="HTML file to write (default: SCORED with .html; '-' for stdout).",
)
@click.option(
    "--scheme",
    default=None,
    help="Scheme to report when SCORED has scores for several.",
)
@click.option(
    "--codebook",
    "codebook_file",
    type=InFile,
    default=None,
    help="Label names for a scheme you trained yourself (default: ids).",
)
@click.option(
    "--text-column",
    default=None,
    help="Column of the answers (default: 'text', else guessed).",
)
@click.option(
    "--examples",
    type=click.IntRange(0, 50),
    default=3,
    show_default=True,
    help="Example answers per label.",
)
@click.option("--title", default=None, help="Title of the report.")
@click.option("--encoding", default=None, help="Input encoding (default: detected).")
@click.option(
    "--sheet", default=None, help="Worksheet of an XLSX input (default: the first)."
)
@verbosity
@friendly
def report(
    scored: Path,
    output: str | None,
    scheme: str | None,
    codebook_file: Path | None,
    text_column: str | None,
    examples: int,
    title: str | None,
    encoding: str | None,
    sheet: str | None,
) -> None:
    """Make a one-file HTML report of SCORED, a file written by 'purposeclf score'.

    Charts and tables of how often each label (and camp) applies, the share of
    answers with no label and needing review, and example answers per label
    with e-mail addresses, phone numbers and NHS numbers masked. The file has
    no scripts and loads nothing from the internet: e-mail it or print it.

    \b
    purposeclf score answers.csv -o coded.csv --review-below 0.6
    purposeclf report coded.csv -o report.html
    """
    from ..reports import write_report

    data = write_report(
        scored,
        output,
        scheme=scheme,
        codebook=codebook_file,
        text_column=text_column,
        examples_per_label=examples,
        title=title,
        encoding=encoding,
        sheet=sheet,
    )
    if output != "-":
        where = output or Path(scored).with_suffix(".html")
        click.echo(
            f"wrote {where}: {data.n_rows:,} answers, {len(data.label_ids)} labels",
            err=True,
        )


@click.group()
def codebook() -> None:
    """List, show and export codebooks (the label schemes)."""


@codebook.command("list")
@friendly
def codebook_list() -> None:
    """The built-in schemes."""
    from ..codebook import builtin_schemes, load_codebook

    for name in builtin_schemes():
        cb = load_codebook(name)
        click.echo(f"{name:<10} {len(cb):>2} labels  {cb.name}")


@codebook.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="The codebook file as JSON.")
@friendly
def codebook_show(name: str, as_json: bool) -> None:
    """Labels of a scheme NAME (built-in name or codebook file)."""
    from ..codebook import load_codebook
    from ..reports import codebook_text

    cb = load_codebook(name)
    click.echo(
        json.dumps(cb.to_dict(), indent=2, ensure_ascii=False)
        if as_json
        else codebook_text(cb)
    )


@codebook.command("export")
@click.argument("name")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write: .qdc (REFI-QDA, for NVivo, ATLAS.ti, MAXQDA), .json or .csv.",
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
@verbosity
@friendly
def codebook_export(name: str, output: Path, force: bool) -> None:
    """Write the codebook NAME (built-in name or codebook file) to another format.

    The format follows -o's extension. A .qdc file imports into NVivo,
    ATLAS.ti, MAXQDA and other QDA programs; a .qdc exported back from them
    works with --codebook (label ids are kept).

    \b
    purposeclf codebook export purpose -o purpose.qdc
    purposeclf train coded.csv --codebook purpose-from-nvivo.qdc -o mine.pclf
    """
    from ..codebook import export_codebook

    export_codebook(name, output, overwrite=force)
    click.echo(f"wrote {output}", err=True)
