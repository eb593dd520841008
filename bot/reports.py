"""Guided reporting (/melding): the draft a member fills in, its checks, and its submission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.models import (
    CATEGORIES,
    URGENT_CAPABLE,
    Signal,
    SignalDraft,
    Source,
    is_subcategory,
)
from nlp.locations import street_of
from nlp.times import parse_moment
from storage.signals import SignalRepository
from storage.timeutil import from_epoch

MAX_DESCRIPTION = 1000
MIN_DESCRIPTION = 3
MAX_WHERE = 200
MIN_WHERE = 2
MAX_AGE = timedelta(days=366)
FUTURE_SLACK = timedelta(minutes=5)

# The clock time that stands for a part of the day when nobody knows the exact time.
PARTS: dict[str, time] = {
    "ochtend": time(9, 0),
    "middag": time(15, 0),
    "avond": time(21, 0),
    "nacht": time(3, 0),
}


class Step(StrEnum):
    GROUP = "group"
    CATEGORY = "category"
    SUBCATEGORY = "subcategory"
    NOW = "now"
    SAAR = "saar"
    WHERE = "where"
    WHEN = "when"
    WHEN_PART = "when_part"
    WHAT = "what"
    PHOTO = "photo"
    NAME = "name"
    SUMMARY = "summary"
    CHANGE = "change"


class Problem(StrEnum):
    """Why an answer was not accepted; each has a catalogue text."""

    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    NOT_UNDERSTOOD = "not_understood"
    FUTURE = "future"
    TOO_OLD = "too_old"
    BAD_LOCATION = "bad_location"


@dataclass
class Draft:
    """Typed view on a conversation's ``data`` dict (which is what gets persisted)."""

    data: dict[str, Any]

    def get(self, key: str) -> Any:
        return self.data.get(key)

    @property
    def group_id(self) -> int | None:
        value = self.data.get("group_id")
        return int(value) if value is not None else None

    @property
    def category(self) -> str | None:
        return self.data.get("category")

    @property
    def happening_now(self) -> bool:
        return bool(self.data.get("now"))

    @property
    def urgent(self) -> bool:
        return self.happening_now and self.category in URGENT_CAPABLE

    @property
    def occurred_at(self) -> datetime | None:
        value = self.data.get("occurred_at")
        return from_epoch(value) if value is not None else None


def next_step(step: Step, draft: Draft) -> Step:
    """The step after ``step`` for a first pass; a change returns to the summary instead."""
    if draft.get("changing") and step is not Step.CATEGORY:
        return Step.SUMMARY
    order = {
        Step.GROUP: Step.CATEGORY,
        Step.CATEGORY: Step.SUBCATEGORY,
        Step.SUBCATEGORY: Step.NOW,
        Step.NOW: Step.SAAR if draft.urgent else Step.WHERE,
        Step.SAAR: Step.WHERE,
        Step.WHERE: Step.WHAT if draft.happening_now else Step.WHEN,
        Step.WHEN: Step.WHAT,
        Step.WHEN_PART: Step.WHAT,
        Step.WHAT: Step.NAME if draft.get("photo_ref") else Step.PHOTO,
        Step.PHOTO: Step.NAME,
        Step.NAME: Step.SUMMARY,
    }
    return order.get(step, Step.SUMMARY)


def check_category(category: str) -> bool:
    return category in CATEGORIES


def check_subcategory(category: str | None, subcategory: str) -> bool:
    return category is not None and is_subcategory(category, subcategory)


def check_text(text: str, minimum: int, maximum: int) -> Problem | None:
    stripped = text.strip()
    if len(stripped) > maximum:
        return Problem.TOO_LONG
    if len(stripped) < minimum:
        return Problem.TOO_SHORT
    return None


def check_location(latitude: float, longitude: float) -> Problem | None:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return Problem.BAD_LOCATION
    return None


def day_part_moment(days_ago: int, part: str | None, now: datetime, tz: ZoneInfo) -> datetime:
    """The moment standing for 'earlier today' / 'yesterday' and a part of the day."""
    local_now = now.astimezone(tz)
    day = local_now.date() - timedelta(days=days_ago)
    if part in PARTS:
        return datetime.combine(day, PARTS[part], tzinfo=tz)
    # Unknown time: noon of that day, or now when 'earlier today' is still morning.
    candidate = datetime.combine(day, time(12, 0), tzinfo=tz)
    return min(candidate, local_now)


def check_moment(moment: datetime, now: datetime) -> Problem | None:
    if moment > now + FUTURE_SLACK:
        return Problem.FUTURE
    if moment < now - MAX_AGE:
        return Problem.TOO_OLD
    return None


def typed_moment(text: str, now: datetime, tz: ZoneInfo) -> datetime | Problem:
    """A typed answer to 'wanneer?' as a moment, or why it cannot be used."""
    if len(text) > MAX_WHERE:
        return Problem.NOT_UNDERSTOOD
    parsed = parse_moment(text, now.astimezone(tz))
    if parsed is None:
        return Problem.NOT_UNDERSTOOD
    return check_moment(parsed, now) or parsed


def part_fits(days_ago: int, part: str, now: datetime, tz: ZoneInfo) -> bool:
    """False when 'earlier today, in the evening' is asked in the morning."""
    return check_moment(day_part_moment(days_ago, part, now, tz), now) is None


async def submit(
    signals: SignalRepository, draft: Draft, reporter_id: int | None, now: datetime
) -> Signal:
    """Store the finished draft as a guided signal."""
    category = draft.category
    occurred = draft.occurred_at or now
    assert category is not None and draft.group_id is not None
    location_text = draft.get("location_text")
    return await signals.add(
        SignalDraft(
            group_id=draft.group_id,
            reporter_id=reporter_id,
            category=category,
            subcategory=draft.get("subcategory"),
            urgent=draft.urgent,
            called_112=bool(draft.get("called_112")),
            source=Source.GUIDED,
            occurred_at=occurred,
            reported_at=now,
            street=street_of(location_text) if location_text else None,
            description=draft.get("description"),
            location_text=location_text,
            lat=draft.get("lat"),
            lon=draft.get("lon"),
            photo_ref=draft.get("photo_ref"),
            show_name=bool(draft.get("show_name")),
        )
    )
