"""Reading the association's file of regional activities (YAML or CSV), all rows validated.

Fields: title, kind, starts_at, ends_at, location, region (a gemeente name, or "landelijk"),
levels, description, url, and optionally id (a stable identity chosen by the association, so an
activity can be moved to another date without becoming a new one). A file with any invalid row
yields errors only: nothing of it is imported.

Row numbers are what the author sees: in a CSV file the spreadsheet row (the header is row 1),
in a YAML file the position of the entry in the list (the first entry is row 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from bot.activities import (
    KIND_LEVELS,
    MAX_DESCRIPTION,
    MAX_LOCATION,
    MAX_TITLE,
    MAX_URL,
    activity_key,
    clean_region,
    parse_kind,
    parse_levels,
    region_key,
)
from bot.impact_models import ActivityDraft, ActivityKind

FIELDS = (
    "id",
    "title",
    "kind",
    "starts_at",
    "ends_at",
    "location",
    "region",
    "levels",
    "description",
    "url",
)
MAX_ROWS = 5000
MAX_ID = 64
_DATETIME_FORMATS = ("%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class RowError:
    """Why a row was refused: ``code`` has a catalogue text ``activities.import_errors.<code>``."""

    row: int  # 0: the file as a whole
    field: str
    code: str
    value: str = ""


@dataclass(frozen=True)
class ImportFile:
    drafts: tuple[ActivityDraft, ...]
    errors: tuple[RowError, ...]


def _error(code: str) -> PydanticCustomError:
    return PydanticCustomError(code, code)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _moment(value: object, tz: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        raise _error("no_time")
    else:
        text = str(value).strip()
        if not text:
            return None
        parsed = _iso_moment(text) or _dutch_moment(text)
        if parsed is None:
            raise _error("no_time" if _looks_like_date(text) else "bad_date")
        moment = parsed
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def _iso_moment(text: str) -> datetime | None:
    if len(text) <= 10:  # a date alone: no time
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _zone(info: ValidationInfo) -> ZoneInfo:
    context = info.context if isinstance(info.context, dict) else {}
    zone = context.get("tz")
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo("Europe/Amsterdam")


def _dutch_moment(text: str) -> datetime | None:
    for layout in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    return None


def _looks_like_date(text: str) -> bool:
    for layout in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            datetime.strptime(text, layout)
        except ValueError:
            continue
        return True
    return False


def _limited(value: object, limit: int) -> str | None:
    text = _text(value)
    if text is not None and len(text) > limit:
        raise _error("too_long")
    return text


class ActivityRow(BaseModel):
    """One row of the file; validators raise errors whose type is the catalogue code."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    title: str
    kind: ActivityKind
    starts_at: datetime
    ends_at: datetime | None = None
    location: str | None = None
    region: str
    levels: tuple[int, ...] | None = None
    description: str | None = None
    url: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> str | None:
        return _limited(value, MAX_ID)

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: object) -> str:
        text = _limited(value, MAX_TITLE)
        if text is None:
            raise _error("missing")
        return text

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> ActivityKind:
        text = _text(value)
        if text is None:
            raise _error("missing")
        kind = parse_kind(text)
        if kind is None:
            raise _error("unknown_kind")
        return kind

    @field_validator("starts_at", mode="before")
    @classmethod
    def _starts(cls, value: object, info: ValidationInfo) -> datetime:
        moment = _moment(value, _zone(info))
        if moment is None:
            raise _error("missing")
        return moment

    @field_validator("ends_at", mode="before")
    @classmethod
    def _ends(cls, value: object, info: ValidationInfo) -> datetime | None:
        moment = _moment(value, _zone(info))
        starts = info.data.get("starts_at")
        if moment is not None and isinstance(starts, datetime) and moment <= starts:
            raise _error("end_before_start")
        return moment

    @field_validator("location", mode="before")
    @classmethod
    def _location(cls, value: object) -> str | None:
        return _limited(value, MAX_LOCATION)

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, value: object) -> str:
        text = _text(value)
        if text is None:
            raise _error("missing")
        if region_key(text) == "*":
            return text
        region = clean_region(text)
        if region is None:
            raise _error("bad_region")
        return region

    @field_validator("levels", mode="before")
    @classmethod
    def _levels(cls, value: object) -> tuple[int, ...] | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        levels = parse_levels(value)
        if levels is None:
            raise _error("bad_levels")
        return levels

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, value: object) -> str | None:
        return _limited(value, MAX_DESCRIPTION)

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, value: object) -> str | None:
        text = _limited(value, MAX_URL)
        if text is not None and (
            not text.startswith(("https://", "http://")) or any(c.isspace() for c in text)
        ):
            raise _error("bad_url")
        return text

    def draft(self) -> ActivityDraft:
        key = f"id:{self.id}" if self.id else activity_key(self.title, self.starts_at, self.region)
        return ActivityDraft(
            key=key,
            kind=self.kind,
            title=self.title,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            location=self.location or "",
            region=self.region,
            region_key=region_key(self.region),
            levels=self.levels or KIND_LEVELS[self.kind],
            description=self.description or "",
            url=self.url,
        )


def _rows_from_yaml(text: str) -> list[tuple[int, object]]:
    loaded = yaml.safe_load(text)
    if isinstance(loaded, dict):
        for name in ("activiteiten", "activities"):
            if name in loaded:
                loaded = loaded[name]
                break
    if loaded is None:
        return []
    if not isinstance(loaded, list):
        raise ValueError("not_a_list")
    return list(enumerate(loaded, start=1))


def _rows_from_csv(text: str) -> list[tuple[int, object]]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        return []
    reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames]
    rows: list[tuple[int, object]] = []
    for record in reader:
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue  # an empty line
        rows.append((reader.line_num, record))
    return rows


def _row_errors(row: int, exc: ValidationError, raw: dict[str, Any]) -> list[RowError]:
    errors = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        code = error["type"]
        if code not in _CODES:
            code = {"enum": "unknown_kind"}.get(code, "invalid")
        value = raw.get(field)
        errors.append(RowError(row, field, code, "" if value is None else str(value)[:60]))
    return errors


_CODES = frozenset(
    {
        "missing",
        "too_long",
        "unknown_kind",
        "no_time",
        "bad_date",
        "end_before_start",
        "bad_region",
        "bad_levels",
        "bad_url",
    }
)


def parse_activities(text: str, *, csv_format: bool, tz: ZoneInfo) -> ImportFile:
    """Validate every row; the drafts are only usable when there are no errors."""
    try:
        rows = _rows_from_csv(text) if csv_format else _rows_from_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        return ImportFile((), (RowError(0, "", "yaml_syntax", str(line)),))
    except (ValueError, csv.Error):
        return ImportFile((), (RowError(0, "", "not_a_list"),))
    if not rows:
        return ImportFile((), (RowError(0, "", "empty"),))
    if len(rows) > MAX_ROWS:
        return ImportFile((), (RowError(0, "", "too_many", str(MAX_ROWS)),))
    drafts: list[ActivityDraft] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        if not isinstance(raw, dict):
            errors.append(RowError(number, "", "not_a_row"))
            continue
        record = {str(key).strip().lower(): value for key, value in raw.items() if key is not None}
        try:
            parsed = ActivityRow.model_validate(record, context={"tz": tz})
        except ValidationError as exc:
            errors.extend(_row_errors(number, exc, record))
            continue
        draft = parsed.draft()
        if draft.key in seen:
            errors.append(RowError(number, "", "duplicate", str(seen[draft.key])))
            continue
        seen[draft.key] = number
        drafts.append(draft)
    return ImportFile(tuple(drafts), tuple(errors))


def read_activities(path: Path, tz: ZoneInfo) -> ImportFile:
    """Read and validate a .yaml/.yml or .csv file."""
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv"):
        return ImportFile((), (RowError(0, "", "unknown_format", suffix),))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ImportFile((), (RowError(0, "", "unreadable"),))
    return parse_activities(text, csv_format=suffix == ".csv", tz=tz)
