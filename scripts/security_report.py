"""Print the security figures: hostile files and fetches (no database), then
the suites run under pytest, which need PostgreSQL and Redis: access control
(URL x role x method pairs, the API key matrix, schemathesis, filter probes)
and the faults injected (Redis stopped and hung, the mail server failing).

``make security-report``. Each line gives what was tried, what was refused and
the unexpected outcomes (which must be zero). ``--no-pytest`` prints only the
figures that need no database.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The fault suite runs under pytest with the caller's own servers (or the
# embedded ones), never the placeholder names set below.
CALLER_ENVIRONMENT = dict(os.environ)
# Nothing here connects to PostgreSQL or Redis; the settings only need names.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://unused@127.0.0.1:1/unused")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:1/0")

import django  # noqa: E402

django.setup()

from applications.pdf import FETCHES, PDF_BASE_URL, StaticFilesURLFetcher  # noqa: E402
from applications.pdf_safety import PdfRefused, check_pdf_bytes  # noqa: E402
from tests.security.pdf_corpus import BENIGN, HOSTILE  # noqa: E402
from tests.security.test_pdf_rendering import HOSTILE_TEXT, HOSTILE_URLS  # noqa: E402


def hostile_files():
    by_code, unexpected, slowest = Counter(), [], 0.0
    for label, code, make in HOSTILE:
        data = make()
        started = time.monotonic()
        try:
            check_pdf_bytes(data)
            outcome = "accepted"
        except PdfRefused as refused:
            outcome = refused.code
        except Exception as exc:  # noqa: BLE001 - counted as unexpected
            outcome = f"crash {exc!r}"
        slowest = max(slowest, time.monotonic() - started)
        if outcome == code:
            by_code[code] += 1
        else:
            unexpected.append((label, code, outcome))
    benign_refused = []
    for label, make in BENIGN:
        try:
            check_pdf_bytes(make())
        except PdfRefused as refused:
            benign_refused.append((label, refused.code))
    print(
        f"Hostile PDFs: {len(HOSTILE)} tried, {sum(by_code.values())} refused with "
        f"the expected reason in {len(by_code)} categories, slowest check "
        f"{slowest:.2f} s; unexpected: {len(unexpected)}"
    )
    for label, code, outcome in unexpected:
        print(f"  UNEXPECTED {label}: expected {code}, got {outcome}")
    print(
        f"Benign PDFs: {len(BENIGN)} tried, {len(BENIGN) - len(benign_refused)} "
        f"accepted; unexpected: {len(benign_refused)}"
    )
    return len(unexpected) + len(benign_refused)


def hostile_fetches():
    from weasyprint import HTML

    fetcher = StaticFilesURLFetcher()
    unexpected = 0
    for url in HOSTILE_URLS:
        try:
            fetcher.fetch(urljoin(PDF_BASE_URL, url))
            unexpected += 1
        except ValueError:
            pass
    html = (
        '<html><head><link rel="stylesheet" href="/static/css/pdf.css">'
        f"</head><body>{HOSTILE_TEXT}</body></html>"
    )
    HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).write_pdf()
    print(
        f"Hostile fetches from PDF rendering: {FETCHES['refused']} blocked, "
        f"{FETCHES['served']} static files served; unexpected: {unexpected}"
    )
    return unexpected


# The suites whose figures the report collects (tests/security/report.py).
ACCESS_SUITES = [
    "tests/security/test_url_matrix.py",
    "tests/security/test_api_matrix.py",
    "tests/security/test_api_schemathesis.py",
]
FIGURE_LABELS = {
    "url_role_method_pairs": "URL x role x method pairs checked",
    "api_matrix_cases": "API endpoint x key cases checked",
    "schemathesis_examples": "Schemathesis examples run",
    "filter_probes": "Filter and ordering probes of list endpoints",
}


def access_control():
    """Run the access-control suites under pytest; print what they counted."""
    with tempfile.TemporaryDirectory() as folder:
        figures_file = Path(folder) / "figures.json"
        env = {
            **CALLER_ENVIRONMENT,
            "SECURITY_REPORT_FILE": str(figures_file),
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        }
        started = time.monotonic()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                *ACCESS_SUITES,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        elapsed = time.monotonic() - started
        figures = json.loads(figures_file.read_text()) if figures_file.exists() else {}
    summary = run.stdout.strip().splitlines()[-1:] or ["no output"]
    unexpected = 0
    for figure, label in FIGURE_LABELS.items():
        if figure not in figures:
            continue
        counted = figures[figure]
        unexpected += counted["unexpected"]
        print(f"{label}: {counted['checked']}; unexpected: {counted['unexpected']}")
    print(f"Access-control suites: {summary[0]} ({elapsed:.0f} s)")
    if run.returncode != 0:
        print(run.stdout[-4000:])
        return max(unexpected, 1)
    return unexpected


FAULT_TESTS = ("tests/security/test_faults.py", "tests/datasets/api/test_outage.py")


def faults_injected():
    """Run the fault suite (real Redis, a hung listener, a real SMTP server)
    and count each fault injected and its outcome from pytest's report."""
    import re
    import xml.etree.ElementTree as ElementTree

    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "faults.xml"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={report}",
                *FAULT_TESTS,
            ],
            cwd=ROOT,
            env={
                **CALLER_ENVIRONMENT,
                "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            },
            capture_output=True,
            text=True,
            check=False,
        )
        if not report.exists():
            print("Faults injected: the fault suite did not run; unexpected: 1")
            return 1
        cases = ElementTree.parse(report).getroot().iter("testcase")
        by_fault, unexpected = Counter(), []
        for case in cases:
            name = case.get("name")
            match = re.search(r"\[(\w+)\]$", name)
            # test_outage's tests say their fault in their names.
            fault = match.group(1) if match else ("stopped", "hung")["hung" in name]
            mail = "mail_server" in name
            label = {
                "stopped": "Redis stopped",
                "hung": "mail server hung" if mail else "Redis hung",
                "dropped": "mail server dropping",
            }[fault]
            by_fault[label] += 1
            if case.find("failure") is not None or case.find("error") is not None:
                unexpected.append(name)
            elif case.find("skipped") is not None:
                unexpected.append(f"{name} (skipped)")
    total = sum(by_fault.values())
    detail = ", ".join(f"{label}: {count}" for label, count in sorted(by_fault.items()))
    print(
        f"Faults injected: {total} scenarios ({detail}), each request under "
        f"the fault answered in under 3 s, then everything resumed; "
        f"{total - len(unexpected)} with the expected outcome; "
        f"unexpected: {len(unexpected)}"
    )
    for name in unexpected:
        print(f"  UNEXPECTED {name}")
    return len(unexpected)


if __name__ == "__main__":
    failures = hostile_files() + hostile_fetches()
    if "--no-pytest" not in sys.argv:
        failures += access_control() + faults_injected()
    sys.exit(1 if failures else 0)
