from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from purposeclf.text import _PUNCT, Tokenizer, _blank_english, normalise


def test_nhs_variants_become_one_form():
    assert (
        normalise("E-Consult, e consult and eConsults")
        == "econsult, econsult and econsult"
    )
    assert normalise("A and E, A&E, a+e") == "a&e, a&e, a&e"
    assert normalise("Tele-triage") == "telephone triage"
    assert normalise("GP's and PCN's") == "gp and pcn"
    assert normalise("LA data sharing") == "local authority data sharing"
    assert normalise("la la land") == "la la land"  # only upper-case LA is the council


def test_lemmas_and_british_spelling():
    tok = Tokenizer()
    lemmas = [
        lem
        for _, lem in tok.tokens(normalise("Huddles kept; organisations prioritised"))
    ]
    assert lemmas == ["huddle", "keep", "organisation", "prioritise"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_memoised_tokens_equal_spacy_tokens(text):
    """Chunk-wise memoised tokenisation gives exactly spaCy's tokens."""
    tok = Tokenizer(lemmas={})
    norm = normalise(text)
    ours = [s for s, _ in tok.tokens(norm)]
    spacy_tokens = [t.text for t in _blank_english().tokenizer(norm) if not t.is_space]
    # purposeclf drops punctuation-only tokens and the possessive 's
    expected = [
        t
        for t in spacy_tokens
        if not (_PUNCT.match(t) and t not in ("&", "+")) and t not in ("'s", "'")
    ]
    assert ours == expected
