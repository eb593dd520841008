"""Train the classifier deterministically; rebuild it only when its inputs changed."""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch
from thinc.api import Adam

from nlp.corpus import (
    TRAIN_DIR,
    Correction,
    Message,
    corpus_files,
    fingerprint,
    from_corrections,
    load_messages,
)
from nlp.pipeline import (
    META_FILE,
    TEXTCAT,
    URGENCY,
    URGENT_LABEL,
    ModelConfig,
    build_pipeline,
    joint_labels,
    read_meta,
)

# Bump when code that shapes the trained model changes (features, labels, training loop),
# so that ensure_model retrains models built by older code.
CODE_VERSION = "1"
DEFAULT_MODEL_DIR = Path("var/model")
DEFAULT_CONFIG = ModelConfig()


@dataclass(frozen=True)
class TrainReport:
    """What was trained, on what, and how long it took."""

    model_dir: str
    seed: int
    examples: int
    corrections: int
    per_category: dict[str, int]
    urgent_examples: int
    epochs: int
    seconds: float
    losses: dict[str, float]
    fingerprint: str
    config: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def render(self) -> str:
        counts = ", ".join(f"{label} {n}" for label, n in sorted(self.per_category.items()))
        losses = ", ".join(f"{name} {value:.3f}" for name, value in self.losses.items())
        return "\n".join(
            [
                f"Model written to {self.model_dir}",
                f"  examples     {self.examples} ({counts}); urgent {self.urgent_examples}",
                f"  corrections  {self.corrections}",
                f"  training     {self.epochs} epochs, seed {self.seed}, {self.seconds:.1f} s",
                f"  final loss   {losses}",
                f"  architecture {self.config.get('architecture')}",
                f"  fingerprint  {self.fingerprint[:16]}",
            ]
        )


def model_fingerprint(config: ModelConfig = DEFAULT_CONFIG, train_dir: Path = TRAIN_DIR) -> str:
    """Fingerprint of the corpus files, the training config and the code version."""
    return fingerprint(corpus_files(train_dir), config.to_json(), CODE_VERSION)


def train(
    out_dir: Path | str,
    *,
    seed: int = 0,
    corrections: Iterable[Correction] = (),
    config: ModelConfig = DEFAULT_CONFIG,
    messages: Sequence[Message] | None = None,
) -> TrainReport:
    """Train on the training split (plus corrections) and write the model to ``out_dir``.

    ``messages`` replaces the corpus (tests train on a small subset); the fingerprint then
    covers those messages instead of the corpus files.
    """
    out = Path(out_dir)
    extra = from_corrections(corrections)
    corpus = list(messages) if messages is not None else load_messages(TRAIN_DIR)
    data = [*corpus, *extra]
    if not data:
        raise ValueError("no training examples: the corpus is empty")
    started = time.perf_counter()
    nlp, losses = train_pipeline(data, config, seed)
    seconds = time.perf_counter() - started
    if messages is None:
        print_ = model_fingerprint(config)
    else:
        print_ = fingerprint([], config.to_json(), CODE_VERSION, *(m.text for m in data))
    if extra:
        # Corrections change the model but are not corpus files: never mistake it for fresh.
        print_ = fingerprint([], print_, *(f"{m.text}\t{m.joint_label}" for m in extra))
    report = TrainReport(
        model_dir=str(out),
        seed=seed,
        examples=len(data),
        corrections=len(extra),
        per_category=dict(Counter(m.category for m in data)),
        urgent_examples=sum(m.urgent for m in data),
        epochs=config.epochs,
        seconds=round(seconds, 2),
        losses={name: round(value, 4) for name, value in losses.items()},
        fingerprint=print_,
        config=json.loads(config.to_json()),
    )
    _write_atomically(nlp, out, report)
    return report


def ensure_model(path: Path | str = DEFAULT_MODEL_DIR) -> Path:
    """The model directory, trained first when it is missing or its fingerprint is stale."""
    model_dir = Path(path)
    meta = read_meta(model_dir)
    if meta.get("fingerprint") != model_fingerprint() or not (model_dir / "config.cfg").is_file():
        train(model_dir)
    return model_dir


def train_pipeline(
    messages: Sequence[Message], config: ModelConfig, seed: int
) -> tuple[Language, dict[str, float]]:
    """Build and train the pipeline in memory; same messages, config and seed give same model."""
    fix_random_seed(seed)
    nlp = build_pipeline(config)
    labels = joint_labels()
    docs = [nlp.make_doc(m.text) for m in messages]
    label_examples = [
        Example.from_dict(doc, {"cats": {label: float(label == m.joint_label) for label in labels}})
        for doc, m in zip(docs, messages, strict=True)
    ]
    urgency_examples = [
        Example.from_dict(doc, {"cats": {URGENT_LABEL: float(m.urgent)}})
        for doc, m in zip(docs, messages, strict=True)
    ]
    # Parameter averaging doubles the cost of every step on the dense weight table.
    optimizer = Adam(config.learn_rate, use_averages=config.averages)
    textcat = cast(TrainablePipe, nlp.get_pipe(TEXTCAT))
    urgency = cast(TrainablePipe, nlp.get_pipe(URGENCY))
    textcat.initialize(lambda: label_examples, nlp=nlp)
    urgency.initialize(lambda: urgency_examples, nlp=nlp)
    order = list(range(len(messages)))
    rng = random.Random(seed)
    losses: dict[str, float] = {}
    for _ in range(config.epochs):
        rng.shuffle(order)
        losses = {}
        for batch in minibatch(order, config.batch_size):
            # Component updates directly: Language.update copies every Example per call.
            textcat.update([label_examples[i] for i in batch], sgd=optimizer, losses=losses)
            urgency.update([urgency_examples[i] for i in batch], sgd=optimizer, losses=losses)
    return nlp, losses


def _write_atomically(nlp: Language, out: Path, report: TrainReport) -> None:
    """Write into a sibling temp dir and swap it in, so a crash never leaves half a model."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        nlp.to_disk(staging)
        meta = {**report.as_dict(), "code_version": CODE_VERSION}
        (staging / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True), "utf-8")
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def predict_labels(nlp: Language, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Joint labels and urgency probabilities for texts (used by experiments and evaluation)."""
    labels: list[str] = []
    urgency = np.zeros(len(texts), dtype=np.float32)
    for i, doc in enumerate(nlp.pipe(texts, batch_size=512)):
        labels.append(
            max(doc.cats.items(), key=lambda item: item[1] if item[0] != URGENT_LABEL else -1)[0]
        )
        urgency[i] = doc.cats.get(URGENT_LABEL, 0.0)
    return labels, urgency
