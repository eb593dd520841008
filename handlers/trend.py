"""/trend: a group's signals per week with the change against the period before, and a chart.

In the group only aggregates are shown; the busiest streets and the signals still waiting for
follow-up are shown in the coordinator's private chat. Partners see the aggregates and streets
(``handlers.partners``), never who reported.
"""

from __future__ import annotations

import html
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.charts import CATEGORY_COLOURS, BarChart, Series
from bot.chat import Button, Message
from bot.context import Context
from bot.formatting import category_label, short_date, subcategory_label
from bot.i18n import Safe, Translator
from bot.insight_models import Change, OpenSignal
from bot.models import CATEGORIES, Group
from bot.trends import Overview, Period, PeriodError, parse_period
from handlers.coordination import (
    Buttons,
    coordinated_groups,
    coordinates,
    day_label,
    group_buttons,
    private_group_button,
    refuse,
)

PREFIX = "trd"
LINK_PREFIX = "trd-"
WAITING_SHOWN = 10
WEEKDAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


class View(StrEnum):
    GROUP = "group"  # aggregates only
    PARTNER = "partner"  # aggregates and streets
    COORDINATOR = "coordinator"  # and the signals waiting for follow-up


# --- entry points ---------------------------------------------------------------------------


async def command(ctx: Context) -> None:
    """/trend [period] (coordinators; the router checked the role)."""
    period = await read_period(ctx, ctx.incoming.args)
    if period is None:
        return
    if not ctx.in_private:
        assert ctx.group is not None
        await show(ctx, ctx.group, period, View.GROUP)
        return
    groups = await coordinated_groups(ctx)
    if len(groups) == 1:
        await show(ctx, groups[0], period, View.COORDINATOR)
    elif groups:
        buttons = group_buttons(groups, f"{PREFIX}:{{id}}:{period.token}")
        await ctx.say(ctx.t("trend.choose_group"), buttons=buttons)
    else:
        await refuse(ctx)


async def on_button(ctx: Context) -> None:
    """``trd:<group id>:<period>``: the private view of one group, role checked again."""
    pressed = await private_group_button(ctx)
    if pressed is None:
        return
    group, parts = pressed
    if not await coordinates(ctx, group):
        await refuse(ctx)
        return
    period = parse_period(parts[2], ctx.services.trends.today(ctx.now))
    if isinstance(period, PeriodError):
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    await ctx.notice()
    await show(ctx, group, period, View.COORDINATOR)


async def start_from_link(ctx: Context, payload: str) -> None:
    """``/start trd-<period>-<group code>``: the details button under a group's /trend."""
    token, _, code = payload.partition("-")
    group = await ctx.services.groups.by_code(code) if code else None
    if group is None:
        await ctx.say(ctx.t("start.bad_link"))
        return
    if not await coordinates(ctx, group):
        await refuse(ctx)
        return
    period = parse_period(token, ctx.services.trends.today(ctx.now))
    if isinstance(period, PeriodError):
        period = parse_period("", ctx.services.trends.today(ctx.now))
    assert isinstance(period, Period)
    await show(ctx, group, period, View.COORDINATOR)


async def read_period(ctx: Context, text: str) -> Period | None:
    """The period asked for, or None after explaining what is wrong with it."""
    parsed = parse_period(text, ctx.services.trends.today(ctx.now))
    if isinstance(parsed, PeriodError):
        shown = text.strip()[:60]
        await ctx.say(ctx.t(f"trend.problem_{parsed.problem.value}", text=parsed.detail or shown))
        return None
    return parsed


# --- showing --------------------------------------------------------------------------------


PERIOD_CHOICES = ("4w", "3m", "12m")


def period_buttons(ctx: Context, prefix: str, group: Group) -> Buttons:
    """Switch to another period: ``<prefix>:<group id>:<period>``."""
    return (
        tuple(
            Button(ctx.t(f"trend.period_button_{token}"), f"{prefix}:{group.id}:{token}")
            for token in PERIOD_CHOICES
        ),
    )


async def show(
    ctx: Context, group: Group, period: Period, view: View, buttons: Buttons = ()
) -> None:
    """Answer with the chart and the text for ``view`` (in this chat)."""
    services = ctx.services
    t = ctx.translator_for(group) if view is View.GROUP else ctx.t
    overview = await services.trends.overview(group.id, period)
    label = period_label(t, period)
    if view is View.COORDINATOR and not buttons:
        buttons = period_buttons(ctx, PREFIX, group)
    if overview.total.current == 0:
        key = "trend.empty_before" if overview.total.previous else "trend.empty"
        text = t(key, group=group.title, period=label, n=overview.total.previous, days=period.days)
        await ctx.say(text, buttons=() if view is View.GROUP else buttons)
        return
    text = render(t, group, overview, label, view)
    if view is View.COORDINATOR:
        waiting = await services.trends.waiting(group.id, period, WAITING_SHOWN)
        listed = render_waiting(t, overview.waiting, waiting, services.settings.tz)
        text = Safe(f"{text}\n\n{listed}")
    if view is View.GROUP:
        link = ctx.messenger.deep_link(f"{LINK_PREFIX}{period.token}-{group.code}")
        buttons = ((Button(t("trend.details_button"), url=link),),) if link else ()
    png = await services.charts.bars(chart(t, group, overview))
    await ctx.send(Message(text=text, photo_png=png, buttons=buttons))


def period_label(t: Translator, period: Period) -> Safe:
    with_year = period.first.year != period.last.year
    first = day_label(t, period.first, with_year=with_year)
    last = day_label(t, period.last, with_year=True)
    if period.weeks:
        return t("trend.period_weeks", n=period.weeks, first=first, last=last)
    return t("trend.period_range", first=first, last=last)


def change_text(t: Translator, change: Change) -> Safe:
    direction = change.direction
    if direction == "none":
        return Safe("")
    percent = change.percent
    return t(
        f"trend.change_{direction}",
        percent=abs(percent) if percent is not None else 0,
        previous=change.previous,
    )


def render(t: Translator, group: Group, overview: Overview, label: Safe, view: View) -> Safe:
    """The text of a trend; only aggregates, plus streets outside the group."""
    total = overview.total
    lines = [
        str(t("trend.header", group=group.title, period=label)),
        str(t("trend.total", n=total.current, change=change_text(t, total))),
    ]
    lines += [
        str(
            t(
                "trend.category_line",
                icon=t(f"taxonomy.icons.{category}"),
                category=category_label(t, category),
                n=overview.categories[category].current,
                change=change_text(t, overview.categories[category]),
            )
        )
        for category in CATEGORIES
    ]
    lines.append(str(t("trend.compared", days=overview.previous.days)))
    if overview.subcategories:
        lines.append("")
        lines.append(str(t("trend.top_title")))
        lines += [
            str(
                t(
                    "trend.top_line",
                    category=category_label(t, category),
                    subcategory=subcategory_label(t, category, subcategory),
                    n=n,
                )
            )
            for category, subcategory, n in overview.subcategories
        ]
    part, weekday = overview.busiest_part, overview.busiest_weekday
    if part and weekday:
        lines.append("")
        lines.append(
            str(
                t(
                    "trend.when",
                    part=t(f"dates.parts.{part[0]}"),
                    share=round(100 * part[1] / total.current),
                    weekday=t(f"trend.weekday_{WEEKDAYS[weekday[0]]}"),
                )
            )
        )
    share = overview.follow_up_share
    if share is not None:
        lines.append(
            str(
                t(
                    "trend.follow_up",
                    share=round(100 * share),
                    n=overview.followed_up,
                    total=total.current,
                )
            )
        )
    if view is not View.GROUP and overview.streets:
        lines.append("")
        lines.append(str(t("trend.streets_title")))
        lines += [str(t("trend.street_line", street=s, n=n)) for s, n in overview.streets]
    if view is View.GROUP:
        lines.append("")
        lines.append(str(t("trend.details_hint")))
    return Safe("\n".join(lines))


def render_waiting(t: Translator, count: int, waiting: list[OpenSignal], tz: ZoneInfo) -> Safe:
    """The signals of the period still waiting for follow-up (for coordinators only)."""
    if count == 0:
        return t("trend.waiting_none")
    lines = [str(t("trend.waiting_title", n=count))]
    for signal in waiting:
        street = t("trend.waiting_street", street=signal.street) if signal.street else ""
        lines.append(
            str(
                t(
                    "trend.waiting_line",
                    id=signal.id,
                    date=short_date(t, signal.occurred_at.astimezone(tz)),
                    category=category_label(t, signal.category),
                    subcategory=subcategory_label(t, signal.category, signal.subcategory),
                    street=street,
                )
            )
        )
    if count > len(waiting):
        lines.append(str(t("trend.waiting_more", n=count - len(waiting))))
    return Safe("\n".join(lines))


def chart(t: Translator, group: Group, overview: Overview) -> BarChart:
    """The chart of the weeks, with the previous period's weekly average as a line."""
    weeks = overview.weeks
    previous_weeks = overview.previous.days / 7
    return BarChart(
        title=html.unescape(t("trend.chart_title", group=group.title)),
        x_labels=[html.unescape(day_label(t, week.first)) for week in weeks],
        series=[
            Series(
                html.unescape(category_label(t, category)),
                [week.counts[category] for week in weeks],
                CATEGORY_COLOURS[category],
            )
            for category in CATEGORIES
        ],
        y_label=html.unescape(t("trend.chart_y")),
        reference=overview.total.previous / previous_weeks if previous_weeks else None,
        reference_label=html.unescape(t("trend.chart_reference")),
    )
