"""Routes an Incoming to its handler: event, button prefix, command, open conversation, chatter."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.chat import ChatKind, Incoming, Kind, Messenger
from bot.context import Context, Services
from bot.understanding import CLASSIFIED

log = logging.getLogger(__name__)

Handler = Callable[[Context], Awaitable[None]]
RoleCheck = Callable[[Context], Awaitable[bool]]


class Where(StrEnum):
    ANY = "any"
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    where: Where = Where.ANY
    coordinator: bool = False
    in_menu: bool = True  # listed in the messenger's command menu (description: commands.<name>)


_EVENTS = frozenset(
    {
        Kind.BOT_ADDED,
        Kind.BOT_REMOVED,
        Kind.CHAT_MIGRATED,
        Kind.MEMBER_JOINED,
        Kind.MEMBER_LEFT,
        Kind.ADMINS_CHANGED,
    }
)


class Router:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.commands: dict[str, Command] = {}
        self._buttons: dict[str, Handler] = {}
        self._flows: dict[str, Handler] = {}
        self._events: dict[Kind, Handler] = {}
        self._chatter: Handler | None = None
        self._unregistered_group: Handler | None = None
        self._private_fallback: Handler | None = None
        self._is_coordinator: RoleCheck | None = None

    # --- registration -------------------------------------------------------------------

    def command(self, command: Command) -> None:
        self.commands[command.name] = command

    def button(self, prefix: str, handler: Handler) -> None:
        self._buttons[prefix] = handler

    def flow(self, name: str, handler: Handler) -> None:
        self._flows[name] = handler

    def event(self, kind: Kind, handler: Handler) -> None:
        self._events[kind] = handler

    def chatter(self, handler: Handler) -> None:
        self._chatter = handler

    def unregistered_group(self, handler: Handler) -> None:
        self._unregistered_group = handler

    def private_fallback(self, handler: Handler) -> None:
        self._private_fallback = handler

    def coordinator_check(self, check: RoleCheck) -> None:
        self._is_coordinator = check

    # --- dispatch -----------------------------------------------------------------------

    async def handle(self, incoming: Incoming, messenger: Messenger) -> Context:
        services = self.services
        now = services.now()
        ctx = Context(
            incoming=incoming,
            services=services,
            messenger=messenger,
            t=services.i18n.get(incoming.sender.language if incoming.sender else None),
            now=now,
        )
        try:
            await self._dispatch(ctx)
        except Exception:
            log.exception(
                "handler failed for %s in chat %s (message %s)",
                incoming.kind,
                incoming.chat.id,
                incoming.message_id,
            )
            await self._apologise(ctx)
        if incoming.kind is Kind.BUTTON and not ctx.answered:
            await ctx.notice()
        return ctx

    def prepare(self, incoming: Incoming) -> None:
        """What may start before the message's turn in its chat: classifying a group message.

        The transport calls this inside the task that will handle ``incoming``.
        """
        understanding = self.services.understanding
        sender = incoming.sender
        if (
            understanding is None
            or self._chatter is None
            or incoming.chat.kind is not ChatKind.GROUP
            or incoming.kind not in CLASSIFIED
            or sender is None
            or sender.is_bot
        ):
            return
        text = incoming.text.strip()
        if text:
            understanding.batcher.prefetch(text, incoming.sent_at)

    async def _dispatch(self, ctx: Context) -> None:
        incoming = ctx.incoming
        services = ctx.services
        if incoming.chat.kind is ChatKind.GROUP:
            ctx.group = await services.groups.by_chat(incoming.chat.messenger, incoming.chat.id)
            if ctx.group is not None:
                ctx.t = ctx.translator_for(ctx.group)
        if incoming.kind in _EVENTS:
            handler = self._events.get(incoming.kind)
            if handler:
                await handler(ctx)
            return
        if incoming.chat.kind is ChatKind.GROUP and (ctx.group is None or not ctx.group.active):
            # The bot is evidently in this chat although we missed (or lost) its registration.
            if self._unregistered_group is None:
                return
            await self._unregistered_group(ctx)
            if ctx.group is None:
                return
        sender = incoming.sender
        if sender is None or sender.is_bot:
            return
        ctx.user = await services.people.seen(
            incoming.chat.messenger, sender, ctx.now, ctx.group.id if ctx.group else None
        )
        if incoming.kind is Kind.BUTTON:
            await self._button(ctx)
        elif incoming.kind is Kind.COMMAND:
            await self._command(ctx)
        elif incoming.chat.kind is ChatKind.PRIVATE:
            await self._private_input(ctx)
        elif self._chatter is not None:
            await self._chatter(ctx)

    async def _button(self, ctx: Context) -> None:
        prefix = ctx.incoming.data.split(":", 1)[0]
        handler = self._buttons.get(prefix)
        if handler is None:
            log.info("unknown button data %r", ctx.incoming.data[:64])
            await ctx.notice(ctx.t("common.button_unknown"))
            return
        await handler(ctx)

    async def _command(self, ctx: Context) -> None:
        command = self.commands.get(ctx.incoming.command)
        in_private = ctx.in_private
        if command is None:
            if in_private:
                await ctx.say(ctx.t("common.unknown_command", command=ctx.incoming.command))
            return  # in a group the command may be meant for another bot
        if command.where is Where.PRIVATE and not in_private:
            await ctx.say(ctx.t("common.private_only", command=command.name))
            return
        if command.where is Where.GROUP and in_private:
            await ctx.say(ctx.t("common.group_only", command=command.name))
            return
        if command.coordinator and not await self.is_coordinator(ctx):
            await ctx.say(ctx.t("common.coordinators_only", command=command.name))
            return
        await command.handler(ctx)

    async def is_coordinator(self, ctx: Context) -> bool:
        """The role check every coordinator action runs, at the moment it runs."""
        return self._is_coordinator is not None and await self._is_coordinator(ctx)

    async def _private_input(self, ctx: Context) -> None:
        incoming = ctx.incoming
        assert incoming.sender is not None
        conversation = await ctx.services.conversations.get(
            incoming.chat.messenger, incoming.chat.id, incoming.sender.id
        )
        if conversation is not None and conversation.flow in self._flows:
            ctx.conversation = conversation  # the flow need not read it again
            await self._flows[conversation.flow](ctx)
        elif self._private_fallback is not None:
            await self._private_fallback(ctx)

    async def _apologise(self, ctx: Context) -> None:
        try:
            if ctx.incoming.kind is Kind.BUTTON:
                await ctx.notice(ctx.t("common.error"), alert=True)
            elif ctx.in_private or ctx.incoming.kind is Kind.COMMAND:
                await ctx.say(ctx.t("common.error"))
        except Exception:
            log.exception("could not tell the user about the failure")
