"""All extractors together: locations, plates, times and the signalement of one message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nlp.lexicon import Scan
from nlp.locations import Location, find_locations
from nlp.plates import Plate, find_plates
from nlp.signalement import Signalement, find_signalement
from nlp.textnorm import ENTITY_MAX_CHARS, clean
from nlp.times import TimeMention, find_times


@dataclass(frozen=True, slots=True)
class Entities:
    """What the extractors found; offsets refer to the cleaned, capped text."""

    locations: tuple[Location, ...] = ()
    plates: tuple[Plate, ...] = ()
    times: tuple[TimeMention, ...] = ()
    signalement: Signalement = field(default_factory=Signalement)

    def to_dict(self) -> dict[str, Any]:
        return {
            "locations": [loc.to_dict() for loc in self.locations],
            "plates": [plate.to_dict() for plate in self.plates],
            "times": [mention.to_dict() for mention in self.times],
            "signalement": self.signalement.to_dict(),
        }


EMPTY = Entities()


def extract_entities(text: str, sent_at: datetime) -> Entities:
    """Run every extractor on the first ENTITY_MAX_CHARS characters of ``text``."""
    window = clean(text, ENTITY_MAX_CHARS)
    if not window.strip():
        return EMPTY
    return extract_from_scan(Scan(window), sent_at)


def extract_from_scan(scan: Scan, sent_at: datetime) -> Entities:
    """Extractors on an already cleaned and scanned text (the analyzer's batch path)."""
    plates = find_plates(scan)
    locations = find_locations(scan)
    taken = [(p.start, p.end) for p in plates]
    # A postcode-shaped plate ("kenteken 1234AB") belongs to the plate.
    locations = [loc for loc in locations if not _overlaps(loc.start, loc.end, taken)]
    taken += [(loc.start, loc.end) for loc in locations if loc.kind in {"address", "postcode"}]
    # "Dorpsstraat 12-2" is an address, not the 12th of February.
    times = [t for t in find_times(scan, sent_at) if not _overlaps(t.start, t.end, taken)]
    return Entities(
        locations=tuple(locations),
        plates=tuple(plates),
        times=tuple(times),
        signalement=find_signalement(scan, plates),
    )


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)
