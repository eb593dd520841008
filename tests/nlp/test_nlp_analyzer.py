"""The Analyzer API used by the bot: results, JSON shape and bad input."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from nlp.analyzer import Analysis, Analyzer
from nlp.taxonomy import LABELS, SUBCATEGORIES
from nlp.textnorm import CLASSIFY_MAX_CHARS

AMS = ZoneInfo("Europe/Amsterdam")
SENT = datetime(2026, 11, 18, 14, 0, tzinfo=AMS)


def check_sane(result: Analysis) -> None:
    assert result.category in LABELS
    if result.category == "geen":
        assert result.subcategory is None and not result.urgent
    else:
        assert result.subcategory in SUBCATEGORIES[result.category]
    assert 0.0 <= result.confidence <= 1.0
    assert 0.0 <= result.urgency <= 1.0
    json.dumps(result.to_dict())  # serialisable


def test_to_dict_has_exactly_the_classify_fields(analyzer: Analyzer) -> None:
    result = analyzer.analyze(
        "Vannacht om 3 uur ingebroken bij Dorpsstraat 12a, witte bus XK-12-HD reed weg", SENT
    )
    data = result.to_dict()
    assert list(data) == ["text", "category", "subcategory", "confidence", "urgent", "entities"]
    assert list(data["entities"]) == ["locations", "plates", "times", "signalement"]
    assert data["entities"]["locations"][0]["street"] == "Dorpsstraat"
    assert data["entities"]["plates"][0]["value"] == "XK-12-HD"
    assert data["entities"]["times"][0]["value"] == "2026-11-18T03:00:00+01:00"
    assert data["entities"]["signalement"]["voertuig"]["kleur"] == "wit"
    check_sane(result)


def test_analyze_many_keeps_order_and_matches_analyze(analyzer: Analyzer) -> None:
    texts = ["Heeft iemand een ladder te leen?", "", "Er ligt een man op de grond, help!"]
    many = analyzer.analyze_many([(t, SENT) for t in texts])
    assert [r.text for r in many] == texts
    for batched, alone in zip(many, [analyzer.analyze(t, SENT) for t in texts], strict=True):
        # A batch pads its matrices, so the scores may differ in the last float bits.
        assert batched.confidence == pytest.approx(alone.confidence, abs=1e-6)
        assert batched.urgency == pytest.approx(alone.urgency, abs=1e-6)
        same_scores = replace(batched, confidence=alone.confidence, urgency=alone.urgency)
        assert same_scores == alone


def test_sent_at_none_naive_and_aware(analyzer: Analyzer) -> None:
    text = "gisteravond om 23:15 een knal gehoord"
    naive = analyzer.analyze(text, datetime(2026, 11, 18, 14, 0))
    aware = analyzer.analyze(text, SENT.astimezone(UTC))
    assert naive.entities.times[0].value == aware.entities.times[0].value
    assert naive.entities.times[0].value.isoformat() == "2026-11-17T23:15:00+01:00"
    now = analyzer.analyze("zojuist een knal gehoord")
    assert now.entities.times[0].value.tzinfo is not None


class TestBadInput:
    @pytest.mark.parametrize("text", ["", "   ", "\n\t \n", "😀😀😀", "👍", "!!!???", "🚓🚨🏠"])
    def test_nothing_to_classify_is_geen(self, analyzer: Analyzer, text: str) -> None:
        result = analyzer.analyze(text, SENT)
        assert (result.category, result.subcategory, result.urgent) == ("geen", None, False)
        assert result.confidence == 1.0
        assert result.to_dict()["entities"] == {
            "locations": [],
            "plates": [],
            "times": [],
            "signalement": {},
        }

    def test_very_long_message(self, analyzer: Analyzer) -> None:
        text = "Er wordt ingebroken aan de Kerkstraat 5! " + "bla " * 5000
        assert len(text) > 20_000
        result = analyzer.analyze(text, SENT)
        check_sane(result)
        assert result.text == text  # echoed in full, only read in part
        assert result.entities.locations[0].street == "Kerkstraat"

    def test_long_message_entities_are_capped(self, analyzer: Analyzer) -> None:
        text = "x " * CLASSIFY_MAX_CHARS * 5 + "Kerkstraat 5 kenteken XK-12-HD"
        result = analyzer.analyze(text, SENT)
        assert result.entities.locations == () and result.entities.plates == ()

    def test_control_characters_and_nul(self, analyzer: Analyzer) -> None:
        result = analyzer.analyze("inbraak\x00 bij\x07 de\x1b Kerkstraat\u200b 5\x7f", SENT)
        check_sane(result)
        assert result.entities.locations[0].street == "Kerkstraat"

    @pytest.mark.parametrize(
        "text",
        [
            "Verdachte man bij de Jumbo, говорит по-русски, يتكلم العربية",
            "你好 er staat een auto met kenteken XK-12-HD 已经两天",
            "مرحبا",
            "Привет всем",
            "ג'ק",
        ],
    )
    def test_mixed_scripts(self, analyzer: Analyzer, text: str) -> None:
        check_sane(analyzer.analyze(text, SENT))

    @pytest.mark.parametrize("text", ["https://example.com/a?b=c", "www.buurtpreventie.nl"])
    def test_only_a_url(self, analyzer: Analyzer, text: str) -> None:
        check_sane(analyzer.analyze(text, SENT))

    def test_surrogates_and_odd_unicode(self, analyzer: Analyzer) -> None:
        for text in ["\ud800 los surrogaat", "İstanbul İİİ straat", "\ufffd\ufffd"]:
            check_sane(analyzer.analyze(text, SENT))


def test_model_loads_in_a_fresh_process(model_dir: object) -> None:
    import subprocess
    import sys

    code = (
        "import sys, nlp.analyzer as a; "
        "r = a.Analyzer.load(sys.argv[1]).analyze('Help, er ligt iemand op straat'); "
        "print(r.category)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(model_dir)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() in LABELS


def test_shared_features_give_the_same_scores_as_the_spacy_pipeline(analyzer: Analyzer) -> None:
    """The analyzer computes shared features once; spaCy's own pipe must agree exactly
    (label names are unique across components, so doc.cats holds every score)."""
    texts = [
        "Er wordt ingebroken bij Kerkstraat 5!",
        "Heeft iemand een ladder?",
        "HELP man op grond",
    ]
    scores = analyzer.scores(texts)
    nlp = analyzer._nlp
    for row, doc in enumerate(nlp.pipe(texts)):
        for column, label in enumerate(scores.labels):
            assert abs(doc.cats[label] - float(scores.label_probs[row, column])) < 1e-6
        assert abs(doc.cats["urgent"] - float(scores.urgency[row])) < 1e-6
