"""Dates read in the reader's language: French months in French, the British
day-first order in English, never "21 Jul 2025" on a French page."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

MOMENT = datetime.datetime(2025, 7, 21, 14, 5)


@pytest.mark.parametrize(
    ("language", "format_name", "expected"),
    [
        ("fr", "DATE_FORMAT", "21 juillet 2025"),
        ("fr", "DATETIME_FORMAT", "21 juillet 2025 14:05"),
        ("fr", "SHORT_DATE_FORMAT", "21/07/2025"),
        ("fr", "SHORT_DATETIME_FORMAT", "21/07/2025 14:05"),
        ("fr", "j N Y H:i", "21 juil. 2025 14:05"),
        ("fr", "D j N", "lun 21 juil."),
        ("en", "DATE_FORMAT", "21 July 2025"),
        ("en", "DATETIME_FORMAT", "21 July 2025, 14:05"),
        ("en", "SHORT_DATE_FORMAT", "21/07/2025"),
        ("en", "SHORT_DATETIME_FORMAT", "21/07/2025 14:05"),
        ("en", "TIME_FORMAT", "14:05"),
        ("en", "j N Y H:i", "21 July 2025 14:05"),
    ],
)
def test_date_formats_in_each_language(language, format_name, expected):
    with translation.override(language):
        assert formats.date_format(MOMENT, format_name) == expected


def test_templates_never_abbreviate_months_in_english_on_french_pages():
    """ "M" and "b" are English whatever the language ("Jul"); the templates
    use "N" ("juil.") or the named formats."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offending = []
    for path in root.rglob("*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        text = path.read_text()
        for chunk in text.split('|date:"')[1:]:
            fmt = chunk.split('"', 1)[0]
            if fmt != fmt.upper() and ("M" in fmt or "b" in fmt):
                offending.append(f"{path.relative_to(root)}: {fmt}")
    assert offending == []


def test_back_office_style_date_reads_french_in_a_template():
    template = Template('{{ moment|date:"j N Y H:i" }}')
    with translation.override("fr"):
        assert template.render(Context({"moment": MOMENT})) == "21 juil. 2025 14:05"
