"""/coordinator: administrators appoint and remove coordinators; everyone else is refused."""

from __future__ import annotations

from dataclasses import replace

from bot.chat import Edit, Kind, Sender
from bot.models import Role
from tests.harness import ANNA, BOB, COR, GROUP, Chats, RecordingMessenger
from tests.insight.conftest import setup_group


async def reply_command(chats: Chats, sender: Sender, text: str, to: Sender) -> None:
    head, _, args = text.lstrip("/").partition(" ")
    await chats.send(
        chats._incoming(
            Kind.COMMAND,
            GROUP,
            sender,
            command=head,
            args=args,
            text=text,
            reply_to_message_id="77",
            reply_to_sender=to,
        )
    )


async def role_of(chats: Chats, sender: Sender) -> Role | None:
    services = chats.bot.services
    group = await services.groups.by_chat("test", GROUP.id)
    user = await services.members.user_by_external("test", sender.id)
    if group is None or user is None:
        return None
    member = await services.members.member(group.id, user.id)
    return member.role if member else None


async def test_administrator_appoints_by_reply_and_takes_it_back(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await setup_group(chats)
    await chats.command(BOB, "/trend", GROUP)
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text

    await reply_command(chats, COR, "/coordinator", to=BOB)
    assert "✅ Bob is nu coördinator" in messenger.last(GROUP.id).text
    assert await role_of(chats, BOB) is Role.COORDINATOR
    await chats.command(BOB, "/trend", GROUP)
    assert "alleen voor coördinatoren" not in messenger.last(GROUP.id).text

    await reply_command(chats, COR, "/coordinator", to=BOB)
    assert messenger.last(GROUP.id).text == "Bob is al coördinator."

    await reply_command(chats, COR, "/coordinator weg", to=BOB)
    assert messenger.last(GROUP.id).text == "Bob is geen coördinator meer."
    assert await role_of(chats, BOB) is Role.LID
    await chats.command(BOB, "/trend", GROUP)
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text


async def test_only_administrators_change_the_list(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await setup_group(chats)
    await reply_command(chats, COR, "/coordinator", to=BOB)
    # Bob is an appointed coordinator, not an administrator: he cannot appoint Anna.
    await reply_command(chats, BOB, "/coordinator", to=ANNA)
    assert "Alleen beheerders" in messenger.last(GROUP.id).text
    assert await role_of(chats, ANNA) is None
    # Anna is a plain member: the router refuses her.
    await reply_command(chats, ANNA, "/coordinator weg", to=BOB)
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text
    assert await role_of(chats, BOB) is Role.COORDINATOR


async def test_clear_answers_for_admins_bots_and_non_coordinators(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await setup_group(chats)
    await reply_command(chats, COR, "/coordinator", to=COR)
    assert (
        "Cor is beheerder van de groep en daardoor al coördinator." in messenger.last(GROUP.id).text
    )
    await reply_command(chats, COR, "/coordinator", to=Sender("999", "Buurtbot", is_bot=True))
    assert "Een bot kan geen coördinator worden" in messenger.last(GROUP.id).text
    await reply_command(chats, COR, "/coordinator weg", to=ANNA)
    assert messenger.last(GROUP.id).text == "Anna is geen aangewezen coördinator."
    await reply_command(chats, COR, "/coordinator weg", to=COR)
    assert "pas je aan in Telegram zelf" in messenger.last(GROUP.id).text
    await reply_command(chats, COR, "/coordinator misschien", to=ANNA)
    assert "Zo wijs je een coördinator aan" in messenger.last(GROUP.id).text
    await chats.command(COR, "/coordinator misschien", GROUP)
    assert "Zo wijs je een coördinator aan" in messenger.last(GROUP.id).text
    await chats.command(COR, "/coordinator")  # private: it is about a group
    assert "werkt in de buurtgroep zelf" in messenger.last(COR.id).text


async def test_names_are_escaped(chats: Chats, messenger: RecordingMessenger) -> None:
    await setup_group(chats)
    sneaky = Sender("14", "<b>Eve</b> & co")
    messenger.members[GROUP.id].add(sneaky.id)
    await reply_command(chats, COR, "/coordinator", to=sneaky)
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; co is nu coördinator" in messenger.last(GROUP.id).text


async def test_list_with_remove_buttons_checked_on_every_press(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await setup_group(chats)
    await chats.text(COR, "hoi", GROUP)
    await reply_command(chats, COR, "/coordinator", to=BOB)
    await chats.command(BOB, "/coordinator", GROUP)
    listing = messenger.last(GROUP.id)
    assert "Beheerders van de groep: Cor" in listing.text and "Aangewezen: Bob" in listing.text
    [remove] = listing.buttons
    assert remove.label == "✖ Bob" and remove.data is not None

    # Bob (appointed, not an administrator) and Anna (a member) may not press it.
    for who in (BOB, ANNA):
        await chats.press_data(who, remove.data, listing, chat=GROUP)
        assert messenger.notices()[-1].startswith("Sorry, dit kan alleen een coördinator")
        assert await role_of(chats, BOB) is Role.COORDINATOR

    await chats.press_data(COR, remove.data, listing, chat=GROUP)
    assert messenger.notices()[-1] == "Bob is geen coördinator meer."
    assert await role_of(chats, BOB) is Role.LID
    edited = messenger.delivered[-1].reply
    assert isinstance(edited, Edit) and "Aangewezen: nog niemand" in edited.text
    assert edited.buttons == ()

    await chats.press_data(COR, remove.data, listing, chat=GROUP)  # again: stale
    assert messenger.notices()[-1] == "Deze knop hoort bij een eerdere vraag."
    await chats.press_data(COR, "crd:rm:abc", listing, chat=GROUP)
    assert messenger.notices()[-1] == "Deze knop werkt niet (meer)."


async def test_unknown_administrators_are_counted_not_named(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await setup_group(chats)
    messenger.admins[GROUP.id] = [COR.id, "4242", "4343"]
    chats.bot.services.roles.forget_administrators("test", GROUP.id)
    await chats.command(COR, "/coordinator", GROUP)
    assert "Beheerders van de groep: Cor en 2 andere beheerders" in messenger.last(GROUP.id).text


async def test_a_member_who_leaves_loses_the_appointment(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await setup_group(chats)
    await reply_command(chats, COR, "/coordinator", to=BOB)
    await chats.send(chats._incoming(Kind.MEMBER_LEFT, GROUP, COR, members=(replace(BOB),)))
    assert await role_of(chats, BOB) is None
    await chats.text(BOB, "ik ben terug", GROUP)
    assert await role_of(chats, BOB) is Role.LID
