"""A minimal Telegram update for the transport tests."""

from __future__ import annotations

from telegram import Chat, Message, Update, User


def text_update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "group")
    user = User(1, "Anna", False)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="x"))  # type: ignore[arg-type]
