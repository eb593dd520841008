"""The guided /melding flow through the messenger-neutral interface."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.app import BuurtBot, build
from bot.chat import Sender
from bot.models import Source
from bot.settings import Settings
from handlers.melding import sweep_idle
from tests.harness import ANNA, BOB, COR, GROUP, Chats, Clock, RecordingMessenger

AMS = ZoneInfo("Europe/Amsterdam")


async def start_report(chats: Chats, sender: Sender = ANNA) -> None:
    """/melding in the group, then the deep link into the private chat."""
    await chats.add_bot()
    await chats.command(sender, "/melding", GROUP)
    link = chats.last(GROUP).buttons[0].url
    assert link is not None and "start=mld-" in link
    await chats.command(sender, f"/start {link.split('start=')[1]}")


async def answer_until_summary(
    chats: Chats, *, description: str = "Man probeerde de achterdeur open te breken"
) -> None:
    await chats.press(ANNA, chats.last(ANNA), "Criminaliteit")
    await chats.press(ANNA, chats.last(ANNA), "Inbraak")
    await chats.press(ANNA, chats.last(ANNA), "Nee, het is voorbij")
    await chats.text(ANNA, "Dorpsstraat 12")
    await chats.press(ANNA, chats.last(ANNA), "Eerder vandaag")
    await chats.press(ANNA, chats.last(ANNA), "Ochtend")
    await chats.text(ANNA, description)
    await chats.press(ANNA, chats.last(ANNA), "Geen foto")
    await chats.press(ANNA, chats.last(ANNA), "Nee, anoniem")


async def test_melding_in_group_points_to_private_chat(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    before = len(messenger.messages_to(GROUP.id))
    await chats.command(ANNA, "/melding", GROUP)
    posts = messenger.messages_to(GROUP.id)[before:]
    assert len(posts) == 1, "one short answer in the group, no flood"
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    assert posts[0].buttons[0].url == f"https://t.me/test_bot?start=mld-{group.code}"


async def test_complete_report_is_stored_and_posted(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await start_report(chats)
    assert "Nieuwe melding" in chats.last(ANNA).text
    await answer_until_summary(chats)
    summary = chats.last(ANNA)
    assert "Klopt je melding?" in summary.text and "Dorpsstraat 12" in summary.text
    group_posts_before = len(messenger.messages_to(GROUP.id))
    await chats.press(ANNA, summary, "Versturen")

    post = messenger.messages_to(GROUP.id)[group_posts_before:]
    assert len(post) == 1
    assert "Inbraak" in post[0].text and "Dorpsstraat 12" in post[0].text
    assert "Anna" not in post[0].text, "anonymous unless the reporter chose to show the name"
    assert "nr. 1" in chats.last(ANNA).text

    signal = await chats.bot.services.signals.get(1)
    assert signal is not None
    assert (signal.category, signal.subcategory, signal.source) == (
        "criminaliteit",
        "inbraak",
        Source.GUIDED,
    )
    assert signal.street == "Dorpsstraat" and signal.location_text == "Dorpsstraat 12"
    assert not signal.urgent and not signal.called_112
    local = signal.occurred_at.astimezone(AMS)
    assert (local.date(), local.hour) == (clock.now.astimezone(AMS).date(), 9)
    assert signal.chat_message_id == post[0].message_id
    events = await chats.bot.services.signals.events(signal.id)
    assert [e.kind for e in events] == ["created"]
    assert await chats.bot.services.conversations.get("test", ANNA.id, ANNA.id) is None


async def test_name_is_shown_only_when_chosen(chats: Chats, messenger: RecordingMessenger) -> None:
    await start_report(chats)
    await answer_until_summary(chats)
    await chats.press(ANNA, chats.last(ANNA), "Wijzigen")
    await chats.press(ANNA, chats.last(ANNA), "Naam")
    await chats.press(ANNA, chats.last(ANNA), "Ja, toon mijn naam")
    assert "Klopt je melding?" in chats.last(ANNA).text, "a change returns to the summary"
    await chats.press(ANNA, chats.last(ANNA), "Versturen")
    assert "gemeld door Anna" in messenger.messages_to(GROUP.id)[-1].text


async def test_happening_now_gives_saar_first_and_112_is_posted_once(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Criminaliteit")
    await chats.press(ANNA, chats.last(ANNA), "Inbraak")
    await chats.press(ANNA, chats.last(ANNA), "Ja, nu")
    saar = chats.last(ANNA)
    assert "Bel eerst 112" in saar.text
    posts_before = len(messenger.messages_to(GROUP.id))
    await chats.press(ANNA, saar, "112 is gebeld")
    called = messenger.messages_to(GROUP.id)[posts_before:]
    assert len(called) == 1 and "112 is gebeld" in called[0].text
    # Pressing the old button again changes nothing and posts nothing.
    await chats.press(ANNA, saar, "112 is gebeld")
    assert len(messenger.messages_to(GROUP.id)) == posts_before + 1
    assert "Waar" in chats.last(ANNA).text, "then the report goes on; 'when' is skipped: it is now"
    await chats.text(ANNA, "hoek Kerkweg/Molenlaan")
    assert "Wat" in chats.last(ANNA).text
    await chats.text(ANNA, "Twee mannen met een koevoet bij de achterdeur")
    await chats.press(ANNA, chats.last(ANNA), "Geen foto")
    await chats.press(ANNA, chats.last(ANNA), "Nee, anoniem")
    await chats.press(ANNA, chats.last(ANNA), "Versturen")
    signal = await chats.bot.services.signals.get(1)
    assert signal is not None and signal.urgent and signal.called_112
    assert "112 is gebeld" in messenger.messages_to(GROUP.id)[-1].text


async def test_overlast_now_is_not_urgent_and_points_to_0900(chats: Chats) -> None:
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Overlast")
    await chats.press(ANNA, chats.last(ANNA), "Geluid")
    await chats.press(ANNA, chats.last(ANNA), "Ja, nu")
    texts = [d.text for d in chats.messenger.messages_to(ANNA.id)[-2:]]
    assert "0900-8844" in texts[0]
    assert "Waar" in texts[1]


async def test_cancel_by_command_and_by_button_stores_nothing(chats: Chats) -> None:
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Zorg")
    await chats.command(ANNA, "/annuleer")
    assert "geannuleerd" in chats.last(ANNA).text
    await chats.command(ANNA, "/melding")
    await chats.press(ANNA, chats.last(ANNA), "Annuleren")
    assert "geannuleerd" in chats.last(ANNA).text
    assert await chats.bot.services.signals.count(1) == 0
    await chats.command(ANNA, "/annuleer")
    assert "niet met een melding bezig" in chats.last(ANNA).text


async def test_overlong_description_is_refused_and_nothing_half_stored(chats: Chats) -> None:
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Overlast")
    await chats.press(ANNA, chats.last(ANNA), "Afval")
    await chats.press(ANNA, chats.last(ANNA), "Nee")
    await chats.text(ANNA, "Molenlaan")
    await chats.press(ANNA, chats.last(ANNA), "Nu net")
    await chats.text(ANNA, "x" * 5000)
    assert "5000 tekens, maximaal 1000" in chats.last(ANNA).text
    conv = await chats.bot.services.conversations.get("test", ANNA.id, ANNA.id)
    assert conv is not None and conv.step == "what" and "description" not in conv.data
    await chats.text(ANNA, "Grofvuil naast de container")
    assert "foto" in chats.last(ANNA).text.lower()


async def test_markup_in_answers_is_shown_literally(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await start_report(chats)
    await answer_until_summary(chats, description='<b>vet</b> & <a href="http://x">link</a>')
    await chats.press(ANNA, chats.last(ANNA), "Versturen")
    post = messenger.messages_to(GROUP.id)[-1].text
    assert '&lt;b&gt;vet&lt;/b&gt; &amp; &lt;a href="http://x"&gt;link&lt;/a&gt;' in post
    assert "<b>vet</b>" not in post
    signal = await chats.bot.services.signals.get(1)
    assert signal is not None and signal.description == '<b>vet</b> & <a href="http://x">link</a>'


async def test_invalid_answers_are_asked_again(chats: Chats) -> None:
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Overlast")
    await chats.press(ANNA, chats.last(ANNA), "Verkeer")
    await chats.press(ANNA, chats.last(ANNA), "Nee")
    await chats.text(ANNA, "x")
    assert "minstens 2 tekens" in chats.last(ANNA).text
    await chats.text(ANNA, "Schoolstraat")
    await chats.text(ANNA, "blabla geen tijd")
    assert "begrijp ik niet" in chats.last(ANNA).text
    await chats.text(ANNA, "Nee")  # typing where a button is expected keeps the question open
    conv = await chats.bot.services.conversations.get("test", ANNA.id, ANNA.id)
    assert conv is not None and conv.step == "when"


async def test_typed_time_is_resolved_in_amsterdam(chats: Chats, clock: Clock) -> None:
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Criminaliteit")
    await chats.press(ANNA, chats.last(ANNA), "Diefstal")
    await chats.press(ANNA, chats.last(ANNA), "Nee")
    await chats.text(ANNA, "Stationsplein")
    await chats.text(ANNA, "gisteren 23:15")
    conv = await chats.bot.services.conversations.get("test", ANNA.id, ANNA.id)
    assert conv is not None and conv.step == "what"
    occurred = conv.data["occurred_at"]
    local = clock.now.astimezone(AMS)
    expected = local.replace(hour=23, minute=15, second=0, microsecond=0) - timedelta(days=1)
    assert occurred == int(expected.timestamp())


async def test_future_time_is_refused(chats: Chats, clock: Clock) -> None:
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Criminaliteit")
    await chats.press(ANNA, chats.last(ANNA), "Diefstal")
    await chats.press(ANNA, chats.last(ANNA), "Nee")
    await chats.text(ANNA, "Stationsplein")
    await chats.press(ANNA, chats.last(ANNA), "Eerder vandaag")
    # 14:00 UTC is 15:00 in Amsterdam: 'evening' has not happened yet today.
    await chats.press(ANNA, chats.last(ANNA), "Avond")
    assert "toekomst" in chats.messenger.notices()[-1]
    conv = await chats.bot.services.conversations.get("test", ANNA.id, ANNA.id)
    assert conv is not None and conv.step == "when_part"


async def test_forged_and_stale_buttons_change_nothing(chats: Chats) -> None:
    await start_report(chats)
    conv = await chats.bot.services.conversations.get("test", ANNA.id, ANNA.id)
    assert conv is not None
    question = chats.last(ANNA)
    await chats.press_data(ANNA, f"mld:{conv.token}:cat:bestaatniet", question)
    await chats.press_data(ANNA, f"mld:{conv.token}:sub:inbraak", question)  # not this step
    await chats.press_data(ANNA, "mld:ffffff:cat:zorg", question)  # another conversation
    await chats.press_data(ANNA, "onzin:1:2", question)
    await chats.press_data(ANNA, "mld", question)
    after = await chats.bot.services.conversations.get("test", ANNA.id, ANNA.id)
    assert after is not None and after.step == "category" and after.data == conv.data
    notices = chats.messenger.notices()[-5:]
    assert notices[0] == "Deze knop werkt niet (meer)."
    assert notices[1] == "Deze vraag is al beantwoord."
    assert notices[2] == "Deze knop hoort bij een eerdere vraag."
    assert notices[3:] == ["Deze knop werkt niet (meer)."] * 2


async def test_sending_twice_posts_once(chats: Chats, messenger: RecordingMessenger) -> None:
    await start_report(chats)
    await answer_until_summary(chats)
    summary = chats.last(ANNA)
    await chats.press(ANNA, summary, "Versturen")
    posts = len(messenger.messages_to(GROUP.id))
    await chats.press(ANNA, summary, "Versturen")
    assert len(messenger.messages_to(GROUP.id)) == posts
    assert await chats.bot.services.signals.count(1) == 1


async def test_idle_report_expires_with_a_message(
    chats: Chats, clock: Clock, messenger: RecordingMessenger
) -> None:
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Zorg")
    question = chats.last(ANNA)
    clock.advance(minutes=31)
    assert await sweep_idle(chats.bot.services, messenger) == 1
    assert "30 minuten" in chats.last(ANNA).text
    await chats.press(ANNA, question, "Vermissing")
    assert messenger.notices()[-1] == "Deze knop hoort bij een eerdere vraag."
    assert await chats.bot.services.conversations.get("test", ANNA.id, ANNA.id) is None


async def test_late_answer_after_timeout_expires_the_report(chats: Chats, clock: Clock) -> None:
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Overlast")
    await chats.press(ANNA, chats.last(ANNA), "Geluid")
    await chats.press(ANNA, chats.last(ANNA), "Nee")
    clock.advance(minutes=45)
    await chats.text(ANNA, "Kerkstraat 3")
    assert "vervallen" in chats.last(ANNA).text
    assert await chats.bot.services.conversations.get("test", ANNA.id, ANNA.id) is None


async def test_restart_halfway_loses_nothing(settings: Settings, clock: Clock) -> None:
    messenger = RecordingMessenger()
    first = await build(settings, clock=clock)
    chats = Chats(first, messenger, clock)
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Overlast")
    await chats.press(ANNA, chats.last(ANNA), "Jongeren")
    question = chats.last(ANNA)
    await first.close()

    second: BuurtBot = await build(settings, clock=clock)
    try:
        chats = Chats(second, messenger, clock)
        await chats.press(ANNA, question, "Nee")  # a button sent before the restart
        await chats.text(ANNA, "Speeltuin Beukenlaan")
        await chats.press(ANNA, chats.last(ANNA), "Nu net")
        await chats.text(ANNA, "Groep jongeren met harde muziek")
        await chats.press(ANNA, chats.last(ANNA), "Geen foto")
        await chats.press(ANNA, chats.last(ANNA), "Nee, anoniem")
        await chats.press(ANNA, chats.last(ANNA), "Versturen")
        signal = await second.services.signals.get(1)
        assert signal is not None and signal.subcategory == "jongeren"
        assert signal.location_text == "Speeltuin Beukenlaan"
    finally:
        await second.close()


async def test_private_melding_with_several_groups_asks_which(chats: Chats) -> None:
    other = GROUP.__class__("test", "-100999", GROUP.kind, "Buurtapp Noord")
    await chats.add_bot()
    await chats.add_bot(other)
    await chats.text(ANNA, "hallo", GROUP)
    await chats.text(ANNA, "hoi", other)
    await chats.command(ANNA, "/melding")
    question = chats.last(ANNA)
    assert "Voor welke groep" in question.text
    assert {"Buurtpreventie Oost", "Buurtapp Noord"} <= {b.label for b in question.buttons}
    await chats.press(ANNA, question, "Noord")
    assert "Buurtapp Noord" in chats.last(ANNA).text


async def test_private_melding_without_group_explains(chats: Chats) -> None:
    await chats.command(BOB, "/melding")
    assert "/melding in your neighbourhood group" in chats.last(BOB).text, (
        "in the member's language"
    )


async def test_deep_link_for_non_member_or_unknown_group_is_refused(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot(members=(ANNA, COR))
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    await chats.command(BOB, f"/start mld-{group.code}")
    assert "not (yet) a member" in chats.last(BOB).text
    await chats.command(BOB, "/start mld-nietbestaand")
    assert "not valid (any more)" in chats.last(BOB).text
    assert await chats.bot.services.conversations.get("test", BOB.id, BOB.id) is None


async def test_location_and_photo_are_accepted(chats: Chats, messenger: RecordingMessenger) -> None:
    await start_report(chats)
    await chats.press(ANNA, chats.last(ANNA), "Overlast")
    await chats.press(ANNA, chats.last(ANNA), "Kapot")
    await chats.press(ANNA, chats.last(ANNA), "Nee")
    await chats.location(ANNA, 99.0, 4.9)
    assert "kan ik niet gebruiken" in chats.last(ANNA).text
    await chats.location(ANNA, 52.3702, 4.8952)
    await chats.press(ANNA, chats.last(ANNA), "Gisteren")
    await chats.press(ANNA, chats.last(ANNA), "Weet ik niet")
    await chats.photo(ANNA, "file-123", caption="Lantaarnpaal ligt om")
    assert "Mag je naam" in chats.last(ANNA).text, "a photo with caption answers 'what' and 'photo'"
    await chats.press(ANNA, chats.last(ANNA), "Nee")
    await chats.press(ANNA, chats.last(ANNA), "Versturen")
    post = messenger.messages_to(GROUP.id)[-1]
    assert post.reply.photo_ref == "file-123"  # type: ignore[union-attr]
    assert (
        "openstreetmap.org/?mlat=52.37020&amp;mlon=4.89520" in post.text
        or "mlat=52.37020" in post.text
    )
    signal = await chats.bot.services.signals.get(1)
    assert signal is not None and signal.lat == 52.3702 and signal.street is None


async def test_group_post_uses_the_group_language_and_private_chat_the_users(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    await chats.command(BOB, "/melding", GROUP)
    link = chats.last(GROUP).buttons[0].url
    assert link is not None
    await chats.command(BOB, f"/start {link.split('start=')[1]}")
    assert "New report" in chats.last(BOB).text
    await chats.press(BOB, chats.last(BOB), "Nuisance")
    assert "Verkeer" not in chats.last(BOB).text


async def test_commands_answer_in_the_right_place(chats: Chats) -> None:
    await chats.add_bot()
    await chats.command(ANNA, "/mijngegevens", GROUP)
    assert "privégesprek" in chats.last(GROUP).text
    await chats.command(ANNA, "/bestaatniet")
    assert "ken ik niet" in chats.last(ANNA).text
    sent = len(chats.messenger.delivered)
    await chats.command(ANNA, "/bestaatniet", GROUP)
    assert len(chats.messenger.delivered) == sent, (
        "an unknown command in a group may be another bot's"
    )
    await chats.command(COR, "/help")
    assert "/melding" in chats.last(COR).text
    await chats.command(COR, "/privacy")
    assert "90 dagen" in chats.last(COR).text
