"""/idee: members propose, coordinators adopt or decline (checked at the press); adopted ideas
count for level 5."""

from __future__ import annotations

from bot.chat import Chat, ChatKind
from bot.impact_models import IdeaStatus
from tests.harness import ANNA, BOB, COR, GROUP, Chats, Clock, RecordingMessenger
from tests.impact.conftest import edits_to, group_with_region

IDEA = "Een buurtbarbecue om nieuwe leden te werven"


async def propose(chats: Chats) -> None:
    await group_with_region(chats)
    await chats.command(ANNA, f"/idee {IDEA}", GROUP)


async def test_an_idea_is_posted_with_decision_buttons(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await propose(chats)
    post = messenger.last(GROUP.id)
    assert "Idee van Anna" in post.text and IDEA in post.text
    assert [b.label for b in post.buttons] == ["Aannemen", "Afwijzen"]


async def test_only_coordinators_decide_and_adopted_ideas_count(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await propose(chats)
    post = messenger.last(GROUP.id)
    services = chats.bot.services
    await chats.press(ANNA, post, "Aannemen")
    assert "Alleen coördinatoren" in messenger.notices()[-1]
    idea = await services.impact.ideas.get(1)
    assert idea is not None and idea.status is IdeaStatus.VOORGESTELD
    assert edits_to(messenger, GROUP.id) == []

    await chats.press(COR, post, "Aannemen")
    edit = edits_to(messenger, GROUP.id)[-1]
    assert edit.message_id == post.message_id
    assert "Aangenomen</b> door Cor" in edit.text and edit.buttons == []
    assert "Goed nieuws" in messenger.last(ANNA.id).text, "the proposer hears it"
    group = await services.groups.by_chat("test", GROUP.id)
    assert group is not None
    facts = await services.impact.assessments.facts(group.id, clock.now)
    assert facts.adopted_ideas_365d == 1

    await chats.press(COR, post, "Afwijzen")
    assert messenger.notices()[-1] == "Over dit idee is al besloten."
    idea = await services.impact.ideas.get(1)
    assert idea is not None and idea.status is IdeaStatus.AANGENOMEN


async def test_declined_ideas_do_not_count(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await propose(chats)
    await chats.press(COR, messenger.last(GROUP.id), "Afwijzen")
    assert "Niet aangenomen" in edits_to(messenger, GROUP.id)[-1].text
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    facts = await chats.bot.services.impact.assessments.facts(group.id, clock.now)
    assert facts.adopted_ideas_365d == 0


async def test_bad_ideas_and_forged_decisions(chats: Chats, messenger: RecordingMessenger) -> None:
    await group_with_region(chats)
    await chats.command(ANNA, "/idee", GROUP)
    assert "Typ <code>/idee</code> gevolgd door je idee" in messenger.last(GROUP.id).text
    await chats.command(ANNA, "/idee kort", GROUP)
    assert "minstens 10 tekens" in messenger.last(GROUP.id).text
    await chats.command(ANNA, "/idee " + "x" * 501, GROUP)
    assert "Dat is te lang: 501 tekens" in messenger.last(GROUP.id).text
    await chats.command(ANNA, "/idee <b>Bold</b> idee voor de buurt", GROUP)
    assert "&lt;b&gt;Bold&lt;/b&gt;" in messenger.last(GROUP.id).text
    post = messenger.last(GROUP.id)
    for data in ("idee:999:ja", "idee:1:misschien", "idee:x:ja"):
        await chats.press_data(COR, data, post)
        assert messenger.notices()[-1] == "Deze knop werkt niet (meer).", data
    other = Chat("test", "-100777", ChatKind.GROUP, "Andere groep")
    await chats.add_bot(other, by=COR)
    await chats.press_data(COR, "idee:1:ja", chat=other)
    assert messenger.notices()[-1] == "Deze knop werkt niet (meer)."
    idea = await chats.bot.services.impact.ideas.get(1)
    assert idea is not None and idea.status is IdeaStatus.VOORGESTELD


async def test_open_ideas_per_member_are_limited(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    for n in range(3):
        await chats.command(BOB, f"/idee Idee nummer {n} voor de buurt", GROUP)
    await chats.command(BOB, "/idee Nog een idee voor de buurt", GROUP)
    assert "al 3 ideeën" in messenger.last(GROUP.id).text


async def test_an_idea_from_the_private_chat(chats: Chats, messenger: RecordingMessenger) -> None:
    await group_with_region(chats)
    await chats.command(ANNA, "/idee", GROUP)  # Anna is now known as a member
    await chats.command(ANNA, f"/idee {IDEA}")
    assert "Je idee staat in Buurtpreventie Oost" in messenger.last(ANNA.id).text
    assert IDEA in messenger.last(GROUP.id).text


async def test_choosing_the_group_for_an_idea_when_in_several(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    other = Chat("test", "-100777", ChatKind.GROUP, "Andere groep")
    await chats.add_bot(other, by=COR)
    await chats.command(ANNA, "/idee", GROUP)
    await chats.command(ANNA, "/idee", other)
    await chats.command(ANNA, f"/idee {IDEA}")
    choice = messenger.last(ANNA.id)
    assert "Voor welke groep" in choice.text
    await chats.press(ANNA, choice, "Andere groep")
    assert IDEA in messenger.last(other.id).text
    assert IDEA not in messenger.last(GROUP.id).text
