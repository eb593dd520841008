"""Partners: one-time codes (single use, expiry, hashed, forged), the list, and their view."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.chat import Message, Sender
from bot.insight_models import PartnerKind
from bot.settings import Settings
from tests.harness import ANNA, COR, GROUP, Chats, RecordingMessenger
from tests.insight.conftest import add_signal, setup_group, the_group

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
WIM = Sender(id="21", name="Wim", language="nl")  # the wijkagent
ZOE = Sender(id="22", name="Zoë", language="nl")
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


async def coordinator_ready(chats: Chats) -> int:
    chats.clock.now = NOW
    group = await setup_group(chats)
    await chats.text(COR, "hallo", GROUP)
    await chats.text(ANNA, "hoi", GROUP)
    return group.id


async def new_code(chats: Chats, messenger: RecordingMessenger, kind: str = "wijkagent") -> str:
    await chats.command(COR, f"/partnercode {kind}")
    found = CODE.search(messenger.last(COR.id).text)
    assert found, messenger.last(COR.id).text
    return found.group(0)


async def test_code_redeemed_once_in_the_private_chat(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    group_id = await coordinator_ready(chats)
    code = await new_code(chats, messenger)
    shown = messenger.last(COR.id).text
    assert "Partnercode voor Buurtpreventie Oost</b> (wijkagent)" in shown
    assert f"start=partner-{code.replace('-', '')}" in shown and "één keer" in shown

    await chats.command(WIM, f"/partner {code.lower()}")
    assert (
        "Je bent nu partner (wijkagent) van <b>Buurtpreventie Oost</b>"
        in messenger.last(WIM.id).text
    )
    assert "partner aan deze groep gekoppeld: wijkagent" in messenger.last(GROUP.id).text
    assert "Wim" not in messenger.last(GROUP.id).text
    [(group, kind)] = await chats.bot.services.partners.groups_of(await user_id(chats, WIM))
    assert group.id == group_id and kind == "wijkagent"

    await chats.command(ZOE, f"/partner {code}")
    assert "Die code ken ik niet, of hij is al gebruikt" in messenger.last(ZOE.id).text
    assert await chats.bot.services.partners.groups_of(await user_id(chats, ZOE)) == []


async def user_id(chats: Chats, sender: Sender) -> int:
    user = await chats.bot.services.members.user_by_external("test", sender.id)
    assert user is not None
    return user.id


async def test_deep_link_redeems_too(chats: Chats, messenger: RecordingMessenger) -> None:
    await coordinator_ready(chats)
    code = await new_code(chats, messenger, "gemeente")
    await chats.command(WIM, f"/start partner-{code.replace('-', '')}")
    assert "partner (gemeente)" in messenger.last(WIM.id).text


async def test_codes_expire(chats: Chats, messenger: RecordingMessenger) -> None:
    await coordinator_ready(chats)
    code = await new_code(chats, messenger)
    chats.clock.advance(hours=72, seconds=1)
    await chats.command(WIM, f"/partner {code}")
    assert "Deze code is verlopen" in messenger.last(WIM.id).text
    assert await chats.bot.services.partners.groups_of(await user_id(chats, WIM)) == []


async def test_codes_are_stored_only_as_a_hash(
    chats: Chats, messenger: RecordingMessenger, settings: Settings
) -> None:
    await coordinator_ready(chats)
    code = await new_code(chats, messenger)
    stored = b"".join(
        path.read_bytes() for path in (settings.db, Path(f"{settings.db}-wal")) if path.exists()
    )
    assert code.encode() not in stored and code.replace("-", "").encode() not in stored


@pytest.mark.parametrize("forged", ["AAAA-BBBB-CCCC", "ABCD-EFGH-JKL", "0000-1111-2222", "???"])
async def test_forged_codes_are_refused(
    chats: Chats, messenger: RecordingMessenger, forged: str
) -> None:
    await coordinator_ready(chats)
    await new_code(chats, messenger)
    await chats.command(WIM, f"/partner {forged}")
    assert "Die code ken ik niet" in messenger.last(WIM.id).text
    assert await chats.bot.services.partners.groups_of(await user_id(chats, WIM)) == []


async def test_guessing_is_slowed_down(chats: Chats, messenger: RecordingMessenger) -> None:
    await coordinator_ready(chats)
    code = await new_code(chats, messenger)
    for _ in range(5):
        await chats.command(WIM, "/partner AAAA-BBBB-CCCC")
    await chats.command(WIM, f"/partner {code}")
    assert "Te veel onjuiste codes" in messenger.last(WIM.id).text
    chats.clock.advance(minutes=61)
    await chats.command(WIM, f"/partner {code}")
    assert "Je bent nu partner" in messenger.last(WIM.id).text


async def test_already_a_partner_keeps_the_code_valid(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await coordinator_ready(chats)
    await chats.command(WIM, f"/partner {await new_code(chats, messenger)}")
    second = await new_code(chats, messenger, "handhaving")
    await chats.command(WIM, f"/partner {second}")
    assert "Je bent al partner van Buurtpreventie Oost" in messenger.last(WIM.id).text
    await chats.command(ZOE, f"/partner {second}")
    assert "partner (handhaving)" in messenger.last(ZOE.id).text


async def test_a_group_that_left_cannot_be_joined(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    group_id = await coordinator_ready(chats)
    code = await new_code(chats, messenger)
    await chats.bot.services.groups.deactivate(group_id, chats.clock.now)
    await chats.command(WIM, f"/partner {code}")
    assert "gebruikt buurtbot niet meer" in messenger.last(WIM.id).text


async def test_code_asked_in_the_group_is_never_shown_there(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    await coordinator_ready(chats)
    await chats.command(COR, "/partnercode wijkagent", GROUP)
    assert "in ons privégesprek gestuurd" in messenger.last(GROUP.id).text
    assert CODE.search(messenger.last(COR.id).text)
    assert not any(CODE.search(d.text) for d in messenger.to(GROUP.id))

    messenger.unavailable.add(COR.id)  # Cor never opened a private chat with the bot
    await chats.command(COR, "/partnercode wijkagent", GROUP)
    answer = messenger.last(GROUP.id)
    assert "Open eerst een privégesprek" in answer.text and answer.buttons[0].url
    assert not any(CODE.search(d.text) for d in messenger.to(GROUP.id))


async def test_kind_chosen_with_buttons_and_role_checked_on_press(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    group_id = await coordinator_ready(chats)
    await chats.command(COR, "/partnercode onzin")
    assert "Kies een soort partner" in messenger.last(COR.id).text
    await chats.command(COR, "/partnercode")
    question = messenger.last(COR.id)
    assert [b.data for b in question.buttons] == [
        f"ptn:k:{group_id}:wijkagent",
        f"ptn:k:{group_id}:gemeente",
        f"ptn:k:{group_id}:handhaving",
    ]
    await chats.press_data(ANNA, f"ptn:k:{group_id}:wijkagent")  # forged by a member
    assert messenger.notices()[-1].startswith("Sorry")
    assert await chats.bot.services.partners.open_codes(group_id, chats.clock.now) == 0
    for forged in (f"ptn:k:{group_id}:koning", "ptn:k:999:gemeente", "ptn:zz:1", "ptn"):
        await chats.press_data(COR, forged)
        assert messenger.notices()[-1] == "Deze knop werkt niet (meer).", forged
    await chats.press(COR, question, "Gemeente")
    assert "(gemeente)" in messenger.last(COR.id).text
    assert await chats.bot.services.partners.open_codes(group_id, chats.clock.now) == 1


async def test_members_cannot_make_codes(chats: Chats, messenger: RecordingMessenger) -> None:
    group_id = await coordinator_ready(chats)
    await chats.command(ANNA, "/partnercode wijkagent", GROUP)
    assert "alleen voor coördinatoren" in messenger.last(GROUP.id).text
    await chats.command(ANNA, "/partners")
    assert "alleen voor coördinatoren" in messenger.last(ANNA.id).text
    assert await chats.bot.services.partners.open_codes(group_id, chats.clock.now) == 0


async def test_partner_list_and_removal(chats: Chats, messenger: RecordingMessenger) -> None:
    group_id = await coordinator_ready(chats)
    await chats.command(WIM, f"/partner {await new_code(chats, messenger)}")
    await new_code(chats, messenger, "gemeente")  # still open
    await chats.command(COR, "/partners")
    listing = messenger.last(COR.id)
    assert "• wijkagent: Wim (sinds wo 18 nov 2026)" in listing.text
    assert "Openstaande codes: 1" in listing.text
    remove = listing.button("Wim")
    assert remove.data == f"ptn:rm:{group_id}:{await user_id(chats, WIM)}"

    await chats.press_data(ANNA, remove.data)
    assert messenger.notices()[-1].startswith("Sorry")
    assert await chats.bot.services.partners.is_partner(group_id, await user_id(chats, WIM))

    await chats.press(COR, listing, "Wim")
    assert messenger.notices()[-1] == "De partner is ontkoppeld."
    assert "Nog geen partners." in messenger.last(COR.id).text
    await chats.press(COR, listing, "Wim")
    assert messenger.notices()[-1] == "Deze knop hoort bij een eerdere vraag."

    await chats.command(WIM, "/partner")
    assert "Je bent (nog) geen partner" in messenger.last(WIM.id).text
    await chats.press_data(WIM, f"prt:{group_id}:4w")
    assert messenger.notices()[-1] == "Je bent geen partner (meer) van die groep."


async def test_partners_see_aggregates_never_identities(
    chats: Chats, messenger: RecordingMessenger
) -> None:
    group_id = await coordinator_ready(chats)
    anna = await user_id(chats, ANNA)
    for days, street in ((1, "Molenlaan 4"), (3, "Molenlaan 8"), (5, "Kerkstraat 2b")):
        await add_signal(
            chats.bot,
            group_id,
            NOW - timedelta(days=days),
            street=street,
            reporter_id=anna,
            description="Anna zag een man met een rode jas",
        )
    await chats.command(WIM, f"/partner {await new_code(chats, messenger)}")
    await chats.command(WIM, "/partner")
    view = messenger.last(WIM.id)
    assert isinstance(view.reply, Message) and view.reply.photo_png
    text = view.text
    assert "<b>3 meldingen</b>" in text and "• Molenlaan: 2" in text and "• Kerkstraat: 1" in text
    for secret in ("Anna", ANNA.id, "rode jas", "Molenlaan 4", "Kerkstraat 2b", "#", "Cor"):
        assert secret not in text, secret
    assert "Wachten nog op opvolging" not in text, "the per-signal list is for coordinators"
    assert [b.data for b in view.buttons] == [
        f"prt:{group_id}:4w",
        f"prt:{group_id}:3m",
        f"prt:{group_id}:12m",
    ]
    await chats.press(WIM, view, "12 maanden")
    assert "de afgelopen 52 weken" in messenger.last(WIM.id).text
    await chats.command(WIM, "/partner 2026-11-01 2026-11-18")
    assert "1 nov t/m 18 nov 2026" in messenger.last(WIM.id).text
    await chats.command(WIM, "/partner 2026-02-30")
    assert "geen bestaande datum" in messenger.last(WIM.id).text

    await chats.command(WIM, "/trend")  # partners are not coordinators
    assert "alleen voor coördinatoren" in messenger.last(WIM.id).text


async def test_partner_of_two_groups_chooses(chats: Chats, messenger: RecordingMessenger) -> None:
    group_id = await coordinator_ready(chats)
    await chats.command(WIM, f"/partner {await new_code(chats, messenger)}")
    other, _ = await chats.bot.services.groups.register("test", "-100555", "Noord", "nl", NOW)
    cor = await chats.bot.services.members.user_by_external("test", COR.id)
    assert cor is not None
    new = await chats.bot.services.partners.new_code(other, PartnerKind.WIJKAGENT, cor.id, NOW)
    await chats.command(WIM, f"/partner {new.code}")
    await chats.command(WIM, "/partner")
    choice = messenger.last(WIM.id)
    assert [b.data for b in choice.buttons] == [f"prt:{group_id}:4w", f"prt:{other.id}:4w"]
    group = await the_group(chats.bot)
    await chats.press(WIM, choice, group.title)
    assert "Trend · Buurtpreventie Oost" in messenger.last(WIM.id).text
