"""TF-IDF features over lemma n-grams and in-word character n-grams.

The vectoriser is our own small implementation rather than sklearn's
``TfidfVectorizer`` so that its whole state is plain arrays (term lists, idf
weights, a lemma table), which the model format stores without pickling, and so
that per-chunk work is memoised for speed on large files.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .text import Tokenizer, as_text, english_lemma_table, normalise

__all__ = ["TextFeaturizer"]


def _char_ngrams(token: str, lo: int, hi: int) -> list[str]:
    padded = f" {token} "
    n_chars = len(padded)
    grams = []
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
    """

    def __init__(
        self,
        *,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] | None = (3, 5),
        min_df: int = 2,
        char_weight: float = 1.0,
    ) -> None:
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams) if char_ngrams else None
        self.min_df = min_df
        self.char_weight = char_weight

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
        # of texts is expanded from chunk ids with numpy.
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

    def transform(self, texts: Sequence[object]) -> sp.csr_matrix:
        """TF-IDF matrix of shape (n_texts, n_features), rows L2-normalised per block."""
        if len(self._chunk_ids) > 200_000:
            self._reset_chunk_store()
        ids = self._chunk_ids
        add = self._add_chunk
        cids: list[int] = []
        n_chunks: list[int] = []
        for text in texts:
            chunks = normalise(text if type(text) is str else as_text(text)).split()
            n_chunks.append(len(chunks))
            get = ids.get
            cids.extend([c if (c := get(ch)) is not None else add(ch) for ch in chunks])
        n = len(n_chunks)
        C = np.asarray(cids, dtype=np.int64)
        chunk_doc = np.repeat(np.arange(n, dtype=np.int64), n_chunks)
        U, doc = _gather(self._uni_flat, self._uni_start, self._uni_len, C, chunk_doc)
        known = U >= 0
        rows = [doc[known]] if self._use_unigrams else []
        cols = [U[known]] if self._use_unigrams else []
        if len(self._bigram_keys) and len(U) > 1:
            a, b = U[:-1], U[1:]
            ok = (a >= 0) & (b >= 0) & (doc[:-1] == doc[1:])
            keys = a[ok] * len(self.word_terms_) + b[ok]
            pos = np.searchsorted(self._bigram_keys, keys)
            pos[pos >= len(self._bigram_keys)] = 0
            found = self._bigram_keys[pos] == keys
            rows.append(doc[:-1][ok][found])
            cols.append(self._bigram_feats[pos[found]])
        blocks = [
            self._block(
                np.concatenate(rows) if rows else np.zeros(0, np.int64),
                np.concatenate(cols) if cols else np.zeros(0, np.int64),
                n,
                self.word_idf_,
                1.0,
            )
        ]
        if self.char_ngrams:
            ccol, crow = _gather(self._chr_flat, self._chr_start, self._chr_len, C, chunk_doc)
            blocks.append(self._block(crow, ccol, n, self.char_idf_, self.char_weight))
        return sp.hstack(blocks, format="csr")

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
        cls, config: dict[str, object], arrays: dict[str, np.ndarray]
    ) -> TextFeaturizer:
        cn = config.get("char_ngrams")
        self = cls(
            word_ngrams=tuple(config["word_ngrams"]),  # type: ignore[arg-type]
            char_ngrams=tuple(cn) if cn else None,  # type: ignore[arg-type]
            min_df=int(config["min_df"]),  # type: ignore[arg-type]
            char_weight=float(config["char_weight"]),  # type: ignore[arg-type]
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
