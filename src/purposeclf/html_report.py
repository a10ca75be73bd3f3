"""A self-contained HTML report of a scored file, to share with colleagues.

:func:`write_report` reads a file written by ``purposeclf score`` (CSV, TSV,
XLSX or JSON Lines) in one streaming pass, so files of any size work in
constant memory: it keeps counts and, for each label, the few answers the model
is most sure of. It writes one HTML file with no scripts and nothing fetched
from the network (styles are inline and the charts are inline SVG), that reads
well on screen and on paper:

- how many answers there are, how many got no label and, when the file has a
  ``needs_review`` column, how many need a person to look;
- a bar chart and a table of how often each label applies, and of each camp
  for schemes with camps;
- a few example answers per label, with e-mail addresses, phone numbers and
  NHS numbers masked (:func:`mask_pii`) and all text escaped.

Examples
--------
>>> from purposeclf.html_report import mask_pii
>>> mask_pii("Ring me on 07700 900123 or write to j.bloggs@nhs.net")
'Ring me on [phone] or write to [email]'
"""

from __future__ import annotations

import html
import itertools
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._version import __version__
from .codebook import Codebook, builtin_schemes, load_codebook
from .exceptions import ColumnNotFoundError, DataError
from .io import AtomicWriter, open_table
from .text import as_text

__all__ = [
    "mask_pii",
    "Example",
    "ReportData",
    "collect_report",
    "render_html",
    "write_report",
]

logger = logging.getLogger(__name__)

# ------------------------------------------------------------------ masking

# Each pattern can only start where a token starts (the look-behinds), so masking
# takes time linear in the length of the text.
_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
# A run that may be a phone number: international (+44, 0044, any +country) or a
# UK national number starting with 0, with spaces, dashes and brackets between
# digit groups. :func:`_mask_phones` checks its digits and cuts it back group by
# group until it is a phone number (or nothing is left).
_SEP = r"[\d \u00a0()\-]{0,24}"
_PHONE = re.compile(rf"(?<![\w+])(?:(?:\+|00)[ \u00a0]?\d{_SEP}\d|\(?0\d{_SEP}\d)")
_LAST_GROUP = re.compile(r"[ \u00a0()\-]+\d+\)?$")
_NHS = re.compile(r"(?<![\w.,])(\d{3})([ \-]?)(\d{3})\2(\d{4})(?![\w]|[.,]\d)")


def _is_phone(run: str) -> bool:
    digits = re.sub(r"\D", "", run)
    if run.lstrip("(").startswith(("+", "00")):
        if digits.startswith("00"):
            digits = digits[2:]
        if digits.startswith("44"):  # UK: 44, an optional (0), then 9 or 10 digits
            rest = digits[2:]
            rest = rest[1:] if rest.startswith("0") else rest
            return len(rest) in (9, 10)
        return 8 <= len(digits) <= 15 and digits[0] != "0"  # E.164
    return (
        digits.startswith("0")
        and not digits.startswith("00")
        and len(digits) in (10, 11)
    )


def _mask_phones(text: str) -> str:
    out: list[str] = []
    pos = 0
    while (m := _PHONE.search(text, pos)) is not None:
        run = m.group(0)
        while run and not _is_phone(run):
            cut = _LAST_GROUP.search(run)
            run = run[: cut.start()] if cut else ""
        if run:  # what follows may start another number: "0161 ... 0161 ..."
            out.append(text[pos : m.start()] + "[phone]")
            pos = m.start() + len(run)
        else:
            out.append(text[pos : m.start() + 1])
            pos = m.start() + 1
    out.append(text[pos:])
    return "".join(out)


def _nhs_check_digit_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs(m: re.Match[str]) -> str:
    digits = m.group(1) + m.group(3) + m.group(4)
    if _nhs_check_digit_ok(digits):
        return "[NHS number]"
    # Ten digits in one run are some identifier; three groups that fail the
    # check are more likely separate numbers ("100 120 2020").
    return m.group(0) if m.group(2) else "[number]"


def mask_pii(text: str) -> str:
    """Mask e-mail addresses, phone numbers and NHS numbers in an answer.

    - E-mail addresses become ``[email]``.
    - Phone numbers become ``[phone]``: UK numbers written with a leading 0
      (10 or 11 digits: ``07700 900123``, ``020 7946 0000``, ``(0161) 496
      0000``, ``0800 123 4567``), ``+44``/``0044`` numbers with or without
      ``(0)``, and other international numbers written with ``+`` or ``00``
      (8 to 15 digits). Spaces, dashes and brackets between digit groups are
      allowed.
    - NHS numbers, ten digits written together or as 3-3-4 groups with
      spaces or dashes (``943 476 5919``), become ``[NHS number]`` when their
      mod-11 check digit is right. Any other run of ten digits written
      together becomes ``[number]``; 3-3-4 groups whose check digit is wrong
      are left alone (they are more likely three separate numbers).

    Shorter numbers, numbers without a leading 0 or +, percentages, dates and
    times are left alone. Names, addresses and postcodes are not detected.

    Parameters
    ----------
    text : str
        An answer.

    Returns
    -------
    str
        The answer with those details replaced.

    Examples
    --------
    >>> mask_pii("NHS no 943 476 5919, mob +44 (0)7700 900123")
    'NHS no [NHS number], mob [phone]'
    >>> mask_pii("2 years at 50% since 01/02/2020, 3 GPs and 12,000 patients")
    '2 years at 50% since 01/02/2020, 3 GPs and 12,000 patients'
    """
    if not text:
        return text
    text = _EMAIL.sub("[email]", text)
    text = _mask_phones(text)
    return _NHS.sub(_nhs, text)


# -------------------------------------------------------------- collecting


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


_TEXT_HINTS = ("text", "answer", "response", "comment", "feedback", "verbatim")
_YES = frozenset({"yes", "y", "true", "1"})


def _pick_text_column(
    header: Sequence[str], inputs: Sequence[int], sample: Sequence[Sequence[object]]
) -> int | None:
    names = {header[j].strip().lower(): j for j in inputs}
    if "text" in names:
        return names["text"]
    for j in inputs:
        if any(h in header[j].lower() for h in _TEXT_HINTS):
            return j
    if not inputs:
        return None
    # Otherwise the column with the longest answers in the first rows.
    return max(inputs, key=lambda j: sum(len(as_text(r[j])) for r in sample))


def _keep_example(
    kept: list[tuple[float, int, str]], k: int, p: float, row: int, text: str
) -> None:
    """Keep the k most confident distinct answers; earlier rows win ties.

    Rows arrive in file order. An answer already kept (compared without case
    and extra spaces) is replaced only by a more confident copy of itself.
    """
    if len(kept) >= k and (p, -row) <= (kept[-1][0], -kept[-1][1]):
        return
    norm = " ".join(text.split()).lower()
    for i, (q, _, t) in enumerate(kept):
        if " ".join(t.split()).lower() == norm:
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
        Column of the answers; by default ``text``, else a column whose name
        suggests answers (answer, response, comment ...), else the one with the
        longest cells in the first 200 rows.
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
        rows: Iterable[list[object]] = table.rows
        if text_column is not None:
            if text_column not in header:
                raise ColumnNotFoundError(
                    text_column, [header[j] for j in inputs], source=source
                )
            ti: int | None = header.index(text_column)
        else:
            sample = list(itertools.islice(rows, 200))
            ti = _pick_text_column(header, inputs, sample)
            rows = itertools.chain(sample, rows)

        cb: Codebook | None = None
        if codebook is not None:
            cb = load_codebook(codebook)
        elif sch in builtin_schemes():
            cb = load_codebook(sch)
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
        for row_no, row in enumerate(rows, start=1):
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


# --------------------------------------------------------------- rendering

_BLUE = "#005EB8"
_GREY = "#768692"
_CAMP_COLOURS = ("#005EB8", "#007F3B", "#330072", "#ED8B00", "#AE2573", "#00A499")

_CSS = """
:root { --text: #212b32; --muted: #4c6272; --line: #d8dde0; --bg: #f0f4f5;
  --blue: #005eb8; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--text); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
  sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
header.top { background: var(--blue); color: #fff; }
header.top div { max-width: 60rem; margin: 0 auto; padding: 1.25rem; }
header.top h1 { margin: 0 0 .25rem; font-size: 1.75rem; line-height: 1.2; }
header.top p { margin: 0; opacity: .95; }
h2 { font-size: 1.4rem; margin: 2.25rem 0 .75rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .25rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
  gap: .75rem; margin: 1rem 0 0; padding: 0; }
.card { background: var(--bg); border-left: 4px solid var(--blue); padding: .6rem .8rem;
  margin: 0; }
.card dt { font-size: .9rem; color: var(--muted); }
.card dd { margin: 0; font-size: 1.5rem; font-weight: 700; }
.card dd small { font-size: .95rem; font-weight: 400; color: var(--muted); }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { width: 100%; min-width: 34rem; height: auto; display: block; }
figcaption { font-size: .9rem; color: var(--muted); margin-top: .25rem; }
.legend { list-style: none; padding: 0; margin: .25rem 0 0; display: flex;
  flex-wrap: wrap;
  gap: .25rem 1rem; font-size: .9rem; }
.legend span { display: inline-block; width: .8rem; height: .8rem; margin-right: .35rem;
  vertical-align: -.05rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem;
  font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
thead th { border-bottom: 2px solid var(--text); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
tr.no-label td { color: var(--muted); font-style: italic; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: var(--bg); padding: .05rem .3rem; border-radius: 3px; }
.desc { color: var(--muted); margin: 0 0 .5rem; font-size: .95rem; }
ol.examples { margin: 0; padding-left: 1.5rem; }
ol.examples li { margin: 0 0 .6rem; }
ol.examples blockquote { margin: 0; padding: .4rem .75rem; background: var(--bg);
  border-left: 3px solid var(--line); }
.p { font-size: .85rem; color: var(--muted); }
.none { color: var(--muted); font-style: italic; }
footer { margin-top: 2.5rem; padding-top: .75rem; border-top: 1px solid var(--line);
  font-size: .85rem; color: var(--muted); }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  header.top { background: none; color: var(--text);
    border-bottom: 3px solid var(--blue); }
  header.top div { padding: 0 0 .5rem; }
  h2 { break-after: avoid; }
  figure, table, .card, ol.examples li, .label-examples { break-inside: avoid; }
  figure { overflow: visible; }
  figure svg { min-width: 0; }
}
""".strip()


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _pct(count: int, total: int) -> str:
    return f"{count / total:.1%}" if total else "0.0%"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Bar:
    name: str
    ident: str
    count: int
    colour: str
    css: str = ""
    group: str | None = None  # the camp of a label


def _bar_chart(bars: Sequence[_Bar], total: int, *, chart_id: str, title: str) -> str:
    """A horizontal bar chart as inline SVG: name, bar, count and share per row."""
    width, left, right, row_h, top, gap = 760, 250, 130, 30, 8, 10
    area = width - left - right
    biggest = max((b.count for b in bars), default=0) or 1
    # "No label" is set a little apart from the labels.
    ys, y = [], top
    for i, b in enumerate(bars):
        y += gap if (b.css == "no-label" and i) else 0
        ys.append(y)
        y += row_h
    height = y + top
    desc = "; ".join(f"{b.name}: {b.count:,} ({_pct(b.count, total)})" for b in bars)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, '
        'sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{_e(title)}</title>',
        f'<desc id="{chart_id}-desc">{_e(desc)}</desc>',
        f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{height - top + 4}" '
        'stroke="#aeb7bd" stroke-width="1"/>',
    ]
    for y, b in zip(ys, bars, strict=True):
        w = round(area * b.count / biggest, 1)
        if b.count and w < 1.5:
            w = 1.5
        mid = y + row_h / 2
        out.append(
            f'<g class="bar {b.css}"><title>{_e(b.name)}: {b.count:,} '
            f"({_pct(b.count, total)})</title>"
            f'<text x="{left - 8}" y="{mid}" text-anchor="end" '
            'dominant-baseline="middle" '
            f'fill="#212b32">{_e(_clip(b.name, 34))}</text>'
            f'<rect x="{left}" y="{y + 5}" width="{w}" height="{row_h - 10}" '
            f'fill="{b.colour}" rx="2"/>'
            f'<text x="{left + w + 6}" y="{mid}" dominant-baseline="middle" '
            f'fill="#212b32">{b.count:,} ({_pct(b.count, total)})</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def _table(bars: Sequence[_Bar], total: int, *, caption: str, what: str) -> str:
    """The numbers behind a chart; labels of schemes with camps show their camp."""
    groups = any(b.group for b in bars)
    head = (
        f'<tr><th scope="col">{_e(what)}</th><th scope="col">Id</th>'
        + ('<th scope="col">Camp</th>' if groups else "")
        + '<th scope="col" class="num">Answers</th>'
        '<th scope="col" class="num">Share of answers</th></tr>'
    )
    body = []
    for b in bars:
        cls = f' class="{b.css}"' if b.css else ""
        ident = f"<td><code>{_e(b.ident)}</code></td>" if b.ident else "<td></td>"
        group = f"<td>{_e(b.group or '')}</td>" if groups else ""
        body.append(
            f'<tr{cls} data-id="{_e(b.ident)}"><th scope="row">{_e(b.name)}</th>'
            + ident
            + group
            + f'<td class="num">{b.count:,}</td>'
            f'<td class="num">{_pct(b.count, total)}</td></tr>'
        )
    return (
        f"<table><caption>{_e(caption)}</caption><thead>{head}</thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _order(ids: Sequence[str], counts: Counter[str]) -> list[str]:
    """Most frequent first; ties keep the codebook's order."""
    pos = {x: i for i, x in enumerate(ids)}
    return sorted(ids, key=lambda x: (-counts[x], pos[x]))


def _section(ident: str, heading: str, body: Iterable[str], css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return (
        f'<section id="{ident}"{cls} aria-labelledby="{ident}-h">'
        f'<h2 id="{ident}-h">{_e(heading)}</h2>' + "".join(body) + "</section>"
    )


def _overview(data: ReportData) -> str:
    total = data.n_rows
    n_coded = total - data.n_no_label
    cards = [
        ("Answers", f"{total:,}", ""),
        ("With at least one label", f"{n_coded:,}", _pct(n_coded, total)),
        ("No label", f"{data.n_no_label:,}", _pct(data.n_no_label, total)),
    ]
    if data.n_review is not None:
        cards.append(("Need review", f"{data.n_review:,}", _pct(data.n_review, total)))
    if data.n_empty:
        cards.append(("Empty answers", f"{data.n_empty:,}", _pct(data.n_empty, total)))
    items = "".join(
        f'<div class="card"><dt>{_e(name)}</dt><dd>{_e(value)}'
        + (f" <small>{_e(share)}</small>" if share else "")
        + "</dd></div>"
        for name, value, share in cards
    )
    note = (
        "An answer can have several labels, so the label shares can add up to more "
        "than 100%. Shares are of all answers."
    )
    if data.n_review is not None:
        note += " Answers that need review are those the model was unsure of."
    return _section("overview", "Overview", [f'<dl class="cards">{items}</dl>',
                                             f"<p>{_e(note)}</p>"])  # fmt: skip


def _chart_section(
    ident: str, heading: str, what: str, bars: Sequence[_Bar], total: int, caption: str,
    legend: Sequence[tuple[str, str]] = (),
) -> str:  # fmt: skip
    title = f"Answers per {what.lower()}"
    legend_html = ""
    if legend:
        legend_html = '<ul class="legend">' + "".join(
            f'<li><span style="background:{colour}"></span>{_e(name)}</li>'
            for name, colour in legend
        ) + "</ul>"  # fmt: skip
    figure = (
        "<figure>"
        + _bar_chart(bars, total, chart_id=f"{ident}-chart", title=title)
        + f"<figcaption>{_e(caption)}{legend_html}</figcaption></figure>"
    )
    table = _table(bars, total, caption=title, what=what)
    return _section(ident, heading, [figure, table], "chart-section")


def _examples_section(data: ReportData, labels: Sequence[str]) -> str:
    intro = "For each label, the answers the model was most sure of"
    if data.text_column:
        intro += f" (column {data.text_column!r})"
    intro += ". E-mail addresses, phone numbers and NHS numbers are masked."
    body = [f"<p>{_e(intro)}</p>"]
    for lab in labels:
        body.append(f'<div class="label-examples" data-id="{_e(lab)}">')
        body.append(f"<h3>{_e(data.label_name(lab))} <code>{_e(lab)}</code></h3>")
        if data.label_description(lab):
            body.append(f'<p class="desc">{_e(data.label_description(lab))}</p>')
        examples = data.examples.get(lab, [])
        if not examples:
            body.append('<p class="none">No answer has this label.</p></div>')
            continue
        body.append('<ol class="examples">')
        for ex in examples:
            body.append(
                f"<li><blockquote>{_e(ex.text)}</blockquote>"
                f'<span class="p">row {ex.row:,}, probability {ex.probability:.2f}'
                "</span></li>"
            )
        body.append("</ol></div>")
    return _section("examples", "Example answers", body)


def render_html(data: ReportData, *, title: str | None = None) -> str:
    """The report for collected data as one HTML document (no scripts, no links).

    Parameters
    ----------
    data : ReportData
        From :func:`collect_report`.
    title : str, default=None
        Page title; by default "Coded answers: " and the codebook's name.

    Returns
    -------
    str
        The HTML document.
    """
    cb = data.codebook
    total = data.n_rows
    heading = title or f"Coded answers: {cb.name if cb else data.scheme}"
    camp_colour = {
        c: _CAMP_COLOURS[i % len(_CAMP_COLOURS)] for i, c in enumerate(data.camp_ids)
    }

    def label_colour(lab: str) -> str:
        return camp_colour.get(data.label_camp(lab) or "", _BLUE)

    labels = _order(data.label_ids, data.label_counts)
    label_bars = [
        _Bar(
            data.label_name(lab),
            lab,
            data.label_counts[lab],
            label_colour(lab),
            group=data.camp_name(camp) if (camp := data.label_camp(lab)) else None,
        )
        for lab in labels
    ]
    label_bars.append(_Bar("No label", "", data.n_no_label, _GREY, "no-label"))
    caption = "Answers per label, most frequent first, and answers with no label."
    if data.camp_ids:
        caption += " Bars are coloured by camp."
    sub = f"{total:,} answers in {data.source}, coded with the scheme {data.scheme!r}."
    if cb is not None and cb.question and cb.question != cb.name:
        sub += f" Question: {cb.question}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="purposeclf {_e(__version__)}">',
        f"<title>{_e(heading)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        f'<header class="top"><div><h1>{_e(heading)}</h1><p>{_e(sub)}</p></div>'
        "</header>",
        "<main>",
        _overview(data),
        _chart_section(
            "labels", "How often each label applies", "Label", label_bars, total,
            caption, [(data.camp_name(c), camp_colour[c]) for c in data.camp_ids],
        ),
    ]  # fmt: skip
    if data.camp_ids:
        camp_bars = [
            _Bar(data.camp_name(c), c, data.camp_counts[c], camp_colour[c])
            for c in _order(data.camp_ids, data.camp_counts)
        ]
        parts.append(
            _chart_section(
                "camps", "How often each camp applies", "Camp", camp_bars, total,
                "Answers with at least one label in the camp, most frequent first.",
            )
        )  # fmt: skip
    if data.examples:
        parts.append(_examples_section(data, labels))
    parts += [
        f"<footer><p>Made with purposeclf {_e(__version__)} from {_e(data.source)}. "
        "Labels are a model’s predictions, not a person’s coding. E-mail addresses, "
        "phone numbers and NHS numbers in the examples are masked; names, addresses "
        "and other personal details are not, so read the examples before sharing "
        "this report.</p></footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def write_report(
    scored: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    scheme: str | None = None,
    codebook: Codebook | str | os.PathLike[str] | None = None,
    text_column: str | None = None,
    examples_per_label: int = 3,
    title: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> ReportData:
    """Write a self-contained HTML report of a file scored by ``purposeclf score``.

    Parameters
    ----------
    scored : str or Path
        The scored file (CSV, TSV, XLSX or JSON Lines).
    output : str or Path, default=None
        The HTML file to write (replaced if it exists); by default ``scored``
        with the extension ``.html``; ``"-"`` writes to standard output.
    scheme, codebook, text_column, examples_per_label, encoding, sheet
        As for :func:`collect_report`.
    title : str, default=None
        The report's title.

    Returns
    -------
    ReportData
        What the report shows.

    Raises
    ------
    DataError
        If the file was not written by ``purposeclf score``, or ``output`` is
        the scored file itself.

    Examples
    --------
    >>> import tempfile, pathlib, purposeclf
    >>> with tempfile.TemporaryDirectory() as d:
    ...     src = pathlib.Path(d) / "answers.csv"
    ...     _ = src.write_text("text\\nvideo consults\\nthe daily huddle\\n")
    ...     _ = purposeclf.score_file(src, pathlib.Path(d) / "coded.csv", model="keep")
    ...     data = write_report(pathlib.Path(d) / "coded.csv")
    ...     page = (pathlib.Path(d) / "coded.html").read_text(encoding="utf-8")
    >>> data.n_rows, data.label_counts["great_teams"], "<script" in page
    (2, 1, False)
    """
    src = Path(scored)
    out: str | Path = src.with_suffix(".html") if output is None else output
    if out != "-" and Path(out).resolve() == src.resolve():
        raise DataError(f"The report would overwrite {src.name}; give another -o file.")
    data = collect_report(
        src,
        scheme=scheme,
        codebook=codebook,
        text_column=text_column,
        examples_per_label=examples_per_label,
        encoding=encoding,
        sheet=sheet,
    )
    page = render_html(data, title=title)
    with AtomicWriter(out, encoding="utf-8") as fh:
        fh.write(page)
    return data
