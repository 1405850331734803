"""Form labels end the same way everywhere: "\u00a0:" in French (a non-breaking
space before the colon), ":" in English; a label after its checkbox has none."""

import re

import pytest
from django.urls import reverse
from django.utils import translation


def _labels(client, name, language):
    with translation.override(language):
        address = reverse(name)
    page = client.get(address).content.decode()
    return re.findall(r"<label[^>]*>(.*?)</label>", page, re.S)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Vague\u00a0:", "Thématique\u00a0:", "Jeu de données\u00a0:"]),
        ("en", ["Wave:", "Theme:", "Dataset:"]),
    ],
)
def test_public_filter_labels_end_with_the_colon_of_the_language(
    client, language, expected
):
    assert _labels(client, "projects:list", language) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Courriel\u00a0:", "Mot de passe\u00a0:", "Se souvenir de moi"]),
        ("en", ["Email:", "Password:", "Remember Me"]),
    ],
)
def test_login_form_labels_before_their_field_only(client, language, expected):
    """The checkbox comes before its label: no colon after its words."""
    assert _labels(client, "account_login", language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Vague\u00a0:", "Salle\u00a0:", "Période\u00a0:"]),
        ("en", ["Wave:", "Room:", "Period:"]),
    ],
)
def test_backoffice_filter_labels_end_with_the_colon_of_the_language(
    organiser_client, language, expected
):
    assert _labels(organiser_client, "workshops_bo:agenda", language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["État\u00a0:", "Type de courriel\u00a0:", "Destinataire\u00a0:"]),
        ("en", ["State:", "Kind of email:", "Recipient:"]),
    ],
)
def test_labels_written_in_a_template_take_the_same_colon(
    organiser_client, language, expected
):
    assert _labels(organiser_client, "outbox_bo:email_list", language) == expected


def test_a_label_ending_with_its_own_punctuation_takes_no_suffix():
    from django.template import Context, Template
    from django.utils.translation import override

    template = Template(
        "{% load portal_forms %}[{% label_suffix 'Why?' %}]"
        "[{% label_suffix 'Budget' %}][{% label_suffix %}]"
    )
    with override("fr"):
        assert template.render(Context()) == "[][\u00a0:][\u00a0:]"
    with override("en"):
        assert template.render(Context()) == "[][:][:]"
