"""End to end on Telegram: a coordinator plans a schouw in the private chat, members answer the
invitation in the group and the counts are edited in place."""

from __future__ import annotations

from tests.e2e.conftest import Telegram
from tests.e2e.test_telegram import GROUP_ID, setup_group, type_answer


async def test_schouw_invitation_counts_are_edited_in_place(telegram: Telegram) -> None:
    api = telegram.api
    _, anna, cor = await setup_group(telegram)
    sent_before = len(api.sent)
    api.say(GROUP_ID, cor, "/schouw")
    await api.next_message(cor["id"], "Op welke dag", after=sent_before)
    await api.next_message(GROUP_ID, "privégesprek", after=sent_before)
    await type_answer(telegram, cor, "morgen", "Hoe laat")
    await type_answer(telegram, cor, "20:00", "verzamelpunt")
    summary = await type_answer(telegram, cor, "Kerkplein", "Klopt dit?")
    sent_before = len(api.sent)
    api.press_label(cor, summary, "Plaatsen")
    post = await api.next_message(GROUP_ID, "Uitnodiging · Schouw", after=sent_before)
    assert "Ik kom: 0" in post["text"]

    sent_before = len(api.sent)
    api.press_label(anna, post, "Ik kom")
    edited = await api.next_message(GROUP_ID, "Ik kom: 1", after=sent_before)
    assert edited["edited"] and edited["message_id"] == post["message_id"]
    assert [b["text"] for b in edited["reply_markup"]["inline_keyboard"][0]] == [
        "Ik kom",
        "Misschien",
        "Nee",
    ]
    toast = api.calls_to("answerCallbackQuery")[-1]
    assert "Genoteerd" in toast.get("text", "")

    sent_before = len(api.sent)
    api.press_label(anna, post, "Nee")
    await api.next_message(GROUP_ID, "Ik kom: 0 · 🤔 Misschien: 0 · ❌ Nee: 1", after=sent_before)
