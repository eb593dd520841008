"""Which activity goes to which group: level, region (gemeente), date window, weekly maximum;
and the typed dates, times, regions and levels coordinators and the association give."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.activities import (
    HORIZON,
    KIND_LEVELS,
    MIN_LEAD,
    Candidate,
    clean_region,
    kind_suits,
    matches,
    parse_clock,
    parse_day,
    parse_kind,
    parse_levels,
    plan,
    region_key,
    reminder_due,
)
from bot.impact_models import Activity, ActivityKind, GroupProfile

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
AMS = ZoneInfo("Europe/Amsterdam")


def activity(
    id: int = 1,
    *,
    kind: ActivityKind = ActivityKind.SCHOUW,
    starts_in: timedelta = timedelta(days=5),
    region: str | None = "Zaanstad",
    levels: tuple[int, ...] | None = None,
    group_id: int | None = None,
    cancelled: bool = False,
) -> Activity:
    return Activity(
        id=id,
        key=f"k{id}",
        kind=kind,
        title=f"Activiteit {id}",
        starts_at=NOW + starts_in,
        region=region,
        region_key=region_key(region) if region else None,
        levels=levels or KIND_LEVELS[kind],
        group_id=group_id,
        created_at=NOW,
        cancelled=cancelled,
    )


def group(level: int = 1, region: str | None = "Zaanstad", limit: int | None = None) -> Candidate:
    profile = GroupProfile(
        group_id=7,
        region=region,
        region_key=region_key(region) if region else None,
        weekly_invitations=limit,
    )
    return Candidate(group_id=7, level=level, profile=profile)


def test_kinds_follow_the_levels_of_the_seed() -> None:
    assert kind_suits(ActivityKind.SCHOUW, 1)
    assert kind_suits(ActivityKind.BIJEENKOMST, 2) and not kind_suits(ActivityKind.BIJEENKOMST, 1)
    assert kind_suits(ActivityKind.RESULTATEN, 3)
    assert not kind_suits(ActivityKind.TRAINING, 2), "training is possible from level 3"
    assert all(kind_suits(ActivityKind.TRAINING, level) for level in (3, 4, 5))
    assert kind_suits(ActivityKind.WERVING, 4)
    assert kind_suits(ActivityKind.IDEEENSESSIE, 5) and not kind_suits(ActivityKind.IDEEENSESSIE, 4)
    assert all(kind_suits(ActivityKind.REGIONAAL, level) for level in range(1, 6))


def test_matches_on_level() -> None:
    assert matches(activity(kind=ActivityKind.SCHOUW), group(level=1), NOW)
    assert not matches(activity(kind=ActivityKind.SCHOUW), group(level=3), NOW)
    assert matches(activity(kind=ActivityKind.TRAINING), group(level=3), NOW)
    assert not matches(activity(kind=ActivityKind.TRAINING), group(level=2), NOW)
    assert matches(activity(kind=ActivityKind.TRAINING, levels=(2,)), group(level=2), NOW)


def test_matches_on_region_ignoring_case_accents_and_hyphens() -> None:
    assert matches(activity(region="Zaanstad"), group(region="  zaanstad "), NOW)
    assert not matches(activity(region="Zaanstad"), group(region="Amsterdam"), NOW)
    assert not matches(activity(region="Zaanstad"), group(region=None), NOW)
    assert matches(activity(region="Súdwest-Fryslân"), group(region="sudwest fryslan"), NOW)
    assert matches(activity(region="landelijk"), group(region=None), NOW), "nationwide"


def test_matches_on_date_window() -> None:
    assert matches(activity(starts_in=HORIZON), group(), NOW)
    assert not matches(activity(starts_in=HORIZON + timedelta(minutes=1)), group(), NOW)
    assert matches(activity(starts_in=MIN_LEAD), group(), NOW)
    assert not matches(activity(starts_in=MIN_LEAD - timedelta(minutes=1)), group(), NOW)
    assert not matches(activity(starts_in=-timedelta(days=1)), group(), NOW)
    assert not matches(activity(cancelled=True), group(), NOW)


def test_own_activities_go_to_their_own_group_only_whatever_the_level() -> None:
    own = activity(group_id=7, region=None, starts_in=timedelta(hours=1))
    assert matches(own, group(level=5, region=None), NOW)
    other = activity(group_id=8, region=None)
    assert not matches(other, group(level=1), NOW)


def test_plan_respects_the_weekly_maximum_soonest_first_and_skips_what_was_sent() -> None:
    acts = [activity(i, starts_in=timedelta(days=i)) for i in range(1, 6)]
    assert [a.id for a in plan(acts, group(), set(), 0, NOW)] == [1, 2]  # default maximum 2
    assert [a.id for a in plan(acts, group(), {1}, 1, NOW)] == [2]
    assert plan(acts, group(), set(), 2, NOW) == []
    assert [a.id for a in plan(acts, group(limit=4), set(), 0, NOW)] == [1, 2, 3, 4]
    assert plan(acts, group(limit=0), set(), 0, NOW) == []
    own = activity(9, group_id=7, region=None)
    assert [a.id for a in plan([own, *acts], group(), set(), 2, NOW)] == [9], (
        "a group's own activities do not count towards the maximum"
    )


def test_reminder_is_due_the_day_before_until_two_hours_before() -> None:
    start = datetime(2026, 11, 28, 19, 30, tzinfo=AMS)
    assert not reminder_due(start, datetime(2026, 11, 27, 9, 59, tzinfo=AMS), AMS)
    assert reminder_due(start, datetime(2026, 11, 27, 10, 0, tzinfo=AMS), AMS)
    assert reminder_due(start, datetime(2026, 11, 28, 12, 0, tzinfo=AMS), AMS), "catch-up"
    assert not reminder_due(start, datetime(2026, 11, 28, 17, 31, tzinfo=AMS), AMS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28-11", date(2026, 11, 28)),
        ("28/11/2026", date(2026, 11, 28)),
        ("za 28 nov", date(2026, 11, 28)),
        ("28 november", date(2026, 11, 28)),
        ("2026-11-28", date(2026, 11, 28)),
        ("morgen", date(2026, 11, 19)),
        ("vandaag", date(2026, 11, 18)),
        ("zaterdag", date(2026, 11, 21)),
        ("woensdag", date(2026, 11, 18)),
        ("3-1", date(2027, 1, 3)),  # already past this year: next year
        ("17-11-2026", None),  # in the past
        ("31-02", None),
        ("gisteren", None),
        ("", None),
        ("28-11-2028", None),  # more than a year ahead
    ],
)
def test_parse_day(text: str, expected: date | None) -> None:
    assert parse_day(text, date(2026, 11, 18)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19:30", time(19, 30)),
        ("9.05", time(9, 5)),
        ("19u30", time(19, 30)),
        ("20 uur", time(20, 0)),
        ("7", time(7, 0)),
        ("25:00", None),
        ("19:75", None),
        ("half acht", None),
    ],
)
def test_parse_clock(text: str, expected: time | None) -> None:
    assert parse_clock(text) == expected


def test_clean_region() -> None:
    assert clean_region("  zaanstad ") == "Zaanstad"
    assert clean_region("bergen op zoom") == "Bergen op Zoom"
    assert clean_region("'s-hertogenbosch") == "'s-Hertogenbosch"
    assert clean_region("Súdwest-Fryslân") == "Súdwest-Fryslân"
    assert clean_region("") is None
    assert clean_region("x" * 81) is None
    assert clean_region("<b>Zaanstad</b>") is None
    assert clean_region("1234") is None


def test_parse_kind_and_levels() -> None:
    assert parse_kind("Ideeënsessie") is ActivityKind.IDEEENSESSIE
    assert parse_kind("Regionale activiteit") is ActivityKind.REGIONAAL
    assert parse_kind("werving en rooster") is ActivityKind.WERVING
    assert parse_kind("barbecue") is None
    assert parse_levels("1,2") == (1, 2)
    assert parse_levels("3-5") == (3, 4, 5)
    assert parse_levels([4, "2"]) == (2, 4)
    assert parse_levels(5) == (5,)
    for bad in ("0", "6", "1,x", "", "3-1", True, 2.5):
        assert parse_levels(bad) is None, bad
