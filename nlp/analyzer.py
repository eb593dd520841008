"""The bot's entry point to NLP: classify a message and extract what it mentions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc

from nlp.corpus import split_label
from nlp.entities import EMPTY, Entities, extract_from_scan
from nlp.lexicon import Scan
from nlp.pipeline import TEXTCAT, URGENCY, ModelConfig, load_pipeline, read_meta
from nlp.rules import RuleVerdict, apply_rules
from nlp.taxonomy import CATEGORIES, NO_SIGNAL
from nlp.textnorm import CLASSIFY_MAX_CHARS, ENTITY_MAX_CHARS, clean, has_words
from nlp.times import as_local

# Messages per spaCy batch; larger batches amortise the per-batch numpy work.
BATCH_SIZE = 1024


@dataclass(frozen=True, slots=True)
class Analysis:
    """The classification and extracted entities of one message."""

    text: str
    category: str
    subcategory: str | None
    confidence: float
    urgent: bool
    urgency: float
    entities: Entities

    def to_dict(self) -> dict[str, Any]:
        """Exactly the JSON object that ``buurtbot classify`` prints for the message."""
        return {
            "text": self.text,
            "category": self.category,
            "subcategory": self.subcategory,
            "confidence": round(self.confidence, 4),
            "urgent": self.urgent,
            "entities": self.entities.to_dict(),
        }


class Analyzer:
    """A loaded model; thread-compatible for reading, not for concurrent ``analyze`` calls."""

    def __init__(self, nlp: Language, config: ModelConfig) -> None:
        self._nlp = nlp
        self._config = config
        self._textcat = cast(TrainablePipe, nlp.get_pipe(TEXTCAT))
        self._urgency = cast(TrainablePipe, nlp.get_pipe(URGENCY))
        self._labels = list(cast(Any, self._textcat).labels)
        self._label_category = np.array(
            [
                CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES)
                for c, _ in map(split_label, self._labels)
            ]
        )
        self._shared_features = _same_features(self._textcat, self._urgency)

    @classmethod
    def load(cls, path: Path | str) -> Analyzer:
        """Load a model directory written by :func:`nlp.training.train`."""
        model_dir = Path(path)
        meta = read_meta(model_dir)
        return cls(load_pipeline(model_dir), ModelConfig.from_dict(meta.get("config", {})))

    @property
    def urgency_threshold(self) -> float:
        return self._config.urgency_threshold

    def analyze(self, text: str, sent_at: datetime | None = None) -> Analysis:
        """Analyse one message; ``sent_at`` None is now, naive means Europe/Amsterdam."""
        return self.analyze_many([(text, sent_at)])[0]

    def analyze_many(self, items: Iterable[tuple[str, datetime | None]]) -> list[Analysis]:
        """Analyse messages in order, in batches through the spaCy tokenizer and models."""
        pending = list(items)
        results: list[Analysis] = []
        for start in range(0, len(pending), BATCH_SIZE):
            results.extend(self._analyze_batch(pending[start : start + BATCH_SIZE]))
        return results

    def scores(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Joint-label probabilities (rows follow ``texts``) and urgency probabilities."""
        docs = [self._nlp.make_doc(clean(t, CLASSIFY_MAX_CHARS)) for t in texts]
        return self._predict(docs)

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    # --- internals ------------------------------------------------------------------------

    def _analyze_batch(self, batch: list[tuple[str, datetime | None]]) -> list[Analysis]:
        texts = [
            clean(text, CLASSIFY_MAX_CHARS) if isinstance(text, str) else "" for text, _ in batch
        ]
        wordy = [i for i, text in enumerate(texts) if has_words(text)]
        docs = [self._nlp.make_doc(texts[i]) for i in wordy]
        label_probs, urgency = self._predict(docs) if docs else (np.zeros((0, 0)), np.zeros(0))
        row_of = {index: row for row, index in enumerate(wordy)}
        out: list[Analysis] = []
        for index, (raw, sent_at) in enumerate(batch):
            original = raw if isinstance(raw, str) else ""
            row = row_of.get(index)
            if row is None:
                # Empty, whitespace, emoji or punctuation only: nothing to report.
                out.append(Analysis(original, NO_SIGNAL, None, 1.0, False, 0.0, EMPTY))
                continue
            out.append(
                self._decide(original, texts[index], label_probs[row], float(urgency[row]), sent_at)
            )
        return out

    def _decide(
        self, original: str, text: str, probs: np.ndarray, urgency: float, sent_at: datetime | None
    ) -> Analysis:
        window = text if len(original) <= CLASSIFY_MAX_CHARS else clean(original, ENTITY_MAX_CHARS)
        scan = Scan(window)
        per_category = np.bincount(
            self._label_category, weights=probs, minlength=len(CATEGORIES) + 1
        )
        verdict = apply_rules(scan, per_category, urgency, self._config.urgency_threshold)
        category_index = verdict.category_index
        category = CATEGORIES[category_index] if category_index < len(CATEGORIES) else NO_SIGNAL
        subcategory = self._subcategory(probs, category_index, verdict)
        entities = extract_from_scan(scan, as_local(sent_at))
        return Analysis(
            original,
            category,
            subcategory,
            float(verdict.confidence),
            verdict.urgent,
            float(verdict.urgency),
            entities,
        )

    def _subcategory(
        self, probs: np.ndarray, category_index: int, verdict: RuleVerdict
    ) -> str | None:
        if category_index >= len(CATEGORIES):
            return None
        if verdict.subcategory is not None:
            return verdict.subcategory
        mask = self._label_category == category_index
        best = int(np.argmax(np.where(mask, probs, -1.0)))
        return split_label(self._labels[best])[1]

    def _predict(self, docs: list[Doc]) -> tuple[np.ndarray, np.ndarray]:
        if self._shared_features:
            # Both components featurise identically: compute the sparse features once.
            featurize, label_layers = _split(self._textcat)
            _, urgency_layers = _split(self._urgency)
            features = featurize.predict(docs)
            probs = features
            for layer in label_layers:
                probs = layer.predict(probs)
            urgent = features
            for layer in urgency_layers:
                urgent = layer.predict(urgent)
        else:
            probs = self._textcat.predict(docs)
            urgent = self._urgency.predict(docs)
        return np.asarray(probs), np.asarray(urgent)[:, 0]


def _split(component: TrainablePipe) -> tuple[Any, list[Any]]:
    layers = component.model.layers
    return layers[0], layers[1:]


def _same_features(first: TrainablePipe, second: TrainablePipe) -> bool:
    a, b = first.model.layers[0], second.model.layers[0]
    return a.name == b.name == "buurtbot_hashed_features" and a.attrs == b.attrs
