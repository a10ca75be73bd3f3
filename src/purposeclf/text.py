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
>>> from purposeclf.text import normalise
>>> normalise("Kept the E-Consult & A and E triage; pts LOVED it")
'kept the econsult & a&e triage; patients loved it'
>>> normalise("LA and DNs")
'local authority and district nurses'
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

__all__ = ["normalise", "Tokenizer", "as_text"]

# Case-sensitive abbreviations: only the upper-case form is the abbreviation
# ("LA" is a local authority, "la" is not).
_CASED = [
    (r"\bLAs\b", "local authorities"),
    (r"\bLA\b", "local authority"),
    (r"\bDNs\b", "district nurses"),
    (r"\bDN\b", "district nurse"),
    (r"\bIT\b", "it_systems"),
    (r"\bI\.?T\.? systems\b", "it_systems"),
    (r"\bE\.?A\.?\b", "extended access"),
    (r"\bIEA\b", "extended access"),
    (r"\bEH\b", "extended hours"),
    (r"\bSW\b", "social worker"),
]

# Case-insensitive variants, applied after lower-casing.
_VARIANTS = [
    (r"\be[\s-]?consult(?:ation)?s?\b", "econsult"),
    (r"\ba\s?(?:&|and|\+|n)\s?e\b", "a&e"),
    (r"\btele[\s-]?triage\b", "telephone triage"),
    (r"\btel(?:ephone)?\s?consult(?:ation)?s?\b", "telephone consultation"),
    (r"\bvideo[\s-]?consult(?:ation)?s?\b", "video consultation"),
    (r"\bms[\s-]?teams\b", "teams"),
    (
        r"\b(?:gp|pcn|ccg|ics|mdt|anp|hca|dn)'?s\b",
        lambda m: m.group(0).rstrip("s").rstrip("'"),
    ),
    (r"\bpts\b", "patients"),
    (r"\bpt\b", "patient"),
    (r"\bdrs\b", "doctors"),
    (r"\bdr\b", "doctor"),
    (r"\bmgmt\b|\bmgt\b", "management"),
    (r"\bwfh\b", "work from home"),
    (r"\bw/?c\b(?=\s+(?:home|from))", "work"),
    (r"\bcovid[\s-]?(?:19)?\b", "covid"),
    (r"\bd2a\b", "discharge to assess"),
    (r"\bsplws?\b|\bslws?\b", "social prescribing link worker"),
    (r"\bfcps?\b", "first contact physio"),
    (r"\bqi\b", "quality improvement"),
    (r"\booh\b", "out of hours"),
    (r"\bicb\b", "ics"),
    (r"\bthx\b|\bthanx\b", "thanks"),
    (r"\bw/e\b|\bwkend\b", "weekend"),
    (r"\borganization", "organisation"),
    (r"\bprioritiz", "prioritis"),
    (r"\bcolour", "color"),
    (r"&amp;", "&"),
]

_CASED_RE = [(re.compile(p), r) for p, r in _CASED]
_VARIANTS_RE = [(re.compile(p), r) for p, r in _VARIANTS]
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
    """The answer text of a cell: ``None``, NaN and non-strings handled."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def normalise(text: str) -> str:
    """Normalise one answer for feature extraction.

    NFKC, typographic quotes and dashes made plain, control characters removed,
    upper-case abbreviations expanded, lower-cased, and spelling variants of
    NHS terms (e-consult, A&E, tele-triage, SPLW, D2A, ...) made one form.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _CONTROL.sub(" ", text)
    for pattern, repl in _CASED_RE:
        text = pattern.sub(repl, text)
    text = text.lower()
    for pattern, repl in _VARIANTS_RE:
        text = pattern.sub(repl, text)  # type: ignore[arg-type]
    return text


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
        self, lemmas: dict[str, str] | None = None, *, max_cache: int = 500_000
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
        for t in self._rule_tok(chunk):
            if _PUNCT.match(t) and t not in ("&", "+"):
                continue
            if t in ("'s", "'"):
                continue
            out.append((t, lemmas.get(t, t)))
        return tuple(out)

    def tokens(self, normalised: str) -> list[tuple[str, str]]:
        """(surface, lemma) pairs of an already normalised text."""
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
