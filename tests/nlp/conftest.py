"""Shared fixtures: the real model, trained at most once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.analyzer import Analyzer
from nlp.training import ensure_model

REPO = Path(__file__).resolve().parents[2]
# Its own directory under var/ (git-ignored), so tests never race the bot's var/model.
TEST_MODEL_DIR = REPO / "var" / "test-model"


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The model trained on the corpus; retrained only when corpus, config or code changed."""
    return ensure_model(TEST_MODEL_DIR)


@pytest.fixture(scope="session")
def analyzer(model_dir: Path) -> Analyzer:
    return Analyzer.load(model_dir)
