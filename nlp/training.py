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

from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch
from thinc.api import Adam

from nlp.corpus import (
    HELDOUT_DIR,
    TRAIN_DIR,
    Correction,
    Message,
    corpus_files,
    fingerprint,
    from_corrections,
    load_messages,
)
from nlp.features import fit_idf
from nlp.pipeline import (
    META_FILE,
    SIGNAL_LABELS,
    SUBCATEGORY,
    TEXTCAT,
    TEXTCAT_SIGNAL,
    TEXTCAT_WORDS,
    URGENCY,
    URGENT_LABEL,
    ModelConfig,
    build_pipeline,
    category_labels,
    joint_labels,
    read_meta,
    subcategory_labels,
    word_model_labels,
)
from nlp.taxonomy import NO_SIGNAL

# Bump when code that shapes the trained model changes (features, labels, training loop),
# so that ensure_model retrains models built by older code.
CODE_VERSION = "6"
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
    covers those messages instead of the corpus files. Corrections do not enter the
    fingerprint: a model trained with them stays fresh until the corpus or code changes
    (ensure_model cannot read the database, so it must not discard them).
    """
    out = Path(out_dir)
    extra = from_corrections(corrections, load_messages(HELDOUT_DIR)) if corrections else []
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
    # The bag-of-features textcats read only ``reference.cats``, so their examples can share
    # the doc; spaCy's own architectures need a full copy (Example.from_dict).
    share = config.architecture == "hashed"
    nlp = build_pipeline(config)
    docs = [nlp.make_doc(m.text) for m in messages]
    joint = config.label_scheme == "joint"
    # Each component learns from its own examples: the category (or joint label) from all
    # messages, the subcategory from signals only, urgency from all messages.
    tasks: list[tuple[TrainablePipe, list[Example | None]]] = [
        (
            _component(nlp, TEXTCAT),
            _examples(
                docs,
                [m.joint_label if joint else m.category for m in messages],
                joint_labels() if joint else category_labels(),
                share,
            ),
        ),
        (
            _component(nlp, URGENCY),
            [
                _example(doc, {URGENT_LABEL: float(m.urgent)}, share)
                for doc, m in zip(docs, messages, strict=True)
            ],
        ),
    ]
    if TEXTCAT_SIGNAL in nlp.pipe_names:
        signal = [SIGNAL_LABELS[m.category == NO_SIGNAL] for m in messages]
        tasks.append(
            (_component(nlp, TEXTCAT_SIGNAL), _examples(docs, signal, SIGNAL_LABELS, share))
        )
    if TEXTCAT_WORDS in nlp.pipe_names:
        labels = word_model_labels()
        categories = [labels[category_labels().index(m.category)] for m in messages]
        tasks.append((_component(nlp, TEXTCAT_WORDS), _examples(docs, categories, labels, share)))
    if not joint:
        subcategories = [m.joint_label if m.category != NO_SIGNAL else None for m in messages]
        tasks.append(
            (
                _component(nlp, SUBCATEGORY),
                _examples(docs, subcategories, subcategory_labels(), share),
            )
        )
    # Parameter averaging doubles the cost of every step on the dense weight table.
    optimizer = Adam(config.learn_rate, use_averages=config.averages)
    fitted: dict[str, Any] = {}
    for component, examples in tasks:
        present = [e for e in examples if e is not None]
        component.initialize(lambda present=present: present, nlp=nlp)
        featurizer = component.model.layers[0]
        if featurizer.name == "buurtbot_hashed_features":
            # One IDF table per kind of features, from all training messages, so components
            # with the same features can share them at inference (analyzer._predict).
            kind = repr(sorted(featurizer.attrs.items()))
            if kind not in fitted:
                fit_idf(featurizer, docs)
                fitted[kind] = featurizer.get_param("idf")
            featurizer.set_param("idf", fitted[kind])
    order = list(range(len(messages)))
    rng = random.Random(seed)
    losses: dict[str, float] = {}
    for _ in range(config.epochs):
        rng.shuffle(order)
        losses = {}
        for batch in minibatch(order, config.batch_size):
            for component, examples in tasks:
                chosen = [e for e in (examples[i] for i in batch) if e is not None]
                if chosen:
                    # Component updates directly: Language.update copies every Example per call.
                    component.update(chosen, sgd=optimizer, losses=losses)
    return nlp, losses


def _component(nlp: Language, name: str) -> TrainablePipe:
    return cast(TrainablePipe, nlp.get_pipe(name))


def _examples(
    docs: list[Doc], labels: Sequence[str | None], component_labels: Sequence[str], share: bool
) -> list[Example | None]:
    """One-hot examples over all of a textcat's labels; None where a message has no label.

    Every label must be present: spaCy treats a label missing from ``cats`` as unknown and
    would never push its score down.
    """
    return [
        None
        if label is None
        else _example(doc, {other: float(other == label) for other in component_labels}, share)
        for doc, label in zip(docs, labels, strict=True)
    ]


def _example(doc: Doc, cats: dict[str, float], share: bool) -> Example:
    """A text-classification example; with ``share`` the doc is not copied token by token."""
    if share:
        reference = Doc(doc.vocab, words=[])
        reference.cats = cats
        return Example(doc, reference)
    return Example.from_dict(doc, {"cats": cats})


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
