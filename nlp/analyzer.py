"""The bot's entry point to NLP: classify a message and extract what it mentions."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc

from nlp.analysis import Analysis
from nlp.decision import Scores, category_name, decide
from nlp.entities import EMPTY, extract_from_scan
from nlp.lexicon import Scan
from nlp.pipeline import (
    SUBCATEGORY,
    TEXTCAT,
    TEXTCAT_SIGNAL,
    TEXTCAT_WORDS,
    URGENCY,
    ModelConfig,
    load_pipeline,
    read_meta,
)
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
# Below this many messages a worker process costs more than it saves.
PARALLEL_MINIMUM = 2000


class Analyzer:
    """A loaded model. Not safe for concurrent calls from several threads."""

    def __init__(self, nlp: Language, config: ModelConfig, path: Path | None = None) -> None:
        self._nlp = nlp
        self._config = config
        self._path = path
        self._loaded_strings = len(nlp.vocab.strings)
        self._components = {
            name: cast(TrainablePipe, nlp.get_pipe(name))
            for name in (TEXTCAT, TEXTCAT_WORDS, TEXTCAT_SIGNAL, SUBCATEGORY, URGENCY)
            if name in nlp.pipe_names
        }
        self._feature_group = _feature_groups(self._components)

    @classmethod
    def load(cls, path: Path | str) -> Analyzer:
        """Load a model directory written by :func:`nlp.training.train`."""
        model_dir = Path(path)
        meta = read_meta(model_dir)
        config = ModelConfig.from_dict(meta.get("config", {}))
        return cls(load_pipeline(model_dir), config, model_dir)

    @property
    def new_strings(self) -> int:
        """Strings spaCy's vocabulary learnt since loading: every unseen word, name and number
        stays in it, so a long-running bot renews its analyzer now and then."""
        return len(self._nlp.vocab.strings) - self._loaded_strings

    def reloaded(self) -> Analyzer:
        """A fresh copy of this model from disk (safe to call from another thread)."""
        if self._path is None:
            raise ValueError("this analyzer was not loaded from a model directory")
        return Analyzer.load(self._path)

    @property
    def config(self) -> ModelConfig:
        return self._config

    def analyze(self, text: str, sent_at: datetime | None = None) -> Analysis:
        """Analyse one message; ``sent_at`` None is now, naive means Europe/Amsterdam."""
        return self.analyze_many([(text, sent_at)])[0]

    def analyze_many(
        self, items: Iterable[tuple[str, datetime | None]], *, workers: int = 1
    ) -> list[Analysis]:
        """Analyse messages in input order, in batches through the tokenizer and the models.

        ``workers`` > 1 splits a large batch over forked worker processes (Linux) and is
        meant for batch jobs such as ``buurtbot classify`` or benchmarks; never use it in a
        process with running threads (the bot), because forking such a process is unsafe.
        """
        pending = list(items)
        if workers > 1 and len(pending) >= PARALLEL_MINIMUM and _can_fork():
            return self._analyze_parallel(pending, workers)
        results: list[Analysis] = []
        for start in range(0, len(pending), BATCH_SIZE):
            results.extend(self._analyze_batch(pending[start : start + BATCH_SIZE]))
        return results

    def scores(self, texts: Sequence[str]) -> Scores:
        """Raw model scores for texts (cleaned and capped like in ``analyze``)."""
        return self._scores([self._nlp.make_doc(clean(t, CLASSIFY_MAX_CHARS)) for t in texts])

    # --- internals ------------------------------------------------------------------------

    def _analyze_parallel(
        self, pending: list[tuple[str, datetime | None]], workers: int
    ) -> list[Analysis]:
        size = -(-len(pending) // workers)
        slices = [pending[i : i + size] for i in range(0, len(pending), size)]
        context = multiprocessing.get_context("fork")
        # Forked children inherit this loaded analyzer; nothing is pickled but the messages
        # going out and the analyses coming back.
        with context.Pool(len(slices) - 1, initializer=_install_worker, initargs=(self,)) as pool:
            others = [pool.apply_async(_worker_analyze, (part,)) for part in slices[1:]]
            results = self.analyze_many(slices[0])
            for other in others:
                results.extend(other.get())
        return results

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
        docs = [self._nlp.make_doc(texts[i]) for i in wordy]
        decisions = decide(self._scores(docs), self._config.urgency_threshold)
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
            out.append(
                Analysis(
                    original,
                    category_name(int(decisions.category_index[row])),
                    decisions.subcategory[row],
                    float(decisions.confidence[row]),
                    bool(decisions.urgent[row]),
                    float(decisions.urgency[row]),
                    extract_from_scan(Scan(window), as_local(batch[index][1])),
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
            signal_probs=outputs.get(TEXTCAT_SIGNAL),
            category_offsets=self._config.category_offsets,
        )

    def _predict(self, docs: list[Doc]) -> dict[str, np.ndarray]:
        """Each component's probabilities; shared sparse features are computed once."""
        outputs: dict[str, np.ndarray] = {}
        features: dict[int, Any] = {}
        for name, component in self._components.items():
            layers = component.model.layers
            if not docs:
                outputs[name] = np.zeros((0, len(cast(Any, component).labels)), dtype=np.float32)
                continue
            first = layers[0]
            if first.name != "buurtbot_hashed_features":
                outputs[name] = np.asarray(component.predict(docs))
                continue
            key = self._feature_group[name]
            if key not in features:
                features[key] = first.predict(docs)
            values = features[key]
            for layer in layers[1:]:
                values = layer.predict(values)
            outputs[name] = np.asarray(values)
        return outputs


_worker_analyzer: Analyzer | None = None  # set only inside forked worker processes


def _install_worker(analyzer: Analyzer) -> None:
    global _worker_analyzer
    _worker_analyzer = analyzer


def _worker_analyze(items: list[tuple[str, datetime | None]]) -> list[Analysis]:
    assert _worker_analyzer is not None
    return _worker_analyzer.analyze_many(items)


def _feature_groups(components: dict[str, TrainablePipe]) -> dict[str, int]:
    """Components whose featurizers are identical (attributes and IDF table) share a group,
    so their sparse features are computed once per batch."""
    groups: dict[str, int] = {}
    seen: list[Any] = []
    for name, component in components.items():
        first = component.model.layers[0]
        for index, other in enumerate(seen):
            same = other.attrs == first.attrs and other.name == first.name
            if same and other.has_param("idf") and first.has_param("idf"):
                same = bool(np.array_equal(other.get_param("idf"), first.get_param("idf")))
            if same:
                groups[name] = index
                break
        else:
            groups[name] = len(seen)
            seen.append(first)
    return groups


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
