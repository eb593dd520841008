"""Dutch time expressions: find them in chat text and resolve them against the message time.

Resolution rules (documented in nlp/README.md, section "Tijden"):

* Wall-clock times are read in the zone of the reference moment when that is a ``ZoneInfo``
  (the bot passes its configured zone), otherwise in Europe/Amsterdam.
* Reports are about the past, so an expression without a day word resolves to its most recent
  occurrence that is not more than :data:`FUTURE_TOLERANCE` after the reference moment
  ("14:30" typed at 10:00 is yesterday 14:30; typed at 14:20 it is today).
* Day words fix the day ("vanavond om 9 uur" at 10:00 is today 21:00, even though it is ahead).
* Colon times ("9:30", "23.15") are 24-hour; "3 uur", "half 4" and "kwart over 11" are 12-hour
  and take the part of the day from a period word, else the most recent fitting occurrence.
* A day without a time resolves to 12:00, a part of the day to a representative hour
  (ochtend 09:00, middag 15:00, avond 21:00, nacht 03:00), never later than the reference moment
  when that part of the day is under way.
* Non-existent wall-clock times on the spring DST change are moved forward by the gap; ambiguous
  ones on the autumn change take the first (summer-time) occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from nlp.lexicon import Scan, as_scan, word_list

AMSTERDAM: ZoneInfo = ZoneInfo("Europe/Amsterdam")
FUTURE_TOLERANCE = timedelta(minutes=30)
# Typed answers longer than this are not a moment but a story; only the start is read.
MOMENT_MAX_CHARS = 200

Granularity = Literal["exact", "period", "day"]
Period = Literal["ochtend", "middag", "avond", "nacht"]

_NUMBER_WORDS: dict[str, int] = {
    "een": 1,
    "één": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "twintig": 20,
    "dertig": 30,
    "veertig": 40,
    "vijftig": 50,
}
_PERIOD_WORDS: dict[str, Period] = {
    "ochtend": "ochtend",
    "ochtends": "ochtend",
    "morgen": "ochtend",
    "morgens": "ochtend",
    "middag": "middag",
    "middags": "middag",
    "avond": "avond",
    "avonds": "avond",
    "nacht": "nacht",
    "nachts": "nacht",
}
# (start hour, representative hour); the night starts at 22:00 the evening before.
_PERIOD_HOURS: dict[Period, tuple[int, int]] = {
    "ochtend": (6, 9),
    "middag": (12, 15),
    "avond": (18, 21),
    "nacht": (-2, 3),
}
_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_MONTHS: dict[str, int] = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_DAY_OFFSETS: dict[str, int] = {
    "eergisteren": -2,
    "eergister": -2,
    "gisteren": -1,
    "gister": -1,
    "vandaag": 0,
    "morgen": 1,
    "overmorgen": 2,
}

_HOUR_WORD = "een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf"
_PERIOD_RX = "ochtend|morgen|middag|avond|nacht"
_WEEKDAY_RX = "|".join(_WEEKDAYS)
_MONTH_RX = "|".join(sorted(_MONTHS, key=len, reverse=True))

# The pieces of time expressions, one pattern per family. Each is tried only where one of its
# trigger words starts (see _families_at); "geleden" before clock times so that "2 uur geleden"
# is not read as 02:00.
_FAMILY_SOURCE = rf"""
    (?P<iso>\b(?P<iso_y>20\d\d)-(?P<iso_m>[01]?\d)-(?P<iso_d>[0-3]?\d)
        (?:[t\s]+(?P<iso_h>[01]?\d|2[0-3])[:.](?P<iso_min>[0-5]\d)(?::[0-5]\d)?)?(?![\d-]))
  | (?P<ago>\b(?P<ago_n>\d{{1,3}}|een\s+paar|een\s+half|een\s+halve|een|één|paar|enkele
        |anderhalf|half|halve|{_HOUR_WORD}|twintig|dertig|veertig|vijftig)?\s*
        (?P<ago_u>minuutjes|minuutje|minuten|minuut|min\b\.?|mins|seconden|sec|uurtjes|uurtje
        |uren|uur|kwartiertje|kwartier|dagen|dag|weken|week)\s+geleden\b)
  | (?P<nightof>\b(?:(?:in\s+)?de\s+)?nacht\s+van\s+(?P<nightof_wd>{_WEEKDAY_RX})\s+op\s+
        (?:{_WEEKDAY_RX})\b)
  | (?P<wd>\b(?P<wd_pre>(?:afgelopen|vorige\s+week|vorige|deze|op)\s+)?
        (?P<wd_day>{_WEEKDAY_RX})(?:\s*(?P<wd_p>{_PERIOD_RX}))?\b)
  | (?P<txtdate>\b(?P<txt_d>[0-3]?\d)(?:e|ste|de)?\s+(?P<txt_m>{_MONTH_RX})\b\.?
        (?:\s+(?P<txt_y>(?:19|20)\d\d)\b)?)
  | (?P<dmy>(?<![\w/.:-])(?P<dmy_d>[0-3]?\d)(?P<dmy_sep>[-/])(?P<dmy_m>[01]?\d)
        (?:(?P=dmy_sep)(?P<dmy_y>(?:19|20)?\d\d))?(?![\w/:-]|[.,]\d))
  | (?P<van>\bvan(?P<van_p>ochtend|morgen|middag|avond|nacht|daag)\b)
  | (?P<lastnight>\b(?:afgelopen|vorige|vorig)\s+nacht\b)
  | (?P<dayw>\b(?P<dayw_w>eergisteren|eergister|gisteren|gister|vandaag|overmorgen|morgen)
        (?:\s*(?P<dayw_p>ochtend|middag|avond|nacht)|\s*(?P<dayw_p2>morgen))?\b)
  | (?P<sper>(?:['’‘`]s[\s-]?|\bs['’]?)?(?P<sper_p>nachts|ochtends|morgens|middags|avonds)\b)
  | (?P<inper>\b(?:midden\s+)?in\s+de\s+(?P<inper_p>nacht|ochtend|morgen|middag|avond)\b)
  | (?P<midnight>\bmiddernacht\b)
  | (?P<hm>(?<![\d.,:€$])(?P<hm_h>[01]?\d|2[0-4])(?P<hm_sep>[:.]|u)(?P<hm_m>[0-5]\d)(?![\d]|[.,:]\d)
        (?:\s*(?:uur|u)\b)?)
  | (?P<mo>\b(?P<mo_m>kwart|\d{{1,2}}|vijf|tien|twintig)\s+(?P<mo_dir>over|voor)\s+
        (?P<mo_half>half\s+)?(?P<mo_h>\d{{1,2}}|{_HOUR_WORD})\b(?!\s*(?:jaar|euro|procent|%)))
  | (?P<half>\bhalf\s+(?P<half_h>\d{{1,2}}|{_HOUR_WORD})\b(?:\s*uur\b)?
        (?!\s*(?:jaar|euro|kilo|liter|procent|%|[.,]\d)))
  | (?P<uurof>\b(?:een\s+)?uur\s+of\s+(?P<uurof_h>\d{{1,2}}|{_HOUR_WORD})\b)
  | (?P<uur>\b(?P<uur_h>\d{{1,2}}|{_HOUR_WORD})(?:\s*uur\b|u\b)(?:\s*(?P<uur_m>[0-5]\d)\b)?)
  | (?P<bare>\b(?:om|rond)\s+(?P<bare_h>1?\d|2[0-4])(?=\s*(?:$|[,.!?;)](?!\d)|['’]s\b
        |vannacht|vanavond|vanmiddag|vanochtend|vanmorgen|gisteren|gister|ongeveer|ofzo|of\s+zo
        |in\s+de\b)))
  | (?P<now>\b(?:zojuist|zonet|zo-even|zoëven|zoeven|daarnet|daarjuist|zo\s+net|zo\s+juist
        |op\s+dit\s+moment|op\s+het\s+moment|momenteel|op\s+dit\s+ogenblik|net|nu)\b)
    """
_FAMILIES: dict[str, re.Pattern[str]] = {
    source.split(">", 1)[0].removeprefix("(?P<"): re.compile(source.strip(), re.VERBOSE)
    for source in re.split(r"\n\s*\|\s*(?=\(\?P<)", _FAMILY_SOURCE.strip())
}

# Words before "N uur" that make it a duration ("al 3 uur", "binnen 2 uur"), not a clock time.
_DURATION_BEFORE = re.compile(
    r"(?:\b(?:al|ruim|binnen|zeker|wel|bijna|minstens|maximaal|afgelopen|laatste|elke|iedere|"
    r"per|over|na\s+een|meer\s+dan|minder\s+dan|krap|een\s+kleine|een\s+goed)\s*)$",
)
_DURATION_AFTER = re.compile(
    r"^\s*(?:lang|later|per|achter|durend|rijden|lopen|fietsen|bezig|gewacht|aan\s+het)\b",
)
_CLOCK_PREP_BEFORE = re.compile(
    r"(?:\b(?:om|rond|rondom|omstreeks|tegen|ca\.?|circa|ongeveer|vanaf|tot|tussen|na|voor|en)"
    r"\s*)$",
)
_NET_AFTER = re.compile(
    r"^\s+(?:als|zo|zoals|niet|wat|iets|genoeg|goed|te|even|na|voor|zoveel|zolang|aan|"
    r"op\s+tijd|echt|helemaal|één|het\s+zelfde|hetzelfde|anders)\b",
)
_NET_BEFORE = re.compile(r"(?:\b(?:het|een|dat|dit|'t|op|in|via)\s+)$")
_NU_AROUND = re.compile(r"(?:\btot\s+)$")
_NU_AFTER = re.compile(r"^\s+(?:eenmaal|toe|en\s+dan)\b")
_DIGIT_FAMILIES = ("iso", "ago", "txtdate", "dmy", "hm", "mo", "uur")
_NUMBER_WORD_FAMILIES = ("ago", "mo", "uur")
_AGO_UNITS = word_list(
    "minuutjes minuutje minuten minuut min mins seconden sec uurtjes uurtje uren kwartiertje"
    " kwartier dagen dag weken week"
)
_NOW_WORDS = word_list("zojuist zonet zoëven zoeven daarnet daarjuist momenteel net nu")
# Trigger word -> the pattern families that can start there, in priority order.
_WORD_FAMILIES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_NUMBER_WORDS, _NUMBER_WORD_FAMILIES),
    **dict.fromkeys(word_list("paar enkele anderhalf halve"), ("ago",)),
    **dict.fromkeys(_AGO_UNITS, ("ago",)),
    **dict.fromkeys(_NOW_WORDS, ("now",)),
    **dict.fromkeys(word_list("nachts ochtends morgens middags avonds"), ("sper",)),
    "een": ("ago", "uurof", "uur"),
    "één": ("ago", "uurof", "uur"),
    "half": ("ago", "half"),
    "kwart": ("mo",),
    "uur": ("uurof",),
    "om": ("bare",),
    "rond": ("bare",),
    "afgelopen": ("wd", "lastnight"),
    "vorige": ("wd", "lastnight"),
    "vorig": ("lastnight",),
    "deze": ("wd",),
    "op": ("wd", "now"),
    "in": ("nightof", "inper"),
    "midden": ("inper",),
    "de": ("nightof",),
    "zo": ("now",),
}
# Words starting with these (also compounds like "zaterdagavond", "gisteravond").
_PREFIX_FAMILIES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_WEEKDAYS, ("wd",)),
    **dict.fromkeys(word_list("gister eergister morgen overmorgen"), ("dayw",)),
    **dict.fromkeys(
        word_list("vandaag vannacht vanochtend vanmorgen vanmiddag vanavond"), ("van",)
    ),
    "middernacht": ("midnight",),
    "nacht": ("nightof",),
}
# Frequent words that start an expression only in a few fixed phrases.
_ONLY_BEFORE: dict[str, tuple[str, ...]] = {
    "in": tuple(f"in de {p}" for p in ("nacht", "ochtend", "morgen", "middag", "avond")),
    "op": ("op dit", "op het moment", *(f"op {day}" for day in _WEEKDAYS)),
    "zo": ("zo-even", "zo net", "zo juist"),
    "een": ("een uur", "een paar", "een half", "een kwartier", "een minuut", "een dag"),
    "één": ("één uur",),
    "de": ("de nacht van",),
    "uur": ("uur of",),
}
_GAP_BREAK = re.compile(r"[.!?;\n]")
_WORD = re.compile(r"\w+")
_RANGE_GAP = re.compile(r"^\s*(?:-|–|tot|en|a|à)\s*$")


@dataclass(frozen=True, slots=True)
class TimeMention:
    """A time expression found in a text, resolved to one moment."""

    text: str
    start: int
    end: int
    value: datetime
    granularity: Granularity

    def to_dict(self) -> dict[str, str]:
        return {
            "text": self.text,
            "value": self.value.isoformat(timespec="seconds"),
            "granularity": self.granularity,
        }


@dataclass(slots=True)
class _Clock:
    hour: int
    minute: int
    twelve_hour: bool  # "3 uur" / "half 4": the part of the day is not given


@dataclass(slots=True)
class _Part:
    """One matched piece; a mention is a run of compatible pieces."""

    kind: str  # day | clock | period | now | ago
    start: int
    end: int
    # day information (kind == "day")
    fixed: date | None = None
    offset: int | None = None
    weekday: int | None = None
    weeks_back: int = 0
    strictly_past: bool = False
    night: bool = False  # "vannacht": the night ending this morning (or the one under way)
    period: Period | None = None
    clock: _Clock | None = None
    delta: timedelta = field(default_factory=timedelta)


@dataclass(slots=True)
class _Group:
    start: int
    end: int
    day: _Part | None = None
    clock: _Clock | None = None
    period: Period | None = None
    now: _Part | None = None


def wall_zone(reference: datetime) -> tzinfo:
    """The zone whose wall clock the members mean: the reference's ZoneInfo, else Amsterdam."""
    return reference.tzinfo if isinstance(reference.tzinfo, ZoneInfo) else AMSTERDAM


def as_local(moment: datetime | None) -> datetime:
    """An aware datetime on the members' wall clock; None means now, naive means Amsterdam."""
    if moment is None:
        return datetime.now(AMSTERDAM)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=AMSTERDAM)
    return moment.astimezone(wall_zone(moment))


def find_times(text: str | Scan, sent_at: datetime | None = None) -> list[TimeMention]:
    """All time expressions in ``text``, resolved against ``sent_at`` (see module rules)."""
    now = as_local(sent_at)
    scan = as_scan(text)
    text = scan.text
    parts = _parts(scan, now.date())
    if not parts:
        return []
    groups = _group(parts, text)
    mentions: list[TimeMention] = []
    for group in groups:
        resolved = _resolve(group, now)
        if resolved is not None:
            value, granularity = resolved
            mentions.append(
                TimeMention(
                    text[group.start : group.end], group.start, group.end, value, granularity
                )
            )
    return mentions


def parse_moment(text: str, now: datetime) -> datetime | None:
    """The one moment meant by a typed answer to "wanneer gebeurde het?", or None.

    The result is aware and in ``now``'s tzinfo (Europe/Amsterdam when ``now`` is naive).
    """
    answer = text.strip()[:MOMENT_MAX_CHARS]
    if not answer:
        return None
    local_now = as_local(now)
    target_zone = now.tzinfo or AMSTERDAM
    try:
        iso = datetime.fromisoformat(answer)
    except ValueError:
        pass
    else:
        if iso.tzinfo is None:
            iso = _wall(iso.date(), iso.hour, iso.minute, wall_zone(local_now))
        return iso.astimezone(target_zone)
    mentions = find_times(answer, local_now)
    if not mentions:
        return None
    return mentions[0].value.astimezone(target_zone)


# --- matching -------------------------------------------------------------------------------


def _number(token: str) -> int:
    token = token.lower()
    return int(token) if token.isdigit() else _NUMBER_WORDS[token]


def _parts(scan: Scan, today: date) -> list[_Part]:
    """Pieces of time expressions, matched on the lower-cased text where a trigger starts."""
    low = scan.low
    at: dict[int, tuple[str, ...]] = {}
    for word in scan.vocab & _WORD_FAMILIES.keys():
        phrases = _ONLY_BEFORE.get(word)
        for index in scan.word_starts((word,)):
            if phrases is None or low.startswith(phrases, index):
                at[index] = _WORD_FAMILIES[word]
    for prefix, families in _PREFIX_FAMILIES.items():
        if prefix in low:
            at.update(dict.fromkeys(scan.prefix_starts((prefix,)), families))
    at.update(dict.fromkeys(scan.number_starts(), _DIGIT_FAMILIES))
    if "s" in scan.vocab:
        for index in scan.word_starts(("s",)):
            if index and low[index - 1] in "'’‘`":
                at[index - 1] = ("sper",)  # "'s nachts"
    parts: list[_Part] = []
    resume = 0
    for start in sorted(at):
        if start < resume:
            continue
        for family in at[start]:
            m = _FAMILIES[family].match(low, start)
            if m is None:
                continue
            part = _part(m, low, today)
            if part is not None:
                parts.append(part)
                resume = m.end()
                break
    return parts


def _part(m: re.Match[str], text: str, today: date) -> _Part | None:
    kind = m.lastgroup
    start, end = m.span()
    g = m.group
    if kind == "iso":
        fixed = _date_or_none(int(g("iso_y")), int(g("iso_m")), int(g("iso_d")))
        if fixed is None:
            return None
        part = _Part("day", start, end, fixed=fixed)
        if g("iso_h"):
            part.clock = _Clock(int(g("iso_h")), int(g("iso_min")), twelve_hour=False)
        return part
    if kind == "ago":
        delta = _ago_delta(g("ago_n"), g("ago_u"))
        return None if delta is None else _Part("ago", start, end, delta=delta)
    if kind == "nightof":
        weekday = _WEEKDAYS.index(g("nightof_wd").lower())
        return _Part("day", start, end, weekday=weekday, period="nacht")
    if kind == "wd":
        pre = (g("wd_pre") or "").lower().split()
        return _Part(
            "day",
            start,
            end,
            weekday=_WEEKDAYS.index(g("wd_day").lower()),
            period=_PERIOD_WORDS[g("wd_p").lower()] if g("wd_p") else None,
            strictly_past=bool(pre) and pre[0] in {"afgelopen", "vorige"},
            weeks_back=1 if pre[:2] == ["vorige", "week"] else 0,
        )
    if kind == "txtdate":
        return _dated_part(
            start, end, today, int(g("txt_d")), _MONTHS[g("txt_m").lower()], g("txt_y")
        )
    if kind == "dmy":
        if g("dmy_sep") == "/" and (g("dmy_d"), g("dmy_m")) == ("24", "7"):
            return None  # "24/7" is round the clock, not the 24th of July
        return _dated_part(start, end, today, int(g("dmy_d")), int(g("dmy_m")), g("dmy_y"))
    if kind == "van":
        word = g("van_p").lower()
        if word == "daag":
            return _Part("day", start, end, offset=0)
        if word == "nacht":
            return _Part("day", start, end, night=True, period="nacht")
        return _Part("day", start, end, offset=0, period=_PERIOD_WORDS[word])
    if kind == "lastnight":
        return _Part("day", start, end, night=True, period="nacht")
    if kind == "dayw":
        period_word = g("dayw_p") or g("dayw_p2")
        return _Part(
            "day",
            start,
            end,
            offset=_DAY_OFFSETS[g("dayw_w").lower()],
            period=_PERIOD_WORDS[period_word.lower()] if period_word else None,
        )
    if kind == "sper":
        return _Part("period", start, end, period=_PERIOD_WORDS[g("sper_p").lower()])
    if kind == "inper":
        return _Part("period", start, end, period=_PERIOD_WORDS[g("inper_p").lower()])
    if kind == "midnight":
        return _Part("clock", start, end, clock=_Clock(24, 0, twelve_hour=False))
    if kind == "now":
        return _now_part(m, text)
    return _clock_part(m, text)


def _clock_part(m: re.Match[str], text: str) -> _Part | None:
    kind = m.lastgroup
    start, end = m.span()
    g = m.group
    before = text[max(0, start - 24) : start]
    after = text[end : end + 24]
    clock: _Clock | None = None
    if kind == "hm":
        hour, minute = int(g("hm_h")), int(g("hm_m"))
        spelled_uur = m.group(0).lower().rstrip().endswith(("uur", "u"))
        if g("hm_sep") == "." and not (spelled_uur or _CLOCK_PREP_BEFORE.search(before)):
            return None  # "12.50" is more often money or a date than a time
        clock = _Clock(hour, minute, twelve_hour=False)
    elif kind == "mo":
        hour = _number(g("mo_h"))
        minutes = 15 if g("mo_m").lower() == "kwart" else _number(g("mo_m"))
        if not 1 <= hour <= 12 or not 1 <= minutes <= 29:
            return None
        base = hour * 60 - (30 if g("mo_half") else 0)
        total = base + minutes if g("mo_dir").lower() == "over" else base - minutes
        clock = _Clock((total // 60) % 24, total % 60, twelve_hour=True)
    elif kind == "half":
        hour = _number(g("half_h"))
        if not 1 <= hour <= 12:
            return None
        clock = _Clock(hour - 1, 30, twelve_hour=True)
    elif kind == "uurof":
        hour = _number(g("uurof_h"))
        if not 1 <= hour <= 24:
            return None
        clock = _Clock(hour, 0, twelve_hour=hour <= 12)
    elif kind == "uur":
        token = g("uur_h")
        hour = _number(token)
        if hour > 24 or _DURATION_BEFORE.search(before) or _DURATION_AFTER.search(after):
            return None
        if token.lower() in {"een", "één"} and not _CLOCK_PREP_BEFORE.search(before):
            return None  # "een uur" is an hour long, "om een uur" is 01:00
        minute = int(g("uur_m")) if g("uur_m") else 0
        clock = _Clock(hour, minute, twelve_hour=hour <= 12 and not token.startswith("0"))
    elif kind == "bare":
        hour = int(g("bare_h"))
        clock = _Clock(hour, 0, twelve_hour=hour <= 12)
    if clock is None:
        return None
    return _Part("clock", start, end, clock=clock)


def _now_part(m: re.Match[str], text: str) -> _Part | None:
    start, end = m.span()
    word = m.group(0).lower()
    before = text[max(0, start - 12) : start]
    after = text[end : end + 20]
    if word == "net" and (_NET_AFTER.search(after) or _NET_BEFORE.search(before)):
        return None
    if word == "nu" and (_NU_AROUND.search(before) or _NU_AFTER.search(after)):
        return None
    return _Part("now", start, end)


def _ago_delta(amount: str | None, unit: str) -> timedelta | None:
    unit = unit.lower().rstrip(".")
    words = (amount or "een").lower().split()
    if words[-1] in {"half", "halve"}:
        count = 0.5
    elif words[-1] == "anderhalf":
        count = 1.5
    elif words[-1] in {"paar", "enkele"}:
        count = 2.0
    else:
        count = float(_number(words[-1]))
    if unit.startswith(("min", "minu")):
        return timedelta(minutes=count)
    if unit.startswith("sec"):
        return timedelta(seconds=count)
    if unit.startswith("kwartier"):
        return timedelta(minutes=15 * count)
    if unit.startswith(("uur", "uren")):
        return timedelta(hours=count)
    if unit.startswith("dag"):
        return timedelta(days=count)
    if unit.startswith("week") or unit.startswith("weken"):
        return timedelta(weeks=count)
    return None


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dated_part(
    start: int, end: int, today: date, day: int, month: int, year: str | None
) -> _Part | None:
    if year is not None:
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        fixed = _date_or_none(full_year, month, day)
    else:
        # Without a year a date is the most recent one: "12-11" in January is last November.
        fixed = _date_or_none(today.year, month, day)
        if fixed is not None and fixed > today:
            fixed = _date_or_none(today.year - 1, month, day)
    return None if fixed is None else _Part("day", start, end, fixed=fixed)


# --- grouping -------------------------------------------------------------------------------


def _group(parts: list[_Part], text: str) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    for part in parts:
        if current is not None and _joins(current, part, text):
            _add(current, part)
            continue
        previous = current
        current = _Group(part.start, part.end)
        _add(current, part)
        # "gisteren tussen 23:00 en 23:30": the second time shares the day of the first.
        if (
            previous is not None
            and part.kind == "clock"
            and previous.clock is not None
            and _RANGE_GAP.match(text[previous.end : part.start])
        ):
            current.day, current.period = previous.day, current.period or previous.period
        groups.append(current)
    return groups


def _joins(group: _Group, part: _Part, text: str) -> bool:
    gap = text[group.end : part.start]
    if len(gap) > 40 or _GAP_BREAK.search(gap) or len(_WORD.findall(gap)) > 4:
        return False
    if group.now is not None or part.kind in {"now", "ago"}:
        return False
    if part.kind == "clock":
        return group.clock is None
    if part.kind == "period":
        return group.period is None
    # A day joins a group without one; a weekday before a date ("zaterdag 12 november") merges.
    if group.day is None:
        return True
    return group.day.weekday is not None and part.fixed is not None and not gap.strip(" ,")


def _add(group: _Group, part: _Part) -> None:
    group.start = min(group.start, part.start)
    group.end = max(group.end, part.end)
    if part.kind in {"now", "ago"}:
        group.now = part
    elif part.kind == "clock":
        group.clock = part.clock
    elif part.kind == "period":
        group.period = part.period
    else:
        if group.day is not None and part.fixed is not None:
            part.period = part.period or group.day.period
        group.day = part
        if part.clock is not None:
            group.clock = part.clock
        if part.period is not None and group.period is None:
            group.period = part.period


# --- resolution -----------------------------------------------------------------------------


def _wall(day: date, hour: int, minute: int, zone: tzinfo) -> datetime:
    """The wall-clock moment, normalised so that times in the spring DST gap move forward."""
    if hour >= 24:
        day, hour = day + timedelta(days=1), hour - 24
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    if _offset_changes(day, zone):
        # Only on DST change days can the wall time be missing; the round trip moves it.
        return moment.astimezone(UTC).astimezone(zone)
    return moment


@lru_cache(maxsize=4096)
def _offset_changes(day: date, zone: tzinfo) -> bool:
    """True when the UTC offset at the start of ``day`` differs from the one a day later."""
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    return start.utcoffset() != (start + timedelta(days=1)).utcoffset()


def _hours(clock: _Clock, period: Period | None, past_day: bool) -> list[tuple[int, int]]:
    """Candidate (hour, minute) pairs; hour 24 means midnight at the end of the day."""
    hour, minute = clock.hour, clock.minute
    if clock.twelve_hour:
        base = hour % 12
        if period is not None:
            return [(_twelve_hour_in(period, base), minute)]
        if past_day:
            # An earlier day with no part of the day named: prefer waking hours (07:00-18:59).
            return [(12 if base == 0 else base + 12 if base <= 6 else base, minute)]
        return [(base, minute), (base + 12, minute)]
    if period is not None and hour < 12:
        return [(_clock_hour_in(period, hour), minute)]
    return [(hour, minute)]


def _twelve_hour_in(period: Period, base: int) -> int:
    """Hour of "N uur" (N modulo 12) within a part of the day; 24 is the coming midnight."""
    if period == "ochtend":
        return base or 12
    if period == "middag":
        return 12 if base == 0 else base + 12 if base <= 7 else base
    if period == "avond":
        return base + 12 if base else 24
    return 24 if base == 0 else base + 12 if base >= 7 else base


def _clock_hour_in(period: Period, hour: int) -> int:
    """A written time before noon read within a part of the day ("vanavond 9:30" is 21:30)."""
    if period == "middag":
        return hour + 12 if 1 <= hour <= 7 else hour
    if period == "avond":
        return hour + 12 if hour >= 1 else hour
    if period == "nacht":
        return hour + 12 if hour >= 7 else hour
    return hour


def _day_candidates(group: _Group, now: datetime) -> tuple[list[date], bool]:
    """Candidate dates (for the night: the date its morning falls on) and whether they are past."""
    today = now.date()
    day = group.day
    if day is None:
        return [today, today - timedelta(days=1)], False
    if day.fixed is not None:
        return [day.fixed], day.fixed < today
    if day.night:
        nights = [today]
        if now.hour >= 22 or (group.clock is not None and now.hour >= 18):
            nights.append(today + timedelta(days=1))
        return nights, False
    if day.offset is not None:
        target = today + timedelta(days=day.offset)
        if group.period == "nacht":
            target += timedelta(days=1)  # "gisternacht": the night after yesterday evening
        return [target], day.offset < 0
    assert day.weekday is not None
    back = (today.weekday() - day.weekday) % 7
    if day.weeks_back:
        base = today - timedelta(days=today.weekday() + 7 - day.weekday)
        candidates = [base]
    elif day.strictly_past:
        candidates = [today - timedelta(days=back or 7)]
    else:
        base = today - timedelta(days=back)
        candidates = [base, base - timedelta(days=7)]
    if group.period == "nacht":
        candidates = [c + timedelta(days=1) for c in candidates]
    return candidates, all(c < today for c in candidates)


def _resolve(group: _Group, now: datetime) -> tuple[datetime, Granularity] | None:
    zone = now.tzinfo
    assert zone is not None
    if group.now is not None:
        moment = (now.astimezone(UTC) - group.now.delta).astimezone(zone)
        return moment, "exact"
    if group.day is None and group.clock is None:
        return None  # a bare "'s avonds" says nothing about which day
    dates, past_day = _day_candidates(group, now)
    night = group.period == "nacht"
    candidates: list[tuple[datetime, datetime]] = []  # (start, representative)
    if group.clock is not None:
        for day in dates:
            for hour, minute in _hours(group.clock, group.period, past_day):
                # Night dates name the morning; evening hours of the night are the day before.
                on = day - timedelta(days=1) if night and hour >= 12 else day
                moment = _wall(on, hour, minute, zone)
                candidates.append((moment, moment))
        granularity: Granularity = "exact"
    elif group.period is not None:
        first, typical = _PERIOD_HOURS[group.period]
        for day in dates:
            start = _wall(day, first, 0, zone) if first >= 0 else _wall(day, 0, 0, zone)
            if first < 0:
                start -= timedelta(hours=-first)
            candidates.append((start, _wall(day, typical, 0, zone)))
        granularity = "period"
    else:
        candidates = [(_wall(day, 0, 0, zone), _wall(day, 12, 0, zone)) for day in dates]
        granularity = "day"
    limit = now + FUTURE_TOLERANCE if granularity == "exact" else now
    eligible = [c for c in candidates if c[0] <= limit]
    start, value = max(eligible) if eligible else min(candidates)
    if granularity != "exact" and start <= now < value:
        value = now  # the day or period is under way: it cannot have happened later than now
    return value, granularity
