"""The terminal chat's ':uitnodigingen', and idle conversations of these flows ending."""

from __future__ import annotations

import io
from datetime import timedelta

from bot.app import BuurtBot
from bot.transport.console import ConsoleChat, ConsoleMessenger
from handlers.private_flow import sweep_idle
from tests.harness import COR, Chats, Clock, RecordingMessenger
from tests.impact.conftest import add_regional, group_with_region, regional


async def test_uitnodigingen_in_the_terminal_chat(buurtbot: BuurtBot, clock: Clock) -> None:
    out = io.StringIO()
    chat = ConsoleChat(buurtbot, ConsoleMessenger(out=out))
    await chat.start()
    await chat.line(":coordinator")
    await chat.line("/gemeente Zaanstad")
    await add_regional(buurtbot, regional("Wijkschouw Poelenburg", clock.now + timedelta(days=4)))
    await chat.line(":uitnodigingen")
    shown = out.getvalue()
    assert "Uitnodiging · Schouw" in shown and "Wijkschouw Poelenburg" in shown
    assert "(1 uitnodiging(en), 0 herinnering(en), 0 schouw-checklist(s) verstuurd)" in shown
    await chat.line("1")  # Ik kom
    assert "Ik kom: 1" in out.getvalue()


async def test_idle_conversations_end_and_the_user_is_told(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/schouw")
    services = chats.bot.services
    assert await sweep_idle(services, messenger) == 0
    clock.advance(minutes=31)
    assert await sweep_idle(services, messenger) == 1
    assert "zonder antwoord gestopt" in messenger.last(COR.id).text
    assert await services.conversations.get("test", COR.id, COR.id) is None
    await chats.text(COR, "morgen")
    assert "Wil je iets melden?" in messenger.last(COR.id).text, "back to the normal chat"
