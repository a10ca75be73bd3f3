"""Text for people: score summaries, codebooks, model cards, versions."""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING, Any

from ..model import load_model
from ..resources import bundled_models, library_versions
from ..text import printable

if TYPE_CHECKING:
    from ..codebook import Codebook
    from ..scoring import ScoreSummary

__all__ = [
    "summary_markdown",
    "summary_csv",
    "info_text",
    "model_card",
    "codebook_text",
]


def summary_markdown(summary: ScoreSummary) -> str:
    """A Markdown table of label and camp counts, ready to paste into a report.

    Parameters
    ----------
    summary : ScoreSummary
        What :func:`purposeclf.score_file` returned.

    Returns
    -------
    str
    """
    lines = [
        f"{summary.n_rows:,} answers coded with scheme '{summary.scheme}'"
        + (f" ({summary.n_empty:,} empty)" if summary.n_empty else ""),
        "",
        "| | answers | share |",
        "|---|---:|---:|",
    ]
    for kind, ident, count, share in summary.table():
        name = f"camp: {ident}" if kind == "camp" else ident
        lines.append(f"| {name} | {count:,} | {share:.1%} |")
    if summary.n_review:
        lines.append(
            f"| needs review | {summary.n_review:,} | "
            f"{summary.n_review / max(summary.n_rows, 1):.1%} |"
        )
    return "\n".join(lines)


def summary_csv(summary: ScoreSummary) -> str:
    """The counts as CSV: kind,id,answers,share.

    Parameters
    ----------
    summary : ScoreSummary
        What :func:`purposeclf.score_file` returned.

    Returns
    -------
    str
    """
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["kind", "id", "answers", "share"])
    for kind, ident, count, share in summary.table():
        w.writerow([kind, ident, count, f"{share:.4f}"])
    w.writerow(["total", "answers", summary.n_rows, "1.0000"])
    return buf.getvalue().rstrip("\n")


def codebook_text(cb: Codebook) -> str:
    """A codebook as readable text: each label's id, name, camp and definition.

    Parameters
    ----------
    cb : Codebook
        The codebook.

    Returns
    -------
    str
    """
    out = [f"{cb.scheme}: {cb.name}", ""]
    for lab in cb.labels:
        camp = f"  [{lab.camp}]" if lab.camp else ""
        out.append(f"{lab.id}  ({lab.name}){camp}")
        out.extend(
            textwrap.wrap(
                lab.description, 88, initial_indent="    ", subsequent_indent="    "
            )
        )
        if lab.not_this:
            out.extend(
                textwrap.wrap(
                    "Not: " + lab.not_this,
                    88,
                    initial_indent="    ",
                    subsequent_indent="    ",
                )
            )
    return "\n".join(out)


def _card_dict(meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": meta.get("name"),
        "scheme": meta.get("scheme"),
        "created": meta.get("created"),
        "format_version": meta.get("format_version"),
        "versions": meta.get("versions"),
        "training": meta.get("training"),
        "metrics": meta.get("metrics"),
        "labels": [
            lab.get("id") if isinstance(lab, dict) else lab
            for lab in meta.get("codebook", {}).get("labels", [])
        ],
        "sha256": meta.get("sha256"),
    }


def model_card(spec: str, *, as_json: bool = False) -> str:
    """The model card of a model file or bundled model.

    The readable form shows control characters in the file's text (which
    could drive a terminal) as ``?``; JSON escapes them.

    Parameters
    ----------
    spec : str
        A bundled model name or a model file.
    as_json : bool, default=False
        JSON instead of text.

    Returns
    -------
    str
    """
    bundle = load_model(spec)
    card = _card_dict(bundle.metadata)
    card["path"] = bundle.path
    if as_json:
        return json.dumps(card, indent=2)
    tr = card["training"] or {}
    lines = [
        f"model      {card['name']}  ({bundle.path})",
        f"scheme     {card['scheme']}  ({len(card['labels'])} labels)",
        f"created    {card['created']}",
        f"trained on {tr.get('n_samples')} answers; data sha256 "
        f"{str(tr.get('data_sha256'))[:16]}...",
        f"parent     {tr.get('parent') or '-'}",
        "versions   "
        + ", ".join(f"{k} {v}" for k, v in (card["versions"] or {}).items()),
        "label counts:",
    ]
    for lab, c in (tr.get("label_counts") or {}).items():
        lines.append(f"  {lab:<28} {c}")
    for name, m in (card["metrics"] or {}).items():
        if isinstance(m, dict):
            figures = ", ".join(
                f"{k} {v:.3f}" for k, v in m.items() if isinstance(v, int | float)
            )
            lines.append(f"metrics    {name}: {figures}")
    return printable("\n".join(lines))


def info_text(*, as_json: bool = False) -> str:
    """Versions of purposeclf and its dependencies, and the bundled models.

    Parameters
    ----------
    as_json : bool, default=False
        JSON instead of text.

    Returns
    -------
    str
    """
    versions = library_versions(("numpy", "scipy", "scikit-learn", "spacy", "click"))
    models = {}
    for name, path in bundled_models().items():
        meta = load_model(path).metadata
        models[name] = {
            "path": str(path),
            "n_train": meta.get("training", {}).get("n_samples"),
            "metrics": meta.get("metrics", {}),
        }
    if as_json:
        return json.dumps({"versions": versions, "bundled_models": models}, indent=2)
    lines = ["versions:"] + [f"  {k:<14} {v}" for k, v in versions.items()]
    lines.append("bundled models:")
    for name, m in models.items():
        cv = m["metrics"].get("cv5") or m["metrics"].get("oof_threshold_tuning") or {}
        fig = f", macro-F1 {cv['macro_f1']:.3f}" if "macro_f1" in cv else ""
        lines.append(f"  {name:<14} {m['n_train']} training answers{fig}  {m['path']}")
    if not models:
        lines.append("  (none found)")
    return "\n".join(lines)
