"""The trend figures on a real database: weeks, categories, local time, follow-up, streets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.app import BuurtBot
from bot.models import Source, Status
from bot.trends import Period, parse_period
from tests.harness import Chats
from tests.insight.conftest import add_signal, setup_group

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)  # a Wednesday, 15:00 in Amsterdam


def last_weeks(bot: BuurtBot, text: str = "") -> Period:
    parsed = parse_period(text, bot.services.trends.today(NOW))
    assert isinstance(parsed, Period)
    return parsed


async def test_counts_per_category_per_week_with_change(chats: Chats) -> None:
    chats.clock.now = NOW
    group = await setup_group(chats)
    bot = chats.bot
    # The default period is 22 Oct .. 18 Nov (4 weeks); the one before 24 Sep .. 21 Oct.
    for day, category in [
        (date(2026, 10, 22), "overlast"),  # first week
        (date(2026, 10, 28), "overlast"),  # first week, its last day
        (date(2026, 10, 29), "criminaliteit"),  # second week
        (date(2026, 11, 18), "zorg"),  # last week, today
        (date(2026, 11, 18), "zorg"),
        (date(2026, 10, 21), "overlast"),  # the period before
        (date(2026, 9, 24), "criminaliteit"),  # the period before, its first day
        (date(2026, 9, 23), "criminaliteit"),  # before both: not counted
    ]:
        when = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
        await add_signal(bot, group.id, when, category, None)
    overview = await bot.services.trends.overview(group.id, last_weeks(bot))
    assert [week.first for week in overview.weeks] == [
        date(2026, 10, 22),
        date(2026, 10, 29),
        date(2026, 11, 5),
        date(2026, 11, 12),
    ]
    assert [week.counts for week in overview.weeks] == [
        {"criminaliteit": 0, "overlast": 2, "zorg": 0},
        {"criminaliteit": 1, "overlast": 0, "zorg": 0},
        {"criminaliteit": 0, "overlast": 0, "zorg": 0},
        {"criminaliteit": 0, "overlast": 0, "zorg": 2},
    ]
    totals = {c: (v.current, v.previous) for c, v in overview.categories.items()}
    assert totals == {"criminaliteit": (1, 1), "overlast": (2, 1), "zorg": (2, 0)}
    assert (overview.total.current, overview.total.previous) == (5, 2)
    assert overview.total.percent == 150


async def test_week_buckets_follow_local_midnight_across_daylight_saving(chats: Chats) -> None:
    chats.clock.now = NOW
    group = await setup_group(chats)
    bot = chats.bot
    period = parse_period("2026-10-19 2026-11-01", NOW.date())  # the clocks go back on 25 Oct
    assert isinstance(period, Period)
    # 00:30 on Monday 26 Oct in Amsterdam (CET) is 23:30 UTC on Sunday: the second week.
    await add_signal(bot, group.id, datetime(2026, 10, 25, 23, 30, tzinfo=UTC))
    # 23:30 on Sunday 25 Oct in Amsterdam is 22:30 UTC: still the first week.
    await add_signal(bot, group.id, datetime(2026, 10, 25, 22, 30, tzinfo=UTC))
    # 00:30 on Monday 19 Oct (CEST) is 22:30 UTC on Sunday 18 Oct: the first week, first hour.
    await add_signal(bot, group.id, datetime(2026, 10, 18, 22, 30, tzinfo=UTC))
    overview = await bot.services.trends.overview(group.id, period)
    assert [week.total for week in overview.weeks] == [2, 1]
    assert overview.day_parts == {"nacht": 2, "ochtend": 0, "middag": 0, "avond": 1}
    assert overview.weekdays == [2, 0, 0, 0, 0, 0, 1], "Monday twice, Sunday once (local)"


async def test_withdrawn_signals_never_count_and_chat_signals_do(chats: Chats) -> None:
    chats.clock.now = NOW
    group = await setup_group(chats)
    bot = chats.bot
    when = NOW - timedelta(days=1)
    await add_signal(bot, group.id, when, source=Source.CHAT)
    await add_signal(bot, group.id, when, source=Source.GUIDED)
    await add_signal(bot, group.id, when, status=Status.INGETROKKEN)
    overview = await bot.services.trends.overview(group.id, last_weeks(bot))
    assert overview.total.current == 2
    assert overview.subcategories == [("overlast", "geluid", 2)]
    waiting = await bot.services.trends.waiting(group.id, last_weeks(bot))
    assert overview.waiting == 2 and len(waiting) == 2


async def test_follow_up_share_is_status_beyond_open_or_partner_feedback(chats: Chats) -> None:
    chats.clock.now = NOW
    group = await setup_group(chats)
    bot = chats.bot
    when = NOW - timedelta(days=2)
    await add_signal(bot, group.id, when, status=Status.DOORGEZET)
    await add_signal(bot, group.id, when, status=Status.AFGEHANDELD)
    with_feedback = await add_signal(bot, group.id, when)
    await bot.services.signals.add_feedback(with_feedback.id, when, None, {"text": "gezien"})
    await add_signal(bot, group.id, when)  # open, only its 'created' event: no follow-up
    await add_signal(bot, group.id, when)
    overview = await bot.services.trends.overview(group.id, last_weeks(bot))
    assert (overview.followed_up, overview.total.current) == (3, 5)
    assert overview.follow_up_share == 0.6
    waiting = await bot.services.trends.waiting(group.id, last_weeks(bot))
    assert overview.waiting == 2 and with_feedback.id not in {signal.id for signal in waiting}
    assert len(await bot.services.trends.waiting(group.id, last_weeks(bot), limit=1)) == 1


async def test_top_subcategories_and_busiest_streets_without_house_numbers(chats: Chats) -> None:
    chats.clock.now = NOW
    group = await setup_group(chats)
    bot = chats.bot
    when = NOW - timedelta(days=3)
    for street in ("Molenlaan 4", "Molenlaan 12a", "molenlaan", "Kerkstraat 1, achter", None):
        await add_signal(bot, group.id, when, "criminaliteit", "diefstal", street=street)
    await add_signal(bot, group.id, when, "zorg", "onwel", street="Kerkstraat")
    overview = await bot.services.trends.overview(group.id, last_weeks(bot))
    assert overview.streets == [("Molenlaan", 3), ("Kerkstraat", 2)]
    assert overview.subcategories[0] == ("criminaliteit", "diefstal", 5)
    waiting = await bot.services.trends.waiting(group.id, last_weeks(bot))
    streets = {signal.street for signal in waiting}
    assert streets == {"Molenlaan", "molenlaan", "Kerkstraat", None}, "each as stored, no number"


async def test_other_groups_never_mix_in(chats: Chats) -> None:
    chats.clock.now = NOW
    group = await setup_group(chats)
    bot = chats.bot
    other, _ = await bot.services.groups.register("test", "-100999", "Elders", "nl", NOW)
    await add_signal(bot, other.id, NOW - timedelta(days=1))
    overview = await bot.services.trends.overview(group.id, last_weeks(bot))
    assert overview.total.current == 0 and overview.follow_up_share is None
    assert overview.busiest_part is None and overview.busiest_weekday is None
