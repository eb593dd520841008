"""From model scores to decisions: category, subcategory, confidence and urgency per message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.corpus import split_label
from nlp.taxonomy import CATEGORIES

NO_SIGNAL_INDEX = len(CATEGORIES)  # category index of "geen"


@dataclass(frozen=True)
class Scores:
    """Model outputs for a batch; rows follow the input messages."""

    labels: Sequence[str]  # of ``label_probs``: categories (+ "geen") or category/subcategory
    label_probs: np.ndarray
    subcategory_labels: Sequence[str]  # "category/subcategory"; empty for the joint scheme
    subcategory_probs: np.ndarray | None
    urgency: np.ndarray
    # Further category models over CATEGORIES + "geen" (averaged with ``label_probs``).
    more_category_probs: Sequence[np.ndarray] = ()
    subcategory_weight: float = 0.0
    signal_probs: np.ndarray | None = None  # columns: signal, geen
    category_offsets: Sequence[float] = ()  # log-prior offsets per category (+ geen)


@dataclass(frozen=True)
class Decisions:
    category_index: np.ndarray  # index into CATEGORIES, NO_SIGNAL_INDEX for "geen"
    confidence: np.ndarray
    subcategory: list[str | None]
    urgency: np.ndarray
    urgent: np.ndarray


def decide(scores: Scores, urgency_threshold: float = 0.5) -> Decisions:
    """Category = highest probability; subcategory = the best one within that category.

    Urgent = urgency probability at or above the threshold, and never for "geen".
    """
    per_category = category_probabilities(scores)
    index = per_category.argmax(axis=1) if len(per_category) else np.zeros(0, dtype=int)
    confidence = per_category[np.arange(len(index)), index] if len(index) else np.zeros(0)
    if scores.subcategory_probs is not None:
        sub_labels, sub_probs = scores.subcategory_labels, scores.subcategory_probs
    else:
        sub_labels, sub_probs = scores.labels, scores.label_probs
    sub_category = _category_of(sub_labels)
    masked = np.where(sub_category[None, :] == index[:, None], sub_probs, -1.0)
    best = masked.argmax(axis=1) if len(masked) else np.zeros(0, dtype=int)
    names = [split_label(label)[1] for label in sub_labels]
    subcategory = [
        names[b] if i != NO_SIGNAL_INDEX else None
        for i, b in zip(index.tolist(), best.tolist(), strict=True)
    ]
    urgent = (scores.urgency >= urgency_threshold) & (index != NO_SIGNAL_INDEX)
    return Decisions(index, confidence, subcategory, scores.urgency, urgent)


def category_probabilities(scores: Scores) -> np.ndarray:
    """P(category) per message: the category models averaged, then the choice between the
    signal categories blended with the subcategory model's view (which saw only signals)."""
    onehot = np.eye(NO_SIGNAL_INDEX + 1, dtype=np.float32)
    per_category = scores.label_probs @ onehot[_category_of(scores.labels)]
    if scores.more_category_probs:
        per_category = (per_category + sum(scores.more_category_probs)) / (
            1 + len(scores.more_category_probs)
        )
    weight = scores.subcategory_weight
    if weight and scores.subcategory_probs is not None and len(per_category):
        by_sub = scores.subcategory_probs @ onehot[_category_of(scores.subcategory_labels)]
        signal = per_category[:, :NO_SIGNAL_INDEX].sum(axis=1, keepdims=True)
        per_category = per_category.copy()
        per_category[:, :NO_SIGNAL_INDEX] = (1 - weight) * per_category[
            :, :NO_SIGNAL_INDEX
        ] + weight * signal * by_sub[:, :NO_SIGNAL_INDEX]
    if scores.signal_probs is not None and scores.subcategory_probs is not None:
        # Hierarchical estimate: P(signal) x P(category | signal) from the subcategory model.
        by_sub = scores.subcategory_probs @ onehot[_category_of(scores.subcategory_labels)]
        hierarchical = np.concatenate(
            [scores.signal_probs[:, :1] * by_sub[:, :NO_SIGNAL_INDEX], scores.signal_probs[:, 1:]],
            axis=1,
        )
        per_category = (per_category + hierarchical) / 2
    if len(scores.category_offsets) and len(per_category):
        shifted = per_category * np.exp(np.asarray(scores.category_offsets, dtype=np.float32))
        per_category = shifted / shifted.sum(axis=1, keepdims=True)
    return per_category


def category_name(index: int) -> str:
    return CATEGORIES[index] if index < NO_SIGNAL_INDEX else "geen"


def _category_of(labels: Sequence[str]) -> np.ndarray:
    out = []
    for label in labels:
        category, _ = split_label(label)
        out.append(CATEGORIES.index(category) if category in CATEGORIES else NO_SIGNAL_INDEX)
    return np.asarray(out, dtype=np.int64)
