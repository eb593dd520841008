"""/niveau: the questionnaire in the private chat, combined with the data, stored as history."""

from __future__ import annotations

from datetime import timedelta

from bot.app import build
from bot.impact import STATEMENTS
from bot.models import SignalDraft, Source
from bot.settings import Settings
from tests.harness import ANNA, COR, GROUP, Chats, Clock, RecordingMessenger, private
from tests.impact.conftest import group_with_region, latest


async def answer_all(chats: Chats, label: str = "Ja", count: int = len(STATEMENTS)) -> None:
    for _ in range(count):
        await chats.press(COR, latest(chats.messenger, COR.id), label)


async def test_niveau_in_the_group_continues_in_private_and_stores_the_result(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/niveau", GROUP)
    assert "ga verder in ons privégesprek" in messenger.last(GROUP.id).text
    first = latest(messenger, COR.id)
    assert "Stelling 1 van 10" in first.text and "Gezamenlijk perspectief" in first.text
    assert [b.label for b in first.buttons][:3] == ["Ja", "Deels", "Nee"]

    await answer_all(chats)
    result = latest(messenger, COR.id)
    assert "Impactniveau van Buurtpreventie Oost: niveau 1 · Gezamenlijk perspectief" in result.text
    assert "antwoorden passen bij niveau 5" in result.text, "the data does not show it yet"
    assert "Deel signalen in de groep" in result.text, "what the next level asks"
    assert result.buttons == []

    services = chats.bot.services
    group = await services.groups.by_chat("test", GROUP.id)
    assert group is not None
    record = await services.impact.assessments.latest(group.id)
    assert record is not None and record.level == 1
    assert record.answers == {s.id: 2 for s in STATEMENTS}
    assert record.facts.signals_90d == 0
    conv = await services.conversations.get("test", COR.id, COR.id)
    assert conv is None, "the conversation is closed"


async def add_signals(chats: Chats, weeks: int, followed_up: int) -> None:
    services, now = chats.bot.services, chats.clock.now
    group = await services.groups.by_chat("test", GROUP.id)
    assert group is not None
    for week in range(weeks):
        signal = await services.signals.add(
            SignalDraft(
                group_id=group.id,
                reporter_id=None,
                category="overlast",
                source=Source.CHAT,
                occurred_at=now - timedelta(days=7 * week + 1),
                reported_at=now - timedelta(days=7 * week + 1),
            )
        )
        if week < followed_up:
            await services.signals.add_feedback(signal.id, now, None, {"text": "opgepakt"})


async def test_the_data_lifts_the_level_and_the_history_is_kept(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/niveau", GROUP)
    await answer_all(chats)
    await add_signals(chats, weeks=4, followed_up=2)
    clock.advance(days=1)
    await chats.command(COR, "/niveau")  # in private this time
    await answer_all(chats)
    result = latest(messenger, COR.id).text
    assert "niveau 3 · Co-operatie" in result
    assert "Vorige meting" in result and "niveau 1" in result
    assert "Werf nieuwe leden" in result, "level 4 asks for growth"
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    history = await chats.bot.services.impact.assessments.history(group.id)
    assert [record.level for record in history] == [3, 1]


async def test_deels_and_nee_keep_the_level_down(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    await add_signals(chats, weeks=4, followed_up=2)
    await chats.command(COR, "/niveau")
    await answer_all(chats, "Nee")
    result = latest(messenger, COR.id).text
    assert "niveau 1 ·" in result
    assert "We hebben samen een beeld van onze buurt" in result, "the statements to work on"


async def test_back_and_stale_and_forged_buttons(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/niveau")
    first = latest(messenger, COR.id)
    await chats.press(COR, first, "Ja")
    second = latest(messenger, COR.id)
    assert "Stelling 2 van 10" in second.text
    # The first question's button again (its message now shows question 2): already answered.
    await chats.press_data(COR, first.buttons[0].data or "", first)
    assert messenger.notices()[-1] == "Deze vraag is al beantwoord."
    await chats.press(COR, second, "Vorige vraag")
    assert "Stelling 1 van 10" in latest(messenger, COR.id).text
    await chats.press_data(COR, "niv:ffffff:a:0.ja", second)
    assert messenger.notices()[-1] == "Deze knop hoort bij een eerdere vraag."
    await chats.press_data(COR, "niv:broken", second)
    assert messenger.notices()[-1] == "Deze knop werkt niet (meer)."
    conv = await chats.bot.services.conversations.get("test", COR.id, COR.id)
    assert conv is not None and conv.step == "0"


async def test_typed_text_asks_again_and_stop_keeps_nothing(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/niveau")
    await chats.text(COR, "<b>ja hoor</b>")
    assert "Stelling 1 van 10" in messenger.last(COR.id).text
    await chats.press(COR, latest(messenger, COR.id), "Stoppen")
    assert "Gestopt" in latest(messenger, COR.id).text
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    assert await chats.bot.services.impact.assessments.latest(group.id) is None


async def test_annuleer_stops_the_questionnaire(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/niveau")
    await chats.command(COR, "/annuleer")
    assert "Gestopt" in messenger.last(COR.id).text
    assert await chats.bot.services.conversations.get("test", COR.id, COR.id) is None


async def test_members_cannot_use_niveau(chats: Chats, messenger: RecordingMessenger) -> None:
    await group_with_region(chats)
    await chats.command(ANNA, "/niveau", GROUP)
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text
    await chats.command(ANNA, "/niveau")
    assert "alleen voor coördinatoren" in messenger.last(ANNA.id).text
    assert messenger.messages_to(ANNA.id)[-1].buttons == []


async def test_the_role_is_checked_again_at_every_answer(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/niveau")
    messenger.admins[GROUP.id] = []
    chats.bot.services.roles.forget_administrators("test", GROUP.id)
    await chats.press(COR, latest(messenger, COR.id), "Ja")
    assert "alleen een coördinator" in messenger.notices()[-1]
    assert await chats.bot.services.conversations.get("test", COR.id, COR.id) is None


async def test_unreachable_private_chat_is_explained_in_the_group(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await group_with_region(chats)
    messenger.unavailable.add(COR.id)
    await chats.command(COR, "/niveau", GROUP)
    pointer = messenger.last(GROUP.id)
    assert "kan je nog geen privébericht sturen" in pointer.text
    assert pointer.buttons[0].url
    assert await chats.bot.services.conversations.get("test", COR.id, COR.id) is None


async def test_a_restart_halfway_loses_nothing(
    settings: Settings, clock: Clock, messenger: RecordingMessenger
) -> None:
    first = await build(settings, clock=clock)
    chats = Chats(first, messenger, clock)
    await group_with_region(chats)
    await chats.command(COR, "/niveau")
    await answer_all(chats, count=4)
    await first.close()

    second = await build(settings, clock=clock)
    try:
        chats = Chats(second, messenger, clock)
        assert "Stelling 5 van 10" in latest(messenger, COR.id).text
        await answer_all(chats, count=len(STATEMENTS) - 4)
        assert "Impactniveau van" in latest(messenger, COR.id).text
    finally:
        await second.close()


async def test_expired_questionnaire(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/niveau")
    clock.advance(minutes=31)
    await chats.press(COR, latest(messenger, COR.id), "Ja")
    assert "gestopt" in messenger.last(COR.id).text
    assert messenger.last(COR.id).chat_id == private(COR).id
