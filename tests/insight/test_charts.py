"""Chart images: a real PNG of a sensible size, drawn without a display."""

from __future__ import annotations

import struct
import zlib

from bot.charts import (
    CATEGORY_COLOURS,
    DPI,
    HEIGHT_INCHES,
    WIDTH_INCHES,
    BarChart,
    Charts,
    Series,
    plain,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, checking signature and chunk CRC."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    body = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert crc == zlib.crc32(kind + body)
    width, height = struct.unpack(">II", body[:8])
    return width, height


def chart(weeks: int) -> BarChart:
    return BarChart(
        title="Meldingen per week · Buurt $100 🚨",
        x_labels=[f"{i + 1} nov" for i in range(weeks)],
        series=[
            Series(name, [(i * 7 + n) % 5 for i in range(weeks)], colour)
            for n, (name, colour) in enumerate(CATEGORY_COLOURS.items())
        ],
        y_label="meldingen",
        reference=2.5,
        reference_label="gemiddeld in de periode ervoor",
    )


async def test_chart_is_a_png_of_sensible_size() -> None:
    for weeks in (1, 4, 52, 105):
        data = await Charts().bars(chart(weeks))
        width, height = png_size(data)
        assert (width, height) == (round(WIDTH_INCHES * DPI), round(HEIGHT_INCHES * DPI))
        assert 400 <= width <= 1280 and 250 <= height <= 1280, "fits a Telegram photo"
        assert 5_000 < len(data) < 500_000
        assert data.endswith(b"IEND\xaeB`\x82")


async def test_a_chart_of_nothing_still_draws() -> None:
    empty = BarChart("Leeg", ["1 nov"], [Series("zorg", [0], "#000000")])
    assert png_size(await Charts().bars(empty))[0] > 0


def test_labels_lose_emoji_and_math_markup() -> None:
    assert plain("Buurt 🚨 $x$  Oost") == r"Buurt \$x\$ Oost"
