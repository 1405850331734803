from pathlib import Path

import polib
from django.conf import settings


def catalogues():
    for locale_dir in settings.LOCALE_PATHS:
        yield from sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po"))


def test_compiled_catalogues_match_their_po_files():
    found = list(catalogues())
    assert found, "no .po catalogue under locale/"
    for po_path in found:
        po = polib.pofile(str(po_path))
        mo = polib.mofile(str(po_path.with_suffix(".mo")))
        expected = {
            (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
            for e in po.translated_entries()
        }
        compiled = {
            (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
            for e in mo
            if e.msgid
        }
        assert compiled == expected, f"{po_path}: run `make compilemessages`"


def test_french_catalogue_is_complete():
    po = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "fr/LC_MESSAGES/django.po"))

    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]

    assert missing == []


def test_french_translations_keep_their_placeholders():
    po = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "fr/LC_MESSAGES/django.po"))
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        assert sorted(pattern.findall(entry.msgid)) == sorted(
            pattern.findall(entry.msgstr)
        ), entry.msgid
