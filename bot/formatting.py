"""Rendering of times and taxonomy labels through the catalogues."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Safe, Translator


def category_label(t: Translator, category: str) -> Safe:
    return t(f"taxonomy.categories.{category}")


def subcategory_label(t: Translator, category: str, subcategory: str | None) -> Safe:
    return t(f"taxonomy.subcategories.{category}.{subcategory or 'overig'}")


def clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def short_date(t: Translator, local: datetime, *, with_year: bool = False) -> Safe:
    """'za 14 nov' (or 'za 14 nov 2026')."""
    weekday = str(t("dates.weekdays")).split()[local.weekday()]
    month = str(t("dates.months")).split()[local.month - 1]
    if with_year:
        return t("dates.date", weekday=weekday, day=local.day, month=month, year=local.year)
    return t("dates.date_short", weekday=weekday, day=local.day, month=month)


def moment(
    t: Translator, when: datetime, now: datetime, tz: ZoneInfo, part: str | None = None
) -> Safe:
    """'zojuist', 'vandaag 14:30', 'gisteren, 's avonds', 'za 14 nov 09:00' ..."""
    local, local_now = when.astimezone(tz), now.astimezone(tz)
    days_ago = (local_now.date() - local.date()).days
    if days_ago == 0:
        day = t("dates.today")
    elif days_ago == 1:
        day = t("dates.yesterday")
    else:
        day = short_date(t, local, with_year=local.year != local_now.year)
    if part:
        return t("dates.day_part", day=day, part=t(f"dates.parts.{part}"))
    if abs(now - when) <= timedelta(minutes=2):
        return t("dates.now")
    return t("dates.day_time", day=day, time=clock(local))
