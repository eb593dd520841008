"""Level computation: each boundary, and levels are cumulative."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.impact import (
    DATA_RULES,
    STATEMENTS,
    compute_level,
    parse_answers,
)
from bot.impact_models import Answer, GroupFacts

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


def answers_up_to(level: int, answer: Answer = Answer.JA) -> dict[str, Answer]:
    """Every statement of levels 1..level answered ``answer``, the rest "nee"."""
    return {s.id: answer if s.level <= level else Answer.NEE for s in STATEMENTS}


def facts_up_to(level: int) -> GroupFacts:
    """Facts that satisfy exactly the data rules of levels 1..level."""
    values = {rule.field: rule.needed if rule.level <= level else 0 for rule in DATA_RULES}
    return GroupFacts(measured_at=NOW, **values)


def test_every_level_has_two_statements_and_a_data_rule() -> None:
    for level in range(1, 6):
        assert len([s for s in STATEMENTS if s.level == level]) == 2
        assert [r for r in DATA_RULES if r.level == level]


def test_nothing_met_is_level_one() -> None:
    result = compute_level({}, GroupFacts(measured_at=NOW))
    assert result.level == 1 and result.by_answers == 1
    assert result.blocking is not None and result.blocking.level == 1
    assert result.next_level == 2


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_meeting_levels_one_to_n_gives_n(level: int) -> None:
    result = compute_level(answers_up_to(level), facts_up_to(level))
    assert result.level == level
    assert [check.level for check in result.reached] == list(range(1, level + 1))


@pytest.mark.parametrize("boundary", [2, 3, 4, 5])
def test_one_data_point_short_stays_below_the_boundary(boundary: int) -> None:
    """Answers for the boundary level, data one short on one of its rules: one level lower."""
    for rule in (r for r in DATA_RULES if r.level == boundary):
        facts = facts_up_to(boundary).model_copy(update={rule.field: rule.needed - 1})
        result = compute_level(answers_up_to(boundary), facts)
        assert result.level == boundary - 1, rule.id
        blocking = result.blocking
        assert blocking is not None and blocking.level == boundary
        assert [c.rule.id for c in blocking.missing_data] == [rule.id]
        assert result.by_answers == boundary, "the answers alone would reach it"


@pytest.mark.parametrize("boundary", [2, 3, 4, 5])
def test_answers_need_ja_plus_deels(boundary: int) -> None:
    facts = facts_up_to(boundary)
    statements = [s for s in STATEMENTS if s.level == boundary]
    answers = answers_up_to(boundary)
    answers[statements[0].id], answers[statements[1].id] = Answer.JA, Answer.DEELS
    assert compute_level(answers, facts).level == boundary, "ja + deels is enough"
    answers[statements[0].id] = Answer.DEELS
    result = compute_level(answers, facts)
    assert result.level == boundary - 1, "deels + deels is not"
    assert result.check(boundary).weak == tuple(statements)


def test_levels_are_cumulative_level_four_without_level_two_stays_at_one() -> None:
    answers = {s.id: Answer.JA if s.level != 2 else Answer.NEE for s in STATEMENTS}
    facts = facts_up_to(5)
    result = compute_level(answers, facts)
    assert result.level == 1
    assert result.check(4).met and result.check(3).met and not result.check(2).met
    assert result.by_answers == 1


def test_data_of_higher_levels_does_not_lift_a_level_whose_own_data_is_missing() -> None:
    facts = facts_up_to(5).model_copy(update={"signal_weeks_8": 0})
    assert compute_level(answers_up_to(5), facts).level == 1


def test_parse_answers_drops_unknown_statements_and_values() -> None:
    parsed = parse_answers({"beeld": 2, "relevant": "1", "bogus": 2, "regels": 7, "taken": None})
    assert parsed == {"beeld": Answer.JA, "relevant": Answer.DEELS}
