"""Collecting what a report shows from a scored file, in one streaming pass."""

from __future__ import annotations

import itertools
import logging
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..codebook import Codebook, builtin_schemes, load_codebook
from ..exceptions import ColumnNotFoundError, DataError
from ..io import SAMPLE_ROWS, detect_export, open_table, resolve_column
from ..text import as_text, mask_pii, text_key

__all__ = ["Example", "ReportData", "collect_report"]

logger = logging.getLogger("purposeclf.reports")


@dataclass(frozen=True)
class Example:
    """An example answer for a label: its row (1 = first data row), p and text."""

    row: int
    probability: float
    text: str


@dataclass
class ReportData:
    """What a report shows, collected from a scored file by :func:`collect_report`.

    Attributes
    ----------
    source : str
        The scored file's name (without its folder).
    scheme : str
        The scheme whose columns were read.
    codebook : Codebook or None
        Names and descriptions of the labels; ``None`` for a scheme that is
        not built in when no codebook was given (ids are shown instead).
    label_ids, camp_ids : tuple of str
        Labels (score columns, then any other label found) and camps.
    n_rows, n_empty, n_no_label : int
        Rows, rows with an empty answer, rows with no label.
    n_review : int or None
        Rows marked ``needs_review`` = yes; ``None`` without that column.
    label_counts, camp_counts : Counter
        Rows per label and per camp.
    examples : dict of str to list of Example
        The most confident answers per label, most confident first.
    text_column : str or None
        The column the examples come from.
    """

    source: str
    scheme: str
    codebook: Codebook | None
    label_ids: tuple[str, ...]
    camp_ids: tuple[str, ...]
    n_rows: int = 0
    n_empty: int = 0
    n_no_label: int = 0
    n_review: int | None = None
    label_counts: Counter[str] = field(default_factory=Counter)
    camp_counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[Example]] = field(default_factory=dict)
    text_column: str | None = None

    def label_name(self, label_id: str) -> str:
        """The display name of a label (its id when the codebook does not know it)."""
        if self.codebook is not None and label_id in self.codebook:
            return self.codebook.label(label_id).name or label_id
        return label_id

    def label_description(self, label_id: str) -> str:
        """The description of a label ("" when unknown)."""
        if self.codebook is not None and label_id in self.codebook:
            return self.codebook.label(label_id).description
        return ""

    def label_camp(self, label_id: str) -> str | None:
        """The camp of a label (``None`` when it has none or is unknown)."""
        if self.codebook is not None and label_id in self.codebook:
            return self.codebook.label(label_id).camp
        return None

    def camp_name(self, camp_id: str) -> str:
        """The display name of a camp (its id when the codebook does not know it)."""
        for camp in self.codebook.camps if self.codebook is not None else ():
            if camp.id == camp_id:
                return camp.name or camp_id
        return camp_id


def _schemes_in(header: Sequence[str]) -> list[str]:
    return [
        c[: -len("_labels")]
        for c in header
        if c.endswith("_labels")
        and any(h.startswith(c[: -len("_labels")] + "_p_") for h in header)
    ]


def _pick_scheme(header: Sequence[str], scheme: str | None, source: str) -> str:
    found = _schemes_in(header)
    if scheme is not None:
        if f"{scheme}_labels" not in header:
            raise DataError(
                f"{source} has no column '{scheme}_labels'. "
                + (
                    f"It has scores for: {', '.join(found)}; pass one of them as "
                    "--scheme."
                    if found
                    else "Make it with: purposeclf score ANSWERS -o SCORED.csv"
                )
            )
        return scheme
    if not found:
        cols = ", ".join(repr(c) for c in header[:20]) + (
            " ..." if len(header) > 20 else ""
        )
        raise DataError(
            f"{source} does not look like a file written by 'purposeclf score': it has "
            "no '<scheme>_labels' column with '<scheme>_p_<label>' columns beside it. "
            f"Columns found: {cols}. Score the answers first: purposeclf score "
            f"{source} -o coded.csv, then make the report from coded.csv."
        )
    if len(found) > 1:
        raise DataError(
            f"{source} has scores for several schemes ({', '.join(found)}); pass the "
            "one to report with --scheme."
        )
    return found[0]


_YES = frozenset({"yes", "y", "true", "1"})


def _keep_example(
    kept: list[tuple[float, int, str]], k: int, p: float, row: int, text: str
) -> None:
    """Keep the k most confident distinct answers; earlier rows win ties.

    Rows arrive in file order. An answer already kept (compared without case
    and extra spaces) is replaced only by a more confident copy of itself.
    """
    if len(kept) >= k and (p, -row) <= (kept[-1][0], -kept[-1][1]):
        return
    norm = text_key(text)
    for i, (q, _, t) in enumerate(kept):
        if text_key(t) == norm:
            if p <= q:
                return
            del kept[i]
            break
    kept.append((p, row, text))
    kept.sort(key=lambda e: (-e[0], e[1]))
    del kept[k:]


def _prob(value: object) -> float:
    try:
        return float(as_text(value) or 0.0)
    except ValueError:
        return 0.0


def collect_report(
    scored: str | os.PathLike[str],
    *,
    scheme: str | None = None,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    text_column: str | None = None,
    examples_per_label: int = 3,
    max_example_chars: int = 600,
    encoding: str | None = None,
    sheet: str | None = None,
) -> ReportData:
    """Count labels and camps in a scored file and pick example answers.

    Parameters
    ----------
    scored : str or Path
        A file written by ``purposeclf score`` (CSV, TSV, XLSX or JSON Lines).
    scheme : str, default=None
        The scheme to report; found from the columns when the file has one.
    codebook : Codebook, str or Path, default=None
        Label names and descriptions; by default the built-in codebook of the
        scheme, or the label ids for other schemes.
    text_column : str, default=None
        Column of the answers, found as ``purposeclf score`` finds it (a
        column named ``text``, else the one headed with the scheme's question,
        else the one column of free text; never an ID-like column). Survey-tool
        header rows (SurveyMonkey, Qualtrics) are skipped.
    examples_per_label : int, default=3
        Answers shown per label: those the model is most sure of, each distinct
        answer once (0 for none).
    max_example_chars : int, default=600
        Longer answers are cut at a word boundary.
    encoding, sheet : str, default=None
        As for :func:`purposeclf.io.open_table`.

    Returns
    -------
    ReportData

    Raises
    ------
    DataError
        If the file has no score columns, or scores for several schemes and
        ``scheme`` is not given.
    ColumnNotFoundError
        If ``text_column`` is not in the file.
    """
    if not isinstance(examples_per_label, int) or examples_per_label < 0:
        raise ValueError(
            "The 'examples_per_label' parameter of collect_report must be an int >= 0. "
            f"Got {examples_per_label!r} instead."
        )
    path = Path(scored)
    source = path.name
    with open_table(path, encoding=encoding, sheet=sheet) as table:
        header = list(table.header)
        sch = _pick_scheme(header, scheme, source)
        li = header.index(f"{sch}_labels")
        ci = header.index(f"{sch}_camps") if f"{sch}_camps" in header else None
        prefix = f"{sch}_p_"
        p_cols = {
            h[len(prefix) :]: j for j, h in enumerate(header) if h.startswith(prefix)
        }
        ri = header.index("needs_review") if "needs_review" in header else None
        generated = {li, ci, ri, *p_cols.values()}
        inputs = [j for j in range(len(header)) if j not in generated]
        rows: Iterable[list[Any]] = table.rows
        cb: Codebook | None = None
        if codebook is not None:
            cb = load_codebook(codebook)
        elif sch in builtin_schemes():
            cb = load_codebook(sch)
        sample = list(itertools.islice(rows, SAMPLE_ROWS))
        # survey-tool header rows (SurveyMonkey, Qualtrics) are not answers
        n_extra = min(detect_export(header, sample[:2]).extra_header_rows, len(sample))
        extra, sample = sample[:n_extra], sample[n_extra:]
        rows = itertools.chain(sample, rows)
        sub = [header[j] for j in inputs]
        try:
            choice = resolve_column(
                sub,
                text_column,
                sample=[[r[j] for j in inputs] for r in sample],
                questions=[cb.question] if cb is not None and cb.question else [],
                header_rows=[[r[j] for j in inputs] for r in extra],
                source=source,
            )
            ti: int | None = inputs[choice.index]
        except ColumnNotFoundError:
            if text_column is not None:
                raise
            ti = None  # no column of answers: counts without examples
        has_camps = ci is not None or bool(cb and cb.camps)
        label_ids = list(p_cols)
        camp_ids = list(cb.camp_ids) if cb is not None else []
        data = ReportData(source, sch, cb, (), ())
        data.text_column = header[ti] if ti is not None else None
        counts: Counter[str] = Counter()
        camps: Counter[str] = Counter()
        kept: dict[str, list[tuple[float, int, str]]] = {}
        n = n_empty = n_none = n_review = 0
        k = examples_per_label
        for row_no, row in enumerate(rows, start=1 + n_extra):
            n += 1
            labels = [t.strip() for t in as_text(row[li]).split(";") if t.strip()]
            text = as_text(row[ti]) if ti is not None else ""
            if not text.strip():
                n_empty += 1
            if not labels:
                n_none += 1
            counts.update(labels)
            if ci is not None:
                camps.update(
                    c.strip() for c in as_text(row[ci]).split(";") if c.strip()
                )
            elif cb is not None and cb.camps:
                camps.update(cb.camps_of(labels))
            if ri is not None and as_text(row[ri]).strip().lower() in _YES:
                n_review += 1
            if k and text.strip():
                for lab in labels:
                    j = p_cols.get(lab)
                    p = _prob(row[j]) if j is not None else 0.0
                    lst = kept.setdefault(lab, [])
                    if len(lst) < k or (p, -row_no) > (lst[-1][0], -lst[-1][1]):
                        _keep_example(lst, k, p, row_no, text)
    label_ids += sorted(set(counts) - set(label_ids))
    camp_ids += sorted(set(camps) - set(camp_ids))
    data.label_ids = tuple(label_ids)
    data.camp_ids = tuple(camp_ids) if has_camps else ()
    data.n_rows, data.n_empty, data.n_no_label = n, n_empty, n_none
    data.n_review = n_review if ri is not None else None
    data.label_counts, data.camp_counts = counts, camps
    data.examples = {
        lab: [
            Example(
                row, p, _shorten(mask_pii(" ".join(text.split())), max_example_chars)
            )
            for p, row, text in kept.get(lab, [])
        ]
        for lab in (label_ids if k else ())
    }
    logger.info("read %d rows of %s for the report", n, source)
    return data


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"
