"""Messenger-neutral messages: what a transport hands in (Incoming) and sends out (Reply).

Reply text is a small HTML subset (<b>, <i>, <code>, <a href>); every piece of user input
placed in it must be escaped with ``html.escape``. Transports that cannot render HTML
(the terminal chat, later Signal) turn it into plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


class Kind(StrEnum):
    COMMAND = "command"
    TEXT = "text"
    EDITED = "edited"
    BUTTON = "button"
    LOCATION = "location"
    PHOTO = "photo"
    MEMBER_JOINED = "member_joined"
    MEMBER_LEFT = "member_left"
    BOT_ADDED = "bot_added"
    BOT_REMOVED = "bot_removed"
    CHAT_MIGRATED = "chat_migrated"
    ADMINS_CHANGED = "admins_changed"


@dataclass(frozen=True)
class Chat:
    messenger: str
    id: str
    kind: ChatKind
    title: str = ""


@dataclass(frozen=True)
class Sender:
    id: str
    name: str
    language: str | None = None
    is_bot: bool = False


@dataclass(frozen=True)
class Incoming:
    """One thing that happened in a chat, already decoded by the transport."""

    kind: Kind
    chat: Chat
    sender: Sender | None
    sent_at: datetime
    message_id: str | None = None
    text: str = ""
    command: str = ""  # without slash or @botname, lower case
    args: str = ""
    data: str = ""  # button data
    button_id: str = ""  # the transport's id for answering a button press
    latitude: float | None = None
    longitude: float | None = None
    photo_ref: str | None = None
    new_chat_id: str | None = None  # CHAT_MIGRATED
    reply_to_message_id: str | None = None
    reply_to_sender: Sender | None = None
    reply_to_text: str = ""
    members: tuple[Sender, ...] = ()  # MEMBER_JOINED / MEMBER_LEFT


@dataclass(frozen=True)
class Button:
    """An inline button: either ``data`` (routed by prefix, never by label) or ``url``."""

    label: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Message:
    """A new message. ``chat_id`` None means: the chat the incoming message came from."""

    text: str
    chat_id: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo_ref: str | None = None
    photo_png: bytes | None = None
    silent: bool = False
    reply_to_message_id: str | None = None


@dataclass(frozen=True)
class Edit:
    """Replace the text and buttons of a message sent earlier."""

    message_id: str
    text: str
    chat_id: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()


@dataclass(frozen=True)
class Reaction:
    """An emoji reaction on a message: an acknowledgement that does not clutter the chat.

    An empty ``emoji`` takes the bot's reaction away."""

    message_id: str
    emoji: str
    chat_id: str | None = None


@dataclass(frozen=True)
class Delete:
    """Remove a message the bot sent earlier (e.g. a question that was answered)."""

    message_id: str
    chat_id: str | None = None


@dataclass(frozen=True)
class Notice:
    """The short answer to a button press (a toast on Telegram)."""

    text: str = ""
    alert: bool = False


Reply = Message | Edit | Reaction | Delete | Notice


@dataclass
class Sent:
    """What a transport reports back after sending one Reply."""

    message_id: str | None = None
    chat_id: str | None = None


class ChatUnavailable(Exception):
    """The chat cannot be reached any more (bot removed or blocked, chat deleted)."""

    def __init__(self, chat_id: str, reason: str = "") -> None:
        super().__init__(f"chat {chat_id} unavailable: {reason}")
        self.chat_id = chat_id


class ChatMigrated(Exception):
    """The chat has a new id (Telegram group upgraded to a supergroup)."""

    def __init__(self, chat_id: str, new_chat_id: str) -> None:
        super().__init__(f"chat {chat_id} migrated to {new_chat_id}")
        self.chat_id = chat_id
        self.new_chat_id = new_chat_id


class Messenger(Protocol):
    """What the core needs from a transport."""

    name: str

    async def send(self, chat_id: str, reply: Reply, *, button_id: str = "") -> Sent:
        """Deliver one reply; raises ChatUnavailable or ChatMigrated."""
        ...

    async def administrators(self, chat_id: str) -> list[str]:
        """Ids of the chat's administrators (coordinators by default)."""
        ...

    async def is_member(self, chat_id: str, user_id: str) -> bool: ...

    def deep_link(self, payload: str) -> str | None:
        """A link that opens the private chat with the bot and sends ``/start payload``."""
        ...
