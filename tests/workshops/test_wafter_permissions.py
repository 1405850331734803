"""Who may open the pages of the day and after: a truth table per role."""

import pytest
from django.urls import reverse

from workshops.permissions_wafter import can_run_workshop

from .wafter_factories import *  # noqa: F403
from .wafter_factories import client_for

ROLES = [
    "anonymous",
    "participant",
    "other_participant",
    "facilitator",
    "other_facilitator",
    "organiser",
]


@pytest.fixture
def people(participant, other_participant, facilitator, other_facilitator, organiser):
    return {
        "anonymous": None,
        "participant": participant.user,
        "other_participant": other_participant.user,
        "facilitator": facilitator,
        "other_facilitator": other_facilitator,
        "organiser": organiser,
    }


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", False),
        ("participant", False),
        ("other_participant", False),
        ("facilitator", True),
        ("other_facilitator", False),
        ("organiser", True),
    ],
)
def test_can_run_workshop_truth_table(people, workshop, role, expected):
    from django.contrib.auth.models import AnonymousUser

    person = people[role] or AnonymousUser()
    assert can_run_workshop(person, workshop) is expected


RUN_PAGES = ["run", "checkin", "attendance_csv", "minutes_edit", "materials", "actions"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", RUN_PAGES)
def test_run_pages_per_role(client, people, workshop, role, page):
    client_for(client, people[role])

    response = client.get(reverse(f"workshops:{page}", kwargs={"slug": workshop.slug}))

    expected = {
        "anonymous": 302,
        "participant": 404,
        "other_participant": 404,
        "facilitator": 200,
        "other_facilitator": 404,
        "organiser": 200,
    }[role]
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_check_in_action_per_role(client, people, workshop, participant, role):
    client_for(client, people[role])

    response = client.post(
        reverse(
            "workshops:checkin_do",
            kwargs={"slug": workshop.slug, "pk": participant.pk},
        )
    )
    participant.refresh_from_db()

    allowed = role in ("facilitator", "organiser")
    assert response.status_code == (302 if allowed or role == "anonymous" else 404)
    if role == "anonymous":
        assert "login" in response["Location"]
    assert (participant.checked_in_at is not None) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_scan_per_role(client, people, workshop, participant, role):
    """A participant scanning their own QR code does not check themselves in."""
    client_for(client, people[role])

    response = client.post(
        reverse(
            "workshops:checkin_scan",
            kwargs={"slug": workshop.slug, "token": participant.checkin_token},
        )
    )
    participant.refresh_from_db()

    allowed = role in ("facilitator", "organiser")
    assert (participant.checked_in_at is not None) is allowed
    if not allowed:
        assert response.status_code == (302 if role == "anonymous" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_back_office_certificates_per_role(client, people, workshop, role):
    client_for(client, people[role])

    response = client.get(
        reverse("workshops_bo:certificates", kwargs={"slug": workshop.slug})
    )

    expected = {"anonymous": 302, "organiser": 200}.get(role, 404)
    assert response.status_code == expected
