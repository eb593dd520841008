"""End to end: /trend's chart and the weekly summary through the real Telegram Application."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.summaries import next_moment
from tests.e2e.conftest import Telegram
from tests.e2e.test_telegram import GROUP_ID, setup_group
from tests.insight.conftest import add_signal


async def test_trend_in_the_group_is_a_photo_with_caption(telegram: Telegram) -> None:
    api = telegram.api
    _, anna, cor = await setup_group(telegram)
    group = await telegram.bot.services.groups.by_chat("telegram", str(GROUP_ID))
    assert group is not None
    now = datetime.now(UTC)
    for days in (1, 2, 8):
        await add_signal(telegram.bot, group.id, now - timedelta(days=days), street="Dorpsstraat 3")
    sent_before = len(api.sent)
    api.say(GROUP_ID, cor, "/trend")
    post = await api.next_message(GROUP_ID, "Trend · Buurtpreventie Oost", after=sent_before)
    assert "<b>3 meldingen</b>" in post["caption"] and "Dorpsstraat" not in post["caption"]
    [photo] = api.calls_to("sendPhoto")
    assert photo["photo"] == "<upload>", "the PNG is uploaded, not referenced"
    [[details]] = post["reply_markup"]["inline_keyboard"]
    assert details["url"] == f"https://t.me/buurt_test_bot?start=trd-4w-{group.code}"

    api.say(GROUP_ID, anna, "/trend")
    refusal = await api.next_message(GROUP_ID, "alleen voor coördinatoren")
    assert refusal is not None and len(api.calls_to("sendPhoto")) == 1


async def test_weekly_summary_reaches_every_group_despite_failures(telegram: Telegram) -> None:
    api = telegram.api
    services = telegram.bot.services
    cor = api.user(13, "Cor")
    chats = {-1001: "Oost", -1002: "West", -1003: "Noord"}
    for chat_id, title in chats.items():
        api.group(chat_id, f"Buurtpreventie {title}", members=[cor])
        api.admins[chat_id] = [13]
        api.add_bot(chat_id, cor)
        await api.next_message(chat_id, "Ik ben <b>buurtbot</b>")
    api.kicked.add(-1002)  # the bot was removed without us noticing: 403
    api.migrated[-1003] = -1009003  # became a supergroup: 400 with the new id
    api.chats[-1009003] = {"id": -1009003, "type": "supergroup", "title": "Buurtpreventie Noord"}

    # The job runs as the schedule would, at the next Sunday 19:00 (the clock is moved there).
    moment = next_moment((6, 19 * 60), datetime.now(UTC), services.settings.tz)
    services.clock = lambda: moment + timedelta(seconds=1)
    job = services.summaries.job
    assert job is not None, "scheduled at start"
    await job()
    oost = await api.next_message(-1001, "Weekoverzicht · Buurtpreventie Oost")
    noord = await api.next_message(-1009003, "Weekoverzicht · Buurtpreventie Noord")
    assert oost and noord
    west = await services.groups.by_chat("telegram", "-1002")
    assert west is not None and not west.active
    await job()  # again: nothing twice
    summaries = [c for c in api.calls_to("sendMessage") if "Weekoverzicht" in c["text"]]
    assert sorted(c["chat_id"] for c in summaries) == [-1009003, -1003, -1002, -1001]
