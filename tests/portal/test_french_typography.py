"""French typography of the served catalogue: non-breaking spaces where French
puts them, applied by scripts/merge_translations.py to every msgstr."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from portal.typography import french_typography

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "python_format", "expected"),
    [
        ("Motif : %(reason)s", True, "Motif\u00a0: %(reason)s"),
        ("Motif: %(reason)s", True, "Motif: %(reason)s"),  # no space: left alone
        ("Révoquer cette clé ?", False, "Révoquer cette clé\u202f?"),
        ("Merci !", False, "Merci\u202f!"),
        ("réservé ; choisissez", False, "réservé\u202f; choisissez"),
        ("la question « %(label)s ».", True, "la question «\u00a0%(label)s\u00a0»."),
        ("«Bruit»", False, "«\u00a0Bruit\u00a0»"),
        ("gradation à 30 %% la nuit", True, "gradation à 30\u202f%% la nuit"),
        ("gradation à 30 % la nuit", False, "gradation à 30\u202f% la nuit"),
        ("de %(count)s jurés", True, "de %(count)s jurés"),
        ("https://exemple.fr/?a=1", False, "https://exemple.fr/?a=1"),
        ("10:30", False, "10:30"),
        ("Motif d'irrecevabilité", False, "Motif d’irrecevabilité"),
        ("<a href='/x'>lien</a>", False, "<a href='/x'>lien</a>"),
        # Already typeset text is unchanged (the pass runs at every merge).
        ("Motif\u00a0: oui\u202f!", False, "Motif\u00a0: oui\u202f!"),
        ("suspendu\u00a0; l’équipe", False, "suspendu\u202f; l’équipe"),
    ],
)
def test_french_typography_puts_the_french_spaces(text, python_format, expected):
    assert french_typography(text, python_format=python_format) == expected


def test_served_catalogue_is_typeset():
    with translation.override("fr"):
        assert gettext("Can you apply?") == "Pouvez-vous candidater\u202f?"
        assert (
            gettext("Revoke this access and all its keys?")
            == "Révoquer cet accès et toutes ses clés\u202f?"
        )
        assert (
            ngettext(
                "Send this email to the team of %(counter)s application?",
                "Send this email to the teams of %(counter)s applications?",
                2,
            )
            % {"counter": 2}
            == "Envoyer ce courriel aux équipes de 2 candidatures\u202f?"
        )


def test_no_french_message_keeps_a_breaking_space_before_punctuation():
    catalogue = polib.pofile(str(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    offending = [
        entry.msgid
        for entry in catalogue
        for value in [entry.msgstr, *entry.msgstr_plural.values()]
        if any(f" {mark}" in value for mark in (":", ";", "!", "?", "»"))
        or "« " in value
        or re.search("[A-Za-zÀ-ÿ]'[A-Za-zÀ-ÿ]", value)
    ]
    assert offending == []
