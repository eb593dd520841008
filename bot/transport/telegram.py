"""Telegram transport: python-telegram-bot's Application <-> Incoming / Reply.

The only module that imports ``telegram``. The Application is built here, in one place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    ChatMember,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReactionTypeEmoji,
    Update,
    User,
)
from telegram import Message as TgMessage
from telegram.constants import ChatType, MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.error import ChatMigrated as TgChatMigrated
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackContext,
    ContextTypes,
    Defaults,
    JobQueue,
    TypeHandler,
)
from telegram.request import HTTPXRequest, RequestData

from bot.app import BuurtBot
from bot.chat import (
    Button,
    Chat,
    ChatKind,
    ChatMigrated,
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
from bot.jobs import ONE_SHOT_GRACE, Job, run_logged
from bot.settings import Settings

log = logging.getLogger(__name__)

MESSENGER = "telegram"

# Exactly the updates the bot handles; everything else is not even delivered.
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.CHAT_MEMBER,
]

_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}
_ADMIN = {ChatMember.ADMINISTRATOR, ChatMember.OWNER}


# --- incoming -------------------------------------------------------------------------------


def _sender(user: User | None) -> Sender | None:
    if user is None:
        return None
    # Only the first name: it is all a report or a welcome needs.
    return Sender(
        id=str(user.id), name=user.first_name or "", language=user.language_code, is_bot=user.is_bot
    )


def _chat(tg_chat: Any) -> Chat | None:
    if tg_chat.type == ChatType.PRIVATE:
        kind = ChatKind.PRIVATE
    elif tg_chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        kind = ChatKind.GROUP
    else:
        return None  # channels are not served
    return Chat(MESSENGER, str(tg_chat.id), kind, tg_chat.title or "")


def _is_present(member: ChatMember) -> bool:
    return member.status in _PRESENT and getattr(member, "is_member", True)


def _member_change(update: ChatMemberUpdated, bot_id: int) -> Kind | None:
    was, now = _is_present(update.old_chat_member), _is_present(update.new_chat_member)
    about_bot = update.new_chat_member.user.id == bot_id
    if not was and now:
        return Kind.BOT_ADDED if about_bot else Kind.MEMBER_JOINED
    if was and not now:
        return Kind.BOT_REMOVED if about_bot else Kind.MEMBER_LEFT
    was_admin = update.old_chat_member.status in _ADMIN
    if was_admin != (update.new_chat_member.status in _ADMIN):
        return Kind.ADMINS_CHANGED
    return None


def _command(message: TgMessage, username: str) -> tuple[str, str] | None:
    """('melding', 'args') for '/melding@ourbot args'; None when addressed to another bot."""
    text = message.text or ""
    head, _, args = text.partition(" ")
    name, _, target = head[1:].partition("@")
    if target and target.lower() != username.lower():
        return None
    return name.lower(), args.strip()


def _message_kind(
    message: TgMessage, bot: User, username: str
) -> tuple[Kind, dict[str, Any]] | None:
    if message.migrate_to_chat_id:
        return Kind.CHAT_MIGRATED, {"new_chat_id": str(message.migrate_to_chat_id)}
    if message.new_chat_members:
        if any(user.id == bot.id for user in message.new_chat_members):
            return Kind.BOT_ADDED, {}
        members = tuple(s for s in map(_sender, message.new_chat_members) if s)
        return Kind.MEMBER_JOINED, {"members": members}
    if message.left_chat_member:
        if message.left_chat_member.id == bot.id:
            return Kind.BOT_REMOVED, {}
        left = _sender(message.left_chat_member)
        return Kind.MEMBER_LEFT, {"members": (left,) if left else ()}
    if message.group_chat_created or message.supergroup_chat_created:
        return Kind.BOT_ADDED, {}
    if message.location:
        loc = message.location
        return Kind.LOCATION, {"latitude": loc.latitude, "longitude": loc.longitude}
    if message.photo:
        return Kind.PHOTO, {"photo_ref": message.photo[-1].file_id, "text": message.caption or ""}
    if message.text is None:
        return None
    entities = message.entities or ()
    if entities and entities[0].type == "bot_command" and entities[0].offset == 0:
        parsed = _command(message, username)
        if parsed is None:
            return None
        return Kind.COMMAND, {"command": parsed[0], "args": parsed[1], "text": message.text}
    return Kind.TEXT, {"text": message.text}


def to_incoming(update: Update, bot: User, username: str) -> Incoming | None:
    """Decode one update; None for what the bot does not handle."""
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        if message is None or not isinstance(message, TgMessage):
            return None
        chat = _chat(message.chat)
        if chat is None:
            return None
        return Incoming(
            kind=Kind.BUTTON,
            chat=chat,
            sender=_sender(query.from_user),
            sent_at=datetime.now(UTC),
            message_id=str(message.message_id),
            data=query.data or "",
            button_id=query.id,
        )
    member_update = update.my_chat_member or update.chat_member
    if member_update is not None:
        chat = _chat(member_update.chat)
        kind = _member_change(member_update, bot.id)
        if chat is None or kind is None:
            return None
        person = _sender(member_update.new_chat_member.user)
        return Incoming(
            kind=kind,
            chat=chat,
            sender=_sender(member_update.from_user),
            sent_at=member_update.date,
            members=(person,) if person else (),
        )
    message = update.message or update.edited_message
    if message is None:
        return None
    chat = _chat(message.chat)
    if chat is None:
        return None
    decoded = _message_kind(message, bot, username)
    if decoded is None:
        return None
    kind, fields = decoded
    if update.edited_message is not None:
        if kind is not Kind.TEXT:
            return None
        kind = Kind.EDITED
    reply_to = message.reply_to_message
    return Incoming(
        kind=kind,
        chat=chat,
        sender=_sender(message.from_user),
        sent_at=message.edit_date or message.date,
        message_id=str(message.message_id),
        reply_to_message_id=str(reply_to.message_id) if reply_to else None,
        reply_to_sender=_sender(reply_to.from_user) if reply_to else None,
        reply_to_text=(reply_to.text or reply_to.caption or "") if reply_to else "",
        **fields,
    )


# --- outgoing -------------------------------------------------------------------------------


def _markup(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.data)
                for b in row
            ]
            for row in buttons
        ]
    )


class TelegramMessenger:
    """The core's Messenger port on top of a PTB Bot."""

    name = MESSENGER

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: str, reply: Reply, *, button_id: str = "") -> Sent:
        try:
            return await self._send(chat_id, reply, button_id)
        except TgChatMigrated as exc:
            raise ChatMigrated(chat_id, str(exc.new_chat_id)) from exc
        except Forbidden as exc:
            raise ChatUnavailable(chat_id, exc.message) from exc
        except BadRequest as exc:
            text = exc.message.lower()
            if "chat not found" in text or "group chat was deactivated" in text:
                raise ChatUnavailable(chat_id, exc.message) from exc
            if (
                "message is not modified" in text
                or "query is too old" in text
                or "message to delete not found" in text
                or "message can't be deleted" in text
            ):
                return Sent(chat_id=chat_id)
            raise

    async def _send(self, chat_id: str, reply: Reply, button_id: str) -> Sent:
        bot = self.bot
        if isinstance(reply, Notice):
            if button_id:
                await bot.answer_callback_query(button_id, reply.text or None, reply.alert)
            return Sent()
        if isinstance(reply, Reaction):
            reaction = ReactionTypeEmoji(reply.emoji) if reply.emoji else None
            await bot.set_message_reaction(chat_id, int(reply.message_id), reaction)
            return Sent(chat_id=chat_id)
        if isinstance(reply, Delete):
            await bot.delete_message(chat_id, int(reply.message_id))
            return Sent(chat_id=chat_id)
        if isinstance(reply, Edit):
            await bot.edit_message_text(
                reply.text, chat_id, int(reply.message_id), reply_markup=_markup(reply.buttons)
            )
            return Sent(message_id=reply.message_id, chat_id=chat_id)
        return await self._send_message(chat_id, reply)

    async def _send_message(self, chat_id: str, reply: Message) -> Sent:
        markup = _markup(reply.buttons)
        reply_to = int(reply.reply_to_message_id) if reply.reply_to_message_id else None
        photo = reply.photo_png or reply.photo_ref
        if photo is not None:
            fits = len(reply.text) <= MessageLimit.CAPTION_LENGTH
            sent = await self.bot.send_photo(
                chat_id,
                photo,
                caption=reply.text if fits else None,
                reply_markup=markup if fits else None,
                disable_notification=reply.silent,
                reply_to_message_id=reply_to,
            )
            if fits or not reply.text:
                return Sent(message_id=str(sent.message_id), chat_id=chat_id)
        sent = await self.bot.send_message(
            chat_id,
            reply.text,
            reply_markup=markup,
            disable_notification=reply.silent,
            reply_to_message_id=reply_to,
        )
        return Sent(message_id=str(sent.message_id), chat_id=chat_id)

    async def administrators(self, chat_id: str) -> list[str]:
        admins = await self.bot.get_chat_administrators(chat_id)
        return [str(admin.user.id) for admin in admins if not admin.user.is_bot]

    async def is_member(self, chat_id: str, user_id: str) -> bool:
        try:
            member = await self.bot.get_chat_member(chat_id, int(user_id))
        except TelegramError:
            return False
        return _is_present(member)

    def deep_link(self, payload: str) -> str | None:
        return f"https://t.me/{self.bot.username}?start={payload}"


# --- application ----------------------------------------------------------------------------


# The update this task handles, as converted by the processor's prepare step.
_converted: ContextVar[tuple[int, Incoming | None] | None] = ContextVar(
    "buurtbot_converted_update", default=None
)


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Many updates at once, but those of one chat strictly in arrival order.

    At most ``max_concurrent_updates`` are being handled; an update waiting for its chat's turn
    does not take one of those slots, so a busy group cannot hold up private chats. PTB's own
    limit (``max_waiting``) only bounds how many updates may wait. ``prepare`` sees every update
    on arrival, before any waiting, in the task that will handle it (the bot starts classifying
    group messages there).
    """

    def __init__(
        self,
        max_concurrent_updates: int,
        prepare: Callable[[object], None] | None = None,
        max_waiting: int = 4096,
    ) -> None:
        super().__init__(max(max_waiting, max_concurrent_updates))
        self.prepare = prepare
        self._handling = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._chats: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self.prepare is not None:
            try:
                self.prepare(update)
            except Exception:  # preparing is an optimisation: the update is handled anyway
                log.exception("preparing update failed")
        key = _chat_key(update)
        if key is None:
            async with self._handling:
                await coroutine
            return
        lock, waiting = self._chats.setdefault(key, (asyncio.Lock(), [0]))
        waiting[0] += 1
        try:
            async with lock, self._handling:
                await coroutine
        finally:
            waiting[0] -= 1
            if waiting[0] == 0:
                self._chats.pop(key, None)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


class UpdateQueue(asyncio.Queue[object]):
    """The Application's update queue, counting the updates the bot has in hand: put here by
    long polling (or the webhook) and not yet reported done by the Application
    (``task_done``), so queued, waiting for their chat's turn or being handled."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.in_hand = 0
        self._room = asyncio.Event()
        self._room.set()

    def put_nowait(self, item: object) -> None:
        super().put_nowait(item)  # also how put() adds
        self.in_hand += 1

    def task_done(self) -> None:
        super().task_done()
        self.in_hand -= 1
        if self.in_hand < self.limit:
            self._room.set()

    async def room(self) -> None:
        """Return once fewer than ``limit`` updates are in hand."""
        while self.in_hand >= self.limit:
            self._room.clear()
            await self._room.wait()


class PollingRequest(HTTPXRequest):
    """getUpdates with flow control: a long poll waits until the bot has room for more.

    While ``queue.limit`` updates are in hand the bot asks Telegram for no more, so a backlog
    waits there, in order, instead of in memory, and a busy bot fetches it in a few large
    answers rather than many small ones (each call costs about as much as handling an
    update). Below the limit nothing changes. Only the wait before asking is added: a batch
    that has arrived goes into the queue at once, so PTB confirms it exactly as before.
    The connection pool of one is what ``ApplicationBuilder`` gives getUpdates by default.
    """

    def __init__(self, queue: UpdateQueue) -> None:
        super().__init__(connection_pool_size=1)
        self.queue = queue

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **timeouts: Any,
    ) -> tuple[int, bytes]:
        if request_data is not None and _is_long_poll(request_data.parameters):
            await self.queue.room()  # not the final confirming call at stop (timeout 0)
        return await super().do_request(url, method, request_data, *args, **timeouts)


def _is_long_poll(parameters: dict[str, Any]) -> bool:
    timeout = parameters.get("timeout")
    return isinstance(timeout, int | float) and timeout > 0


_Builder = TypeVar("_Builder", bound=ApplicationBuilder[Any, Any, Any, Any, Any, Any])


def with_flow_control(builder: _Builder, limit: int) -> _Builder:
    """``builder`` with an ``UpdateQueue`` of ``limit`` and the ``PollingRequest`` that
    watches it (the benchmark's echo bot gets the same)."""
    queue = UpdateQueue(limit)
    return builder.update_queue(queue).get_updates_request(PollingRequest(queue))


class JobQueueScheduler:
    """bot.jobs.Scheduler on PTB's JobQueue."""

    def __init__(self, job_queue: JobQueue[Any]) -> None:
        self.job_queue = job_queue

    def every(self, interval: timedelta, job: Job, name: str, first: timedelta) -> None:
        async def callback(_context: CallbackContext[Any, Any, Any, Any]) -> None:
            await run_logged(name, job)

        self.job_queue.run_repeating(
            callback,
            interval=interval,
            first=first,
            name=name,
            job_kwargs={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )

    def at(self, when: datetime, job: Job, name: str) -> None:
        async def callback(_context: CallbackContext[Any, Any, Any, Any]) -> None:
            await run_logged(name, job)

        self.cancel(name)
        self.job_queue.run_once(
            callback,
            when=when,
            name=name,
            job_kwargs={"misfire_grace_time": int(ONE_SHOT_GRACE.total_seconds())},
        )

    def cancel(self, name: str) -> None:
        for pending in self.job_queue.get_jobs_by_name(name):
            pending.schedule_removal()


async def set_command_menus(bot: Bot, buurtbot: BuurtBot) -> None:
    """Member commands everywhere; coordinator commands only for chat administrators."""
    for language in buurtbot.languages:
        members = [BotCommand(n, d) for n, d in buurtbot.menu(language, coordinator=False)]
        coordinators = [BotCommand(n, d) for n, d in buurtbot.menu(language, coordinator=True)]
        code = None if language == buurtbot.services.settings.language else language
        for scope in (BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats()):
            await bot.set_my_commands(members, scope=scope, language_code=code)
        await bot.set_my_commands(
            coordinators, scope=BotCommandScopeAllChatAdministrators(), language_code=code
        )


def build_application(
    settings: Settings, buurtbot: BuurtBot
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The PTB Application, configured in this one place."""
    assert settings.telegram_token is not None
    processor = ChatOrderedProcessor(settings.max_concurrent_updates)
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.tz,
                do_quote=False,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=settings.rate_limit_per_second,
                group_max_rate=settings.rate_limit_per_group_per_minute,
                max_retries=3,
            )
        )
        .concurrent_updates(processor)
    )
    builder = with_flow_control(builder, settings.max_updates_in_hand)
    if settings.telegram_base_url:
        builder = builder.base_url(f"{settings.telegram_base_url}/bot").base_file_url(
            f"{settings.telegram_base_url}/file/bot"
        )
    application = builder.build()
    messenger = TelegramMessenger(application.bot)

    def prepare(update: object) -> None:
        if not isinstance(update, Update):
            return
        incoming = to_incoming(update, application.bot.bot, application.bot.username)
        _converted.set((update.update_id, incoming))
        if incoming is not None:
            buurtbot.prepare(incoming)

    processor.prepare = prepare

    async def on_update(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        converted = _converted.get()
        if converted is not None and converted[0] == update.update_id:
            incoming = converted[1]  # converted once, by prepare, in this same task
        else:
            incoming = to_incoming(update, application.bot.bot, application.bot.username)
        if incoming is not None:
            await buurtbot.handle(incoming, messenger)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = (
            update.effective_chat.id
            if isinstance(update, Update) and update.effective_chat
            else None
        )
        update_id = update.update_id if isinstance(update, Update) else None
        log.error(
            "error while handling update %s (chat %s): %r",
            update_id,
            chat,
            context.error,
            exc_info=context.error,
        )

    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(on_error)
    application.bot_data["messenger"] = messenger
    return application


async def _started(
    application: Application[Any, Any, Any, Any, Any, Any], buurtbot: BuurtBot
) -> None:
    messenger: TelegramMessenger = application.bot_data["messenger"]
    try:
        await set_command_menus(application.bot, buurtbot)
    except TelegramError as exc:
        log.warning("could not set the command menus: %s", exc)
    assert application.job_queue is not None
    buurtbot.schedule(JobQueueScheduler(application.job_queue), messenger)
    log.info("buurtbot started as @%s", application.bot.username)


async def serve(
    settings: Settings,
    buurtbot: BuurtBot,
    stop: asyncio.Event,
    *,
    poll_timeout: float = 30,
) -> None:
    """Run until ``stop`` is set: a webhook when configured, long polling otherwise."""
    application = build_application(settings, buurtbot)
    async with application:  # initialize() ... shutdown()
        await _started(application, buurtbot)
        await application.start()
        updater = application.updater
        assert updater is not None
        if settings.webhook_url:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            await updater.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path="telegram",
                webhook_url=f"{settings.webhook_url}/telegram",
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await updater.start_polling(
                poll_interval=0.0, timeout=int(poll_timeout), allowed_updates=ALLOWED_UPDATES
            )
        try:
            await stop.wait()
        finally:
            await updater.stop()
            await application.stop()
