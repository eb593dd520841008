"""Time expressions in chat messages and the typed answers of the guided /melding flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from nlp.times import find_times, parse_moment

AMS = ZoneInfo("Europe/Amsterdam")
# Wednesday 18 November 2026, 14:00 in Amsterdam (CET, +01:00).
WED_AFTERNOON = datetime(2026, 11, 18, 14, 0, tzinfo=AMS)


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


def only_time(text: str, now: datetime = WED_AFTERNOON) -> datetime:
    mentions = find_times(text, now)
    assert len(mentions) == 1, mentions
    return mentions[0].value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vannacht om 3 uur werd er ingebroken", at(18, 3)),
        ("gisteravond rond 23:15 zag ik iemand", at(17, 23, 15)),
        ("vanmiddag om 2 uur", at(18, 14)),
        ("om half 4 bij de Jumbo", at(18, 3, 30)),  # 15:30 is still ahead at 14:00
        ("kwart over 11 liep hij weg", at(18, 11, 15)),
        ("kwart voor 1", at(18, 12, 45)),
        ("tien over half 4", at(18, 3, 40)),
        ("5 voor 12", at(18, 11, 55)),
        ("om 22.30 hoorde ik glas", at(17, 22, 30)),
        ("12-11 om 14:30", at(12, 14, 30)),
        ("een uur geleden", at(18, 13)),
        ("10 minuten geleden", at(18, 13, 50)),
        ("een half uur geleden", at(18, 13, 30)),
        ("een kwartier geleden", at(18, 13, 45)),
        ("om een uur of drie", at(18, 3)),
        ("'s nachts om 2 uur", at(18, 2)),
        ("in de nacht van zaterdag op zondag om 3 uur", at(15, 3)),
        ("20 november om 9 uur", at(20, 9, year=2025)),  # a date ahead is last year's
        ("2026-11-20 08:00", at(20, 8)),  # an explicit year is kept
        ("vanavond om 9 uur", at(18, 21)),  # a day word fixes the day, even ahead
        ("gisteren om 3 uur", at(17, 15)),  # an earlier day: waking hours
        ("zaterdag 12 november om 21:00", at(12, 21)),
        ("rond middernacht", at(18, 0)),
        ("23u15", at(17, 23, 15)),
        ("om 14:30 uur", at(18, 14, 30)),
    ],
)
def test_clock_and_day_expressions(text: str, expected: datetime) -> None:
    assert only_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "granularity"),
    [
        ("gisteren", at(17, 12), "day"),
        ("zaterdagavond", at(14, 21), "period"),
        ("afgelopen zaterdag", at(14, 12), "day"),
        ("vorige week zaterdag", at(14, 12), "day"),
        ("vanmiddag", at(18, 14), "period"),  # under way: not later than now
        ("vanochtend", at(18, 9), "period"),
        ("morgenavond preventie-avond", at(19, 21), "period"),
    ],
)
def test_days_and_parts_of_the_day(text: str, expected: datetime, granularity: str) -> None:
    [mention] = find_times(text, WED_AFTERNOON)
    assert (mention.value, mention.granularity) == (expected, granularity)


@pytest.mark.parametrize("text", ["zojuist een man gezien", "net ingebroken", "nu bij de deur!"])
def test_now_words_resolve_to_the_message_time(text: str) -> None:
    assert only_time(text) == WED_AFTERNOON


@pytest.mark.parametrize(
    "text",
    [
        "dat is net als vroeger",
        "tot nu toe niks gezien",
        "al 3 uur lang herrie",
        "een uur lang muziek",
        "het kost 12.50 euro",
        "24/7 overlast",
        "in de avond is het druk",  # a part of the day without a day or time
        "hij woont er al 20 jaar",
        "bel 0900-8844",
    ],
)
def test_non_times(text: str) -> None:
    assert find_times(text, WED_AFTERNOON) == []


def test_mention_span_and_text() -> None:
    text = "Gisteravond rond 23:15 zag ik iemand"
    [mention] = find_times(text, WED_AFTERNOON)
    assert text[mention.start : mention.end] == mention.text == "Gisteravond rond 23:15"
    assert mention.to_dict() == {
        "text": "Gisteravond rond 23:15",
        "value": "2026-11-17T23:15:00+01:00",
        "granularity": "exact",
    }


def test_range_shares_its_day() -> None:
    first, second = find_times("gisteren tussen 23:00 en 23:30", WED_AFTERNOON)
    assert (first.value, second.value) == (at(17, 23), at(17, 23, 30))


class TestVannacht:
    def test_at_one_in_the_night_is_the_current_night(self) -> None:
        one_am = at(18, 1)
        assert only_time("vannacht om 0:30", one_am) == at(18, 0, 30)
        assert only_time("vannacht om half 12", one_am) == at(17, 23, 30)
        assert only_time("vannacht", one_am) == one_am  # under way: not later than now

    def test_in_the_afternoon_is_last_night(self) -> None:
        assert only_time("vannacht om 3 uur") == at(18, 3)
        assert only_time("vannacht om 23:30") == at(17, 23, 30)
        assert only_time("vannacht") == at(18, 3)

    def test_late_evening_clock_times(self) -> None:
        late = at(18, 23, 40)
        assert only_time("vannacht om 3 uur", late) == at(18, 3)
        assert only_time("vannacht om 23:15", late) == at(18, 23, 15)


class TestAcrossMidnight:
    def test_gisteravond_just_after_midnight(self) -> None:
        assert only_time("gisteravond om 23:50", at(19, 0, 10)) == at(18, 23, 50)

    def test_clock_time_before_midnight_read_after_it(self) -> None:
        assert only_time("om 23:50 hoorde ik een knal", at(19, 0, 10)) == at(18, 23, 50)

    def test_een_uur_geleden_crosses_the_date(self) -> None:
        assert only_time("een uur geleden", at(19, 0, 30)) == at(18, 23, 30)


class TestDaylightSaving:
    # 29 March 2026: clocks jump 02:00 -> 03:00; 25 October 2026: 03:00 -> 02:00.
    def test_spring_forward_gap_moves_forward(self) -> None:
        value = only_time("vannacht om half 3", datetime(2026, 3, 29, 10, 0, tzinfo=AMS))
        assert value == datetime(2026, 3, 29, 3, 30, tzinfo=AMS)
        assert value.utcoffset() == timedelta(hours=2)

    def test_hours_ago_counts_real_time_over_the_change(self) -> None:
        now = datetime(2026, 3, 29, 3, 30, tzinfo=AMS)  # 01:30 UTC
        value = only_time("2 uur geleden", now)
        assert value.astimezone(UTC) == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
        assert value.utcoffset() == timedelta(hours=1)

    def test_autumn_offsets_on_both_sides(self) -> None:
        now = datetime(2026, 10, 25, 12, 0, tzinfo=AMS)
        assert only_time("gisteravond om 22:00", now).utcoffset() == timedelta(hours=2)
        assert only_time("vanochtend om 9 uur", now).utcoffset() == timedelta(hours=1)


class TestReferenceTime:
    def test_naive_reference_is_amsterdam(self) -> None:
        value = only_time("om 10:00", datetime(2026, 7, 1, 12, 0))
        assert value == datetime(2026, 7, 1, 10, 0, tzinfo=AMS)
        assert value.utcoffset() == timedelta(hours=2)

    def test_utc_reference_reads_amsterdam_wall_clock(self) -> None:
        value = only_time("om 10:00", datetime(2026, 7, 1, 11, 0, tzinfo=UTC))  # 13:00 local
        assert value.astimezone(UTC) == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)

    def test_results_are_aware(self) -> None:
        for mention in find_times("gisteren om 3 uur en zojuist", None):
            assert mention.value.tzinfo is not None


class TestParseMoment:
    @pytest.mark.parametrize(
        ("answer", "expected"),
        [
            ("14:30", at(18, 14, 30)),  # 30 minutes ahead is still today
            ("13:00", at(18, 13)),
            ("15:00", at(17, 15)),  # more than 30 minutes ahead: yesterday
            ("gisteren 23:15", at(17, 23, 15)),
            ("vanochtend 8 uur", at(18, 8)),
            ("12-11 14:30", at(12, 14, 30)),
            ("12 november om 9 uur", at(12, 9)),
            ("zaterdag 21:00", at(14, 21)),
            ("vannacht 3 uur", at(18, 3)),
            ("zojuist", WED_AFTERNOON),
            ("een uur geleden", at(18, 13)),
            ("2026-11-20 08:00", at(20, 8)),
            ("2026-11-17T08:00", at(17, 8)),
            ("  Gisteren   om 23:15  ", at(17, 23, 15)),
            ("gisteren", at(17, 12)),
        ],
    )
    def test_answers(self, answer: str, expected: datetime) -> None:
        assert parse_moment(answer, WED_AFTERNOON) == expected

    def test_saturday_on_a_saturday(self) -> None:
        saturday_evening = at(21, 22)
        assert parse_moment("zaterdag 21:00", saturday_evening) == at(21, 21)
        assert parse_moment("zaterdag 21:00", at(21, 10)) == at(14, 21)

    @pytest.mark.parametrize("answer", ["", "   ", "weet ik niet", "8", "🤷", "x" * 5000])
    def test_not_understood(self, answer: str) -> None:
        assert parse_moment(answer, WED_AFTERNOON) is None

    def test_result_is_in_the_tzinfo_of_now(self) -> None:
        utc_now = WED_AFTERNOON.astimezone(UTC)
        value = parse_moment("gisteren 23:15", utc_now)
        assert value is not None and value.tzinfo is UTC
        assert value == at(17, 23, 15)
        fixed = timezone(timedelta(hours=1))
        value = parse_moment("14:30", WED_AFTERNOON.astimezone(fixed))
        assert value is not None and value.tzinfo is fixed and value == at(18, 14, 30)

    def test_naive_now_gives_amsterdam(self) -> None:
        value = parse_moment("14:30", datetime(2026, 11, 18, 14, 0))
        assert value == at(18, 14, 30) and value is not None and value.tzinfo is not None

    def test_iso_with_offset(self) -> None:
        assert parse_moment("2026-11-17T08:00:00+00:00", WED_AFTERNOON) == at(17, 9)
