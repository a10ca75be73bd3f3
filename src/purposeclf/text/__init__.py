"""Text: normalisation, tokens and lemmas, the de-duplication key, PII masking.

Answers are normalised (Unicode, quotes, NHS abbreviations and spelling
variants), split on whitespace, and each chunk is tokenised with spaCy's
blank-English rules and lemmatised with spaCy's lookup table.

Examples
--------
>>> from purposeclf.text import Tokenizer, normalise
>>> normalise("Kept the E-Consult & A and E triage; pts LOVED it")
'Kept the econsult & a&e triage; pts LOVED it'
>>> [s for s, lemma in Tokenizer().tokens(normalise("pts LOVED the LA's huddles"))]
['patients', 'loved', 'the', 'local', 'authority', 'huddles']
"""

from __future__ import annotations

from ._normalise import as_text, map_token, normalise, printable, text_key
from ._pii import mask_pii
from ._tokens import Tokenizer, english_lemma_table

__all__ = [
    "as_text",
    "normalise",
    "map_token",
    "text_key",
    "printable",
    "Tokenizer",
    "english_lemma_table",
    "mask_pii",
]
