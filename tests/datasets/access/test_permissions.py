"""Who may manage a grant's keys: the predicates of data access, as truth
tables, and the boundary between the catalogue and data access."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from datasets.access.models import ApiKey, DataGrant
from datasets.access.permissions import (
    can_grant_access,
    can_issue_key,
    can_manage_key,
    is_grant_holder,
)

NOW = timezone.now()


def grant(*, holder_id=1, revoked=False, days=30):
    return DataGrant(
        holder_id=holder_id,
        revoked_at=NOW if revoked else None,
        expires_at=NOW + datetime.timedelta(days=days),
    )


class Person:
    def __init__(self, pk, *, organiser=False):
        self.pk = pk
        self.is_authenticated = True
        self._is_organiser = organiser


@pytest.mark.parametrize(
    ("user", "obj", "expected"),
    [
        (Person(1), grant(), True),
        (Person(2), grant(), False),
        (AnonymousUser(), grant(), False),
        (Person(1), None, False),
    ],
)
def test_is_grant_holder(user, obj, expected):
    assert is_grant_holder(user, obj) is expected


@pytest.mark.parametrize(
    ("user", "obj", "expected"),
    [
        (Person(1), grant(), True),
        (Person(1), grant(revoked=True), False),
        (Person(1), grant(days=-1), False),
        (Person(2), grant(), False),
        (AnonymousUser(), grant(), False),
    ],
)
def test_can_issue_key(user, obj, expected):
    assert can_issue_key(user, obj) is expected


@pytest.mark.parametrize(
    ("user", "holder_id", "expected"),
    [(Person(1), 1, True), (Person(2), 1, False), (AnonymousUser(), 1, False)],
)
def test_can_manage_key(user, holder_id, expected):
    key = ApiKey(grant=grant(holder_id=holder_id))
    assert can_manage_key(user, key) is expected


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (Person(1, organiser=True), True),
        (Person(1), False),
        (AnonymousUser(), False),
    ],
)
def test_can_grant_access(user, expected):
    assert can_grant_access(user) is expected


def test_the_catalogue_no_longer_imports_applications():
    """Apps depend downwards: data access uses Projects, the catalogue and its
    API do not know applications exist."""
    root = Path(__file__).resolve().parents[3] / "datasets"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "access" not in path.relative_to(root).parts[:1]
        and "migrations" not in path.parts
        and re.search(r"\bapplications\b", path.read_text())
    ]
    assert offenders == []
