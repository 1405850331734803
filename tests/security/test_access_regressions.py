"""Issue 12: what the URL x role matrix and the API matrix found, each fixed
with its own regression test."""

import json
import re

import pytest
from django.urls import reverse

from applications.models import Attachment
from tests.applications.factories import ApplicationFactory, AttachmentFactory
from tests.applications.jury.factories_scoring import (
    assign,
    declared_juror,
    deposited_application,
    review_call,
)
from tests.datasets.conftest import holder, make_grant  # noqa: F401


def _lose_the_file(attachment):
    attachment.file.storage.delete(attachment.file.name)


def test_applicant_attachment_whose_file_is_gone_answers_404_not_500(client, user):
    application = ApplicationFactory(created_by=user)
    attachment = AttachmentFactory(application=application, uploaded_by=user)
    _lose_the_file(attachment)
    client.force_login(user)
    response = client.get(
        reverse(
            "applications:attachment_download",
            args=[application.reference, attachment.pk],
        )
    )
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_juror_attachment_whose_file_is_gone_answers_404_not_500(db, client, settings):
    settings.PORTAL_REQUIRE_MFA = False
    call = review_call(slug="ami-revue")
    membership = declared_juror(call)
    application = deposited_application(call, reference="AMI-0001")
    assign(membership, application)
    for attachment in Attachment.objects.filter(application=application):
        _lose_the_file(attachment)
    client.force_login(membership.user)
    response = client.get(
        reverse(
            "jury:score_attachment",
            kwargs={"slug": call.slug, "reference": application.reference, "number": 1},
        )
    )
    assert response.status_code == 404


@pytest.mark.parametrize("draft_token", [None, "forged"])
def test_autosave_without_session_tells_no_reference_apart(
    client, other_user, draft_token
):
    application = ApplicationFactory(created_by=other_user)
    body = json.dumps({"version": 1, "fields": {}, "draft_token": draft_token})
    answers = {}
    for reference in (application.reference, "AMI9-9999"):
        response = client.post(
            reverse("applications:autosave", args=[reference]),
            body,
            content_type="application/json",
        )
        answers[reference] = (response.status_code, response.json())
    expected = (
        401,
        {"error": "Votre session a expiré\u00a0: reconnectez-vous.", "login": True},
    )
    assert answers == {application.reference: expected, "AMI9-9999": expected}


def test_signed_in_autosave_of_an_unknown_reference_answers_404(client, user):
    client.force_login(user)
    response = client.post(
        reverse("applications:autosave", args=["AMI9-9999"]),
        json.dumps({"version": 1, "fields": {}}),
        content_type="application/json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/docs/"])
def test_schema_and_docs_refuse_a_dead_key_in_json(client, path, holder, organiser):  # noqa: F811
    from datasets.access.services import issue_api_key, revoke_api_key
    from tests.datasets.factories import DatasetFactory

    grant = make_grant(holder, [DatasetFactory(slug="pedestrian-flows")], organiser)
    key, token = issue_api_key(grant, name="ancienne", actor=holder)
    revoke_api_key(key, actor=holder)
    response = client.get(
        path, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "key_revoked"
    assert response["WWW-Authenticate"] == 'Bearer realm="OpenBatignolles API"'


def test_schema_documents_what_schemathesis_found_missing(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    sensors = schema["paths"]["/api/v1/sensors/"]["get"]["responses"]
    assert sorted(sensors["200"]["content"]) == [
        "application/geo+json",
        "application/json",
    ]
    zone = schema["components"]["schemas"]["Sensor"]["properties"]["parking_zone"]
    assert zone["nullable"] is True
    detail = schema["paths"]["/api/v1/datasets/{slug}/"]["get"]["responses"]
    assert {"200", "401", "403", "404", "429", "503"} <= set(detail)
    assert detail["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_organisers_list_ignores_a_sort_on_a_private_field(organiser_client):
    from tests.applications.factories import CallFactory

    call = CallFactory()
    for title in ("Bruit", "Livraisons"):
        ApplicationFactory(call=call, title=title, state="submitted")
    url = reverse("applications_bo:application_list", kwargs={"slug": call.slug})

    def references(**params):
        response = organiser_client.get(url, params)
        assert response.status_code == 200
        return re.findall(r"TEST-\d{4}", response.content.decode())

    default = references()
    assert len(set(default)) == 2
    assert references(sort="created_by__email") == default
    assert references(sort="-team_members__user__email,title") == default
