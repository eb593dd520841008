"""Domain types shared by services, handlers and storage."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nlp.taxonomy import CATEGORIES, SUBCATEGORIES, URGENT_CAPABLE, is_subcategory

__all__ = [
    "CATEGORIES",
    "SUBCATEGORIES",
    "URGENT_CAPABLE",
    "Group",
    "Member",
    "Role",
    "Signal",
    "SignalDraft",
    "SignalEvent",
    "Source",
    "Status",
    "User",
    "is_subcategory",
]


class Role(StrEnum):
    LID = "lid"
    COORDINATOR = "coordinator"
    PARTNER = "partner"


class Source(StrEnum):
    GUIDED = "guided"
    CHAT = "chat"
    IMPORT = "import"
    SCHOUW = "schouw"


class Status(StrEnum):
    OPEN = "open"
    DOORGEZET = "doorgezet"  # passed on to a partner
    IN_BEHANDELING = "in_behandeling"
    AFGEHANDELD = "afgehandeld"
    INGETROKKEN = "ingetrokken"  # not a signal after all (a correction); never counted


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Group(_Model):
    id: int
    messenger: str
    chat_id: str
    title: str
    code: str
    language: str
    active: bool
    created_at: datetime


class User(_Model):
    id: int
    messenger: str
    external_id: str
    display_name: str
    language: str | None


class Member(_Model):
    group_id: int
    user: User
    role: Role
    joined_at: datetime
    last_seen_at: datetime


class SignalDraft(_Model):
    """What a report contributes before it is stored."""

    group_id: int
    reporter_id: int | None
    category: str
    subcategory: str | None = None
    urgent: bool = False
    called_112: bool = False
    source: Source
    occurred_at: datetime
    reported_at: datetime
    street: str | None = None
    description: str | None = None
    location_text: str | None = None
    lat: float | None = None
    lon: float | None = None
    photo_ref: str | None = None
    show_name: bool = False
    confidence: float | None = None
    chat_message_id: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class Signal(SignalDraft):
    id: int
    status: Status = Status.OPEN
    purged: bool = False


class SignalEvent(_Model):
    id: int
    signal_id: int
    at: datetime
    kind: str
    actor_id: int | None
    data: dict[str, Any]
