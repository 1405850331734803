"""Issue 12, a property-based run of the API: schemathesis generates requests
from the OpenAPI schema (drf-spectacular, /api/v1/schema/) and sends them,
with a valid key, to the portal in-process (WSGI). No answer is a server
error, every answer conforms to the schema, every error is JSON.

Bounded for CI: ``SCHEMATHESIS_EXAMPLES`` examples per operation (default 25),
derandomised (the same examples on every run), no example database.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from datasets.access.services import issue_api_key
from tests.datasets.api.conftest import october_day, world  # noqa: F401
from tests.datasets.conftest import holder, make_grant  # noqa: F401

from . import report

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
# What the issue asks of every answer: no server error, a status, a media
# type, headers and a body that the schema documents. Not schemathesis's
# "positive data acceptance": a schema-valid street or sensor that does not
# exist is rightly refused (400 naming the parameter), as is a leak report
# without a well-formed key, which a schema cannot express.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def token(october_day, holder, organiser):  # noqa: F811
    grant = make_grant(
        holder, [october_day["pedestrians"], october_day["sound"]], organiser
    )
    return issue_api_key(grant, name="schemathesis", actor=holder)[1]


@pytest.fixture
def api_schema(db, settings):
    """The schema, read from the portal through WSGI in-process. As Django's
    test client does, requests must not close the test's database connection
    (its transaction holds the world)."""
    settings.ALLOWED_HOSTS = ["*"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/v1/schema/?format=json", get_wsgi_application()
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_api_survives_schemathesis_with_a_valid_key(api_schema, token, settings):
    # Generated requests come fast from one address: the limits are tested
    # elsewhere (tests/datasets/api/test_throttling.py).
    settings.API_ANON_RATE = settings.API_KEY_RATE = "none"
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    problems, examples = [], 0

    def examples_of(operation):
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal examples
            examples += 1
            cache.clear()  # the limiters' counters
            response = case.call(headers=headers)
            try:
                case.validate_response(response, headers=headers, checks=CHECKS)
                media = {k.lower(): v for k, v in response.headers.items()}.get(
                    "content-type", ""
                )
                media = media[0] if isinstance(media, list) and media else media
                if response.status_code >= 400:
                    assert str(media).startswith("application/json"), (
                        f"error answered as {media}"
                    )
            except (AssertionError, Failure, FailureGroup) as failure:
                problems.append(
                    f"{operation.label} {case.path_parameters or ''} "
                    f"{case.query or ''} {case.body if case.body is not None else ''}"
                    f" -> {response.status_code}: {str(failure)[:300]}"
                )

        return run

    for result in api_schema.get_all_operations():
        examples_of(result.ok())()

    report.add("schemathesis_examples", examples, unexpected=len(problems))
    assert examples > 0
    assert not problems, "\n".join(problems[:20])
