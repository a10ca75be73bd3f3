"""Text normalisation and tokenisation for survey answers.

Answers are normalised (Unicode, quotes, case, NHS abbreviations and spelling
variants), split on whitespace, and each whitespace-delimited chunk is tokenised
with the rules of spaCy's blank English tokenizer (see :mod:`purposeclf._tokenizer`,
which gives exactly spaCy's tokens without importing spaCy) and lemmatised with
spaCy's English lookup table (``spacy-lookups-data``). Tokenisation works chunk
by chunk, so its output is memoised per chunk: on large files, where the same
words recur, most chunks cost one dictionary look-up.

Examples
--------
>>> from purposeclf.text import Tokenizer, normalise
>>> normalise("Kept the E-Consult & A and E triage; pts LOVED it")
'Kept the econsult & a&e triage; pts LOVED it'
>>> [s for s, lemma in Tokenizer().tokens(normalise("pts LOVED the LA's huddles"))]
['patients', 'loved', 'the', 'local', 'authority', 'huddles']
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

__all__ = ["normalise", "map_token", "Tokenizer", "as_text"]

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
        rx = re.compile("|".join(f"(?P<g{i}>{p})" for i, (p, _) in enumerate(rules)), re.I)
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


def normalise(text: str) -> str:
    """Text-level normalisation of one answer.

    NFKC, typographic quotes and dashes made plain, control characters removed,
    and multi-word spellings of NHS terms (e-consult, A and E, tele-triage,
    video consult, MS Teams, Covid 19) made one form. Case is kept: upper-case
    abbreviations (LA, DN) are expanded per token by :class:`Tokenizer`.
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
            text = rx.sub(lambda m, r=repls: r[int(m.lastgroup[1:])], text)  # type: ignore[index]
    return text


def map_token(token: str) -> list[str]:
    """Lower-case word(s) for one token: abbreviations expanded, variants unified."""
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


_PUNCT = re.compile(r"^[\W_]+$")


class Tokenizer:
    """spaCy blank-English tokenisation with lookup lemmas, memoised per chunk.

    Parameters
    ----------
    lemmas : dict or None
        Surface form to lemma. ``None`` loads spaCy's English lookup table
        (from ``spacy-lookups-data``) on first use.
    max_cache : int, default=500_000
        The chunk cache is cleared when it grows past this size, so memory stays
        bounded on very large files.
    """

    def __init__(
        self, lemmas: dict[str, str] | None = None, *, max_cache: int = 200_000
    ):
        self._lemmas = lemmas
        self._max_cache = max_cache
        self._cache: dict[str, tuple[tuple[str, str], ...]] = {}
        self._rule_tok: Callable[[str], list[str]] | None = None

    @property
    def lemmas(self) -> dict[str, str]:
        if self._lemmas is None:
            self._lemmas = english_lemma_table()
        return self._lemmas

    def _tokenize_chunk(self, chunk: str) -> tuple[tuple[str, str], ...]:
        if self._rule_tok is None:
            self._rule_tok = _rule_tokenizer()
        lemmas = self.lemmas
        out = []
        for tok in self._rule_tok(chunk):
            if _PUNCT.match(tok) and tok not in ("&", "+"):
                continue
            for t in map_token(tok):
                if t in ("'s", "'"):
                    continue
                out.append((t, lemmas.get(t, t)))
        return tuple(out)

    def tokens(self, normalised: str) -> list[tuple[str, str]]:
        """(surface, lemma) pairs of a text already passed through :func:`normalise`.

        Surfaces are lower-cased with abbreviations expanded; punctuation-only
        tokens and the possessive ``'s`` are dropped.
        """
        cache = self._cache
        out: list[tuple[str, str]] = []
        for chunk in normalised.split():
            hit = cache.get(chunk)
            if hit is None:
                if len(cache) >= self._max_cache:
                    cache.clear()
                hit = cache[chunk] = self._tokenize_chunk(chunk)
            out.extend(hit)
        return out

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_rule_tok"] = None
        state["_cache"] = {}
        return state


_RULE_TOK: Any = None
_LEMMA_TABLE: dict[str, str] | None = None


def _rule_tokenizer() -> Callable[[str], list[str]]:
    global _RULE_TOK
    if _RULE_TOK is None:
        from ._tokenizer import RuleTokenizer

        _RULE_TOK = RuleTokenizer()
    return _RULE_TOK  # type: ignore[no-any-return]


def english_lemma_table() -> dict[str, str]:
    """spaCy's English lookup lemmas (``spacy-lookups-data``), loaded once."""
    global _LEMMA_TABLE
    if _LEMMA_TABLE is None:
        import gzip
        import json
        from importlib import resources

        path = resources.files("spacy_lookups_data") / "data" / "en_lemma_lookup.json"
        if not path.is_file():
            path = path.with_name("en_lemma_lookup.json.gz")  # type: ignore[attr-defined]
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        table = json.loads(raw.decode("utf-8"))
        _LEMMA_TABLE = {
            k.lower(): v.lower()
            for k, v in table.items()
            if k.lower() == k or k.lower() not in table
        }
    return _LEMMA_TABLE
