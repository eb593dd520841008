"""Activities and which groups they suit: kinds and levels, regions, matching, typed dates.

Which kind of activity suits which impact level follows the association's guidance (DESIGN.md):
a level-1 group is fed relevant signals and invited to a schouw; level 2 responds to agreements
and structure; level 3 to results shared and discussed with partners; level 4 is invited to
professionalise (training is possible from level 3 and necessary from level 4, plus recruiting
and rosters); level 5 gets room to work out new ideas.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.impact_models import LEVELS, NATIONWIDE, Activity, ActivityKind, GroupProfile

KIND_LEVELS: dict[ActivityKind, tuple[int, ...]] = {
    ActivityKind.SCHOUW: (1, 2),
    ActivityKind.BIJEENKOMST: (2,),
    ActivityKind.RESULTATEN: (3,),
    ActivityKind.TRAINING: (3, 4, 5),
    ActivityKind.WERVING: (4,),
    ActivityKind.IDEEENSESSIE: (5,),
    ActivityKind.REGIONAAL: LEVELS,
}

# Training is possible from level 3 and necessary from level 4.
TRAINING_NECESSARY_FROM = 4

# Invitations go out for activities starting within this horizon, and not at the last minute.
HORIZON = timedelta(days=30)
MIN_LEAD = timedelta(hours=6)
DEFAULT_WEEKLY_INVITATIONS = 2
MAX_WEEKLY_INVITATIONS = 14

MAX_REGION = 80
MAX_TITLE = 120
MAX_LOCATION = 200
MAX_DESCRIPTION = 1000
MAX_URL = 500

_KIND_ALIASES: dict[str, ActivityKind] = {
    "schouw": ActivityKind.SCHOUW,
    "wijkschouw": ActivityKind.SCHOUW,
    "buurtschouw": ActivityKind.SCHOUW,
    "bijeenkomst": ActivityKind.BIJEENKOMST,
    "afspraken en huisregels": ActivityKind.BIJEENKOMST,
    "resultaten": ActivityKind.RESULTATEN,
    "resultaten bespreken": ActivityKind.RESULTATEN,
    "resultaten bespreken met partners": ActivityKind.RESULTATEN,
    "training": ActivityKind.TRAINING,
    "werving": ActivityKind.WERVING,
    "werving en rooster": ActivityKind.WERVING,
    "rooster": ActivityKind.WERVING,
    "ideeensessie": ActivityKind.IDEEENSESSIE,
    "ideeen sessie": ActivityKind.IDEEENSESSIE,
    "ideeen": ActivityKind.IDEEENSESSIE,
    "regionaal": ActivityKind.REGIONAAL,
    "regionale activiteit": ActivityKind.REGIONAAL,
}

_NATIONWIDE_WORDS = frozenset({"*", "landelijk", "nederland", "heel nederland", "alle"})
_REGION_CHARS = re.compile(r"^['’]?[^\W\d_](?:[\w'’. -]*[^\W_])?$")
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    """Lower case, accents removed, whitespace collapsed: 'Ideeënsessie ' -> 'ideeensessie'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", plain).strip().casefold()


def parse_kind(text: str) -> ActivityKind | None:
    folded = _fold(text).replace("-", " ").replace("_", " ")
    return _KIND_ALIASES.get(folded) or _KIND_ALIASES.get(folded.replace(" ", ""))


def kind_suits(kind: ActivityKind, level: int) -> bool:
    return level in KIND_LEVELS[kind]


# --- regions (gemeenten) ---------------------------------------------------------------------


def clean_region(text: str) -> str | None:
    """A gemeente name as typed, tidied ('  zaanstad ' -> 'Zaanstad'); None when not a name."""
    name = _SPACES.sub(" ", text).strip()
    if not name or len(name) > MAX_REGION or not _REGION_CHARS.match(name):
        return None
    if name.islower():
        name = " ".join(_title_word(word) for word in name.split(" "))
    return name


def _title_word(word: str) -> str:
    if word in ("aan", "den", "de", "en", "op", "van", "der", "'s", "’s"):
        return word
    if word.startswith(("'s-", "’s-")):
        return word[:3] + _title_word(word[3:])
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def region_key(name: str) -> str:
    """The key regions are matched on: case, accents, hyphens and spacing do not matter."""
    folded = _fold(name.replace("-", " ").replace("’", "'"))
    return NATIONWIDE if folded in _NATIONWIDE_WORDS else folded


# --- matching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A group as the invitation job sees it."""

    group_id: int
    level: int
    profile: GroupProfile


def matches(activity: Activity, candidate: Candidate, now: datetime) -> bool:
    """Whether ``activity`` should be offered to the group: level, region and date."""
    if activity.cancelled or not in_window(activity, now):
        return False
    if not activity.regional:
        return activity.group_id == candidate.group_id
    if candidate.level not in activity.levels:
        return False
    if activity.region_key == NATIONWIDE:
        return True
    return activity.region_key is not None and activity.region_key == candidate.profile.region_key


def in_window(activity: Activity, now: datetime) -> bool:
    """Starts late enough to still go, and soon enough to be worth announcing."""
    if not activity.regional:
        return activity.starts_at > now
    return now + MIN_LEAD <= activity.starts_at <= now + HORIZON


def weekly_limit(profile: GroupProfile) -> int:
    value = profile.weekly_invitations
    return DEFAULT_WEEKLY_INVITATIONS if value is None else value


def reminder_due(starts_at: datetime, now: datetime, tz: ZoneInfo) -> bool:
    """A reminder goes the day before (from 10:00 local) until two hours before the start.

    After downtime it still goes on the day itself, as long as it is useful.
    """
    local_start = starts_at.astimezone(tz)
    from_ = datetime.combine(local_start.date() - timedelta(days=1), time(10, 0), tzinfo=tz)
    return from_ <= now < starts_at - timedelta(hours=2)


def activity_key(title: str, starts_at: datetime, region: str | None) -> str:
    """The stable identity of an activity without an explicit id."""
    material = "|".join((_fold(title), str(int(starts_at.timestamp())), region_key(region or "")))
    return "h:" + hashlib.sha256(material.encode()).hexdigest()[:20]


# --- typed dates and times (for coordinators planning an activity) --------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "januari", "january"),
            ("feb", "februari", "february"),
            ("mrt", "maart", "mar", "march"),
            ("apr", "april"),
            ("mei", "may"),
            ("jun", "juni", "june"),
            ("jul", "juli", "july"),
            ("aug", "augustus", "august"),
            ("sep", "sept", "september"),
            ("okt", "oktober", "oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("ma", "maandag", "mon", "monday"),
            ("di", "dinsdag", "tue", "tuesday"),
            ("wo", "woensdag", "wed", "wednesday"),
            ("do", "donderdag", "thu", "thursday"),
            ("vr", "vrijdag", "fri", "friday"),
            ("za", "zaterdag", "sat", "saturday"),
            ("zo", "zondag", "sun", "sunday"),
        )
    )
    for name in names
}
_RELATIVE = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORD_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?$")
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.u](\d{2}))?\s*(?:uur|u|h)?$")
MAX_AHEAD = timedelta(days=366)


def parse_day(text: str, today: date) -> date | None:
    """'28-11', '28-11-2026', '28 nov', 'za 28 nov', 'zaterdag', 'morgen' -> the next such day.

    Days in the past and more than a year ahead are refused (None).
    """
    words = _fold(text).replace(",", " ").split()
    if not words:
        return None
    if words[0] in _WEEKDAYS and len(words) > 1:
        words = words[1:]  # 'za 28 nov': the date decides
    folded = " ".join(words)
    day: date | None = None
    if folded in _RELATIVE:
        day = today + timedelta(days=_RELATIVE[folded])
    elif folded in _WEEKDAYS:
        ahead = (_WEEKDAYS[folded] - today.weekday()) % 7
        day = today + timedelta(days=ahead)
    elif match := _ISO_DATE.match(folded):
        day = _date(int(match[1]), int(match[2]), int(match[3]))
    elif match := _NUMERIC_DATE.match(folded):
        day = _with_year(today, int(match[2]), int(match[1]), match[3])
    elif (match := _WORD_DATE.match(folded)) and match[2] in _MONTHS:
        day = _with_year(today, _MONTHS[match[2]], int(match[1]), match[3])
    if day is None or day < today or day > today + MAX_AHEAD:
        return None
    return day


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_year(today: date, month: int, day: int, year: str | None) -> date | None:
    if year is not None:
        return _date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    candidate = _date(today.year, month, day)
    if candidate is not None and candidate < today:
        candidate = _date(today.year + 1, month, day)
    return candidate


def parse_clock(text: str) -> time | None:
    """'19:30', '19.30', '19u30', '19 uur', '9' -> a wall-clock time."""
    match = _CLOCK.match(_fold(text))
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def local_moment(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def parse_levels(value: object) -> tuple[int, ...] | None:
    """'1,2', '1-3', [3, 4], 5 -> sorted levels; None when anything is not a level 1..5."""
    items: list[object]
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        items = [value]
    elif isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, str):
        items = [part for part in re.split(r"[,;\s]+", value.strip()) if part]
    else:
        return None
    levels: set[int] = set()
    for item in items:
        if isinstance(item, bool):
            return None
        text = str(item).strip()
        if match := re.fullmatch(r"(\d)\s*-\s*(\d)", text):
            low, high = int(match[1]), int(match[2])
            if low > high:
                return None
            levels.update(range(low, high + 1))
        elif text.isdigit():
            levels.add(int(text))
        else:
            return None
    if not levels or not levels <= set(LEVELS):
        return None
    return tuple(sorted(levels))


def plan(
    activities: list[Activity],
    candidate: Candidate,
    invited: set[int],
    regional_this_week: int,
    now: datetime,
) -> list[Activity]:
    """What to send the group now: its own new activities, then the soonest matching regional
    ones that fit in its weekly maximum. ``activities`` is sorted by start."""
    fresh = [a for a in activities if a.id not in invited and matches(a, candidate, now)]
    own = [a for a in fresh if not a.regional]
    room = max(0, weekly_limit(candidate.profile) - regional_this_week)
    return own + [a for a in fresh if a.regional][:room]
