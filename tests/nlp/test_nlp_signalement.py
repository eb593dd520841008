"""Signalement fields of persons and vehicles, and the direction they went."""

from __future__ import annotations

from nlp.plates import find_plates
from nlp.signalement import find_signalement


def describe(text: str) -> dict[str, object]:
    return find_signalement(text, find_plates(text)).to_dict()


def test_full_person_description() -> None:
    text = (
        "Verdachte man, ongeveer 25 jaar, 1.80 lang, slank postuur, kort zwart haar, "
        "witte Nike sneakers, zwarte pet, donkerblauwe spijkerbroek en een grijze hoodie. "
        "Baard. Liep richting het station."
    )
    assert describe(text) == {
        "geslacht": "man",
        "leeftijd": "ongeveer 25 jaar",
        "lengte": "1,80 m",
        "postuur": "slank",
        "haar": "kort zwart haar",
        # top to bottom, whatever the order in the message
        "kleding": [
            "zwarte pet",
            "grijze hoodie",
            "donkerblauwe spijkerbroek",
            "witte nike sneakers",
        ],
        "bijzonderheden": ["baard"],
        "richting": "het station",
    }


def test_group_of_youths_on_a_scooter() -> None:
    found = describe("Twee jongens van een jaar of 16 op een scooter, een droeg een bivakmuts")
    assert found["geslacht"] == "man"
    assert found["leeftijd"] == "ongeveer 16 jaar"
    assert found["kleding"] == ["bivakmuts"]
    assert found["voertuig"] == {"soort": "scooter"}


def test_vehicle_with_brand_model_colour_and_plate() -> None:
    found = describe("witte Ford Transit met kenteken VX-123-B, reed hard weg naar de snelweg")
    assert found["voertuig"] == {
        "soort": "bestelbus",
        "merk": "Ford",
        "model": "Transit",
        "kleur": "wit",
        "kenteken": "VX-123-B",
    }
    assert found["richting"] == "de snelweg"


def test_colour_after_the_vehicle_and_partial_plate() -> None:
    found = describe("de auto, kleur: grijs, kenteken begint met XK")
    assert found["voertuig"] == {"soort": "auto", "kleur": "grijs", "kenteken": "XK*"}


def test_predicative_height_and_build() -> None:
    found = describe("Oudere vrouw, klein en tenger, grijs haar, lijkt verward")
    assert (found["geslacht"], found["leeftijd"]) == ("vrouw", "oudere")
    assert (found["lengte"], found["postuur"], found["haar"]) == ("klein", "tenger", "grijs haar")


def test_height_in_centimetres_bald_and_build() -> None:
    assert describe("kaal, fors gebouwd, 190 cm") == {
        "lengte": "190 cm",
        "postuur": "fors",
        "haar": "kaal",
    }


def test_age_range() -> None:
    assert describe("groep jongens van 15-18 jaar")["leeftijd"] == "15-18 jaar"


def test_features() -> None:
    found = describe("man met tattoo op zijn nek, sprak met een Oost-Europees accent, liep mank")
    assert found["bijzonderheden"] == [
        "tattoo op zijn nek",
        "sprak met een oost-europees accent",
        "liep mank",
    ]


def test_mixed_group() -> None:
    assert describe("een man en een vrouw bij de deur")["geslacht"] == "man en vrouw"


def test_dressed_in_black() -> None:
    assert describe("Hij is geheel in het zwart gekleed")["kleding"] == ["geheel zwart"]


def test_no_signalement_in_ordinary_chat() -> None:
    for text in ["Fijne avond allemaal!", "hij woont hier al 20 jaar", "Wie heeft er een ladder?"]:
        assert describe(text) == {}


def test_bag_without_description_is_not_clothing() -> None:
    found = describe("er is een tas gestolen uit de VW Polo")
    assert "kleding" not in found
    assert found["voertuig"] == {"soort": "auto", "merk": "Volkswagen", "model": "Polo"}


def test_kenteken_only() -> None:
    assert describe("XK-12-HD") == {"voertuig": {"kenteken": "XK-12-HD"}}
