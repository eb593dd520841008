"""Terminal chat: the same handlers as on Telegram, in a local demo group.

Buttons are shown as numbered options and answered by number or by their text; what the
bot posts in a chat you are not looking at is shown under that chat's name. Lines starting
with ':' are instructions to the terminal itself (switch chat, act as someone else, ...).
Standard input may be piped, so a session can be scripted.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from bot.app import BuurtBot
from bot.chat import (
    Button,
    Chat,
    ChatKind,
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
from bot.jobs import AsyncIOJobs
from bot.summaries import send_now

MESSENGER = "console"
DEMO_GROUP = Chat(MESSENGER, "demo-groep", ChatKind.GROUP, "Buurtpreventie Demo-wijk")
DEMO_MEMBERS = {
    "lid": Sender(id="1001", name="Anna", language="nl"),
    "coordinator": Sender(id="1002", name="Cor", language="nl"),
}
_LINK = "buurtbot://start?"

_TAG = re.compile(r"<(/?)(b|i|u|s|code|pre|a)(\s[^>]*)?>")
_HREF = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


def to_plain(text: str, *, bold: bool = False) -> str:
    """The HTML subset of replies as terminal text."""
    text = _HREF.sub(lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})", text)
    if bold:
        text = re.sub(r"<b>(.*?)</b>", "\033[1m\\1\033[0m", text, flags=re.S)
    return html.unescape(_TAG.sub("", text))


@dataclass
class _Shown:
    chat_id: str
    text: str
    buttons: tuple[tuple[Button, ...], ...]


@dataclass
class ConsoleMessenger:
    """The core's Messenger port, printing to a terminal."""

    out: TextIO
    color: bool = False
    name: str = MESSENGER
    looking_at: str = DEMO_GROUP.id
    messages: dict[str, _Shown] = field(default_factory=dict)
    _next_id: int = 1

    def new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def chat_label(self, chat_id: str) -> str:
        if chat_id == DEMO_GROUP.id:
            return f"{DEMO_GROUP.title} · groep"
        names = {s.id: s.name for s in DEMO_MEMBERS.values()}
        return f"privé met {names.get(chat_id, chat_id)}"

    def _print(self, chat_id: str, text: str) -> None:
        if chat_id != self.looking_at:
            self.out.write(f"  ── in {self.chat_label(chat_id)} ──\n")
        for line in text.splitlines() or [""]:
            self.out.write(f"  {line}\n")
        self.out.flush()

    def _render(self, text: str, buttons: tuple[tuple[Button, ...], ...]) -> str:
        lines = [f"🤖 {to_plain(text, bold=self.color)}"]
        number = 0
        for row in buttons:
            cells = []
            for button in row:
                number += 1
                cells.append(f"[{number}] {to_plain(button.label)}")
            lines.append("   " + "   ".join(cells))
        return "\n".join(lines)

    async def send(self, chat_id: str, reply: Reply, *, button_id: str = "") -> Sent:
        if isinstance(reply, Notice):
            if reply.text:
                self._print(self.looking_at, f"ⓘ {to_plain(reply.text)}")
            return Sent()
        if isinstance(reply, Reaction):
            what = f"reageert met {reply.emoji}" if reply.emoji else "haalt zijn reactie weg"
            self._print(chat_id, f"(buurtbot {what} op bericht {reply.message_id})")
            return Sent(chat_id=chat_id)
        if isinstance(reply, Delete):
            self.messages.pop(reply.message_id, None)
            self._print(chat_id, f"(buurtbot verwijdert bericht {reply.message_id})")
            return Sent(chat_id=chat_id)
        if isinstance(reply, Edit):
            self.messages[reply.message_id] = _Shown(chat_id, reply.text, reply.buttons)
            self._print(chat_id, "(bewerkt) " + self._render(reply.text, reply.buttons))
            return Sent(message_id=reply.message_id, chat_id=chat_id)
        assert isinstance(reply, Message)
        message_id = self.new_id()
        self.messages[message_id] = _Shown(chat_id, reply.text, reply.buttons)
        photo = "[foto] " if reply.photo_ref or reply.photo_png else ""
        self._print(chat_id, photo + self._render(reply.text, reply.buttons))
        return Sent(message_id=message_id, chat_id=chat_id)

    async def administrators(self, chat_id: str) -> list[str]:
        return [DEMO_MEMBERS["coordinator"].id] if chat_id == DEMO_GROUP.id else []

    async def is_member(self, chat_id: str, user_id: str) -> bool:
        return chat_id == DEMO_GROUP.id and user_id in {s.id for s in DEMO_MEMBERS.values()}

    def deep_link(self, payload: str) -> str | None:
        return _LINK + payload

    def last_buttons(self, chat_id: str) -> tuple[str, list[Button]] | None:
        """The newest message with buttons in this chat, and its buttons in number order."""
        for message_id in sorted(self.messages, key=int, reverse=True):
            shown = self.messages[message_id]
            if shown.chat_id == chat_id and shown.buttons:
                return message_id, [button for row in shown.buttons for button in row]
        return None


HELP = """Terminal-chat van buurtbot. Je zit in de demo-groep als lid Anna.
  :groep            naar de groepschat          :prive        naar je privégesprek met buurtbot
  :lid              doe je voor als lid Anna    :coordinator  doe je voor als coördinator Cor
  :locatie LAT LON  deel een locatie            :foto [tekst] stuur een foto (met bijschrift)
  :reageer [NR] tekst  antwoord op bericht NR (zonder NR: het laatste van een ander),
                    bijv. ':reageer /correctie overlast geluid' als coördinator
  :bewerk [NR] tekst   bewerk je bericht NR (zonder NR: je laatste)
  :samenvatting     het weekoverzicht van de demo-groep nu meteen
  :uitnodigingen    verstuur nu wat klaarstaat: uitnodigingen, herinneringen, schouw-checklists
  :help             deze uitleg                 :stop         afsluiten
Knoppen kies je met hun nummer of hun tekst; /commando's werken zoals in Telegram."""


@dataclass
class ConsoleChat:
    """The interactive loop around a BuurtBot."""

    buurtbot: BuurtBot
    messenger: ConsoleMessenger
    as_member: str = "lid"
    in_group: bool = True
    _ids: int = 10_000
    # What members typed, by message number: (chat, sender, text), for replies and edits.
    _said: dict[str, tuple[str, Sender, str]] = field(default_factory=dict)

    @property
    def sender(self) -> Sender:
        return DEMO_MEMBERS[self.as_member]

    @property
    def chat(self) -> Chat:
        if self.in_group:
            return DEMO_GROUP
        return Chat(MESSENGER, self.sender.id, ChatKind.PRIVATE, "")

    def prompt(self) -> str:
        role = "coördinator" if self.as_member == "coordinator" else "lid"
        return f"[{self.messenger.chat_label(self.chat.id)}] {self.sender.name} ({role})> "

    def _look(self) -> None:
        self.messenger.looking_at = self.chat.id

    async def _deliver(self, kind: Kind, **fields: object) -> None:
        self._ids += 1
        fields.setdefault("message_id", str(self._ids))
        if kind in (Kind.TEXT, Kind.COMMAND):
            self._said[str(fields["message_id"])] = (self.chat.id, self.sender, str(fields["text"]))
        incoming = Incoming(
            kind=kind,
            chat=self.chat,
            sender=self.sender,
            sent_at=datetime.now(UTC),
            **fields,  # type: ignore[arg-type]
        )
        await self.buurtbot.handle(incoming, self.messenger)

    async def start(self) -> None:
        """Make sure the demo group exists, as if the bot had just been added to it."""
        services = self.buurtbot.services
        group = await services.groups.by_chat(MESSENGER, DEMO_GROUP.id)
        if group is None or not group.active:
            await self.buurtbot.handle(
                Incoming(Kind.BOT_ADDED, DEMO_GROUP, self.sender, datetime.now(UTC)),
                self.messenger,
            )
        for member in DEMO_MEMBERS.values():
            refreshed = await services.groups.by_chat(MESSENGER, DEMO_GROUP.id)
            assert refreshed is not None
            await services.people.seen(MESSENGER, member, services.now(), refreshed.id)

    async def line(self, text: str) -> bool:
        """Handle one typed line; False when the user wants to stop."""
        text = text.strip()
        self._look()
        if not text:
            return True
        if text.startswith(":"):
            return await self._instruction(text[1:])
        chosen = self._button(text)
        if chosen is not None:
            message_id, button = chosen
            if button.url and button.url.startswith(_LINK):
                self.in_group = False
                self._look()
                self.messenger.out.write(f"  (naar {self.messenger.chat_label(self.chat.id)})\n")
                payload = button.url.removeprefix(_LINK)
                await self._deliver(
                    Kind.COMMAND, command="start", args=payload, text=f"/start {payload}"
                )
            elif button.data:
                await self._deliver(
                    Kind.BUTTON, data=button.data, button_id=f"b{self._ids}", message_id=message_id
                )
            return True
        if text.startswith("/"):
            head, _, args = text[1:].partition(" ")
            await self._deliver(
                Kind.COMMAND, command=head.split("@")[0].lower(), args=args, text=text
            )
        else:
            await self._deliver(Kind.TEXT, text=text)
        return True

    def _button(self, text: str) -> tuple[str, Button] | None:
        last = self.messenger.last_buttons(self.chat.id)
        if last is None:
            return None
        message_id, buttons = last
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            return message_id, buttons[int(text) - 1]
        for button in buttons:
            if to_plain(button.label).strip().casefold() == text.casefold():
                return message_id, button
        return None

    async def _summary_now(self) -> None:
        """Post the demo group's weekly summary now (a demonstration: the schedule is kept)."""
        services = self.buurtbot.services
        group = await services.groups.by_chat(MESSENGER, DEMO_GROUP.id)
        if group is None or not group.active:
            self.messenger.out.write("  (de demo-groep is niet actief)\n")
            return
        await send_now(services, self.messenger, group)

    def _pick(self, rest: str, *, own: bool) -> tuple[str, str] | None:
        """(message number, remaining text) from ':reageer 10003 tekst' or ':reageer tekst'."""
        head, _, tail = rest.strip().partition(" ")
        if head.isdigit() and head in self._said:
            return head, tail
        candidates = [
            number
            for number, (chat_id, sender, _) in self._said.items()
            if chat_id == self.chat.id and (sender.id == self.sender.id) == own
        ]
        return (candidates[-1], rest.strip()) if candidates else None

    async def _reply(self, rest: str) -> None:
        picked = self._pick(rest, own=False)
        if picked is None or not picked[1]:
            self.messenger.out.write("  gebruik: :reageer [bericht-nr] tekst\n")
            return
        number, text = picked
        _, sender, original = self._said[number]
        reply = {
            "reply_to_message_id": number,
            "reply_to_sender": sender,
            "reply_to_text": original,
        }
        if text.startswith("/"):
            head, _, args = text[1:].partition(" ")
            await self._deliver(Kind.COMMAND, command=head.lower(), args=args, text=text, **reply)
        else:
            await self._deliver(Kind.TEXT, text=text, **reply)

    async def _edit(self, rest: str) -> None:
        picked = self._pick(rest, own=True)
        if picked is None or not picked[1]:
            self.messenger.out.write("  gebruik: :bewerk [bericht-nr] nieuwe tekst\n")
            return
        number, text = picked
        chat_id, sender, _ = self._said[number]
        self._said[number] = (chat_id, sender, text)
        await self._deliver(Kind.EDITED, text=text, message_id=number)

    async def _instruction(self, text: str) -> bool:
        word, _, rest = text.partition(" ")
        word = word.lower()
        out = self.messenger.out
        if word in ("stop", "quit", "exit"):
            return False
        if word in ("groep", "g"):
            self.in_group = True
        elif word in ("prive", "privé", "p"):
            self.in_group = False
        elif word == "lid":
            self.as_member = "lid"
        elif word in ("coordinator", "coördinator", "c"):
            self.as_member = "coordinator"
        elif word == "locatie":
            try:
                lat, lon = (float(part.replace(",", ".")) for part in rest.split())
            except ValueError:
                out.write("  gebruik: :locatie 52.37 4.89\n")
                return True
            await self._deliver(Kind.LOCATION, latitude=lat, longitude=lon)
            return True
        elif word == "foto":
            await self._deliver(Kind.PHOTO, photo_ref=f"console-foto-{self._ids}", text=rest)
            return True
        elif word in ("reageer", "antwoord"):
            await self._reply(rest)
            return True
        elif word in ("bewerk", "wijzig"):
            await self._edit(rest)
            return True
        elif word in ("samenvatting", "weekoverzicht"):
            await self._summary_now()
            return True
        elif word in ("uitnodigingen", "uitnodiging"):
            done = await self.buurtbot.invitations_now(self.messenger)
            out.write(
                f"  ({done.get('invitations', 0)} uitnodiging(en), "
                f"{done.get('reminders', 0)} herinnering(en), "
                f"{done.get('checklists', 0)} schouw-checklist(s) verstuurd)\n"
            )
            return True
        else:
            out.write(HELP + "\n")
            return True
        self._look()
        out.write(f"  (nu: {self.prompt().rstrip('> ')})\n")
        return True


async def run_console(
    buurtbot: BuurtBot, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> None:
    """Run the terminal chat until ':stop' or end of input."""
    interactive = stdin.isatty()
    messenger = ConsoleMessenger(out=out, color=interactive and out.isatty())
    chat = ConsoleChat(buurtbot, messenger)
    jobs = AsyncIOJobs(buurtbot.services.settings.timezone)
    buurtbot.schedule(jobs, messenger)
    jobs.start()
    loop = asyncio.get_running_loop()
    try:
        out.write(HELP + "\n\n")
        await chat.start()
        while True:
            if interactive:
                out.write(chat.prompt())
                out.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                break
            if not interactive:
                out.write(f"{chat.prompt()}{line.rstrip()}\n")
            if not await chat.line(line):
                break
    finally:
        jobs.shutdown()
