"""``buurtbot activities import FILE``: the association's regional activities into the database."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.activity_import import ImportFile, RowError, read_activities
from bot.i18n import I18n, Translator
from bot.settings import Settings
from storage.activities import ActivityRepository
from storage.db import Database


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    activities = sub.add_parser("activities", help="regional activities of the association")
    actions = activities.add_subparsers(dest="activities_command", required=True)
    importer = actions.add_parser(
        "import", help="import a YAML or CSV file; a file with any invalid row imports nothing"
    )
    importer.add_argument("file", type=Path)


def _describe(t: Translator, error: RowError) -> str:
    reason = t(f"activities.import_errors.{error.code}", value=error.value)
    if error.row == 0:
        return str(reason)
    if not error.field:
        return str(t("activities.import.row_error_no_field", row=error.row, reason=reason))
    value = t("activities.import.value", value=error.value) if error.value else ""
    row, field = error.row, error.field
    return str(t("activities.import.row_error", row=row, field=field, reason=reason, value=value))


def _read(path: Path, settings: Settings) -> ImportFile | None:
    return read_activities(path, settings.tz) if path.is_file() else None


async def import_file(
    settings: Settings, path: Path, out: TextIO, err: TextIO, now: datetime | None = None
) -> int:
    """Validate the whole file, then import it in one transaction; 0 when imported."""
    t = I18n(settings.language).get(settings.language)
    parsed = await asyncio.to_thread(_read, path, settings)
    if parsed is None:
        err.write(f"{t('activities.import.missing_file', path=str(path))}\n")
        return 1
    if parsed.errors:
        for error in parsed.errors:
            err.write(f"{path.name}: {_describe(t, error)}\n")
        err.write(f"{t('activities.import.refused', n=len(parsed.errors), path=str(path))}\n")
        return 1
    db = await Database.open(settings.db)
    try:
        result = await ActivityRepository(db).import_regional(
            list(parsed.drafts), now or datetime.now(UTC)
        )
    finally:
        await db.close()
    done = t(
        "activities.import.done",
        path=str(path),
        added=result.added,
        updated=result.updated,
        unchanged=result.unchanged,
        total=len(parsed.drafts),
    )
    out.write(f"{done}\n")
    return 0


def run(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    return asyncio.run(import_file(settings, args.file, out, err))
