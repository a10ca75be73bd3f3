"""purposeclf agree: how well two or more coders (or a coder and the model) agree."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click

from ..resources import builtin_scheme_names
from ._options import InFile, friendly, verbosity


def _num(x: float, fmt: str = "{:.2f}") -> str:
    return "-" if math.isnan(x) else fmt.format(x)


def _ci(rec: dict[str, Any], stat: str) -> str:
    lo, hi = rec[f"{stat}_low"], rec[f"{stat}_high"]
    if math.isnan(lo):
        return ""
    return f"[{lo:.2f}, {hi:.2f}]"


def format_agreement(report: dict[str, Any]) -> str:
    """The agreement report as a plain-text table with a closing plain reading."""
    two = report["n_coders"] == 2
    lines = [
        f"{report['n_answers']} answers, {report['n_coders']} coders: "
        + ", ".join(
            f"{i + 1}={f}" + (f" ({n} coded)" if n != report["n_answers"] else "")
            for i, (f, n) in enumerate(
                zip(report["files"], report.get("n_coded", []), strict=False)
            )
        ),
        "",
    ]
    head = f"{'label':<26} {'agree':>6} "
    if two:
        head += f"{'kappa':>6} {'95% CI':<14} "
    head += f"{'alpha':>6} {'95% CI':<14} "
    head += " ".join(f"{'prev' + str(i + 1):>6}" for i in range(report["n_coders"]))
    if two:
        head += f" {'F1':>5}  reading"
    lines.append(head)
    for rec in report["labels"]:
        row = f"{rec['label']:<26} {_num(rec['agreement']):>6} "
        if two:
            row += f"{_num(rec['kappa']):>6} {_ci(rec, 'kappa'):<14} "
        row += f"{_num(rec['alpha']):>6} {_ci(rec, 'alpha'):<14} "
        row += " ".join(
            f"{_num(rec[f'prevalence_{i + 1}']):>6}" for i in range(report["n_coders"])
        )
        if two:
            row += f" {_num(rec['f1']):>5}  {rec['kappa_reading']}"
        lines.append(row)
    m = report["macro"]
    lines.append("")
    lines.append(
        f"macro (mean over labels): agreement {_num(m['agreement'])}"
        + (f", kappa {_num(m['kappa'])} {_ci(m, 'kappa')}" if two else "")
        + f", alpha {_num(m['alpha'])} {_ci(m, 'alpha')}"
        + (f", F1 {_num(m['f1'])}" if two else "")
    )
    lines.append(
        f"answers coded identically by every coder: {_num(report['exact'], '{:.1%}')}"
    )
    words = (
        f"kappa {_num(m['kappa'])} is '{m['kappa_reading']}' agreement "
        "(Landis and Koch: 0.41-0.60 moderate, 0.61-0.80 substantial, above 0.80 "
        "almost perfect); "
        if two
        else ""
    )
    lines.append(
        f"In plain words: {words}alpha {_num(m['alpha'])} is '{m['alpha_reading']}' "
        "(Krippendorff: 0.80 and above reliable, 0.667-0.80 for tentative conclusions "
        "only). Labels below those lines are the ones to discuss and re-code."
    )
    return "\n".join(lines)


@click.command()
@click.argument("files", nargs=-1, required=True, type=InFile)
@click.option(
    "--scheme",
    type=click.Choice(builtin_scheme_names()),
    default=None,
    help="The built-in codebook the files are coded with.",
)
@click.option(
    "--codebook", "codebook_file", type=InFile, default=None, help="Your codebook."
)
@click.option(
    "--id-column",
    default=None,
    metavar="COLUMN",
    help="Column of answer IDs that matches rows across the files "
    "(default: id, ResponseId or Respondent ID if present, else row order).",
)
@click.option(
    "--text-column", default=None, metavar="COLUMN", help="Column of the answers."
)
@click.option(
    "--labels-column",
    default=None,
    metavar="COLUMN",
    help="Column of label ids (default: labels, else <scheme>_labels of a scored "
    "file, else one 0/1 column per label).",
)
@click.option("--encoding", default=None, help="Input encoding (default: detected).")
@click.option(
    "--boot",
    type=click.IntRange(0, 100_000),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the 95% intervals (0: none).",
)
@click.option(
    "--partial",
    is_flag=True,
    help="Files matched by ID may code different answers (a second coder who "
    "double-coded a sample): kappa uses the answers both coded.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print per-label records as JSON."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the per-label table; the format follows the extension "
    "(.csv, .xlsx, .tsv, .jsonl).",
)
@verbosity
@friendly
def agree(
    files: tuple[Path, ...],
    scheme: str | None,
    codebook_file: Path | None,
    id_column: str | None,
    text_column: str | None,
    labels_column: str | None,
    encoding: str | None,
    boot: int,
    partial: bool,
    as_json: bool,
    output: str | None,
) -> None:
    """Agreement between coders who coded the same answers: one file per coder.

    Each FILE is a labelled file (a labels column, or one 0/1 column per
    label) or a file written by `purposeclf score` (its <scheme>_labels column
    is the model as a coder). Rows are matched by an ID column, else by row
    order. Per label: percent agreement, Cohen's kappa (two coders),
    Krippendorff's alpha (any number), each coder's prevalence and F1 of
    coder 2 against coder 1, with bootstrap 95% intervals; "(no label)" is
    scored as a category of its own.

    \b
    Example:
      purposeclf agree coder1.csv coder2.csv --scheme keep
      purposeclf agree coder1.csv coded.csv --scheme keep   # a coder and the model
    """
    from ..agreement import agree_files
    from ..codebook import load_codebook
    from ..exceptions import DataError

    if len(files) < 2:
        raise DataError("Give at least two files, one per coder.")
    given = codebook_file or scheme
    if given is None:
        raise click.UsageError(
            "Say which codebook the files use: --scheme or --codebook."
        )
    cb = load_codebook(given)
    report = agree_files(
        files,
        cb,
        id_column=id_column,
        text_column=text_column,
        labels_column=labels_column,
        encoding=encoding,
        n_boot=boot,
        partial=partial,
    )
    fields = [
        "label",
        "agreement",
        "kappa",
        "kappa_low",
        "kappa_high",
        "alpha",
        "alpha_low",
        "alpha_high",
        "f1",
        *[f"prevalence_{i + 1}" for i in range(report["n_coders"])],
        "kappa_reading",
        "alpha_reading",
    ]
    records = [{k: r[k] for k in fields} for r in report["labels"]]
    records.append(
        {
            "label": "(macro)",
            **{k: report["macro"].get(k, math.nan) for k in fields[1:]},
        }
    )

    def clean(v: Any) -> Any:
        return None if isinstance(v, float) and math.isnan(v) else v

    if output:
        from ..io import write_rows

        write_rows(
            output,
            fields,
            [
                [
                    clean(r.get(k))
                    if not isinstance(r.get(k), float)
                    else (None if math.isnan(r[k]) else round(r[k], 4))
                    for k in fields
                ]
                for r in records
            ],
            numeric=[f for f in fields if not f.endswith(("label", "reading"))],
        )
    if as_json:
        click.echo(
            json.dumps([{k: clean(v) for k, v in r.items()} for r in records], indent=1)
        )
    else:
        click.echo(format_agreement(report))
