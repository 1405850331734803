import pytest
from django.urls import reverse
from django.utils import translation

from applications.enums import CallPhase
from applications.jury.enums import AssignmentOrigin, ConflictStatus, RunState
from applications.jury.models import Assignment, AssignmentRun
from portal.audit.models import AuditEvent
from tests.applications.factories import UserFactory

from .factories_assignment import (
    AssignmentFactory,
    ConflictFactory,
    ReviewCallFactory,
    make_applications,
    make_jury,
    make_sheet,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Pages are read in English (/en/), so that the expected words hold before
    # and after the French catalogue is merged.
    translation.activate("en")


def _url(name, call):
    return reverse(f"jury_bo:{name}", kwargs={"slug": call.slug})


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def planned():
    """3 applications, k = 1: Anne reads AMI-2-001 (by hand) and AMI-2-002,
    Bruno reads nothing yet; Claire has not declared."""
    call = ReviewCallFactory(reviewers_per_application=1)
    apps = make_applications(call, 3)
    anne, bruno = make_jury(call, ["Anne", "Bruno"])
    anne.organisation = "Mairie du 17e"
    anne.save()
    make_jury(call, ["Claire"], declared=False)
    AssignmentFactory(
        membership=anne, application=apps[0], origin=AssignmentOrigin.MANUAL
    )
    AssignmentFactory(membership=anne, application=apps[1])
    return call, apps, anne, bruno


def test_page_shows_plan_per_juror_and_its_state(organiser_client, planned):
    call, apps, anne, bruno = planned

    response = organiser_client.get(_url("assignment", call))

    assert response.status_code == 200
    overview = response.context["overview"]
    assert [(m.user.display_name, m.load) for m in overview["jurors"]] == [
        ("Anne", 2),
        ("Bruno", 0),
    ]
    assert [
        a.application.reference for a in overview["jurors"][0].plan_assignments
    ] == ["AMI-2-001", "AMI-2-002"]
    assert (overview["min_load"], overview["max_load"]) == (1, 2)
    assert [a.reference for a in overview["short"]] == ["AMI-2-003"]
    assert [m.user.display_name for m in overview["out_of_range"]] == ["Bruno"]
    page = response.content.decode()
    assert "AMI-2-001 · Projet 1" in page
    assert "Mairie du 17e" in page
    assert "Application AMI-2-003 “Projet 3” has 0 jurors out of 1." in page
    assert "Bruno reads 0 applications, outside the range 1 to 2." in page
    assert "Claire has not declared their interests yet." in page
    assert "The assignment has not been run yet for this call." in page
    assert 'aria-label="Remove Anne from application AMI-2-001"' in page
    assert "Run the assignment" in page


def test_page_flags_an_assignment_in_conflict(organiser_client, planned):
    call, apps, anne, bruno = planned
    ConflictFactory(membership=anne, application=apps[1])

    response = organiser_client.get(_url("assignment", call))

    assert (
        "Anne is assigned to application AMI-2-002 despite a conflict of "
        "interest: remove this assignment."
    ) in response.content.decode()


def test_page_without_actions_outside_assignment_phases(organiser_client, planned):
    call, *_ = planned
    call.phase = CallPhase.DELIBERATION
    call.save()

    page = organiser_client.get(_url("assignment", call)).content.decode()

    assert "Run the assignment" not in page
    assert "Assign a juror by hand" not in page
    assert "this call is at the phase “Deliberation”" in page


def test_run_from_the_page_makes_the_plan(
    organiser_client, planned, django_capture_on_commit_callbacks
):
    call, apps, anne, bruno = planned

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(_url("assignment_start", call))
    assert response.status_code == 302
    response = organiser_client.get(response["Location"])

    run = AssignmentRun.objects.get(call=call)
    assert run.state == RunState.DONE
    assert set(
        Assignment.objects.filter(membership__call=call).values_list(
            "application__reference", "membership__user__full_name"
        )
    ) == {("AMI-2-001", "Anne"), ("AMI-2-002", "Anne"), ("AMI-2-003", "Bruno")}
    assert _messages(response) == [
        "The assignment is running; this page shows its progress."
    ]
    page = response.content.decode()
    assert "Claire has not declared their interests yet." in page
    assert "data-progress-url" not in page


def test_run_refused_in_the_wrong_phase_says_why(organiser_client, planned):
    call, *_ = planned
    call.phase = CallPhase.SUBMISSION
    call.save()

    response = organiser_client.post(_url("assignment_start", call), follow=True)

    assert _messages(response) == [
        "Jurors are assigned only during the admissibility check or the jury "
        "review; this call is at the phase “Applications open”."
    ]
    assert not AssignmentRun.objects.exists()


def test_progress_of_a_running_run(organiser_client, planned):
    call, *_ = planned
    AssignmentRun.objects.create(
        call=call, reviewers_per_application=1, state=RunState.RUNNING, progress=40
    )

    response = organiser_client.get(_url("assignment_progress", call))

    assert response.json() == {
        "state": "In progress",
        "step": "Solving",
        "progress": 40,
        "finished": False,
    }
    page = organiser_client.get(_url("assignment", call)).content.decode()
    assert f'data-progress-url="{_url("assignment_progress", call)}"' in page
    assert 'value="40"' in page
    assert "Refresh this page" in page


def test_progress_without_any_run(organiser_client, planned):
    call, *_ = planned

    response = organiser_client.get(_url("assignment_progress", call))

    assert response.json() == {
        "state": "",
        "step": "",
        "progress": 0,
        "finished": True,
    }


def test_failed_run_lists_its_problems(organiser_client, planned):
    call, *_ = planned
    AssignmentRun.objects.create(
        call=call,
        reviewers_per_application=3,
        state=RunState.FAILED,
        progress=100,
        problems=["Each application needs 3 jurors but only 2 jurors have declared."],
    )

    page = organiser_client.get(_url("assignment", call)).content.decode()

    assert "The assignment could not be made; the plan is unchanged:" in page
    assert (
        "<li>Each application needs 3 jurors but only 2 jurors have declared.</li>"
        in page
    )


def test_add_by_hand(organiser_client, planned, organiser):
    call, apps, anne, bruno = planned

    response = organiser_client.post(
        _url("assignment_add", call),
        {"membership": bruno.pk, "application": apps[2].pk},
        follow=True,
    )

    assert _messages(response) == ["Bruno now reads application AMI-2-003."]
    assignment = Assignment.objects.get(membership=bruno, application=apps[2])
    assert assignment.origin == AssignmentOrigin.MANUAL
    assert AuditEvent.objects.get(verb="jury.assignment_added").actor == organiser


def test_add_refused_says_which_load_is_out_of_range(organiser_client, planned):
    call, apps, anne, bruno = planned

    response = organiser_client.post(
        _url("assignment_add", call),
        {"membership": anne.pk, "application": apps[2].pk},
        follow=True,
    )

    assert _messages(response) == [
        "Anne would read 3 applications, more than the 2 each juror may read so "
        "that loads stay within one of each other: remove one of their "
        "assignments first."
    ]
    assert not Assignment.objects.filter(application=apps[2]).exists()


def test_add_refused_for_a_conflicted_juror(organiser_client, planned):
    call, apps, anne, bruno = planned
    ConflictFactory(
        membership=bruno, application=apps[2], status=ConflictStatus.PENDING
    )

    response = organiser_client.post(
        _url("assignment_add", call),
        {"membership": bruno.pk, "application": apps[2].pk},
        follow=True,
    )

    assert _messages(response) == [
        "Bruno has a conflict of interest with application AMI-2-003 “Projet 3”: "
        "they cannot read it."
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"membership": "x'; drop table", "application": "1"},
        {"membership": "", "application": ""},
        {},
        {"membership": "999999999999999999999", "application": "-1"},
    ],
)
def test_add_with_hostile_input_answers_with_a_message(organiser_client, planned, data):
    call, *_ = planned

    response = organiser_client.post(_url("assignment_add", call), data, follow=True)

    assert response.status_code == 200
    assert _messages(response)
    assert Assignment.objects.filter(membership__call=call).count() == 2


def test_add_refuses_a_juror_or_application_of_another_call(organiser_client, planned):
    call, apps, anne, bruno = planned
    other = ReviewCallFactory()
    (stranger,) = make_jury(other, ["Zoe"])
    (foreign,) = make_applications(other, 1, start=50)

    response = organiser_client.post(
        _url("assignment_add", call),
        {"membership": stranger.pk, "application": foreign.pk},
        follow=True,
    )

    assert _messages(response) == [
        "Choose a juror of this call.",
        "Choose an admissible application of this call.",
    ]
    assert not Assignment.objects.filter(membership=stranger).exists()


def test_remove_by_hand(organiser_client, planned):
    call, apps, anne, bruno = planned
    assignment = Assignment.objects.get(membership=anne, application=apps[1])

    response = organiser_client.post(
        _url("assignment_remove", call), {"assignment": assignment.pk}, follow=True
    )

    assert _messages(response) == ["Anne no longer reads application AMI-2-002."]
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_remove_refused_once_scoring_started(organiser_client, planned):
    call, apps, anne, bruno = planned
    assignment = Assignment.objects.get(membership=anne, application=apps[1])
    make_sheet(assignment)

    response = organiser_client.post(
        _url("assignment_remove", call), {"assignment": assignment.pk}, follow=True
    )

    assert _messages(response) == [
        "Anne has started scoring application AMI-2-002 “Projet 2”: the "
        "assignment stays."
    ]
    assert Assignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("value", ["abc", "", "0"])
def test_remove_with_hostile_input(organiser_client, planned, value):
    call, *_ = planned

    response = organiser_client.post(
        _url("assignment_remove", call), {"assignment": value}, follow=True
    )

    assert _messages(response) == ["This assignment no longer exists."]


def test_remove_an_assignment_of_another_call_through_this_one(
    organiser_client, planned
):
    call, *_ = planned
    foreign = AssignmentFactory()

    response = organiser_client.post(
        _url("assignment_remove", call), {"assignment": foreign.pk}, follow=True
    )

    assert _messages(response) == ["This assignment no longer exists."]
    assert Assignment.objects.filter(pk=foreign.pk).exists()


def test_unknown_call_is_404(organiser_client):
    response = organiser_client.get(
        reverse("jury_bo:assignment", kwargs={"slug": "nope"})
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("assignment", "get"),
        ("assignment_progress", "get"),
        ("assignment_start", "post"),
        ("assignment_add", "post"),
        ("assignment_remove", "post"),
    ],
)
def test_a_juror_of_the_call_gets_403(client, settings, planned, name, method):
    call, apps, anne, bruno = planned
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(anne.user)

    response = getattr(client, method)(_url(name, call))

    assert response.status_code == 403
    assert not AssignmentRun.objects.exists()


@pytest.mark.parametrize(
    "name", ["assignment", "assignment_progress", "assignment_start"]
)
def test_someone_without_a_role_gets_404(client, settings, planned, name):
    call, *_ = planned
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(UserFactory())

    response = (
        client.post(_url(name, call))
        if "start" in name
        else client.get(_url(name, call))
    )

    assert response.status_code == 404


def test_anonymous_is_sent_to_log_in(client, planned):
    call, *_ = planned

    response = client.get(_url("assignment", call))

    assert response.status_code == 302
    assert "/login/" in response["Location"] or "connexion" in response["Location"]


def _big_call(applications, jurors):
    call = ReviewCallFactory(reviewers_per_application=2)
    apps = make_applications(call, applications)
    jury = make_jury(call, [f"Juror{i}" for i in range(jurors)])
    make_jury(call, ["Late"], declared=False)
    for index, application in enumerate(apps):
        for offset in range(2):
            assignment = AssignmentFactory(
                membership=jury[(index + offset) % jurors], application=application
            )
            if index % 3 == 0:
                make_sheet(assignment, submitted=offset == 0)
    ConflictFactory(membership=jury[0], application=apps[1])
    AssignmentRun.objects.create(
        call=call, reviewers_per_application=2, state=RunState.DONE, progress=100
    )
    return call


@pytest.mark.parametrize(("applications", "jurors"), [(4, 3), (30, 8)])
def test_page_queries_do_not_grow_with_the_plan(
    organiser_client, django_assert_num_queries, applications, jurors
):
    call = _big_call(applications, jurors)
    url = _url("assignment", call)
    organiser_client.get(url)  # warm the session and the content types

    with django_assert_num_queries(10):
        response = organiser_client.get(url)

    assert response.status_code == 200
    assert len(response.context["overview"]["jurors"]) == jurors
