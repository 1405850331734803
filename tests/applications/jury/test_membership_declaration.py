"""The declaration of interests comes first: the page, what it records, and
the guard every other juror page uses."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from applications.enums import ApplicationState, CallPhase
from applications.jury.enums import ConflictSource, ConflictStatus
from applications.jury.models import Assignment, Conflict, JuryMembership, ScoreSheet
from applications.jury.views.membership import declaration_required
from portal.audit.models import AuditEvent

from .factories_membership import closed_call, deposited, make_grid, make_juror

S = ApplicationState
pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return closed_call(phase=CallPhase.ADMISSIBILITY, slug="ami-declaration")


@pytest.fixture
def juror(call):
    return make_juror(call, email="sophie@cci.example", declared=False)


@pytest.fixture
def juror_client(client, juror, settings):
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(juror.user)
    return client


def declaration_url(call):
    return reverse("jury:declaration", kwargs={"slug": call.slug})


def test_declaration_lists_deposited_applications_by_organisation_and_title(
    juror_client, call
):
    deposited(call, organisation_name="Rue Vivante", title="Bancs connectés")
    deposited(call, organisation_name="Upciti", title="Capteurs", state=S.ADMISSIBLE)
    deposited(call, organisation_name="Brouillon", title="Pas encore", state=S.DRAFT)
    deposited(
        call, organisation_name="Écartée", title="Hors sujet", state=S.INADMISSIBLE
    )
    page = juror_client.get(declaration_url(call)).content.decode()
    assert "Rue Vivante — Bancs connectés" in page
    assert "Upciti — Capteurs" in page
    assert "Brouillon" not in page
    assert "Écartée" not in page


def test_blind_call_lists_organisation_names_only(juror_client, call):
    call.blind_review = True
    call.save(update_fields=["blind_review"])
    first = deposited(call, organisation_name="Rue Vivante", title="Bancs connectés")
    second = deposited(call, organisation_name="Rue Vivante", title="Second projet")
    deposited(call, organisation_name="Upciti", title="Capteurs")
    page = juror_client.get(declaration_url(call)).content.decode()
    assert ("Bancs connectés" in page, "Capteurs" in page) == (False, False)
    assert page.count(" Rue Vivante</label>") == 1

    juror_client.post(
        declaration_url(call), {"organisation": "CCI", "conflicts": ["rue vivante"]}
    )
    assert sorted(Conflict.objects.values_list("application_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


def test_saving_the_declaration_records_conflicts_and_runs_detection(
    juror_client, juror, call
):
    declared = deposited(call, organisation_name="Rue Vivante", reference="AMI-0101")
    same_org = deposited(
        call, organisation_name="C.C.I. Paris SA", reference="AMI-0102"
    )
    deposited(call, organisation_name="Autre", reference="AMI-0103")

    response = juror_client.post(
        declaration_url(call),
        {
            "organisation": "CCI Paris",
            "conflicts": [str(declared.pk)],
            "statement": "Administratrice d'une association du quartier.",
            "themes": ["mobility", "parking"],
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("jury:home")
    juror.refresh_from_db()
    assert juror.declared_at is not None
    assert (juror.organisation, juror.conflict_statement, juror.themes) == (
        "CCI Paris",
        "Administratrice d'une association du quartier.",
        ["mobility", "parking"],
    )
    assert sorted(
        Conflict.objects.values_list("application__reference", "source", "status")
    ) == [
        ("AMI-0101", ConflictSource.DECLARED, ConflictStatus.CONFIRMED),
        ("AMI-0102", ConflictSource.SAME_ORGANISATION, ConflictStatus.PENDING),
    ]
    event = AuditEvent.objects.get(verb="jury.interests_declared")
    assert event.after["conflicts"] == ["AMI-0101"]
    assert same_org.conflicts.get().detail == "CCI Paris = C.C.I. Paris SA"


def test_updating_the_declaration_removes_unticked_declared_conflicts(
    juror_client, call
):
    first = deposited(call, organisation_name="Rue Vivante")
    second = deposited(call, organisation_name="Bancs & Co")
    url = declaration_url(call)
    juror_client.post(url, {"conflicts": [str(first.pk), str(second.pk)]})
    page = juror_client.get(url).content.decode()
    assert page.count("checked") == 2

    juror_client.post(url, {"conflicts": [str(second.pk)]})
    assert list(Conflict.objects.values_list("application_id", flat=True)) == [
        second.pk
    ]
    assert AuditEvent.objects.filter(verb="jury.interests_declared").order_by(
        "pk"
    ).last().after["withdrawn"] == [first.reference]


def test_hostile_declaration_is_refused_without_error(juror_client, juror, call):
    other_call = closed_call()
    elsewhere = deposited(other_call, organisation_name="Ailleurs")
    for data in (
        {"conflicts": [str(elsewhere.pk)]},
        {"conflicts": ["<script>"]},
        {"themes": ["not-a-theme"]},
        {"organisation": "x" * 300},
    ):
        response = juror_client.post(declaration_url(call), data)
        assert response.status_code == 400
    juror.refresh_from_db()
    assert juror.declared_at is None
    assert Conflict.objects.count() == 0


def guarded(request, slug):
    return HttpResponse(f"{request.jury_membership.pk}")


@pytest.mark.parametrize("declared", [False, True])
def test_declaration_required_decorator(call, declared):
    membership = make_juror(call, email="k@parisandco.example", declared=declared)
    request = RequestFactory().get("/")
    request.user = membership.user
    response = declaration_required(guarded)(request, slug=call.slug)
    if declared:
        assert (response.status_code, response.content) == (
            200,
            str(membership.pk).encode(),
        )
    else:
        assert (response.status_code, response["Location"]) == (
            302,
            declaration_url(call),
        )


def test_declaration_required_decorator_non_member_404(call, other_user):
    from django.http import Http404

    request = RequestFactory().get("/")
    request.user = other_user
    with pytest.raises(Http404):
        declaration_required(guarded)(request, slug=call.slug)


def test_juror_home_says_what_to_do_next(client, settings):
    settings.PORTAL_REQUIRE_MFA = False
    to_declare = closed_call(title_en="Call to declare", phase=CallPhase.ADMISSIBILITY)
    waiting = closed_call(title_en="Call waiting", phase=CallPhase.ADMISSIBILITY)
    scoring = closed_call(title_en="Call scoring", phase=CallPhase.REVIEW)
    first = make_juror(to_declare, email="sophie@cci.example", declared=False)
    user = first.user
    for call, declared in ((waiting, True), (scoring, True)):
        JuryMembership.objects.create(
            call=call, user=user, declared_at=timezone.now() if declared else None
        )
    seat = user.jury_memberships.get(call=scoring)
    grid = make_grid(scoring)
    for number in range(2):
        assignment = Assignment.objects.create(
            membership=seat, application=deposited(scoring, state=S.UNDER_REVIEW)
        )
        if number == 0:
            ScoreSheet.objects.create(
                assignment=assignment, grid=grid, submitted_at=timezone.now()
            )
    client.force_login(user)
    with translation.override("en"):
        page = client.get(reverse("jury:home")).content.decode()
    assert "Declare your interests" in page
    assert "Declared. The review has not started yet." in page
    assert "Score the applications: 1 / 2" in page


def test_dashboard_links_jurors_to_their_space(client, juror):
    client.force_login(juror.user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{reverse("jury:home")}"' in page
