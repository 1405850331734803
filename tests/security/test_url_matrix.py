"""Issue 12, access control proven exhaustively: every URL pattern of the
project, every role, each method, against one table (url_table.py).

One world per module (the demo plus the roles' rows, built once inside a
transaction rolled back at the end); each request runs in its own savepoint.
"""

import pytest
from django.db import transaction

from . import report
from .url_table import KWARGS, NAMESPACES, ROLES, TABLE
from .url_world import (
    ask,
    build_world,
    clients,
    fingerprint,
    url_of,
    walk_patterns,
)

PATTERNS = walk_patterns()
REFUSED = {"login", "mfa", "403", "404", "405"}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built.clients = clients(built)
        built.baseline = fingerprint()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def unblocked(django_db_blocker):
    with django_db_blocker.unblock():
        yield


def expected_for(name):
    """{method: {role: outcome}} from the table, or None when it is missing."""
    namespace = name.split(":", 1)[0] if ":" in name else ""
    rows = TABLE.get(name) or NAMESPACES.get(namespace)
    if rows is None:
        return None
    expected = {}
    for method, line in rows.items():
        outcomes = line.split()
        assert len(outcomes) == len(ROLES), f"{name} {method}: {len(outcomes)} roles"
        expected[method] = dict(zip(ROLES, outcomes, strict=True))
    return expected


def observe(pattern, world):
    """{method: {role: outcome}} as the application answers now, and the
    problems that no table line can make right (changed rows, a 500)."""
    overrides = KWARGS.get(pattern.name, {})
    url = url_of(pattern, world, overrides)
    seen, problems = {}, []
    for method in pattern.methods:
        seen[method] = {}
        for role in ROLES:
            outcome, changed, _json = ask(
                world.clients[role],
                method,
                url,
                baseline=world.baseline if method in UNSAFE else None,
            )
            seen[method][role] = outcome
            if outcome == "500":
                problems.append(f"{method} {url} as {role}: server error")
            if outcome in REFUSED and changed:
                problems.append(
                    f"{method} {url} as {role} was refused ({outcome}) "
                    f"but changed {', '.join(changed)}"
                )
    return url, seen, problems


def table_line(name, seen):
    methods = ", ".join(
        f'"{method}": "{" ".join(roles[r] for r in ROLES)}"'
        for method, roles in seen.items()
    )
    return f'    "{name}": {{{methods}}},'


# pytest-django creates the test database only for the aliases that marked
# tests use: this mark makes the module run on its own (the world is built once
# per module, outside any test's transaction).
@pytest.mark.django_db
def test_every_url_pattern_is_in_the_table(world, unblocked):
    missing = sorted(name for name in PATTERNS if expected_for(name) is None)
    suggestions = []
    for name in missing:
        url, seen, problems = observe(PATTERNS[name], world)
        suggestions.append(table_line(name, seen))
        suggestions.extend(f"    # PROBLEM: {problem}" for problem in problems)
    assert not missing, (
        f"{len(missing)} URL pattern(s) missing from tests/security/url_table.py "
        "TABLE. Check each outcome below (order: " + " ".join(ROLES) + "), then "
        "add the lines:\n" + "\n".join(suggestions)
    )
    stale = sorted(set(TABLE) - set(PATTERNS))
    assert not stale, f"Table lines for patterns that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_url_answers_every_role_as_the_table_says(name, world, unblocked):
    expected = expected_for(name)
    if expected is None:
        pytest.skip(
            "missing from the table: see test_every_url_pattern_is_in_the_table"
        )
    pattern = PATTERNS[name]
    url, seen, problems = observe(pattern, world)
    checked = sum(len(roles) for roles in seen.values())
    for method in ("PUT", "PATCH", "DELETE"):
        if method in seen and method not in expected:
            # A namespace row: the middleware answers before any view, as
            # for POST. A table line without the method: 405 for everyone.
            expected[method] = (
                expected["POST"] if name not in TABLE else dict.fromkeys(ROLES, "405")
            )
    for method, roles in seen.items():
        for role, outcome in roles.items():
            if expected[method][role] != outcome:
                problems.append(
                    f"{method} {url} as {role}: expected "
                    f"{expected[method][role]}, got {outcome}"
                )
    # HEAD never gets more than GET (405 where a view takes GET only); the
    # English page answers like the French one. Namespace rows (the admin,
    # closed by the middleware before any view) are checked in French only.
    overrides = KWARGS.get(name, {})
    english = None
    if pattern.i18n and name in TABLE:
        english = url_of(pattern, world, overrides, language="en")
    for role in ROLES:
        client = world.clients[role]
        if name in TABLE:
            head = ask(client, "HEAD", url)[0]
            checked += 1
            if head not in (seen["GET"][role], "405"):
                problems.append(
                    f"HEAD {url} as {role}: {head}, GET gave {seen['GET'][role]}"
                )
        if english:
            answer = ask(client, "GET", english)[0]
            checked += 1
            if answer != seen["GET"][role]:
                problems.append(
                    f"GET {english} as {role}: {answer}, "
                    f"French gave {seen['GET'][role]}"
                )
    report.add("url_role_method_pairs", checked, unexpected=len(problems))
    assert not problems, "\n".join(problems) + "\nObserved:\n" + table_line(name, seen)


# --- Filters and ordering -------------------------------------------------------
# Each list endpoint with filters or a sort, the role that may see it, and how
# to read the identifiers of its rows, in order. A probe naming a field that is
# not meant to be public must change nothing: the same rows in the same order
# (the parameter is ignored), or a refusal that names it (400 / a form error).
AMI1 = {"slug": "ami-1"}
LIST_ENDPOINTS = [
    ("applications_bo:application_list", AMI1, "organiser", r"AMI1-\d{4}"),
    ("access:grant_list", {}, "organiser", r"/gestion/donnees/acces/(\d+)/\""),
    ("access:journal", {}, "organiser", r"<tr>\s*<td>([^<]+)</td>"),
    ("outbox_bo:email_list", {}, "organiser", r"<th scope=\"row\">([^<]+)</th>"),
    ("jury_bo:ranking", AMI1, "organiser", r"AMI1-\d{4}"),
    ("jury_bo:deliberation", AMI1, "organiser", r"AMI1-\d{4}"),
    ("workshops_bo:agenda", {}, "organiser", r"/gestion/ateliers/([\w-]+)/courriel/"),
    (
        "workshops_bo:participation",
        {},
        "organiser",
        r"data-label=\"Atelier\">(?:<time[^>]*>[^<]*</time>)?([^<]+)</th>",
    ),
    ("workshops:agenda", {}, "anonymous", r"/agenda/([\w-]+)/\""),
    ("projects:list", {}, "anonymous", r"/projets/([\w-]+)/\""),
    ("applications:my_applications", {}, "member", r"AMI\d-\d{4}"),
    ("api:sensor-list", {}, "anonymous", r"\"code\":\s*\"([A-Z]+-\d+)\""),
    ("api:dataset-list", {}, "anonymous", r"\"slug\":\s*\"([\w-]+)\""),
    ("api:street-list", {}, "anonymous", r"\"slug\":\s*\"([\w-]+)\""),
    ("api:register", {}, "anonymous", r"\"id\":(\d+),\"project\""),
]
PRIVATE_PROBES = [
    {"ordering": "owner__email"},
    {"ordering": "-created_by__password"},
    {"sort": "created_by__email"},
    {"sort": "-team_members__user__email"},
    {"o": "holder__email"},
    {"order_by": "user__email"},
    {"user__email": "personne@example.org"},
    {"created_by__email": "personne@example.org"},
    {"holder__email__startswith": "zzz"},
    {"team_members__user__email": "personne@example.org"},
    {"user__password__startswith": "pbkdf2"},
    {"email": "personne@example.org"},
]


def _rows(response, regex):
    import re

    return re.findall(regex, response.content.decode())


@pytest.mark.parametrize(
    ("name", "kwargs", "role", "regex"),
    LIST_ENDPOINTS,
    ids=[row[0] for row in LIST_ENDPOINTS],
)
def test_filters_and_ordering_cannot_reach_private_fields(
    name, kwargs, role, regex, world, unblocked
):
    from django.urls import reverse
    from django.utils import translation

    client = world.clients[role]
    with translation.override("fr"):
        url = reverse(name, kwargs=kwargs or None)
    with transaction.atomic():
        baseline = client.get(url)
        transaction.set_rollback(True)
    assert baseline.status_code == 200
    expected = _rows(baseline, regex)
    assert len(expected) >= 1, f"no rows to compare on {url}"
    problems = []
    for probe in PRIVATE_PROBES:
        with transaction.atomic():
            response = client.get(url, probe)
            transaction.set_rollback(True)
        if response.status_code == 400:
            body = response.content.decode()
            if not any(key in body for key in probe):
                problems.append(f"{probe}: 400 without naming the parameter")
            continue
        if response.status_code != 200:
            problems.append(f"{probe}: {response.status_code}")
            continue
        rows = _rows(response, regex)
        body = response.content.decode()
        value = next(iter(probe.values()))
        # A FilterSet refuses a sort it does not offer: no rows, and the form
        # says why ("Sélectionnez un choix valide. <value> n'en fait pas partie").
        refused = not rows and "choix valide" in body and value in body
        if rows != expected and not refused:
            problems.append(f"{probe}: rows {rows[:5]}..., not {expected[:5]}...")
    report.add("filter_probes", len(PRIVATE_PROBES), unexpected=len(problems))
    assert not problems, f"{url}\n" + "\n".join(problems)
