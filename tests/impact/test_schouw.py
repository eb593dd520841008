"""/schouw and /activiteit: planning in the private chat, the invitation in the group, and the
checklist after the schouw that logs what was seen as signals."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app import build
from bot.chat import Chat, ChatKind
from bot.models import Source
from bot.settings import Settings
from handlers.invitations import run_due
from tests.harness import ANNA, COR, GROUP, Chats, Clock, RecordingMessenger
from tests.impact.conftest import group_with_region, latest

AMS = ZoneInfo("Europe/Amsterdam")


async def plan_schouw(chats: Chats) -> None:
    messenger = chats.messenger
    await group_with_region(chats)
    await chats.command(COR, "/schouw", GROUP)
    assert "ga verder in ons privégesprek" in messenger.last(GROUP.id).text
    assert "Op welke dag?" in messenger.last(COR.id).text
    await chats.text(COR, "za 28 nov")
    assert "Hoe laat" in messenger.last(COR.id).text
    await chats.text(COR, "10:00")
    assert "verzamelpunt" in messenger.last(COR.id).text
    await chats.text(COR, "hoek Dorpsstraat / <Kerkweg>")
    summary = messenger.last(COR.id)
    assert "za 28 nov 2026, 10:00" in summary.text
    assert "hoek Dorpsstraat / &lt;Kerkweg&gt;" in summary.text, "typed text is escaped"
    await chats.press(COR, summary, "Plaatsen")


async def test_a_schouw_is_planned_and_posted_with_answer_buttons(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await plan_schouw(chats)
    post = messenger.last(GROUP.id)
    assert "Uitnodiging · Schouw" in post.text and "za 28 nov, 10:00–" not in post.text
    assert "za 28 nov, 10:00" in post.text and "Dorpsstraat" in post.text
    assert [b.label for b in post.buttons] == ["Ik kom", "Misschien", "Nee"]
    assert "De schouw staat in Buurtpreventie Oost" in latest(messenger, COR.id).text
    await chats.press(ANNA, post, "Ik kom")
    assert "Ik kom: 1" in latest(messenger, GROUP.id).text


async def test_bad_day_and_time_are_asked_again(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/schouw")
    await chats.text(COR, "ooit")
    assert "Die dag begrijp ik niet" in messenger.last(COR.id).text
    await chats.text(COR, "vandaag")
    await chats.text(COR, "9:00")  # it is 15:00 already
    assert "al voorbij" in messenger.last(COR.id).text
    await chats.text(COR, "25:00")
    assert "Die tijd begrijp ik niet" in messenger.last(COR.id).text
    await chats.text(COR, "20:00")
    await chats.text(COR, "x" * 201)
    assert "Dat is te lang: 201 tekens" in messenger.last(COR.id).text
    await chats.text(COR, "Kerkplein")
    assert "Klopt dit?" in messenger.last(COR.id).text


async def test_members_cannot_plan_and_the_role_is_checked_when_posting(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    for command in ("/schouw", "/activiteit"):
        await chats.command(ANNA, command, GROUP)
        assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text
    await chats.command(COR, "/schouw")
    for answer in ("morgen", "19:00", "Kerkplein"):
        await chats.text(COR, answer)
    messenger.admins[GROUP.id] = []
    chats.bot.services.roles.forget_administrators("test", GROUP.id)
    posts = len(messenger.messages_to(GROUP.id))
    await chats.press(COR, messenger.last(COR.id), "Plaatsen")
    assert len(messenger.messages_to(GROUP.id)) == posts, "nothing posted"
    assert "alleen een coördinator" in messenger.notices()[-1]


async def test_after_the_schouw_a_checklist_logs_signals_once(
    settings: Settings, clock: Clock, messenger: RecordingMessenger
) -> None:
    first = await build(settings, clock=clock)
    chats = Chats(first, messenger, clock)
    await plan_schouw(chats)
    await run_due(first.services, messenger)
    assert not any("is voorbij" in d.text for d in messenger.messages_to(COR.id))

    clock.now = datetime(2026, 11, 28, 12, 5, tzinfo=AMS)
    done = await run_due(first.services, messenger)
    assert done["checklists"] == 1
    offer = messenger.last(COR.id)
    assert "De schouw van Buurtpreventie Oost op za 28 nov is voorbij" in offer.text
    await first.close()

    second = await build(settings, clock=clock)  # a restart between offer and answer
    try:
        chats = Chats(second, messenger, clock)
        assert (await run_due(second.services, messenger))["checklists"] == 0, "offered once"
        await chats.press(COR, offer, "Checklist invullen")
        items = latest(messenger, COR.id)
        assert "Wat zagen jullie?" in items.text
        await chats.press(COR, items, "Kapotte")
        await chats.press(COR, latest(messenger, COR.id), "Afval")
        await chats.press(COR, latest(messenger, COR.id), "Hangplek")
        await chats.press(COR, latest(messenger, COR.id), "Hangplek")  # and off again
        assert "☑ Kapotte" in latest(messenger, COR.id).buttons[0].label
        await chats.press(COR, latest(messenger, COR.id), "Verder")
        assert "straatverlichting" in latest(messenger, COR.id).text
        await chats.text(COR, "Dorpsstraat bij nr. 12")
        assert "Afval" in messenger.last(COR.id).text
        await chats.press(COR, messenger.last(COR.id), "Weet ik niet precies")
        summary = latest(messenger, COR.id)
        assert "Dorpsstraat bij nr. 12" in summary.text and "plek onbekend" in summary.text
        await chats.press(COR, summary, "Vastleggen")
        assert "Vastgelegd: 2 signalen" in latest(messenger, COR.id).text
        report = messenger.last(GROUP.id)
        assert "Schouw van za 28 nov" in report.text and "2 punten" in report.text

        group = await second.services.groups.by_chat("test", GROUP.id)
        assert group is not None
        cor = await second.services.members.user_by_external("test", COR.id)
        assert cor is not None
        signals = await second.services.signals.by_reporter(cor.id)
        assert {(s.source, s.category, s.subcategory, s.street) for s in signals} == {
            (Source.SCHOUW, "overlast", "openbare_ruimte", "Dorpsstraat"),
            (Source.SCHOUW, "overlast", "afval", None),
        }
        assert all(s.occurred_at == datetime(2026, 11, 28, 10, 0, tzinfo=AMS) for s in signals)

        await chats.press(COR, offer, "Checklist invullen")
        assert messenger.notices()[-1] == "De checklist van deze schouw is al ingevuld."
    finally:
        await second.close()


async def test_the_checklist_offer_is_for_coordinators_and_nothing_seen_is_noted(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await plan_schouw(chats)
    clock.now = datetime(2026, 11, 28, 13, 0, tzinfo=AMS)
    await run_due(chats.bot.services, messenger)
    offer = messenger.last(COR.id)
    await chats.press_data(ANNA, offer.button("Checklist").data or "")
    assert "alleen een coördinator" in messenger.notices()[-1]
    await chats.press_data(COR, "sch:start:999", offer)
    assert messenger.notices()[-1] == "Deze knop werkt niet (meer)."
    await chats.press(COR, offer, "Niets bijzonders")
    assert "niets bijzonders" in latest(messenger, COR.id).text
    await chats.press(COR, offer, "Checklist invullen")
    assert messenger.notices()[-1] == "De checklist van deze schouw is al ingevuld."


async def test_activiteit_plans_any_local_kind(chats: Chats, messenger: RecordingMessenger) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/activiteit")  # in private: the one group COR coordinates
    kinds = latest(messenger, COR.id)
    assert "Nieuwe activiteit voor Buurtpreventie Oost" in kinds.text
    assert "Regionale activiteit" not in [b.label for b in kinds.buttons]
    await chats.press(COR, kinds, "Training")
    await chats.text(COR, "EHBO")
    await chats.text(COR, "3-12")
    await chats.text(COR, "19.30")
    await chats.text(COR, "Buurthuis De Linde")
    await chats.press(COR, messenger.last(COR.id), "Overslaan")
    summary = latest(messenger, COR.id)
    assert "Training: <b>EHBO</b>" in summary.text
    await chats.press(COR, summary, "Plaatsen")
    post = messenger.last(GROUP.id)
    assert "Uitnodiging · Training" in post.text and "do 3 dec, 19:30" in post.text
    assert "Past bij" not in post.text, "own activities need no level reason"


async def test_activiteit_refuses_bad_answers_and_buttons_out_of_turn(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/activiteit")
    kinds = latest(messenger, COR.id)
    await chats.text(COR, "Training")  # a button step
    assert "Kies een van de knoppen" in messenger.messages_to(COR.id)[-2].text
    await chats.press_data(
        COR,
        kinds.buttons[0].data.replace("schouw", "regionaal") if kinds.buttons[0].data else "",
        kinds,
    )
    assert messenger.notices()[-1] == "Deze knop werkt niet (meer)."
    await chats.press(COR, kinds, "Bijeenkomst")
    await chats.text(COR, "ab")
    assert "te kort" in messenger.last(COR.id).text
    await chats.press(COR, kinds, "Training")
    assert messenger.notices()[-1] == "Deze vraag is al beantwoord."


async def test_the_role_is_checked_again_inside_the_checklist(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await plan_schouw(chats)
    clock.now = datetime(2026, 11, 28, 13, 0, tzinfo=AMS)
    await run_due(chats.bot.services, messenger)
    await chats.press(COR, messenger.last(COR.id), "Checklist invullen")
    items = latest(messenger, COR.id)
    messenger.admins[GROUP.id] = []
    chats.bot.services.roles.forget_administrators("test", GROUP.id)
    await chats.press(COR, items, "Afval")
    assert "alleen een coördinator" in messenger.notices()[-1]
    assert await chats.bot.services.conversations.get("test", COR.id, COR.id) is None
    cor = await chats.bot.services.members.user_by_external("test", COR.id)
    assert cor is not None and await chats.bot.services.signals.by_reporter(cor.id) == []


async def test_a_coordinator_of_several_groups_chooses_one(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    other = Chat("test", "-100555", ChatKind.GROUP, "Buurtapp Noord")
    await chats.add_bot(other, by=COR)
    await chats.command(COR, "/gemeente Zaanstad", other)
    foreign = Chat("test", "-100666", ChatKind.GROUP, "Niet van Cor")
    await chats.add_bot(foreign, by=ANNA)
    messenger.admins[foreign.id] = [ANNA.id]
    await chats.command(COR, "/idee", foreign)  # Cor is a member there, not a coordinator

    for command, expect in (("/niveau", "Stelling 1 van 10"), ("/schouw", "Op welke dag")):
        await chats.command(COR, command)
        choice = latest(messenger, COR.id)
        assert "Voor welke groep?" in choice.text
        assert [b.label for b in choice.buttons][:2] == ["Buurtapp Noord", "Buurtpreventie Oost"]
        token = (choice.buttons[0].data or "").split(":")[1]
        prefix = (choice.buttons[0].data or "").split(":")[0]
        foreign_group = await chats.bot.services.groups.by_chat("test", foreign.id)
        assert foreign_group is not None
        await chats.press_data(COR, f"{prefix}:{token}:grp:{foreign_group.id}", choice)
        assert "alleen een coördinator" in messenger.notices()[-1], "forged group choice"
        await chats.command(COR, command)
        choice = latest(messenger, COR.id)
        await chats.press(COR, choice, "Buurtapp Noord")
        shown = latest(messenger, COR.id).text
        assert expect in shown and "Buurtapp Noord" in shown
        await chats.command(COR, "/annuleer")
