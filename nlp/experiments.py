"""Architecture comparison by cross-validation on the training split (never on held-out).

Run ``python -m nlp.experiments`` to reproduce the table in nlp/README.md. Each candidate is
trained K times on K-1 folds and scored on the remaining fold; the reported figures are the
means over folds. The urgency threshold of the chosen model is picked here from out-of-fold
urgency probabilities (the highest threshold whose out-of-fold recall is at least
:data:`URGENCY_TARGET_RECALL`).
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from nlp.analyzer import Analyzer
from nlp.baseline import predict_baseline, train_baseline
from nlp.corpus import TRAIN_DIR, Message, load_messages
from nlp.decision import category_name, category_probabilities, decide
from nlp.evaluation import macro_f1
from nlp.locations import find_locations
from nlp.pipeline import ModelConfig
from nlp.taxonomy import CATEGORIES, NO_SIGNAL
from nlp.training import DEFAULT_CONFIG, train_pipeline

URGENCY_TARGET_RECALL = 0.95
# The candidate whose out-of-fold probabilities the class offsets are fitted on.
OFFSETS_FROM = "+ word-only category model in the mean"

# Single-model variants: no word-only second model, no subcategory blend, no lexicon.
_SINGLE = replace(
    DEFAULT_CONFIG,
    signal_model=False,
    word_model=False,
    translate=False,
    category_offsets=(0.0, 0.0, 0.0, 0.0),
)
_NO_OFFSETS = (0.0, 0.0, 0.0, 0.0)
_BINARY = replace(_SINGLE, tfidf=False, length=2**16)
CANDIDATES: dict[str, ModelConfig] = {
    "spaCy TextCatBOW, unigrams": replace(_BINARY, architecture="bow", ngram_size=1),
    "spaCy TextCatBOW, 1-2-grams": replace(_BINARY, architecture="bow"),
    "spaCy TextCatBOW, 1-3-grams": replace(_BINARY, architecture="bow", ngram_size=3),
    "hashed, 1-2-grams, lower case": replace(_BINARY, stems=False, char_ngrams=0),
    "hashed, 1-2-grams + stems + char 4-grams": _BINARY,
    "hashed, + TF-IDF weights": _SINGLE,
    "hashed, + TF-IDF + English/Flemish lexicon": replace(_SINGLE, translate=True),
    "+ signal model: mean with P(signal) x P(category given signal)": replace(
        DEFAULT_CONFIG, word_model=False, category_offsets=_NO_OFFSETS
    ),
    "+ word-only category model in the mean": replace(DEFAULT_CONFIG, category_offsets=_NO_OFFSETS),
    "+ class offsets fitted out-of-fold = chosen": DEFAULT_CONFIG,
    "chosen, 2^16 rows": replace(DEFAULT_CONFIG, length=2**16),
    "chosen, 2^17 rows": replace(DEFAULT_CONFIG, length=2**17),
    "chosen, 2^19 rows": replace(DEFAULT_CONFIG, length=2**19),
    "chosen, no char n-grams": replace(DEFAULT_CONFIG, char_ngrams=0),
    "chosen, char 3-grams": replace(DEFAULT_CONFIG, char_ngrams=3),
    "chosen, char 5-grams": replace(DEFAULT_CONFIG, char_ngrams=5),
    "chosen, no stems": replace(DEFAULT_CONFIG, stems=False),
    "chosen, 1-3-grams": replace(DEFAULT_CONFIG, ngram_size=3, urgency_ngram_size=3),
    "chosen, street/shop/number placeholders": replace(DEFAULT_CONFIG, normalise=True),
    "chosen, subcategory table 2^16 rows": replace(DEFAULT_CONFIG, subcategory_length=2**16),
    "single model, one joint category/subcategory textcat": replace(_SINGLE, label_scheme="joint"),
    "spaCy TextCatReduce (CNN tok2vec)": replace(_SINGLE, architecture="cnn", epochs=6),
    "spaCy TextCatEnsemble (CNN + BOW)": replace(_SINGLE, architecture="ensemble", epochs=6),
}


@dataclass(frozen=True)
class CvResult:
    name: str
    macro_f1: float
    subcategory_accuracy: float
    urgency_recall: float
    urgency_precision: float
    train_seconds: float
    predict_us: float
    oof_urgency: np.ndarray | None = None
    oof_signal: np.ndarray | None = None
    oof_category: np.ndarray | None = None  # P(category) before the class offsets


def folds(messages: Sequence[Message], k: int, seed: int) -> list[int]:
    """A fold number per message, stratified by joint label, deterministic for a seed."""
    by_label: dict[str, list[int]] = {}
    for index, message in enumerate(messages):
        by_label.setdefault(message.joint_label, []).append(index)
    assignment = [0] * len(messages)
    rng = random.Random(seed)
    offset = 0
    for label in sorted(by_label):
        indices = by_label[label]
        rng.shuffle(indices)
        for position, index in enumerate(indices):
            assignment[index] = (position + offset) % k
        offset += len(indices)
    return assignment


def street_folds(messages: Sequence[Message], k: int, seed: int) -> list[int]:
    """Folds where all messages naming the same street or landmark share a fold.

    The held-out split uses streets and landmarks that training never saw; this split
    imitates that on the training data, so it estimates held-out quality more honestly.
    """
    assignment = folds(messages, k, seed)
    for index, message in enumerate(messages):
        names = [(loc.street or loc.landmark or "").lower() for loc in find_locations(message.text)]
        names = [name for name in names if name]
        if names:
            assignment[index] = zlib.crc32(names[0].encode()) % k
    return assignment


def cross_validate(
    name: str,
    config: ModelConfig,
    messages: Sequence[Message],
    k: int,
    seed: int,
    fold_of: list[int] | None = None,
) -> CvResult:
    fold_of = fold_of if fold_of is not None else folds(messages, k, seed)
    guess_all = [NO_SIGNAL] * len(messages)  # indexed like ``messages``
    sub_hits = sub_total = 0
    oof = np.zeros(len(messages), dtype=np.float32)
    oof_category = np.zeros((len(messages), len(CATEGORIES) + 1), dtype=np.float32)
    train_seconds = predict_seconds = 0.0
    for fold in range(k):
        train = [m for m, f in zip(messages, fold_of, strict=True) if f != fold]
        test_index = [i for i, f in enumerate(fold_of) if f == fold]
        test = [messages[i] for i in test_index]
        started = time.perf_counter()
        nlp, _ = train_pipeline(train, config, seed)
        train_seconds += time.perf_counter() - started
        analyzer = Analyzer(nlp, config)
        started = time.perf_counter()
        scores = analyzer.scores([m.text for m in test])
        predict_seconds += time.perf_counter() - started
        decisions = decide(scores, config.urgency_threshold)
        oof_category[test_index] = category_probabilities(replace(scores, category_offsets=()))
        urgency = scores.urgency
        for row, message in enumerate(test):
            category = category_name(int(decisions.category_index[row]))
            subcategory = decisions.subcategory[row]
            guess_all[test_index[row]] = category
            if category == message.category and message.subcategory is not None:
                sub_total += 1
                sub_hits += subcategory == message.subcategory
        oof[test_index] = urgency
    urgent = np.array([m.urgent for m in messages])
    signal = np.array([g != NO_SIGNAL for g in guess_all])
    # As in the analyzer: a message classified as geen is never urgent.
    flagged = (oof >= config.urgency_threshold) & signal
    return CvResult(
        name=name,
        macro_f1=macro_f1([m.category for m in messages], guess_all),
        subcategory_accuracy=sub_hits / sub_total if sub_total else 0.0,
        urgency_recall=float((flagged & urgent).sum() / max(1, urgent.sum())),
        urgency_precision=float((flagged & urgent).sum() / max(1, flagged.sum())),
        train_seconds=train_seconds / k,
        predict_us=predict_seconds / len(messages) * 1e6,
        oof_urgency=oof,
        oof_signal=signal,
        oof_category=oof_category,
    )


def baseline_cv(
    messages: Sequence[Message], k: int, seed: int, fold_of: list[int] | None = None
) -> CvResult:
    fold_of = fold_of if fold_of is not None else folds(messages, k, seed)
    gold: list[str] = []
    guess: list[str] = []
    seconds = 0.0
    for fold in range(k):
        train = [m for m, f in zip(messages, fold_of, strict=True) if f != fold]
        test = [m for m, f in zip(messages, fold_of, strict=True) if f == fold]
        started = time.perf_counter()
        model = train_baseline([m.text for m in train], [m.category for m in train], seed)
        seconds += time.perf_counter() - started
        gold += [m.category for m in test]
        guess += predict_baseline(model, [m.text for m in test])
    return CvResult("Signalen method (TF-IDF + LR)", macro_f1(gold, guess), 0, 0, 0, seconds / k, 0)


def fit_offsets(probs: np.ndarray, gold: Sequence[str]) -> tuple[float, ...]:
    """Log-prior offsets (criminaliteit, overlast, zorg; geen fixed at 0) on a 0.1 grid
    that maximise macro-F1 of out-of-fold predictions."""
    labels = [*CATEGORIES, NO_SIGNAL]
    logs = np.log(probs + 1e-9)
    grid = np.round(np.arange(-0.6, 0.61, 0.1), 1)
    best_score, best = -1.0, (0.0, 0.0, 0.0, 0.0)
    for a, b, c in itertools.product(grid, grid, grid):
        offsets = np.array([a, b, c, 0.0])
        guess = [labels[i] for i in (logs + offsets).argmax(axis=1)]
        score = macro_f1(gold, guess)
        if score > best_score + 1e-9:
            best_score, best = score, (float(a), float(b), float(c), 0.0)
    return best


def choose_threshold(
    oof: np.ndarray, urgent: np.ndarray, signal: np.ndarray, target: float
) -> float:
    """Highest threshold (step 0.01) whose out-of-fold urgency recall reaches ``target``."""
    for threshold in np.arange(0.95, 0.0, -0.01):
        flagged = (oof >= threshold) & signal
        recall = (flagged & urgent).sum() / max(1, urgent.sum())
        if recall >= target:
            return round(float(threshold), 2)
    return 0.01


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*", help="substrings of candidate names to run")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-grouped", action="store_true", help="skip the street-grouped CV")
    args = parser.parse_args(argv)
    messages = load_messages(TRAIN_DIR)
    grouped = None if args.no_grouped else street_folds(messages, args.folds, args.seed)
    print(f"{len(messages)} training messages, {args.folds}-fold cross-validation\n")
    print(
        "| candidate | macro-F1 CV | macro-F1 street-grouped CV | subcat acc | urgency R | "
        "urgency P | train s/fold | µs/msg (model) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    results = []
    offsets_found: tuple[float, ...] | None = None
    if not args.no_baseline:
        base = baseline_cv(messages, args.folds, args.seed)
        base_grouped = baseline_cv(messages, args.folds, args.seed, grouped) if grouped else None
        print(
            f"| {base.name} | {base.macro_f1:.3f} | "
            f"{base_grouped.macro_f1 if base_grouped else float('nan'):.3f} | – | – | – | "
            f"{base.train_seconds:.1f} | – |",
            flush=True,
        )
    for name, config in CANDIDATES.items():
        if args.only and not any(part in name for part in args.only):
            continue
        result = cross_validate(name, config, messages, args.folds, args.seed)
        grouped_result = (
            cross_validate(name, config, messages, args.folds, args.seed, grouped)
            if grouped
            else None
        )
        grouped_f1 = grouped_result.macro_f1 if grouped_result else float("nan")
        results.append(result)
        if name == OFFSETS_FROM and result.oof_category is not None:
            pooled = [result.oof_category]
            if grouped_result is not None and grouped_result.oof_category is not None:
                pooled.append(grouped_result.oof_category)
            gold = [m.category for m in messages] * len(pooled)
            offsets_found = fit_offsets(np.concatenate(pooled), gold)
        print(
            f"| {name} | {result.macro_f1:.3f} | {grouped_f1:.3f} | "
            f"{result.subcategory_accuracy:.3f} | {result.urgency_recall:.3f} | "
            f"{result.urgency_precision:.3f} | {result.train_seconds:.1f} | "
            f"{result.predict_us:.0f} |",
            flush=True,
        )
    if offsets_found is not None:
        print(f"class offsets fitted out-of-fold ({OFFSETS_FROM}): {offsets_found}")
    urgent = np.array([m.urgent for m in messages])
    for result in results:
        if result.oof_urgency is not None and result.oof_signal is not None:
            threshold = choose_threshold(
                result.oof_urgency, urgent, result.oof_signal, URGENCY_TARGET_RECALL
            )
            print(
                f"urgency threshold for out-of-fold recall >= {URGENCY_TARGET_RECALL}: "
                f"{threshold} ({result.name})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
