"""Figures for ``make security-report``: tests add what they checked here;
when ``SECURITY_REPORT_FILE`` names a file, the totals are written to it at the
end of the run (scripts/security_report.py reads them)."""

import json
import os
from collections import defaultdict

FIGURES = defaultdict(lambda: {"checked": 0, "unexpected": 0})


def add(figure, checked, *, unexpected=0):
    FIGURES[figure]["checked"] += checked
    FIGURES[figure]["unexpected"] += unexpected


def write():
    target = os.environ.get("SECURITY_REPORT_FILE")
    if target and FIGURES:
        with open(target, "w", encoding="utf-8") as handle:
            json.dump(FIGURES, handle, indent=2, sort_keys=True)
