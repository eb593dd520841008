"""The group's impact level in the weekly summary."""

from __future__ import annotations

from bot.impact_models import GroupFacts
from tests.harness import Chats, Clock
from tests.impact.conftest import group_with_region


async def test_the_weekly_summary_shows_the_level_and_what_the_next_asks(
    chats: Chats, clock: Clock
) -> None:
    group = await group_with_region(chats)
    services = chats.bot.services
    text = await services.summaries.preview(group, clock.now)
    assert "<b>Impactniveau</b>\nNog niet bepaald" in text and "/niveau" in text

    await services.impact.assessments.add(
        group.id, None, clock.now, 2, {}, GroupFacts(measured_at=clock.now)
    )
    clock.advance(days=1)
    text = await services.summaries.preview(group, clock.now)
    assert "Niveau 2 · Gezamenlijke verwachtingen (gemeten wo 18 nov 2026)" in text
    assert "Op weg naar niveau 3 · Co-operatie" in text
    assert text.index("Impactniveau") < text.index("Wat komt er"), "before the closing section"
