"""Conversion between stored epoch seconds and aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def to_epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to storage; times must be aware")
    return int(moment.timestamp())


def from_epoch(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def maybe_from_epoch(value: int | None) -> datetime | None:
    return None if value is None else from_epoch(value)
