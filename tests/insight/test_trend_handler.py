"""/trend through the neutral chat interface: group, private details, roles, bad periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.chat import Chat, ChatKind, Message, Notice
from bot.models import Role, Status
from tests.harness import ANNA, BOB, COR, GROUP, Chats, RecordingMessenger
from tests.insight.conftest import add_signal, setup_group, the_group
from tests.insight.test_charts import png_size

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


async def seeded(chats: Chats) -> int:
    """A group with a few weeks of signals; returns its id."""
    chats.clock.now = NOW
    group = await setup_group(chats)
    await chats.text(ANNA, "hallo", GROUP)
    await chats.text(COR, "goedemorgen", GROUP)  # known as a member: /trend works in private
    anna = await chats.bot.services.members.user_by_external("test", ANNA.id)
    assert anna is not None
    for days, category, sub, street in [
        (1, "overlast", "geluid", "Molenlaan 4"),
        (2, "overlast", "geluid", "Molenlaan 6"),
        (9, "criminaliteit", "diefstal", "Kerkstraat 12"),
        (16, "zorg", "onwel", None),
        (40, "overlast", "afval", "Molenlaan 4"),
    ]:
        await add_signal(
            chats.bot,
            group.id,
            NOW - timedelta(days=days),
            category,
            sub,
            street=street,
            reporter_id=anna.id,
            description="Man met rode jas bij nummer 4",
        )
    return group.id


def photos(messenger: RecordingMessenger, chat_id: str) -> list[Message]:
    return [
        d.reply
        for d in messenger.to(chat_id)
        if isinstance(d.reply, Message) and d.reply.photo_png is not None
    ]


async def test_coordinator_gets_chart_and_aggregates_in_the_group(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await seeded(chats)
    await chats.command(COR, "/trend", GROUP)
    [post] = photos(messenger, GROUP.id)
    assert post.photo_png is not None and png_size(post.photo_png)[0] > 0
    text = post.text
    assert "Trend · Buurtpreventie Oost" in text and "de afgelopen 4 weken" in text
    assert "<b>4 meldingen</b>" in text and "Overlast: 2" in text and "Geluid: 2" in text
    assert "Opvolging" in text and "0%" in text
    for private in ("Molenlaan", "Kerkstraat", "Anna", "rode jas", "#", ANNA.id):
        assert private not in text, private
    [details] = [b for row in post.buttons for b in row]
    group = await the_group(chats.bot)
    assert details.url == f"https://t.me/test_bot?start=trd-4w-{group.code}"


async def test_members_are_refused_politely_and_see_nothing(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    group_id = await seeded(chats)
    await chats.command(ANNA, "/trend", GROUP)
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text
    await chats.command(ANNA, "/trend")
    assert "alleen voor coördinatoren" in messenger.last(ANNA.id).text
    await chats.command(ANNA, f"/start trd-4w-{(await the_group(chats.bot)).code}")
    assert "alleen een coördinator" in messenger.last(ANNA.id).text
    await chats.press_data(ANNA, f"trd:{group_id}:4w")
    assert messenger.notices()[-1].startswith("Sorry, dit kan alleen een coördinator")
    assert photos(messenger, ANNA.id) == [] and photos(messenger, GROUP.id) == []


async def test_private_details_show_streets_and_waiting_signals(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    group_id = await seeded(chats)
    await chats.command(COR, "/trend")
    [post] = photos(messenger, COR.id)
    assert "Drukste straten" in post.text and "• Molenlaan: 2" in post.text
    assert "Wachten nog op opvolging</b>: 4 meldingen" in post.text
    assert "· Kerkstraat" in post.text and "Kerkstraat 12" not in post.text
    assert "Anna" not in post.text and "rode jas" not in post.text
    labels = [b.data for row in post.buttons for b in row]
    assert labels == [f"trd:{group_id}:4w", f"trd:{group_id}:3m", f"trd:{group_id}:12m"]
    await chats.press_data(COR, f"trd:{group_id}:3m")
    assert "de afgelopen 13 weken" in photos(messenger, COR.id)[-1].text
    assert "<b>5 meldingen</b>" in photos(messenger, COR.id)[-1].text


async def test_details_link_from_the_group_opens_the_private_view(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await seeded(chats)
    group = await the_group(chats.bot)
    await chats.command(COR, f"/start trd-12m-{group.code}")
    assert "de afgelopen 52 weken" in photos(messenger, COR.id)[-1].text
    await chats.command(COR, "/start trd-4w-doesnotexist")
    assert "niet (meer) geldig" in messenger.last(COR.id).text


async def test_role_is_checked_again_when_a_button_is_pressed(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    group_id = await seeded(chats)
    await chats.command(COR, "/trend")
    before = len(photos(messenger, COR.id))
    messenger.admins[GROUP.id] = []  # Cor is no longer an administrator ...
    chats.bot.services.roles.forget_administrators("test", GROUP.id)
    await chats.press_data(COR, f"trd:{group_id}:3m")
    assert messenger.notices()[-1].startswith("Sorry")
    assert len(photos(messenger, COR.id)) == before
    # ... but an appointed coordinator may.
    cor = await chats.bot.services.members.user_by_external("test", COR.id)
    assert cor is not None
    await chats.bot.services.members.set_role(group_id, cor.id, Role.COORDINATOR)
    await chats.press_data(COR, f"trd:{group_id}:3m")
    assert len(photos(messenger, COR.id)) == before + 1


@pytest.mark.parametrize(
    "data", ["trd:999:4w", "trd:abc:4w", "trd:1", "trd:1:4w:extra", "trd:1:banaan"]
)
async def test_forged_buttons_change_nothing(
    chats: Chats, messenger: RecordingMessenger, data: str
) -> None:
    await seeded(chats)
    await chats.press_data(COR, data)
    assert messenger.notices()[-1] == "Deze knop werkt niet (meer)."
    assert photos(messenger, COR.id) == []


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        ("banaan", "Die periode begrijp ik niet: <i>banaan</i>"),
        ("<b>x</b>", "Die periode begrijp ik niet: <i>&lt;b&gt;x&lt;/b&gt;</i>"),
        ("2026-02-30", "<i>2026-02-30</i> is geen bestaande datum"),
        ("2027-01-01 2027-02-01", "ligt nog helemaal in de toekomst"),
        ("2026-03-31 2026-01-01", "De einddatum ligt vóór de begindatum"),
        ("2020-01-01 2026-01-01", "Die periode is te lang"),
        ("2026-01-01 2026-01-31", "Geen meldingen in 1 jan t/m 31 jan 2026."),
    ],
)
async def test_bad_and_empty_periods_get_a_clear_answer(
    chats: Chats, messenger: RecordingMessenger, args: str, answer: str
) -> None:
    await seeded(chats)
    await chats.command(COR, f"/trend {args}", GROUP)
    assert answer in messenger.last(GROUP.id).text
    assert photos(messenger, GROUP.id) == []


async def test_empty_period_mentions_the_period_before(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await seeded(chats)
    await chats.command(COR, "/trend 2026-10-10 2026-11-01", GROUP)
    text = messenger.last(GROUP.id).text
    assert "Geen meldingen in 10 okt t/m 1 nov 2026." in text
    assert "In de 23 dagen daarvoor waren het er 1." in text


async def test_group_language_is_used_in_the_group(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    group_id = await seeded(chats)
    await chats.bot.services.groups.set_language(group_id, "en")
    await chats.command(COR, "/trend", GROUP)
    text = photos(messenger, GROUP.id)[-1].text
    assert "the last 4 weeks" in text and "<b>4 reports</b>" in text


async def test_coordinator_of_two_groups_chooses(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await seeded(chats)
    other = Chat("test", "-100777", ChatKind.GROUP, "Buurtapp <West> & Co")
    await chats.add_bot(other, by=COR, members=(COR, BOB))
    await chats.text(COR, "hoi", other)
    await chats.command(COR, "/trend 3m")
    choice = messenger.last(COR.id)
    assert choice.text == "Van welke groep wil je de trend zien?"
    assert [b.label for b in choice.buttons] == ["Buurtapp <West> & Co", "Buurtpreventie Oost"]
    await chats.press(COR, choice, "West")
    answer = messenger.last(COR.id).text
    assert "Buurtapp &lt;West&gt; &amp; Co" in answer and "de afgelopen 13 weken" in answer
    assert not any(isinstance(d.reply, Notice) and d.reply.alert for d in messenger.delivered)


async def test_follow_up_share_is_reported(chats: Chats, messenger: RecordingMessenger) -> None:
    group_id = await seeded(chats)
    await add_signal(chats.bot, group_id, NOW - timedelta(days=1), status=Status.AFGEHANDELD)
    await chats.command(COR, "/trend", GROUP)
    assert "20% kreeg opvolging van een partner (1 van 5)" in photos(messenger, GROUP.id)[-1].text
