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
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from datasets.access.services import issue_api_key
from tests.datasets.api.conftest import october_day, world  # noqa: F401
from tests.datasets.conftest import holder, make_grant  # noqa: F401

from . import report

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture
def token(october_day, holder, organiser):  # noqa: F811
    grant = make_grant(
        holder, [october_day["pedestrians"], october_day["sound"]], organiser
    )
    return issue_api_key(grant, name="schemathesis", actor=holder)[1]


@pytest.fixture
def api_schema(db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    return schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", get_wsgi_application()
    )


def test_api_survives_schemathesis_with_a_valid_key(api_schema, token, settings):
    # Generated requests come fast from one address: the limits are tested
    # elsewhere (tests/datasets/api/test_throttling.py).
    settings.API_ANON_RATE = settings.API_KEY_RATE = "none"
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    problems, examples = [], 0

    for result in api_schema.get_all_operations():
        operation = result.ok()

        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case, operation=operation):
            nonlocal examples
            examples += 1
            cache.clear()  # the limiters' counters
            response = case.call(headers=headers)
            try:
                case.validate_response(response, headers=headers)
                media = response.headers.get("Content-Type", [""])
                media = media[0] if isinstance(media, list) else media
                if response.status_code >= 400:
                    assert media.startswith("application/json"), (
                        f"error answered as {media}"
                    )
            except (AssertionError, Exception) as failure:  # noqa: BLE001
                problems.append(
                    f"{operation.label} {case.path_parameters or ''} "
                    f"{case.query or ''} {case.body if case.body is not None else ''}"
                    f" -> {response.status_code}: {str(failure)[:300]}"
                )

        run()

    report.add("schemathesis_examples", examples, unexpected=len(problems))
    assert examples > 0
    assert not problems, "\n".join(problems[:20])
