"""spaCy's English tokenizer rules, executed without importing spaCy.

Importing spaCy costs well over a second, which would dominate scoring a small
file. The tokenizer's behaviour is data: prefix, suffix and infix regular
expressions, a URL pattern and a table of special cases.
``purposeclf/data/spacy_en_tokenizer.json`` holds that data, exported from
``spacy.blank("en")`` by :func:`export_rules`, and :class:`RuleTokenizer`
applies it with the algorithm spaCy documents (and implements in
``Tokenizer.explain``), including the second pass that re-joins
special cases split by affix rules. The test suite checks that it produces
exactly spaCy's tokens, and that the shipped rules equal the installed spaCy's.

Regenerate the rules after a spaCy upgrade with
``python -m purposeclf.text._spacy_rules``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..resources import package_file

__all__ = ["RuleTokenizer", "export_rules", "load_rules"]

_RULES_FILE = "spacy_en_tokenizer.json"


def export_rules(nlp: Any | None = None) -> dict[str, Any]:
    """The tokenizer rules of a pipeline (default ``spacy.blank("en")``) as data."""
    import spacy
    from spacy.attrs import ORTH

    if nlp is None:
        nlp = spacy.blank("en")
    tok: Any = nlp.tokenizer

    def pattern(fn: Any) -> str | None:
        return None if fn is None else fn.__self__.pattern

    return {
        "spacy_version": spacy.__version__,
        "prefix": pattern(tok.prefix_search),
        "suffix": pattern(tok.suffix_search),
        "infix": pattern(tok.infix_finditer),
        "token_match": pattern(tok.token_match),
        "url_match": pattern(tok.url_match),
        "faster_heuristics": bool(tok.faster_heuristics),
        "rules": {
            key: [sub.get(ORTH, sub.get("ORTH")) for sub in subs]
            for key, subs in sorted(tok.rules.items())
        },
    }


_LOADED: dict[str, Any] | None = None


def load_rules() -> dict[str, Any]:
    """The shipped rules (loaded once)."""
    global _LOADED
    if _LOADED is None:
        text = package_file("data", _RULES_FILE).read_text(encoding="utf-8")
        _LOADED = json.loads(text)
    return _LOADED


def _never(_: str) -> None:
    return None


def _no_matches(_: str) -> Iterator[Any]:
    return iter(())


class RuleTokenizer:
    """Tokenise one whitespace-free chunk the way spaCy's tokenizer does.

    Parameters
    ----------
    rules : dict, default=None
        Rules as produced by :func:`export_rules`; default: the shipped ones.
    """

    def __init__(self, rules: dict[str, Any] | None = None) -> None:
        r = rules or load_rules()

        def compile_(key: str, attr: str) -> Callable[[str], Any]:
            pat = r.get(key)
            return getattr(re.compile(pat), attr) if pat else _never

        self.prefix_search = compile_("prefix", "search")
        self.suffix_search = compile_("suffix", "search")
        infix = r.get("infix")
        self.infix_finditer: Callable[[str], Any] = (
            re.compile(infix).finditer if infix else _no_matches
        )
        self.token_match = compile_("token_match", "match")
        self.url_match = compile_("url_match", "match")
        self.special: dict[str, list[str]] = {k: list(v) for k, v in r["rules"].items()}
        # Special cases that affix rules would split are re-joined in a second
        # pass (spaCy's special-case matcher): key -> its affix-split tokens.
        faster = r.get("faster_heuristics", True)
        self._rejoin: dict[tuple[str, ...], list[str]] = {}
        for key, orths in self.special.items():
            if " " in key or not key:
                continue
            if (
                not faster
                or self.prefix_search(key)
                or self.suffix_search(key)
                or any(True for _ in self.infix_finditer(key))
            ):
                pattern = tuple(self._split(key, with_special=False))
                self._rejoin.setdefault(pattern, orths)
        self._max_pattern = max((len(p) for p in self._rejoin), default=0)

    def __call__(self, chunk: str) -> list[str]:
        tokens = self._split(chunk, with_special=True)
        if self._rejoin and len(tokens) > 1:
            tokens = self._apply_rejoin(tokens)
        return tokens

    def _split(self, substring: str, *, with_special: bool) -> list[str]:
        special = self.special if with_special else {}
        prefix_search, suffix_search = self.prefix_search, self.suffix_search
        token_match = self.token_match
        tokens: list[str] = []
        suffixes: list[str] = []
        while substring:
            if substring in special:
                tokens.extend(special[substring])
                substring = ""
                continue
            while prefix_search(substring) or suffix_search(substring):
                if token_match(substring):
                    tokens.append(substring)
                    substring = ""
                    break
                if substring in special:
                    tokens.extend(special[substring])
                    substring = ""
                    break
                m = prefix_search(substring)
                if m:
                    split = m.end()
                    if split == 0:
                        break
                    tokens.append(substring[:split])
                    substring = substring[split:]
                    if substring in special:
                        continue
                m = suffix_search(substring)
                if m:
                    split = m.start()
                    if split == len(substring):
                        break
                    suffixes.append(substring[split:])
                    substring = substring[:split]
            if not substring:
                continue
            if token_match(substring) or self.url_match(substring):
                tokens.append(substring)
            elif substring in special:
                tokens.extend(special[substring])
            else:
                matches = list(self.infix_finditer(substring))
                if matches:
                    offset = 0
                    for m in matches:
                        if offset == 0 and m.start() == 0:
                            continue
                        if substring[offset : m.start()]:
                            tokens.append(substring[offset : m.start()])
                        if substring[m.start() : m.end()]:
                            tokens.append(substring[m.start() : m.end()])
                        offset = m.end()
                    if substring[offset:]:
                        tokens.append(substring[offset:])
                else:
                    tokens.append(substring)
            substring = ""
        tokens.extend(reversed(suffixes))
        return tokens

    def _apply_rejoin(self, tokens: list[str]) -> list[str]:
        # Longest matches first, then leftmost; non-overlapping (spaCy's filter_spans).
        n = len(tokens)
        spans = []
        for size in range(min(self._max_pattern, n), 0, -1):
            for start in range(n - size + 1):
                pat = tuple(tokens[start : start + size])
                if pat in self._rejoin:
                    spans.append((start, start + size, pat))
        if not spans:
            return tokens
        taken: set[int] = set()
        chosen = {}
        for start, end, pat in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
            if any(i in taken for i in range(start, end)):
                continue
            taken.update(range(start, end))
            chosen[start] = (end, pat)
        out: list[str] = []
        i = 0
        while i < n:
            if i in chosen:
                end, pat = chosen[i]
                exc = self._rejoin[pat]
                if "".join(pat) == "".join(exc):
                    out.extend(exc)
                else:  # pragma: no cover - cannot happen within one chunk
                    out.extend(pat)
                i = end
            else:
                out.append(tokens[i])
                i += 1
        return out


def main() -> None:
    path = package_file("data", _RULES_FILE)
    rules = export_rules()
    path.write_text(
        json.dumps(rules, ensure_ascii=False, sort_keys=True, indent=0) + "\n"
    )
    print(
        f"wrote {path} (spaCy {rules['spacy_version']}, {len(rules['rules'])} special "
        "cases)"
    )


if __name__ == "__main__":
    main()
