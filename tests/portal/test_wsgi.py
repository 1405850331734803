import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wsgi_imports_every_view_when_the_worker_starts():
    # A fresh interpreter: in this one the views are imported already.
    code = (
        "import sys, portal.wsgi; "
        "print(' '.join(m for m in ('datasets.api.views', "
        "'applications.views.applicant', 'datasets.backoffice_views') "
        "if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.split() == [
        "datasets.api.views",
        "applications.views.applicant",
        "datasets.backoffice_views",
    ]
