"""Coordinator checks: administrators plus appointed members, checked at the moment of use."""

from __future__ import annotations

from bot.chat import Incoming, Kind
from bot.context import Context
from bot.models import Role
from bot.router import Command
from tests.harness import ANNA, BOB, COR, GROUP, Chats, RecordingMessenger


async def _secret(ctx: Context) -> None:
    await ctx.say("geheim overzicht")


async def test_coordinator_commands_check_the_role_each_time(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    chats.bot.router.command(Command("geheim", _secret, coordinator=True))
    await chats.add_bot()
    await chats.command(ANNA, "/geheim", GROUP)
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text
    await chats.command(COR, "/geheim", GROUP)
    assert messenger.last(GROUP.id).text == "geheim overzicht"
    await chats.command(COR, "/geheim")  # private: coordinator of at least one group
    assert messenger.last(COR.id).text == "geheim overzicht"

    # Cor is demoted in Telegram; the chat-member update drops the cached list.
    messenger.admins[GROUP.id] = [ANNA.id]
    await chats.send(Incoming(Kind.ADMINS_CHANGED, GROUP, COR, chats.clock.now))
    await chats.command(COR, "/geheim", GROUP)
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text
    await chats.command(ANNA, "/geheim", GROUP)
    assert messenger.last(GROUP.id).text == "geheim overzicht"


async def test_administrator_list_is_cached_until_it_expires(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    chats.bot.router.command(Command("geheim", _secret, coordinator=True))
    await chats.add_bot()
    await chats.command(COR, "/geheim", GROUP)
    messenger.admins[GROUP.id] = []
    await chats.command(COR, "/geheim", GROUP)
    assert messenger.last(GROUP.id).text == "geheim overzicht", "within the cache period"
    chats.clock.advance(minutes=11)
    await chats.command(COR, "/geheim", GROUP)
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text


async def test_appointed_member_is_coordinator(chats: Chats, messenger: RecordingMessenger) -> None:
    chats.bot.router.command(Command("geheim", _secret, coordinator=True))
    await chats.add_bot()
    await chats.text(BOB, "hallo", GROUP)
    services = chats.bot.services
    group = await services.groups.by_chat("test", GROUP.id)
    bob = await services.members.user_by_external("test", BOB.id)
    assert group is not None and bob is not None
    assert await services.members.set_role(group.id, bob.id, Role.COORDINATOR)
    await chats.command(BOB, "/geheim", GROUP)
    assert messenger.last(GROUP.id).text == "geheim overzicht"
