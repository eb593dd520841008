"""Dutch licence plates: every sidecode, partial plates and things that are not plates."""

from __future__ import annotations

import pytest

from nlp.plates import SIDECODES, find_plates, normalise_plate, sidecode_of

EXAMPLES = {
    1: "GB-12-34",
    2: "12-34-GB",
    3: "12-GB-34",
    4: "GB-12-HD",
    5: "GB-HD-12",
    6: "12-GB-HD",
    7: "12-GBH-3",
    8: "1-GBH-23",
    9: "GB-123-H",
    10: "G-123-HD",
    11: "GBH-12-D",
    12: "G-12-BHD",
    13: "1-GB-234",
    14: "123-GB-4",
}


def test_examples_cover_every_sidecode() -> None:
    assert set(EXAMPLES) == set(SIDECODES)


@pytest.mark.parametrize(("code", "plate"), EXAMPLES.items())
def test_every_sidecode_with_dashes(code: int, plate: str) -> None:
    [found] = find_plates(f"witte bus met kenteken {plate} reed weg")
    assert (found.value, found.sidecode, found.partial) == (plate, code, False)
    assert sidecode_of(plate) == code


@pytest.mark.parametrize(("code", "plate"), EXAMPLES.items())
def test_every_sidecode_lower_case(code: int, plate: str) -> None:
    [found] = find_plates(f"auto {plate.lower()} stond er weer")
    assert (found.value, found.sidecode) == (plate, code)


@pytest.mark.parametrize(("code", "plate"), EXAMPLES.items())
def test_every_sidecode_without_dashes(code: int, plate: str) -> None:
    compact = plate.replace("-", "")
    [found] = find_plates(f"Kenteken {compact}, zwarte BMW")
    assert (found.value, found.sidecode, found.text) == (plate, code, compact)


def test_capitals_without_dashes_need_no_context() -> None:
    [found] = find_plates("Zag XK12HD weer staan")
    assert found.value == "XK-12-HD"


def test_lower_case_without_dashes_needs_a_vehicle() -> None:
    assert find_plates("code xk12hd voor de wifi") == []
    assert [p.value for p in find_plates("een zwarte auto, xk12hd")] == ["XK-12-HD"]


def test_spaces_after_the_word_kenteken() -> None:
    [found] = find_plates("kenteken XK 12 HD")
    assert found.value == "XK-12-HD"


def test_two_plates_in_reading_order() -> None:
    plates = find_plates("eerst 12-GBH-3 en daarna G-123-HD")
    assert [p.value for p in plates] == ["12-GBH-3", "G-123-HD"]
    assert [p.start for p in plates] == [6, 25]


@pytest.mark.parametrize(
    "text",
    [
        "om 23:15 hoorde ik glas",
        "postcode 1234 AB",
        "1234AB",
        "Dorpsstraat 12a",
        "Dorpsstraat 12-2",
        "bel 06-12345678",
        "op 12-11-2026",
        "nr1234 van de auto",
        "20-30 jongeren",
        "het kost 12,50",
        "ABC-DEF-GHI",
        "12-34-56",
        "geen kenteken gezien",
    ],
)
def test_non_plates(text: str) -> None:
    assert find_plates(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("het kenteken begint met XK", "XK*"),
        ("kenteken begon met 12", "12*"),
        ("het kenteken eindigt op 45", "*45"),
        ("nummerbord eindigde op HD", "*HD"),
        ("zwarte golf, iets met 12-G", "*12-G*"),
        ("kenteken XK-..-HD", "XK-??-HD"),
        ("auto XK-1?-HD", "XK-1?-HD"),
    ],
)
def test_partial_plates(text: str, value: str) -> None:
    [found] = find_plates(text)
    assert (found.value, found.partial, found.sidecode) == (value, True, None)


@pytest.mark.parametrize(
    "text",
    [
        "het huisnummer eindigt op 45",
        "het begint met schreeuwen",
        "iets met de buren",
        "het feest begon met muziek",
    ],
)
def test_non_partial_plates(text: str) -> None:
    assert find_plates(text) == []


def test_to_dict() -> None:
    [full] = find_plates("kenteken gb-12-hd")
    assert full.to_dict() == {
        "text": "gb-12-hd",
        "value": "GB-12-HD",
        "partial": False,
        "sidecode": 4,
    }
    [partial] = find_plates("kenteken begint met XK")
    assert partial.to_dict() == {"text": "XK", "value": "XK*", "partial": True}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("xk12hd", "XK-12-HD"), ("1 gbh 23", "1-GBH-23"), ("XK-12", None), ("1234567", None)],
)
def test_normalise_plate(raw: str, expected: str | None) -> None:
    assert normalise_plate(raw) == expected
