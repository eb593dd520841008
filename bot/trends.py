"""What a group's signals show over a period, against the period of equal length before it.

Periods are whole local days. The shortcuts (``4w``, ``3m``, ``12m``; default the last four
weeks) are whole weeks ending today, so every week bar in the chart is a full week; an explicit
range (``2026-01-01 2026-03-31``) is split into weeks from its first day, the last possibly
shorter.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.insight_models import DAY_PARTS, Change, OpenSignal
from bot.models import CATEGORIES
from storage.timeutil import to_epoch
from storage.trends import TrendRepository

DEFAULT_WEEKS = 4
MAX_DAYS = 731  # two years: a longer range is refused
MAX_WEEKS = MAX_DAYS // 7
TOP_SUBCATEGORIES = 5
TOP_STREETS = 5


class PeriodProblem(StrEnum):
    MALFORMED = "malformed"  # not a period we understand
    BAD_DATE = "bad_date"  # looks like a date, but is not one (2026-02-30)
    FUTURE = "future"  # starts after today
    REVERSED = "reversed"  # ends before it starts
    TOO_LONG = "too_long"  # longer than MAX_DAYS


@dataclass(frozen=True)
class PeriodError:
    problem: PeriodProblem
    detail: str = ""


@dataclass(frozen=True)
class Period:
    """Local days ``first`` .. ``last`` (inclusive)."""

    first: date
    last: date
    token: str  # asks for the same period again (in button data and links)
    weeks: int | None = None  # set for the shortcuts: a whole number of weeks ending today

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def start(self, tz: ZoneInfo) -> datetime:
        return local_midnight(self.first, tz)

    def end(self, tz: ZoneInfo) -> datetime:
        return local_midnight(self.last + timedelta(days=1), tz)

    def previous(self) -> Period:
        """The period of equal length right before this one."""
        last = self.first - timedelta(days=1)
        return Period(last - timedelta(days=self.days - 1), last, "", self.weeks)

    def buckets(self) -> list[tuple[date, date]]:
        """The weeks of the period: (first day, last day), the last one possibly shorter."""
        out = []
        day = self.first
        while day <= self.last:
            out.append((day, min(day + timedelta(days=6), self.last)))
            day += timedelta(days=7)
        return out


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


# --- parsing -------------------------------------------------------------------------------

_SHORTCUT = re.compile(
    r"^(?P<n>\d{1,3})\s*(?P<unit>w|wk|wkn|week|weken|weeks?|m|mnd|maand|maanden|months?"
    r"|j|jr|jaar|y|yr|years?)$"
)
_DATE = re.compile(
    r"(?<!\d)(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<dd>\d{1,2})[-/.](?P<dm>\d{1,2})[-/.](?P<dy>\d{4})"
    r"|(?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2}))(?!\d)"
)
_BETWEEN = re.compile(
    r"^\s*(?:van|vanaf|from)?\s*"
    r"(?:(?:t/m|tm|tot en met|tot|en|to|until|till|through|_|-|–|—|\.\.)\s*)?$",
    re.IGNORECASE,
)


def _weeks_for(n: int, unit: str) -> int:
    if unit.startswith("w"):
        return n
    if unit.startswith("m"):
        return max(1, round(n * 52 / 12))
    return n * 52


def _shortcut_token(n: int, unit: str) -> str:
    return f"{n}{'w' if unit.startswith('w') else 'm' if unit.startswith('m') else 'j'}"


def _date(match: re.Match[str]) -> date | PeriodError:
    parts = match.groupdict()
    if parts["iy"]:
        y, m, d = parts["iy"], parts["im"], parts["id"]
    elif parts["dy"]:
        y, m, d = parts["dy"], parts["dm"], parts["dd"]
    else:
        y, m, d = parts["cy"], parts["cm"], parts["cd"]
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return PeriodError(PeriodProblem.BAD_DATE, match.group(0))


def parse_period(text: str, today: date) -> Period | PeriodError:
    """Read a period: '', '4w', '3m', '12m', '2026-01-01 2026-03-31', '1-1-2026 t/m 31-3-2026'.

    A single date means from that day until today. A range reaching beyond today ends today.
    """
    text = " ".join(text.strip().lower().split())[:100]
    if not text:
        return _last_weeks(DEFAULT_WEEKS, today, f"{DEFAULT_WEEKS}w")
    shortcut = _SHORTCUT.match(text)
    if shortcut:
        n, unit = int(shortcut.group("n")), shortcut.group("unit")
        weeks = _weeks_for(n, unit)
        if n == 0:
            return PeriodError(PeriodProblem.MALFORMED, text)
        if weeks > MAX_WEEKS:
            return PeriodError(PeriodProblem.TOO_LONG)
        return _last_weeks(weeks, today, _shortcut_token(n, unit))
    matches = list(_DATE.finditer(text))
    if not 1 <= len(matches) <= 2:
        return PeriodError(PeriodProblem.MALFORMED, text)
    rest = _DATE.sub(" ", text)
    if not _BETWEEN.match(rest):
        return PeriodError(PeriodProblem.MALFORMED, text)
    days = [_date(match) for match in matches]
    for day in days:
        if isinstance(day, PeriodError):
            return day
    first = days[0]
    last = days[1] if len(days) == 2 else today
    assert isinstance(first, date) and isinstance(last, date)
    if first > today:
        return PeriodError(PeriodProblem.FUTURE)
    if last < first:
        return PeriodError(PeriodProblem.REVERSED)
    last = min(last, today)
    if (last - first).days + 1 > MAX_DAYS:
        return PeriodError(PeriodProblem.TOO_LONG)
    return Period(first, last, f"{first:%Y%m%d}_{last:%Y%m%d}")


def _last_weeks(weeks: int, today: date, token: str) -> Period:
    return Period(today - timedelta(days=7 * weeks - 1), today, token, weeks)


# --- local time ----------------------------------------------------------------------------


def offset_segments(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """``[(from_epoch, utc_offset_seconds), ...]`` covering ``[start, end)`` in zone ``tz``."""

    def offset(epoch: int) -> int:
        delta = datetime.fromtimestamp(epoch, tz).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    first, last = to_epoch(start), to_epoch(end)
    segments = [(first, offset(first))]
    step = 86400  # zones change their offset a few times a year at most, never twice a day
    probe = first
    while probe < last:
        following = min(probe + step, last)
        if offset(following) != segments[-1][1]:
            low, high = probe, following  # offset(low) is the old one, offset(high) the new
            while high - low > 1:
                middle = (low + high) // 2
                if offset(middle) == segments[-1][1]:
                    low = middle
                else:
                    high = middle
            segments.append((high, offset(high)))
        probe = following
    return segments


def local_seconds(day: date) -> int:
    """Local midnight of ``day`` as wall-clock seconds (the unit ``offset_segments`` add up to)."""
    return calendar.timegm(day.timetuple())


# --- the overview --------------------------------------------------------------------------

_HOUSE_NUMBER = re.compile(r"\s+\d.*$")


def street_level(street: str) -> str | None:
    """The street name alone: a house number, addition or postcode that slipped in is cut off."""
    name = _HOUSE_NUMBER.sub("", street.split(",")[0].strip()).strip(" -/")
    words = name.split()
    if not words or not any(char.isalpha() for char in words[0]):
        return None  # nothing left, or only a number ("12", "12-14 a")
    return name


@dataclass(frozen=True)
class Week:
    first: date
    last: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Overview:
    """A group's signals over a period; personal data never enters it."""

    period: Period
    previous: Period
    weeks: list[Week]
    categories: dict[str, Change]
    subcategories: list[tuple[str, str | None, int]]  # most reported first
    streets: list[tuple[str, int]]  # busiest first, street level only
    day_parts: dict[str, int]  # DAY_PARTS -> n
    weekdays: list[int]  # Monday first
    followed_up: int
    waiting: int  # signals of the period without any follow-up yet

    @property
    def total(self) -> Change:
        return Change(
            sum(c.current for c in self.categories.values()),
            sum(c.previous for c in self.categories.values()),
        )

    @property
    def follow_up_share(self) -> float | None:
        """Share of the period's signals with partner follow-up (see bot.insight_models)."""
        count = self.total.current
        return self.followed_up / count if count else None

    @property
    def busiest_part(self) -> tuple[str, int] | None:
        part, n = max(self.day_parts.items(), key=lambda item: item[1])
        return (part, n) if n else None

    @property
    def busiest_weekday(self) -> tuple[int, int] | None:
        n = max(self.weekdays)
        return (self.weekdays.index(n), n) if n else None


class Trends:
    def __init__(self, repository: TrendRepository, tz: ZoneInfo) -> None:
        self._repository = repository
        self._tz = tz

    def today(self, now: datetime) -> date:
        return now.astimezone(self._tz).date()

    async def overview(self, group_id: int, period: Period) -> Overview:
        tz = self._tz
        previous = period.previous()
        start, end = period.start(tz), period.end(tz)
        rows = await self._repository.period(
            group_id,
            to_epoch(previous.start(tz)),
            to_epoch(start),
            to_epoch(end),
            local_seconds(period.first),
            offset_segments(tz, previous.start(tz), end),
        )
        buckets = period.buckets()
        counts = [dict.fromkeys(CATEGORIES, 0) for _ in buckets]
        before = dict.fromkeys(CATEGORIES, 0)
        for bucket, category, n in rows.weeks:
            if category not in before:
                continue
            if bucket < 0:
                before[category] += n
            elif bucket < len(counts):
                counts[bucket][category] += n
        weeks = [Week(first, last, c) for (first, last), c in zip(buckets, counts, strict=True)]
        categories = {
            c: Change(sum(week.counts[c] for week in weeks), before[c]) for c in CATEGORIES
        }
        day_parts = dict.fromkeys(DAY_PARTS, 0)
        weekdays = [0] * 7
        for weekday, part, n in rows.when:
            day_parts[DAY_PARTS[part]] += n
            weekdays[weekday] += n
        return Overview(
            period=period,
            previous=previous,
            weeks=weeks,
            categories=categories,
            subcategories=rows.subcategories[:TOP_SUBCATEGORIES],
            streets=busiest_streets(rows.streets)[:TOP_STREETS],
            day_parts=day_parts,
            weekdays=weekdays,
            followed_up=rows.followed,
            waiting=rows.waiting,
        )

    async def waiting(self, group_id: int, period: Period, limit: int = 10) -> list[OpenSignal]:
        """The period's newest signals without follow-up (street level), for coordinators."""
        tz = self._tz
        signals = await self._repository.waiting(
            group_id, to_epoch(period.start(tz)), to_epoch(period.end(tz)), limit
        )
        return [
            replace(signal, street=street_level(signal.street) if signal.street else None)
            for signal in signals
        ]


def busiest_streets(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Street counts merged at street level (case-insensitive), busiest first."""
    merged: dict[str, dict[str, int]] = {}
    for raw, n in rows:
        name = street_level(raw)
        if name is None:
            continue
        spellings = merged.setdefault(name.casefold(), {})
        spellings[name] = spellings.get(name, 0) + n
    # Shown as its most frequent capitalised spelling ("Molenlaan" rather than "molenlaan").
    streets = [
        (
            max(spellings.items(), key=lambda item: (item[0][:1].isupper(), item[1], item[0]))[0],
            sum(spellings.values()),
        )
        for spellings in merged.values()
    ]
    return sorted(streets, key=lambda item: (-item[1], item[0]))
