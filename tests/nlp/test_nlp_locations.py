"""Addresses, corners, postcodes and landmarks; street_of for typed addresses."""

from __future__ import annotations

import pytest

from nlp.locations import find_locations, normalise_street, street_of


def kinds(text: str) -> list[tuple[str, str]]:
    return [(loc.kind, loc.text) for loc in find_locations(text)]


@pytest.mark.parametrize(
    ("text", "street", "number"),
    [
        ("Inbraak Dorpsstraat 12a vannacht", "Dorpsstraat", "12a"),
        ("verdachte man in de dorpsstraat 12-2", "Dorpsstraat", "12-2"),
        ("Dorpsstraat 12 A", "Dorpsstraat", "12a"),
        ("Dorpsstraat 12 hs", "Dorpsstraat", "12 hs"),
        ("op de Jan Steenstraat 14 II", "Jan Steenstraat", "14-II"),
        ("Ik woon op de Van Goghstraat 5", "Van Goghstraat", "5"),
        ("burgemeester de withstraat 3", "Burgemeester de Withstraat", "3"),
        ("'s-Gravendijkwal 120", "'s-Gravendijkwal", "120"),
        ("om 3 uur op de Markt 5", "Markt", "5"),
        ("Kerkweg nr. 7", "Kerkweg", "7"),
    ],
)
def test_addresses(text: str, street: str, number: str) -> None:
    addresses = [loc for loc in find_locations(text) if loc.kind == "address"]
    assert [(a.street, a.number) for a in addresses] == [(street, number)]


def test_address_span_excludes_surrounding_words() -> None:
    [loc] = find_locations("Inbraak Dorpsstraat 12a vannacht")
    assert loc.text == "Dorpsstraat 12a"
    assert loc.to_dict() == {
        "kind": "address",
        "text": "Dorpsstraat 12a",
        "street": "Dorpsstraat",
        "number": "12a",
    }


def test_street_without_number() -> None:
    assert kinds("Verdachte man Kerkweg richting station") == [("street", "Kerkweg")]


def test_count_after_street_is_not_a_house_number() -> None:
    [loc] = find_locations("in de Kerkstraat 3 jongeren op een scooter")
    assert (loc.kind, loc.street, loc.number) == ("street", "Kerkstraat", None)


@pytest.mark.parametrize(
    "text",
    [
        "onderweg naar de snelweg",
        "in de achtertuin",
        "een zijstraat verderop",
        "hij is weg",
        "ik ging naar Amsterdam",
        "in 2019 en 2020",
        "de laan uit",
    ],
)
def test_non_locations(text: str) -> None:
    assert find_locations(text) == []


@pytest.mark.parametrize(
    ("text", "street", "cross"),
    [
        ("hoek Kerkweg/Molenlaan", "Kerkweg", "Molenlaan"),
        ("hoek Kerkweg / Molenlaan", "Kerkweg", "Molenlaan"),
        ("hoek Kerkweg en Molenlaan", "Kerkweg", "Molenlaan"),
        ("op de hoek van de Kerkweg en de Molenlaan staat een busje", "Kerkweg", "Molenlaan"),
        ("hoek rokin/spui.", "Rokin", "Spui"),
        ("kruising Dorpsstraat-Kerkweg", "Dorpsstraat", "Kerkweg"),
        ("hoek Van Goghstraat/Burgemeester de Withstraat", "Van Goghstraat", "Burgemeester"),
    ],
)
def test_corners(text: str, street: str, cross: str) -> None:
    [loc] = [loc for loc in find_locations(text) if loc.kind == "corner"]
    assert loc.street == street
    assert loc.cross_street is not None and loc.cross_street.startswith(cross)


@pytest.mark.parametrize(
    ("text", "code"),
    [("postcode 1234 AB", "1234 AB"), ("1234AB", "1234 AB"), ("in 3512jk", "3512 JK")],
)
def test_postcodes(text: str, code: str) -> None:
    [loc] = find_locations(text)
    assert (loc.kind, loc.postcode) == ("postcode", code)


@pytest.mark.parametrize(
    "text",
    ["1234 SS", "kenteken 1234AB", "in 2019 en toen", "nummer 12345 AB", "12-34-AB"],
)
def test_non_postcodes(text: str) -> None:
    assert [loc for loc in find_locations(text) if loc.kind == "postcode"] == []


@pytest.mark.parametrize(
    ("text", "landmark"),
    [
        ("bij de Jumbo", "Jumbo"),
        ("bij de Appie", "Albert Heijn"),
        ("voor de AH", "Albert Heijn"),
        ("bij Lidl", "Lidl"),
        ("achter het buurthuis", "buurthuis"),
        ("op het schoolplein", "schoolplein"),
        ("hangen in het park", "park"),
        ("bij winkelcentrum De Bogaard", "winkelcentrum De Bogaard"),
        ("bij de bushalte", "bushalte"),
        ("vlak bij de glasbak", "glasbak"),
    ],
)
def test_landmarks(text: str, landmark: str) -> None:
    [loc] = find_locations(text)
    assert (loc.kind, loc.landmark) == ("landmark", landmark)


def test_landmark_and_street_in_one_message() -> None:
    assert kinds("bij de Appie op de Kerkstraat") == [
        ("landmark", "bij de Appie"),
        ("street", "Kerkstraat"),
    ]


@pytest.mark.parametrize("text", ["voor de zekerheid", "in school", "bij de buren", "ah nee"])
def test_non_landmarks(text: str) -> None:
    assert find_locations(text) == []


class TestStreetOf:
    @pytest.mark.parametrize(
        ("typed", "street"),
        [
            ("dorpsstraat 12a", "Dorpsstraat"),
            ("Dorpsstraat 12-2", "Dorpsstraat"),
            ("DORPSSTRAAT 5", "Dorpsstraat"),
            ("hoek Kerkweg/Molenlaan", "Kerkweg"),
            ("hoek kerkweg en molenlaan", "Kerkweg"),
            ("Overtoom 12", "Overtoom"),
            ("van goghstraat 5, 1234 AB Amsterdam", "Goghstraat"),
            ("Van Goghstraat 5, 1234 AB Amsterdam", "Van Goghstraat"),
            ("in de kerkstraat", "Kerkstraat"),
            ("burgemeester de withstraat 3", "Burgemeester de Withstraat"),
            ("'s-gravendijkwal 12", "'s-Gravendijkwal"),
            ("ijsselstraat 4", "IJsselstraat"),
            ("Lange Nieuwstraat 8", "Lange Nieuwstraat"),
            ("Prinsengracht 263-1", "Prinsengracht"),
        ],
    )
    def test_street_names(self, typed: str, street: str) -> None:
        assert street_of(typed) == street

    @pytest.mark.parametrize("typed", ["", "   ", "bij de Jumbo", "weet ik niet", "1234 AB", "🏠"])
    def test_no_street(self, typed: str) -> None:
        assert street_of(typed) is None

    def test_never_contains_a_house_number(self) -> None:
        for typed in ["Dorpsstraat 12a", "hoek Kerkweg 3/Molenlaan", "Kerkstraat 12-2 boven"]:
            street = street_of(typed)
            assert street is not None and not any(ch.isdigit() for ch in street)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jan van galenstraat", "Jan van Galenstraat"),
        ("BURGEMEESTER DE WITHSTRAAT", "Burgemeester de Withstraat"),
        ("jan-pieter heijestraat", "Jan-Pieter Heijestraat"),
    ],
)
def test_normalise_street(raw: str, expected: str) -> None:
    assert normalise_street(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Dekt de inboedelverzekering ook diefstal uit de schuur?",
        "Ze riep dat ze mijn hond zou doodslaan",
        "er was een blokkade op de weg",
        "de rommelmarkt is zaterdag",
    ],
)
def test_words_that_only_end_like_streets(text: str) -> None:
    assert [loc for loc in find_locations(text) if loc.kind in {"street", "address"}] == []


def test_ring_streets_need_capitals_and_a_number() -> None:
    [loc] = find_locations("inbraak Kastelenring 12")
    assert (loc.street, loc.number) == ("Kastelenring", "12")
    assert find_locations("de vergadering is om 8 uur op de kastelenring") == []
