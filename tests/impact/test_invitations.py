"""Invitations: matched and pushed once, the weekly maximum, answers with counts edited in place,
reminders the day before exactly once."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.app import BuurtBot, build
from bot.chat import Chat, ChatKind, Edit, Message, Reply, Sender, Sent
from bot.impact_models import ActivityKind, GroupFacts
from bot.settings import Settings
from handlers.invitations import push_invitations, send_reminders
from tests.harness import ANNA, BOB, COR, GROUP, Chats, Clock, RecordingMessenger
from tests.impact.conftest import add_regional, edits_to, group_with_region, regional

AMS = ZoneInfo("Europe/Amsterdam")
OTHER = Chat("test", "-100999", ChatKind.GROUP, "Buurtapp West")


def invitations_in(messenger: RecordingMessenger, chat_id: str) -> list[str]:
    return [d.text for d in messenger.messages_to(chat_id) if "Uitnodiging" in d.text]


async def test_matching_activities_are_pushed_with_answer_buttons(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await group_with_region(chats)
    soon = clock.now + timedelta(days=10)
    await add_regional(
        chats.bot,
        regional("Wijkschouw Poelenburg", soon),
        regional("Training signaleren", soon, kind=ActivityKind.TRAINING),  # level 3+
        regional("Schouw in Amsterdam", soon, region="Amsterdam"),
        regional("Schouw volgend jaar", clock.now + timedelta(days=90)),
        regional("Landelijke avond", soon, kind=ActivityKind.REGIONAAL, region="landelijk"),
    )
    assert await push_invitations(chats.bot.services, messenger) == 2
    posts = [d for d in messenger.messages_to(GROUP.id) if "Uitnodiging" in d.text]
    assert len(posts) == 2
    assert "Wijkschouw Poelenburg" in posts[0].text and "Gemeente Zaanstad" in posts[0].text
    assert "Landelijke avond" in posts[1].text
    assert "Ik kom: 0 · 🤔 Misschien: 0 · ❌ Nee: 0" in posts[0].text
    assert [b.label for b in posts[0].buttons] == ["Ik kom", "Misschien", "Nee"]
    assert "Past bij jullie niveau 1" in posts[0].text


async def test_the_level_decides_what_is_offered(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    group = await group_with_region(chats)
    await chats.bot.services.impact.assessments.add(
        group.id, None, clock.now, 4, {}, GroupFacts(measured_at=clock.now)
    )
    soon = clock.now + timedelta(days=10)
    await add_regional(
        chats.bot,
        regional("Schouw", soon),
        regional("Training", soon, kind=ActivityKind.TRAINING),
    )
    await push_invitations(chats.bot.services, messenger)
    posts = invitations_in(messenger, GROUP.id)
    assert len(posts) == 1 and "Training" in posts[0]
    assert "vanaf niveau 4 is training nodig" in posts[0]


async def test_the_same_invitation_is_never_sent_twice_not_even_after_a_restart(
    settings: Settings, clock: Clock, messenger: RecordingMessenger
) -> None:
    first = await build(settings, clock=clock)
    chats = Chats(first, messenger, clock)
    await group_with_region(chats)
    await add_regional(first, regional("Wijkschouw", clock.now + timedelta(days=3)))
    assert await push_invitations(first.services, messenger) == 1
    assert await push_invitations(first.services, messenger) == 0
    await first.close()

    second = await build(settings, clock=clock)
    try:
        clock.advance(days=1)
        assert await push_invitations(second.services, messenger) == 0
        assert len(invitations_in(messenger, GROUP.id)) == 1
    finally:
        await second.close()


async def test_a_claimed_invitation_is_not_sent_again_after_a_crash(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    group = await group_with_region(chats)
    (activity,) = await add_regional(chats.bot, regional("Schouw", clock.now + timedelta(days=3)))
    # The process died right after claiming, before sending.
    claimed = await chats.bot.services.impact.invitations.claim(
        activity.id, group.id, clock.now, weekly_limit=2
    )
    assert claimed is not None
    assert await push_invitations(chats.bot.services, messenger) == 0
    assert invitations_in(messenger, GROUP.id) == []


async def test_the_weekly_maximum_and_catching_up_the_week_after(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await group_with_region(chats)
    await add_regional(
        chats.bot,
        *(regional(f"Schouw {i}", clock.now + timedelta(days=10 + i)) for i in range(4)),
    )
    assert await push_invitations(chats.bot.services, messenger) == 2
    clock.advance(days=3)
    assert await push_invitations(chats.bot.services, messenger) == 0
    clock.advance(days=4, minutes=1)
    assert await push_invitations(chats.bot.services, messenger) == 2
    titles = [text.split("\n")[1] for text in invitations_in(messenger, GROUP.id)]
    assert titles == [f"<b>Schouw {i}</b>" for i in range(4)], "soonest first"


async def test_coordinators_set_the_weekly_maximum(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await group_with_region(chats)
    await chats.command(COR, "/uitnodigingen 1", GROUP)
    assert "hoogstens <b>1</b>" in messenger.last(GROUP.id).text
    await add_regional(
        chats.bot, *(regional(f"Schouw {i}", clock.now + timedelta(days=5 + i)) for i in range(3))
    )
    assert await push_invitations(chats.bot.services, messenger) == 1
    await chats.command(COR, "/uitnodigingen 0", GROUP)
    clock.advance(days=8)
    assert await push_invitations(chats.bot.services, messenger) == 0


async def test_only_groups_in_the_gemeente_are_invited(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await group_with_region(chats)
    await chats.add_bot(OTHER, by=COR)
    await chats.command(COR, "/gemeente Amsterdam", OTHER)
    await add_regional(chats.bot, regional("Schouw Zaandam", clock.now + timedelta(days=3)))
    await push_invitations(chats.bot.services, messenger)
    assert len(invitations_in(messenger, GROUP.id)) == 1
    assert invitations_in(messenger, OTHER.id) == []


async def invited(chats: Chats, clock: Clock) -> None:
    await group_with_region(chats)
    starts = clock.now.astimezone(AMS).replace(hour=19, minute=30) + timedelta(days=10)
    await add_regional(chats.bot, regional("Wijkschouw", starts))
    await push_invitations(chats.bot.services, chats.messenger)


async def test_answers_update_the_counts_in_place_and_can_change(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await invited(chats, clock)
    post = messenger.last(GROUP.id)
    await chats.press(ANNA, post, "Ik kom")
    assert messenger.notices()[-1].startswith("Genoteerd: je komt")
    edit = edits_to(messenger, GROUP.id)[-1]
    assert isinstance(edit.reply, Edit) and edit.reply.message_id == post.message_id
    assert "Ik kom: 1 · 🤔 Misschien: 0 · ❌ Nee: 0" in edit.text
    assert [b.label for b in edit.buttons] == ["Ik kom", "Misschien", "Nee"]

    await chats.press(BOB, post, "Misschien")
    assert "Ik kom: 1 · 🤔 Misschien: 1 · ❌ Nee: 0" in edits_to(messenger, GROUP.id)[-1].text
    await chats.press(ANNA, post, "Nee")
    assert "Ik kom: 0 · 🤔 Misschien: 1 · ❌ Nee: 1" in edits_to(messenger, GROUP.id)[-1].text
    edits = len(edits_to(messenger, GROUP.id))
    await chats.press(ANNA, post, "Nee")
    assert len(edits_to(messenger, GROUP.id)) == edits, "same answer: nothing to edit"
    assert messenger.notices()[-1] == "Genoteerd: je komt niet."
    assert "Anna" not in edits_to(messenger, GROUP.id)[-1].text, "counts only, no names"


async def test_forged_stale_and_late_answers_change_nothing(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await invited(chats, clock)
    post = messenger.last(GROUP.id)
    services = chats.bot.services
    for data in ("rsvp:999:ja", "rsvp:1:altijd", "rsvp:x:ja", "rsvp:1"):
        await chats.press_data(ANNA, data, post, chat=GROUP)
        assert messenger.notices()[-1] == "Deze knop werkt niet (meer).", data
    # An invitation of this group pressed in another group's chat.
    await chats.add_bot(OTHER, by=COR)
    await chats.press_data(ANNA, "rsvp:1:ja", chat=OTHER)
    assert messenger.notices()[-1] == "Deze knop werkt niet (meer)."
    assert (await services.impact.invitations.counts(1)).ja == 0
    clock.advance(days=11)
    await chats.press(ANNA, post, "Ik kom")
    assert "al begonnen of voorbij" in messenger.notices()[-1]
    assert (await services.impact.invitations.counts(1)).ja == 0
    assert edits_to(messenger, GROUP.id) == []


async def test_reminders_go_the_day_before_once_to_yes_and_maybe(
    settings: Settings, clock: Clock, messenger: RecordingMessenger
) -> None:
    first = await build(settings, clock=clock)
    chats = Chats(first, messenger, clock)
    await invited(chats, clock)
    post = messenger.last(GROUP.id)
    await chats.press(ANNA, post, "Ik kom")
    await chats.press(BOB, post, "Misschien")
    await chats.press(COR, post, "Nee")
    assert await send_reminders(first.services, messenger) == 0, "too early"

    clock.now = clock.now.astimezone(AMS).replace(hour=10, minute=5) + timedelta(days=9)
    assert await send_reminders(first.services, messenger) == 2
    anna = messenger.last(ANNA.id)
    assert "Herinnering" in anna.text and "Wijkschouw" in anna.text and "Ik kom" in anna.text
    assert "Maybe" in messenger.last(BOB.id).text, "in the member's own language"
    assert not any("Herinnering" in d.text for d in messenger.messages_to(COR.id))
    assert await send_reminders(first.services, messenger) == 0
    await first.close()

    second = await build(settings, clock=clock)
    try:
        clock.advance(hours=3)
        assert await send_reminders(second.services, messenger) == 0, "not again after a restart"
        # The reminder's buttons change the answer; the group's counts follow.
        chats = Chats(second, messenger, clock)
        await chats.press(ANNA, messenger.last(ANNA.id), "Nee")
        assert "Ik kom: 0 · 🤔 Misschien: 1 · ❌ Nee: 2" in edits_to(messenger, GROUP.id)[-1].text
    finally:
        await second.close()


async def test_a_member_who_never_opened_a_private_chat_is_skipped_once(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await invited(chats, clock)
    await chats.press(ANNA, messenger.last(GROUP.id), "Ik kom")
    messenger.unavailable.add(ANNA.id)
    clock.now = clock.now.astimezone(AMS).replace(hour=11) + timedelta(days=9)
    assert await send_reminders(chats.bot.services, messenger) == 0
    messenger.unavailable.clear()
    assert await send_reminders(chats.bot.services, messenger) == 0, "not retried"
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None and group.active, "a private chat failing is not the group failing"


async def test_a_stranger_cannot_answer_from_a_private_chat(
    chats: Chats, messenger: RecordingMessenger, clock: Clock
) -> None:
    await invited(chats, clock)
    stranger = Sender(id="99", name="Zoë", language="nl")
    await chats.press_data(stranger, "rsvp:1:ja")
    assert "geen lid" in messenger.notices()[-1]
    assert (await chats.bot.services.impact.invitations.counts(1)).ja == 0
    assert edits_to(messenger, GROUP.id) == []


class FlakyMessenger(RecordingMessenger):
    """Fails every edit, and every new message to the chats in ``failing``."""

    failing: set[str]

    def __init__(self) -> None:
        super().__init__()
        self.failing = set()

    async def send(self, chat_id: str, reply: Reply, *, button_id: str = "") -> Sent:
        if isinstance(reply, Edit) or (isinstance(reply, Message) and chat_id in self.failing):
            raise RuntimeError("Bad Request: message to edit not found")
        return await super().send(chat_id, reply, button_id=button_id)


async def test_telegram_errors_lose_no_answer_and_send_nothing_twice(
    buurtbot: BuurtBot, clock: Clock
) -> None:
    messenger = FlakyMessenger()
    chats = Chats(buurtbot, messenger, clock)
    await group_with_region(chats)
    await add_regional(
        buurtbot,
        regional("Schouw 1", clock.now + timedelta(days=3)),
        regional("Schouw 2", clock.now + timedelta(days=4)),
    )
    messenger.failing.add(GROUP.id)
    assert await push_invitations(buurtbot.services, messenger) == 0
    messenger.failing.clear()
    assert await push_invitations(buurtbot.services, messenger) == 1, "the next one, not again"
    group = await buurtbot.services.groups.by_chat("test", GROUP.id)
    assert group is not None and group.active

    post = messenger.last(GROUP.id)
    assert "Schouw 2" in post.text
    await chats.press(ANNA, post, "Ik kom")
    assert messenger.notices()[-1].startswith("Genoteerd"), "the answer is confirmed"
    invitation = await buurtbot.services.impact.invitations.get(2)
    assert invitation is not None
    assert (await buurtbot.services.impact.invitations.counts(invitation.id)).ja == 1
