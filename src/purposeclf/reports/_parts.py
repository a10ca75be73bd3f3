"""The building blocks of the HTML report: escaping, bar charts as SVG, tables."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_BLUE = "#005EB8"

_GREY = "#768692"

_CAMP_COLOURS = ("#005EB8", "#007F3B", "#330072", "#ED8B00", "#AE2573", "#00A499")


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
