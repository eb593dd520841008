"""Domain types of coordinator insight: partners, summary settings, trend and week figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.models import CATEGORIES, Status, User

# A signal has *partner follow-up* when its status moved beyond OPEN (passed on, being handled,
# handled) or when a partner gave feedback on it (a 'feedback' event). Withdrawn signals
# (INGETROKKEN) are never counted, neither as signals nor as follow-up.
FOLLOW_UP_STATUSES: tuple[Status, ...] = (
    Status.DOORGEZET,
    Status.IN_BEHANDELING,
    Status.AFGEHANDELD,
)
# Waiting for a partner: passed on but not yet handled.
WITH_PARTNER_STATUSES: tuple[Status, ...] = (Status.DOORGEZET, Status.IN_BEHANDELING)
FEEDBACK_EVENT = "feedback"  # a partner's terugkoppeling on a signal
STATUS_EVENT = "status"  # a status change (see SignalRepository.set_status)
FOLLOW_UP_EVENTS: tuple[str, ...] = (FEEDBACK_EVENT, STATUS_EVENT)

# Parts of the day, by local hour: 0-6, 6-12, 12-18, 18-24.
DAY_PARTS: tuple[str, ...] = ("nacht", "ochtend", "middag", "avond")


class PartnerKind(StrEnum):
    WIJKAGENT = "wijkagent"
    GEMEENTE = "gemeente"
    HANDHAVING = "handhaving"


@dataclass(frozen=True)
class Partner:
    group_id: int
    user: User
    kind: PartnerKind
    added_at: datetime


class Redeemed(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"  # no such code, or already used
    EXPIRED = "expired"
    ALREADY = "already"  # this user is already a partner of that group (the code stays valid)
    INACTIVE = "inactive"  # the group left buurtbot


@dataclass(frozen=True)
class Redemption:
    outcome: Redeemed
    group_id: int | None = None
    kind: PartnerKind | None = None


@dataclass(frozen=True)
class SummarySettings:
    """When a group gets its weekly summary (wall-clock time in the bot's time zone)."""

    enabled: bool = True
    weekday: int = 6  # Monday = 0 ... Sunday = 6
    minute: int = 19 * 60  # minutes after local midnight

    @property
    def slot(self) -> tuple[int, int]:
        return self.weekday, self.minute


@dataclass(frozen=True)
class Change:
    """A count against the count of the period before."""

    current: int
    previous: int

    @property
    def percent(self) -> int | None:
        """Rounded change in percent; None when there was nothing before to compare with."""
        if self.previous == 0:
            return None
        return round((self.current - self.previous) * 100 / self.previous)

    @property
    def direction(self) -> str:
        """'up', 'down', 'same', 'new' (from nothing) or 'none' (nothing in either)."""
        if self.current == self.previous:
            return "none" if self.current == 0 else "same"
        if self.previous == 0:
            return "new"
        return "up" if self.current > self.previous else "down"


@dataclass(frozen=True)
class OpenSignal:
    """A signal without follow-up, as coordinators see it in their private chat (no reporter)."""

    id: int
    occurred_at: datetime
    category: str
    subcategory: str | None
    street: str | None


@dataclass
class WeekFigures:
    """What one group's weekly summary is made of (this week against last week)."""

    this_week: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    last_week: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    # (category, subcategory) -> (this week, last week)
    subcategories: dict[tuple[str, str | None], tuple[int, int]] = field(default_factory=dict)
    waiting: int = 0  # recent signals without any follow-up yet
    with_partner: int = 0  # passed on to a partner, not yet handled
    followed_up: int = 0  # signals that got follow-up (status change or feedback) this week
    new_members: int = 0
    active_members: int = 0

    @property
    def total(self) -> Change:
        return Change(sum(self.this_week.values()), sum(self.last_week.values()))

    def change(self, category: str) -> Change:
        return Change(self.this_week.get(category, 0), self.last_week.get(category, 0))
