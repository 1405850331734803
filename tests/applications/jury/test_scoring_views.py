"""The juror's queue and scoring page: content, permissions, autosave."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from applications.enums import ApplicationState, CallPhase
from applications.jury.models import Score, ScoreSheet
from applications.jury.services.scoring import record_scores

from .factories_scoring import (
    assign,
    conflict,
    declared_juror,
    deposited_application,
    review_call,
)

COMPLETE_POST = {
    "c-usefulness": "4",
    "c-usefulness-comment": "Très utile rue Legendre.",
    "c-innovation": "na",
    "c-innovation-comment": "",
    "c-data-use": "5",
    "c-data-use-comment": "",
    "overall_comment": "Solide.",
}


def juror_client(client, membership, settings):
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(membership.user)
    return client


def score_url(application):
    return reverse(
        "jury:score",
        kwargs={"slug": application.call.slug, "reference": application.reference},
    )


def autosave_url(application):
    return reverse(
        "jury:score_autosave",
        kwargs={"slug": application.call.slug, "reference": application.reference},
    )


@pytest.fixture
def setting(db, client, settings):
    call = review_call(slug="ami-revue")
    membership = declared_juror(call)
    application = deposited_application(call, reference="AMI-0001")
    assignment = assign(membership, application)
    return (
        call,
        membership,
        application,
        assignment,
        juror_client(client, membership, settings),
    )


def test_queue_lists_assignments_with_states_and_progress(setting):
    call, membership, first, first_assignment, client = setting
    second = deposited_application(call, reference="AMI-0002", title="Bruit la nuit")
    third = deposited_application(call, reference="AMI-0003", title="Bancs à l'ombre")
    assign(membership, second)
    assign(membership, third)
    # Not reviewable: withdrawn; conflicted: hidden.
    withdrawn = deposited_application(call, reference="AMI-0004")
    withdrawn.state = ApplicationState.WITHDRAWN
    withdrawn.save()
    assign(membership, withdrawn)
    conflicted = deposited_application(call, reference="AMI-0005")
    assign(membership, conflicted)
    conflict(membership, conflicted)
    full = {
        "usefulness": {"value": 3},
        "innovation": {"value": 2},
        "data-use": {"value": 7},
    }
    record_scores(
        first_assignment,
        juror=membership.user,
        scores=full,
        overall_comment="",
        submit=True,
    )
    record_scores(
        membership.assignments.get(application=second),
        juror=membership.user,
        scores={"usefulness": {"value": 1}},
        overall_comment="",
    )

    with translation.override("en"):
        response = client.get(reverse("jury:queue", kwargs={"slug": call.slug}))

    assert response.status_code == 200
    rows = [
        (row["assignment"].application.reference, row["state"])
        for row in response.context["rows"]
    ]
    assert rows == [
        ("AMI-0001", "submitted"),
        ("AMI-0002", "draft"),
        ("AMI-0003", "to_score"),
    ]
    html = response.content.decode()
    assert '<progress id="queue-progress" max="3" value="1">1 / 3</progress>' in html
    assert "1 / 3 submitted" in html
    assert "AMI-0004" not in html and "AMI-0005" not in html


@pytest.mark.parametrize("size", [2, 8])
def test_queue_queries_do_not_grow(setting, size, django_assert_num_queries):
    call, membership, _first, _assignment, client = setting
    for n in range(size):
        application = deposited_application(call, reference=f"AMI-1{n:03d}")
        assign(membership, application)
    address = reverse("jury:queue", kwargs={"slug": call.slug})
    client.get(address)
    # The session with its user, call, membership, assignments, next assignment.
    with django_assert_num_queries(6):
        response = client.get(address)
    assert len(response.context["rows"]) == size + 1


@pytest.mark.parametrize("size", [2, 8])
def test_blind_queue_queries_do_not_grow(setting, size, django_assert_num_queries):
    call, membership, _first, _assignment, client = setting
    call.blind_review = True
    call.save()
    for n in range(size):
        application = deposited_application(call, reference=f"AMI-1{n:03d}")
        assign(membership, application)
    address = reverse("jury:queue", kwargs={"slug": call.slug})
    client.get(address)
    # The same, plus the teams and their users.
    with django_assert_num_queries(8):
        response = client.get(address)
    assert len(response.context["rows"]) == size + 1


def test_scoring_page_shows_the_deposited_version_beside_the_grid(setting):
    _call, _membership, application, _assignment, client = setting
    # Changed after the deadline: the jury never sees it.
    application.problem = "Texte modifié après la clôture."
    application.save()
    response = client.get(score_url(application))
    assert response.status_code == 200
    assert (response.context["done"], response.context["total"]) == (0, 1)
    html = response.content.decode()
    assert '<progress id="sheet-progress" max="1" value="0">0 / 1</progress>' in html
    assert "Les livreurs stationnent en double file faute de place libre." in html
    assert "Texte modifié après la clôture." not in html
    assert "Utilité pour les habitants" in html
    assert 'name="c-usefulness" value="5"> <strong>5</strong> · Remarquable' in html
    assert 'name="c-data-use" value="10"> <strong>10</strong></label>' in html
    assert 'name="c-innovation" value="na">' in html
    assert "pitch-deck.pdf" in html
    assert 'href="#grille"' in html


def test_save_draft_then_submit_and_next_least_reviewed_first(
    setting, settings, client
):
    call, membership, application, _assignment, juror = setting
    busy = deposited_application(call, reference="AMI-0002")
    quiet = deposited_application(call, reference="AMI-0003")
    assign(membership, busy)
    assign(membership, quiet)
    # Another juror already submitted AMI-0002: AMI-0003 is less reviewed.
    other = declared_juror(call, email="autre@example.org")
    record_scores(
        assign(other, busy),
        juror=other.user,
        scores={
            "usefulness": {"value": 1},
            "innovation": {"value": 1},
            "data-use": {"value": 1},
        },
        overall_comment="",
        submit=True,
    )

    response = juror.post(
        score_url(application), {**COMPLETE_POST, "version": "0", "action": "save"}
    )
    assert response.status_code == 302
    assert response.url == score_url(application)
    sheet = ScoreSheet.objects.get(assignment__application=application)
    assert sheet.submitted_at is None
    assert {
        s.criterion.key: (s.value, s.not_applicable, s.comment)
        for s in sheet.scores.select_related("criterion")
    } == {
        "usefulness": (4, False, "Très utile rue Legendre."),
        "innovation": (None, True, ""),
        "data-use": (5, False, ""),
    }

    response = juror.post(
        score_url(application),
        {**COMPLETE_POST, "version": str(sheet.version), "action": "submit"},
    )
    assert response.status_code == 302
    assert response.url == score_url(quiet)
    sheet.refresh_from_db()
    assert sheet.submitted_at is not None


def test_submit_incomplete_shows_which_criteria(setting):
    _call, _membership, application, _assignment, client = setting
    data = {**COMPLETE_POST, "c-data-use": "", "version": "0", "action": "submit"}
    with translation.override("en"):
        response = client.post(score_url(application), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The sheet is not submitted: see the criteria marked below." in html
    assert [row["errors"] for row in response.context["rows"]] == [
        [],
        [],
        ["Give a score or mark it not applicable."],
    ]
    # What the juror chose stays on the page.
    assert response.context["rows"][0]["chosen"] == "4"
    assert not ScoreSheet.objects.exists()


def test_autosave_saves_and_refuses_a_stale_version(setting):
    _call, _membership, application, _assignment, client = setting
    body = {
        "version": 0,
        "overall_comment": "En cours",
        "scores": {"usefulness": {"value": 2, "not_applicable": False, "comment": ""}},
    }
    response = client.post(
        autosave_url(application), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    body["scores"]["usefulness"]["value"] = 3
    body["version"] = 1
    response = client.post(
        autosave_url(application), json.dumps(body), content_type="application/json"
    )
    assert response.json()["version"] == 2
    # A second tab still holds version 1.
    body["scores"]["usefulness"]["value"] = 5
    response = client.post(
        autosave_url(application), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert Score.objects.get().value == 3


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[1, 2]",
        b'{"scores": [1]}',
        b'{"scores": {}, "version": "1"}',
        b'{"scores": {}, "overall_comment": 12}',
        b'{"scores": {"usefulness": {"value": 99}}}',
        b'{"scores": {"nope": {"value": 1}}}',
        b"\xff\xfe",
    ],
)
def test_autosave_hostile_json_answers_400(setting, payload):
    _call, _membership, application, _assignment, client = setting
    response = client.post(
        autosave_url(application), payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert "error" in response.json()
    assert not Score.objects.exists()


def test_conflicted_juror_gets_404_everywhere(setting):
    _call, membership, application, _assignment, client = setting
    conflict(membership, application)
    assert client.get(score_url(application)).status_code == 404
    assert client.post(score_url(application), COMPLETE_POST).status_code == 404
    response = client.post(
        autosave_url(application), b"{}", content_type="application/json"
    )
    assert response.status_code == 404
    attachment = reverse(
        "jury:score_attachment",
        kwargs={
            "slug": application.call.slug,
            "reference": application.reference,
            "number": 1,
        },
    )
    assert client.get(attachment).status_code == 404


def test_dismissed_conflict_lets_the_juror_in(setting):
    from applications.jury.enums import ConflictStatus

    _call, membership, application, _assignment, client = setting
    conflict(membership, application, status=ConflictStatus.DISMISSED)
    response = client.get(score_url(application))
    assert response.status_code == 200
    assert response.context["application"] == application
    html = response.content.decode()
    assert "Les livreurs stationnent en double file faute de place libre." in html


def test_unassigned_application_and_other_call_answer_404(setting, settings, client):
    call, _membership, _application, _assignment, juror = setting
    unassigned = deposited_application(call, reference="AMI-0009")
    assert juror.get(score_url(unassigned)).status_code == 404
    other_call = review_call(slug="ami-autre")
    elsewhere = deposited_application(other_call, reference="AMI-0010")
    assert juror.get(score_url(elsewhere)).status_code == 404
    queue = reverse("jury:queue", kwargs={"slug": other_call.slug})
    assert juror.get(queue).status_code == 404


def test_undeclared_juror_is_not_let_in(setting, settings, client):
    call, membership, application, _assignment, juror = setting
    membership.declared_at = None
    membership.save()
    response = juror.get(reverse("jury:queue", kwargs={"slug": call.slug}))
    # To the declaration when its page exists, else nothing to see.
    assert response.status_code in (302, 404)
    assert juror.get(score_url(application)).status_code in (302, 404)
    assert not ScoreSheet.objects.exists()


def test_outside_review_read_only_and_post_forbidden(setting):
    call, membership, application, assignment, client = setting
    record_scores(
        assignment,
        juror=membership.user,
        scores={"usefulness": {"value": 4}},
        overall_comment="",
    )
    call.phase = CallPhase.DELIBERATION
    call.save()
    response = client.get(score_url(application))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<fieldset class="scoring-sheet" disabled>' in html
    assert 'value="submit"' not in html
    assert client.post(score_url(application), COMPLETE_POST).status_code == 403
    response = client.post(
        autosave_url(application),
        json.dumps({"scores": {"usefulness": {"value": 1}}}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Score.objects.get().value == 4


def test_organiser_without_seat_gets_404_on_juror_pages(setting, organiser, client):
    call, _membership, application, _assignment, _juror = setting
    client.force_login(organiser)
    assert client.get(score_url(application)).status_code == 404
    queue = reverse("jury:queue", kwargs={"slug": call.slug})
    assert client.get(queue).status_code == 404


def test_stale_form_post_answers_409_and_keeps_the_jurors_choices(setting):
    _call, membership, application, assignment, client = setting
    record_scores(
        assignment,
        juror=membership.user,
        scores={"usefulness": {"value": 1}},
        overall_comment="",
    )
    record_scores(
        assignment,
        juror=membership.user,
        scores={"usefulness": {"value": 2}},
        overall_comment="",
    )
    with translation.override("en"):
        address = score_url(application)
    response = client.post(address, {**COMPLETE_POST, "version": "1", "action": "save"})
    assert response.status_code == 409
    assert response.context["form_errors"] == [
        "This sheet was changed elsewhere (another tab or device) since you opened "
        "it: reload the page to see that version."
    ]
    assert response.context["rows"][0]["chosen"] == "4"
    assert Score.objects.get().value == 2


def test_last_submission_leads_back_to_the_queue(setting):
    call, _membership, application, _assignment, client = setting
    response = client.post(
        score_url(application), {**COMPLETE_POST, "version": "0", "action": "submit"}
    )
    assert response.status_code == 302
    assert response.url == reverse("jury:queue", kwargs={"slug": call.slug})


def test_attachment_of_an_open_call_keeps_its_name(setting):
    call, _membership, application, _assignment, client = setting
    address = reverse(
        "jury:score_attachment",
        kwargs={"slug": call.slug, "reference": application.reference, "number": 1},
    )
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pitch-deck.pdf"'
    missing = reverse(
        "jury:score_attachment",
        kwargs={"slug": call.slug, "reference": application.reference, "number": 2},
    )
    assert client.get(missing).status_code == 404


def test_hostile_form_values_give_messages_not_500(setting):
    _call, _membership, application, _assignment, client = setting
    data = {
        **COMPLETE_POST,
        "c-usefulness": "99999999999999999999999999",
        "c-data-use": "<script>",
        "version": "abc",
        "action": "save",
    }
    with translation.override("en"):
        address = score_url(application)
    response = client.post(address, data)
    assert response.status_code == 400
    errors = {row["criterion"].key: row["errors"] for row in response.context["rows"]}
    assert errors == {
        "usefulness": ["A score is between 0 and 5."],
        "innovation": [],
        "data-use": ["Malformed score."],
    }
    assert not ScoreSheet.objects.exists()
