"""End to end: members and the bot talk through a fake Bot API server over HTTP."""

from __future__ import annotations

import logging

import pytest

from bot.logs import RedactSecrets
from tests.e2e.conftest import TOKEN, Telegram
from tests.fakes.botapi import Json

GROUP_ID = -1001234


async def setup_group(telegram: Telegram) -> tuple[Json, Json, Json]:
    api = telegram.api
    anna = api.user(11, "Anna")
    cor = api.user(13, "Cor")
    chat = api.group(GROUP_ID, "Buurtpreventie Oost", members=[anna, cor])
    api.admins[GROUP_ID] = [13]
    api.add_bot(GROUP_ID, cor)
    await api.next_message(GROUP_ID, "Ik ben <b>buurtbot</b>")
    return chat, anna, cor


async def open_report(telegram: Telegram, anna: Json) -> Json:
    """/melding in the group, follow the deep link, return the category question."""
    api = telegram.api
    sent_before = len(api.sent)
    api.say(GROUP_ID, anna, "/melding")
    pointer = await api.next_message(GROUP_ID, "Tik op de knop", after=sent_before)
    url = pointer["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert url.startswith("https://t.me/buurt_test_bot?start=mld-")
    api.say(anna["id"], anna, f"/start {url.split('start=')[1]}")
    return await api.next_message(anna["id"], "Nieuwe melding")


async def step(telegram: Telegram, user: Json, message: Json, label: str, expect: str) -> Json:
    sent_before = len(telegram.api.sent)
    telegram.api.press_label(user, message, label)
    return await telegram.api.next_message(user["id"], expect, after=sent_before)


async def type_answer(telegram: Telegram, user: Json, text: str, expect: str) -> Json:
    sent_before = len(telegram.api.sent)
    telegram.api.say(user["id"], user, text)
    return await telegram.api.next_message(user["id"], expect, after=sent_before)


async def test_added_to_group_introduces_itself_and_sets_menus(telegram: Telegram) -> None:
    await setup_group(telegram)
    group = await telegram.bot.services.groups.by_chat("telegram", str(GROUP_ID))
    assert group is not None and group.active and group.title == "Buurtpreventie Oost"
    menus = telegram.api.calls_to("setMyCommands")
    scopes = {(m["scope"]["type"], m.get("language_code")) for m in menus}
    assert ("all_chat_administrators", None) in scopes and (
        "all_chat_administrators",
        "en",
    ) in scopes
    assert ("all_private_chats", None) in scopes
    dutch_private = next(
        m for m in menus if m["scope"]["type"] == "all_private_chats" and "language_code" not in m
    )
    assert {
        "command": "melding",
        "description": "Een signaal melden (stap voor stap)",
    } in dutch_private["commands"]


async def test_member_reports_from_the_group(telegram: Telegram) -> None:
    api = telegram.api
    _, anna, _ = await setup_group(telegram)
    question = await open_report(telegram, anna)
    question = await step(telegram, anna, question, "Overlast", "Wat past het best")
    question = await step(telegram, anna, question, "Afval", "Gebeurt het")
    question = await step(telegram, anna, question, "Nee", "Waar")
    question = await type_answer(telegram, anna, "Molenlaan 4", "Wanneer")
    question = await step(telegram, anna, question, "Gisteren", "Hoe laat")
    question = await type_answer(telegram, anna, "22:30", "Wat")
    question = await type_answer(telegram, anna, "Matras en <script> bij de container", "foto")
    question = await step(telegram, anna, question, "Geen foto", "naam")
    summary = await step(telegram, anna, question, "Nee, anoniem", "Klopt je melding")
    posts_before = len(api.sent_to(GROUP_ID))
    await step(telegram, anna, summary, "Versturen", "Dank je")

    post = api.sent_to(GROUP_ID)[posts_before]
    assert "Melding: Overlast" in post["text"] and "Molenlaan 4" in post["text"]
    assert "&lt;script&gt;" in post["text"], "user text is escaped for Telegram's HTML mode"
    call = next(
        c
        for c in api.calls_to("sendMessage")
        if c["chat_id"] == GROUP_ID and "Molenlaan" in c["text"]
    )
    assert call["parse_mode"] == "HTML"
    signal = await telegram.bot.services.signals.get(1)
    assert signal is not None and signal.category == "overlast" and signal.street == "Molenlaan"
    assert signal.chat_message_id == str(post["message_id"])
    answered = api.calls_to("answerCallbackQuery")
    assert len(answered) == len([c for c in api.calls if c[0] == "answerCallbackQuery"]) >= 6


async def test_112_path_posts_in_group(telegram: Telegram) -> None:
    api = telegram.api
    _, anna, _ = await setup_group(telegram)
    question = await open_report(telegram, anna)
    question = await step(telegram, anna, question, "Zorg", "Wat past")
    question = await step(telegram, anna, question, "Onwel", "Gebeurt het")
    saar = await step(telegram, anna, question, "Ja, nu", "Bel eerst 112")
    sent_before = len(api.sent)
    api.press_label(anna, saar, "112 is gebeld")
    called = await api.next_message(GROUP_ID, "112 is gebeld", after=sent_before)
    assert "nog eens te bellen" in called["text"]
    await api.next_message(anna["id"], "Waar")
    signal_count = await telegram.bot.services.signals.count(1)
    assert signal_count == 0, "nothing is stored before the report is sent"


async def test_cancel_stores_nothing(telegram: Telegram) -> None:
    _, anna, _ = await setup_group(telegram)
    question = await open_report(telegram, anna)
    await step(telegram, anna, question, "Criminaliteit", "Wat past")
    await type_answer(telegram, anna, "/annuleer", "geannuleerd")
    assert await telegram.bot.services.signals.count(1) == 0
    assert await telegram.bot.services.conversations.get("telegram", "11", "11") is None


async def test_restart_halfway_a_report(telegram: Telegram) -> None:
    _, anna, _ = await setup_group(telegram)
    question = await open_report(telegram, anna)
    question = await step(telegram, anna, question, "Criminaliteit", "Wat past")
    await telegram.restart()
    question = await step(telegram, anna, question, "Diefstal", "Gebeurt het")
    question = await step(telegram, anna, question, "Nee", "Waar")
    question = await type_answer(telegram, anna, "Stationsplein", "Wanneer")
    question = await step(telegram, anna, question, "Nu net", "Wat")
    question = await type_answer(telegram, anna, "Fiets met kettingslot gestolen", "foto")
    question = await step(telegram, anna, question, "Geen foto", "naam")
    summary = await step(telegram, anna, question, "Ja", "Klopt")
    await step(telegram, anna, summary, "Versturen", "Dank je")
    signal = await telegram.bot.services.signals.get(1)
    assert signal is not None and signal.subcategory == "diefstal" and signal.show_name


async def test_429_is_retried_and_the_message_arrives(telegram: Telegram) -> None:
    api = telegram.api
    _, anna, _ = await setup_group(telegram)
    api.fail("sendMessage", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1})
    sent_before = len(api.sent)
    api.say(anna["id"], anna, "/help")
    message = await api.next_message(anna["id"], "Wat kan buurtbot", after=sent_before)
    assert message is not None
    attempts = [c for c in api.calls_to("sendMessage") if c["chat_id"] == anna["id"]]
    assert len(attempts) == 2, "one refused with 429, then one delivered"


async def test_removed_from_group_marks_inactive_without_retry_storm(telegram: Telegram) -> None:
    api = telegram.api
    _, anna, cor = await setup_group(telegram)
    question = await open_report(telegram, anna)
    question = await step(telegram, anna, question, "Overlast", "Wat past")
    question = await step(telegram, anna, question, "Geluid", "Gebeurt het")
    question = await step(telegram, anna, question, "Nee", "Waar")
    question = await type_answer(telegram, anna, "Kerkstraat", "Wanneer")
    question = await step(telegram, anna, question, "Nu net", "Wat")
    question = await type_answer(telegram, anna, "Harde muziek", "foto")
    question = await step(telegram, anna, question, "Geen foto", "naam")
    summary = await step(telegram, anna, question, "Nee", "Klopt")

    # The group is gone before the report is sent: Telegram answers 403 from now on.
    api.kicked.add(GROUP_ID)
    sent_before = len(api.sent)
    api.press_label(anna, summary, "Versturen")
    await api.next_message(anna["id"], "kon hem niet in de groep plaatsen", after=sent_before)
    refused = [c for c in api.calls_to("sendMessage") if c["chat_id"] == GROUP_ID]
    assert len([c for c in refused if "Harde muziek" in c["text"]]) == 1, "no retries on 403"
    group = await telegram.bot.services.groups.by_chat("telegram", str(GROUP_ID))
    assert group is not None and not group.active
    assert await telegram.bot.services.signals.count(group.id) == 1, "the report itself is kept"

    api.remove_bot(GROUP_ID, cor)
    await api.wait_for(api.idle)
    api.say(
        GROUP_ID, anna, "/melding"
    )  # Telegram would not deliver this; a stale update must not crash


async def test_group_migration_follows_the_new_chat_id(telegram: Telegram) -> None:
    api = telegram.api
    _, anna, _ = await setup_group(telegram)
    new_id = -1009999
    api.migrate(GROUP_ID, new_id)
    await api.wait_for(api.idle)

    async def moved() -> bool:
        group = await telegram.bot.services.groups.get(1)
        return group is not None and group.chat_id == str(new_id)

    for _ in range(50):
        if await moved():
            break
        await api.wait_for(lambda: True)
    assert await moved()
    api.say(new_id, anna, "/melding")
    pointer = await api.next_message(new_id, "Tik op de knop")
    assert pointer["chat"]["id"] == new_id


async def test_send_to_migrated_chat_is_followed(telegram: Telegram) -> None:
    """Telegram refuses with migrate_to_chat_id before the service message was seen."""
    api = telegram.api
    _, anna, _ = await setup_group(telegram)
    question = await open_report(telegram, anna)
    question = await step(telegram, anna, question, "Zorg", "Wat past")
    question = await step(telegram, anna, question, "Vermissing", "Gebeurt het")
    question = await step(telegram, anna, question, "Nee", "Waar")
    question = await type_answer(telegram, anna, "Parkweg", "Wanneer")
    question = await step(telegram, anna, question, "Nu net", "Wat")
    question = await type_answer(telegram, anna, "Oudere man met rollator zoekt zijn huis", "foto")
    question = await step(telegram, anna, question, "Geen foto", "naam")
    summary = await step(telegram, anna, question, "Nee", "Klopt")
    new_id = -1007777
    api.migrated[GROUP_ID] = new_id
    api.chats[new_id] = {"id": new_id, "type": "supergroup", "title": "Buurtpreventie Oost"}
    await step(telegram, anna, summary, "Versturen", "Dank je")
    post = await api.next_message(new_id, "Vermissing")
    assert post is not None
    group = await telegram.bot.services.groups.get(1)
    assert group is not None and group.chat_id == str(new_id)


async def test_message_in_unregistered_group_registers_it(telegram: Telegram) -> None:
    api = telegram.api
    anna = api.user(11, "Anna")
    api.group(-1005555, "Buurtapp Zuid", members=[anna])
    api.say(-1005555, anna, "Goedemorgen allemaal")
    await api.next_message(-1005555, "Ik ben <b>buurtbot</b>")
    group = await telegram.bot.services.groups.by_chat("telegram", "-1005555")
    assert group is not None and group.active


async def test_forged_button_data_is_answered_and_changes_nothing(telegram: Telegram) -> None:
    api = telegram.api
    _, anna, _ = await setup_group(telegram)
    question = await open_report(telegram, anna)
    calls = len(api.calls_to("answerCallbackQuery"))
    api.press(anna, question, "mld:000000:cat:criminaliteit")
    await api.wait_for(lambda: len(api.calls_to("answerCallbackQuery")) > calls)
    assert (
        api.calls_to("answerCallbackQuery")[-1]["text"] == "Deze knop hoort bij een eerdere vraag."
    )
    conv = await telegram.bot.services.conversations.get("telegram", "11", "11")
    assert conv is not None and conv.step == "category"


async def test_token_never_reaches_the_logs(
    telegram: Telegram, caplog: pytest.LogCaptureFixture
) -> None:
    """Request URLs carry the token; with the redaction filter no record shows it."""
    redact = RedactSecrets([TOKEN])
    caplog.handler.addFilter(redact)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # request URLs, which carry the token
    try:
        api = telegram.api
        _, anna, _ = await setup_group(telegram)
        api.fail("sendMessage", 400, "Bad Request: something odd")
        api.say(anna["id"], anna, "/help")
        await api.wait_for(lambda: not api.failures["sendMessage"])
        sent_before = len(api.sent)
        api.say(anna["id"], anna, "/help")
        await api.next_message(anna["id"], "Wat kan buurtbot", after=sent_before)
    finally:
        caplog.handler.removeFilter(redact)
    assert "/bot[redacted]/" in caplog.text, "URLs with the token were logged, and redacted"
    assert "something odd" in caplog.text.lower(), "the failure was logged with its context"
    assert TOKEN not in caplog.text


async def test_group_chatter_is_recognised_quietly(telegram: Telegram) -> None:
    api = telegram.api
    _, anna, cor = await setup_group(telegram)
    calls_before = len(api.calls)
    api.say(GROUP_ID, anna, "Goedemorgen buren, lekker zonnetje vandaag!")
    theft = api.say(
        GROUP_ID, anna, "Vannacht is mijn fiets gestolen bij het station, zwarte Gazelle"
    )
    reaction = await api.wait_for(lambda: api.calls_to("setMessageReaction"))
    assert reaction[0]["message_id"] == theft["message_id"]
    assert reaction[0]["reaction"] == [{"type": "emoji", "emoji": "✍"}]
    sent = [name for name, _ in api.calls[calls_before:] if name.startswith("send")]
    assert sent == [], "no reply for chit-chat, only a reaction for the signal"

    api.edit(theft, "Laat maar, hij stond bij de buren, foutje!")
    await api.wait_for(lambda: len(api.calls_to("setMessageReaction")) == 2)
    assert api.calls_to("setMessageReaction")[-1].get("reaction") in (None, [])
    signal = await telegram.bot.services.signals.get(1)
    assert signal is not None and signal.status == "ingetrokken"

    urgent = api.say(GROUP_ID, cor, "HELP er wordt nu ingebroken bij nummer 12, ze zijn binnen!!")
    saar = await api.next_message(GROUP_ID, "Bel eerst 112")
    call = next(c for c in api.calls_to("sendMessage") if "Bel eerst 112" in c["text"])
    assert call["reply_parameters"]["message_id"] == urgent["message_id"]
    api.press_label(anna, saar, "112")
    edited = await api.next_message(GROUP_ID, "112 is gebeld</b> door Anna")
    assert edited["message_id"] == saar["message_id"]


async def test_with_one_update_in_hand_a_burst_is_handled_in_full_and_in_order(
    telegram: Telegram,
) -> None:
    telegram.settings = telegram.settings.model_copy(update={"max_updates_in_hand": 1})
    await telegram.restart()
    api = telegram.api
    _, anna, cor = await setup_group(telegram)
    thefts = [
        api.say(
            GROUP_ID, anna if i % 2 else cor, f"Vannacht is fiets nummer {i} gestolen uit de schuur"
        )
        for i in range(1, 5)
    ]
    api.say(GROUP_ID, anna, "Goedemorgen allemaal!")
    api.say(anna["id"], anna, "/help")
    await api.next_message(anna["id"], "Wat kan buurtbot")
    reactions = await api.wait_for(
        lambda: len(api.calls_to("setMessageReaction")) >= 4 and api.calls_to("setMessageReaction")
    )
    assert [r["message_id"] for r in reactions] == [t["message_id"] for t in thefts]
