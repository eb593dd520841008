"""Rules on top of the model decision, each kept only where it measurably helps (README)."""

from __future__ import annotations

from dataclasses import dataclass

from nlp.decision import NO_SIGNAL_INDEX
from nlp.lexicon import Scan


@dataclass(frozen=True, slots=True)
class Verdict:
    category_index: int
    subcategory: str | None
    confidence: float
    urgent: bool
    urgency: float


def adjust(
    scan: Scan,
    category_index: int,
    subcategory: str | None,
    confidence: float,
    urgency: float,
    threshold: float,
) -> Verdict:
    """The final decision for one message. A message without a signal is never urgent."""
    urgent = category_index != NO_SIGNAL_INDEX and urgency >= threshold
    return Verdict(category_index, subcategory, confidence, urgent, urgency)
