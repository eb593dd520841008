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

from nlp.decision import Scores, category_name, decide
from nlp.entities import EMPTY, Entities, extract_from_scan
from nlp.lexicon import Scan
from nlp.pipeline import (
    SUBCATEGORY,
    TEXTCAT,
    TEXTCAT_WORDS,
    URGENCY,
    ModelConfig,
    load_pipeline,
    read_meta,
)
from nlp.rules import adjust
from nlp.taxonomy import NO_SIGNAL
from nlp.textnorm import (
    CLASSIFY_MAX_CHARS,
    ENTITY_MAX_CHARS,
    clean,
    has_words,
    without_surrogates,
)
from nlp.times import as_local

# Messages per model batch; larger batches amortise the per-batch numpy work.
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
    """A loaded model. Not safe for concurrent calls from several threads."""

    def __init__(self, nlp: Language, config: ModelConfig) -> None:
        self._nlp = nlp
        self._config = config
        self._components = {
            name: cast(TrainablePipe, nlp.get_pipe(name))
            for name in (TEXTCAT, TEXTCAT_WORDS, SUBCATEGORY, URGENCY)
            if name in nlp.pipe_names
        }

    @classmethod
    def load(cls, path: Path | str) -> Analyzer:
        """Load a model directory written by :func:`nlp.training.train`."""
        model_dir = Path(path)
        meta = read_meta(model_dir)
        return cls(load_pipeline(model_dir), ModelConfig.from_dict(meta.get("config", {})))

    @property
    def config(self) -> ModelConfig:
        return self._config

    def analyze(self, text: str, sent_at: datetime | None = None) -> Analysis:
        """Analyse one message; ``sent_at`` None is now, naive means Europe/Amsterdam."""
        return self.analyze_many([(text, sent_at)])[0]

    def analyze_many(self, items: Iterable[tuple[str, datetime | None]]) -> list[Analysis]:
        """Analyse messages in input order, in batches through the tokenizer and the models."""
        pending = list(items)
        results: list[Analysis] = []
        for start in range(0, len(pending), BATCH_SIZE):
            results.extend(self._analyze_batch(pending[start : start + BATCH_SIZE]))
        return results

    def scores(self, texts: Sequence[str]) -> Scores:
        """Raw model scores for texts (cleaned and capped like in ``analyze``)."""
        return self._scores([self._nlp.make_doc(clean(t, CLASSIFY_MAX_CHARS)) for t in texts])

    # --- internals ------------------------------------------------------------------------

    def _analyze_batch(self, batch: list[tuple[str, datetime | None]]) -> list[Analysis]:
        originals = [
            without_surrogates(text)
            if isinstance(text, str) and not text.isascii()
            else text
            if isinstance(text, str)
            else ""
            for text, _ in batch
        ]
        texts = [clean(text, CLASSIFY_MAX_CHARS) for text in originals]
        wordy = [i for i, text in enumerate(texts) if has_words(text)]
        decisions = decide(self._scores([self._nlp.make_doc(texts[i]) for i in wordy]))
        row_of = {index: row for row, index in enumerate(wordy)}
        out: list[Analysis] = []
        for index, original in enumerate(originals):
            row = row_of.get(index)
            if row is None:
                # Empty, whitespace, emoji or punctuation only: nothing to report.
                out.append(Analysis(original, NO_SIGNAL, None, 1.0, False, 0.0, EMPTY))
                continue
            window = texts[index]
            if len(original) > CLASSIFY_MAX_CHARS:
                window = clean(original, ENTITY_MAX_CHARS)
            scan = Scan(window)
            verdict = adjust(
                scan,
                int(decisions.category_index[row]),
                decisions.subcategory[row],
                float(decisions.confidence[row]),
                float(decisions.urgency[row]),
                self._config.urgency_threshold,
            )
            out.append(
                Analysis(
                    original,
                    category_name(verdict.category_index),
                    verdict.subcategory,
                    verdict.confidence,
                    verdict.urgent,
                    verdict.urgency,
                    extract_from_scan(scan, as_local(batch[index][1])),
                )
            )
        return out

    def _scores(self, docs: list[Doc]) -> Scores:
        outputs = self._predict(docs)
        textcat = self._components[TEXTCAT]
        subcategory = self._components.get(SUBCATEGORY)
        return Scores(
            labels=list(cast(Any, textcat).labels),
            label_probs=outputs[TEXTCAT],
            subcategory_labels=list(cast(Any, subcategory).labels) if subcategory else [],
            subcategory_probs=outputs.get(SUBCATEGORY),
            urgency=outputs[URGENCY][:, 0],
            more_category_probs=[outputs[TEXTCAT_WORDS]] if TEXTCAT_WORDS in outputs else [],
            subcategory_weight=self._config.subcategory_weight,
        )

    def _predict(self, docs: list[Doc]) -> dict[str, np.ndarray]:
        """Each component's probabilities; shared sparse features are computed once."""
        outputs: dict[str, np.ndarray] = {}
        features: dict[str, Any] = {}
        for name, component in self._components.items():
            layers = component.model.layers
            if not docs:
                outputs[name] = np.zeros((0, len(cast(Any, component).labels)), dtype=np.float32)
                continue
            first = layers[0]
            if first.name != "buurtbot_hashed_features":
                outputs[name] = np.asarray(component.predict(docs))
                continue
            key = repr(sorted(first.attrs.items()))
            if key not in features:
                features[key] = first.predict(docs)
            values = features[key]
            for layer in layers[1:]:
                values = layer.predict(values)
            outputs[name] = np.asarray(values)
        return outputs
