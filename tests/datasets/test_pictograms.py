"""The DTPR pictograms on the sheets and the catalogue: one per element, each
with its text alternative."""

import re

import pytest

from datasets import pictograms, reference
from datasets.services import seed_catalogue


@pytest.fixture
def catalogue(db):
    seed_catalogue()


def _sign(html):
    row = re.search(r'<ul class="dtpr-sign"[^>]*>(.*?)</ul>', html, re.S).group(1)
    return re.findall(r'role="img" aria-label="([^"]+)" data-dtpr="([^"]+)"', row)


def test_every_dtpr_element_and_category_has_its_own_icon():
    assert set(reference.DTPR_ELEMENTS) <= pictograms.known_icons()
    for key, *_rest in reference.DTPR_CATEGORIES:
        assert pictograms.icon_path(key) != ""
        assert key in pictograms.CATEGORY_COLOURS


def test_pictogram_svg_names_itself():
    svg = pictograms.pictogram_svg("purpose", "mobility", "But : Mobilité", size=40)

    assert svg.startswith('<svg class="dtpr-pictogram"')
    assert 'role="img" aria-label="But : Mobilité"' in svg
    assert "<title>But : Mobilité</title>" in svg
    assert 'width="40" height="40"' in svg
    assert 'fill="#1e6b43"' in svg


def test_decorative_pictogram_is_hidden_from_screen_readers():
    svg = pictograms.pictogram_svg("storage", None, "Stockage", decorative=True)

    assert 'aria-hidden="true"' in svg
    assert "role=" not in svg


def test_sheet_shows_the_sign_with_a_text_alternative_per_element(client, catalogue):
    html = client.get("/en/donnees/sound-levels/").content.decode()

    assert _sign(html) == [
        ("Accountable: Institution", "institution"),
        ("Purpose: Safety &amp; Security", "safety_security"),
        ("Purpose: Health", "health"),
        ("Purpose: Planning &amp; Decision-making", "planning_decision_making"),
        ("Technology: Sound Level Meter", "sound_level_meter"),
        ("Data Type: Values / Time", "values_time"),
        ("Data Type: Tabular", "tabular"),
        ("Processing: Aggregated", "aggregated"),
        ("Processing: De-identified", "de_identified"),
        ("Processing: Transport Layer Security", "transport_layer_security"),
        ("Storage: Stored primarily locally", "stored_primarily_locally"),
        ("Storage: Backed up locally", "backed_up_locally"),
        ("Access: Available to download", "available_to_download"),
        ("Access: Available to 3rd parties", "available_to_3rd_parties"),
        (
            "Access: Available to the accountable organization",
            "available_to_the_accountable_organization",
        ),
        ("Retention: Retained 5 years", "data_retained"),
    ]
    # Beside their visible names, the cards' icons are decorative.
    assert html.count('class="dtpr-pictogram"') == 16 + 8 + 16
    assert html.count('aria-hidden="true" data-dtpr=') == 8 + 16


def test_sheet_in_french_names_the_pictograms_in_french(client, catalogue):
    html = client.get("/donnees/sound-levels/").content.decode()

    assert _sign(html)[1] == ("But\u00a0: Tranquillité Prévention", "safety_security")
    assert _sign(html)[-1] == ("Rétention\u00a0: Conservées 5 ans", "data_retained")


def test_catalogue_cards_show_each_sheet_pictograms(client, catalogue):
    html = client.get("/en/donnees/").content.decode()

    rows = re.findall(
        r'<ul class="dtpr-sign dtpr-sign--small" aria-label="Pictograms of its DTPR '
        r'sheet">(.*?)</ul>',
        html,
        re.S,
    )
    assert len(rows) == 5
    first = re.findall(r'role="img" aria-label="([^"]+)"', rows[0])
    assert first[:4] == [
        "Accountable: Institution",
        "Purpose: Mobility",
        "Purpose: Planning &amp; Decision-making",
        "Technology: Person detection",
    ]
    assert all('role="img" aria-label="' in row for row in rows)
