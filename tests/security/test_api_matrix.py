"""Issue 12, the API matrix: every /api/v1/ endpoint with no key, another
Project's key, an out-of-scope key, an expired key, a revoked key and a valid
key. Each answer has the status of the table and a JSON body (the
human-readable docs page excepted), never Django's HTML page."""

import datetime

import orjson
import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from datasets.access import keys
from datasets.access.models import ApiKey
from datasets.access.services import issue_api_key, revoke_api_key
from tests.conftest import make_user
from tests.datasets.api.conftest import october_day, world  # noqa: F401
from tests.datasets.conftest import holder, make_grant  # noqa: F401

from . import report

DAY = {"start": "2025-10-07", "end": "2025-10-08"}
FINE_PEDESTRIANS = {
    "sensor": "PED-001",
    "metric": "pedestrians_in",
    "interval": "15min",
    **DAY,
}
HOURLY_PEDESTRIANS = {**FINE_PEDESTRIANS, "interval": "hour"}

CASES = ("none", "other_project", "out_of_scope", "expired", "revoked", "valid")

# endpoint (URL name, method, path, query or body) -> expected status per case,
# in the order of CASES. A dead key (expired, revoked) answers 401 on every
# endpoint that reads keys, so its holder learns at once; the schema and the
# docs (for people) and the leak report (for anyone) ignore keys.
ENDPOINTS = [
    ("api:schema", "GET", "/api/v1/schema/", {}, "200 200 200 401 401 200"),
    ("api:docs", "GET", "/api/v1/docs/", {}, "200 200 200 401 401 200"),
    ("api:dataset-list", "GET", "/api/v1/datasets/", {}, "200 200 200 401 401 200"),
    (
        "api:dataset-detail",
        "GET",
        "/api/v1/datasets/pedestrian-flows/",
        {},
        "200 200 200 401 401 200",
    ),
    ("api:street-list", "GET", "/api/v1/streets/", {}, "200 200 200 401 401 200"),
    (
        "api:street-detail",
        "GET",
        "/api/v1/streets/rue-des-dames/",
        {},
        "200 200 200 401 401 200",
    ),
    ("api:sensor-list", "GET", "/api/v1/sensors/", {}, "200 200 200 401 401 200"),
    (
        "api:sensor-detail",
        "GET",
        "/api/v1/sensors/PED-001/",
        {},
        "200 200 200 401 401 200",
    ),
    (
        "api:latest",
        "GET",
        "/api/v1/latest/",
        {"dataset": "pedestrian-flows"},
        "200 200 200 401 401 200",
    ),
    # 15-minute values: a key of their dataset only.
    (
        "api:readings",
        "GET",
        "/api/v1/readings/",
        FINE_PEDESTRIANS,
        "403 403 403 401 401 200",
    ),
    (
        "api:readings",
        "GET",
        "/api/v1/readings/",
        HOURLY_PEDESTRIANS,
        "200 200 200 401 401 200",
    ),
    (
        "api:readings-export",
        "GET",
        "/api/v1/readings/export.csv",
        FINE_PEDESTRIANS,
        "403 403 403 401 401 200",
    ),
    ("api:register", "GET", "/api/v1/register/", {}, "200 200 200 401 401 200"),
    # An empty report is refused whoever sends it (400, JSON).
    ("api:key-leaked", "POST", "/api/v1/keys/leaked/", {}, "400 400 400 400 400 400"),
    # Unknown objects: 404 in JSON, a dead key still 401.
    (
        "api:dataset-detail",
        "GET",
        "/api/v1/datasets/no-such-dataset/",
        {},
        "404 404 404 401 401 404",
    ),
    (
        "api:sensor-detail",
        "GET",
        "/api/v1/sensors/NOPE-999/",
        {},
        "404 404 404 401 401 404",
    ),
]
# Where the answer is meant for a browser, not a program.
HTML_ANSWERS = {"api:docs"}
CSV_ANSWERS = {"api:readings-export"}


@pytest.fixture
def tokens(october_day, holder, organiser):  # noqa: F811
    """A token per case (None: no key)."""
    valid_grant = make_grant(holder, [october_day["pedestrians"]], organiser)
    _key, valid = issue_api_key(valid_grant, name="production", actor=holder)
    # Out of scope: a key of the same Project restricted to a dataset its
    # grant does not give (nothing left of the grant's 15-minute data).
    narrow, out_of_scope = issue_api_key(valid_grant, name="bruit", actor=holder)
    narrow.datasets.set([october_day["sound"]])
    expired_key, expired = issue_api_key(valid_grant, name="ancienne", actor=holder)
    ApiKey.objects.filter(pk=expired_key.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    revoked_key, revoked = issue_api_key(valid_grant, name="fuitee", actor=holder)
    revoke_api_key(revoked_key, actor=holder)
    keys.fastcache.delete(keys.cache_key(revoked_key.digest))  # on_commit in tests
    # Another Project, granted sound levels only.
    other_holder = make_user("noe@example.org", full_name="Noé Martin")
    other_grant = make_grant(
        other_holder,
        [october_day["sound"]],
        organiser,
        project="Nuits calmes",
    )
    _other, other_project = issue_api_key(other_grant, name="bruit", actor=other_holder)
    return dict(
        zip(
            CASES,
            (None, other_project, out_of_scope, expired, revoked, valid),
            strict=True,
        )
    )


def test_every_api_endpoint_is_in_the_matrix():
    api = get_resolver().url_patterns
    names = set()
    for entry in api:
        if getattr(entry, "namespace", None) == "api":
            names |= {
                f"api:{p.name}" for p in entry.url_patterns if isinstance(p, URLPattern)
            }
    assert names == {name for name, *_rest in ENDPOINTS}


def _answer(client, method, path, params, token):
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if method == "POST":
        return client.post(path, params, content_type="application/json", **headers)
    return client.get(path, params, **headers)


def test_api_answers_each_key_as_the_matrix_says(client, tokens, settings):
    settings.API_BAD_KEY_RATE = "1000/min"
    problems, checked = [], 0
    for name, method, path, params, line in ENDPOINTS:
        for case, expected in zip(CASES, line.split(), strict=True):
            response = _answer(client, method, path, params, tokens[case])
            checked += 1
            status = response.status_code
            media = response.get("Content-Type", "")
            where = f"{method} {path} {params or ''} with {case} key"
            if status != int(expected):
                problems.append(f"{where}: {status}, expected {expected}")
            if status >= 400:
                if not media.startswith("application/json"):
                    problems.append(f"{where}: an error answered as {media}")
                    continue
                body = orjson.loads(response.content)
                if not isinstance(body.get("detail"), str) or not body["detail"]:
                    problems.append(f"{where}: no 'detail' in {body}")
            elif name in CSV_ANSWERS:
                if not media.startswith("text/csv"):
                    problems.append(f"{where}: {media}, not CSV")
            elif name not in HTML_ANSWERS and not media.startswith(
                ("application/json", "application/geo+json", "application/vnd.oai")
            ):
                problems.append(f"{where}: {media}, not JSON")
    report.add("api_matrix_cases", checked, unexpected=len(problems))
    assert not problems, "\n".join(problems)


def test_dead_keys_say_why_in_json(client, tokens):
    answers = {}
    for case in ("expired", "revoked"):
        response = _answer(client, "GET", "/api/v1/datasets/", {}, tokens[case])
        answers[case] = (response.status_code, response.json()["code"])
    assert answers == {"expired": (401, "key_expired"), "revoked": (401, "key_revoked")}


def test_out_of_scope_keys_name_the_datasets_they_may_read(client, tokens):
    other = _answer(
        client, "GET", "/api/v1/readings/", FINE_PEDESTRIANS, tokens["other_project"]
    )
    narrow = _answer(
        client, "GET", "/api/v1/readings/", FINE_PEDESTRIANS, tokens["out_of_scope"]
    )
    assert other.json()["errors"][0]["allowed"] == ["sound-levels"]
    assert narrow.json()["errors"][0]["allowed"] == []
    assert other.json()["errors"][0]["parameter"] == "dataset"


def test_write_methods_on_the_api_answer_405_in_json(client, tokens):
    response = client.delete(
        "/api/v1/datasets/", HTTP_AUTHORIZATION=f"Bearer {tokens['valid']}"
    )
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Méthode «\xa0DELETE\xa0» non autorisée."
