"""/gemeente and /uitnodigingen: coordinators only, in the group, input checked."""

from __future__ import annotations

from tests.harness import ANNA, COR, GROUP, Chats, RecordingMessenger


async def test_gemeente_is_shown_set_and_normalised(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    await chats.command(COR, "/gemeente", GROUP)
    assert "nog geen gemeente" in messenger.last(GROUP.id).text
    await chats.command(COR, "/gemeente   bergen op   zoom ", GROUP)
    assert "Gemeente ingesteld: <b>Bergen op Zoom</b>" in messenger.last(GROUP.id).text
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    profile = await chats.bot.services.impact.profiles.get(group.id)
    assert (profile.region, profile.region_key) == ("Bergen op Zoom", "bergen op zoom")
    await chats.command(COR, "/gemeente", GROUP)
    assert "is <b>Bergen op Zoom</b>" in messenger.last(GROUP.id).text


async def test_gemeente_input_is_checked(chats: Chats, messenger: RecordingMessenger) -> None:
    await chats.add_bot()
    for bad in ("<script>", "1234", "landelijk"):
        await chats.command(COR, f"/gemeente {bad}", GROUP)
        assert "lijkt geen gemeentenaam" in messenger.last(GROUP.id).text, bad
    await chats.command(COR, "/gemeente " + "a" * 81, GROUP)
    assert "Dat is te lang: 81 tekens" in messenger.last(GROUP.id).text
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    assert (await chats.bot.services.impact.profiles.get(group.id)).region is None


async def test_group_settings_are_for_coordinators_in_the_group(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    for command in ("/gemeente Zaanstad", "/uitnodigingen 5"):
        await chats.command(ANNA, command, GROUP)
        assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text, command
        await chats.command(COR, command)
        assert "werkt in de buurtgroep zelf" in messenger.last(COR.id).text, command
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    profile = await chats.bot.services.impact.profiles.get(group.id)
    assert profile.region is None and profile.weekly_invitations is None


async def test_uitnodigingen_shows_and_checks_the_weekly_maximum(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await chats.add_bot()
    await chats.command(COR, "/uitnodigingen", GROUP)
    shown = messenger.last(GROUP.id).text
    assert "hoogstens <b>2</b>" in shown and "Impactniveau: 1" in shown
    for bad in ("15", "-1", "twee"):
        await chats.command(COR, f"/uitnodigingen {bad}", GROUP)
        assert "Geef een aantal van 0 tot en met 14" in messenger.last(GROUP.id).text, bad
    await chats.command(COR, "/uitnodigingen 4", GROUP)
    assert "Ingesteld: hoogstens <b>4</b>" in messenger.last(GROUP.id).text
