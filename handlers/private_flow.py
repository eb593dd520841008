"""What the step-by-step private conversations of issue 5 share (/niveau, /activiteit, /schouw,
the schouw checklist, /idee): starting one from the group, tokens, expiry, the role re-check."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta

from bot.chat import Button, Edit, Kind, Message, Messenger
from bot.context import Context, Services, deliver
from bot.models import Group
from storage.conversations import Conversation

log = logging.getLogger(__name__)

Buttons = tuple[tuple[Button, ...], ...]

# Flows whose idle conversations ``sweep_idle`` ends (the /melding flow has its own sweep).
FLOWS = ("niveau", "activiteit", "schouwlijst", "idee")


def data(prefix: str, token: str, action: str, value: str = "") -> str:
    return f"{prefix}:{token}:{action}:{value}" if value else f"{prefix}:{token}:{action}"


def split(raw: str) -> tuple[str, str, str] | None:
    """(token, action, value) of flow button data, or None when it is malformed."""
    parts = raw.split(":", 3)
    if len(parts) < 3 or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2], parts[3] if len(parts) > 3 else ""


def rows(buttons: Iterable[Button], per_row: int = 2) -> Buttons:
    items = list(buttons)
    return tuple(tuple(items[i : i + per_row]) for i in range(0, len(items), per_row))


def new_conversation(
    ctx: Context, flow: str, step: str, values: dict[str, object], chat_id: str | None = None
) -> Conversation:
    sender = ctx.incoming.sender
    assert sender is not None
    return Conversation(
        messenger=ctx.incoming.chat.messenger,
        chat_id=chat_id or ctx.chat_id,
        user_id=sender.id,
        flow=flow,
        step=step,
        token=secrets.token_hex(3),
        started_at=ctx.now,
        updated_at=ctx.now,
        data=dict(values),
    )


async def current(ctx: Context, flow: str) -> Conversation | None:
    """This user's open conversation of ``flow`` in this chat."""
    sender = ctx.incoming.sender
    assert sender is not None
    conv = ctx.conversation or await ctx.services.conversations.get(
        ctx.incoming.chat.messenger, ctx.chat_id, sender.id
    )
    return conv if conv is not None and conv.flow == flow else None


async def pressed(ctx: Context, flow: str, stopped: str) -> tuple[Conversation, str, str] | None:
    """A button of ``flow``: (conversation, action, value), or None when it was dealt with here.

    Forged data, a button of an older conversation, an expired conversation and "stop" (which
    shows the catalogue text ``stopped``) are all answered here, so flows see only live actions.
    """
    parsed = split(ctx.incoming.data)
    if parsed is None:
        await ctx.notice(ctx.t("common.button_unknown"))
        return None
    token, action, value = parsed
    conv = await current(ctx, flow)
    if conv is None or conv.token != token:
        await ctx.notice(ctx.t("common.button_stale"))
        return None
    if expired(ctx, conv):
        await expire(ctx, conv)
        return None
    if action == "stop":
        await end(ctx, conv)
        await show(ctx, conv, ctx.t(stopped), in_place=True)
        return None
    return conv, action, value


async def typed(ctx: Context, flow: str) -> Conversation | None:
    """The live conversation of ``flow`` a typed answer belongs to; None when there is none or
    it expired (which is answered here)."""
    conv = await current(ctx, flow)
    if conv is not None and expired(ctx, conv):
        await expire(ctx, conv)
        return None
    return conv


def expired(ctx: Context, conv: Conversation) -> bool:
    limit = ctx.services.settings.conversation_timeout_minutes
    return (ctx.now - conv.updated_at).total_seconds() > limit * 60


async def end(ctx: Context, conv: Conversation) -> None:
    await ctx.services.conversations.delete(conv.messenger, conv.chat_id, conv.user_id, conv.token)


async def expire(ctx: Context, conv: Conversation) -> None:
    await end(ctx, conv)
    if ctx.incoming.kind is Kind.BUTTON:
        await ctx.notice(ctx.t("impact.expired_notice"))
    minutes = ctx.services.settings.conversation_timeout_minutes
    await ctx.say(ctx.t("impact.flow_expired", minutes=minutes), chat_id=conv.chat_id)


async def save(ctx: Context, conv: Conversation) -> None:
    conv.updated_at = ctx.now
    await ctx.services.conversations.save(conv)


async def show(
    ctx: Context, conv: Conversation, text: str, buttons: Buttons = (), *, in_place: bool = False
) -> None:
    """Ask the next question: replacing the pressed message when ``in_place``, else anew."""
    await show_in(ctx, conv.chat_id, text, buttons, in_place=in_place)


async def show_in(
    ctx: Context, chat_id: str, text: str, buttons: Buttons = (), *, in_place: bool = False
) -> None:
    message_id = ctx.incoming.message_id
    if in_place and ctx.incoming.kind is Kind.BUTTON and message_id:
        await ctx.send(Edit(message_id=message_id, text=text, buttons=buttons), chat_id)
    else:
        await ctx.send(Message(text=text, buttons=buttons), chat_id)


async def open_in_private(ctx: Context, conv: Conversation, text: str, buttons: Buttons) -> bool:
    """Start ``conv`` (keyed to the user's private chat) with its first question.

    From a group, the question goes to the private chat and the group gets a one-line pointer;
    when the private chat cannot be reached (the user never started the bot) the group is told
    how to open it, and nothing is kept.
    """
    await save(ctx, conv)
    sent = await ctx.send(Message(text=text, buttons=buttons), conv.chat_id)
    if ctx.in_private:
        return True
    sender = ctx.incoming.sender
    assert sender is not None
    if sent.message_id is None:
        await end(ctx, conv)
        link = ctx.messenger.deep_link("start")
        button: Buttons = (
            ((Button(ctx.t("impact.open_private_button"), url=link),),) if link else ()
        )
        await ctx.say(ctx.t("impact.private_unreachable", name=sender.name), buttons=button)
        return False
    await ctx.say(ctx.t("impact.continued_in_private", name=sender.name))
    return True


async def coordinated_group(ctx: Context, group_id: object) -> Group | None:
    """The group, when it is active and the user coordinates it right now (re-checked)."""
    if ctx.user is None:
        return None
    try:
        group = await ctx.services.groups.get(int(str(group_id)))
    except ValueError:
        return None
    if group is None or not group.active or group.messenger != ctx.messenger.name:
        return None
    if not await ctx.services.roles.is_coordinator(ctx.messenger, group, ctx.user, ctx.now):
        return None
    return group


async def lost_role(ctx: Context, conv: Conversation) -> None:
    """The user no longer coordinates the group: stop, keep nothing."""
    await end(ctx, conv)
    if ctx.incoming.kind is Kind.BUTTON:
        await ctx.notice(ctx.t("impact.not_coordinator_any_more"), alert=True)
    await ctx.say(ctx.t("impact.not_coordinator_any_more"), chat_id=conv.chat_id)


async def coordinated_groups(ctx: Context) -> list[Group]:
    assert ctx.user is not None
    return await ctx.services.roles.coordinated_groups(ctx.messenger, ctx.user, ctx.now)


def private_chat_of(ctx: Context) -> str:
    """The private chat with the sender (on Telegram and the terminal: the sender's id)."""
    sender = ctx.incoming.sender
    assert sender is not None
    return sender.id


async def sweep_idle(services: Services, messenger: Messenger) -> int:
    """End idle conversations of these flows, telling each user; returns how many."""
    return await end_idle(services, messenger, dict.fromkeys(FLOWS, "impact.flow_expired"))


async def end_idle(services: Services, messenger: Messenger, notices: Mapping[str, str]) -> int:
    """End the conversations of the flows in ``notices`` that nobody answered for the timeout,
    telling each user with the flow's catalogue text; returns how many ended."""
    now = services.now()
    minutes = services.settings.conversation_timeout_minutes
    ended = 0
    for conv in await services.conversations.idle_since(now - timedelta(minutes=minutes)):
        key = notices.get(conv.flow)
        if key is None or conv.messenger != messenger.name:
            continue
        if not await services.conversations.delete(
            conv.messenger, conv.chat_id, conv.user_id, conv.token
        ):
            continue
        ended += 1
        user = await services.members.user_by_external(conv.messenger, conv.user_id)
        t = services.i18n.get(user.language if user else None)
        await deliver(services, messenger, conv.chat_id, Message(text=t(key, minutes=minutes)))
    return ended


async def cancel(ctx: Context) -> None:
    """/annuleer: stops an open conversation of these flows, else what /melding's cancel does."""
    from handlers import melding

    sender = ctx.incoming.sender
    assert sender is not None
    conv = await ctx.services.conversations.get(ctx.incoming.chat.messenger, ctx.chat_id, sender.id)
    if conv is None or conv.flow not in FLOWS:
        await melding.cancel(ctx)
        return
    await end(ctx, conv)
    await ctx.say(ctx.t("impact.stopped_any"))
