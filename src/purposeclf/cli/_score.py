"""purposeclf score: label every answer of an export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._options import (
    InFile,
    friendly,
    model_options,
    model_spec,
    stderr_is_terminal,
    verbosity,
)


@click.command()
@click.argument("input", type=InFile)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Output file; the format follows the extension (.csv, .tsv, .xlsx, "
    ".jsonl). Default (or '-'): CSV on standard output.",
)
@model_options
@click.option(
    "--text-column",
    default=None,
    metavar="COLUMN",
    help="Column holding the answers: its name (case, spaces and a trailing ? "
    "may differ) or its letter (F). Default: a column named text, else the one "
    "headed with the scheme's question, else the one free-text column.",
)
@click.option(
    "--header-rows",
    type=click.IntRange(0, 20),
    default=None,
    metavar="N",
    help="Rows after the header that are more header (written back, not scored). "
    "Default: recognised for SurveyMonkey (1) and Qualtrics (1 or 2) exports.",
)
@click.option(
    "--encoding",
    default=None,
    help="Input encoding (default: detected; utf-8, cp1252 ...).",
)
@click.option("--delimiter", default=None, help="Input delimiter (default: sniffed).")
@click.option(
    "--sheet", default=None, help="Worksheet of an XLSX input (default: the first)."
)
@click.option(
    "--excel-safe",
    is_flag=True,
    help="In CSV/TSV output, prefix ' to cells and column names "
    "starting with = + - @, tab or CR (plain numbers such as -3 "
    "excepted) so spreadsheets show them as text.",
)
@click.option(
    "--no-bom",
    is_flag=True,
    help="Leave out the UTF-8 byte-order mark that CSV/TSV files start with "
    "(Excel needs it to show £, é and curly quotes; stdout never has one).",
)
@click.option(
    "--review-below",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    help="Add a needs_review column: yes where the model's confidence is below this.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes for large files (same output as -j 1).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Score here, or on a Dask cluster (CSV/TSV input; same output): "
    "--dask-scheduler, else a local one of --jobs workers.",
)
@click.option(
    "--dask-scheduler",
    metavar="ADDRESS",
    default=None,
    help="With --engine dask: the scheduler to use, e.g. tcp://host:8786.",
)
@click.option(
    "--summary",
    is_flag=True,
    help="Print each label's and camp's share when done (Markdown), with a 95% "
    "interval (corrected for the model's errors with --calibration).",
)
@click.option(
    "--summary-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the shares to this file: .md Markdown, .xlsx a workbook, "
    "else CSV with columns group,kind,id,answers,share,estimate,low,high.",
)
@click.option(
    "--by",
    "by",
    multiple=True,
    metavar="COLUMN",
    help="Shares per group of this column too (repeatable): --by role --by site.",
)
@click.option(
    "--calibration",
    type=InFile,
    default=None,
    metavar="LABELLED",
    help="A hand-coded random sample of this survey (text, labels): the model's "
    "error rates on it correct the shares and widen the intervals to match.",
)
@click.option(
    "--max-cell-chars",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Refuse input cells longer than N characters  [default: 10,000,000].",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Refuse inputs with more than N rows  [default: no limit].",
)
@click.option(
    "--force", is_flag=True, help="Allow the output to overwrite the input file."
)
@verbosity
@click.pass_context
@friendly
def score(
    ctx: click.Context,
    input: Path,
    output: str | None,
    scheme: str | None,
    model: Path | None,
    text_column: str | None,
    header_rows: int | None,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    excel_safe: bool,
    no_bom: bool,
    review_below: float | None,
    jobs: int,
    engine: str,
    dask_scheduler: str | None,
    summary: bool,
    summary_out: Path | None,
    by: tuple[str, ...],
    calibration: Path | None,
    max_cell_chars: int | None,
    max_rows: int | None,
    force: bool,
) -> None:
    """Label every answer in INPUT (CSV, TSV, XLSX or JSON Lines).

    Writes every input row, in order and unchanged, plus <scheme>_labels
    (label ids joined by ';', empty when none), <scheme>_camps for schemes with
    camps, and one <scheme>_p_<label> probability column per label. The output
    format follows -o's extension (.csv, .tsv, .xlsx, .jsonl); stdout is CSV.
    """
    from ..io import MAX_CELL_CHARS
    from ..scoring import score_file

    limits = {"max_cell_chars": max_cell_chars or MAX_CELL_CHARS, "max_rows": max_rows}
    to_stdout = output in (None, "-")
    show = not ctx.obj["quiet"] and stderr_is_terminal()

    def progress(n: int) -> None:
        if show:
            click.echo(f"\rscored {n:,} rows", err=True, nl=False)

    if dask_scheduler is not None and engine != "dask":
        raise click.UsageError("--dask-scheduler needs --engine dask.")
    common: dict[str, Any] = dict(
        model=model_spec(scheme, model),
        text_column=text_column,
        header_rows=header_rows,
        encoding=encoding,
        delimiter=delimiter,
        excel_safe=excel_safe,
        bom=not no_bom,
        review_below=review_below,
        force=force,
        progress=progress,
        **limits,
    )
    if engine == "dask":
        if sheet is not None:
            raise click.UsageError(
                "--engine dask reads CSV or TSV input; --sheet is for XLSX (use the "
                "local engine)."
            )
        try:
            from ..integrations.dask import score_csv
        except ImportError as exc:
            raise click.ClickException(str(exc)) from None
        result = score_csv(
            input,
            output,
            scheduler=dask_scheduler,
            n_workers=jobs,
            by=list(by),
            keep_decisions=bool(summary or summary_out),
            **common,
        )
    else:
        result = score_file(
            input,
            output,
            sheet=sheet,
            jobs=jobs,
            by=list(by),
            keep_decisions=bool(summary or summary_out),
            **common,
        )
    if show:
        click.echo("", err=True)
    if not ctx.obj["quiet"]:
        _say_what_was_done(result, output)
    if summary or summary_out:
        _write_shares(
            result, common["model"], summary, summary_out, calibration, to_stdout
        )


_HOW = {
    "matched": "matched --text-column",
    "letter": "column letter",
    "question": "headed with the question",
    "content": "the one column of free text",
    "only": "the only column",
}


def _say_what_was_done(result: Any, output: str | None) -> None:
    """The closing lines on stderr: the export, the column coded, what was written."""
    if result.export:
        click.echo(result.export, err=True)
    how = _HOW.get(result.text_column_how)
    if how:
        click.echo(f"answers: column {result.text_column!r} ({how})", err=True)
    if output not in (None, "-"):
        click.echo(f"wrote {result.n_rows:,} rows to {output}", err=True)


def _write_shares(
    result: Any,
    model: Any,
    summary: bool,
    summary_out: Path | None,
    calibration: Path | None,
    to_stdout: bool,
) -> None:
    """The shares with intervals: printed (--summary) and/or written (--summary-out)."""
    import numpy as np

    from ..findings import (
        SHARE_COLUMNS,
        calibration_confusion,
        shares_csv,
        shares_from_decisions,
        shares_markdown,
    )
    from ..io import write_rows
    from ..scoring import get_scorer

    bundle = result.model or get_scorer(model).bundle
    cb = bundle.model.codebook
    confusion: dict[str, Any] | None = None
    source = ""
    if calibration is not None:
        confusion, source = calibration_confusion(calibration, bundle)
    parts = result.decisions or []
    decided = np.concatenate(parts) if parts else np.zeros((0, len(cb.ids)), bool)
    records = shares_from_decisions(decided, cb, confusion, groups=result.groups)
    if summary:
        click.echo(shares_markdown(records, cb, source), err=to_stdout)
    if summary_out:
        suffix = summary_out.suffix.lower()
        if suffix in (".md", ".markdown"):
            summary_out.write_text(
                shares_markdown(records, cb, source) + "\n", encoding="utf-8"
            )
        elif suffix == ".xlsx":
            rows = [
                [
                    f"{r['by']}={r['group']}" if r["by"] else "",
                    r["kind"],
                    r["id"],
                    r["answers"],
                    r["share"],
                    r["estimate"],
                    r["low"],
                    r["high"],
                ]
                for r in records
            ]
            write_rows(
                summary_out,
                SHARE_COLUMNS,
                rows,
                numeric=["answers", "share", "estimate", "low", "high"],
            )
        else:
            summary_out.write_text(shares_csv(records) + "\n", encoding="utf-8")
