"""TF-IDF features over lemma n-grams and in-word character n-grams.

The vectoriser is our own small implementation rather than sklearn's
``TfidfVectorizer`` so that its whole state is plain arrays (term lists, idf
weights, a lemma table), which the model format stores without pickling, and so
that per-chunk work is memoised for speed on large files.

Two term weightings exist:

``"additive"`` (models trained by purposeclf 0.1 onwards)
    Every occurrence of a term adds its idf to the answer's vector, and each
    block (words, characters) is divided by the square root of the sum of the
    squared occurrence weights. Both sums run over occurrences, so an answer's
    linear score is the sum of its whitespace chunks' scores (plus the bigrams
    that span chunks) divided by a norm that is also a sum over chunks: a
    scorer can remember each distinct chunk's contribution and never build the
    sparse matrix (see :meth:`TextFeaturizer.chunk_batch`).
``"sublinear_l2"`` (earlier model files)
    ``1 + log(tf)`` per distinct term of the answer and the exact L2 norm of
    each block; kept so that those files score exactly as they did.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..text import Tokenizer, as_text, english_lemma_table, normalise

__all__ = ["TextFeaturizer"]


def _char_ngrams(token: str, lo: int, hi: int) -> list[str]:
    padded = f" {token} "
    n_chars = len(padded)
    grams: list[str] = []
    for n in range(lo, hi + 1):
        if n > n_chars:
            break
        grams.extend(padded[i : i + n] for i in range(n_chars - n + 1))
    return grams


class TextFeaturizer:
    """Turn answers into an L2-normalised TF-IDF matrix.

    Parameters
    ----------
    word_ngrams : tuple of int, default=(1, 2)
        Range of lemma n-gram lengths (only 1 and 2 are used).
    char_ngrams : tuple of int or None, default=(3, 5)
        Range of character n-gram lengths inside each token; ``None`` turns them off.
    min_df : int, default=2
        A term must occur in at least this many training answers.
    char_weight : float, default=1.0
        Weight of the character block relative to the word block.
    weighting : {"additive", "sublinear_l2"}, default="additive"
        Term weighting (see the module's docstring).
    """

    WEIGHTINGS = ("additive", "sublinear_l2")

    def __init__(
        self,
        *,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] | None = (3, 5),
        min_df: int = 2,
        char_weight: float = 1.0,
        weighting: str = "additive",
    ) -> None:
        if weighting not in self.WEIGHTINGS:
            raise ValueError(
                f"weighting must be one of {self.WEIGHTINGS}; got {weighting!r}."
            )
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams) if char_ngrams else None
        self.min_df = min_df
        self.char_weight = char_weight
        self.weighting = weighting

    # -- analysis -----------------------------------------------------------
    def _word_terms(self, lemmas: Sequence[str]) -> list[str]:
        lo, hi = self.word_ngrams
        terms: list[str] = []
        if lo <= 1 <= hi:
            terms.extend(lemmas)
        if lo <= 2 <= hi:
            terms.extend(f"{a} {b}" for a, b in zip(lemmas, lemmas[1:], strict=False))
        return terms

    def _analyse(self, tok: Tokenizer, text: object) -> tuple[list[str], list[str]]:
        pairs = tok.tokens(normalise(as_text(text)))
        return [s for s, _ in pairs], [lem for _, lem in pairs]

    # -- fitting ------------------------------------------------------------
    def fit(self, texts: Iterable[object]) -> TextFeaturizer:
        tok = Tokenizer()
        word_df: Counter[str] = Counter()
        char_df: Counter[str] = Counter()
        surfaces: set[str] = set()
        n_docs = 0
        for text in texts:
            n_docs += 1
            surf, lem = self._analyse(tok, text)
            surfaces.update(surf)
            word_df.update(set(self._word_terms(lem)))
            if self.char_ngrams:
                lo, hi = self.char_ngrams
                char_df.update({g for s in surf for g in _char_ngrams(s, lo, hi)})
        keep_words = sorted(t for t, c in word_df.items() if c >= self.min_df)
        keep_chars = sorted(t for t, c in char_df.items() if c >= self.min_df)
        self.word_terms_ = keep_words
        self.char_terms_ = keep_chars
        self.word_idf_ = self._idf([word_df[t] for t in keep_words], n_docs)
        self.char_idf_ = self._idf([char_df[t] for t in keep_chars], n_docs)
        # Keep only the lemma entries that can change a feature of this model:
        # the surface form or its lemma is one of the model's unigrams.
        unigrams = {t for t in keep_words if " " not in t}
        table = english_lemma_table()
        self.lemmas_ = {
            s: lem
            for s, lem in table.items()
            if lem != s and (lem in unigrams or s in unigrams)
        }
        self._build_index()
        return self

    @staticmethod
    def _idf(df: Sequence[int], n_docs: int) -> np.ndarray:
        dfa = np.asarray(df, dtype=np.float64)
        return (np.log((1.0 + n_docs) / (1.0 + dfa)) + 1.0).astype(np.float32)

    def _build_index(self) -> None:
        self._word_index = {t: i for i, t in enumerate(self.word_terms_)}
        self._char_index = {t: i for i, t in enumerate(self.char_terms_)}
        self._tok = Tokenizer(self.lemmas_)
        self._reset_chunk_store()
        # Bigrams are looked up by the pair of their unigrams' indices, with
        # numpy, for the whole batch at once.
        n_w = len(self.word_terms_)
        keys, feats = [], []
        lo, hi = self.word_ngrams
        if lo <= 2 <= hi:
            for term, j in self._word_index.items():
                a, sep, b = term.partition(" ")
                if sep:
                    ia, ib = self._word_index.get(a), self._word_index.get(b)
                    if ia is not None and ib is not None:
                        keys.append(ia * n_w + ib)
                        feats.append(j)
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        self._bigram_keys = np.asarray(keys, dtype=np.int64)[order]
        self._bigram_feats = np.asarray(feats, dtype=np.int64)[order]
        self._use_unigrams = lo <= 1

    @property
    def n_features_(self) -> int:
        return len(self.word_terms_) + len(self.char_terms_)

    @property
    def n_word_features_(self) -> int:
        return len(self.word_terms_)

    def _chunk_features(self, chunk: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Unigram indices (-1 when unknown) and character n-gram indices of a chunk."""
        widx = self._word_index
        cidx = self._char_index
        pairs = self._tok._tokenize_chunk(chunk)
        uni = tuple(widx.get(lem, -1) for _, lem in pairs)
        chars: tuple[int, ...] = ()
        if self.char_ngrams and cidx:
            lo, hi = self.char_ngrams
            chars = tuple(
                cidx[g] for s, _ in pairs for g in _char_ngrams(s, lo, hi) if g in cidx
            )
        return uni, chars

    # -- transforming -------------------------------------------------------
    def _reset_chunk_store(self) -> None:
        # Every distinct whitespace-delimited chunk gets an id; its unigram and
        # character n-gram indices are stored once, in flat arrays, and a batch
        # of texts is expanded from chunk ids with numpy. The generation tells
        # caches keyed by chunk id (see LinearMultilabel) that ids were reused.
        self._generation = getattr(self, "_generation", -1) + 1
        self._chunk_ids: dict[str, int] = {}
        self._uni_flat = array("i")
        self._uni_start = array("q")
        self._uni_len = array("q")
        self._chr_flat = array("i")
        self._chr_start = array("q")
        self._chr_len = array("q")

    def _add_chunk(self, chunk: str) -> int:
        uni, chars = self._chunk_features(chunk)
        cid = len(self._uni_start)
        self._uni_start.append(len(self._uni_flat))
        self._uni_len.append(len(uni))
        self._uni_flat.extend(uni)
        self._chr_start.append(len(self._chr_flat))
        self._chr_len.append(len(chars))
        self._chr_flat.extend(chars)
        self._chunk_ids[chunk] = cid
        return cid

    @property
    def chunk_generation(self) -> int:
        """Changes whenever the chunk store is emptied and its ids reused."""
        return self._generation

    @property
    def n_chunks_(self) -> int:
        """Distinct chunks remembered so far (ids 0 .. n_chunks_ - 1)."""
        return len(self._uni_start)

    def chunk_batch(self, texts: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
        """Chunk ids of a batch of texts, in order, and the number per text.

        A text is normalised and split on whitespace; each distinct chunk is
        analysed once (tokens, lemmas, n-gram indices) and remembered, so that
        the ids can be expanded into features with numpy. The store is emptied
        when it holds more than 200,000 chunks (``_generation`` then changes).
        """
        if len(self._chunk_ids) > 200_000:
            self._reset_chunk_store()
        get = self._chunk_ids.get
        add = self._add_chunk
        cids: list[int] = []
        n_chunks: list[int] = []
        for text in texts:
            chunks = normalise(text if type(text) is str else as_text(text)).split()
            n_chunks.append(len(chunks))
            got: list[Any] = list(map(get, chunks))
            if None in got:
                for i, c in enumerate(got):
                    if c is None:  # new, or new earlier in this same text
                        c = get(chunks[i])
                        got[i] = add(chunks[i]) if c is None else c
            cids.extend(got)
        return np.asarray(cids, dtype=np.int64), np.asarray(n_chunks, dtype=np.int64)

    def chunk_items(
        self, first: int, stop: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Unigram and character n-gram indices of the chunks ``first..stop-1``.

        Returns the unigram indices (known ones only) with the local chunk each
        belongs to, then the same for the character n-grams.
        """
        C = np.arange(first, stop, dtype=np.int64)
        local = np.arange(stop - first, dtype=np.int64)
        U, uc = _gather(self._uni_flat, self._uni_start, self._uni_len, C, local)
        known = U >= 0
        if not self._use_unigrams:
            known[:] = False
        G, gc = _gather(self._chr_flat, self._chr_start, self._chr_len, C, local)
        return U[known], uc[known], G, gc

    def bigrams(
        self, C: np.ndarray, chunk_doc: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Unigram sequence of a batch and the bigram features found in it.

        Returns ``(U, doc, bigram_doc, bigram_feature)``: the unigram index of
        every token (-1 when unknown) with its text, then the text and feature
        index of every bigram of the model found in the sequence.
        """
        U, doc = _gather(self._uni_flat, self._uni_start, self._uni_len, C, chunk_doc)
        if len(self._bigram_keys) and len(U) > 1:
            a, b = U[:-1], U[1:]
            ok = (a >= 0) & (b >= 0) & (doc[:-1] == doc[1:])
            keys = a[ok] * len(self.word_terms_) + b[ok]
            pos = np.searchsorted(self._bigram_keys, keys)
            pos[pos >= len(self._bigram_keys)] = 0
            found = self._bigram_keys[pos] == keys
            return U, doc, doc[:-1][ok][found], self._bigram_feats[pos[found]]
        empty = np.zeros(0, np.int64)
        return U, doc, empty, empty

    def transform(self, texts: Sequence[object]) -> sp.csr_matrix:
        """TF-IDF matrix of shape (n_texts, n_features), normalised per block."""
        C, n_chunks = self.chunk_batch(texts)
        n = len(n_chunks)
        chunk_doc = np.repeat(np.arange(n, dtype=np.int64), n_chunks)
        U, doc, bdoc, bfeat = self.bigrams(C, chunk_doc)
        known = U >= 0
        rows = [doc[known], bdoc] if self._use_unigrams else [bdoc]
        cols = [U[known], bfeat] if self._use_unigrams else [bfeat]
        block = (
            self._block if self.weighting == "sublinear_l2" else self._additive_block
        )
        blocks = [
            block(np.concatenate(rows), np.concatenate(cols), n, self.word_idf_, 1.0)
        ]
        if self.char_ngrams:
            ccol, crow = _gather(
                self._chr_flat, self._chr_start, self._chr_len, C, chunk_doc
            )
            blocks.append(block(crow, ccol, n, self.char_idf_, self.char_weight))
        return sp.hstack(blocks, format="csr")

    @staticmethod
    def _additive_block(
        rows: np.ndarray, cols: np.ndarray, n: int, idf: np.ndarray, weight: float
    ) -> sp.csr_matrix:
        data = idf[cols].astype(np.float64)
        sq = np.bincount(rows, weights=data * data, minlength=n)
        norms = np.sqrt(sq)
        norms[norms == 0] = 1.0
        data *= (weight / norms)[rows]
        # tocsr sums the occurrences of each term
        return sp.coo_matrix(
            (data.astype(np.float32), (rows, cols)), shape=(n, len(idf))
        ).tocsr()

    @staticmethod
    def _block(
        rows: np.ndarray, cols: np.ndarray, n: int, idf: np.ndarray, weight: float
    ) -> sp.csr_matrix:
        data = np.ones(len(rows), dtype=np.float32)
        # tocsr sums duplicate (row, column) pairs: the term counts
        m = sp.coo_matrix((data, (rows, cols)), shape=(n, len(idf))).tocsr()
        # sublinear tf, idf weighting, L2 normalisation (row sums by reduceat:
        # no index sorting needed)
        np.log(m.data, out=m.data)
        m.data += 1.0
        m.data *= idf[m.indices]
        counts = np.diff(m.indptr)
        sq = np.zeros(n, dtype=np.float64)
        nz = counts > 0
        if m.nnz:
            sq[nz] = np.add.reduceat(m.data.astype(np.float64) ** 2, m.indptr[:-1][nz])
        norms = np.sqrt(sq)
        norms[norms == 0] = 1.0
        m.data *= np.repeat((weight / norms).astype(np.float32), counts)
        return m

    # -- persistence (plain arrays) -----------------------------------------
    def get_config(self) -> dict[str, object]:
        return {
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams) if self.char_ngrams else None,
            "min_df": self.min_df,
            "char_weight": self.char_weight,
            "weighting": self.weighting,
        }

    def to_arrays(self) -> dict[str, np.ndarray]:
        lem_keys = sorted(self.lemmas_)
        return {
            "word_terms": _pack(self.word_terms_),
            "word_idf": self.word_idf_,
            "char_terms": _pack(self.char_terms_),
            "char_idf": self.char_idf_,
            "lemma_keys": _pack(lem_keys),
            "lemma_values": _pack([self.lemmas_[k] for k in lem_keys]),
        }

    @classmethod
    def from_arrays(
        cls, config: dict[str, Any], arrays: dict[str, np.ndarray]
    ) -> TextFeaturizer:
        cn = config.get("char_ngrams")
        self = cls(
            word_ngrams=tuple(config["word_ngrams"]),
            char_ngrams=tuple(cn) if cn else None,
            min_df=int(config["min_df"]),
            char_weight=float(config["char_weight"]),
            # files written before the additive weighting existed
            weighting=str(config.get("weighting", "sublinear_l2")),
        )
        self.word_terms_ = _unpack(arrays["word_terms"])
        self.char_terms_ = _unpack(arrays["char_terms"])
        self.word_idf_ = np.asarray(arrays["word_idf"], dtype=np.float32)
        self.char_idf_ = np.asarray(arrays["char_idf"], dtype=np.float32)
        keys = _unpack(arrays["lemma_keys"])
        values = _unpack(arrays["lemma_values"])
        if (
            len(self.word_terms_) != len(self.word_idf_)
            or len(self.char_terms_) != len(self.char_idf_)
            or len(keys) != len(values)
        ):
            raise ValueError("vocabulary and weight arrays have different lengths")
        self.lemmas_ = dict(zip(keys, values, strict=False))
        self._build_index()
        return self


def _gather(
    flat: array, start: array, length: array, cids: np.ndarray, chunk_doc: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate the stored items of each chunk occurrence, and their documents."""
    lens = np.frombuffer(length, dtype=np.int64)[cids]
    starts = np.frombuffer(start, dtype=np.int64)[cids]
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    offsets = np.cumsum(lens) - lens
    idx = np.repeat(starts - offsets, lens) + np.arange(total, dtype=np.int64)
    items = np.frombuffer(flat, dtype=np.int32)[idx].astype(np.int64)
    return items, np.repeat(chunk_doc, lens)


def _pack(terms: Sequence[str]) -> np.ndarray:
    """Terms as one UTF-8 byte array, separated by newlines (terms hold none)."""
    return np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8).copy()


def _unpack(arr: np.ndarray) -> list[str]:
    raw = np.asarray(arr, dtype=np.uint8).tobytes().decode("utf-8")
    return raw.split("\n") if raw else []
