"""Hostile input gets a clear error, never a 500."""

import base64
import json

import pytest
from django.urls import reverse
from django.utils import translation

from applications.backoffice_forms import check_placeholders
from applications.models import EmailTemplate
from applications.services.emails import fill_placeholders
from tests.applications.factories import ApplicationFactory
from tests.applications.jury.test_scoring_views import (
    autosave_url,
    setting,  # noqa: F401
)
from tests.datasets.api.conftest import world  # noqa: F401, F811

READINGS = "/api/v1/readings/"


@pytest.fixture(autouse=True)
def _english():
    """English pages (/en/ URLs), so the messages read as written in the code."""
    with translation.override("en"):
        yield


def _cursor(value):
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


# --- The API: dates out of range, hostile cursors ---------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"start": "0001-01-01", "end": "0001-01-02"}, "start"),
        ({"start": "9999-12-30", "end": "9999-12-31"}, "start"),
        ({"start": "9999-12-31"}, "start"),
        ({"end": "9999-12-31T23:59:59"}, "end"),
        ({"start": "0001-01-01T00:00:00+14:00"}, "start"),
        ({"end": "0001-01-01"}, "end"),
    ],
)
def test_api_dates_in_year_1_or_9999_are_a_400_naming_the_parameter(
    client,
    world,  # noqa: F811
    query,
    parameter,
):
    response = client.get(READINGS, {"dataset": "pedestrian-flows", **query})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert errors[0]["parameter"] == parameter
    assert errors[0]["message"] == (
        f"{parameter} doit être comprise entre les années 1970 et 2199."
    )


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("[" * 1000 + "]" * 1000),
        _cursor("[" * 100_000),
        _cursor('["2025-10-07T00:00:00+00:00", 100000000000000000000000000000]'),
        _cursor('["2025-10-07T00:00:00+00:00", 1e999]'),
        _cursor('{"a": 1}'),
        "%%%not-base64",
    ],
)
def test_api_hostile_cursors_are_a_400(client, world, cursor):  # noqa: F811
    response = client.get(
        READINGS,
        {
            "dataset": "pedestrian-flows",
            "start": "2025-10-07",
            "end": "2025-10-08",
            "cursor": cursor,
        },
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "cursor"


# --- The applicant's autosave -----------------------------------------------------


def _autosave(client, application, raw_body):
    return client.post(
        reverse("applications:autosave", args=[application.reference]),
        data=raw_body,
        content_type="application/json",
    )


def test_autosave_with_version_infinity_is_saved_as_a_stale_version(client, user):
    application = ApplicationFactory(created_by=user, title="Avant")
    client.force_login(user)

    response = _autosave(
        client,
        application,
        '{"version": Infinity, "fields": {"title": "Rues calmes"}}',
    )

    assert response.status_code in (200, 409)
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"themes": 5}, "themes", "Enter a list of values."),
        ({"themes": [{"a": 1}]}, "themes", "Enter a list of values."),
        ({"title": {"a": 1}}, "title", "Enter a valid value."),
        ({"title": ["a"]}, "title", "Enter a valid value."),
    ],
)
def test_autosave_with_wrong_json_types_names_the_field(
    client, user, fields, field, message
):
    application = ApplicationFactory(created_by=user, title="Avant")
    client.force_login(user)

    response = _autosave(
        client, application, json.dumps({"version": 1, "fields": fields})
    )

    assert response.status_code == 200
    assert response.json()["errors"] == {field: message}
    application.refresh_from_db()
    assert application.title == "Avant"


@pytest.mark.parametrize(
    "raw_body",
    [
        "[" * 100_000,
        '{"version": 1, "fields": ' + "[" * 5000 + "]" * 5000 + "}",
        "[1, 2]",
        "5",
        '"text"',
        "\xff\xfe",
        '{"version": 1, "fields": [1]}',
    ],
)
def test_autosave_with_malformed_bodies_is_a_400(client, user, raw_body):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)

    response = _autosave(client, application, raw_body)

    assert response.status_code == 400
    assert response.json() == {"error": "Malformed request."}


@pytest.mark.parametrize(
    "version", ["1" + "0" * 40, "-99999999999999999999", "Infinity", "NaN", "true"]
)
def test_autosave_with_huge_or_odd_versions_never_fails(client, user, version):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)

    response = _autosave(
        client, application, '{"version": ' + version + ', "fields": {"title": "T"}}'
    )

    assert response.status_code in (200, 409)


# --- The jury's autosave ----------------------------------------------------------


@pytest.mark.parametrize(
    "raw_body",
    [
        "[" * 100_000,
        '{"version": Infinity}',
        '{"version": 1e400}',
        '{"scores": 5}',
        '{"overall_comment": ["x"]}',
    ],
)
def test_score_autosave_with_malformed_bodies_is_a_400(setting, raw_body):  # noqa: F811
    _call, _membership, application, _assignment, client = setting

    response = client.post(
        autosave_url(application), raw_body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "Malformed request."


@pytest.mark.parametrize(
    "scores",
    [
        {"usefulness": {"value": 10**40}},
        {"usefulness": {"value": "4; DROP TABLE"}},
        {"usefulness": {"value": [4]}},
        {"usefulness": 5},
        {"usefulness": {"value": 2, "comment": {"a": 1}}},
        {"no-such-criterion": {"value": 2}},
    ],
)
def test_score_autosave_with_wrong_values_is_a_400(setting, scores):  # noqa: F811
    _call, _membership, application, _assignment, client = setting

    response = client.post(
        autosave_url(application),
        json.dumps({"version": 0, "scores": scores}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]


# --- Email templates: a safe placeholder syntax -----------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{link.__class__.__init__.__globals__}",
            "Unknown placeholder {link.__class__.__init__.__globals__}.",
        ),
        ("{title!r}", "Unknown placeholder {title!r}."),
        ("{name:>999999999}", "Unknown placeholder {name:>999999999}."),
        ("{reference[0]}", "Unknown placeholder {reference[0]}."),
        ("{0}", "Unknown placeholder {0}."),
        (
            "Dossier {reference",
            "A brace is not closed: write placeholders like {reference}.",
        ),
    ],
)
def test_template_placeholders_refuse_python_format_syntax(text, message):
    with pytest.raises(Exception) as refused:
        check_placeholders(text)

    assert refused.value.messages == [message]


def test_template_placeholders_accept_names_and_doubled_braces():
    check_placeholders("Dossier {reference} de {name} {{accolades}}")


def test_fill_placeholders_only_replaces_known_names():
    text = "{reference} {link.__class__.__init__.__globals__} {{x}} {name:>9} {"

    filled = fill_placeholders(text, {"reference": "AMI-1", "link": "https://x"})

    assert filled == "AMI-1 {link.__class__.__init__.__globals__} {x} {name:>9} {"


@pytest.mark.django_db
def test_the_template_form_refuses_the_globals_subject_and_keeps_the_rest(
    organiser_client,
):
    data = {
        "name": "Relance",
        "slug": "",
        "subject_fr": "{link.__class__.__init__.__globals__}",
        "subject_en": "Reminder {reference}",
        "body_fr": "Bonjour {name}",
        "body_en": "Hello {name}",
    }

    response = organiser_client.post(reverse("applications_bo:template_create"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["subject_fr"]
    assert form["body_fr"].value() == "Bonjour {name}"
    assert not EmailTemplate.objects.exists()


# --- The call form: dates out of range, huge numbers -------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"opens_at": "0001-01-01T00:00"}, "opens_at"),
        ({"closes_at": "9999-12-31T23:59", "results_on": "9999-12-31"}, "closes_at"),
        ({"review_starts_on": "0001-01-01"}, "review_starts_on"),
    ],
)
def test_the_call_form_refuses_dates_in_year_1_or_9999(
    organiser_client, overrides, field
):
    from applications.models import Call
    from tests.applications.factories import DatasetFactory
    from tests.applications.test_backoffice import call_post_data

    data = call_post_data([DatasetFactory(slug="pedestrian-flows")], **overrides)

    response = organiser_client.post(reverse("applications_bo:call_create"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == ["Choose a date between the years 2000 and 2100."]
    assert form["title_fr"].value() == data["title_fr"]
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_the_call_form_refuses_huge_attachment_limits(organiser_client):
    from applications.models import Call
    from tests.applications.factories import DatasetFactory
    from tests.applications.test_backoffice import call_post_data

    data = call_post_data(
        [DatasetFactory(slug="pedestrian-flows")],
        max_attachment_mb="99999999999999999999",
    )

    response = organiser_client.post(reverse("applications_bo:call_create"), data)

    assert response.status_code == 200
    assert "max_attachment_mb" in response.context["form"].errors
    assert not Call.objects.exists()
