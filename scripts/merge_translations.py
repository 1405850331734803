"""Fill the French catalogue from the fragment files under locale/fragments/.

Fragments are PO files (msgid in English, msgstr in French) written beside the
code that adds the strings; this fills every empty or fuzzy msgstr of
locale/fr/LC_MESSAGES/django.po that a fragment translates, then compiles.
Every French msgstr then gets French typography (``french_typography``): a
non-breaking space (U+00A0) before a colon and inside « », a narrow one
(U+202F) before ; ! ? and %. Fragments are written with plain spaces.
Usage: .venv/bin/python scripts/merge_translations.py
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.typography import french_typography  # noqa: E402

CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def apply_typography(catalogue):
    """Apply ``french_typography`` to every msgstr; return how many changed."""
    changed = 0
    for entry in catalogue:
        python_format = "python-format" in entry.flags
        if entry.msgid_plural:
            fixed = {
                index: french_typography(value, python_format=python_format)
                for index, value in entry.msgstr_plural.items()
            }
            if fixed != entry.msgstr_plural:
                entry.msgstr_plural = fixed
                changed += 1
        elif entry.msgstr:
            fixed = french_typography(entry.msgstr, python_format=python_format)
            if fixed != entry.msgstr:
                entry.msgstr = fixed
                changed += 1
    return changed


def main():
    known = {}
    plurals = {}
    for fragment in sorted((ROOT / "locale" / "fragments").glob("*.po")):
        for entry in polib.pofile(str(fragment)):
            if entry.msgid_plural and all(entry.msgstr_plural.values()):
                plurals.setdefault(entry.msgid, dict(entry.msgstr_plural))
            elif entry.msgstr:
                known.setdefault(entry.msgid, entry.msgstr)
    catalogue = polib.pofile(str(CATALOGUE))
    filled = 0
    for entry in catalogue:
        if entry.msgid_plural:
            if (not entry.translated() or entry.fuzzy) and entry.msgid in plurals:
                entry.msgstr_plural = dict(plurals[entry.msgid])
                if entry.fuzzy:
                    entry.flags.remove("fuzzy")
                filled += 1
            continue
        if (not entry.msgstr or entry.fuzzy) and entry.msgid in known:
            entry.msgstr = known[entry.msgid]
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
            filled += 1
    typeset = apply_typography(catalogue)
    catalogue.save()
    catalogue.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    missing = catalogue.untranslated_entries() + catalogue.fuzzy_entries()
    print(f"filled {filled}; typography {typeset}; still missing {len(missing)}")
    for entry in missing:
        print("  MISSING:", entry.msgid[:100], entry.occurrences[:1])


if __name__ == "__main__":
    main()
