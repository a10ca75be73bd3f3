"""The report's style sheet: NHS colours, readable on screen and on paper."""

from __future__ import annotations

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
