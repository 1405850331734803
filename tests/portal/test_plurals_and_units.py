"""Counts, units and sizes as people read them: real plurals (never "champ(s)"),
units in the reader's language, one way of writing file sizes."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import ngettext

from applications.views.drafting import _autosave_conflict_text
from datasets.models import Metric

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"


def test_no_message_counts_with_an_s_in_parentheses():
    entries = polib.pofile(str(CATALOGUE))
    offending = [
        entry.msgid
        for entry in entries
        if "(s)" in entry.msgid
        or any("(s)" in text for text in [entry.msgstr, *entry.msgstr_plural.values()])
    ]
    assert offending == []


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("fr", 1, "1 équipe de projet invitée."),
        ("fr", 3, "3 équipes de projet invitées."),
        ("en", 1, "1 project team invited."),
        ("en", 3, "3 project teams invited."),
    ],
)
def test_invited_teams_message_agrees_with_its_count(language, count, expected):
    with translation.override(language):
        message = ngettext(
            "%(count)s project team invited.", "%(count)s project teams invited.", count
        ) % {"count": count}
    assert message == expected


def test_autosave_conflict_messages_in_singular_and_plural():
    with translation.override("fr"):
        assert _autosave_conflict_text(1).replace("%(count)s", "1") == (
            "Une personne de votre équipe a modifié 1 champ en même temps. Votre "
            "texte est conservé\u202f; voyez le champ signalé ci-dessous."
        )
        assert _autosave_conflict_text(2).replace("%(count)s", "2") == (
            "Une personne de votre équipe a modifié 2 champs en même temps. Votre "
            "texte est conservé\u202f; voyez les champs signalés ci-dessous."
        )


@pytest.mark.parametrize(
    ("language", "seats", "expected"),
    [
        ("fr", 1, "1 place encore disponible pour vous sur 20"),
        ("fr", 5, "5 places encore disponibles pour vous sur 20"),
        ("en", 1, "1 seat left for you out of 20"),
        ("en", 5, "5 seats left for you out of 20"),
    ],
)
def test_seats_left_agree_with_their_count(language, seats, expected):
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=seats_left with "
        "capacity=capacity %}{{ counter }} seat left for you out of {{ capacity }}"
        "{% plural %}{{ counter }} seats left for you out of {{ capacity }}"
        "{% endblocktranslate %}"
    )
    with translation.override(language):
        assert template.render(Context({"seats_left": seats, "capacity": 20})) == (
            expected
        )


@pytest.mark.parametrize(
    ("unit", "french", "english"),
    [
        ("persons", "personnes", "persons"),
        ("vehicles", "véhicules", "vehicles"),
        ("places", "places", "places"),
        ("events", "événements", "events"),
        ("dB(A)", "dB(A)", "dB(A)"),
        ("%", "%", "%"),
    ],
)
def test_units_read_in_the_reader_language(unit, french, english):
    metric = Metric(unit=unit)
    with translation.override("fr"):
        assert metric.unit_display == french
    with translation.override("en"):
        assert metric.unit_display == english


@pytest.mark.parametrize(
    ("language", "size", "expected"),
    [
        ("fr", 11010048, "10,5\u00a0Mo"),
        ("fr", 19866, "19,4\u00a0Ko"),
        ("en", 11010048, "10.5\u00a0MB"),
    ],
)
def test_file_sizes_one_way_everywhere(language, size, expected):
    with translation.override(language):
        assert filesizeformat(size) == expected
