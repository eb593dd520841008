"""The bot joining, leaving and following groups; members coming and going."""

from __future__ import annotations

from bot.chat import Incoming, Kind
from tests.harness import ANNA, BOB, COR, GROUP, Chats, RecordingMessenger


async def test_added_registers_and_introduces_once(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    await chats.add_bot()  # Telegram sends both my_chat_member and a service message
    intros = [d for d in messenger.messages_to(GROUP.id) if "Ik ben <b>buurtbot</b>" in d.text]
    assert len(intros) == 1
    assert "112" in intros[0].text and "/melding" in intros[0].text and "/privacy" in intros[0].text
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None and group.active and group.title == GROUP.title


async def test_removed_keeps_data_and_readding_reactivates(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    await chats.text(ANNA, "hallo", GROUP)
    await chats.send(Incoming(Kind.BOT_REMOVED, GROUP, COR, chats.clock.now))
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None and not group.active
    assert await chats.bot.services.members.count(group.id) == 1, "members are kept"
    await chats.add_bot()
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None and group.active
    assert len([d for d in messenger.messages_to(GROUP.id) if "Ik ben" in d.text]) == 2


async def test_unregistered_group_is_registered_on_first_message(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.text(ANNA, "Goedemorgen", GROUP)
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None and group.active
    assert "Ik ben <b>buurtbot</b>" in messenger.last(GROUP.id).text
    user = await chats.bot.services.members.user_by_external("test", ANNA.id)
    assert (
        user is not None and await chats.bot.services.members.member(group.id, user.id) is not None
    )


async def test_migration_moves_the_group(chats: Chats) -> None:
    await chats.add_bot()
    await chats.send(
        Incoming(Kind.CHAT_MIGRATED, GROUP, ANNA, chats.clock.now, new_chat_id="-100777")
    )
    assert await chats.bot.services.groups.by_chat("test", GROUP.id) is None
    moved = await chats.bot.services.groups.by_chat("test", "-100777")
    assert moved is not None and moved.id == 1


async def test_sending_to_a_lost_group_deactivates_it(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    messenger.unavailable.add(GROUP.id)
    await chats.command(ANNA, "/melding", GROUP)
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None and not group.active


async def test_members_joining_are_welcomed_and_leaving_removed(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    await chats.send(Incoming(Kind.MEMBER_JOINED, GROUP, ANNA, chats.clock.now, members=(BOB,)))
    assert "Welkom Bob" in messenger.last(GROUP.id).text
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    assert await chats.bot.services.members.count(group.id) == 1
    await chats.send(Incoming(Kind.MEMBER_LEFT, GROUP, BOB, chats.clock.now, members=(BOB,)))
    assert await chats.bot.services.members.count(group.id) == 0


async def test_messages_from_bots_are_ignored(chats: Chats, messenger: RecordingMessenger) -> None:
    await chats.add_bot()
    before = len(messenger.delivered)
    other_bot = ANNA.__class__(id="77", name="Andere bot", is_bot=True)
    await chats.command(other_bot, "/melding", GROUP)
    assert len(messenger.delivered) == before


async def test_help_lists_coordinator_commands_only_for_coordinators(chats: Chats) -> None:
    await chats.add_bot()
    await chats.text(ANNA, "hoi", GROUP)
    await chats.text(COR, "hoi", GROUP)
    await chats.command(ANNA, "/help")
    assert "/melding" in chats.last(ANNA).text and "/trend" not in chats.last(ANNA).text
    await chats.command(COR, "/help")
    assert "Voor coördinatoren" in chats.last(COR).text and "/trend" in chats.last(COR).text
