"""Domain types of impact levels, activities, invitations and ideas (issue 5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from pydantic import BaseModel, ConfigDict

LEVELS = (1, 2, 3, 4, 5)
NATIONWIDE = "*"  # region key of an activity open to groups in every gemeente
DEFAULT_DURATION = timedelta(hours=2)  # when an activity has no end time


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ActivityKind(StrEnum):
    SCHOUW = "schouw"
    BIJEENKOMST = "bijeenkomst"  # afspraken en huisregels
    RESULTATEN = "resultaten"  # resultaten bespreken met partners
    TRAINING = "training"
    WERVING = "werving"  # werving en rooster
    IDEEENSESSIE = "ideeensessie"
    REGIONAAL = "regionaal"  # regionale activiteit van de vereniging


class Answer(IntEnum):
    """An answer to one statement of the /niveau questionnaire, with its points."""

    NEE = 0
    DEELS = 1
    JA = 2


class Rsvp(StrEnum):
    JA = "ja"
    MISSCHIEN = "misschien"
    NEE = "nee"


class IdeaStatus(StrEnum):
    VOORGESTELD = "voorgesteld"
    AANGENOMEN = "aangenomen"
    AFGEWEZEN = "afgewezen"


class InvitationState(StrEnum):
    CLAIMED = "claimed"  # reserved in the ledger; being sent (never sent again)
    SENT = "sent"
    FAILED = "failed"  # the group could not be reached


class GroupProfile(_Model):
    """What a group's coordinators set for invitations: its gemeente and weekly maximum."""

    group_id: int
    region: str | None = None
    region_key: str | None = None
    weekly_invitations: int | None = None  # None: the default


class GroupFacts(_Model):
    """What the data shows about a group, over fixed windows ending at ``measured_at``."""

    measured_at: datetime
    signals_90d: int = 0  # signals (not withdrawn) that occurred in the last 90 days
    signal_weeks_8: int = 0  # of the last 8 weeks, how many had at least one signal
    followed_up_90d: int = 0  # of those signals, how many got partner follow-up
    members: int = 0
    new_members_180d: int = 0  # joined in the last 180 days (not counted: the bot's first weeks)
    attended_180d: int = 0  # activities of the last 180 days with at least one 'Ik kom'
    adopted_ideas_365d: int = 0


class AssessmentRecord(_Model):
    id: int
    group_id: int
    assessed_by: int | None
    assessed_at: datetime
    level: int
    answers: dict[str, int]
    facts: GroupFacts


class ActivityDraft(_Model):
    """An activity before it is stored: from the association's file or a coordinator."""

    key: str  # stable identity: re-importing the same activity updates it
    kind: ActivityKind
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    location: str = ""
    region: str | None = None  # gemeente as written; None for a group's own activity
    region_key: str | None = None
    levels: tuple[int, ...]
    description: str = ""
    url: str | None = None
    group_id: int | None = None  # the group that organises it; None: regional
    created_by: int | None = None


class Activity(ActivityDraft):
    id: int
    created_at: datetime
    cancelled: bool = False

    @property
    def regional(self) -> bool:
        return self.group_id is None

    @property
    def ends(self) -> datetime:
        return self.ends_at or self.starts_at + DEFAULT_DURATION


class Invitation(_Model):
    id: int
    activity_id: int
    group_id: int
    claimed_at: datetime
    state: InvitationState
    sent_at: datetime | None = None
    message_id: str | None = None


class RsvpCounts(_Model):
    ja: int = 0
    misschien: int = 0
    nee: int = 0


class Idea(_Model):
    id: int
    group_id: int
    proposer_id: int | None
    text: str
    proposed_at: datetime
    status: IdeaStatus
    decided_by: int | None = None
    decided_at: datetime | None = None
    message_id: str | None = None
