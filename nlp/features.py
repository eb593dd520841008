"""A hashed bag-of-features text classifier for spaCy: words, word pairs, stems and char n-grams.

spaCy's own ``TextCatBOW`` computes its n-grams with a few numpy calls *per document* and reads
the case-sensitive ORTH attribute. This architecture computes the same kind of sparse features
for a whole batch at once, on lower-cased words, and adds two things chat Dutch needs:

* Dutch snowball stems, so "inbraken", "ingebroken" and "inbraak" share evidence;
* character n-grams of each word (with word-boundary marks), so compounds and spelling
  variants ("fietsendief", "fietsdiefstal", "sсooter") share evidence with their parts.

Per-word features are computed once per distinct word and memoised, so inference costs a few
microseconds per message. The linear layer is thinc's ``SparseLinear`` as in ``TextCatBOW``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import snowballstemmer
from spacy.attrs import LOWER
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Logistic, Model, SparseLinear_v2, chain, softmax_activation
from thinc.types import Floats2d

Features = tuple[np.ndarray, np.ndarray, np.ndarray]

# Multipliers for mixing two 64-bit word hashes into a word-pair hash (any odd constants do).
_PAIR_LEFT = np.uint64(0x9E3779B97F4A7C15)
_PAIR_RIGHT = np.uint64(0xC2B2AE3D27D4EB4F)
_TRIPLE = np.uint64(0x165667B19E3779F9)
# Bound on memoised words; chat vocabulary is small, but a flood of junk must not grow memory.
_CACHE_LIMIT = 200_000


@lru_cache(maxsize=1)
def _dutch_stemmer() -> Any:
    return snowballstemmer.stemmer("dutch")


def word_features(word: str, stems: bool, char_ngrams: int) -> list[int]:
    """The hashed per-word features of a lower-cased word (its stem and character n-grams)."""
    keys: list[int] = []
    if stems and word.isalpha() and len(word) > 3:
        keys.append(get_string_id("S:" + _dutch_stemmer().stemWord(word)))
    if char_ngrams and len(word) > 3:
        marked = f"<{word}>"
        for start in range(len(marked) - char_ngrams + 1):
            keys.append(get_string_id("C:" + marked[start : start + char_ngrams]))
    return keys


def hashed_features(ngram_size: int, stems: bool, char_ngrams: int) -> Model[list[Doc], Features]:
    """Layer mapping docs to (keys, counts, lengths) for ``SparseLinear``."""
    cache: dict[int, np.ndarray] = {}

    def lexeme_keys(strings: StringStore, key: int) -> np.ndarray:
        found = cache.get(key)
        if found is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            try:
                word = strings[key]
            except KeyError:  # a hash without its string: no per-word features
                word = ""
            found = np.asarray(word_features(word, stems, char_ngrams), dtype=np.uint64)
            cache[key] = found
        return found

    def forward(
        model: Model[list[Doc], Features], docs: list[Doc], is_train: bool
    ) -> tuple[Features, Callable[[Any], list[Any]]]:
        keys, lengths = _batch_features(docs, ngram_size, stems or char_ngrams > 0, lexeme_keys)
        values = np.ones(len(keys), dtype=np.float32)
        return (keys, values, lengths), lambda d_features: []

    return Model(
        "buurtbot_hashed_features",
        forward,
        attrs={"ngram_size": ngram_size, "stems": stems, "char_ngrams": char_ngrams},
    )


def _batch_features(
    docs: list[Doc],
    ngram_size: int,
    per_word: bool,
    lexeme_keys: Callable[[StringStore, int], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Keys grouped per doc, and the number of keys of each doc."""
    n_docs = len(docs)
    if n_docs == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
    words = [doc.to_array(LOWER) for doc in docs]
    sizes = np.fromiter((len(w) for w in words), dtype=np.int64, count=n_docs)
    flat = np.concatenate(words).astype(np.uint64, copy=False) if sizes.sum() else None
    if flat is None:
        return np.zeros(0, dtype=np.uint64), np.zeros(n_docs, dtype=np.int32)
    doc_of_token = np.repeat(np.arange(n_docs), sizes)
    parts = [flat]
    owners = [doc_of_token]
    same_doc = doc_of_token[1:] == doc_of_token[:-1]
    if ngram_size >= 2 and len(flat) > 1:
        pairs = (flat[:-1] * _PAIR_LEFT) ^ (flat[1:] * _PAIR_RIGHT)
        parts.append(pairs[same_doc])
        owners.append(doc_of_token[:-1][same_doc])
    if ngram_size >= 3 and len(flat) > 2:
        in_doc = same_doc[:-1] & same_doc[1:]
        triples = (flat[:-2] * _PAIR_LEFT) ^ (flat[1:-1] * _PAIR_RIGHT) ^ (flat[2:] * _TRIPLE)
        parts.append(triples[in_doc])
        owners.append(doc_of_token[:-2][in_doc])
    if per_word:
        # Look up the memoised features once per distinct word, then gather them per token.
        strings = docs[0].vocab.strings
        distinct, token_to_distinct = np.unique(flat, return_inverse=True)
        extra = [lexeme_keys(strings, key) for key in distinct.tolist()]
        distinct_counts = np.fromiter((len(e) for e in extra), dtype=np.int64, count=len(extra))
        if distinct_counts.sum():
            distinct_offsets = np.concatenate(([0], np.cumsum(distinct_counts)[:-1]))
            token_counts = distinct_counts[token_to_distinct]
            total = int(token_counts.sum())
            token_offsets = np.repeat(distinct_offsets[token_to_distinct], token_counts)
            within = np.arange(total) - np.repeat(
                np.cumsum(token_counts) - token_counts, token_counts
            )
            parts.append(np.concatenate(extra)[token_offsets + within])
            owners.append(np.repeat(doc_of_token, token_counts))
    keys = np.concatenate(parts)
    owner = np.concatenate(owners)
    # Owners are small integers: a stable sort on uint16 is a linear-time radix sort.
    small = owner.astype(np.uint16) if n_docs < 65536 else owner
    order = np.argsort(small, kind="stable")
    lengths = np.bincount(owner, minlength=n_docs).astype(np.int32)
    return keys[order], lengths


@registry.architectures("buurtbot.HashedBOW.v1")
def build_hashed_bow(
    exclusive_classes: bool,
    ngram_size: int = 2,
    stems: bool = True,
    char_ngrams: int = 4,
    length: int = 2**17,
    nO: int | None = None,
) -> Model[list[Doc], Floats2d]:
    """Hashed words, word n-grams, stems and char n-grams into one sparse linear layer."""
    sparse = SparseLinear_v2(nO=nO, length=length)
    activation = softmax_activation() if exclusive_classes else Logistic()
    model: Model[list[Doc], Floats2d] = chain(
        hashed_features(ngram_size, stems, char_ngrams), sparse, activation
    )
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse)
    model.attrs["multi_label"] = not exclusive_classes
    return model
