"""The impact level of a group (1-5), as pure functions.

The five levels are those of the national association of safety initiatives (see DESIGN.md,
"Impactniveau"): 1 Gezamenlijk perspectief, 2 Gezamenlijke verwachtingen, 3 Co-operatie,
4 Groei, 5 Innovatie. Each level has two statements for the coordinators' questionnaire and
one or two checks on what the bot's own data shows. A level is met when its statements are
answered at least "ja" + "deels" and its data checks hold. Levels are cumulative: a group is at
level N when levels 1..N are all met; every group is at least at level 1, where it works on a
shared perspective.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.impact_models import LEVELS, Answer, GroupFacts


@dataclass(frozen=True)
class Statement:
    """One questionnaire statement; its text is ``impact.statements.<id>``."""

    id: str
    level: int


STATEMENTS: tuple[Statement, ...] = (
    # 1 Gezamenlijk perspectief: a shared view of the buurt, its people and its problems.
    Statement("beeld", 1),
    Statement("relevant", 1),
    # 2 Gezamenlijke verwachtingen: signalling rules, tasks and responsibilities.
    Statement("regels", 2),
    Statement("taken", 2),
    # 3 Co-operatie: coordinated action with partners and feedback both ways.
    Statement("partners", 3),
    Statement("terugkoppeling", 3),
    # 4 Groei: new members onboarded, training, regular meetings and rosters.
    Statement("nieuwe_leden", 4),
    Statement("training", 4),
    # 5 Innovatie: members' ideas taken up and helped on by coordinators.
    Statement("ideeen", 5),
    Statement("hub", 5),
)

# Points a level's statements need together (each: nee 0, deels 1, ja 2): "ja" + "deels".
STATEMENT_POINTS_NEEDED = 3


@dataclass(frozen=True)
class DataRule:
    """A check on the group's facts; its text is ``impact.data.<id>``."""

    id: str
    level: int
    field: str  # a GroupFacts attribute
    needed: int


DATA_RULES: tuple[DataRule, ...] = (
    DataRule("signals", 1, "signals_90d", 1),  # information is being shared at all
    DataRule("regular", 2, "signal_weeks_8", 3),  # regular signalling under shared rules
    DataRule("follow_up", 3, "followed_up_90d", 2),  # partners follow up and report back
    DataRule("growth", 4, "new_members_180d", 3),  # members join
    DataRule("participation", 4, "attended_180d", 1),  # and take part in activities
    DataRule("ideas", 5, "adopted_ideas_365d", 1),  # members' ideas are adopted
)


@dataclass(frozen=True)
class DataCheck:
    rule: DataRule
    value: int

    @property
    def ok(self) -> bool:
        return self.value >= self.rule.needed


@dataclass(frozen=True)
class LevelCheck:
    """How one level's criteria were met."""

    level: int
    points: int
    weak: tuple[Statement, ...]  # statements not answered "ja"
    data: tuple[DataCheck, ...]

    @property
    def answers_ok(self) -> bool:
        return self.points >= STATEMENT_POINTS_NEEDED

    @property
    def data_ok(self) -> bool:
        return all(check.ok for check in self.data)

    @property
    def met(self) -> bool:
        return self.answers_ok and self.data_ok

    @property
    def missing_data(self) -> tuple[DataCheck, ...]:
        return tuple(check for check in self.data if not check.ok)


@dataclass(frozen=True)
class LevelResult:
    level: int
    by_answers: int  # the level the answers alone would give
    checks: tuple[LevelCheck, ...]  # one per level, 1..5

    def check(self, level: int) -> LevelCheck:
        return self.checks[level - 1]

    @property
    def next_level(self) -> int | None:
        return self.level + 1 if self.level < LEVELS[-1] else None

    @property
    def reached(self) -> tuple[LevelCheck, ...]:
        """The checks that were met in a row from level 1."""
        out = []
        for check in self.checks:
            if not check.met:
                break
            out.append(check)
        return tuple(out)

    @property
    def blocking(self) -> LevelCheck | None:
        """The first level that is not met (what stands between the group and a higher level)."""
        return next((check for check in self.checks if not check.met), None)


def parse_answers(raw: Mapping[str, object]) -> dict[str, Answer]:
    """Answers keyed by statement id; unknown ids and values are dropped."""
    known = {statement.id for statement in STATEMENTS}
    answers: dict[str, Answer] = {}
    for key, value in raw.items():
        if key not in known:
            continue
        try:
            answers[key] = Answer(int(value))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            continue
    return answers


def _cumulative(met: list[bool]) -> int:
    level = 1
    for index, ok in enumerate(met, start=1):
        if not ok:
            break
        level = max(level, index)
    return level


def compute_level(answers: Mapping[str, Answer], facts: GroupFacts) -> LevelResult:
    """The group's level from the questionnaire and the data; unanswered counts as "nee"."""
    checks = []
    for level in LEVELS:
        statements = tuple(s for s in STATEMENTS if s.level == level)
        given = [answers.get(s.id, Answer.NEE) for s in statements]
        data = tuple(
            DataCheck(rule, int(getattr(facts, rule.field)))
            for rule in DATA_RULES
            if rule.level == level
        )
        checks.append(
            LevelCheck(
                level=level,
                points=sum(int(answer) for answer in given),
                weak=tuple(s for s, a in zip(statements, given, strict=True) if a is not Answer.JA),
                data=data,
            )
        )
    return LevelResult(
        level=_cumulative([check.met for check in checks]),
        by_answers=_cumulative([check.answers_ok for check in checks]),
        checks=tuple(checks),
    )
