"""Settings from the environment (``BUURTBOT_*``) and an optional ``.env`` file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")


class SettingsError(Exception):
    """Settings could not be read; the message is one line meant for the operator."""


class Settings(BaseSettings):
    """Everything an operator can configure; see the table in README.md."""

    model_config = SettingsConfigDict(
        env_prefix="BUURTBOT_", env_file=".env", extra="ignore", frozen=True
    )

    telegram_token: SecretStr | None = None
    telegram_base_url: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    db: Path = Path("var/buurtbot.sqlite3")
    model_dir: Path = Path("var/model")
    timezone: str = "Europe/Amsterdam"
    language: Literal["nl", "en"] = "nl"
    retention_days: int = Field(default=90, ge=1, le=3650)
    conversation_timeout_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # A chat message is logged as a signal from this classifier confidence on; between the two
    # thresholds the sender is asked, at most once per group per ask interval.
    classify_log_threshold: float = Field(default=0.7, gt=0, le=1)
    classify_ask_threshold: float = Field(default=0.45, gt=0, le=1)
    ask_interval_minutes: int = Field(default=10, ge=0, le=24 * 60)
    # Classify chat messages in a worker process (another core; the bot never loads spaCy).
    nlp_worker: bool = False
    max_concurrent_updates: int = Field(default=64, ge=1, le=4096)
    # Fetched but not yet handled; at this many the bot fetches no more until some are done.
    max_updates_in_hand: int = Field(default=128, ge=1, le=100_000)
    # Telegram's documented flood limits; raise them only for a self-hosted Bot API server.
    rate_limit_per_second: float = Field(default=30, ge=0)
    rate_limit_per_group_per_minute: float = Field(default=20, ge=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not _TOKEN.match(value.get_secret_value().strip()):
            # Never echo the value: it is a secret even when malformed.
            raise ValueError("does not look like a BotFather token (digits:letters)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("telegram_base_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s):// URL")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "settings"
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"BUURTBOT_{field.upper()}: {message}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
