"""All extractors together: overlaps between them, caps, and the JSON shape."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from nlp.entities import extract_entities
from nlp.textnorm import ENTITY_MAX_CHARS, clean, has_words

SENT = datetime(2026, 11, 18, 14, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_house_number_addition_is_not_a_date() -> None:
    found = extract_entities("inbraak Dorpsstraat 12-2, gisteren om 15:00", SENT)
    assert [loc.number for loc in found.locations] == ["12-2"]
    assert [t.text for t in found.times] == ["gisteren om 15:00"]


def test_postcode_shaped_plate_after_kenteken_is_a_plate() -> None:
    found = extract_entities("zwarte auto, kenteken 1234AB, bij postcode 5678 CD", SENT)
    assert [p.value for p in found.plates] == ["12-34-AB"]
    assert [loc.postcode for loc in found.locations] == ["5678 CD"]


def test_everything_in_one_report() -> None:
    text = (
        "Vannacht om 3 uur: man van ongeveer 30 jaar in zwarte hoodie probeerde deuren op de "
        "hoek Kerkweg/Molenlaan, stapte in een grijze Opel Corsa XK-123-B, richting de snelweg"
    )
    data = extract_entities(text, SENT).to_dict()
    assert data["times"] == [
        {"text": "Vannacht om 3 uur", "value": "2026-11-18T03:00:00+01:00", "granularity": "exact"}
    ]
    assert data["locations"][0]["kind"] == "corner"
    assert data["plates"][0]["value"] == "XK-123-B"
    signalement = data["signalement"]
    assert signalement["geslacht"] == "man" and signalement["leeftijd"] == "ongeveer 30 jaar"
    assert signalement["kleding"] == ["zwarte hoodie"]
    assert signalement["voertuig"] == {
        "soort": "auto",
        "merk": "Opel",
        "model": "Corsa",
        "kleur": "grijs",
        "kenteken": "XK-123-B",
    }
    assert signalement["richting"] == "de snelweg"


def test_entities_are_read_from_a_capped_window() -> None:
    text = "a " * ENTITY_MAX_CHARS + "Kerkstraat 5"
    assert extract_entities(text, SENT).locations == ()
    assert extract_entities("Kerkstraat 5 " + text, SENT).locations[0].street == "Kerkstraat"


def test_clean_removes_controls_and_caps() -> None:
    assert clean("a\x00b\x07c\u200bd\ne", 100) == "a b cd\ne"
    assert clean("x" * 50, 10) == "x" * 10
    assert clean("\ud800 kapot", 100) == "\ufffd kapot"
    assert not has_words("😀 !!! ...") and has_words("ok")
