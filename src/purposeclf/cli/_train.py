"""purposeclf train and evaluate: make a model, measure a model."""

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
@click.argument("data", type=InFile)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Model file to write (default: DATA's name with .pclf).",
)
@click.option(
    "--scheme",
    type=click.Choice(builtin_scheme_names()),
    default=None,
    help="Validate labels against a built-in codebook.",
)
@click.option(
    "--codebook",
    "codebook_file",
    type=InFile,
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
@click.option(
    "--with-corpus",
    is_flag=True,
    help="Add your answers to the bundled corpus of the scheme and train on both.",
)
@click.option(
    "--compare-to",
    "compare_to",
    default=None,
    help="After training, compare the new model with this one (bundled name or "
    "file) on --compare-data, and print the verdict.",
)
@click.option(
    "--compare-data",
    type=InFile,
    default=None,
    help="Labelled answers for --compare-to (default: DATA itself, which favours "
    "the new model).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing model file.")
@on_conflict_option
@verbosity
@friendly
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
    on_conflict: str,
) -> None:
    """Train a model on labelled answers in DATA (CSV, TSV, XLSX or JSON Lines).

    DATA has a text column and a labels column (label ids or names joined by
    ';', empty for no label), or, with --scheme/--codebook, one 0/1 column per
    label. Without --scheme or --codebook the labels are taken from the data
    (and a built-in codebook is used when the labels are its ids).

    \b
    purposeclf train new_labels.csv --scheme keep --with-corpus -o keep-v2.pclf
    """
    from ..training import train_file

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
        on_conflict=on_conflict,
    )
    m = meta["metrics"].get("oof_threshold_tuning", {})
    n_labels = len(meta["codebook"]["labels"])
    click.echo(
        f"wrote {out}: {meta['training']['n_samples']} answers, {n_labels} labels"
        + (f", out-of-fold macro-F1 {m['macro_f1']:.3f}" if m else ""),
        err=True,
    )
    if compare_to:
        from ..retrain import compare_models, format_comparison

        result = compare_models(
            compare_to,
            out,
            compare_data or data,
            text_column=text_column,
            labels_column=labels_column,
            on_conflict=on_conflict,
        )
        click.echo(format_comparison(result))


@click.command()
@click.argument("data", type=InFile)
@model_options
@click.option("--text-column", default="text", show_default=True)
@click.option("--labels-column", default="labels", show_default=True)
@click.option("--encoding", default=None)
@click.option(
    "--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout."
)
@click.option(
    "--target-precision",
    type=click.FloatRange(0, 1, min_open=True),
    default=None,
    help="Report the coverage curve: the share of answers that can be coded "
    "automatically at this precision, and the --review-below value for it.",
)
@click.option(
    "--cv",
    type=click.IntRange(2, 50),
    default=None,
    help="Cross-validate the training recipe on DATA with this many folds, "
    "instead of evaluating a finished model.",
)
@click.option(
    "--codebook",
    "codebook_file",
    type=InFile,
    default=None,
    help="With --cv: your codebook (default: labels found in DATA).",
)
@on_conflict_option
@verbosity
@friendly
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
    on_conflict: str,
) -> None:
    """Measure a model (or, with --cv, a training recipe) against the labels in DATA.

    Per label: precision, recall, F1 and support; overall: macro, micro and
    samples F1, exact match, Hamming loss, calibration (Brier, ECE), and how well
    answers with no label are recognised.

    \b
    purposeclf evaluate labelled.csv --scheme keep --target-precision 0.9
    purposeclf evaluate my_labels.csv --cv 5 --codebook codes.csv
    """
    from ..evaluation import evaluate_file, format_report

    if cv is not None and model is not None:
        raise click.UsageError(
            "--cv trains its own models; give --scheme or --codebook, not --model."
        )
    report = evaluate_file(
        data,
        model=model_spec(scheme, model),
        text_column=text_column,
        labels_column=labels_column,
        encoding=encoding,
        target_precision=target_precision,
        cv=cv,
        codebook=codebook_file or (scheme if cv is not None else None),
        on_conflict=on_conflict,
    )
    click.echo(json.dumps(report, indent=2) if as_json else format_report(report))
