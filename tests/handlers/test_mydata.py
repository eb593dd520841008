"""A member sees and erases their own data."""

from __future__ import annotations

from bot.chat import Edit
from tests.handlers.test_melding import answer_until_summary, start_report
from tests.harness import ANNA, GROUP, Chats, RecordingMessenger


async def test_mijngegevens_lists_what_is_stored(chats: Chats) -> None:
    await start_report(chats)
    await answer_until_summary(chats, description="Fiets weg bij <station>")
    await chats.press(ANNA, chats.last(ANNA), "Versturen")
    await chats.command(ANNA, "/mijngegevens")
    overview = chats.last(ANNA).text
    assert "Anna" in overview and "Buurtpreventie Oost (lid)" in overview
    assert "Meldingen: 1" in overview and "Fiets weg bij &lt;station&gt;" in overview


async def test_vergeet_erases_the_person_and_keeps_anonymous_counts(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await start_report(chats)
    await answer_until_summary(chats)
    await chats.press(ANNA, chats.last(ANNA), "Versturen")
    await chats.command(ANNA, "/melding")  # a half-finished report goes too
    await chats.command(ANNA, "/vergeet")
    confirm = chats.last(ANNA)
    await chats.press(ANNA, confirm, "Ja, wis")
    edits = [d for d in messenger.delivered if isinstance(d.reply, Edit)]
    assert edits[-1].message_id == confirm.message_id and "gewist" in edits[-1].text

    services = chats.bot.services
    assert await services.members.user_by_external("test", ANNA.id) is None
    assert await services.conversations.get("test", ANNA.id, ANNA.id) is None
    signal = await services.signals.get(1)
    assert signal is not None and signal.reporter_id is None
    assert signal.description is None and signal.location_text is None
    assert (signal.category, signal.street) == ("criminaliteit", "Dorpsstraat")
    group = await services.groups.by_chat("test", GROUP.id)
    assert group is not None and await services.signals.count(group.id) == 1

    await chats.text(ANNA, "Ik ben er weer", GROUP)
    again = await services.members.user_by_external("test", ANNA.id)
    assert again is not None, "writing again makes a fresh, unlinked account"
    assert (await services.signals.get(1)).reporter_id is None  # type: ignore[union-attr]


async def test_vergeet_can_be_declined(chats: Chats) -> None:
    await chats.add_bot()
    await chats.text(ANNA, "hoi", GROUP)
    await chats.command(ANNA, "/vergeet")
    await chats.press(ANNA, chats.last(ANNA), "Nee")
    assert await chats.bot.services.members.user_by_external("test", ANNA.id) is not None


async def test_mijngegevens_lists_ideas_and_forget_keeps_them_anonymous(chats: Chats) -> None:
    await chats.add_bot()
    await chats.command(ANNA, "/idee Een buurtapp-bord bij de speeltuin met de SAAR-regels", GROUP)
    await chats.command(ANNA, "/mijngegevens")
    assert "1 idee voorgesteld" in chats.last(ANNA).text
    services = chats.bot.services
    anna = await services.members.user_by_external("test", ANNA.id)
    assert anna is not None
    assert (await services.privacy.held(anna.id)).ideas == 1
    await chats.command(ANNA, "/vergeet")
    await chats.press(ANNA, chats.last(ANNA), "Ja, wis")
    assert await services.members.user_by_external("test", ANNA.id) is None
    assert (await services.privacy.held(anna.id)).ideas == 0, "the idea stays, without its author"
