"""Text-level normalisation of answers: Unicode, quotes, NHS abbreviations.

Also the two small rules every stage shares: what counts as an answer's text
(:func:`as_text`) and when two answers are the same one (:func:`text_key`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

__all__ = ["normalise", "map_token", "as_text", "text_key", "printable"]

# Multi-word spellings of one thing, made one token (case-insensitive). Each
# rule has a cheap trigger substring: most answers contain none, and then no
# regular expression runs at all.
_MULTI = [
    ("consult", r"\be[\s-]?consult(?:ation)?s?\b", "econsult"),
    ("consult", r"\btel(?:ephone)?\s?consult(?:ation)?s?\b", "telephone consultation"),
    ("consult", r"\bvideo[\s-]?consult(?:ation)?s?\b", "video consultation"),
    ("a", r"\ba\s?(?:&|and|\+|n)\s?e\b", "a&e"),
    ("triage", r"\btele[\s-]?triage\b", "telephone triage"),
    ("teams", r"\bms[\s-]?teams\b", "teams"),
    ("covid", r"\bcovid[\s-]?19\b", "covid"),
    ("w/e", r"\bw/e\b", "weekend"),
]
_A_AND_E = re.compile(r"\ba\s?(?:&|and|\+|n)\s?e\b", re.I)


def _compile_multi() -> list[tuple[str, re.Pattern[str], list[str]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for trigger, pattern, repl in _MULTI:
        groups.setdefault(trigger, []).append((pattern, repl))
    out = []
    for trigger, rules in groups.items():
        rx = re.compile(
            "|".join(f"(?P<g{i}>{p})" for i, (p, _) in enumerate(rules)), re.I
        )
        out.append((trigger, rx, [r for _, r in rules]))
    return out


_MULTI_RULES = _compile_multi()

# Upper-case abbreviations: only the upper-case token is the abbreviation
# ("LA" is a local authority, "la" is not).
_CASED_TOKENS = {
    "LA": "local authority",
    "LAs": "local authorities",
    "DN": "district nurse",
    "DNs": "district nurses",
    "IT": "it_systems",
    "EA": "extended access",
    "E.A.": "extended access",
    "IEA": "extended access",
    "EH": "extended hours",
    "SW": "social worker",
}

# Lower-case tokens written several ways, made one form.
_WORDS = {
    "pts": "patients",
    "pt": "patient",
    "drs": "doctors",
    "dr": "doctor",
    "mgmt": "management",
    "mgt": "management",
    "wfh": "work from home",
    "d2a": "discharge to assess",
    "splw": "social prescribing link worker",
    "splws": "social prescribing link workers",
    "slw": "social prescribing link worker",
    "slws": "social prescribing link workers",
    "fcp": "first contact physio",
    "fcps": "first contact physios",
    "qi": "quality improvement",
    "ooh": "out of hours",
    "icb": "ics",
    "thx": "thanks",
    "thanx": "thanks",
    "wkend": "weekend",
    "covid19": "covid",
    "covid-19": "covid",
    "gps": "gp",
    "pcns": "pcn",
    "ccgs": "ccg",
    "mdts": "mdt",
    "anps": "anp",
    "hcas": "hca",
    "econsults": "econsult",
}
_IZ = re.compile(r"(organi|prioriti|recogni|reali|speciali|utili|mobili)z")

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def as_text(value: Any) -> str:
    """The answer text of a cell: ``None``, NaN and non-strings handled.

    Missing values of pandas (``pd.NA``, ``pd.NaT``) and numpy NaNs of any
    float type are empty answers.

    Parameters
    ----------
    value : object
        A cell or DataFrame value.

    Returns
    -------
    str
    """
    if isinstance(value, str):
        return value
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    try:
        if value != value:  # NaN of numpy's float16/float32 and the like
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _replacer(repls: list[str]) -> Callable[[re.Match[str]], str]:
    """The replacement of the rule whose named group ``g<i>`` matched."""

    def repl(m: re.Match[str]) -> str:
        return repls[int((m.lastgroup or "g0")[1:])]

    return repl


def normalise(text: str) -> str:
    """Text-level normalisation of one answer.

    NFKC, typographic quotes and dashes made plain, control characters removed,
    and multi-word spellings of NHS terms (e-consult, A and E, tele-triage,
    video consult, MS Teams, Covid 19) made one form. Case is kept: upper-case
    abbreviations (LA, DN) are expanded per token by :class:`Tokenizer`.

    Parameters
    ----------
    text : str
        One answer.

    Returns
    -------
    str
    """
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    # isprintable() is a fast C check; every character _CONTROL matches
    # (controls, surrogates) is non-printable.
    if not text.isprintable() and _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    low = text.lower()
    for trigger, rx, repls in _MULTI_RULES:
        if trigger == "a":
            # "a&e", "a and e", "A + E": only when an "e" follows an "a" closely
            if ("&" in low or " e" in low or "+" in low) and _A_AND_E.search(text):
                text = _A_AND_E.sub("a&e", text)
        elif trigger in low:
            text = rx.sub(_replacer(repls), text)
    return text


def map_token(token: str) -> list[str]:
    """Lower-case word(s) for one token: abbreviations expanded, variants unified.

    Parameters
    ----------
    token : str
        One token as the tokenizer cut it.

    Returns
    -------
    list of str
    """
    cased = _CASED_TOKENS.get(token)
    if cased is not None:
        return cased.split()
    low = token.lower()
    word = _WORDS.get(low)
    if word is not None:
        return word.split()
    if "iz" in low:
        low = _IZ.sub(r"\1s", low)
    return [low]


def text_key(text: str) -> str:
    r"""The form under which two answers count as the same one.

    Case and runs of whitespace do not matter; everything else does.

    Parameters
    ----------
    text : str
        An answer.

    Returns
    -------
    str

    Examples
    --------
    >>> text_key("  Video   consults\n") == text_key("video consults")
    True
    """
    return " ".join(text.split()).lower()


_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""Text from a file made safe to print: control characters become ``?``.

    Every string read from a model file or an input that reaches a terminal
    goes through this, so no escape sequence can drive the terminal. Line
    feeds and tabs are kept.

    Parameters
    ----------
    text : str
        Text from a file.

    Returns
    -------
    str

    Examples
    --------
    >>> printable("keep\x1b[31m red")
    'keep?[31m red'
    """
    return _TERMINAL_CONTROL.sub("?", text)
