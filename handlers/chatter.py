"""Ordinary group messages: recognise signals and log them quietly; corrections by coordinators."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from bot.chat import Button, Delete, Edit, Kind, Message, Messenger, Reaction
from bot.context import Context, Services, deliver
from bot.formatting import category_label, subcategory_label
from bot.i18n import Safe
from bot.models import CATEGORIES, SUBCATEGORIES, Signal
from bot.understanding import CLASSIFIED, Outcome
from nlp.taxonomy import NO_SIGNAL

log = logging.getLogger(__name__)

ASK_PREFIX = "vraag"  # vraag:<question id>:<category>
CALLED_PREFIX = "s112"  # s112:<signal id>
CORRECT_PREFIX = "cor"  # cor:<signal id>:<category>[:<subcategory>]
NOTED = "✍"  # the reaction that says "logged", without a message
QUESTION_TTL = timedelta(hours=1)
_LABELS = (*CATEGORIES, NO_SIGNAL)


async def on_group_message(ctx: Context) -> None:
    """Every text in a registered group is classified; only real signals leave a trace."""
    incoming, group, user = ctx.incoming, ctx.group, ctx.user
    understanding = ctx.services.understanding
    text = incoming.text.strip()
    if understanding is None or group is None or user is None or not text:
        return
    if incoming.kind not in CLASSIFIED or not incoming.message_id:
        return
    handle = understanding.on_edit if incoming.kind is Kind.EDITED else understanding.on_message
    result = await handle(group, user.id, incoming.message_id, text, incoming.sent_at, ctx.now)
    if result.outcome in (Outcome.LOGGED, Outcome.MERGED):
        await ctx.send(Reaction(message_id=incoming.message_id, emoji=NOTED))
    elif result.outcome is Outcome.WITHDRAWN:
        await ctx.send(Reaction(message_id=incoming.message_id, emoji=""))
    elif result.outcome is Outcome.ASK:
        await _ask(ctx, result.analysis.to_dict())
    if result.became_urgent and result.signal is not None:
        await _saar(ctx, result.signal)


async def _saar(ctx: Context, signal: Signal) -> None:
    """One short SAAR reply: call 112 first; a button tells the group it has been done."""
    button = Button(ctx.t("saar.called_button"), f"{CALLED_PREFIX}:{signal.id}")
    await ctx.send(
        Message(
            text=ctx.t("chatter.saar"),
            buttons=((button,),),
            reply_to_message_id=ctx.incoming.message_id,
        )
    )


async def _ask(ctx: Context, analysis: dict[str, object]) -> None:
    """Ask the sender once, compactly, whether this is a report; rarely, to keep the chat calm."""
    services, group, user, incoming = ctx.services, ctx.group, ctx.user, ctx.incoming
    assert group is not None and user is not None and incoming.message_id
    repo = services.chat_signals
    interval = timedelta(minutes=services.settings.ask_interval_minutes)
    if await repo.recent_questions(group.id, ctx.now - interval):
        return
    question_id = await repo.add_question(
        group.id, incoming.message_id, user.id, incoming.text, analysis, ctx.now
    )
    if question_id is None:
        return
    buttons = tuple(
        Button(_choice_label(ctx, label), f"{ASK_PREFIX}:{question_id}:{label}")
        for label in _LABELS
    )
    sent = await ctx.send(
        Message(
            text=ctx.t("chatter.ask", name=incoming.sender.name if incoming.sender else ""),
            buttons=(buttons[:3], buttons[3:]),
            reply_to_message_id=incoming.message_id,
            silent=True,
        )
    )
    if sent.message_id:
        await repo.set_question_message(question_id, sent.message_id)


def _choice_label(ctx: Context, label: str) -> str:
    if label == NO_SIGNAL:
        return str(ctx.t("chatter.not_a_report"))
    return f"{ctx.t(f'taxonomy.icons.{label}')} {category_label(ctx.t, label)}"


async def on_answer(ctx: Context) -> None:
    """The sender (or a coordinator) answers the bot's question about a message."""
    services, group, user = ctx.services, ctx.group, ctx.user
    parts = ctx.incoming.data.split(":")
    if group is None or user is None or len(parts) != 3 or not parts[1].isdigit():
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    label = parts[2]
    question = await services.chat_signals.question(int(parts[1]))
    if label not in _LABELS or question is None or question.group_id != group.id:
        await ctx.notice(ctx.t("common.button_stale"))
        return
    if question.sender_id != user.id and not await services.roles.is_coordinator(
        ctx.messenger, group, user, ctx.now
    ):
        await ctx.notice(ctx.t("chatter.not_your_question"))
        return
    if not await services.chat_signals.take_question(question.id):
        await ctx.notice(ctx.t("common.button_stale"))
        return
    understanding = services.understanding
    assert understanding is not None
    await understanding.correct_unlogged(
        group,
        question.sender_id,
        question.message_id,
        question.text,
        question.asked_at,
        label,
        None,
        user.id,
        ctx.now,
    )
    if question.question_id:
        await ctx.send(Delete(message_id=question.question_id))
    if label in CATEGORIES:
        await ctx.send(Reaction(message_id=question.message_id, emoji=NOTED))
        await ctx.notice(ctx.t("chatter.noted", category=category_label(ctx.t, label)))
    else:
        await ctx.notice(ctx.t("chatter.not_noted"))


async def on_called(ctx: Context) -> None:
    """'112 is gebeld' under the SAAR reply: tell the group, once."""
    services, group, user = ctx.services, ctx.group, ctx.user
    data = ctx.incoming.data.removeprefix(f"{CALLED_PREFIX}:")
    signal = await services.signals.get(int(data)) if data.isdigit() else None
    if group is None or user is None or signal is None or signal.group_id != group.id:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    if not await services.chat_signals.mark_called_112(signal.id, ctx.now, user.id):
        await ctx.notice(ctx.t("chatter.already_called"))
        return
    text = ctx.t("saar.called_post", name=user.display_name or ctx.t("common.anonymous"))
    if ctx.incoming.message_id:
        await ctx.send(Edit(message_id=ctx.incoming.message_id, text=text))
    else:
        await ctx.say(text)


# --- corrections ----------------------------------------------------------------------------


def _slug(words: str) -> str:
    return re.sub(r"[\s-]+", "_", words.strip().lower())


def parse_label(args: str) -> tuple[str, str | None] | None:
    """'overlast geluid', 'criminaliteit verdachte persoon', 'geen' → (category, subcategory)."""
    head, _, rest = args.strip().partition(" ")
    category = _slug(head)
    if category not in _LABELS:
        return None
    if not rest.strip() or category == NO_SIGNAL:
        return category, None
    sub = _slug(rest)
    matches = [s for s in SUBCATEGORIES[category] if s == sub or s.startswith(sub)]
    return (category, matches[0]) if len(matches) == 1 else None


async def correct(ctx: Context) -> None:
    """/correctie [categorie [subcategorie]], as a reply to a message (coordinators)."""
    services, group, user, incoming = ctx.services, ctx.group, ctx.user, ctx.incoming
    understanding = services.understanding
    assert group is not None and user is not None and understanding is not None
    target = incoming.reply_to_message_id
    if not target:
        await ctx.say(ctx.t("chatter.correct_usage"))
        return
    label = parse_label(incoming.args) if incoming.args.strip() else None
    if incoming.args.strip() and label is None:
        await ctx.say(ctx.t("chatter.correct_unknown", given=incoming.args.strip()[:60]))
        return
    signal = await services.chat_signals.by_message(group.id, target)
    if signal is None:
        if label is None:
            await ctx.say(ctx.t("chatter.correct_usage"))
            return
        sender = incoming.reply_to_sender
        reporter = (
            await services.members.user_by_external(incoming.chat.messenger, sender.id)
            if sender
            else None
        )
        text = incoming.reply_to_text.strip()
        if not text:
            await ctx.say(ctx.t("chatter.correct_no_text"))
            return
        created = await understanding.correct_unlogged(
            group,
            reporter.id if reporter else None,
            target,
            text,
            ctx.now,
            label[0],
            label[1],
            user.id,
            ctx.now,
        )
        if created is None:
            await ctx.say(ctx.t("chatter.confirmed_none"))
            return
        await ctx.send(Reaction(message_id=target, emoji=NOTED))
        await ctx.say(_confirmation(ctx, NO_SIGNAL, created.category, created.subcategory))
        return
    if label is None:
        await ctx.say(
            ctx.t("chatter.correct_choose", number=signal.id),
            buttons=_category_buttons(ctx, signal),
        )
        return
    await _apply(ctx, signal, label[0], label[1], edit=None)


def _category_buttons(ctx: Context, signal: Signal) -> tuple[tuple[Button, ...], ...]:
    buttons = [
        Button(_choice_label(ctx, label), f"{CORRECT_PREFIX}:{signal.id}:{label}")
        for label in _LABELS
    ]
    return (tuple(buttons[:3]), tuple(buttons[3:]))


async def on_correct_button(ctx: Context) -> None:
    services, group, user = ctx.services, ctx.group, ctx.user
    parts = ctx.incoming.data.split(":")
    if group is None or user is None or len(parts) not in (3, 4) or not parts[1].isdigit():
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    if not await services.roles.is_coordinator(ctx.messenger, group, user, ctx.now):
        await ctx.notice(ctx.t("chatter.coordinators_only"), alert=True)
        return
    signal = await services.signals.get(int(parts[1]))
    category = parts[2]
    subcategory = parts[3] if len(parts) == 4 else None
    valid = category in _LABELS and (
        subcategory is None or subcategory in SUBCATEGORIES.get(category, ())
    )
    if signal is None or signal.group_id != group.id or not valid:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    if category in CATEGORIES and subcategory is None:
        subs = [
            Button(
                subcategory_label(ctx.t, category, sub),
                f"{CORRECT_PREFIX}:{signal.id}:{category}:{sub}",
            )
            for sub in SUBCATEGORIES[category]
        ]
        rows = tuple(tuple(subs[i : i + 2]) for i in range(0, len(subs), 2))
        if ctx.incoming.message_id:
            text = ctx.t("chatter.correct_choose_sub", category=category_label(ctx.t, category))
            await ctx.send(Edit(message_id=ctx.incoming.message_id, text=text, buttons=rows))
        return
    await _apply(ctx, signal, category, subcategory, edit=ctx.incoming.message_id)


async def _apply(
    ctx: Context, signal: Signal, category: str, subcategory: str | None, edit: str | None
) -> None:
    understanding = ctx.services.understanding
    assert understanding is not None and ctx.user is not None
    before = signal.category
    updated = await understanding.correct(signal, category, subcategory, ctx.user.id, ctx.now)
    text = _confirmation(
        ctx, before, category, updated.subcategory if category != NO_SIGNAL else None
    )
    if edit:
        await ctx.send(Edit(message_id=edit, text=text))
        await ctx.notice()
    else:
        await ctx.say(text)


def _confirmation(ctx: Context, before: str, category: str, subcategory: str | None) -> Safe:
    if category == NO_SIGNAL:
        return ctx.t("chatter.corrected_none", before=category_label(ctx.t, before))
    return ctx.t(
        "chatter.corrected",
        category=category_label(ctx.t, category),
        subcategory=subcategory_label(ctx.t, category, subcategory),
        before=category_label(ctx.t, before),
    )


async def expire_questions(services: Services, messenger: Messenger) -> int:
    """Questions nobody answered go away again, so they do not linger in the chat."""
    expired = 0
    for question in await services.chat_signals.expired_questions(services.now() - QUESTION_TTL):
        if not await services.chat_signals.take_question(question.id):
            continue
        expired += 1
        group = await services.groups.get(question.group_id)
        if group is not None and group.active and question.question_id:
            await deliver(services, messenger, group.chat_id, Delete(question.question_id))
    return expired
