"""Tokens and lemmas of normalised answers: spaCy's rules, memoised per chunk.

Each whitespace-delimited chunk of a normalised answer is tokenised with the
rules of spaCy's blank English tokenizer (see :mod:`purposeclf.text._spacy_rules`,
which gives exactly spaCy's tokens without importing spaCy) and lemmatised with
spaCy's English lookup table (``spacy-lookups-data``). Tokenisation works chunk
by chunk, so its output is memoised per chunk: on large files, where the same
words recur, most chunks cost one dictionary look-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ._normalise import map_token

__all__ = ["Tokenizer", "english_lemma_table"]


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
        from ._spacy_rules import RuleTokenizer

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
