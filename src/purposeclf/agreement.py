"""How well coders agree: several coders' files of the same answers, compared.

Each file is one coder's coding of the same answers: a labelled file
(a labels column, or one 0/1 column per label) or a file written by
``purposeclf score``, whose ``<scheme>_labels`` column is the model's coding.
Answers are matched by an ID column when the files have one, else by row
order, which needs the same answers in the same order in every file.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .codebook import Codebook
from .exceptions import ColumnNotFoundError, DataError
from .io import SAMPLE_ROWS, cell_str, open_table, resolve_column
from .labelled import parse_indicator, parse_labels
from .metrics import agreement_report
from .text import as_text, text_key

__all__ = ["CoderFile", "read_coder", "align_coders", "agree_files"]

_ID_NAMES = ("id", "respondent id", "respondentid", "responseid", "response id")


@dataclass
class CoderFile:
    """One coder's codings as read: IDs (or none), answers, labels, row numbers."""

    source: str
    texts: list[str]
    labels: list[tuple[str, ...]]
    rows: list[int]
    ids: list[str] | None = None
    labels_from: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _find_id(header: list[str], id_column: str | None, source: str) -> int | None:
    if id_column is not None:
        return resolve_column(
            header, id_column, source=source, option="--id-column"
        ).index
    for j, h in enumerate(header):
        if h.strip().casefold() in _ID_NAMES:
            return j
    return None


def read_coder(
    path: str | os.PathLike[str],
    codebook: Codebook,
    *,
    id_column: str | None = None,
    text_column: str | None = None,
    labels_column: str | None = None,
    encoding: str | None = None,
) -> CoderFile:
    """Read one coder's file: every row, in order, with its label ids.

    Parameters
    ----------
    path : str or Path
        A labelled file or a scored file (any format ``open_table`` reads).
    codebook : Codebook
        The labels' codebook (label ids or names are accepted).
    id_column : str, default=None
        The column of answer IDs; by default a column named ``id``,
        ``ResponseId`` or ``Respondent ID`` when there is one.
    text_column : str, default=None
        The answers' column, found as ``purposeclf score`` finds it.
    labels_column : str, default=None
        The labels column; by default ``labels``, else ``<scheme>_labels``
        (a scored file), else one 0/1 column per label.
    encoding : str, default=None
        Detected when not given.

    Returns
    -------
    CoderFile
    """
    src = str(path)
    with open_table(path, encoding=encoding) as table:
        header = table.header
        sample = list(itertools.islice(table.rows, SAMPLE_ROWS))
        rows_iter = itertools.chain(sample, table.rows)
        questions = [codebook.question] if codebook.question else []
        ti = resolve_column(
            header, text_column, sample=sample, questions=questions, source=src
        ).index
        idi = _find_id(header, id_column, src)
        scored = f"{codebook.scheme}_labels"
        wide: list[tuple[int, str]] = []
        if labels_column is not None:
            li = resolve_column(
                header, labels_column, source=src, option="--labels-column"
            ).index
        elif "labels" in header:
            li = header.index("labels")
        elif scored in header:
            li = header.index(scored)
        else:
            li = -1
            wide = [
                (j, lid)
                for j, h in enumerate(header)
                if (lid := codebook.resolve(h)) is not None
            ]
            if not wide:
                raise ColumnNotFoundError(labels_column or "labels", header, source=src)
        out = CoderFile(src, [], [], [], [] if idi is not None else None)
        out.labels_from = header[li] if li >= 0 else "0/1 columns"
        for i, row in enumerate(rows_iter):
            rownum = table.first_row + i
            if li >= 0:
                labs = parse_labels(
                    as_text(row[li]) if li < len(row) else "",
                    codebook,
                    row=rownum,
                    source=src,
                )
            else:
                labs = tuple(
                    lid
                    for j, lid in wide
                    if j < len(row)
                    and parse_indicator(row[j], column=lid, row=rownum, source=src)
                )
            out.texts.append(as_text(row[ti]) if ti < len(row) else "")
            out.labels.append(labs)
            out.rows.append(rownum)
            if out.ids is not None and idi is not None:
                out.ids.append(cell_str(row[idi]).strip() if idi < len(row) else "")
    if not out.texts:
        raise DataError(f"{src} has no rows to compare.")
    return out


def _first(items: list[str], n: int = 5) -> str:
    more = f" and {len(items) - n} more" if len(items) > n else ""
    return "; ".join(items[:n]) + more


def align_coders(
    coders: Sequence[CoderFile], *, partial: bool = False
) -> list[list[int | None]]:
    """For each answer, its row index in every file (``None``: not coded there).

    With ``partial``, files matched by ID may code different subsets of the
    answers (a second coder who double-coded a sample); otherwise every file
    must code the same answers.

    Raises
    ------
    DataError
        IDs repeated within a file, missing from a file, or one ID with
        different answers; or, without IDs, files of different lengths or
        answers that differ row by row. Messages name the rows.
    """
    first = coders[0]
    with_ids = all(c.ids is not None for c in coders)
    if not with_ids:
        for c in coders[1:]:
            if len(c.texts) != len(first.texts):
                raise DataError(
                    f"{c.source} has {len(c.texts)} rows and {first.source} "
                    f"{len(first.texts)}; without an ID column (--id-column) the "
                    "files must hold the same answers in the same order."
                )
            bad = [
                f"row {c.rows[i]}"
                for i in range(len(c.texts))
                if text_key(c.texts[i]) != text_key(first.texts[i])
            ]
            if bad:
                raise DataError(
                    f"{c.source} and {first.source} hold different answers at "
                    f"{_first(bad)}; match them by an ID column (--id-column)."
                )
        return [[i] * len(coders) for i in range(len(first.texts))]  # type: ignore[misc]
    index: list[dict[str, int]] = []
    for c in coders:
        assert c.ids is not None
        seen: dict[str, int] = {}
        dups = []
        for i, key in enumerate(c.ids):
            if key in seen:
                dups.append(f"{key!r} (rows {c.rows[seen[key]]} and {c.rows[i]})")
            seen[key] = i
        if dups:
            raise DataError(
                f"{c.source}: the same ID on more than one row: {_first(dups)}."
            )
        index.append(seen)
    ids = list(first.ids or [])
    if partial:
        known = set(ids)
        for idx in index[1:]:
            ids += [k for k in idx if k not in known]
            known.update(idx)
    for c, idx in zip(coders[1:], index[1:], strict=True):
        missing = [k for k in ids if k not in idx]
        extra = [k for k in idx if k not in index[0]]
        if (missing or extra) and not partial:
            parts = []
            if missing:
                parts.append(f"missing from {c.source}: {_first(missing)}")
            if extra:
                parts.append(f"only in {c.source}: {_first(extra)}")
            raise DataError(
                "The files code different answers; IDs "
                + "; ".join(parts)
                + ". If a coder coded only a sample, pass --partial."
            )
        texts = {k: (first.texts[i], first.rows[i]) for k, i in index[0].items()}
        for other, oidx in zip(coders[1:], index[1:], strict=True):
            for k, i in oidx.items():
                texts.setdefault(k, (other.texts[i], other.rows[i]))
        differ = [
            f"{k!r} (row {texts[k][1]} and row {c.rows[i]})"
            for k, i in idx.items()
            if text_key(c.texts[i]) != text_key(texts[k][0])
        ]
        if differ:
            raise DataError(
                f"{c.source} and {first.source} hold different answers for the same "
                f"ID: {_first(differ)}."
            )
    return [[idx.get(k) for idx in index] for k in ids]


def agree_files(
    paths: Sequence[str | os.PathLike[str]],
    codebook: Codebook,
    *,
    id_column: str | None = None,
    text_column: str | None = None,
    labels_column: str | None = None,
    encoding: str | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    partial: bool = False,
) -> dict[str, Any]:
    """Agreement between the coders of two or more files of the same answers.

    Parameters
    ----------
    paths : sequence of str or Path
        One file per coder (see :func:`read_coder`).
    codebook : Codebook
        The codebook of the labels.
    id_column, text_column, labels_column, encoding : str, default=None
        As :func:`read_coder` takes them.
    n_boot : int, default=1000
        Bootstrap resamples for the 95% intervals.
    seed : int, default=0
        Seed of the resampling.
    partial : bool, default=False
        Allow files (matched by ID) to code different subsets of the answers;
        kappa and F1 use the answers both coders coded, alpha every answer
        coded at least twice.

    Returns
    -------
    dict
        :func:`purposeclf.metrics.agreement_report`'s result, plus ``files``
        and ``labels_from`` (which column each coder's labels came from).
    """
    if len(paths) < 2:
        raise DataError("Agreement needs at least two files, one per coder.")
    coders = [
        read_coder(
            p,
            codebook,
            id_column=id_column,
            text_column=text_column,
            labels_column=labels_column,
            encoding=encoding,
        )
        for p in paths
    ]
    order = align_coders(coders, partial=partial)
    pos = {lid: j for j, lid in enumerate(codebook.ids)}
    mats = []
    for c_i, c in enumerate(coders):
        m = np.zeros((len(order), len(codebook.ids)), dtype=np.int8)
        for a, rows in enumerate(order):
            r = rows[c_i]
            if r is None:
                m[a] = -1
                continue
            for lid in c.labels[r]:
                m[a, pos[lid]] = 1
        mats.append(m)
    report = agreement_report(mats, codebook.ids, n_boot=n_boot, seed=seed)
    report["files"] = [c.source for c in coders]
    report["labels_from"] = [c.labels_from for c in coders]
    report["n_coded"] = [int((m >= 0).all(axis=1).sum()) for m in mats]
    return report
