"""Every CSV the project writes for people goes through defusedcsv."""

import re
from pathlib import Path

from datasets.api.renderers import CSVRenderer

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("applications", "datasets", "portal", "workshops")
# The readings export streams numbers, instants and slugs of the catalogue
# (no applicant's text) on the API's hot path: another change owns it, see
# docs/security.md.
EXEMPT = {"datasets/api/views.py"}
WRITER = re.compile(r"\bcsv\.(writer|DictWriter)\(")


def test_every_csv_writer_comes_from_defusedcsv():
    offenders = []
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in relative or relative in EXEMPT:
                continue
            text = path.read_text(encoding="utf-8")
            if WRITER.search(text) and "from defusedcsv import csv" not in text:
                offenders.append(relative)

    assert offenders == []


def test_the_api_csv_renderer_neutralises_formulas():
    rows = [
        {"name": '=HYPERLINK("http://evil.example")', "value": -3.5},
        {"name": "+cmd|' /C calc'!A0", "value": 12},
        {"name": "@SUM(A1)", "value": "-12.5"},
        {"name": "Rue des Dames", "value": "-1e-05"},
    ]

    text = CSVRenderer().render({"results": rows}).decode()

    assert text.splitlines() == [
        "name,value",
        '"\'=HYPERLINK(""http://evil.example"")",-3.5',
        "'+cmd\\|' /C calc'!A0,12",
        "'@SUM(A1),-12.5",
        # A number sent as text with an exponent is quoted too (numbers are not).
        "Rue des Dames,'-1e-05",
    ]
