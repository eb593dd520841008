"""Settings and the command line: invalid settings give one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

SECRET = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BUURTBOT_TELEGRAM_TOKEN", "BUURTBOT_TIMEZONE", "BUURTBOT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.timezone == "Europe/Amsterdam" and settings.language == "nl"
    assert settings.telegram_token is None


def test_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUURTBOT_TELEGRAM_TOKEN", SECRET)
    settings = load_settings(_env_file=None)
    assert settings.telegram_token is not None
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("BUURTBOT_TIMEZONE", "Mars/Olympus", "BUURTBOT_TIMEZONE: unknown time zone"),
        ("BUURTBOT_LANGUAGE", "fr", "BUURTBOT_LANGUAGE"),
        (
            "BUURTBOT_TELEGRAM_TOKEN",
            "not-a-token-abc",
            "BUURTBOT_TELEGRAM_TOKEN: does not look like",
        ),
        ("BUURTBOT_WEBHOOK_URL", "ftp://x", "BUURTBOT_WEBHOOK_URL: must be an http(s):// URL"),
        ("BUURTBOT_RETENTION_DAYS", "0", "BUURTBOT_RETENTION_DAYS"),
    ],
)
def test_invalid_settings_are_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    text = str(caught.value)
    assert message in text and "\n" not in text
    assert "not-a-token-abc" not in text, "a malformed secret is not echoed either"


def test_cli_stops_with_one_line_and_exit_code(tmp_path: Path) -> None:
    env = {"BUURTBOT_TIMEZONE": "Nowhere/Land", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "BUURTBOT_TIMEZONE: unknown time zone 'Nowhere/Land'" in result.stderr
    assert "Traceback" not in result.stderr


def test_terminal_chat_from_piped_input(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/melding",
            "1",
            "2",
            "4",
            "2",
            "Molenlaan 4",
            "1",
            "Matras naast de container",
            "1",
            "2",
            "1",
            ":stop",
        ]
    )
    env = {"BUURTBOT_DB": str(tmp_path / "chat.sqlite3"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat"],
        input=script,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Ik ben buurtbot" in out, "the demo group got its introduction"
    assert "[1] 📝 Melding maken" in out, "buttons are numbered options"
    assert "(naar privé met Anna)" in out
    assert "── in Buurtpreventie Demo-wijk · groep ──" in out, "the post appears in the group"
    assert "Melding: Overlast · Afval en dumping" in out and "Molenlaan 4" in out
    assert "Dank je! Je melding (nr. 1)" in out


def test_terminal_chat_shows_recognised_signals(tmp_path: Path, model_dir: Path) -> None:
    script = "\n".join(
        [
            "Vannacht is mijn fiets gestolen bij het station, zwarte Gazelle",
            "Goedemorgen allemaal, lekker weertje",
            ":coordinator",
            ":reageer 10001 /correctie overlast",
            ":lid",
            ":bewerk 10001 laat maar, foutje, sorry",
            ":stop",
        ]
    )
    env = {
        "BUURTBOT_DB": str(tmp_path / "chat.sqlite3"),
        "BUURTBOT_MODEL_DIR": str(model_dir),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat"],
        input=script,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "(buurtbot reageert met ✍ op bericht 10001)" in result.stdout
    assert not any("10002" in line for line in lines), "chit-chat is left alone"
    assert "Gecorrigeerd: Overlast" in result.stdout
    assert "(buurtbot haalt zijn reactie weg op bericht 10001)" in result.stdout
