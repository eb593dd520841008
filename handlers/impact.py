"""/niveau (the impact-level questionnaire), /gemeente and /uitnodigingen (coordinators)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.activities import (
    MAX_REGION,
    MAX_WEEKLY_INVITATIONS,
    clean_region,
    region_key,
    weekly_limit,
)
from bot.chat import Button
from bot.context import Context, Services
from bot.formatting import short_date
from bot.i18n import Safe, Translator
from bot.impact import STATEMENTS, LevelCheck, LevelResult, compute_level, parse_answers
from bot.impact_models import LEVELS, Answer, AssessmentRecord
from bot.models import Group
from handlers import private_flow as pf
from storage.conversations import Conversation

if TYPE_CHECKING:
    from bot.summaries import SummaryWeek

FLOW = "niveau"
PREFIX = "niv"
_GROUP_STEP = "group"
_ANSWERS = {"ja": Answer.JA, "deels": Answer.DEELS, "nee": Answer.NEE}


# --- /niveau --------------------------------------------------------------------------------


async def command(ctx: Context) -> None:
    """/niveau: in a group, for that group; in private, for the group the user coordinates."""
    if ctx.group is not None:
        await _begin(ctx, ctx.group)
        return
    groups = await pf.coordinated_groups(ctx)
    if not groups:
        await ctx.say(ctx.t("common.coordinators_only", command=ctx.incoming.command))
        return
    if len(groups) == 1:
        await _begin(ctx, groups[0])
        return
    conv = pf.new_conversation(
        ctx, FLOW, _GROUP_STEP, {"choices": [[g.id, g.title] for g in groups]}
    )
    await pf.save(ctx, conv)
    await pf.show(ctx, conv, *_group_question(ctx.t, conv))


def _group_question(t: Translator, conv: Conversation) -> tuple[str, pf.Buttons]:
    buttons = [
        (Button(str(title), pf.data(PREFIX, conv.token, "grp", str(gid))),)
        for gid, title in conv.data.get("choices", [])
    ]
    return t("impact.choose_group"), (*buttons, _stop_row(t, conv))


def _stop_row(t: Translator, conv: Conversation) -> tuple[Button, ...]:
    return (Button(t("impact.stop"), pf.data(PREFIX, conv.token, "stop")),)


async def _begin(ctx: Context, group: Group) -> None:
    values = {"group_id": group.id, "group_title": group.title, "answers": {}}
    conv = pf.new_conversation(ctx, FLOW, "0", values, chat_id=pf.private_chat_of(ctx))
    text, buttons = _question(ctx.t, conv)
    intro = ctx.t("impact.intro", group=group.title, n=len(STATEMENTS))
    await pf.open_in_private(ctx, conv, Safe(f"{intro}\n\n{text}"), buttons)


def _question(t: Translator, conv: Conversation) -> tuple[str, pf.Buttons]:
    index = int(conv.step)
    statement = STATEMENTS[index]
    text = t(
        "impact.question",
        number=index + 1,
        total=len(STATEMENTS),
        level=statement.level,
        name=t(f"impact.levels.{statement.level}.name"),
        statement=t(f"impact.statements.{statement.id}"),
    )
    answers = tuple(
        Button(t(f"impact.answer_{word}"), pf.data(PREFIX, conv.token, "a", f"{index}.{word}"))
        for word in _ANSWERS
    )
    back = (
        (Button(t("impact.back"), pf.data(PREFIX, conv.token, "back", str(index))),)
        if index
        else ()
    )
    return text, (answers, (*back, *_stop_row(t, conv)))


async def on_button(ctx: Context) -> None:
    pressed = await pf.pressed(ctx, FLOW, "impact.stopped")
    if pressed is None:
        return
    conv, action, value = pressed
    if action == "grp" and conv.step == _GROUP_STEP:
        await _choose_group(ctx, conv, value)
        return
    if conv.step == _GROUP_STEP or action not in ("a", "back"):
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    group = await pf.coordinated_group(ctx, conv.data.get("group_id"))
    if group is None:
        await pf.lost_role(ctx, conv)
        return
    if action == "back":
        await _back(ctx, conv, value)
    else:
        await _answer(ctx, conv, group, value)


async def _choose_group(ctx: Context, conv: Conversation, value: str) -> None:
    choices = {str(gid) for gid, _ in conv.data.get("choices", [])}
    group = await pf.coordinated_group(ctx, value) if value in choices else None
    if group is None:
        await pf.end(ctx, conv)
        await ctx.notice(ctx.t("impact.not_coordinator_any_more"), alert=True)
        return
    conv.data = {"group_id": group.id, "group_title": group.title, "answers": {}}
    conv.step = "0"
    await pf.save(ctx, conv)
    text, buttons = _question(ctx.t, conv)
    intro = ctx.t("impact.intro", group=group.title, n=len(STATEMENTS))
    await pf.show(ctx, conv, Safe(f"{intro}\n\n{text}"), buttons, in_place=True)


async def _back(ctx: Context, conv: Conversation, value: str) -> None:
    if value != conv.step or int(conv.step) == 0:
        await ctx.notice(ctx.t("impact.step_done"))
        return
    conv.step = str(int(conv.step) - 1)
    await pf.save(ctx, conv)
    await pf.show(ctx, conv, *_question(ctx.t, conv), in_place=True)


async def _answer(ctx: Context, conv: Conversation, group: Group, value: str) -> None:
    index_text, _, word = value.partition(".")
    if word not in _ANSWERS or not index_text.isdigit():
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    if index_text != conv.step:
        await ctx.notice(ctx.t("impact.step_done"))
        return
    index = int(index_text)
    conv.data.setdefault("answers", {})[STATEMENTS[index].id] = int(_ANSWERS[word])
    if index + 1 < len(STATEMENTS):
        conv.step = str(index + 1)
        await pf.save(ctx, conv)
        await pf.show(ctx, conv, *_question(ctx.t, conv), in_place=True)
        return
    await pf.end(ctx, conv)
    await _conclude(ctx, conv, group)


async def _conclude(ctx: Context, conv: Conversation, group: Group) -> None:
    services = ctx.services
    answers = parse_answers(conv.data.get("answers", {}))
    previous = await services.impact.assessments.latest(group.id)
    facts = await services.impact.assessments.facts(group.id, ctx.now)
    result = compute_level(answers, facts)
    assert ctx.user is not None
    await services.impact.assessments.add(
        group.id,
        ctx.user.id,
        ctx.now,
        result.level,
        {key: int(answer) for key, answer in answers.items()},
        facts,
    )
    text = render_result(ctx.t, result, group.title, previous, services.settings.tz)
    await pf.show(ctx, conv, text, in_place=True)


async def on_input(ctx: Context) -> None:
    """Typed text while the questionnaire is open: the buttons answer it, so ask again."""
    conv = await pf.typed(ctx, FLOW)
    if conv is None:
        return
    await ctx.say(ctx.t("impact.use_buttons"))
    if conv.step == _GROUP_STEP:
        await pf.show(ctx, conv, *_group_question(ctx.t, conv))
    else:
        await pf.show(ctx, conv, *_question(ctx.t, conv))


# --- the result -----------------------------------------------------------------------------


def level_title(t: Translator, level: int) -> Safe:
    return t("impact.level_title", level=level, name=t(f"impact.levels.{level}.name"))


def _data_lines(t: Translator, check: LevelCheck) -> list[str]:
    return [
        str(
            t(
                f"impact.data.{item.rule.id}",
                n=item.value,
                needed=item.rule.needed,
                mark=t("impact.mark_ok" if item.ok else "impact.mark_missing"),
            )
        )
        for item in check.data
    ]


def _why(t: Translator, result: LevelResult) -> list[str]:
    lines = []
    for check in result.checks:
        if check.level > result.level + 1:
            break
        mark = t("impact.mark_ok" if check.met else "impact.mark_missing")
        answers = t("impact.answers_ok" if check.answers_ok else "impact.answers_missing")
        lines.append(
            str(t("impact.why_line", mark=mark, title=level_title(t, check.level), answers=answers))
        )
        lines.extend(f"    {line}" for line in _data_lines(t, check))
    return lines


def _asks(t: Translator, result: LevelResult) -> list[str]:
    """What the next level asks: its description, and what is missing on the way there."""
    target = result.next_level
    if target is None:
        return [str(t("impact.top_level"))]
    lines = [
        str(t("impact.next_intro", title=level_title(t, target))),
        str(t(f"impact.levels.{target}.asks")),
    ]
    for check in result.checks[:target]:
        if check.met:
            continue
        lines.extend(
            str(t("impact.todo_statement", statement=t(f"impact.statements.{s.id}")))
            for s in check.weak
            if not check.answers_ok
        )
        lines.extend(
            str(t(f"impact.todo.{item.rule.id}", needed=item.rule.needed, n=item.value))
            for item in check.missing_data
        )
    return lines


def render_result(
    t: Translator,
    result: LevelResult,
    group_title: str,
    previous: AssessmentRecord | None,
    tz: ZoneInfo,
) -> Safe:
    parts = [
        str(t("impact.result_head", group=group_title, title=level_title(t, result.level))),
        str(t(f"impact.levels.{result.level}.about")),
        "",
        str(t("impact.why_head")),
        *_why(t, result),
    ]
    if result.by_answers > result.level:
        parts.append(str(t("impact.answers_ahead", level=result.by_answers)))
    parts += ["", str(t("impact.next_head")), *_asks(t, result)]
    if previous is not None:
        when = short_date(t, previous.assessed_at.astimezone(tz), with_year=True)
        parts += ["", str(t("impact.previous", date=when, level=previous.level))]
    parts += ["", str(t("impact.invitations_follow"))]
    return Safe("\n".join(parts))


def summary_line(t: Translator, record: AssessmentRecord | None, tz: ZoneInfo) -> Safe:
    """The group's impact level for the weekly summary, with what the next level asks."""
    if record is None:
        return t("impact.summary_none")
    when = short_date(t, record.assessed_at.astimezone(tz), with_year=True)
    following = record.level + 1
    ahead = (
        t(
            "impact.summary_next",
            title=level_title(t, following),
            asks=t(f"impact.levels.{following}.asks"),
        )
        if following <= LEVELS[-1]
        else ""
    )
    return t(
        "impact.summary_line",
        level=record.level,
        name=t(f"impact.levels.{record.level}.name"),
        date=when,
        next=ahead,
    )


def summary_section(services: Services) -> Callable[[SummaryWeek], Awaitable[str | None]]:
    """The weekly summary's section with the group's impact level (registered in bot.app)."""

    async def render(week: SummaryWeek) -> str | None:
        record = await services.impact.assessments.latest(week.group.id)
        return str(summary_line(week.t, record, week.tz))

    return render


# --- /gemeente ------------------------------------------------------------------------------


async def region(ctx: Context) -> None:
    """/gemeente [naam] in the group: show or set the group's gemeente."""
    group = ctx.group
    assert group is not None
    store = ctx.services.impact.profiles
    raw = ctx.incoming.args.strip()
    if not raw:
        profile = await store.get(group.id)
        if profile.region:
            await ctx.say(ctx.t("impact.region_current", region=profile.region))
        else:
            await ctx.say(ctx.t("impact.region_none"))
        return
    if len(raw) > MAX_REGION:
        await ctx.say(ctx.t("common.too_long", length=len(raw), limit=MAX_REGION))
        return
    name = clean_region(raw)
    if name is None or region_key(name) == "*":
        await ctx.say(ctx.t("impact.region_invalid"))
        return
    await store.set_region(group.id, name, region_key(name), ctx.now)
    await ctx.say(ctx.t("impact.region_set", region=name))


# --- /uitnodigingen -------------------------------------------------------------------------


async def invitations(ctx: Context) -> None:
    """/uitnodigingen [0-14] in the group: show or set the weekly maximum."""
    group = ctx.group
    assert group is not None
    services = ctx.services
    raw = ctx.incoming.args.strip()
    if raw:
        if not raw.isdigit() or not 0 <= int(raw) <= MAX_WEEKLY_INVITATIONS:
            await ctx.say(ctx.t("impact.limit_invalid", max=MAX_WEEKLY_INVITATIONS))
            return
        await services.impact.profiles.set_weekly_invitations(group.id, int(raw), ctx.now)
    profile = await services.impact.profiles.get(group.id)
    latest = await services.impact.assessments.latest(group.id)
    week = await services.impact.invitations.regional_this_week(group.id, ctx.now)
    await ctx.say(
        ctx.t(
            "impact.limit_set" if raw else "impact.limit_current",
            n=weekly_limit(profile),
            week=week,
            level=latest.level if latest else 1,
            region=profile.region or ctx.t("impact.region_unknown"),
            max=MAX_WEEKLY_INVITATIONS,
        )
    )
