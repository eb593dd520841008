"""A hashed bag-of-features text classifier for spaCy: words, word pairs, stems and char n-grams.

spaCy's own ``TextCatBOW`` computes its n-grams with a few numpy calls *per document* and reads
the case-sensitive ORTH attribute. This architecture computes the same kind of sparse features
for a whole batch at once, on lower-cased words, and adds two things chat Dutch needs:

* Dutch snowball stems, so "inbraken", "ingebroken" and "inbraak" share evidence;
* character n-grams of each word (with word-boundary marks), so compounds and spelling
  variants ("fietsendief", "fietsdiefstal") share evidence with their parts;
* TF-IDF-like weights (see :func:`hashed_features`).

Per-word features are computed once per distinct word and memoised, so inference costs a few
microseconds per message. The linear layer is thinc's ``SparseLinear`` as in ``TextCatBOW``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import snowballstemmer
from spacy.attrs import ORTH
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Logistic, Model, SparseLinear_v2, chain, softmax_activation
from thinc.types import Floats2d

from nlp.locations import SHOP_NAMES, is_street_name
from nlp.translations import TRANSLATIONS

Features = tuple[np.ndarray, np.ndarray, np.ndarray]

# Multipliers for mixing two 64-bit word hashes into a word-pair hash (any odd constants do).
_PAIR_LEFT = np.uint64(0x9E3779B97F4A7C15)
_PAIR_RIGHT = np.uint64(0xC2B2AE3D27D4EB4F)
_TRIPLE = np.uint64(0x165667B19E3779F9)
# Bound on memoised words (about 0.4 kB each): a chat vocabulary fits, a flood of new words
# (names, numbers, typos) does not grow memory beyond ~12 MB per feature layer.
_CACHE_LIMIT = 30_000
_SHOUTING = get_string_id("<CAPS>")


@lru_cache(maxsize=1)
def _dutch_stemmer() -> Any:
    return snowballstemmer.stemmer("dutch")


_DIGIT_SHAPES = (
    (re.compile(r"\d{1,2}[:.]\d{2}(?:u|uur)?"), "<tijd>"),
    (re.compile(r"\d{4}[a-z]{2}"), "<postcode>"),
    (re.compile(r"[a-z0-9]{1,3}-[a-z0-9]{1,3}-[a-z0-9]{1,3}"), "<kenteken>"),
    (re.compile(r"0\d{9}|0\d{2,3}-\d{6,7}|06-?\d{8}"), "<telefoon>"),
    (re.compile(r"\d{1,4}[a-z]?"), "<getal>"),
)


def word_class(word: str) -> str | None:
    """A placeholder for words whose identity does not generalise: street and shop names,
    numbers, times, plates. Held-out messages use other streets than training ones."""
    if any(ch.isdigit() for ch in word):
        for pattern, placeholder in _DIGIT_SHAPES:
            if pattern.fullmatch(word):
                return placeholder
        return None
    if word in SHOP_NAMES:
        return "<winkel>"
    if is_street_name(word):
        return "<straat>"
    return None


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


def hashed_features(
    ngram_size: int,
    stems: bool,
    char_ngrams: int,
    idf_size: int,
    normalise: bool,
    tfidf: bool,
    translate: bool,
) -> Model[list[Doc], Features]:
    """Layer mapping docs to (keys, weights, lengths) for ``SparseLinear``.

    Weights are TF-IDF-like: the inverse document frequency of the feature's bucket (the
    ``idf`` parameter, set from the training texts by :func:`fit_idf`), L2-normalised per doc,
    so long messages do not shout down short ones and frequent words count less.
    """
    cache: dict[int, tuple[int, np.ndarray]] = {}

    def lexeme_keys(strings: StringStore, key: int) -> tuple[int, np.ndarray]:
        """(the word's own key, its extra keys), memoised per distinct word."""
        found = cache.get(key)
        if found is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            try:
                text = strings[key]
            except KeyError:  # a hash without its string: no per-word features
                text = ""
            word = text.lower()
            placeholder = word_class(word) if normalise and word else None
            own = get_string_id(placeholder or word)
            extra = word_features(word, stems, char_ngrams) if placeholder != "<getal>" else []
            dutch = TRANSLATIONS.get(word) if translate else None
            if dutch is not None:
                # An English or dialect word also counts as the Dutch word it stands for.
                extra += [get_string_id(dutch), *word_features(dutch, stems, 0)]
            if len(text) > 1 and text.isupper():
                extra.append(_SHOUTING)  # "HELP", "NU": capitals carry urgency
            found = (own, np.asarray(extra, dtype=np.uint64))
            cache[key] = found
        return found

    def forward(
        model: Model[list[Doc], Features], docs: list[Doc], is_train: bool
    ) -> tuple[Features, Callable[[Any], list[Any]]]:
        keys, lengths = _batch_features(docs, ngram_size, lexeme_keys)
        import os

        rate = float(os.environ.get("BB_DROP", "0"))
        if is_train and rate > 0 and len(keys):
            keep = np.random.random(len(keys)) >= rate
            owner = np.repeat(np.arange(len(lengths)), lengths)[keep]
            keys = keys[keep]
            lengths = np.bincount(owner, minlength=len(lengths)).astype(np.int32)
        if not tfidf:
            return (keys, np.ones(len(keys), dtype=np.float32), lengths), lambda d_features: []
        idf = np.asarray(model.get_param("idf"))
        values = idf[(keys % np.uint64(len(idf))).astype(np.int64)]
        owner = np.repeat(np.arange(len(lengths)), lengths)
        norms = np.sqrt(np.bincount(owner, weights=values * values, minlength=len(lengths)))
        values = (values / np.maximum(norms, 1e-12)[owner]).astype(np.float32)
        return (keys, values, lengths), lambda d_features: []

    def init(
        model: Model[list[Doc], Features], X: Any = None, Y: Any = None
    ) -> Model[list[Doc], Features]:
        if not model.has_param("idf"):
            model.set_param("idf", model.ops.alloc1f(model.get_dim("idf_size")) + 1.0)
        return model

    return Model(
        "buurtbot_hashed_features",
        forward,
        init=init,
        dims={"idf_size": idf_size},
        params={"idf": None},
        attrs={
            "ngram_size": ngram_size,
            "stems": stems,
            "char_ngrams": char_ngrams,
            "normalise": normalise,
            "tfidf": tfidf,
            "translate": translate,
        },
    )


def fit_idf(featurizer: Model[list[Doc], Features], docs: list[Doc]) -> None:
    """Set the featurizer's inverse document frequencies from the training docs."""
    size = featurizer.get_dim("idf_size")
    if not featurizer.has_param("idf"):
        featurizer.initialize()
    keys, _, lengths = featurizer.predict(docs)
    owner = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    buckets = (keys % np.uint64(size)).astype(np.int64)
    in_docs = np.unique(owner * size + buckets) % size  # each bucket once per doc
    frequency = np.bincount(in_docs, minlength=size)
    idf = np.log((1.0 + len(docs)) / (1.0 + frequency)) + 1.0  # scikit-learn's smooth idf
    featurizer.set_param("idf", featurizer.ops.asarray1f(idf.astype(np.float32)))


def _batch_features(
    docs: list[Doc],
    ngram_size: int,
    lexeme_keys: Callable[[StringStore, int], tuple[int, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """Keys grouped per doc, and the number of keys of each doc."""
    n_docs = len(docs)
    if n_docs == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
    # ORTH, not LOWER: the memoised per-word features see the capitals.
    words = [doc.to_array(ORTH) for doc in docs]
    sizes = np.fromiter((len(w) for w in words), dtype=np.int64, count=n_docs)
    if not sizes.sum():
        return np.zeros(0, dtype=np.uint64), np.zeros(n_docs, dtype=np.int32)
    lowers = np.concatenate(words).astype(np.uint64, copy=False)
    # Look up the memoised per-word features once per distinct word, then gather per token.
    strings = docs[0].vocab.strings
    distinct, token_to_distinct = np.unique(lowers, return_inverse=True)
    looked_up = [lexeme_keys(strings, key) for key in distinct.tolist()]
    own = np.fromiter((item[0] for item in looked_up), dtype=np.uint64, count=len(looked_up))
    flat = own[token_to_distinct]
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
    extra = [item[1] for item in looked_up]
    distinct_counts = np.fromiter((len(e) for e in extra), dtype=np.int64, count=len(extra))
    if distinct_counts.sum():
        distinct_offsets = np.concatenate(([0], np.cumsum(distinct_counts)[:-1]))
        token_counts = distinct_counts[token_to_distinct]
        total = int(token_counts.sum())
        token_offsets = np.repeat(distinct_offsets[token_to_distinct], token_counts)
        within = np.arange(total) - np.repeat(np.cumsum(token_counts) - token_counts, token_counts)
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
    idf_size: int = 2**18,
    normalise: bool = False,
    tfidf: bool = True,
    translate: bool = False,
    nO: int | None = None,
) -> Model[list[Doc], Floats2d]:
    """Hashed words, word n-grams, stems and char n-grams into one sparse linear layer."""
    sparse = SparseLinear_v2(nO=nO, length=length)
    activation = softmax_activation() if exclusive_classes else Logistic()
    model: Model[list[Doc], Floats2d] = chain(
        hashed_features(ngram_size, stems, char_ngrams, idf_size, normalise, tfidf, translate),
        sparse,
        activation,
    )
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse)
    model.attrs["multi_label"] = not exclusive_classes
    return model
