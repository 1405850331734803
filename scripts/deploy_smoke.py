"""The deploy smoke test of CI (``.ci/run``): the production settings, DEBUG
off, after ``collectstatic`` with the production storage.

Every URL pattern that takes no argument is requested anonymously (in French
and in English), plus sample public object pages (a call, a dataset, a
Project, a workshop of the agenda, the register). Each public HTML page must
answer 200 and link only hashed static files that WhiteNoise serves; pages
that ask to log in or refuse the method are counted, never a 500. ``/healthz``
must render its template (``portal/health_probe.html``) and answer 200.

Run with the production environment (``.ci/run`` sets it)::

    DJANGO_SETTINGS_MODULE=portal.settings.production ... python scripts/deploy_smoke.py

It creates a throw-away database (``test_<name>``, migrated), adds the sample
objects, and drops it at the end. Exit status 1 with one line per failure.
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver  # noqa: E402

HASHED = re.compile(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.[a-z0-9]+)"')
ANY_STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')
# Answers that are not public pages, and not failures either.
NOT_PUBLIC = {301, 302, 400, 401, 403, 404, 405, 429}


def argument_free_paths(patterns=None, prefix=""):
    """Yield the paths of every URL pattern that takes no argument."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = str(entry.pattern)
        if getattr(entry.pattern, "converters", None) or "(?P<" in route:
            continue
        if isinstance(entry, URLResolver):
            yield from argument_free_paths(entry.url_patterns, prefix + _plain(route))
        elif isinstance(entry, URLPattern) and "<" not in route:
            yield "/" + prefix + _plain(route)


def _plain(route):
    """A route without regex anchors (language prefixes are regexes)."""
    if route.startswith("^"):
        route = route[1:]
    if route.endswith("$"):
        route = route[:-1]
    if route in ("", "fr/"):  # the default language has no prefix
        return ""
    return route.replace("\\", "")


def sample_objects():
    """Public objects of each kind, made with the test factories."""
    from datasets.services import seed_catalogue
    from tests.applications.factories import CallFactory
    from tests.conftest import make_user
    from tests.datasets.conftest import make_project
    from tests.workshops.factories import WorkshopFactory

    seed_catalogue()
    call = CallFactory()
    lead = make_user("lea@example.org", full_name="Léa Fontaine")
    project = make_project(lead, "Baromètre du bruit nocturne")
    workshop = WorkshopFactory(title="Découvrir les données")
    return [
        f"/appels/{call.slug}/",
        "/donnees/pedestrian-flows/",
        "/donnees/capteurs/PED-001/",
        f"/projets/{project.slug}/",
        f"/agenda/{workshop.slug}/",
        "/donnees/registre/",
    ]


def check_page(client, path, failures, counts, served, *, required=False):
    try:
        response = client.get(path, secure=True)
    except Exception as exc:  # noqa: BLE001 - reported, with the page
        failures.append(f"{path}: the page crashed ({exc.__class__.__name__}: {exc})")
        return
    status = response.status_code
    if status in NOT_PUBLIC and not required:
        counts["not public"] += 1
        return
    if status != 200:
        failures.append(f"{path}: answered {status}")
        return
    counts["public"] += 1
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    counts["html"] += 1
    html = response.content.decode()
    assets = ANY_STATIC.findall(html)
    unhashed = sorted(set(assets) - set(HASHED.findall(html)))
    if unhashed:
        failures.append(f"{path}: static files without a hashed name: {unhashed}")
    if not assets:
        failures.append(f"{path}: links no static file (is it the base template?)")
    for url in set(assets) - served.keys():
        served[url] = Client().get(url, secure=True).status_code
    missing = sorted(url for url in assets if served[url] != 200)
    if missing:
        failures.append(f"{path}: static files not served: {missing}")


def main():
    if settings.DEBUG:
        print("FAIL: DEBUG is on; run with the production settings.")
        return 1
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures, served = [], {}
    counts = {"public": 0, "html": 0, "not public": 0}
    try:
        samples = sample_objects()
        paths = sorted(set(argument_free_paths()))
        client = Client()
        for path in paths + samples:
            required = path in samples  # a sample object page must be public
            check_page(client, path, failures, counts, served, required=required)
            if not path.startswith(("/api/", "/en/", "/healthz", "/i18n/")):
                check_page(
                    client, "/en" + path, failures, counts, served, required=required
                )
        health = Client().get("/healthz", secure=True)
        if health.status_code != 200 or health.json()["backends"]["pages"] != "ok":
            failures.append(f"/healthz: {health.status_code} {health.content!r}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        f"Deploy smoke test (production settings, DEBUG off): {len(paths)} "
        f"argument-free URL patterns and {len(samples)} sample object pages, "
        f"in French and English: {counts['public']} public answers 200 "
        f"({counts['html']} HTML pages, {len(served)} hashed static files served), "
        f"{counts['not public']} not public (log in, method, parameters); "
        f"/healthz rendered its template; failures: {len(failures)}"
    )
    for failure in failures:
        print(f"  FAIL {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
