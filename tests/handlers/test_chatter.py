"""Free-text group messages: recognised with the real Dutch model, logged quietly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import build
from bot.chat import Delete, Edit, Incoming, Kind, Message, Reaction, Sender
from bot.models import Signal, Source, Status
from bot.settings import Settings
from bot.understanding import Thresholds
from handlers.chatter import expire_questions, parse_label
from nlp.worker import WorkerClassifier
from storage.chat_signals import ChatMessage, FollowUp
from tests.harness import ANNA, BOB, COR, GROUP, Chats, Clock, RecordingMessenger

URGENT = "HELP er wordt nu ingebroken bij nummer 12 aan de Dorpsstraat, ze zijn binnen!!"
THEFT = "Vannacht is mijn fiets gestolen bij het station, zwarte Gazelle met rood zadel"
CHAT = "Goedemorgen allemaal, wat een heerlijk weertje vandaag ☀️"


def reactions(messenger: RecordingMessenger) -> list[Reaction]:
    return [d.reply for d in messenger.delivered if isinstance(d.reply, Reaction)]


async def group_signals(chats: Chats) -> list:
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    return [s for i in range(1, 20) if (s := await chats.bot.services.signals.get(i))]


async def test_chit_chat_is_left_alone(chats: Chats, messenger: RecordingMessenger) -> None:
    await chats.add_bot()
    before = len(messenger.delivered)
    await chats.text(ANNA, CHAT, GROUP)
    await chats.text(BOB, "Heeft iemand een ladder te leen?", GROUP)
    assert messenger.delivered[before:] == []
    assert await group_signals(chats) == []


async def test_signal_is_logged_with_a_reaction_not_a_reply(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    before = len(messenger.delivered)
    message_id = await chats.text(ANNA, THEFT, GROUP)
    new = messenger.delivered[before:]
    assert [type(d.reply) for d in new] == [Reaction]
    assert new[0].reply.message_id == message_id  # type: ignore[union-attr]
    [signal] = await group_signals(chats)
    assert (signal.category, signal.source, signal.urgent) == ("criminaliteit", Source.CHAT, False)
    assert signal.subcategory == "diefstal"
    assert signal.description == THEFT and 0 < (signal.confidence or 0) <= 1
    assert signal.details["locations"], "what was extracted is kept with the signal"
    sent_local = chats.clock.now
    assert signal.occurred_at < sent_local, "'vannacht' lies before the message"


async def test_urgent_message_gets_one_saar_reply_and_112_button(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    before = len(messenger.delivered)
    message_id = await chats.text(ANNA, URGENT, GROUP)
    replies = [d for d in messenger.delivered[before:] if isinstance(d.reply, Message)]
    assert len(replies) == 1
    saar = replies[0]
    assert "Bel eerst 112" in saar.text and saar.reply.reply_to_message_id == message_id  # type: ignore[union-attr]
    [signal] = await group_signals(chats)
    assert signal.urgent

    # A follow-up about the same incident merges and does not repeat the SAAR reply.
    await chats.text(ANNA, "Ze gingen richting het park, man met zwarte jas en rode pet", GROUP)
    assert len([d for d in messenger.delivered[before:] if isinstance(d.reply, Message)]) == 1
    assert len(await group_signals(chats)) == 1

    await chats.press(BOB, saar, "112")
    edits = [d for d in messenger.delivered if isinstance(d.reply, Edit)]
    assert (
        edits[-1].message_id == saar.message_id and "112 is gebeld</b> door Bob" in edits[-1].text
    )
    await chats.press(COR, saar, "112")
    assert messenger.notices()[-1] == "Er is al gemeld dat 112 is gebeld."
    signal = await chats.bot.services.signals.get(signal.id)
    assert signal is not None and signal.called_112
    kinds = [e.kind for e in await chats.bot.services.signals.events(signal.id)]
    assert kinds.count("called_112") == 1


async def test_follow_ups_of_one_sender_become_one_signal(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    await chats.text(ANNA, THEFT, GROUP)
    chats.clock.advance(minutes=3)
    await chats.text(ANNA, "slot lag doorgeknipt naast het fietsenrek bij de Jumbo", GROUP)
    chats.clock.advance(minutes=2)
    await chats.text(BOB, "Bij mij is gisteren ook een fiets gestolen, bij de sporthal", GROUP)
    signals = await group_signals(chats)
    assert len(signals) == 2
    anna = signals[0]
    assert "doorgeknipt" in (anna.description or "") and THEFT in (anna.description or "")
    messages = await chats.bot.services.chat_signals.messages(anna.id)
    assert len(messages) == 2
    assert len(reactions(messenger)) == 3

    chats.clock.advance(minutes=30)
    await chats.text(ANNA, "Nu is ook mijn scooter gestolen uit de schuur!", GROUP)
    assert len(await group_signals(chats)) == 3, "after the window a new incident"
    chats.clock.advance(minutes=1)
    await chats.text(ANNA, URGENT, GROUP)
    assert len(await group_signals(chats)) == 4, "a burglary is not a follow-up of a theft"


async def test_a_follow_up_that_fails_to_merge_leaves_nothing_half_stored(chats: Chats) -> None:
    await chats.add_bot()
    await chats.text(ANNA, THEFT, GROUP)
    (signal,) = await group_signals(chats)
    repo = chats.bot.services.chat_signals
    events_before = await chats.bot.services.signals.events(signal.id)

    def broken(_messages: list[ChatMessage]) -> dict[str, object]:
        raise RuntimeError("merge failed")

    def choose(recent: Signal | None) -> FollowUp:
        assert recent is not None and recent.id == signal.id, "the sender's open signal"
        return FollowUp(recent, broken, event="merged", at=chats.clock.now, data={})

    assert signal.reporter_id is not None
    since = chats.clock.now - timedelta(minutes=15)
    message = ("999", chats.clock.now, "slot lag ernaast")
    with pytest.raises(RuntimeError):
        await repo.take_in(signal.group_id, signal.reporter_id, since, message, choose)
    assert len(await repo.messages(signal.id)) == 1, "the follow-up's message was rolled back"
    assert await chats.bot.services.signals.events(signal.id) == events_before

    choice, recent = await repo.take_in(
        signal.group_id, signal.reporter_id, since, message, lambda _recent: None
    )
    assert choice is None and recent is not None and recent.id == signal.id
    assert len(await repo.messages(signal.id)) == 1, "choosing nothing stores nothing"


async def test_edited_message_updates_or_withdraws_its_signal(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    message_id = await chats.text(ANNA, THEFT, GROUP)
    edit = Incoming(
        Kind.EDITED,
        GROUP,
        ANNA,
        chats.clock.now,
        message_id=message_id,
        text="Vannacht is de auto van de buren opengebroken, ruit ingeslagen, spullen weg",
    )
    await chats.send(edit)
    [signal] = await group_signals(chats)
    assert "ruit ingeslagen" in (signal.description or "")
    withdraw = Incoming(
        Kind.EDITED,
        GROUP,
        ANNA,
        chats.clock.now,
        message_id=message_id,
        text="Laat maar, foutje, sorry allemaal",
    )
    await chats.send(withdraw)
    [signal] = await group_signals(chats)
    assert signal.status is Status.INGETROKKEN
    assert reactions(messenger)[-1].emoji == "", "the bot takes its reaction back"
    kinds = [e.kind for e in await chats.bot.services.signals.events(signal.id)]
    assert kinds == ["created", "edited", "withdrawn"]


async def test_unsure_messages_are_asked_about_once_and_rarely(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    understanding = chats.bot.services.understanding
    unsure = "Er staat al de hele dag een busje met draaiende motor voor nummer 8"
    confidence = (await understanding.analyze(unsure)).confidence
    understanding.thresholds = Thresholds(log=min(1.0, confidence + 0.001), ask=confidence - 0.001)
    await chats.add_bot()
    before = len(messenger.delivered)
    message_id = await chats.text(ANNA, unsure, GROUP)
    asked = [d for d in messenger.delivered[before:] if isinstance(d.reply, Message)]
    assert len(asked) == 1 and "Anna, is dit een melding" in asked[0].text
    assert [b.label for b in asked[0].buttons][-1] == "Geen melding"
    await chats.text(BOB, unsure.replace("8", "10"), GROUP)
    assert len([d for d in messenger.delivered[before:] if isinstance(d.reply, Message)]) == 1, (
        "rate-limited"
    )

    await chats.press(BOB, asked[0], "Overlast")
    assert messenger.notices()[-1] == "Deze vraag is voor degene die het bericht stuurde."
    await chats.press(ANNA, asked[0], "Criminaliteit")
    deleted = [d for d in messenger.delivered if isinstance(d.reply, Delete)]
    assert deleted and deleted[-1].message_id == asked[0].message_id
    assert reactions(messenger)[-1].message_id == message_id
    [signal] = await group_signals(chats)
    assert signal.category == "criminaliteit" and signal.source is Source.CHAT
    corrections = await chats.bot.services.chat_signals.corrections()
    assert [(c.text, c.category) for c in corrections] == [(unsure, "criminaliteit")]
    await chats.press(ANNA, asked[0], "Zorg")
    assert messenger.notices()[-1] == "Deze knop hoort bij een eerdere vraag."


async def test_unanswered_question_disappears(chats: Chats, messenger: RecordingMessenger) -> None:
    understanding = chats.bot.services.understanding
    unsure = "Er staat al de hele dag een busje met draaiende motor voor nummer 8"
    confidence = (await understanding.analyze(unsure)).confidence
    understanding.thresholds = Thresholds(log=min(1.0, confidence + 0.001), ask=confidence - 0.001)
    await chats.add_bot()
    await chats.text(ANNA, unsure, GROUP)
    question = messenger.last(GROUP.id)
    chats.clock.advance(hours=2)
    assert await expire_questions(chats.bot.services, messenger) == 1
    assert isinstance(messenger.delivered[-1].reply, Delete)
    assert messenger.delivered[-1].message_id == question.message_id
    assert await group_signals(chats) == []


async def reply_correction(
    chats: Chats, sender: Sender, message_id: str, text: str, args: str, command_id: str = "c1"
) -> None:
    """A coordinator's ``/correctie ARGS`` in reply to a group message by Anna."""
    await chats.send(
        Incoming(
            Kind.COMMAND,
            GROUP,
            sender,
            chats.clock.now,
            message_id=command_id,
            command="correctie",
            args=args,
            reply_to_message_id=message_id,
            reply_to_sender=ANNA,
            reply_to_text=text,
        )
    )


async def test_coordinator_corrects_by_reply(chats: Chats, messenger: RecordingMessenger) -> None:
    await chats.add_bot()
    message_id = await chats.text(ANNA, THEFT, GROUP)

    async def correction(sender: Sender, args: str) -> None:
        await reply_correction(chats, sender, message_id, THEFT, args)

    await correction(ANNA, "overlast")
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text
    await correction(COR, "zorg vermis")
    assert (
        "Gecorrigeerd: <b>Zorg</b> · Vermissing (was: Criminaliteit)"
        in messenger.last(GROUP.id).text
    )
    [signal] = await group_signals(chats)
    assert (signal.category, signal.subcategory) == ("zorg", "vermissing")
    await correction(COR, "geen")
    [signal] = await group_signals(chats)
    assert signal.status is Status.INGETROKKEN
    corrections = await chats.bot.services.chat_signals.corrections()
    assert [(c.category, c.subcategory) for c in corrections] == [
        ("zorg", "vermissing"),
        ("geen", None),
    ]
    assert all(c.text == THEFT and not c.urgent for c in corrections)
    await correction(COR, "onzin")
    assert "ken ik niet" in messenger.last(GROUP.id).text


async def test_correction_keeps_the_signals_urgency_for_training(chats: Chats) -> None:
    await chats.add_bot()
    message_id = await chats.text(ANNA, URGENT, GROUP)
    await reply_correction(chats, COR, message_id, URGENT, "overlast")
    [correction] = await chats.bot.services.chat_signals.corrections()
    assert (correction.category, correction.urgent) == ("overlast", True)


async def test_correction_buttons_recheck_the_role(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    message_id = await chats.text(ANNA, THEFT, GROUP)
    await chats.send(
        Incoming(
            Kind.COMMAND,
            GROUP,
            COR,
            chats.clock.now,
            message_id="c1",
            command="correctie",
            reply_to_message_id=message_id,
        )
    )
    picker = messenger.last(GROUP.id)
    await chats.press(ANNA, picker, "Overlast")
    assert messenger.notices()[-1] == "Alleen coördinatoren kunnen een melding corrigeren."
    await chats.press(COR, picker, "Overlast")
    subs = [d for d in messenger.delivered if isinstance(d.reply, Edit)][-1]
    assert "Welke subcategorie" in subs.text
    await chats.press(COR, subs, "Verkeer")
    [signal] = await group_signals(chats)
    assert (signal.category, signal.subcategory) == ("overlast", "verkeer")
    await chats.press_data(COR, "cor:999:overlast", picker)
    assert messenger.notices()[-1] == "Deze knop werkt niet (meer)."


async def test_missed_signal_can_be_added_by_correction(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    # However sure the model is, with these thresholds it logs nothing by itself.
    chats.bot.services.understanding.thresholds = Thresholds(log=1.0, ask=1.0)
    text = "heeft iemand meneer Bakker van 14 nog gezien de laatste tijd?"
    message_id = await chats.text(ANNA, text, GROUP)
    assert await group_signals(chats) == [], "precondition: the message was passed over"
    await reply_correction(chats, COR, message_id, text, "zorg kwetsbare", command_id="c2")
    [signal] = await group_signals(chats)
    assert (signal.category, signal.subcategory) == ("zorg", "kwetsbare_bewoner")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🚓🚨😱",
        "x" * 20_000,
        "inbraak\x00\x07\x1b[31m!!",
        "Грабеж у магазина 抢劫 سرقة bij de Jumbo",
    ],
)
async def test_bad_input_in_the_group(chats: Chats, text: str) -> None:
    await chats.add_bot()
    await chats.text(ANNA, text, GROUP)
    for signal in await group_signals(chats):
        assert len(signal.description or "") <= 20_000


def test_parse_label() -> None:
    assert parse_label("overlast geluid") == ("overlast", "geluid")
    assert parse_label("Criminaliteit verdachte persoon") == ("criminaliteit", "verdachte_persoon")
    assert parse_label("zorg") == ("zorg", None)
    assert parse_label("geen") == ("geen", None)
    assert parse_label("zorg fiets") is None
    assert parse_label("kat") is None


async def test_retention_erases_chat_texts(chats: Chats) -> None:
    await chats.add_bot()
    await chats.text(ANNA, THEFT, GROUP)
    services = chats.bot.services
    assert (
        await services.signals.purge_personal(chats.clock.now + timedelta(days=1), chats.clock.now)
        == 1
    )
    [message] = await services.chat_signals.messages(1)
    assert message.text is None


async def test_with_the_classifier_in_a_worker_process_signals_are_logged_the_same(
    settings: Settings, clock: Clock, messenger: RecordingMessenger
) -> None:
    bot = await build(settings.model_copy(update={"nlp_worker": True}), clock=clock)
    try:
        worker = bot.services.understanding.batcher.classifier
        assert isinstance(worker, WorkerClassifier) and worker.pid is not None
        chats = Chats(bot, messenger, clock)
        await chats.add_bot()
        before = len(messenger.delivered)
        await chats.text(ANNA, CHAT, GROUP)
        message_id = await chats.text(BOB, THEFT, GROUP)
        new = [d.reply for d in messenger.delivered[before:]]
        assert new == [Reaction(message_id=message_id, emoji=new[0].emoji)]  # type: ignore[union-attr]
        [signal] = await group_signals(chats)
        assert (signal.category, signal.subcategory) == ("criminaliteit", "diefstal")
    finally:
        await bot.close()
    assert worker.pid is None, "closing the bot ends the worker"
