"""The public register of data uses: page and API, no personal data."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from datasets.access.models import ApiKeyUsage
from datasets.access.register import register_entries
from datasets.access.services import (
    issue_api_key,
    revoke_data_grant,
)
from tests.datasets.conftest import make_grant

pytestmark = pytest.mark.django_db

PERSONAL = (
    "ines@example.org",
    "Inès",
    "Moreau",
    "claire@example.org",
    "Claire",
    "Martin",
    "obk_",
)


@pytest.fixture
def grant(holder, datasets, organiser):
    grant = make_grant(holder, datasets, organiser, project="Baromètre du bruit")
    grant.purpose = "Cartographier le bruit nocturne."
    grant.save(update_fields=["purpose"])
    key, _token = issue_api_key(grant, name="Inès prod", actor=holder)
    ApiKeyUsage.objects.bulk_create(
        [
            ApiKeyUsage(key=key, day=datetime.date(2026, 9, 30), requests=5),
            ApiKeyUsage(key=key, day=datetime.date(2026, 10, 1), requests=7),
            ApiKeyUsage(key=key, day=datetime.date(2026, 10, 2), requests=11),
        ]
    )
    return grant


def test_register_api_lists_grants_without_personal_data(client, grant, organiser):
    revoked = make_grant(
        grant.holder, list(grant.datasets.all())[:1], organiser, project="Jumeau"
    )
    revoke_data_grant(revoked, reason="Inès Moreau a quitté le projet", actor=organiser)

    response = client.get("/api/v1/register/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    [jumeau, barometre] = body["results"]
    assert barometre == {
        "id": grant.pk,
        "project": {
            "name": "Baromètre du bruit",
            "slug": grant.project.slug,
            "url": "/en/projets/barometre-du-bruit/",
        },
        "datasets": [
            {
                "slug": "pedestrian-flows",
                "name": "Pedestrian flows",
                "url": "/en/donnees/pedestrian-flows/",
            },
            {
                "slug": "sound-levels",
                "name": "Sound levels",
                "url": "/en/donnees/sound-levels/",
            },
        ],
        "finest_step": "15min",
        "purpose": "Cartographier le bruit nocturne.",
        "starts_on": timezone.localdate(grant.created_at).isoformat(),
        "ends_on": grant.ends_on.isoformat(),
        "state": "active",
        "usage": [
            {"month": "2026-09", "requests": 5},
            {"month": "2026-10", "requests": 18},
        ],
    }
    assert jumeau["state"] == "revoked"
    assert jumeau["ends_on"] == timezone.localdate().isoformat()
    text = json.dumps(body, ensure_ascii=False)
    for word in PERSONAL + ("quitté",):
        assert word not in text


def test_register_page_in_french_and_english_without_personal_data(client, grant):
    with translation.override("fr"):
        french = client.get(reverse("access:register")).content.decode()
    with translation.override("en"):
        english = client.get(reverse("access:register")).content.decode()

    assert "<h1>Registre des usages des données</h1>" in french or (
        "<h1>Register of data uses</h1>" in french
    )  # French catalogue compiled at merge
    assert "<h1>Register of data uses</h1>" in english
    assert '<a href="/en/donnees/sound-levels/">Sound levels</a>' in english
    assert "<dd>Cartographier le bruit nocturne.</dd>" in english
    assert '<tr><th scope="row">October 2026</th><td>18</td></tr>' in english
    for page in (french, english):
        for word in PERSONAL:
            assert word not in page


def test_register_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()

    operation = schema["paths"]["/api/v1/register/"]["get"]
    assert operation["tags"] == ["register"]
    assert operation["summary"] == "The public register of data uses"


@pytest.mark.parametrize("size", [1, 4])
def test_register_queries_do_not_grow_with_grants(
    holder, datasets, organiser, django_assert_num_queries, size
):
    for index in range(size):
        make_grant(holder, datasets, organiser, project=f"Projet {index}")

    # grants with projects, their datasets, the monthly usage
    with django_assert_num_queries(3):
        entries = register_entries()

    assert len(entries) == size
