"""Periods for /trend: shortcuts, dates, and every way a period can be wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.insight_models import Change
from bot.trends import (
    MAX_DAYS,
    Period,
    PeriodError,
    PeriodProblem,
    busiest_streets,
    local_seconds,
    offset_segments,
    parse_period,
    street_level,
)

TODAY = date(2026, 11, 18)
AMS = ZoneInfo("Europe/Amsterdam")


def period(text: str) -> Period:
    parsed = parse_period(text, TODAY)
    assert isinstance(parsed, Period), parsed
    return parsed


def problem(text: str) -> PeriodProblem:
    parsed = parse_period(text, TODAY)
    assert isinstance(parsed, PeriodError), parsed
    return parsed.problem


def test_default_is_the_last_four_whole_weeks_ending_today() -> None:
    default = period("")
    assert (default.first, default.last, default.weeks) == (date(2026, 10, 22), TODAY, 4)
    assert default.days == 28 and len(default.buckets()) == 4
    assert all((last - first).days == 6 for first, last in default.buckets())


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("4w", 4),
        ("8 weken", 8),
        ("3m", 13),
        ("3 maanden", 13),
        ("12m", 52),
        ("1j", 52),
        ("24m", 104),
    ],
)
def test_shortcuts_are_whole_weeks(text: str, weeks: int) -> None:
    parsed = period(text)
    assert parsed.weeks == weeks and parsed.last == TODAY and parsed.days == 7 * weeks
    assert parse_period(parsed.token, TODAY) == parsed, "the token asks for the same period"


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-01 2026-03-31",
        "1-1-2026 31-3-2026",
        "1-1-2026 t/m 31-3-2026",
        "van 01-01-2026 tot en met 31-03-2026",
        "1/1/2026 - 31/3/2026",
        "20260101_20260331",
    ],
)
def test_date_ranges_in_iso_and_dutch_notation(text: str) -> None:
    parsed = period(text)
    assert (parsed.first, parsed.last, parsed.weeks) == (date(2026, 1, 1), date(2026, 3, 31), None)
    assert parsed.days == 90
    assert parsed.buckets()[-1] == (date(2026, 3, 26), date(2026, 3, 31)), "last week shorter"
    assert parse_period(parsed.token, TODAY) == parsed


def test_a_single_date_runs_until_today_and_a_range_is_cut_at_today() -> None:
    assert (period("2026-11-01").first, period("2026-11-01").last) == (date(2026, 11, 1), TODAY)
    assert period("2026-11-01 2026-12-31").last == TODAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("banaan", PeriodProblem.MALFORMED),
        ("3x", PeriodProblem.MALFORMED),
        ("0w", PeriodProblem.MALFORMED),
        ("2026-01-01 2026-02-01 2026-03-01", PeriodProblem.MALFORMED),
        ("2026-01-01 en verder", PeriodProblem.MALFORMED),
        ("2026-02-30", PeriodProblem.BAD_DATE),
        ("31-13-2026", PeriodProblem.BAD_DATE),
        ("2026-12-01 2026-12-31", PeriodProblem.FUTURE),
        ("2026-03-31 2026-01-01", PeriodProblem.REVERSED),
        ("2020-01-01 2026-01-01", PeriodProblem.TOO_LONG),
        ("25m", PeriodProblem.TOO_LONG),
        ("999w", PeriodProblem.TOO_LONG),
    ],
)
def test_malformed_periods_are_named(text: str, expected: PeriodProblem) -> None:
    assert problem(text) is expected


def test_bad_date_names_the_date() -> None:
    parsed = parse_period("2026-02-30 2026-03-31", TODAY)
    assert isinstance(parsed, PeriodError) and parsed.detail == "2026-02-30"


def test_two_years_is_the_longest_range() -> None:
    assert period(f"{date(2024, 11, 19)} {TODAY}").days == MAX_DAYS - 1
    assert problem(f"{date(2024, 11, 16)} {TODAY}") is PeriodProblem.TOO_LONG


def test_previous_period_has_equal_length_right_before() -> None:
    current = period("2026-01-01 2026-03-31")
    before = current.previous()
    assert before.last == date(2025, 12, 31) and before.days == current.days


def test_period_bounds_are_local_midnights_across_daylight_saving() -> None:
    march = period("2026-03-23 2026-04-05")  # contains the change of 29 March
    assert march.start(AMS) == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)  # CET midnight
    assert march.end(AMS) == datetime(2026, 4, 5, 22, 0, tzinfo=UTC)  # CEST midnight


def test_offset_segments_find_each_change_to_the_second() -> None:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    segments = offset_segments(AMS, start, end)
    assert segments == [
        (int(start.timestamp()), 3600),
        (int(datetime(2026, 3, 29, 1, 0, tzinfo=UTC).timestamp()), 7200),
        (int(datetime(2026, 10, 25, 1, 0, tzinfo=UTC).timestamp()), 3600),
    ]
    assert offset_segments(ZoneInfo("UTC"), start, end) == [(int(start.timestamp()), 0)]


def test_local_seconds_is_wall_clock_midnight() -> None:
    assert local_seconds(date(1970, 1, 2)) == 86400


@pytest.mark.parametrize(
    ("raw", "street"),
    [
        ("Molenlaan 4", "Molenlaan"),
        ("Molenlaan 4a", "Molenlaan"),
        ("Molenlaan 12-14", "Molenlaan"),
        ("Molenlaan 4 bis, achterom", "Molenlaan"),
        ("Kerkstraat, bij de school", "Kerkstraat"),
        ("Burgemeester de Withstraat 120 1234 AB", "Burgemeester de Withstraat"),
        ("2e Helmersstraat 7", "2e Helmersstraat"),
        ("Kerkstraat", "Kerkstraat"),
        ("  ", None),
        ("12", None),
        ("12-14 a", None),
    ],
)
def test_street_level_never_keeps_a_house_number(raw: str, street: str | None) -> None:
    assert street_level(raw) == street


def test_busiest_streets_merge_spellings_and_drop_numbers() -> None:
    rows = [("Molenlaan 4", 3), ("molenlaan", 2), ("Molenlaan 6", 1), ("Kerkstraat 1", 4), ("7", 9)]
    assert busiest_streets(rows) == [("Molenlaan", 6), ("Kerkstraat", 4)]


@pytest.mark.parametrize(
    ("current", "previous", "direction", "percent"),
    [(12, 10, "up", 20), (5, 10, "down", -50), (4, 4, "same", 0), (3, 0, "new", None),
     (0, 0, "none", None), (0, 7, "down", -100), (1, 3, "down", -67)],
)  # fmt: skip
def test_change_against_the_period_before(
    current: int, previous: int, direction: str, percent: int | None
) -> None:
    change = Change(current, previous)
    assert change.direction == direction and change.percent == percent
