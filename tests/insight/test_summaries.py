"""The weekly summary: when (across daylight saving), exactly once (across restarts), catch-up,
failing groups, and what it says."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import BuurtBot, build
from bot.chat import Chat, ChatKind
from bot.insight_models import SummarySettings
from bot.models import Group, Status
from bot.settings import Settings
from bot.summaries import (
    CATCH_UP_JOB,
    GRACE,
    JOB,
    MAX_ATTEMPTS,
    RETRY_JOB,
    SWEEP_JOB,
    SummaryWeek,
    last_moment,
    moment_in_week,
    next_moment,
    send_due,
    send_now,
    week_key,
)
from tests.harness import ANNA, BOB, COR, GROUP, Chats, Clock
from tests.insight.conftest import (
    FakeScheduler,
    TroubledMessenger,
    add_signal,
    setup_group,
    the_group,
)

AMS = ZoneInfo("Europe/Amsterdam")
SUNDAY = (6, 19 * 60)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(AMS)


# --- when ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("monday", "expected"),
    [
        (date(2026, 3, 16), utc(2026, 3, 22, 18, 0)),  # CET: 19:00 is 18:00 UTC
        (date(2026, 3, 23), utc(2026, 3, 29, 17, 0)),  # the clocks went forward that morning
        (date(2026, 10, 19), utc(2026, 10, 25, 18, 0)),  # the clocks went back that morning
        (date(2026, 10, 12), utc(2026, 10, 18, 17, 0)),  # still CEST
    ],
)
def test_sunday_seven_pm_stays_seven_pm_local(monday: date, expected: datetime) -> None:
    moment, key = moment_in_week(monday, SUNDAY, AMS)
    assert moment == expected and local(moment).hour == 19
    assert key == week_key(monday)


def test_times_in_the_daylight_saving_hour() -> None:
    # 02:30 does not exist on 29 March: it comes at 03:30 CEST.
    spring, _ = moment_in_week(date(2026, 3, 23), (6, 150), AMS)
    assert spring == utc(2026, 3, 29, 1, 30) and local(spring).hour == 3
    # 02:30 exists twice on 25 October: the first time counts.
    autumn, _ = moment_in_week(date(2026, 10, 19), (6, 150), AMS)
    assert autumn == utc(2026, 10, 25, 0, 30)


def test_last_and_next_moment() -> None:
    before = utc(2026, 3, 29, 16, 59)
    assert last_moment(SUNDAY, before, AMS) == (utc(2026, 3, 22, 18, 0), "2026-W12")
    assert next_moment(SUNDAY, before, AMS) == utc(2026, 3, 29, 17, 0)
    at = utc(2026, 3, 29, 17, 0)
    assert last_moment(SUNDAY, at, AMS) == (at, "2026-W13")
    assert next_moment(SUNDAY, at, AMS) == utc(2026, 4, 5, 17, 0)
    assert week_key(date(2027, 1, 3)) == "2026-W53"


# --- scheduling with a controlled clock ----------------------------------------------------


async def started(chats: Chats, scheduler: FakeScheduler, *, at: datetime) -> Group:
    chats.clock.now = at
    group = await setup_group(chats)
    chats.bot.schedule(scheduler, chats.messenger)
    assert scheduler.when(CATCH_UP_JOB) == at + timedelta(seconds=5)
    assert scheduler.repeating[SWEEP_JOB] == timedelta(hours=1)
    return group


@pytest.mark.parametrize(
    ("start", "end", "weeks"),
    [(utc(2026, 3, 9, 12), utc(2026, 4, 13, 12), 5), (utc(2026, 10, 5, 12), utc(2026, 11, 9), 5)],
    ids=["march", "october"],
)
async def test_once_a_week_at_seven_pm_across_daylight_saving(
    chats: Chats,
    scheduler: FakeScheduler,
    messenger: TroubledMessenger,
    start: datetime,
    end: datetime,
    weeks: int,
) -> None:
    await started(chats, scheduler, at=start)
    await scheduler.run_until(end)
    sent = messenger.summaries()
    assert len(sent) == weeks
    assert all(local(when).weekday() == 6 and local(when).hour == 19 for when, _ in sent)
    assert all(local(when).minute == 0 for when, _ in sent)
    assert len({local(when).date() for when, _ in sent}) == weeks
    assert [when for name, when in scheduler.ran if name == JOB] == [w for w, _ in sent]
    next_run = scheduler.when(JOB)
    assert next_run is not None and local(next_run).hour == 19
    group = await the_group(chats.bot)
    ledger = await chats.bot.services.summaries.repository.ledger(group.id)
    assert [state for _, state, _ in ledger] == ["sent"] * weeks


@pytest.mark.parametrize("monday", [date(2026, 3, 23), date(2026, 10, 19)])
async def test_a_time_inside_the_changing_hour_is_sent_once(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger, monday: date
) -> None:
    group = await started(chats, scheduler, at=utc(monday.year, monday.month, monday.day, 9))
    await chats.bot.services.summaries.save_settings(
        group.id, SummarySettings(True, 6, 150), chats.clock.now, None
    )
    await scheduler.run_until(utc(monday.year, monday.month, monday.day) + timedelta(days=8))
    [(when, _)] = messenger.summaries()
    assert local(when).date() == monday + timedelta(days=6)


async def test_exactly_once_across_a_restart(
    settings: Settings, clock: Clock, messenger: TroubledMessenger
) -> None:
    clock.now = utc(2026, 11, 22, 17, 0)  # Sunday 18:00 in Amsterdam
    first = await build(settings, clock=clock)
    chats = Chats(first, messenger, clock)
    await setup_group(chats)
    scheduler = FakeScheduler(clock)
    first.schedule(scheduler, messenger)
    await scheduler.run_until(utc(2026, 11, 22, 18, 5))
    assert len(messenger.summaries()) == 1
    await first.close()

    for restart_at in (utc(2026, 11, 22, 18, 30), utc(2026, 11, 23, 5, 0)):
        clock.now = restart_at
        again = await build(settings, clock=clock)
        scheduler = FakeScheduler(clock)
        again.schedule(scheduler, messenger)
        await scheduler.run_until(restart_at + timedelta(hours=1))
        assert len(messenger.summaries()) == 1, "the catch-up finds it sent"
        assert scheduler.when(JOB) == utc(2026, 11, 29, 18, 0)
        await again.close()


async def test_a_claim_left_by_a_crash_is_taken_over_after_restart(
    settings: Settings, clock: Clock, messenger: TroubledMessenger
) -> None:
    clock.now = utc(2026, 11, 22, 17, 0)
    first = await build(settings, clock=clock)
    group = await setup_group(Chats(first, messenger, clock))
    # The process claimed the week and died before it could send.
    moment, week = last_moment(SUNDAY, utc(2026, 11, 22, 18, 0), AMS)
    repository = first.services.summaries.repository
    assert await repository.claim(group.id, week, first.services.summaries.boot, moment, 3)
    await first.close()

    clock.now = utc(2026, 11, 22, 18, 20)
    again = await build(settings, clock=clock)
    scheduler = FakeScheduler(clock)
    again.schedule(scheduler, messenger)
    await scheduler.run_until(clock.now + timedelta(minutes=1))
    [(when, text)] = messenger.summaries()
    assert when == utc(2026, 11, 22, 18, 20, 5) and "tot zo 22 nov 19:00" in text
    assert await again.services.summaries.repository.ledger(group.id) == [(week, "sent", 2)]
    await again.close()


async def test_a_running_claim_is_not_taken_by_the_same_process(
    chats: Chats, messenger: TroubledMessenger
) -> None:
    chats.clock.now = utc(2026, 11, 22, 18, 1)
    group = await setup_group(chats)
    summaries = chats.bot.services.summaries
    _, week = last_moment(SUNDAY, chats.clock.now, AMS)
    assert await summaries.repository.claim(group.id, week, summaries.boot, chats.clock.now, 3)
    report = await send_due(chats.bot.services, messenger, chats.clock.now)
    assert report.skipped == [group.id] and messenger.summaries() == []


async def test_the_hourly_sweep_sends_what_a_lost_job_missed(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    await started(chats, scheduler, at=utc(2026, 11, 22, 12, 0))
    await scheduler.run_until(utc(2026, 11, 22, 17, 0))
    assert scheduler.when(JOB) == utc(2026, 11, 22, 18, 0)
    scheduler.cancel(JOB)  # e.g. the process was suspended past the job's misfire grace
    chats.clock.now = utc(2026, 11, 22, 18, 40)
    sweep = scheduler.repeating_jobs[SWEEP_JOB]
    await sweep()
    [(when, _)] = messenger.summaries()
    assert when == utc(2026, 11, 22, 18, 40)
    assert scheduler.when(JOB) == utc(2026, 11, 29, 18, 0), "planned again"
    chats.clock.now = utc(2026, 11, 22, 19, 40)
    await sweep()
    assert len(messenger.summaries()) == 1


@pytest.mark.parametrize(
    ("down_until", "caught_up"),
    [(utc(2026, 11, 23, 5, 59), True), (utc(2026, 11, 23, 6, 1), False)],
    ids=["within-grace", "too-late"],
)
async def test_catch_up_once_within_the_grace_window(
    chats: Chats,
    scheduler: FakeScheduler,
    messenger: TroubledMessenger,
    down_until: datetime,
    caught_up: bool,
) -> None:
    assert timedelta(hours=12) == GRACE
    await started(chats, scheduler, at=down_until)  # the bot was down at Sunday 19:00
    await scheduler.run_until(down_until + timedelta(hours=2))
    sent = messenger.summaries()
    assert len(sent) == int(caught_up)
    if caught_up:
        assert "tot zo 22 nov 19:00" in sent[0][1], "the week as it was at its moment"
    await scheduler.run_until(utc(2026, 11, 29, 19, 0))
    assert len(messenger.summaries()) == int(caught_up) + 1, "next week as usual"


async def test_groups_registered_after_the_moment_wait_for_the_next(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    chats.clock.now = utc(2026, 11, 22, 20, 0)  # Sunday 21:00: just after the moment
    await chats.add_bot()
    chats.bot.schedule(scheduler, messenger)
    await scheduler.run_until(utc(2026, 11, 23, 1, 0))
    assert messenger.summaries() == []


async def test_disabled_groups_get_nothing(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    group = await started(chats, scheduler, at=utc(2026, 11, 16, 12))
    await chats.bot.services.summaries.save_settings(
        group.id, SummarySettings(enabled=False), chats.clock.now, None
    )
    assert scheduler.when(JOB) is None, "no group wants a summary: no job"
    await scheduler.run_until(utc(2026, 12, 1))
    assert messenger.summaries() == []


# --- failures ------------------------------------------------------------------------------


async def four_groups(chats: Chats) -> list[Group]:
    chats.clock.now = utc(2026, 10, 1)
    groups = []
    for n in range(4):
        chat = Chat("test", f"-100{n}", ChatKind.GROUP, f"Groep {n}")
        await chats.add_bot(chat)
        group = await chats.bot.services.groups.by_chat("test", chat.id)
        assert group is not None
        groups.append(group)
    return groups


async def test_one_failing_group_does_not_stop_the_others(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    gone, moved, flaky, fine = await four_groups(chats)
    messenger.unavailable.add(gone.chat_id)  # 403: bot removed
    messenger.migrated[moved.chat_id] = "-100999"  # became a supergroup
    messenger.broken.add(flaky.chat_id)  # something else went wrong
    chats.clock.now = utc(2026, 11, 22, 12)
    chats.bot.schedule(scheduler, messenger)
    await scheduler.run_until(utc(2026, 11, 22, 18, 0))
    assert len(messenger.summaries(fine.chat_id)) == 1
    assert len(messenger.summaries("-100999")) == 1
    services = chats.bot.services
    assert not (await services.groups.get(gone.id)).active  # type: ignore[union-attr]
    assert (await services.groups.get(moved.id)).chat_id == "-100999"  # type: ignore[union-attr]
    retry = scheduler.when(RETRY_JOB)
    assert retry == utc(2026, 11, 22, 18, 10)

    # The retry finds the flaky group working again; nobody else gets a second one.
    messenger.broken.clear()
    await scheduler.run_until(utc(2026, 11, 22, 19, 0))
    assert len(messenger.summaries(flaky.chat_id)) == 1
    assert len(messenger.summaries(fine.chat_id)) == 1
    assert len(messenger.summaries("-100999")) == 1
    assert messenger.summaries(gone.chat_id) == []
    ledger = await services.summaries.repository.ledger(flaky.id)
    assert ledger == [("2026-W47", "sent", 2)]


async def test_a_group_that_keeps_failing_is_given_up_after_some_attempts(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    _, _, flaky, _ = await four_groups(chats)
    messenger.broken.add(flaky.chat_id)
    chats.clock.now = utc(2026, 11, 22, 12)
    chats.bot.schedule(scheduler, messenger)
    await scheduler.run_until(utc(2026, 11, 23, 12, 0))
    ledger = await chats.bot.services.summaries.repository.ledger(flaky.id)
    assert ledger == [("2026-W47", "failed", MAX_ATTEMPTS)]
    assert scheduler.when(RETRY_JOB) is None
    assert scheduler.when(JOB) == utc(2026, 11, 29, 18, 0)
    retries = [name for name, _ in scheduler.ran if name == RETRY_JOB]
    assert len(retries) == MAX_ATTEMPTS - 1, "no retry once it is given up"


# --- what it says --------------------------------------------------------------------------


async def week_of_signals(chats: Chats) -> Group:
    """Signals in the week up to Sunday 22 Nov 19:00 and the week before."""
    chats.clock.now = utc(2026, 11, 22, 18, 0)
    group = await setup_group(chats)
    bot = chats.bot
    this_week = utc(2026, 11, 20, 12)
    last_week = utc(2026, 11, 13, 12)
    for _ in range(4):
        await add_signal(bot, group.id, this_week, "criminaliteit", "diefstal")
    await add_signal(bot, group.id, this_week, "zorg", "onwel", status=Status.AFGEHANDELD)
    await add_signal(bot, group.id, this_week, "zorg", "onwel", status=Status.INGETROKKEN)
    await add_signal(bot, group.id, last_week, "criminaliteit", "diefstal")
    for _ in range(3):
        await add_signal(bot, group.id, last_week, "overlast", "geluid", status=Status.DOORGEZET)
    await add_signal(bot, group.id, utc(2026, 11, 22, 18, 30))  # after the moment: next week
    return group


async def test_summary_compares_this_week_with_last_week(
    chats: Chats, messenger: TroubledMessenger
) -> None:
    group = await week_of_signals(chats)
    await chats.text(ANNA, "hoi", GROUP)
    texts = await chats.bot.services.summaries.compose([group], utc(2026, 11, 22, 18, 0))
    text = texts[group.id]
    assert text.startswith("📰 <b>Weekoverzicht · Buurtpreventie Oost</b>")
    assert "De afgelopen zeven dagen, tot zo 22 nov 19:00" in text
    assert "<b>Deze week</b>: 5 meldingen (vorige week 4)" in text
    assert "🚨 Criminaliteit: 4 (vorige week 1) ↑" in text
    assert "📢 Overlast: 0 (vorige week 3) ↓" in text
    assert "💙 Zorg: 1 (vorige week 0) ↑" in text
    assert "Meer meldingen over <b>Criminaliteit – Diefstal" in text and ": 4, tegen 1" in text
    assert "5 meldingen van de afgelopen vier weken wachten nog op opvolging." in text
    assert "3 meldingen liggen bij een partner en zijn nog niet afgehandeld." in text
    assert "1 melding opgevolgd · 5 meldingen gedaan · 1 buurtgenoot actief" in text
    assert "Het volgende weekoverzicht komt zo 29 nov om 19:00." in text
    assert "burger-buurtonderzoek" in text, "the tip fits what was reported most"
    order = [
        text.index(part)
        for part in ("Deze week", "Wat opvalt", "Opvolging", "trots", "Wat komt er")
    ]
    assert order == sorted(order)


async def test_new_members_count_once_the_bot_has_been_there_a_week(
    chats: Chats, messenger: TroubledMessenger
) -> None:
    group = await week_of_signals(chats)
    chats.clock.now = utc(2026, 11, 21, 10, 0)
    await chats.text(BOB, "ik ben nieuw", GROUP)
    summaries = chats.bot.services.summaries
    text = (await summaries.compose([group], utc(2026, 11, 22, 18, 0)))[group.id]
    assert "1 nieuw lid" in text
    fresh, _ = await chats.bot.services.groups.register(
        "test", "-100888", "Vers", "nl", utc(2026, 11, 20)
    )
    await chats.bot.services.people.seen("test", ANNA, utc(2026, 11, 21), fresh.id)
    text = (await summaries.compose([fresh], utc(2026, 11, 22, 18, 0)))[fresh.id]
    assert "nieuw" not in text, "everyone is new to a bot that just arrived"


async def test_quiet_week_and_fewer_signals(chats: Chats, messenger: TroubledMessenger) -> None:
    chats.clock.now = utc(2026, 11, 22, 18, 0)
    group = await setup_group(chats)
    summaries = chats.bot.services.summaries
    text = (await summaries.compose([group], chats.clock.now))[group.id]
    assert "Deze week is er niets gemeld." in text and "Er wacht niets op opvolging." in text
    assert "Een rustige week" in text
    for _ in range(5):
        await add_signal(chats.bot, group.id, utc(2026, 11, 12), "zorg", "onwel")
    await add_signal(chats.bot, group.id, utc(2026, 11, 20), "zorg", "onwel")
    text = (await summaries.compose([group], chats.clock.now))[group.id]
    assert "Minder meldingen dan vorige week: 1 tegen 5." in text


async def test_english_group_gets_an_english_summary(
    chats: Chats, messenger: TroubledMessenger
) -> None:
    group = await week_of_signals(chats)
    await chats.bot.services.groups.set_language(group.id, "en")
    group = await the_group(chats.bot)
    text = (await chats.bot.services.summaries.compose([group], utc(2026, 11, 22, 18)))[group.id]
    assert "<b>This week</b>: 5 reports (last week 4)" in text and "Weekly summary" in text


async def test_sections_can_be_added_and_a_failing_one_is_left_out(
    chats: Chats, messenger: TroubledMessenger
) -> None:
    group = await week_of_signals(chats)
    summaries = chats.bot.services.summaries
    prepared: list[tuple[list[int], datetime, datetime]] = []

    async def prepare(groups: Sequence[Group], start: datetime, end: datetime) -> None:
        prepared.append(([g.id for g in groups], start, end))

    async def impact(week: SummaryWeek) -> str | None:
        return f"<b>Impactniveau</b>: 3 · Co-operatie ({week.group.title})"

    async def broken(week: SummaryWeek) -> str | None:
        raise RuntimeError("this section is broken")

    async def nothing(week: SummaryWeek) -> str | None:
        return None

    summaries.add_section("impact", impact, order=45, prepare=prepare)
    summaries.add_section("broken", broken, order=46)
    summaries.add_section("nothing", nothing, order=47)
    assert [s.name for s in summaries.sections] == [
        "this_week",
        "stands_out",
        "follow_up",
        "proud",
        "impact",
        "broken",
        "nothing",
        "next",
    ]
    end = utc(2026, 11, 22, 18, 0)
    text = (await summaries.compose([group], end))[group.id]
    assert "<b>Impactniveau</b>: 3 · Co-operatie (Buurtpreventie Oost)" in text
    assert text.index("trots") < text.index("Impactniveau") < text.index("Wat komt er")
    assert "\n\n\n" not in text
    assert prepared == [([group.id], utc(2026, 11, 15, 18, 0), end)]
    summaries.add_section("impact", nothing, order=45)  # replaced by name
    assert "Impactniveau" not in (await summaries.compose([group], end))[group.id]


async def test_a_preview_does_not_count_as_sent(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    group = await started(chats, scheduler, at=utc(2026, 11, 22, 17, 0))
    await send_now(chats.bot.services, messenger, group, chat_id=COR.id)
    assert len(messenger.summaries(COR.id)) == 1
    assert await chats.bot.services.summaries.repository.ledger(group.id) == []
    await scheduler.run_until(utc(2026, 11, 22, 18, 1))
    assert len(messenger.summaries()) == 1


async def test_without_a_scheduler_settings_are_still_saved(buurtbot: BuurtBot) -> None:
    group, _ = await buurtbot.services.groups.register("test", "-1", "G", "nl", utc(2026, 1, 1))
    summaries = buurtbot.services.summaries
    await summaries.save_settings(group.id, SummarySettings(True, 2, 480), utc(2026, 1, 2), None)
    assert await summaries.settings(group.id) == SummarySettings(True, 2, 480)
    assert await summaries.reschedule() is None
