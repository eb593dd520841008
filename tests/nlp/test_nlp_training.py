"""Training is deterministic, writes a complete model dir, and ensure_model notices staleness."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from nlp.analyzer import Analyzer
from nlp.corpus import Message, from_corrections
from nlp.pipeline import META_FILE
from nlp.training import DEFAULT_CONFIG, model_fingerprint, train

# A small, fixed training set keeps these tests fast; quality is tested in test_nlp_quality.
SMALL = [
    Message(
        "Er is vannacht ingebroken in de schuur aan de Kerkstraat",
        "criminaliteit",
        "inbraak",
        False,
    ),
    Message("Mijn fiets is gestolen bij het station", "criminaliteit", "diefstal", False),
    Message(
        "Er wordt nu ingebroken, ik zie iemand door het raam klimmen!",
        "criminaliteit",
        "inbraak",
        True,
    ),
    Message(
        "Verdachte man loopt aan alle deurklinken te voelen",
        "criminaliteit",
        "verdachte_persoon",
        True,
    ),
    Message("Harde muziek tot 3 uur bij de buren", "overlast", "geluid", False),
    Message("Jongeren hangen elke avond op het speelplein", "overlast", "jongeren", False),
    Message("Vuilniszakken gedumpt bij de container", "overlast", "afval", False),
    Message("De lantaarnpaal in de Molenstraat is kapot", "overlast", "openbare_ruimte", False),
    Message(
        "Oudere buurman reageert niet op de bel, de post stapelt zich op",
        "zorg",
        "kwetsbare_bewoner",
        False,
    ),
    Message("Er ligt een vrouw op de grond bij de bushalte, help", "zorg", "onwel", True),
    Message("Verwarde man loopt schreeuwend over straat", "zorg", "verward_gedrag", True),
    Message("Heeft iemand een ladder te leen?", "geen", None, False),
    Message("Fijne avond allemaal", "geen", None, False),
    Message("Wanneer is de volgende buurtvergadering?", "geen", None, False),
    Message("Bedankt voor het delen!", "geen", None, False),
] * 4
PROBES = [
    "er is ingebroken",
    "muziek bij de buren",
    "iemand ligt op de grond",
    "ladder te leen",
    "fiets weg",
    "",
]
FAST = replace(DEFAULT_CONFIG, epochs=3)


def predictions(model_dir: Path) -> list[dict[str, object]]:
    analyzer = Analyzer.load(model_dir)
    return [
        {**r.to_dict(), "urgency": r.urgency}
        for r in analyzer.analyze_many((p, None) for p in PROBES)
    ]


def test_same_seed_same_predictions(tmp_path: Path) -> None:
    first = train(tmp_path / "a", seed=3, config=FAST, messages=SMALL)
    second = train(tmp_path / "b", seed=3, config=FAST, messages=SMALL)
    assert first.fingerprint == second.fingerprint
    assert predictions(tmp_path / "a") == predictions(tmp_path / "b")


def test_model_dir_contents_and_report(tmp_path: Path) -> None:
    report = train(tmp_path / "m", seed=0, config=FAST, messages=SMALL)
    assert (tmp_path / "m" / "config.cfg").is_file()
    meta = json.loads((tmp_path / "m" / META_FILE).read_text())
    assert meta["fingerprint"] == report.fingerprint
    assert report.examples == len(SMALL) and report.corrections == 0
    assert report.per_category == {"criminaliteit": 16, "overlast": 16, "zorg": 12, "geen": 16}
    assert "examples" in report.render() and report.as_dict()["seed"] == 0
    # a retrain replaces the directory as a whole (no stale files survive)
    (tmp_path / "m" / "stray.txt").write_text("x")
    train(tmp_path / "m", seed=0, config=FAST, messages=SMALL)
    assert not (tmp_path / "m" / "stray.txt").exists()


@dataclass(frozen=True)
class FakeCorrection:
    text: str
    category: str
    subcategory: str | None
    urgent: bool = False


def test_corrections_are_appended(tmp_path: Path) -> None:
    corrections = [
        FakeCorrection("de kliko van nummer 4 staat al weken op de stoep", "overlast", "afval"),
        FakeCorrection("onzin", "bestaat-niet", None),  # ignored: not a label
        FakeCorrection("graag gedaan", "geen", "afval"),  # geen never has a subcategory
    ]
    report = train(tmp_path / "c", seed=0, config=FAST, messages=SMALL, corrections=corrections)
    assert report.corrections == 2
    assert report.examples == len(SMALL) + 2


def test_corrections_keep_urgency_and_never_leak_held_out() -> None:
    held_out = [Message("Er wordt NU ingebroken bij nr 12!", "criminaliteit", "inbraak", True)]
    corrections = [
        FakeCorrection("er wordt nu  ingebroken bij NR 12!", "overlast", None, True),  # held out
        FakeCorrection("man ligt op straat en reageert niet", "zorg", "onwel", True),
        FakeCorrection("busje staat er al dagen", "overlast", "inbraak"),  # not an overlast kind
        FakeCorrection("loos alarm, het was de kat", "geen", None, True),
    ]
    assert from_corrections(corrections, held_out) == [
        Message("man ligt op straat en reageert niet", "zorg", "onwel", True),
        Message("busje staat er al dagen", "overlast", None, False),
        Message("loos alarm, het was de kat", "geen", None, False),  # geen is never urgent
    ]


def test_empty_training_set_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        train(tmp_path / "e", config=FAST, messages=[])


def test_fingerprint_depends_on_config() -> None:
    assert model_fingerprint(DEFAULT_CONFIG) != model_fingerprint(FAST)
    assert model_fingerprint(DEFAULT_CONFIG) == model_fingerprint(DEFAULT_CONFIG)


def test_ensure_model_trains_only_when_missing_or_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nlp import training

    calls: list[Path] = []

    def fake_train(out_dir: Path, **_: object) -> None:
        calls.append(Path(out_dir))
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "config.cfg").write_text("")
        meta = {"fingerprint": training.model_fingerprint()}
        (Path(out_dir) / META_FILE).write_text(json.dumps(meta))

    monkeypatch.setattr(training, "train", fake_train)
    target = tmp_path / "model"
    assert training.ensure_model(target) == target
    training.ensure_model(target)
    assert calls == [target]  # fresh: not retrained
    (target / META_FILE).write_text(json.dumps({"fingerprint": "stale"}))
    training.ensure_model(target)
    assert calls == [target, target]
    (target / "config.cfg").unlink()  # an incomplete directory is not a model
    training.ensure_model(target)
    assert len(calls) == 3
