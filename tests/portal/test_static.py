"""Static files as production serves them: collected by the manifest storage,
hashed names in the pages, served by WhiteNoise with DEBUG off.

Production's storage is WhiteNoise's compressing subclass of Django's manifest
storage; the manifest is what refuses a dangling reference. Compressing every
file takes a minute, so these tests use the manifest storage alone and
``.ci/run`` runs the production ``collectstatic`` itself.
"""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from datasets.services import seed_catalogue

MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=MANIFEST_STORAGES):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def collected(settings, static_root):
    settings.DEBUG = False
    settings.STATIC_ROOT = static_root
    settings.STORAGES = MANIFEST_STORAGES
    return static_root


def served_body(response):
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_dataset_page_with_chart_renders_with_the_manifest_storage(client, collected):
    seed_catalogue()

    response = client.get("/donnees/sound-levels/")

    assert response.status_code == 200
    html = response.content.decode()
    chart = re.findall(
        r'src="(/static/vendor/chartjs/chart\.umd\.min\.[0-9a-f]{12}\.js)"', html
    )
    assert len(chart) == 1
    script = client.get(chart[0])
    assert script.status_code == 200
    body = served_body(script)
    assert body.startswith(b"/*!\n * Chart.js v4.6.1\n")
    assert b"sourceMappingURL" not in body


@pytest.mark.django_db
def test_home_page_renders_with_the_manifest_storage(client, collected):
    response = client.get("/")

    assert response.status_code == 200
    stylesheets = re.findall(
        r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', response.content.decode()
    )
    assert stylesheets
    for url in stylesheets:
        assert client.get(url).status_code == 200


def test_no_static_file_points_at_a_missing_source_map(settings):
    # The manifest storage refuses them at collectstatic (a 500 on every page).
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for root in settings.STATICFILES_DIRS
        for path in sorted(root.rglob("*"))
        if path.suffix in {".js", ".css"}
        and b"sourceMappingURL=" in path.read_bytes()
        and not any(root.rglob(path.name + ".map"))
    ]

    assert offenders == []
