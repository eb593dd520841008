"""Decisions on top of the model scores: the category, its confidence and urgency."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nlp.lexicon import Scan
from nlp.taxonomy import CATEGORIES

NO_SIGNAL_INDEX = len(CATEGORIES)


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    category_index: int
    confidence: float
    urgent: bool
    urgency: float
    subcategory: str | None = None


def apply_rules(
    scan: Scan, per_category: np.ndarray, urgency: float, threshold: float
) -> RuleVerdict:
    """The category with the highest summed probability; urgent above the threshold."""
    index = int(np.argmax(per_category))
    urgent = index != NO_SIGNAL_INDEX and urgency >= threshold
    return RuleVerdict(index, float(per_category[index]), urgent, urgency)
