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
  NHS numbers masked (:func:`purposeclf.text.mask_pii`) and all text escaped.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .._version import __version__
from ..codebook import Codebook
from ..exceptions import DataError
from ..io import AtomicWriter
from ._collect import ReportData, collect_report
from ._parts import (
    _BLUE,
    _CAMP_COLOURS,
    _GREY,
    _Bar,
    _bar_chart,
    _e,
    _order,
    _pct,
    _section,
    _table,
)
from ._style import _CSS

__all__ = ["render_html", "write_report"]


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
    out: str | os.PathLike[str] = src.with_suffix(".html") if output is None else output
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
