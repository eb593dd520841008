"""What the analyzer says about one message; free of spaCy, so the bot's process can read it
when the model runs in a worker process (``nlp.worker``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nlp.entities import Entities


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
