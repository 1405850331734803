"""Who reaches each membership page and action, and the list pages' queries."""

import pytest
from django.urls import reverse

from applications.enums import CallPhase
from applications.jury.models import Conflict, JuryInvitation, JuryMembership
from applications.jury.services.conflicts import detect_conflicts
from tests.conftest import make_user

from .factories_membership import closed_call, deposited, make_juror

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings):
    settings.PORTAL_REQUIRE_MFA = False
    call = closed_call(phase=CallPhase.REVIEW, slug="ami-droits")
    other_call = closed_call(slug="ami-autre")
    juror = make_juror(call, email="juror@cci.example", organisation="Upciti")
    other = make_juror(other_call, email="elsewhere@cci.example")
    deposited(call, organisation_name="Upciti", lead_email="lead@rue.example")
    [conflict] = detect_conflicts(call)
    invitation = JuryInvitation.objects.create(call=call, email="new@cci.example")
    return {
        "call": call,
        "juror": juror.user,
        "other_juror": other.user,
        "resident": make_user("resident@habitants.example"),
        "organiser": None,
        "conflict": conflict,
        "invitation": invitation,
        "membership": juror,
    }


def login(client, world, role, organiser):
    users = {
        "resident": world["resident"],
        "other_juror": world["other_juror"],
        "juror": world["juror"],
        "organiser": organiser,
    }
    if role != "anonymous":
        client.force_login(users[role])


ROLES = ["anonymous", "resident", "other_juror", "juror", "organiser"]

# (method, url name, kwargs keys, expected per role in ROLES order)
PAGES = [
    ("get", "jury:declaration", (), [302, 404, 404, 200, 404]),
    ("get", "jury_bo:call", (), [302, 404, 403, 403, 200]),
    ("get", "jury_bo:members", (), [302, 404, 403, 403, 200]),
    ("get", "jury_bo:conflicts", (), [302, 404, 403, 403, 200]),
    ("post", "jury_bo:move_phase", (), [302, 404, 403, 403, 302]),
    ("post", "jury_bo:invite", (), [302, 404, 403, 403, 302]),
    ("post", "jury_bo:detect_conflicts", (), [302, 404, 403, 403, 302]),
    ("post", "jury_bo:resolve_conflict", ("conflict",), [302, 404, 403, 403, 302]),
    (
        "post",
        "jury_bo:withdraw_invitation",
        ("invitation",),
        [302, 404, 403, 403, 302],
    ),
    ("post", "jury_bo:remove_member", ("membership",), [302, 404, 403, 403, 302]),
]
DATA = {
    "jury_bo:move_phase": {"phase": "deliberation"},
    "jury_bo:invite": {"email": "someone@cci.example"},
    "jury_bo:resolve_conflict": {"action": "dismiss", "reason": "Homonyme."},
}


@pytest.mark.parametrize(("method", "name", "keys", "expected"), PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_membership_pages_per_role(
    client, world, organiser, method, name, keys, expected, role
):
    kwargs = {"slug": world["call"].slug}
    for key in keys:
        kwargs["pk"] = world[key].pk
    login(client, world, role, organiser)
    response = getattr(client, method)(reverse(name, kwargs=kwargs), DATA.get(name, {}))
    assert response.status_code == expected[ROLES.index(role)]
    if role != "organiser":
        world["call"].refresh_from_db()
        assert world["call"].phase == CallPhase.REVIEW
        assert Conflict.objects.get().status == "pending"
        assert JuryInvitation.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_jury_home_per_role(client, world, organiser, role):
    login(client, world, role, organiser)
    response = client.get(reverse("jury:home"))
    assert response.status_code == {"anonymous": 302, "resident": 404}.get(role, 200)
    listed = {"other_juror": ["ami-autre"], "juror": ["ami-droits"], "organiser": []}
    if role in listed:
        slugs = [row["membership"].call.slug for row in response.context["rows"]]
        assert slugs == listed[role]


def test_juror_home_queries_do_not_grow(client, settings, django_assert_num_queries):
    settings.PORTAL_REQUIRE_MFA = False
    first = make_juror(closed_call(), email="k@parisandco.example")
    client.force_login(first.user)
    with django_assert_num_queries(4):
        assert client.get(reverse("jury:home")).status_code == 200
    for _number in range(3):
        JuryMembership.objects.create(call=closed_call(), user=first.user)
    with django_assert_num_queries(4):
        page = client.get(reverse("jury:home")).content.decode()
    assert page.count('<th scope="row">') == 4


def test_members_and_conflicts_pages_queries_do_not_grow(
    organiser_client, django_assert_num_queries
):
    call = closed_call(slug="ami-requetes")

    def grow(number):
        for index in range(number):
            suffix = f"{call.jury.count()}-{index}"
            make_juror(call, email=f"j{suffix}@upciti.example", organisation="Upciti")
            deposited(
                call, organisation_name="Upciti", lead_email=f"l{suffix}@a.example"
            )
            JuryInvitation.objects.create(call=call, email=f"i{suffix}@cci.example")
        detect_conflicts(call)

    members = reverse("jury_bo:members", kwargs={"slug": call.slug})
    conflicts = reverse("jury_bo:conflicts", kwargs={"slug": call.slug})
    grow(1)
    with django_assert_num_queries(5):
        organiser_client.get(members)
    with django_assert_num_queries(5):
        organiser_client.get(conflicts)
    grow(3)
    assert Conflict.objects.count() == 16
    with django_assert_num_queries(5):
        organiser_client.get(members)
    with django_assert_num_queries(5):
        organiser_client.get(conflicts)
