"""/instellingen: day, time, on/off and language of a group, by buttons, checked on each press."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.chat import Chat, ChatKind, Edit
from bot.insight_models import SummarySettings
from bot.summaries import JOB
from tests.harness import ANNA, COR, GROUP, Chats
from tests.insight.conftest import FakeScheduler, TroubledMessenger, setup_group, the_group

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)  # Wednesday


async def ready(chats: Chats, scheduler: FakeScheduler) -> int:
    chats.clock.now = NOW
    group = await setup_group(chats)
    await chats.text(COR, "hallo", GROUP)
    await chats.text(ANNA, "hoi", GROUP)
    chats.bot.schedule(scheduler, chats.messenger)
    await scheduler.run_until(NOW + timedelta(seconds=10))
    return group.id


def last_edit(messenger: TroubledMessenger) -> Edit:
    edits = [d.reply for d in messenger.delivered if isinstance(d.reply, Edit)]
    assert edits
    return edits[-1]


async def test_in_the_group_a_button_leads_to_the_private_chat(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    await ready(chats, scheduler)
    await chats.command(COR, "/instellingen", GROUP)
    answer = messenger.last(GROUP.id)
    group = await the_group(chats.bot)
    assert "privégesprek" in answer.text
    assert answer.buttons[0].url == f"https://t.me/test_bot?start=inst-{group.code}"
    await chats.command(COR, f"/start inst-{group.code}")
    assert (
        "Weekoverzicht in de groep: <b>aan</b>, elke zondag om 19:00" in messenger.last(COR.id).text
    )
    await chats.command(ANNA, f"/start inst-{group.code}")
    assert "alleen een coördinator" in messenger.last(ANNA.id).text
    await chats.command(ANNA, "/instellingen", GROUP)
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text


async def test_day_and_time_change_and_the_job_moves_at_once(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    group_id = await ready(chats, scheduler)
    assert scheduler.when(JOB) == datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
    await chats.command(COR, "/instellingen")
    panel = messenger.last(COR.id)
    await chats.press(COR, panel, "Dag")
    assert "Op welke dag" in last_edit(messenger).text
    await chats.press_data(COR, f"set:{group_id}:d:4", panel)  # vrijdag
    assert messenger.notices()[-1] == "Opgeslagen."
    assert "elke vrijdag om 19:00" in last_edit(messenger).text
    assert scheduler.when(JOB) == datetime(2026, 11, 20, 18, 0, tzinfo=UTC)

    await chats.press(COR, panel, "Tijd")
    assert "Kies het uur" in last_edit(messenger).text
    await chats.press_data(COR, f"set:{group_id}:h:8", panel)
    minutes = last_edit(messenger)
    assert [b.label for b in minutes.buttons[0]] == ["08:00", "08:15", "08:30", "08:45"]
    await chats.press_data(COR, f"set:{group_id}:m:{8 * 60 + 30}", panel)
    assert "elke vrijdag om 08:30" in last_edit(messenger).text
    assert scheduler.when(JOB) == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert await chats.bot.services.summaries.settings(group_id) == SummarySettings(True, 4, 510)

    await chats.press(COR, panel, "uitzetten")
    assert "Weekoverzicht in de groep: <b>uit</b>" in last_edit(messenger).text
    assert scheduler.when(JOB) is None
    await chats.press_data(COR, f"set:{group_id}:on", panel)
    assert scheduler.when(JOB) == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)


async def test_language_of_the_group(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    group_id = await ready(chats, scheduler)
    await chats.command(COR, "/instellingen")
    panel = messenger.last(COR.id)
    await chats.press(COR, panel, "Taal")
    await chats.press_data(COR, f"set:{group_id}:l:en", panel)
    assert "Taal van de groep: English" in last_edit(messenger).text
    assert (await the_group(chats.bot)).language == "en"
    await chats.command(COR, "/trend", GROUP)
    assert "the last 4 weeks" in messenger.last(GROUP.id).text


@pytest.mark.parametrize(
    "data",
    [
        "set:{id}:d:7",
        "set:{id}:d:x",
        "set:{id}:m:1440",
        "set:{id}:h:24",
        "set:{id}:l:fr",
        "set:{id}:zz",
    ],
)
async def test_invalid_values_change_nothing(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger, data: str
) -> None:
    group_id = await ready(chats, scheduler)
    await chats.press_data(COR, data.format(id=group_id))
    assert messenger.notices()[-1] == "Deze knop werkt niet (meer)."
    assert await chats.bot.services.summaries.settings(group_id) == SummarySettings()
    assert (await the_group(chats.bot)).language == "nl"


async def test_members_cannot_press_settings_buttons(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    group_id = await ready(chats, scheduler)
    for data in (f"set:{group_id}:off", f"set:{group_id}:d:1", f"set:{group_id}:l:en"):
        await chats.press_data(ANNA, data)
        assert messenger.notices()[-1].startswith("Sorry, dit kan alleen een coördinator")
    assert await chats.bot.services.summaries.settings(group_id) == SummarySettings()
    assert (await the_group(chats.bot)).language == "nl"
    await chats.press_data(ANNA, f"set:{group_id}:preview")
    assert messenger.summaries(ANNA.id) == []
    await chats.press_data(COR, "set:999:off")
    assert messenger.notices()[-1] == "Deze knop werkt niet (meer)."


async def test_preview_goes_to_the_private_chat_only(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    group_id = await ready(chats, scheduler)
    await chats.press_data(COR, f"set:{group_id}:preview")
    assert messenger.notices()[-1] == "Hier is een voorbeeld."
    assert len(messenger.summaries(COR.id)) == 1 and messenger.summaries() == []
    assert await chats.bot.services.summaries.repository.ledger(group_id) == []


async def test_coordinator_of_two_groups_chooses_for_settings_and_partners(
    chats: Chats, scheduler: FakeScheduler, messenger: TroubledMessenger
) -> None:
    group_id = await ready(chats, scheduler)
    other = Chat("test", "-100321", ChatKind.GROUP, "Buurtapp Noord")
    await chats.add_bot(other, by=COR, members=(COR,))
    await chats.text(COR, "hoi", other)
    other_id = (await the_group(chats.bot, other.id)).id

    await chats.command(COR, "/instellingen")
    choice = messenger.last(COR.id)
    assert [b.data for b in choice.buttons] == [f"set:{other_id}:panel", f"set:{group_id}:panel"]
    await chats.press(COR, choice, "Noord")
    assert "Instellingen · Buurtapp Noord" in last_edit(messenger).text

    await chats.command(COR, "/partners")
    choice = messenger.last(COR.id)
    assert [b.data for b in choice.buttons] == [f"ptn:l:{other_id}", f"ptn:l:{group_id}"]
    await chats.press(COR, choice, "Oost")
    assert "Partners van Buurtpreventie Oost" in messenger.last(COR.id).text
    await chats.press_data(ANNA, f"ptn:l:{group_id}")
    assert messenger.notices()[-1].startswith("Sorry")

    await chats.command(COR, "/partnercode gemeente")
    choice = messenger.last(COR.id)
    assert [b.data for b in choice.buttons] == [
        f"ptn:k:{other_id}:gemeente",
        f"ptn:k:{group_id}:gemeente",
    ]
    await chats.press(COR, choice, "Noord")
    assert "Partnercode voor Buurtapp Noord</b> (gemeente)" in messenger.last(COR.id).text
