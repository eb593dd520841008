"""The spaCy pipeline: a blank Dutch language with the components this project trains.

Built in code from a :class:`ModelConfig` so that experiments and the production model use the
same builder; ``nlp.to_disk`` writes the resulting spaCy ``config.cfg`` into the model directory,
and :func:`load_pipeline` reads it back (after importing the architectures registered here).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import spacy
from spacy.language import Language

import nlp.features  # noqa: F401  (registers buurtbot.HashedBOW.v1)
from nlp.corpus import NO_SIGNAL_LABEL
from nlp.taxonomy import CATEGORIES, SUBCATEGORIES

Architecture = Literal["hashed", "bow", "cnn", "ensemble"]
# "separate": a category textcat (criminaliteit, overlast, zorg, geen) and a subcategory textcat
# trained on signals only; "joint": one textcat over category/subcategory labels whose
# probabilities are summed per category (kept for the comparison).
LabelScheme = Literal["separate", "joint"]
TEXTCAT = "textcat"
# A second category textcat on word features only (no character n-grams): averaging two
# differently featurised models was measurably more robust than either (README).
TEXTCAT_WORDS = "textcat_words"
# Signal or geen: with the subcategory model it gives a second, hierarchical estimate of the
# category (P(signal) x P(category | signal)) that is averaged with the flat one.
TEXTCAT_SIGNAL = "signal"
# Label names are unique across components: spaCy writes every component's scores into the
# same doc.cats, and a shared name would be overwritten by the later component.
SIGNAL_LABELS = ("signaal", "geen signaal")
SUBCATEGORY = "subcategory"
URGENCY = "urgency"
URGENT_LABEL = "urgent"
META_FILE = "buurtbot.json"


def joint_labels() -> list[str]:
    """Every category/subcategory of the taxonomy plus "geen"."""
    labels = [f"{c}/{s}" for c in CATEGORIES for s in SUBCATEGORIES[c]]
    return [*labels, NO_SIGNAL_LABEL]


def category_labels() -> list[str]:
    return [*CATEGORIES, NO_SIGNAL_LABEL]


def word_model_labels() -> list[str]:
    """The word-only category model's labels, in the order of :func:`category_labels`."""
    return [f"{label} (woorden)" for label in category_labels()]


def subcategory_labels() -> list[str]:
    """ "category/subcategory" for every subcategory of the taxonomy."""
    return [label for label in joint_labels() if label != NO_SIGNAL_LABEL]


@dataclass(frozen=True)
class ModelConfig:
    """Everything that determines the trained model (it is part of the model's fingerprint)."""

    architecture: Architecture = "hashed"
    label_scheme: LabelScheme = "separate"
    ngram_size: int = 2
    stems: bool = True
    char_ngrams: int = 4
    # Hash-table rows of the sparse linear layers (size on disk: rows x labels x 4 bytes).
    length: int = 2**18
    # Small on purpose: SparseLinear strides the 24 class weights of a feature by the table
    # length, so a table that fits the CPU cache is several times faster (and 1.5 MB).
    subcategory_length: int = 2**14
    urgency_length: int = 2**18
    signal_length: int = 2**18
    idf_size: int = 2**16
    normalise: bool = False
    tfidf: bool = True
    translate: bool = True
    urgency_ngram_size: int = 2
    # Ensemble: also a word-features-only category textcat, and how much the subcategory
    # model's summed probabilities count in the choice between the three signal categories.
    word_model: bool = True
    subcategory_weight: float = 0.0
    signal_model: bool = True
    # Log-prior offsets for criminaliteit, overlast, zorg, geen, fitted on out-of-fold
    # predictions of the training split to maximise macro-F1 (nlp.experiments.fit_offsets).
    category_offsets: tuple[float, float, float, float] = (0.3, 0.4, 0.2, 0.0)
    epochs: int = 12
    batch_size: int = 64
    learn_rate: float = 0.002
    averages: bool = False
    # Chosen by cross-validation on the training split (see nlp/README.md), not on held-out.
    urgency_threshold: float = 0.18
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if isinstance(known.get("category_offsets"), list):
            known["category_offsets"] = tuple(known["category_offsets"])
        return replace(cls(), **known)


def _textcat_model(
    config: ModelConfig, exclusive: bool, ngram_size: int, length: int
) -> dict[str, Any]:
    if config.architecture == "hashed":
        return {
            "@architectures": "buurtbot.HashedBOW.v1",
            "exclusive_classes": exclusive,
            "ngram_size": ngram_size,
            "stems": config.stems,
            "char_ngrams": config.char_ngrams,
            "length": length,
            "idf_size": config.idf_size,
            "normalise": config.normalise,
            "tfidf": config.tfidf,
            "translate": config.translate,
        }
    bow = {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": exclusive,
        "ngram_size": ngram_size,
        "no_output_layer": False,
        "length": length,
    }
    if config.architecture == "bow":
        return bow
    tok2vec = {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 64,
        "depth": 2,
        "embed_size": 2000,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": True,
    }
    if config.architecture == "cnn":
        return {
            "@architectures": "spacy.TextCatReduce.v1",
            "exclusive_classes": exclusive,
            "use_reduce_first": False,
            "use_reduce_last": False,
            "use_reduce_max": True,
            "use_reduce_mean": True,
            "tok2vec": tok2vec,
        }
    return {
        "@architectures": "spacy.TextCatEnsemble.v2",
        "tok2vec": tok2vec,
        "linear_model": bow,
    }


def build_pipeline(config: ModelConfig) -> Language:
    """A blank ``nl`` pipeline: category (and subcategory) textcats and an urgency textcat."""
    nlp = spacy.blank("nl")
    joint = config.label_scheme == "joint"
    _add_textcat(
        nlp, TEXTCAT, config, joint_labels() if joint else category_labels(), config.length
    )
    if not joint and config.word_model:
        words_only = replace(config, char_ngrams=0)
        _add_textcat(nlp, TEXTCAT_WORDS, words_only, word_model_labels(), config.length)
    if not joint and config.signal_model:
        _add_textcat(nlp, TEXTCAT_SIGNAL, config, list(SIGNAL_LABELS), config.signal_length)
    if not joint:
        _add_textcat(nlp, SUBCATEGORY, config, subcategory_labels(), config.subcategory_length)
    urgency = nlp.add_pipe(
        "textcat_multilabel",
        name=URGENCY,
        config={
            "model": _textcat_model(
                config, False, config.urgency_ngram_size, config.urgency_length
            ),
            "threshold": config.urgency_threshold,
        },
    )
    urgency.add_label(URGENT_LABEL)  # type: ignore[attr-defined]
    return nlp


def _add_textcat(
    nlp: Language, name: str, config: ModelConfig, labels: list[str], length: int
) -> None:
    model = _textcat_model(config, True, config.ngram_size, length)
    component = nlp.add_pipe("textcat", name=name, config={"model": model, "threshold": 0.0})
    for label in labels:
        component.add_label(label)  # type: ignore[attr-defined]


def load_pipeline(path: Path) -> Language:
    """Load a trained pipeline directory (architectures are registered by importing nlp)."""
    return spacy.load(path)


def read_meta(path: Path) -> dict[str, Any]:
    meta_path = path / META_FILE
    if not meta_path.is_file():
        return {}
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
