"""purposeclf compare, review and audit: the retraining loop."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..resources import builtin_scheme_names
from ._options import (
    InFile,
    friendly,
    model_options,
    model_spec,
    on_conflict_option,
    verbosity,
)


@click.command()
@click.argument("old")
@click.argument("new")
@click.argument("data", type=InFile)
@click.option("--text-column", default="text", show_default=True)
@click.option("--labels-column", default="labels", show_default=True)
@click.option(
    "--n-boot",
    type=click.IntRange(100, 100_000),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the confidence interval.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
@on_conflict_option
@verbosity
@friendly
def compare(
    old: str,
    new: str,
    data: Path,
    text_column: str,
    labels_column: str,
    n_boot: int,
    as_json: bool,
    on_conflict: str,
) -> None:
    """Is model NEW better than model OLD on the labelled answers in DATA?

    OLD and NEW are bundled names (keep, purpose) or model files. Reports both
    models' macro-F1, the difference with a paired bootstrap 95% confidence
    interval, per-label changes, and a verdict: better, no clear difference, or
    worse. Use answers neither model was trained on.
    """
    from ..retrain import compare_models, format_comparison

    result = compare_models(
        old,
        new,
        data,
        text_column=text_column,
        labels_column=labels_column,
        n_boot=n_boot,
        on_conflict=on_conflict,
    )
    click.echo(
        json.dumps(result, indent=2, default=float)
        if as_json
        else format_comparison(result)
    )


@click.command()
@click.argument("input", type=InFile)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The review file to write, .csv or .xlsx (open it in a spreadsheet, "
    "correct, train on it).",
)
@click.option(
    "--budget",
    type=click.IntRange(1, 100_000),
    default=200,
    show_default=True,
    help="How many answers to pick.",
)
@click.option(
    "--random",
    "random_n",
    type=click.IntRange(1, 100_000),
    default=None,
    metavar="N",
    help="Instead, N answers drawn at random (seeded): hand-code them and pass "
    "the file to score --calibration for shares with honest intervals.",
)
@model_options
@click.option("--text-column", default="text", show_default=True)
@click.option("--encoding", default=None)
@click.option("--force", is_flag=True, help="Overwrite an existing review file.")
@verbosity
@friendly
def review(
    input: Path,
    output: Path,
    budget: int,
    random_n: int | None,
    scheme: str | None,
    model: Path | None,
    text_column: str,
    encoding: str | None,
    force: bool,
) -> None:
    """Pick the answers in INPUT whose labels would teach the model most.

    The answers the model doubts most are picked: those whose probabilities
    sit nearest the labels' decision thresholds, added up over the labels (so
    an answer torn between several labels comes first); empty and repeated
    answers are skipped. The picks are written with the model's current
    guess, both as a 'labels' column and as one 0/1 column per label; correct
    either in a spreadsheet, then:

    \b
    purposeclf train to_label.csv --scheme keep --with-corpus -o keep-v2.pclf

    With --random N the answers are a uniform random sample instead: the
    calibration sample that measures the model's errors on this survey
    (purposeclf score INPUT --summary --calibration sample.csv). 200 answers
    give intervals of about +-5 points on a share near 15%; 400, about +-3.
    """
    from ..retrain import make_review_file

    if output.exists() and not force:
        raise click.ClickException(
            f"{output} already exists; pass --force to replace it."
        )
    result = make_review_file(
        input,
        output,
        model=model_spec(scheme, model),
        budget=random_n or budget,
        text_column=text_column,
        encoding=encoding,
        random=random_n is not None,
    )
    click.echo(
        f"wrote {result['n_selected']} of {result['n_rows']} answers to {output}",
        err=True,
    )


@click.command()
@click.argument("data", type=InFile)
@click.option(
    "--scheme",
    type=click.Choice(builtin_scheme_names()),
    default=None,
    help="Validate labels against a built-in codebook.",
)
@click.option(
    "--codebook", "codebook_file", type=InFile, default=None, help="Your codebook."
)
@click.option("--text-column", default="text", show_default=True)
@click.option("--labels-column", default="labels", show_default=True)
@click.option(
    "--top",
    type=click.IntRange(1, 1_000_000),
    default=50,
    show_default=True,
    help="How many suspect rows to list.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Write the list to a file: .csv, .xlsx, .tsv or .jsonl "
    "(default: a table on stdout).",
)
@on_conflict_option
@verbosity
@friendly
def audit(
    data: Path,
    scheme: str | None,
    codebook_file: Path | None,
    text_column: str,
    labels_column: str,
    top: int,
    output: str | None,
    on_conflict: str,
) -> None:
    """List labelled rows in DATA most likely to be mislabelled, with a suggested fix.

    Out-of-fold predictions (each answer scored by a model that never saw it)
    are compared with the given labels; rows where the model confidently
    disagrees come first. Row numbers are those a spreadsheet shows for DATA
    (the header is row 1).
    """
    from ..codebook import load_codebook
    from ..io import write_rows
    from ..labelled import read_labelled
    from ..retrain import audit as audit_rows

    given = codebook_file or scheme
    cb = load_codebook(given) if given is not None else None
    labelled = read_labelled(
        data,
        codebook=cb,
        text_column=text_column,
        labels_column=labels_column,
        drop_duplicates=False,
        on_conflict=on_conflict,
    )
    cb = cb or labelled.codebook
    found = audit_rows(
        labelled.texts, list(labelled.labels), cb, rows=labelled.rows or None
    )[:top]
    if output:
        write_rows(
            output,
            ["row", "score", "given", "suggested", "text"],
            [
                [
                    r["row"],
                    f"{r['score']:.3f}",
                    ";".join(r["given"]),
                    ";".join(r["suggested"]),
                    r["text"],
                ]
                for r in found
            ],
            numeric=["score"],
        )
        return
    if not found:
        click.echo("No row looks mislabelled.")
    for r in found:
        click.echo(
            f"row {r['row']:>5}  score {r['score']:.2f}  given: "
            f"{';'.join(r['given']) or '(none)'}"
            f"  suggested: {';'.join(r['suggested']) or '(none)'}"
        )
        click.echo(f"           {r['text'][:110]!r}")
