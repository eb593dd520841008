"""A fake Telegram Bot API server on 127.0.0.1, speaking HTTP like the real one.

The real python-telegram-bot Application talks to it through ``base_url``. Tests play the
users (messages, button presses, membership changes) and inspect what the bot sent.
Errors can be injected per method (429 with retry_after, 403 after removal, migration).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 999_000
BOT_USERNAME = "buurt_test_bot"

# Parameters that are plain strings, never JSON, in PTB's form encoding.
_STRING_PARAMS = {
    "text",
    "caption",
    "callback_query_id",
    "parse_mode",
    "language_code",
    "photo",
    "url",
    "secret_token",
    "description",
}

Json = dict[str, Any]


@dataclass
class Failure:
    status: int
    description: str
    parameters: Json | None = None
    chat_id: int | None = None
    times: int = 1


@dataclass
class FakeBotAPI:
    token: str
    port: int = 0
    updates: list[Json] = field(default_factory=list)
    calls: list[tuple[str, Json]] = field(default_factory=list)
    sent: list[Json] = field(default_factory=list)  # every message the bot sent or edited, in order
    chats: dict[int, Json] = field(default_factory=dict)
    members: dict[int, set[int]] = field(default_factory=dict)
    admins: dict[int, list[int]] = field(default_factory=dict)
    users: dict[int, Json] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    kicked: set[int] = field(default_factory=set)
    migrated: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(5_000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.polls = 0

    # --- server ---------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = site._server  # the bound port when 0 was asked
        assert isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params: Json = {}
        if request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if not isinstance(value, str):
                    params[key] = "<upload>"
                elif key in _STRING_PARAMS:
                    params[key] = value
                else:
                    try:
                        params[key] = json.loads(value)
                    except ValueError:
                        params[key] = value
        self.calls.append((method, params))
        failure = self._failure(method, params)
        if failure is not None:
            body: Json = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            if failure.parameters:
                body["parameters"] = failure.parameters
            return web.json_response(body, status=failure.status)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return web.json_response({"ok": True, "result": True})
        result = await handler(params)
        async with self._changed:
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    def _failure(self, method: str, params: Json) -> Failure | None:
        chat_id = params.get("chat_id")
        if method.startswith(("send", "edit", "setMessageReaction")) and isinstance(chat_id, int):
            if chat_id in self.kicked:
                return Failure(403, "Forbidden: bot was kicked from the group chat")
            if chat_id in self.migrated:
                return Failure(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self.migrated[chat_id]},
                )
        queue = self.failures.get(method, [])
        for failure in queue:
            if failure.chat_id is None or failure.chat_id == chat_id:
                failure.times -= 1
                if failure.times <= 0:
                    queue.remove(failure)
                return failure
        return None

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        times: int = 1,
        parameters: Json | None = None,
        chat_id: int | None = None,
    ) -> None:
        self.failures.setdefault(method, []).append(
            Failure(status, description, parameters, chat_id, times)
        )

    # --- Bot API methods --------------------------------------------------------------------

    def bot_user(self) -> Json:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Buurtbot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": True,
        }

    async def api_getMe(self, _params: Json) -> Json:
        return self.bot_user()

    async def api_getUpdates(self, params: Json) -> list[Json]:
        self.polls += 1
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        deadline = time.monotonic() + timeout
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        async with self._changed:
            self._changed.notify_all()
            while not self.updates and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
        limit = int(params.get("limit") or 100)
        return self.updates[:limit]

    def _new_message(self, chat_id: int, **content: Any) -> Json:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "x"}),
            "from": self.bot_user(),
            **content,
        }
        self.sent.append(message)
        return message

    async def api_sendMessage(self, params: Json) -> Json:
        content: Json = {"text": params["text"]}
        if "reply_markup" in params:
            content["reply_markup"] = params["reply_markup"]
        return self._new_message(params["chat_id"], **content)

    async def api_sendPhoto(self, params: Json) -> Json:
        content: Json = {
            "photo": [
                {
                    "file_id": str(params.get("photo")),
                    "file_unique_id": "u1",
                    "width": 640,
                    "height": 480,
                }
            ],
        }
        if params.get("caption"):
            content["caption"] = params["caption"]
        if "reply_markup" in params:
            content["reply_markup"] = params["reply_markup"]
        return self._new_message(params["chat_id"], **content)

    async def api_editMessageText(self, params: Json) -> Json:
        chat_id, message_id = params["chat_id"], params["message_id"]
        original = next(
            (
                m
                for m in reversed(self.sent)
                if m["chat"]["id"] == chat_id and m["message_id"] == message_id
            ),
            None,
        )
        edited = dict(
            original
            or {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self.chats.get(chat_id, {"id": chat_id, "type": "private"}),
                "from": self.bot_user(),
            }
        )
        edited["text"] = params["text"]
        edited["edited"] = True
        edited.pop("reply_markup", None)
        if "reply_markup" in params:
            edited["reply_markup"] = params["reply_markup"]
        self.sent.append(edited)
        return edited

    async def api_getChatAdministrators(self, params: Json) -> list[Json]:
        chat_id = params["chat_id"]
        return [
            {
                "status": "administrator",
                "user": self.users[uid],
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
            for uid in self.admins.get(chat_id, [])
        ]

    async def api_getChatMember(self, params: Json) -> Json:
        chat_id, user_id = params["chat_id"], params["user_id"]
        user = self.users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "?"})
        status = "member" if user_id in self.members.get(chat_id, set()) else "left"
        return {"status": status, "user": user}

    # --- playing the users ------------------------------------------------------------------

    def user(self, user_id: int, first_name: str, language: str = "nl") -> Json:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language}
        self.users[user_id] = user
        self.chats.setdefault(user_id, {"id": user_id, "type": "private", "first_name": first_name})
        return user

    def group(self, chat_id: int, title: str, *, members: list[Json], kind: str = "group") -> Json:
        chat = {"id": chat_id, "type": kind, "title": title}
        self.chats[chat_id] = chat
        self.members[chat_id] = {m["id"] for m in members}
        return chat

    def _push(self, **update: Any) -> Json:
        update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def say(self, chat_id: int, user: Json, text: str, **extra: Any) -> Json:
        """A user writes ``text`` in a chat (commands get their bot_command entity)."""
        message: Json = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chats[chat_id],
            "from": user,
            "text": text,
            **extra,
        }
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        self._push(message=message)
        return message

    def edit(self, message: Json, text: str) -> Json:
        """The author edits one of their messages."""
        edited = {**message, "text": text, "edit_date": int(time.time())}
        self._push(edited_message=edited)
        return edited

    def send_location(self, chat_id: int, user: Json, latitude: float, longitude: float) -> Json:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chats[chat_id],
            "from": user,
            "location": {"latitude": latitude, "longitude": longitude},
        }
        self._push(message=message)
        return message

    def send_photo(self, chat_id: int, user: Json, file_id: str, caption: str = "") -> Json:
        message: Json = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chats[chat_id],
            "from": user,
            "photo": [
                {"file_id": file_id, "file_unique_id": file_id + "u", "width": 800, "height": 600}
            ],
        }
        if caption:
            message["caption"] = caption
        self._push(message=message)
        return message

    def press(self, user: Json, message: Json, data: str) -> Json:
        """The user presses a button with ``data`` on one of the bot's messages."""
        query = {
            "id": str(next(self._update_ids) + 10_000),
            "from": user,
            "chat_instance": "ci",
            "message": message,
            "data": data,
        }
        return self._push(callback_query=query)

    def press_label(self, user: Json, message: Json, label_part: str) -> Json:
        for row in message["reply_markup"]["inline_keyboard"]:
            for button in row:
                if label_part.lower() in button["text"].lower() and "callback_data" in button:
                    return self.press(user, message, button["callback_data"])
        raise AssertionError(f"no button containing {label_part!r} in {message.get('text')!r}")

    def membership(self, chat_id: int, by: Json, subject: Json, old: str, new: str) -> Json:
        member_update: Json = {
            "chat": self.chats[chat_id],
            "from": by,
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": subject},
            "new_chat_member": {"status": new, "user": subject},
        }
        if new == "kicked":
            member_update["new_chat_member"]["until_date"] = 0
        key = "my_chat_member" if subject["id"] == BOT_ID else "chat_member"
        return self._push(**{key: member_update})

    def add_bot(self, chat_id: int, by: Json) -> Json:
        return self.membership(chat_id, by, self.bot_user(), "left", "member")

    def remove_bot(self, chat_id: int, by: Json) -> Json:
        self.kicked.add(chat_id)
        return self.membership(chat_id, by, self.bot_user(), "member", "kicked")

    def migrate(self, chat_id: int, new_chat_id: int) -> Json:
        """The group becomes a supergroup: Telegram posts a service message in the old chat."""
        self.migrated[chat_id] = new_chat_id
        old = self.chats[chat_id]
        self.chats[new_chat_id] = {"id": new_chat_id, "type": "supergroup", "title": old["title"]}
        self.members[new_chat_id] = set(self.members.get(chat_id, set()))
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": old,
            "from": next(iter(self.users.values())),
            "migrate_to_chat_id": new_chat_id,
        }
        return self._push(message=message)

    # --- observing the bot ------------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[Json]:
        return [m for m in self.sent if m["chat"]["id"] == chat_id]

    def calls_to(self, method: str) -> list[Json]:
        return [params for name, params in self.calls if name == method]

    async def wait_for(self, predicate: Callable[[], Any], limit: float = 10.0) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked after every API call)."""
        deadline = time.monotonic() + limit
        async with self._changed:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError("timed out waiting for the bot")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    continue

    async def next_message(self, chat_id: int, containing: str = "", after: int = 0) -> Json:
        """The first message the bot sent to ``chat_id`` after ``after`` messages, with text."""

        def find() -> Json | None:
            for message in self.sent[after:]:
                text = message.get("text") or message.get("caption") or ""
                if message["chat"]["id"] == chat_id and containing in text:
                    return message
            return None

        found: Json = await self.wait_for(find)
        return found

    def idle(self) -> bool:
        """All queued updates were fetched."""
        return not self.updates
