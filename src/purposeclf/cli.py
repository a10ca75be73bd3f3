"""The ``purposeclf`` command line.

Each command parses its arguments, calls one library function and turns
purposeclf's errors into a one-line message with exit status 1. Heavy modules
are imported inside the commands so that ``purposeclf --help`` stays fast.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ._version import __version__
from .exceptions import PurposeclfError

F = TypeVar("F", bound=Callable[..., Any])

BUILTIN_SCHEMES = ("keep", "purpose")

_InFile = click.Path(exists=True, dir_okay=False, path_type=Path)


def _friendly(func: F) -> F:
    """Turn library errors into click errors: message on stderr, exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PurposeclfError as exc:
            raise click.ClickException(str(exc)) from None
        except (FileExistsError, PermissionError, IsADirectoryError) as exc:
            raise click.ClickException(str(exc)) from None
        except ValueError as exc:
            # Parameter errors raised by the estimator's checks.
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _verbosity(func: F) -> F:
    """-v/-q on every command too, so `purposeclf score x.csv -v` works."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        obj = ctx.find_root().ensure_object(dict)
        if param.name == "quiet" and value:
            obj["quiet"] = True
        if param.name == "verbose" and value:
            obj["verbose"] = obj.get("verbose", 0) + value
        _setup_logging(obj.get("verbose", 0), obj.get("quiet", False))
        return value

    func = click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=callback,
        help="Only errors on stderr; no progress.",
    )(func)
    return click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=callback,
        help="More messages on stderr (-v info, -vv debug).",
    )(func)


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("purposeclf")
    root.handlers[:] = [handler]
    root.setLevel(level)


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
    _setup_logging(verbose, quiet)


def _stderr_is_terminal() -> bool:
    """Progress is shown only to a person watching a terminal, never into a pipe or file."""
    return sys.stderr.isatty()


def _model_spec(scheme: str | None, model: Path | None) -> str | Path:
    if scheme and model:
        raise click.UsageError("Give either --scheme or --model, not both.")
    return model if model is not None else (scheme or "keep")


@cli.command()
@click.argument("input", type=_InFile)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Output CSV. Default (or '-'): standard output.",
)
@click.option(
    "--scheme",
    type=click.Choice(BUILTIN_SCHEMES),
    default=None,
    help="Bundled model to use (default: keep).",
)
@click.option(
    "--model",
    type=_InFile,
    default=None,
    help="A model file made by 'purposeclf train'.",
)
@click.option(
    "--text-column",
    default="text",
    show_default=True,
    help="Column holding the answers.",
)
@click.option(
    "--encoding",
    default=None,
    help="Input encoding (default: detected; utf-8, cp1252 ...).",
)
@click.option("--delimiter", default=None, help="Input delimiter (default: sniffed).")
@click.option("--sheet", default=None, help="Worksheet of an XLSX input (default: the first).")
@click.option("--excel-safe", is_flag=True,
              help="In CSV/TSV output, prefix ' to cells and column names "
                   "starting with = + - @, tab or CR (plain numbers such as -3 "
                   "excepted) so spreadsheets show them as text.")
@click.option(
    "--review-below",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    help="Add a needs_review column: yes where the model's confidence is below this.",
)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for large files (same output as -j 1).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="Score here, or on a Dask cluster (CSV/TSV input; same output): "
                   "--dask-scheduler, else a local one of --jobs workers.")
@click.option("--dask-scheduler", metavar="ADDRESS", default=None,
              help="With --engine dask: the scheduler to use, e.g. tcp://host:8786.")
@click.option("--summary", is_flag=True, help="Print label and camp counts (Markdown) when done.")
@click.option("--summary-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the counts to this file (.md for Markdown, else CSV).")
@click.option("--max-cell-chars", type=click.IntRange(min=1), default=None, metavar="N",
              help="Refuse input cells longer than N characters  [default: 10,000,000].")
@click.option("--max-rows", type=click.IntRange(min=1), default=None, metavar="N",
              help="Refuse inputs with more than N rows  [default: no limit].")
@click.option(
    "--force", is_flag=True, help="Allow the output to overwrite the input file."
)
@_verbosity
@click.pass_context
@_friendly
def score(
    ctx: click.Context,
    input: Path,
    output: str | None,
    scheme: str | None,
    model: Path | None,
    text_column: str,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    excel_safe: bool,
    review_below: float | None,
    jobs: int,
    engine: str,
    dask_scheduler: str | None,
    summary: bool,
    summary_out: Path | None,
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
    from .io import MAX_CELL_CHARS
    from .scoring import score_file

    limits = {"max_cell_chars": max_cell_chars or MAX_CELL_CHARS, "max_rows": max_rows}
    to_stdout = output in (None, "-")
    show = not ctx.obj["quiet"] and _stderr_is_terminal()

    def progress(n: int) -> None:
        if show:
            click.echo(f"\rscored {n:,} rows", err=True, nl=False)

    if dask_scheduler is not None and engine != "dask":
        raise click.UsageError("--dask-scheduler needs --engine dask.")
    common = dict(
        model=_model_spec(scheme, model),
        text_column=text_column,
        encoding=encoding,
        delimiter=delimiter,
        excel_safe=excel_safe,
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
            from .dask import score_csv
        except ImportError as exc:
            raise click.ClickException(str(exc)) from None
        result = score_csv(input, output, scheduler=dask_scheduler, n_workers=jobs, **common)
    else:
        result = score_file(input, output, sheet=sheet, jobs=jobs, **common)
    if show:
        click.echo("", err=True)
    if summary or summary_out:
        from .report import summary_csv, summary_markdown

        if summary:
            click.echo(summary_markdown(result), err=to_stdout)
        if summary_out:
            text = (
                summary_markdown(result)
                if summary_out.suffix.lower() in (".md", ".markdown")
                else summary_csv(result)
            )
            summary_out.write_text(text + "\n", encoding="utf-8")


@cli.command()
@click.argument("data", type=_InFile)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Model file to write (default: DATA's name with .pclf).",
)
@click.option(
    "--scheme",
    type=click.Choice(BUILTIN_SCHEMES),
    default=None,
    help="Validate labels against a built-in codebook.",
)
@click.option(
    "--codebook",
    "codebook_file",
    type=_InFile,
    default=None,
    help="Your own codebook (JSON, CSV with id,name,description,camp, or a "
    "REFI-QDA .qdc from NVivo, ATLAS.ti or MAXQDA).",
)
@click.option("--text-column", default="text", show_default=True)
@click.option(
    "--labels-column",
    default="labels",
    show_default=True,
    help="Column of label ids joined by ';' (empty = no label).",
)
@click.option("--encoding", default=None, help="Input encoding (default: detected).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--with-corpus", is_flag=True,
              help="Add your answers to the bundled corpus of the scheme and train on both.")
@click.option("--compare-to", "compare_to", default=None,
              help="After training, compare the new model with this one (bundled name or "
                   "file) on --compare-data, and print the verdict.")
@click.option("--compare-data", type=_InFile, default=None,
              help="Labelled answers for --compare-to (default: DATA itself, which favours "
                   "the new model).")
@click.option("--force", is_flag=True, help="Overwrite an existing model file.")
@_verbosity
@_friendly
def train(
    data: Path,
    output: Path | None,
    scheme: str | None,
    codebook_file: Path | None,
    text_column: str,
    labels_column: str,
    encoding: str | None,
    seed: int,
    with_corpus: bool,
    compare_to: str | None,
    compare_data: Path | None,
    force: bool,
) -> None:
    """Train a model on labelled answers in DATA (CSV, TSV, XLSX or JSON Lines).

    DATA has a text column and a labels column (label ids or names joined by
    ';', empty for no label), or, with --scheme/--codebook, one 0/1 column per
    label. Without --scheme or --codebook the labels are taken from the data
    (and a built-in codebook is used when the labels are its ids).

    \b
    purposeclf train new_labels.csv --scheme keep --with-corpus -o keep-v2.pclf
    """
    from .training import train_file

    if scheme and codebook_file:
        raise click.UsageError("Give either --scheme or --codebook, not both.")
    out = output or Path(data.stem + ".pclf")
    meta = train_file(
        data,
        out,
        codebook=codebook_file or scheme,
        text_column=text_column,
        labels_column=labels_column,
        encoding=encoding,
        random_state=seed,
        overwrite=force,
        with_corpus=with_corpus,
    )
    m = meta["metrics"].get("oof_threshold_tuning", {})
    n_labels = len(meta["codebook"]["labels"])
    click.echo(
        f"wrote {out}: {meta['training']['n_samples']} answers, {n_labels} labels"
        + (f", out-of-fold macro-F1 {m['macro_f1']:.3f}" if m else ""),
        err=True,
    )
    if compare_to:
        from .retrain import compare_models, format_comparison

        result = compare_models(compare_to, out, compare_data or data,
                                text_column=text_column, labels_column=labels_column)
        click.echo(format_comparison(result))


@cli.command()
@click.argument("data", type=_InFile)
@click.option(
    "--scheme",
    type=click.Choice(BUILTIN_SCHEMES),
    default=None,
    help="Bundled model (default: keep).",
)
@click.option("--model", type=_InFile, default=None, help="A model file.")
@click.option("--text-column", default="text", show_default=True)
@click.option("--labels-column", default="labels", show_default=True)
@click.option("--encoding", default=None)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout.")
@click.option("--target-precision", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Report the coverage curve: the share of answers that can be coded "
                   "automatically at this precision, and the --review-below value for it.")
@click.option("--cv", type=click.IntRange(2, 50), default=None,
              help="Cross-validate the training recipe on DATA with this many folds, "
                   "instead of evaluating a finished model.")
@click.option("--codebook", "codebook_file", type=_InFile, default=None,
              help="With --cv: your codebook (default: labels found in DATA).")
@_verbosity
@_friendly
def evaluate(
    data: Path,
    scheme: str | None,
    model: Path | None,
    text_column: str,
    labels_column: str,
    encoding: str | None,
    as_json: bool,
    target_precision: float | None,
    cv: int | None,
    codebook_file: Path | None,
) -> None:
    """Measure a model (or, with --cv, a training recipe) against the labels in DATA.

    Per label: precision, recall, F1 and support; overall: macro, micro and
    samples F1, exact match, Hamming loss, calibration (Brier, ECE), and how well
    answers with no label are recognised.

    \b
    purposeclf evaluate labelled.csv --scheme keep --target-precision 0.9
    purposeclf evaluate my_labels.csv --cv 5 --codebook codes.csv
    """
    from .evaluation import evaluate_file, format_report

    if cv is not None and model is not None:
        raise click.UsageError("--cv trains its own models; give --scheme or --codebook, not --model.")
    report = evaluate_file(
        data,
        model=_model_spec(scheme, model),
        text_column=text_column,
        labels_column=labels_column,
        encoding=encoding,
        target_precision=target_precision,
        cv=cv,
        codebook=codebook_file or (scheme if cv is not None else None),
    )
    click.echo(json.dumps(report, indent=2) if as_json else format_report(report))


@cli.command()
@click.argument("model", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
@_verbosity
@_friendly
def info(model: str | None, as_json: bool) -> None:
    """Versions and bundled models, or the model card of MODEL (name or path)."""
    from .report import info_text, model_card

    if model is None:
        click.echo(info_text(as_json=as_json))
    else:
        click.echo(model_card(model, as_json=as_json))


@cli.command()
@click.argument("old")
@click.argument("new")
@click.argument("data", type=_InFile)
@click.option("--text-column", default="text", show_default=True)
@click.option("--labels-column", default="labels", show_default=True)
@click.option("--n-boot", type=click.IntRange(100, 100_000), default=1000, show_default=True,
              help="Bootstrap resamples for the confidence interval.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
@_verbosity
@_friendly
def compare(old: str, new: str, data: Path, text_column: str, labels_column: str, n_boot: int,
            as_json: bool) -> None:
    """Is model NEW better than model OLD on the labelled answers in DATA?

    OLD and NEW are bundled names (keep, purpose) or model files. Reports both
    models' macro-F1, the difference with a paired bootstrap 95% confidence
    interval, per-label changes, and a verdict: better, no clear difference, or
    worse. Use answers neither model was trained on.
    """
    from .retrain import compare_models, format_comparison

    result = compare_models(old, new, data, text_column=text_column,
                            labels_column=labels_column, n_boot=n_boot)
    click.echo(json.dumps(result, indent=2, default=float) if as_json else format_comparison(result))


@cli.command()
@click.argument("input", type=_InFile)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The review file to write, .csv or .xlsx (open it in a spreadsheet, "
                   "correct, train on it).")
@click.option("--budget", type=click.IntRange(1, 100_000), default=200, show_default=True,
              help="How many answers to pick.")
@click.option("--scheme", type=click.Choice(BUILTIN_SCHEMES), default=None,
              help="Bundled model (default: keep).")
@click.option("--model", type=_InFile, default=None, help="A model file.")
@click.option("--text-column", default="text", show_default=True)
@click.option("--encoding", default=None)
@click.option("--force", is_flag=True, help="Overwrite an existing review file.")
@_verbosity
@_friendly
def review(input: Path, output: Path, budget: int, scheme: str | None, model: Path | None,
           text_column: str, encoding: str | None, force: bool) -> None:
    """Pick the answers in INPUT whose labels would teach the model most.

    The answers the model doubts most are picked: those whose probabilities
    sit nearest the labels' decision thresholds, added up over the labels (so
    an answer torn between several labels comes first); empty and repeated
    answers are skipped. The picks are written with the model's current
    guess, both as a 'labels' column and as one 0/1 column per label; correct
    either in a spreadsheet, then:

    \b
    purposeclf train to_label.csv --scheme keep --with-corpus -o keep-v2.pclf
    """
    from .retrain import make_review_file

    if output.exists() and not force:
        raise click.ClickException(f"{output} already exists; pass --force to replace it.")
    result = make_review_file(input, output, model=_model_spec(scheme, model), budget=budget,
                              text_column=text_column, encoding=encoding)
    click.echo(f"wrote {result['n_selected']} of {result['n_rows']} answers to {output}",
               err=True)


@cli.command()
@click.argument("data", type=_InFile)
@click.option("--scheme", type=click.Choice(BUILTIN_SCHEMES), default=None,
              help="Validate labels against a built-in codebook.")
@click.option("--codebook", "codebook_file", type=_InFile, default=None, help="Your codebook.")
@click.option("--text-column", default="text", show_default=True)
@click.option("--labels-column", default="labels", show_default=True)
@click.option("--top", type=click.IntRange(1, 1_000_000), default=50, show_default=True,
              help="How many suspect rows to list.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the list to a file: .csv, .xlsx, .tsv or .jsonl "
                   "(default: a table on stdout).")
@_verbosity
@_friendly
def audit(data: Path, scheme: str | None, codebook_file: Path | None, text_column: str,
          labels_column: str, top: int, output: str | None) -> None:
    """List labelled rows in DATA most likely to be mislabelled, with a suggested fix.

    Out-of-fold predictions (each answer scored by a model that never saw it)
    are compared with the given labels; rows where the model confidently
    disagrees come first. Row numbers are those a spreadsheet shows for DATA
    (the header is row 1).
    """
    from ._data import read_labelled
    from .codebook import load_codebook
    from .io import write_rows
    from .retrain import audit as audit_rows
    from .training import _matching_builtin

    cb = load_codebook(codebook_file or scheme) if (codebook_file or scheme) else None
    labelled = read_labelled(data, codebook=cb, text_column=text_column,
                             labels_column=labels_column, drop_duplicates=False)
    cb = cb or _matching_builtin(labelled.codebook.ids) or labelled.codebook
    found = audit_rows(labelled.texts, list(labelled.labels), cb,
                       rows=labelled.rows or None)[:top]
    if output:
        write_rows(output, ["row", "score", "given", "suggested", "text"], [
            [r["row"], f"{r['score']:.3f}", ";".join(r["given"]), ";".join(r["suggested"]),
             r["text"]] for r in found], numeric=["score"])
        return
    if not found:
        click.echo("No row looks mislabelled.")
    for r in found:
        click.echo(f"row {r['row']:>5}  score {r['score']:.2f}  given: {';'.join(r['given']) or '(none)'}"
                   f"  suggested: {';'.join(r['suggested']) or '(none)'}")
        click.echo(f"           {r['text'][:110]!r}")


@cli.command()
@click.argument("scored", type=_InFile)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="HTML file to write (default: SCORED with .html; '-' for stdout).")
@click.option("--scheme", default=None,
              help="Scheme to report when SCORED has scores for several.")
@click.option("--codebook", "codebook_file", type=_InFile, default=None,
              help="Label names for a scheme you trained yourself (default: ids).")
@click.option("--text-column", default=None,
              help="Column of the answers (default: 'text', else guessed).")
@click.option("--examples", type=click.IntRange(0, 50), default=3, show_default=True,
              help="Example answers per label.")
@click.option("--title", default=None, help="Title of the report.")
@click.option("--encoding", default=None, help="Input encoding (default: detected).")
@click.option("--sheet", default=None, help="Worksheet of an XLSX input (default: the first).")
@_verbosity
@_friendly
def report(scored: Path, output: str | None, scheme: str | None, codebook_file: Path | None,
           text_column: str | None, examples: int, title: str | None, encoding: str | None,
           sheet: str | None) -> None:
    """Make a one-file HTML report of SCORED, a file written by 'purposeclf score'.

    Charts and tables of how often each label (and camp) applies, the share of
    answers with no label and needing review, and example answers per label
    with e-mail addresses, phone numbers and NHS numbers masked. The file has
    no scripts and loads nothing from the internet: e-mail it or print it.

    \b
    purposeclf score answers.csv -o coded.csv --review-below 0.6
    purposeclf report coded.csv -o report.html
    """
    from .html_report import write_report

    data = write_report(scored, output, scheme=scheme, codebook=codebook_file,
                        text_column=text_column, examples_per_label=examples, title=title,
                        encoding=encoding, sheet=sheet)
    if output != "-":
        where = output or Path(scored).with_suffix(".html")
        click.echo(f"wrote {where}: {data.n_rows:,} answers, {len(data.label_ids)} labels",
                   err=True)


@cli.group()
def codebook() -> None:
    """List, show and export codebooks (the label schemes)."""


@codebook.command("list")
@_friendly
def codebook_list() -> None:
    """The built-in schemes."""
    from .codebook import builtin_schemes, load_codebook

    for name in builtin_schemes():
        cb = load_codebook(name)
        click.echo(f"{name:<10} {len(cb):>2} labels  {cb.name}")


@codebook.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="The codebook file as JSON.")
@_friendly
def codebook_show(name: str, as_json: bool) -> None:
    """Labels of a scheme NAME (built-in name or codebook file)."""
    from .codebook import load_codebook
    from .report import codebook_text

    cb = load_codebook(name)
    click.echo(
        json.dumps(cb.to_dict(), indent=2, ensure_ascii=False)
        if as_json
        else codebook_text(cb)
    )


@codebook.command("export")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write: .qdc (REFI-QDA, for NVivo, ATLAS.ti, MAXQDA), .json or .csv.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@_verbosity
@_friendly
def codebook_export(name: str, output: Path, force: bool) -> None:
    """Write the codebook NAME (built-in name or codebook file) to another format.

    The format follows -o's extension. A .qdc file imports into NVivo,
    ATLAS.ti, MAXQDA and other QDA programs; a .qdc exported back from them
    works with --codebook (label ids are kept).

    \b
    purposeclf codebook export purpose -o purpose.qdc
    purposeclf train coded.csv --codebook purpose-from-nvivo.qdc -o mine.pclf
    """
    from .qda import export_codebook

    export_codebook(name, output, overwrite=force)
    click.echo(f"wrote {output}", err=True)


def _terminate(signum: int, frame: Any) -> None:
    # Unwind like Ctrl-C so that partial output files are removed on the way out.
    raise KeyboardInterrupt


def main() -> None:
    """Entry point of the ``purposeclf`` command."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="purposeclf")
