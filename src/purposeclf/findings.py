"""Findings: shares per group, with 95% intervals that include the model's errors.

``purposeclf score --by role --summary-out shares.csv`` and :func:`shares` give,
for every group (and the whole file), every label, camp and "no label": the
counted share, the share corrected for the model's own error rates, and a 95%
interval covering both the sampling of respondents and the uncertainty of those
error rates (:mod:`purposeclf.metrics` ``estimate_shares``).

The error rates come from a hand-coded random sample of the same survey
(``--calibration``; ``purposeclf review --random N`` draws one). Without one the
share is the counted share and its interval covers the sampling of respondents
only. Model cards carry the error counts measured when the model was trained
(:func:`model_confusion`), but on surveys written by other people those rates
do not hold: correcting with them made shares worse, not better, on the
independent held-out answers (``benchmarks/shares.py``), so they are not used
by default.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .codebook import Codebook
from .exceptions import DataError
from .metrics import confusion_counts, estimate_shares, share_columns

__all__ = [
    "model_confusion",
    "calibration_confusion",
    "shares_from_decisions",
    "shares",
    "shares_csv",
    "shares_markdown",
    "SHARE_COLUMNS",
    "SMALL_GROUP",
]

#: The columns of a shares table, in order.
SHARE_COLUMNS = ("group", "kind", "id", "answers", "share", "estimate", "low", "high")

#: Groups with fewer answers are flagged: their intervals are wide.
SMALL_GROUP = 30


def model_confusion(bundle: Any) -> tuple[dict[str, Any] | None, str]:
    """The error counts a model's card carries, and where they come from.

    Parameters
    ----------
    bundle : ModelBundle
        A loaded model.

    Returns
    -------
    (dict or None, str)
        The counts (``None`` for a model saved without them) and a phrase
        for the report ("5-fold cross-validation on 4,142 answers").
    """
    metrics = bundle.metadata.get("metrics") or {}
    n = (bundle.metadata.get("training") or {}).get("n_samples")
    size = f" on {n:,} answers" if isinstance(n, int) else ""
    if metrics.get("cv5_confusion"):
        return metrics["cv5_confusion"], f"the model's 5-fold cross-validation{size}"
    if metrics.get("oof_confusion"):
        return metrics["oof_confusion"], f"the model's out-of-fold predictions{size}"
    return None, ""


def calibration_confusion(
    path: str | os.PathLike[str],
    bundle: Any,
    *,
    text_column: str = "text",
    labels_column: str = "labels",
) -> tuple[dict[str, Any], str]:
    """Error counts of the model on a hand-coded sample of the survey itself.

    Parameters
    ----------
    path : str or Path
        Labelled answers (a random sample of the file being scored, coded by
        hand; ``purposeclf review --random N`` draws one).
    bundle : ModelBundle
        The model whose errors are measured.
    text_column, labels_column : str
        The sample's columns.

    Returns
    -------
    (dict, str)
        The counts and a phrase for the report.
    """
    from .labelled import read_labelled
    from .scoring import get_scorer

    cb = bundle.model.codebook
    data = read_labelled(
        path,
        codebook=cb,
        text_column=text_column,
        labels_column=labels_column,
        drop_duplicates=False,
    )
    if len(data) < 30:
        raise DataError(
            f"{path}: a calibration sample needs at least 30 coded answers; it has "
            f"{len(data)}. 200 or more give usefully narrow intervals."
        )
    _, decided = get_scorer(bundle).score_texts(data.texts)
    return (
        confusion_counts(data.indicator(cb.ids), decided, cb),
        f"a hand-coded calibration sample of {len(data):,} answers ({path})",
    )


def shares_from_decisions(
    decided: Any,
    codebook: Codebook,
    confusion: dict[str, Any] | None,
    *,
    groups: Mapping[str, Sequence[Any]] | None = None,
    n_boot: int = 2000,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Shares for the whole file and each group, from the model's decisions.

    Parameters
    ----------
    decided : array-like of shape (n, k)
        0/1 decisions per answer, codebook order.
    codebook : Codebook
        The labels and camps.
    confusion : dict or None
        Error counts (:func:`model_confusion`, :func:`calibration_confusion`).
    groups : dict of str to sequence, default=None
        Per grouping column, each answer's group (``{"role": [...]}``).
    n_boot, seed : int
        Bootstrap draws and seed.

    Returns
    -------
    list of dict
        Records with :data:`SHARE_COLUMNS` plus ``by`` (the grouping column,
        ``""`` for the whole file), ``corrected`` and ``small`` (a group under
        :data:`SMALL_GROUP` answers); each block ends with a ``total`` record.
    """
    names, M = share_columns(decided, codebook)
    out: list[dict[str, Any]] = []

    def block(by: str, group: str, rows: np.ndarray) -> None:
        sub = M[rows]
        for rec in estimate_shares(sub, names, confusion, n_boot=n_boot, seed=seed):
            out.append(
                {"by": by, "group": group, **rec, "small": len(sub) < SMALL_GROUP}
            )
        out.append(
            {
                "by": by,
                "group": group,
                "kind": "total",
                "id": "answers",
                "answers": len(sub),
                "share": 1.0,
                "estimate": 1.0,
                "low": 1.0,
                "high": 1.0,
                "corrected": False,
                "small": len(sub) < SMALL_GROUP,
            }
        )

    block("", "", np.arange(len(M)))
    for by, values in (groups or {}).items():
        vals = np.array(
            ["" if v is None else str(v).strip() for v in values], dtype=object
        )
        if len(vals) != len(M):
            raise DataError(f"--by {by}: {len(vals)} group values for {len(M)} answers")
        for g in sorted(set(vals), key=lambda x: (x == "", x.casefold())):
            block(by, g if g else "(blank)", np.flatnonzero(vals == g))
    return out


def shares(
    scored: Any,
    *,
    model: Any = "keep",
    by: str | Sequence[str] | None = None,
    calibration: str | os.PathLike[str] | None = None,
    n_boot: int = 2000,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Shares with 95% intervals from a scored table (a file or a DataFrame).

    Parameters
    ----------
    scored : str, Path or pandas.DataFrame
        Output of ``purposeclf score`` / :func:`purposeclf.score_frame`: its
        ``<scheme>_labels`` column is read, and the ``by`` columns.
    model : str, Path or model, default="keep"
        The model that scored it (for its codebook and error rates).
    by : str or sequence of str, default=None
        Grouping column(s).
    calibration : str or Path, default=None
        A hand-coded random sample of the same survey, whose error rates
        correct the shares (without one: counted shares, sampling intervals).
    n_boot, seed : int
        Bootstrap draws and seed.

    Returns
    -------
    list of dict
        As :func:`shares_from_decisions`.
    """
    from .io import detect_export, open_table, resolve_column
    from .labelled import parse_labels
    from .model import as_bundle

    bundle = as_bundle(model)
    cb = bundle.model.codebook
    col = f"{cb.scheme}_labels"
    by_cols = [by] if isinstance(by, str) else list(by or [])
    if hasattr(scored, "columns"):
        header = [str(c) for c in scored.columns]
        rows = scored.astype(object).where(scored.notna(), "").values.tolist()
    else:
        with open_table(scored) as table:
            header = table.header
            rows = list(table.rows)
        rows = rows[detect_export(header, rows[:2]).extra_header_rows :]
    if col not in header:
        raise DataError(
            f"No {col} column: score the file with the {cb.scheme!r} model first."
        )
    li = header.index(col)
    D = np.zeros((len(rows), len(cb.ids)), dtype=bool)
    pos = {lid: j for j, lid in enumerate(cb.ids)}
    for i, r in enumerate(rows):
        for lid in parse_labels(str(r[li] or ""), cb, row=i + 2, source=str(scored)):
            D[i, pos[lid]] = True
    groups = {}
    for b in by_cols:
        j = resolve_column(header, b, option="--by").index
        groups[header[j]] = [r[j] for r in rows]
    confusion: dict[str, Any] | None = None
    if calibration is not None:
        confusion, _ = calibration_confusion(calibration, bundle)
    return shares_from_decisions(
        D, cb, confusion, groups=groups, n_boot=n_boot, seed=seed
    )


def shares_csv(records: Sequence[dict[str, Any]]) -> str:
    """The shares as CSV with exactly the columns :data:`SHARE_COLUMNS`.

    ``group`` is empty for the whole file, else ``<column>=<value>``.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SHARE_COLUMNS)
    for r in records:
        group = f"{r['by']}={r['group']}" if r["by"] else ""
        w.writerow(
            [group, r["kind"], r["id"], r["answers"]]
            + [f"{r[k]:.4f}" for k in ("share", "estimate", "low", "high")]
        )
    return buf.getvalue().rstrip("\n")


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def shares_markdown(
    records: Sequence[dict[str, Any]], codebook: Codebook, source: str
) -> str:
    """The shares as Markdown tables, one per group, with what the interval means."""
    lines: list[str] = []
    name = {lid: codebook.label(lid).name for lid in codebook.ids}
    camps = {c.id: c.name for c in codebook.camps} if codebook.camps else {}
    blocks: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in records:
        blocks.setdefault((r["by"], r["group"]), []).append(r)
    for (by, group), recs in blocks.items():
        total = next(r for r in recs if r["kind"] == "total")["answers"]
        title = "All answers" if not by else f"{by} = {group}"
        flag = " (small group: read with care)" if recs[0]["small"] and by else ""
        lines += [
            f"### {title}: {total:,} answers{flag}",
            "",
            "| | answers | counted | estimated | 95% interval |",
            "|---|---:|---:|---:|---|",
        ]
        for r in recs:
            if r["kind"] == "total":
                continue
            label = (
                name.get(r["id"], r["id"])
                if r["kind"] == "label"
                else camps.get(r["id"], r["id"])
                if r["kind"] == "camp"
                else "No label"
            )
            if r["kind"] == "camp":
                label = f"*{label}* (camp)"
            lines.append(
                f"| {label} | {r['answers']:,} | {_pct(r['share'])} | "
                f"{_pct(r['estimate'])} | {_pct(r['low'])} to {_pct(r['high'])} |"
            )
        lines.append("")
    if source:
        lines.append(
            "Counted: the share of answers the model gave the label. Estimated: "
            f"that share corrected for the model's error rates measured on {source}. "
            "The 95% interval covers the sampling of respondents and the "
            "uncertainty of those error rates: the true share lies in it in about "
            "19 surveys out of 20."
        )
    else:
        lines.append(
            "Counted: the share of answers the model gave the label (not corrected). "
            "The 95% interval covers the sampling of respondents only, not the "
            "model's own errors, which on other people's answers move a share by "
            "about 1 to 2 points. For shares to quote, hand-code a random sample "
            "(`purposeclf review --random 200`) and pass it with --calibration."
        )
    return "\n".join(lines)
