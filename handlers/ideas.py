"""/idee: a member proposes an idea for the group; coordinators adopt or decline it in the group
(adopted ideas count for impact level 5)."""

from __future__ import annotations

from bot.chat import Button, Edit, Message
from bot.context import Context, deliver
from bot.i18n import Safe, Translator
from bot.impact_models import Idea, IdeaStatus
from bot.models import Group
from handlers import private_flow as pf

PREFIX = "idee"  # idee:<id>:ja|nee, the coordinators' decision in the group
FLOW = "idee"
FLOW_PREFIX = "ideeg"  # choosing the group in the private chat
MIN_TEXT = 10
MAX_TEXT = 500
MAX_OPEN_PER_MEMBER = 3


async def command(ctx: Context) -> None:
    """/idee <tekst>."""
    text = ctx.incoming.args.strip()
    if not text:
        await ctx.say(ctx.t("ideas.how"))
        return
    if len(text) > MAX_TEXT:
        await ctx.say(ctx.t("common.too_long", length=len(text), limit=MAX_TEXT))
        return
    if len(text) < MIN_TEXT:
        await ctx.say(ctx.t("ideas.too_short", limit=MIN_TEXT))
        return
    if ctx.group is not None:
        await _propose(ctx, ctx.group, text)
        return
    assert ctx.user is not None
    groups = [group for group, _ in await ctx.services.members.groups_of(ctx.user.id)]
    if not groups:
        await ctx.say(ctx.t("ideas.no_group"))
    elif len(groups) == 1:
        await _propose(ctx, groups[0], text)
    else:
        choices = [[group.id, group.title] for group in groups]
        conv = pf.new_conversation(ctx, FLOW, "group", {"text": text, "choices": choices})
        await pf.save(ctx, conv)
        buttons = [
            (Button(str(title), pf.data(FLOW_PREFIX, conv.token, "grp", str(gid))),)
            for gid, title in choices
        ]
        stop = (Button(ctx.t("impact.stop"), pf.data(FLOW_PREFIX, conv.token, "stop")),)
        await ctx.say(ctx.t("ideas.choose_group"), buttons=(*buttons, stop))


async def _propose(ctx: Context, group: Group, text: str) -> None:
    services, user = ctx.services, ctx.user
    assert user is not None
    if await services.impact.ideas.open_by(group.id, user.id) >= MAX_OPEN_PER_MEMBER:
        await ctx.say(ctx.t("ideas.too_many_open", n=MAX_OPEN_PER_MEMBER))
        return
    idea = await services.impact.ideas.add(group.id, user.id, text, ctx.now)
    t = ctx.translator_for(group)
    post, buttons = render(t, idea, user.display_name)
    sent = await ctx.send(Message(text=post, buttons=buttons), group.chat_id)
    if sent.message_id:
        await services.impact.ideas.set_message(idea.id, sent.message_id)
    if ctx.in_private:
        await ctx.say(ctx.t("ideas.posted", group=group.title))


def render(
    t: Translator, idea: Idea, proposer: str | None, decider: str | None = None
) -> tuple[Safe, tuple[tuple[Button, ...], ...]]:
    name = proposer or t("common.anonymous")
    if idea.status is IdeaStatus.VOORGESTELD:
        text = t("ideas.post", name=name, text=idea.text)
        buttons = (
            (
                Button(t("ideas.adopt"), f"{PREFIX}:{idea.id}:ja"),
                Button(t("ideas.decline"), f"{PREFIX}:{idea.id}:nee"),
            ),
        )
        return text, buttons
    key = "ideas.post_adopted" if idea.status is IdeaStatus.AANGENOMEN else "ideas.post_declined"
    return t(key, name=name, text=idea.text, by=decider or t("ideas.a_coordinator")), ()


async def on_group_choice(ctx: Context) -> None:
    """ideeg:<token>:grp:<group> in the private chat."""
    pressed = await pf.pressed(ctx, FLOW, "ideas.stopped")
    if pressed is None:
        return
    conv, action, value = pressed
    choices = {str(gid) for gid, _ in conv.data.get("choices", [])}
    if action != "grp" or value not in choices:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    await pf.end(ctx, conv)
    assert ctx.user is not None
    group = await ctx.services.groups.get(int(value))
    member = await ctx.services.members.member(int(value), ctx.user.id)
    if group is None or not group.active or member is None:
        await ctx.notice(ctx.t("ideas.not_member"), alert=True)
        return
    await _propose(ctx, group, str(conv.data["text"]))


async def on_input(ctx: Context) -> None:
    """Typed text while choosing the group: ask again."""
    conv = await pf.typed(ctx, FLOW)
    if conv is None:
        return
    await ctx.say(ctx.t("impact.use_buttons"))


async def on_decision(ctx: Context) -> None:
    """idee:<id>:ja|nee, pressed in the group: coordinators only, checked at the press."""
    services = ctx.services
    parts = ctx.incoming.data.split(":")
    if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in ("ja", "nee"):
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    idea = await services.impact.ideas.get(int(parts[1]))
    group = ctx.group
    if idea is None or group is None or idea.group_id != group.id:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    user = ctx.user
    assert user is not None
    if not await services.roles.is_coordinator(ctx.messenger, group, user, ctx.now):
        await ctx.notice(ctx.t("ideas.coordinators_only"), alert=True)
        return
    status = IdeaStatus.AANGENOMEN if parts[2] == "ja" else IdeaStatus.AFGEWEZEN
    decided = await services.impact.ideas.decide(idea.id, status, user.id, ctx.now)
    if not decided:
        await ctx.notice(ctx.t("ideas.already_decided"))
        return
    idea = await services.impact.ideas.get(idea.id)
    assert idea is not None
    proposer = await services.members.user(idea.proposer_id) if idea.proposer_id else None
    t = ctx.translator_for(group)
    text, buttons = render(t, idea, proposer.display_name if proposer else None, user.display_name)
    message_id = idea.message_id or ctx.incoming.message_id
    if message_id:
        await ctx.send(Edit(message_id=message_id, text=text, buttons=buttons), group.chat_id)
    await ctx.notice(ctx.t(f"ideas.noted_{status.value}"))
    if proposer is not None and proposer.id != user.id:
        pt = services.i18n.get(proposer.language or group.language)
        key = "ideas.tell_adopted" if status is IdeaStatus.AANGENOMEN else "ideas.tell_declined"
        note = pt(key, group=group.title, text=idea.text)
        # Best effort: a member who never opened a private chat with the bot is not reached.
        await deliver(services, ctx.messenger, proposer.external_id, Message(text=note))
