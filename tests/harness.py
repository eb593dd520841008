"""Drives the bot through the messenger-neutral interface, as a transport would.

``RecordingMessenger`` is a real implementation of the Messenger port that keeps what was
sent; ``Chats`` plays members in a group and in their private chats.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.app import BuurtBot
from bot.chat import (
    Button,
    Chat,
    ChatKind,
    ChatUnavailable,
    Delete,
    Edit,
    Incoming,
    Kind,
    Message,
    Notice,
    Reaction,
    Reply,
    Sender,
    Sent,
)


class Clock:
    """A controllable clock for the services."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 18, 14, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Delivered:
    chat_id: str
    reply: Reply
    message_id: str | None

    @property
    def text(self) -> str:
        return getattr(self.reply, "text", "")

    @property
    def buttons(self) -> list[Button]:
        return [b for row in getattr(self.reply, "buttons", ()) for b in row]

    def button(self, label_part: str) -> Button:
        for button in self.buttons:
            if label_part.lower() in button.label.lower():
                return button
        raise AssertionError(f"no button {label_part!r} in {[b.label for b in self.buttons]}")


@dataclass
class RecordingMessenger:
    name: str = "test"
    delivered: list[Delivered] = field(default_factory=list)
    admins: dict[str, list[str]] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)
    unavailable: set[str] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    async def send(self, chat_id: str, reply: Reply, *, button_id: str = "") -> Sent:
        if chat_id in self.unavailable and not isinstance(reply, Notice):
            raise ChatUnavailable(chat_id, "Forbidden: bot was kicked")
        message_id = None
        if isinstance(reply, Message):
            message_id = str(next(self._ids))
        elif isinstance(reply, Edit | Reaction | Delete):
            message_id = reply.message_id
        self.delivered.append(Delivered(chat_id, reply, message_id))
        return Sent(message_id=message_id, chat_id=chat_id)

    async def administrators(self, chat_id: str) -> list[str]:
        return list(self.admins.get(chat_id, []))

    async def is_member(self, chat_id: str, user_id: str) -> bool:
        return user_id in self.members.get(chat_id, set())

    def deep_link(self, payload: str) -> str | None:
        return f"https://t.me/test_bot?start={payload}"

    def to(self, chat_id: str) -> list[Delivered]:
        return [d for d in self.delivered if d.chat_id == chat_id]

    def messages_to(self, chat_id: str) -> list[Delivered]:
        return [d for d in self.to(chat_id) if isinstance(d.reply, Message)]

    def last(self, chat_id: str) -> Delivered:
        return self.messages_to(chat_id)[-1]

    def notices(self) -> list[str]:
        return [d.reply.text for d in self.delivered if isinstance(d.reply, Notice)]


GROUP = Chat("test", "-100123", ChatKind.GROUP, "Buurtpreventie Oost")
ANNA = Sender(id="11", name="Anna", language="nl")
BOB = Sender(id="12", name="Bob", language="en")
COR = Sender(id="13", name="Cor", language="nl")


def private(sender: Sender) -> Chat:
    return Chat("test", sender.id, ChatKind.PRIVATE, "")


@dataclass
class Chats:
    """Plays members of a group against a BuurtBot."""

    bot: BuurtBot
    messenger: RecordingMessenger
    clock: Clock
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, incoming: Incoming) -> None:
        await self.bot.handle(incoming, self.messenger)

    def _incoming(
        self, kind: Kind, chat: Chat, sender: Sender | None, **fields: object
    ) -> Incoming:
        fields.setdefault("message_id", str(next(self._ids)))
        return Incoming(kind=kind, chat=chat, sender=sender, sent_at=self.clock.now, **fields)  # type: ignore[arg-type]

    async def add_bot(
        self, chat: Chat = GROUP, by: Sender = COR, members: tuple[Sender, ...] = (ANNA, BOB, COR)
    ) -> None:
        self.messenger.members[chat.id] = {m.id for m in members}
        self.messenger.admins.setdefault(chat.id, [COR.id])
        await self.send(self._incoming(Kind.BOT_ADDED, chat, by))

    async def command(self, sender: Sender, text: str, chat: Chat | None = None) -> None:
        chat = chat or private(sender)
        head, _, args = text.lstrip("/").partition(" ")
        await self.send(
            self._incoming(Kind.COMMAND, chat, sender, command=head, args=args, text=text)
        )

    async def text(self, sender: Sender, text: str, chat: Chat | None = None) -> str:
        chat = chat or private(sender)
        incoming = self._incoming(Kind.TEXT, chat, sender, text=text)
        await self.send(incoming)
        return incoming.message_id or ""

    async def location(self, sender: Sender, lat: float, lon: float) -> None:
        await self.send(
            self._incoming(Kind.LOCATION, private(sender), sender, latitude=lat, longitude=lon)
        )

    async def photo(self, sender: Sender, ref: str, caption: str = "") -> None:
        await self.send(
            self._incoming(Kind.PHOTO, private(sender), sender, photo_ref=ref, text=caption)
        )

    async def press(self, sender: Sender, delivered: Delivered, label_part: str) -> None:
        button = delivered.button(label_part)
        assert button.data is not None
        await self.press_data(sender, button.data, delivered)

    async def press_data(
        self,
        sender: Sender,
        data: str,
        delivered: Delivered | None = None,
        chat: Chat | None = None,
    ) -> None:
        chat = chat or (
            private(sender) if delivered is None or delivered.chat_id == sender.id else GROUP
        )
        await self.send(
            self._incoming(
                Kind.BUTTON,
                chat,
                sender,
                data=data,
                button_id=f"q{next(self._ids)}",
                message_id=delivered.message_id if delivered else None,
            )
        )

    def last(self, sender_or_chat: Sender | Chat) -> Delivered:
        chat_id = sender_or_chat.id
        return self.messenger.last(chat_id)
