"""`buurtbot activities import`: every row validated, errors by row number, all or nothing,
re-importing never duplicates."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.activity_cli import import_file
from bot.activity_import import parse_activities
from bot.cli import main
from bot.impact_models import Activity, ActivityKind
from bot.settings import Settings
from storage.activities import ActivityRepository
from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)

GOOD_ROW = {
    "title": "Wijkschouw",
    "kind": "schouw",
    "starts_at": "2026-12-05 10:00",
    "region": "Zaanstad",
}


async def stored(settings: Settings) -> list[Activity]:
    db = await Database.open(settings.db)
    try:
        return await ActivityRepository(db).upcoming(
            NOW - timedelta(days=3650), NOW + timedelta(days=3650)
        )
    finally:
        await db.close()


async def run_import(settings: Settings, path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await import_file(settings, path, out, err, now=NOW)
    return code, out.getvalue(), err.getvalue()


def yaml_rows(*rows: Mapping[str, object]) -> str:
    import yaml

    return yaml.safe_dump({"activiteiten": list(rows)}, allow_unicode=True)


def test_the_examples_are_valid() -> None:
    for name, csv_format in (("activiteiten.yaml", False), ("activiteiten.csv", True)):
        text = (ROOT / "examples" / name).read_text("utf-8")
        parsed = parse_activities(text, csv_format=csv_format, tz=AMS)
        assert parsed.errors == () and len(parsed.drafts) >= 3, name


def test_fields_are_read_with_local_time_default_levels_and_nationwide_region() -> None:
    parsed = parse_activities(
        yaml_rows(
            GOOD_ROW,
            {**GOOD_ROW, "title": "Training", "kind": "Training", "levels": "4-5"},
            {**GOOD_ROW, "title": "Online", "kind": "regionale activiteit", "region": "landelijk"},
        ),
        csv_format=False,
        tz=AMS,
    )
    assert parsed.errors == ()
    schouw, training, online = parsed.drafts
    assert schouw.starts_at == datetime(2026, 12, 5, 10, 0, tzinfo=AMS)
    assert schouw.levels == (1, 2) and schouw.region_key == "zaanstad"
    assert training.kind is ActivityKind.TRAINING and training.levels == (4, 5)
    assert online.region_key == "*" and online.levels == (1, 2, 3, 4, 5)


def test_each_bad_row_is_reported_with_its_row_number_and_reason() -> None:
    rows = [
        GOOD_ROW,  # 1
        {**GOOD_ROW, "title": "Slechte datum", "starts_at": "5 december"},  # 2
        {**GOOD_ROW, "title": "Onbekend", "kind": "barbecue"},  # 3
        {**GOOD_ROW, "title": "Niveau", "levels": "2,7"},  # 4
        {key: value for key, value in GOOD_ROW.items() if key != "region"},  # 5
        {**GOOD_ROW, "title": "Zonder tijd", "starts_at": "2026-12-05"},  # 6
        {**GOOD_ROW, "title": "Eind", "ends_at": "2026-12-05 09:00"},  # 7
        {**GOOD_ROW, "title": "Link", "url": "javascript:alert(1)"},  # 8
        {**GOOD_ROW, "title": ""},  # 9
    ]
    parsed = parse_activities(yaml_rows(*rows), csv_format=False, tz=AMS)
    found = {(e.row, e.field, e.code) for e in parsed.errors}
    assert found == {
        (2, "starts_at", "bad_date"),
        (3, "kind", "unknown_kind"),
        (4, "levels", "bad_levels"),
        (5, "region", "missing"),
        (6, "starts_at", "no_time"),
        (7, "ends_at", "end_before_start"),
        (8, "url", "bad_url"),
        (9, "title", "missing"),
    }


def test_csv_rows_are_numbered_as_in_a_spreadsheet() -> None:
    text = (
        "title,kind,starts_at,region,levels\n"
        "Schouw,schouw,2026-12-05 10:00,Zaanstad,1\n"
        "Kapot,schouw,31-02-2026 10:00,Zaanstad,1\n"
        "Fout niveau,training,2026-12-06 10:00,Zaanstad,9\n"
    )
    parsed = parse_activities(text, csv_format=True, tz=AMS)
    assert {(e.row, e.field, e.code) for e in parsed.errors} == {
        (3, "starts_at", "bad_date"),
        (4, "levels", "bad_levels"),
    }


def test_duplicates_within_a_file_are_refused() -> None:
    parsed = parse_activities(yaml_rows(GOOD_ROW, dict(GOOD_ROW)), csv_format=False, tz=AMS)
    assert [(e.row, e.code, e.value) for e in parsed.errors] == [(2, "duplicate", "1")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("activiteiten: [unclosed", "yaml_syntax"),
        ("just a string", "not_a_list"),
        ("", "empty"),
        ("activiteiten:\n  - 3\n", "not_a_row"),
    ],
)
def test_broken_yaml_files(text: str, code: str) -> None:
    parsed = parse_activities(text, csv_format=False, tz=AMS)
    assert parsed.drafts == () or parsed.errors
    assert [e.code for e in parsed.errors] == [code]


async def test_a_file_with_one_bad_row_imports_nothing(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "agenda.yaml"
    path.write_text(
        yaml_rows(GOOD_ROW, {**GOOD_ROW, "title": "Tweede", "kind": "barbecue"}), "utf-8"
    )
    code, out, err = await run_import(settings, path)
    assert code == 1 and out == ""
    assert "rij 2, kind: onbekende soort" in err and "barbecue" in err
    assert "Niets geïmporteerd: 1 fout(en)" in err
    assert await stored(settings) == []


async def test_reimport_updates_and_never_duplicates(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "agenda.yaml"
    moved = {**GOOD_ROW, "id": "schouw-1", "title": "Met id"}
    path.write_text(yaml_rows(GOOD_ROW, moved), "utf-8")
    code, out, _ = await run_import(settings, path)
    assert code == 0 and "2 nieuw, 0 bijgewerkt, 0 ongewijzigd" in out
    first = {a.key: a.id for a in await stored(settings)}

    code, out, _ = await run_import(settings, path)
    assert code == 0 and "0 nieuw, 0 bijgewerkt, 2 ongewijzigd" in out

    changed = {**GOOD_ROW, "description": "Nu met uitleg"}
    path.write_text(yaml_rows(changed, {**moved, "starts_at": "2026-12-12 10:00"}), "utf-8")
    code, out, _ = await run_import(settings, path)
    assert code == 0 and "0 nieuw, 2 bijgewerkt" in out
    after = await stored(settings)
    assert {a.key: a.id for a in after} == first, "same activities, same ids"
    by_key = {a.key: a for a in after}
    assert by_key["id:schouw-1"].starts_at == datetime(2026, 12, 12, 10, 0, tzinfo=AMS)
    assert any(a.description == "Nu met uitleg" for a in after)


def test_the_cli_command(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BUURTBOT_DB", str(settings.db))
    assert main(["activities", "import", str(ROOT / "examples" / "activiteiten.csv")]) == 0
    assert "3 nieuw" in capsys.readouterr().out
    assert main(["activities", "import", str(ROOT / "examples" / "nope.yaml")]) == 1
    assert "niet gevonden" in capsys.readouterr().err
    assert len(asyncio.run(stored(settings))) == 3
