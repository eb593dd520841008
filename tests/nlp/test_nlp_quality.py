"""Model quality on the held-out split: the targets of the issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.corpus import HELDOUT_DIR, corpus_files
from nlp.evaluation import EvalReport, evaluate

MACRO_F1_TARGET = 0.90
URGENCY_RECALL_TARGET = 0.90


@pytest.fixture(scope="module")
def report(model_dir: Path) -> EvalReport:
    if not corpus_files(HELDOUT_DIR):
        pytest.skip("no held-out corpus yet")
    return evaluate(model_dir)


def test_macro_f1_on_heldout(report: EvalReport) -> None:
    assert report.macro_f1 >= MACRO_F1_TARGET, report.render()


def test_urgency_recall_on_heldout(report: EvalReport) -> None:
    assert report.urgency_recall >= URGENCY_RECALL_TARGET, report.render()


def test_every_label_is_recognised(report: EvalReport) -> None:
    for label, score in report.per_label.items():
        assert score.support > 0, f"no held-out examples of {label}"
        assert score.f1 >= 0.75, report.render()


def test_report_renders_all_parts(report: EvalReport) -> None:
    text = report.render()
    for part in ("precision", "recall", "macro-F1", "Confusion matrix", "Urgency"):
        assert part in text
    data = report.as_dict()
    assert data["macro_f1"] == report.macro_f1
    assert len(data["confusion"]) == 4 and all(len(row) == 4 for row in data["confusion"])
    assert sum(map(sum, data["confusion"])) == report.examples
