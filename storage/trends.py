"""Aggregates over signals for /trend and the weekly summary. Every query reads one group's
period (or a batch of groups' week) from the covering index ``signals_by_group_time``.

Local time (week buckets, part of the day, day of the week) is computed in SQL from *offset
segments*: ``[(from_epoch, utc_offset_seconds), ...]`` worked out by the caller from the time
zone, so daylight-saving changes inside a period are exact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.insight_models import (
    FEEDBACK_EVENT,
    FOLLOW_UP_EVENTS,
    FOLLOW_UP_STATUSES,
    WITH_PARTNER_STATUSES,
    OpenSignal,
    WeekFigures,
)
from bot.models import Status
from storage.db import Database
from storage.timeutil import from_epoch

Segments = Sequence[tuple[int, int]]


def _quoted(values: Sequence[str]) -> str:
    # Fixed enum values, never user input.
    return ", ".join(f"'{value}'" for value in values)


_COUNTED = f"status <> '{Status.INGETROKKEN.value}'"
_FEEDBACK = (
    "EXISTS (SELECT 1 FROM signal_events e WHERE e.signal_id = signals.id"
    f" AND e.kind = '{FEEDBACK_EVENT}')"
)
# SQLite evaluates both sides of AND / OR when it needs a value, but stops early in a CASE
# condition: these run the EXISTS lookup only for signals that are still open.
_FOLLOWED = (
    f"CASE WHEN status IN ({_quoted(FOLLOW_UP_STATUSES)}) THEN 1"
    f" WHEN status = '{Status.OPEN.value}' AND {_FEEDBACK} THEN 1 ELSE 0 END"
)
_WAITING = f"(status = '{Status.OPEN.value}' AND NOT {_FEEDBACK})"
_WITH_PARTNER = f"status IN ({_quoted(WITH_PARTNER_STATUSES)})"
_FOLLOW_UP_KINDS = _quoted(FOLLOW_UP_EVENTS)
_WEEK = 7 * 86400


def _local(segments: Segments, params: dict[str, Any]) -> str:
    """SQL for ``occurred_at`` as local wall-clock seconds; adds its parameters to ``params``."""
    if not segments:
        raise ValueError("at least one offset segment is needed")
    (_, offset), *rest = segments
    if not rest:
        params["o0"] = offset
        return "(occurred_at + :o0)"
    cases = []
    for index, (boundary, next_offset) in enumerate(rest):
        params[f"b{index}"], params[f"o{index}"] = boundary, offset
        cases.append(f"WHEN occurred_at < :b{index} THEN occurred_at + :o{index}")
        offset = next_offset
    params["olast"] = offset
    return f"(CASE {' '.join(cases)} ELSE occurred_at + :olast END)"


@dataclass(frozen=True)
class PeriodRows:
    """The raw aggregates of one group's period (and, for counts, the period before)."""

    weeks: list[tuple[int, str, int]]  # (bucket, category, n); bucket -1: the period before
    subcategories: list[tuple[str, str | None, int]]
    streets: list[tuple[str, int]]
    when: list[tuple[int, int, int]]  # (weekday Monday=0, part of day 0..3, n)
    total: int
    followed: int
    waiting: int  # open and without feedback


class TrendRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def _rows(self, sql: str, params: dict[str, Any]) -> list[Any]:
        async with self._db.conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def period(
        self,
        group_id: int,
        previous_start: int,
        start: int,
        end: int,
        local_start: int,
        segments: Segments,
    ) -> PeriodRows:
        """Aggregates of ``[start, end)``; counts per category also for ``[previous_start, start)``.

        ``local_start`` is the period's first local midnight as wall-clock seconds: week
        buckets are whole local weeks from there. Five small scans of the covering index.
        """
        params: dict[str, Any] = {
            "g": group_id,
            "s": start,
            "e": end,
            "p": previous_start,
            "ls": local_start,
            "wk": _WEEK,
        }
        local = _local(segments, params)
        in_period = f"group_id = :g AND occurred_at >= :s AND occurred_at < :e AND {_COUNTED}"
        open_ = f"status = '{Status.OPEN.value}'"
        # One statement, so one round trip to the database thread: five small aggregates, each
        # tagged by its first column. (One GROUP BY over everything at once is slower: it sorts
        # far more groups.) One feedback lookup per open signal tells both what has follow-up
        # and what is still waiting.
        rows = await self._rows(
            "SELECT 0, CASE WHEN occurred_at < :s THEN -1 ELSE"
            f" ({local} - :ls) / :wk END, category, COUNT(*), NULL FROM signals"
            f" WHERE group_id = :g AND occurred_at >= :p AND occurred_at < :e AND {_COUNTED}"
            " GROUP BY 2, 3"
            " UNION ALL SELECT 1, category, subcategory, COUNT(*), NULL FROM signals"
            f" WHERE {in_period} GROUP BY 2, 3"
            " UNION ALL SELECT 2, street, NULL, COUNT(*), NULL FROM signals"
            f" WHERE {in_period} AND street IS NOT NULL AND street <> '' GROUP BY 2"
            f" UNION ALL SELECT 3, (({local} / 86400) + 3) % 7, ({local} % 86400) / 21600,"
            f" COUNT(*), NULL FROM signals WHERE {in_period} GROUP BY 2, 3"
            " UNION ALL SELECT 4, COUNT(*),"
            f" COALESCE(SUM(CASE WHEN status IN ({_quoted(FOLLOW_UP_STATUSES)}) THEN 1 END), 0),"
            f" COALESCE(SUM(CASE WHEN {open_} THEN 1 END), 0),"
            f" COALESCE(SUM(CASE WHEN {open_} THEN {_FEEDBACK} END), 0)"
            f" FROM signals WHERE {in_period}",
            params,
        )
        weeks, subcategories, streets, when = [], [], [], []
        total = beyond_open = still_open = open_with_feedback = 0
        for tag, a, b, c, d in rows:
            if tag == 0:
                weeks.append((int(a), b, int(c)))
            elif tag == 1:
                subcategories.append((a, b, int(c)))
            elif tag == 2:
                streets.append((a, int(c)))
            elif tag == 3:
                when.append((int(a), int(b), int(c)))
            else:
                total, beyond_open, still_open, open_with_feedback = int(a), int(b), int(c), int(d)
        subcategories.sort(key=lambda row: (-row[2], row[0], row[1] or ""))
        return PeriodRows(
            weeks=weeks,
            subcategories=subcategories,
            streets=streets,
            when=when,
            total=total,
            followed=beyond_open + open_with_feedback,
            waiting=still_open - open_with_feedback,
        )

    async def waiting(self, group_id: int, start: int, end: int, limit: int) -> list[OpenSignal]:
        """The newest ``limit`` signals of the period without any follow-up."""
        rows = await self._rows(
            "SELECT id, occurred_at, category, subcategory, street FROM signals"
            " WHERE group_id = :g AND occurred_at >= :s AND occurred_at < :e"
            f" AND {_WAITING} ORDER BY occurred_at DESC, id DESC LIMIT :n",
            {"g": group_id, "s": start, "e": end, "n": limit},
        )
        return [
            OpenSignal(
                id=r[0],
                occurred_at=from_epoch(r[1]),
                category=r[2],
                subcategory=r[3],
                street=r[4],
            )
            for r in rows
        ]

    async def week_figures(
        self,
        groups: Sequence[tuple[int, bool]],
        previous_start: int,
        start: int,
        end: int,
        waiting_since: int,
        partner_since: int,
    ) -> dict[int, WeekFigures]:
        """Weekly-summary figures for many groups at once: ``[start, end)`` against the week
        before, open follow-up since ``waiting_since`` / ``partner_since``.

        ``groups`` pairs each group id with whether its new members may be counted (not in the
        week the bot arrived, when every member is new to the bot).
        """
        figures = {group_id: WeekFigures() for group_id, _ in groups}
        ids = json.dumps([group_id for group_id, _ in groups])
        params = {
            "ids": ids,
            "p": previous_start,
            "s": start,
            "e": end,
            "w": waiting_since,
            "ps": partner_since,
        }
        chosen = "group_id IN (SELECT value FROM json_each(:ids))"
        for group_id, category, subcategory, this_week, n in await self._rows(
            "SELECT group_id, category, subcategory, occurred_at >= :s AS this_week, COUNT(*)"
            f" FROM signals WHERE {chosen} AND occurred_at >= :p AND occurred_at < :e"
            f" AND {_COUNTED} GROUP BY group_id, category, subcategory, this_week",
            params,
        ):
            week = figures[group_id]
            side = week.this_week if this_week else week.last_week
            side[category] = side.get(category, 0) + n
            now_n, before_n = week.subcategories.get((category, subcategory), (0, 0))
            week.subcategories[(category, subcategory)] = (
                (now_n + n, before_n) if this_week else (now_n, before_n + n)
            )
        for group_id, waiting, with_partner in await self._rows(
            f"SELECT group_id, COALESCE(SUM(CASE WHEN occurred_at >= :w AND {_WAITING}"
            " THEN 1 ELSE 0 END), 0),"
            f" COALESCE(SUM({_WITH_PARTNER}), 0) FROM signals"
            f" WHERE {chosen} AND occurred_at >= :ps AND occurred_at < :e GROUP BY group_id",
            params,
        ):
            figures[group_id].waiting = int(waiting)
            figures[group_id].with_partner = int(with_partner)
        for group_id, n in await self._rows(
            # CROSS JOIN keeps the week's follow-up events (a small partial index) outermost.
            "SELECT s.group_id, COUNT(DISTINCT e.signal_id) FROM signal_events e"
            " CROSS JOIN signals s ON s.id = e.signal_id"
            f" WHERE e.kind IN ({_FOLLOW_UP_KINDS}) AND e.at >= :s AND e.at < :e"
            f" AND s.{chosen} AND s.{_COUNTED} GROUP BY s.group_id",
            params,
        ):
            figures[group_id].followed_up = int(n)
        new_members_allowed = {group_id for group_id, allowed in groups if allowed}
        for group_id, joined, active in await self._rows(
            "SELECT group_id, COALESCE(SUM(joined_at >= :s AND joined_at < :e), 0),"
            f" COALESCE(SUM(last_seen_at >= :s), 0) FROM members WHERE {chosen}"
            " GROUP BY group_id",
            params,
        ):
            if group_id in new_members_allowed:
                figures[group_id].new_members = int(joined)
            figures[group_id].active_members = int(active)
        return figures
