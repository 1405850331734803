"""The organisers' back office of calls and applications (/gestion/appels/)."""

import datetime
import html
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.mail.backends import locmem
from django.urls import reverse
from django.utils import translation

from applications.enums import (
    ApplicantType,
    ApplicationState,
    CallPhase,
    EmailStatus,
    QuestionKind,
    Theme,
)
from applications.jury.models import JuryMembership
from applications.models import (
    Call,
    DataCharter,
    EmailTemplate,
    ExtraQuestion,
    SentEmail,
)
from portal.audit.models import AuditEvent
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    DatasetFactory,
    SubmissionFactory,
    TeamMemberFactory,
    UserFactory,
    make_complete_application,
)

S = ApplicationState


@pytest.fixture
def eager_celery():
    """Run Celery tasks in the process, whatever REDIS_URL says."""
    from portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def call(db):
    return CallFactory(slug="ami-2026", title_fr="AMI 2026", title_en="Call 2026")


def submitted(call, **kwargs):
    kwargs.setdefault("state", S.SUBMITTED)
    application = make_complete_application(call=call, **kwargs)
    SubmissionFactory(application=application, number=1)
    return application


def in_admissibility(call):
    """Move the call to its admissibility phase (the check starts there)."""
    call.phase = CallPhase.ADMISSIBILITY
    call.save(update_fields=["phase"])
    return call


def url(name, **kwargs):
    return reverse(f"applications_bo:{name}", kwargs=kwargs)


def page_urls(call, application):
    ref = {"slug": call.slug, "reference": application.reference}
    return [
        url("call_list"),
        url("call_create"),
        url("template_list"),
        url("template_create"),
        url("call_overview", slug=call.slug),
        url("call_edit", slug=call.slug),
        url("application_list", slug=call.slug),
        url("application_export", slug=call.slug),
        url("team_email", slug=call.slug),
        url("sent_email_list", slug=call.slug),
        url("application_detail", **ref),
        url("application_pdf", **ref),
    ]


def post_urls(call, application):
    ref = {"slug": call.slug, "reference": application.reference}
    return [
        (url("call_publish", slug=call.slug), {"action": "unpublish"}),
        (url("application_admissibility", **ref), {"decision": "admissible"}),
        (url("application_start_review", **ref), {}),
        (url("application_decision", **ref), {"decision": "retained"}),
        (url("team_email", slug=call.slug), {"template": "1"}),
        (url("call_edit", slug=call.slug), {"title_fr": "Piraté"}),
        (url("call_create"), {"title_fr": "Piraté"}),
    ]


def assert_nothing_changed(call, application):
    call.refresh_from_db()
    application.refresh_from_db()
    assert (call.is_published, call.title_fr) == (True, "AMI 2026")
    assert application.state == S.SUBMITTED
    assert not SentEmail.objects.exists()
    assert Call.objects.count() == 1


# --- Who may see what ----------------------------------------------------------------


@pytest.mark.django_db
def test_backoffice_pages_organiser_gets_each_page(organiser_client, call):
    application = submitted(call)
    for address in page_urls(call, application):
        response = organiser_client.get(address)
        assert response.status_code == 200, address


@pytest.mark.django_db
def test_backoffice_pages_outsider_gets_404(client, call, settings, user):
    settings.PORTAL_REQUIRE_MFA = False
    application = submitted(call)
    client.force_login(user)
    for address in page_urls(call, application):
        assert client.get(address).status_code == 404, address
    for address, data in post_urls(call, application):
        assert client.post(address, data).status_code == 404, address
    assert_nothing_changed(call, application)


@pytest.mark.django_db
def test_backoffice_pages_team_member_gets_404(client, call, settings):
    settings.PORTAL_REQUIRE_MFA = False
    application = submitted(call)
    client.force_login(application.created_by)
    for address in page_urls(call, application):
        assert client.get(address).status_code == 404, address
    for address, data in post_urls(call, application):
        assert client.post(address, data).status_code == 404, address
    assert_nothing_changed(call, application)


@pytest.mark.django_db
def test_backoffice_pages_jury_member_gets_403(client, call, settings):
    settings.PORTAL_REQUIRE_MFA = False
    application = submitted(call)
    juror = UserFactory()
    JuryMembership.objects.create(call=call, user=juror)
    client.force_login(juror)
    for address in page_urls(call, application):
        assert client.get(address).status_code == 403, address
    for address, data in post_urls(call, application):
        assert client.post(address, data).status_code == 403, address
    assert_nothing_changed(call, application)


@pytest.mark.django_db
def test_backoffice_pages_anonymous_redirected_to_login(client, call):
    response = client.get(url("call_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_backoffice_organiser_without_mfa_redirected_to_mfa_setup(
    client, organiser, settings
):
    settings.PORTAL_REQUIRE_MFA = True
    client.force_login(organiser)
    response = client.get(url("call_list"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp") + "?next=" + url("call_list")


@pytest.mark.django_db
def test_backoffice_organiser_with_mfa_gets_page(client, organiser, settings, call):
    settings.PORTAL_REQUIRE_MFA = True
    Authenticator.objects.create(
        user=organiser, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(organiser)
    response = client.get(url("call_list"))
    assert response.status_code == 200
    assert "AMI 2026" in response.content.decode()


@pytest.mark.django_db
def test_application_detail_other_call_gets_404(organiser_client, call):
    other = CallFactory()
    application = submitted(other)
    response = organiser_client.get(
        url("application_detail", slug=call.slug, reference=application.reference)
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_call_overview_unknown_call_gets_404(organiser_client):
    assert organiser_client.get(url("call_overview", slug="nope")).status_code == 404


# --- Calls ---------------------------------------------------------------------------


def call_post_data(datasets, **overrides):
    charter = DataCharter.objects.get_or_create(
        version="1.0", defaults={"text_fr": "Charte", "published_on": "2025-07-01"}
    )[0]
    data = {
        "slug": "",
        "title_fr": "Deuxième vague",
        "title_en": "Second wave",
        "summary_fr": "Résumé",
        "summary_en": "Summary",
        "text_fr": "Texte",
        "text_en": "Text",
        "faq_fr": "",
        "faq_en": "",
        "eligible_types": [ApplicantType.STARTUP, ApplicantType.ASSOCIATION],
        "themes": [Theme.MOBILITY, Theme.PARKING],
        "datasets": [d.pk for d in datasets],
        "opens_at": "2026-03-02T10:00",
        "closes_at": "2026-04-30T23:59",
        "review_starts_on": "2026-05-04",
        "review_ends_on": "2026-05-29",
        "results_on": "2026-06-05",
        "charter": charter.pk,
        "max_attachment_mb": 10,
        "max_total_attachments_mb": 30,
        "grid-TOTAL_FORMS": 3,
        "grid-INITIAL_FORMS": 0,
        "grid-0-key": "usefulness",
        "grid-0-label_fr": "Utilité",
        "grid-0-label_en": "Usefulness",
        "grid-0-weight": 60,
        "grid-1-key": "innovation",
        "grid-1-label_fr": "Innovation",
        "grid-1-label_en": "Innovation",
        "grid-1-weight": 40,
        "grid-2-key": "",
        "grid-2-label_fr": "",
        "grid-2-label_en": "",
        "grid-2-weight": "",
        "questions-TOTAL_FORMS": 1,
        "questions-INITIAL_FORMS": 0,
        "questions-0-position": 1,
        "questions-0-kind": QuestionKind.SINGLE_CHOICE,
        "questions-0-label_fr": "Avez-vous déjà utilisé des données ouvertes ?",
        "questions-0-label_en": "Have you used open data before?",
        "questions-0-choices_text": "oui | Oui | Yes\nnon | Non | No",
        "questions-0-required": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_call_create_saves_fields_grid_questions_and_audits(organiser_client):
    datasets = [DatasetFactory(slug="pedestrian-flows"), DatasetFactory(slug="x-y")]
    response = organiser_client.post(url("call_create"), call_post_data(datasets))
    assert response.status_code == 302
    call = Call.objects.get(slug="deuxieme-vague")
    assert response.url == url("call_overview", slug="deuxieme-vague")
    assert call.is_published is False
    assert call.eligible_types == ["startup", "association"]
    assert set(call.datasets.values_list("slug", flat=True)) == {
        "pedestrian-flows",
        "x-y",
    }
    # Entered in Paris time (UTC+2 in April): stored in UTC.
    assert call.closes_at.isoformat() == "2026-04-30T21:59:00+00:00"
    assert call.opens_at.isoformat() == "2026-03-02T09:00:00+00:00"
    assert [(c["key"], c["weight"]) for c in call.grid] == [
        ("usefulness", 60),
        ("innovation", 40),
    ]
    question = ExtraQuestion.objects.get(call=call)
    assert question.choices == [
        {"value": "oui", "label_fr": "Oui", "label_en": "Yes"},
        {"value": "non", "label_fr": "Non", "label_en": "No"},
    ]
    event = AuditEvent.objects.for_object(call).get()
    assert event.verb == "call.created"


@pytest.mark.django_db
def test_call_create_closing_before_opening_refused(organiser_client):
    datasets = [DatasetFactory(slug="pedestrian-flows")]
    data = call_post_data(datasets, closes_at="2026-03-01T10:00")
    response = organiser_client.post(url("call_create"), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["closes_at"]
    assert not Call.objects.filter(title_fr="Deuxième vague").exists()


@pytest.mark.django_db
def test_call_create_choice_question_without_choices_refused(organiser_client):
    datasets = [DatasetFactory(slug="pedestrian-flows")]
    data = call_post_data(datasets, **{"questions-0-choices_text": "oui"})
    response = organiser_client.post(url("call_create"), data)
    assert response.status_code == 200
    assert not Call.objects.filter(title_fr="Deuxième vague").exists()


@pytest.mark.django_db
def test_call_edit_form_offers_default_grid_for_new_call(organiser_client):
    response = organiser_client.get(url("call_create"))
    content = response.content.decode()
    assert 'value="usefulness"' in content
    assert 'value="sustainability"' in content
    assert response.context["grid_formset"].initial[0]["weight"] == 20


@pytest.mark.django_db
def test_call_edit_updates_and_deletes_question(organiser_client, call):
    question = ExtraQuestion.objects.create(
        call=call, kind=QuestionKind.SHORT_TEXT, label_fr="Q1", position=1
    )
    data = call_post_data(list(call.datasets.all()), slug=call.slug)
    data.update(
        {
            "questions-TOTAL_FORMS": 1,
            "questions-INITIAL_FORMS": 1,
            "questions-0-id": question.pk,
            "questions-0-call": call.pk,
            "questions-0-kind": QuestionKind.SHORT_TEXT,
            "questions-0-label_fr": "Q1",
            "questions-0-choices_text": "",
            "questions-0-DELETE": "on",
        }
    )
    response = organiser_client.post(url("call_edit", slug=call.slug), data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title_fr == "Deuxième vague"
    assert not ExtraQuestion.objects.filter(call=call).exists()
    assert AuditEvent.objects.for_object(call).get().verb == "call.updated"


@pytest.mark.django_db
def test_call_publish_and_unpublish_audited(organiser_client, call):
    Call.objects.filter(pk=call.pk).update(
        is_published=False, grid=[{"key": "a", "label_fr": "A", "weight": 1}]
    )
    organiser_client.post(url("call_publish", slug=call.slug), {"action": "publish"})
    call.refresh_from_db()
    assert call.is_published is True
    organiser_client.post(url("call_publish", slug=call.slug), {"action": "unpublish"})
    call.refresh_from_db()
    assert call.is_published is False
    verbs = list(
        AuditEvent.objects.for_object(call)
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["call.published", "call.unpublished"]


@pytest.mark.django_db
def test_call_publish_without_grid_refused(organiser_client, call):
    Call.objects.filter(pk=call.pk).update(is_published=False, grid=[])
    response = organiser_client.post(
        url("call_publish", slug=call.slug), {"action": "publish"}, follow=True
    )
    call.refresh_from_db()
    assert call.is_published is False
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"


@pytest.mark.django_db
def test_publish_call_without_grid_raises(call, organiser):
    from applications.services import CallError, publish_call

    Call.objects.filter(pk=call.pk).update(is_published=False, grid=[])
    call.refresh_from_db()
    with translation.override("en"):
        with pytest.raises(CallError) as error:
            publish_call(call, actor=organiser)
        assert error.value.code == "call_incomplete"
        assert error.value.messages == [
            "The call cannot be published without: evaluation grid."
        ]


# --- The list of applications --------------------------------------------------------


def list_refs(response):
    return [a.reference for a in response.context["page"].object_list]


@pytest.mark.django_db
def test_application_list_filters_by_state_theme_type_dataset(organiser_client, call):
    parking, pedestrians = (
        call.datasets.get(slug="parking-occupancy"),
        call.datasets.get(slug="pedestrian-flows"),
    )
    a = submitted(call, reference="A-1", themes=[Theme.PARKING])
    a.requested_datasets.update(dataset=parking)
    b = submitted(
        call,
        reference="B-2",
        themes=[Theme.TRANQUILLITY],
        applicant_type=ApplicantType.ASSOCIATION,
    )
    b.requested_datasets.update(dataset=pedestrians)
    ApplicationFactory(call=call, reference="C-3", themes=[Theme.PARKING])
    address = url("application_list", slug=call.slug)

    assert list_refs(organiser_client.get(address, {"state": "draft"})) == ["C-3"]
    assert sorted(list_refs(organiser_client.get(address, {"theme": "parking"}))) == [
        "A-1",
        "C-3",
    ]
    assert list_refs(
        organiser_client.get(address, {"applicant_type": "association"})
    ) == ["B-2"]
    assert list_refs(
        organiser_client.get(address, {"dataset": "parking-occupancy"})
    ) == ["A-1"]
    assert list_refs(
        organiser_client.get(address, {"admissibility": "pending", "sort": "reference"})
    ) == ["A-1", "B-2"]


@pytest.mark.django_db
def test_application_list_search_and_sort(organiser_client, call):
    submitted(call, reference="AMI-0001", title="Bruit nocturne", organisation_name="Z")
    submitted(call, reference="AMI-0002", title="Livraisons", organisation_name="A")
    ApplicationFactory(call=CallFactory(), reference="OTHER-1", title="Bruit")
    address = url("application_list", slug=call.slug)
    assert list_refs(organiser_client.get(address, {"q": "bruit"})) == ["AMI-0001"]
    assert list_refs(organiser_client.get(address, {"q": "0002"})) == ["AMI-0002"]
    assert list_refs(organiser_client.get(address, {"sort": "organisation"})) == [
        "AMI-0002",
        "AMI-0001",
    ]
    assert list_refs(organiser_client.get(address, {"sort": "-reference"})) == [
        "AMI-0002",
        "AMI-0001",
    ]


def test_application_list_cells_name_their_column_for_phones(organiser_client, call):
    """On a phone the table becomes a list of cards (table-list in portal.css):
    each cell carries its column's name."""
    submitted(call, reference="AMI-0001", title="Bruit nocturne", organisation_name="Z")

    with translation.override("en"):
        address = url("application_list", slug=call.slug)
    page = organiser_client.get(address).content.decode()

    assert '<table class="table-fit table-list">' in page
    assert '<td data-label="Title">Bruit nocturne</td>' in page
    assert '<td data-label="Organisation">Z</td>' in page
    assert page.count("data-label=") == 9


@pytest.mark.django_db
def test_application_list_search_finds_a_person_by_name_or_address(
    organiser_client, call
):
    first = submitted(call, reference="AMI-0001", title="Bruit nocturne")
    submitted(call, reference="AMI-0002", title="Livraisons")
    member = TeamMemberFactory(application=first).user
    member.full_name = "Camille Durand"
    member.email = "camille.durand@asso-batignolles.fr"
    member.save(update_fields=["full_name", "email"])
    TeamMemberFactory(
        application=first, user__full_name="Camille Martin"
    )  # a second match in the same application: listed once
    address = url("application_list", slug=call.slug)

    assert list_refs(organiser_client.get(address, {"q": "durand"})) == ["AMI-0001"]
    assert list_refs(organiser_client.get(address, {"q": "asso-batig"})) == ["AMI-0001"]
    assert list_refs(organiser_client.get(address, {"q": "camille"})) == ["AMI-0001"]


@pytest.mark.django_db
def test_application_list_state_admissible_includes_later_stages(
    organiser_client, call
):
    submitted(call, reference="X-1", state=S.UNDER_REVIEW)
    submitted(call, reference="X-2", state=S.INADMISSIBLE)
    submitted(call, reference="X-3", state=S.RETAINED)
    address = url("application_list", slug=call.slug)
    response = organiser_client.get(
        address, {"admissibility": "admissible", "sort": "reference"}
    )
    assert list_refs(response) == ["X-1", "X-3"]
    response = organiser_client.get(address, {"admissibility": "inadmissible"})
    assert list_refs(response) == ["X-2"]


def _many(call, count):
    for _ in range(count):
        application = submitted(call)
        TeamMemberFactory(application=application)


def _list_queries(client, call, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(
            url("application_list", slug=call.slug), {"theme": "parking"}
        )
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 30])
def test_application_list_queries_constant(
    organiser_client, call, django_assert_num_queries, count
):
    _many(call, count)
    response = _list_queries(organiser_client, call, django_assert_num_queries, 8)
    assert len(response.context["page"].object_list) == min(count, 25)


# --- Admissibility, review, decisions ------------------------------------------------


def detail(call, application, name="application_detail"):
    return url(name, slug=call.slug, reference=application.reference)


@pytest.mark.django_db
def test_application_detail_shows_content_checks_and_history(organiser_client, call):
    application = submitted(call, title="Places de livraison libres")
    member = TeamMemberFactory(application=application)
    in_admissibility(call)
    from applications.services import mark_admissible

    mark_admissible(application, actor=None)
    response = organiser_client.get(detail(call, application))
    content = response.content.decode()
    assert "Places de livraison libres" in content
    assert member.user.email in content
    assert "application.admissible" not in content
    history = response.context["history"]
    assert [
        (event.sentence, event.state_before, event.state_after) for event in history
    ] == [
        ("Le portail a déclaré la candidature recevable.", "Déposée", "Recevable"),
    ]
    assert "État\u00a0: Déposée → Recevable" in content
    checks = {c["key"]: c["passed"] for c in response.context["checks"]}
    assert checks == {
        "eligible_type": True,
        "uses_dataset": True,
        "perimeter": None,
        "charter": True,
        "complete": checks["complete"],
    }


@pytest.mark.django_db
def test_mark_admissible_from_submitted(organiser_client, organiser, call):
    application = submitted(call)
    in_admissibility(call)
    response = organiser_client.post(
        detail(call, application, "application_admissibility"),
        {"decision": "admissible"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == S.ADMISSIBLE
    event = AuditEvent.objects.for_object(application).get()
    assert (event.verb, event.actor, event.before, event.after) == (
        "application.admissible",
        organiser,
        {"state": "submitted"},
        {"state": "admissible"},
    )


@pytest.mark.django_db
def test_mark_inadmissible_without_reason_refused(organiser_client, call):
    application = submitted(call)
    response = organiser_client.post(
        detail(call, application, "application_admissibility"),
        {"decision": "inadmissible", "reason": "  "},
    )
    assert response.status_code == 400
    assert "reason" in response.context["admissibility_form"].errors
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert not SentEmail.objects.exists()


@pytest.mark.django_db
def test_mark_inadmissible_emails_reason_to_team(
    organiser_client, call, eager_celery, django_capture_on_commit_callbacks
):
    application = submitted(call)
    in_admissibility(call)
    english = TeamMemberFactory(application=application).user
    english.language = "en"
    english.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            detail(call, application, "application_admissibility"),
            {"decision": "inadmissible", "reason": "Le projet vise Lyon."},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == S.INADMISSIBLE
    assert application.inadmissibility_reason == "Le projet vise Lyon."
    sent = SentEmail.objects.get()
    assert (sent.kind, sent.delivery_status) == ("inadmissible", EmailStatus.SENT)
    assert sorted(sent.to) == sorted([application.created_by.email, english.email])
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == set(sent.to)
    for message in mail.outbox:
        assert "Le projet vise Lyon." in message.body
        assert application.reference in message.subject
    assert by_recipient[english.email].subject == (
        f"[OpenBatignolles] Your application {application.reference} is not admissible"
    )


@pytest.mark.django_db
def test_start_review_then_decide_emails_feedback(
    organiser_client, call, eager_celery, django_capture_on_commit_callbacks
):
    application = submitted(call, state=S.ADMISSIBLE)
    call.phase = CallPhase.REVIEW
    call.save(update_fields=["phase"])
    organiser_client.post(detail(call, application, "application_start_review"))
    application.refresh_from_db()
    assert application.state == S.UNDER_REVIEW
    call.phase = CallPhase.DELIBERATION
    call.save(update_fields=["phase"])
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            detail(call, application, "application_decision"),
            {"decision": "retained", "feedback": "Projet clair et utile."},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == S.RETAINED
    assert application.decision_feedback == "Projet clair et utile."
    [message] = mail.outbox
    assert "Projet clair et utile." in message.body
    assert SentEmail.objects.get().kind == "decision"


@pytest.mark.django_db
def test_decision_without_feedback_refused(organiser_client, call):
    application = submitted(call, state=S.UNDER_REVIEW)
    response = organiser_client.post(
        detail(call, application, "application_decision"),
        {"decision": "retained", "feedback": ""},
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == S.UNDER_REVIEW


@pytest.mark.django_db
def test_decision_on_submitted_application_refused(organiser_client, call):
    application = submitted(call)
    response = organiser_client.post(
        detail(call, application, "application_decision"),
        {"decision": "retained", "feedback": "Bravo"},
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


@pytest.mark.django_db
def test_attachment_download_as_pdf(organiser_client, call):
    from django.core.files.base import ContentFile

    application = submitted(call)
    attachment = application.attachments.create(
        file=ContentFile(b"%PDF-1.4 test", name="deck.pdf"),
        original_name="pitch.pdf",
        size=13,
        sha256="0" * 64,
        is_pitch_deck=True,
    )
    response = organiser_client.get(
        url(
            "attachment_download",
            slug=call.slug,
            reference=application.reference,
            attachment_id=attachment.pk,
        )
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="pitch.pdf"' == response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


@pytest.mark.django_db
def test_attachment_of_other_application_gets_404(organiser_client, call):
    from django.core.files.base import ContentFile

    application = submitted(call)
    other = submitted(call)
    attachment = other.attachments.create(
        file=ContentFile(b"%PDF-1.4", name="x.pdf"),
        original_name="x.pdf",
        size=8,
        sha256="0" * 64,
    )
    response = organiser_client.get(
        url(
            "attachment_download",
            slug=call.slug,
            reference=application.reference,
            attachment_id=attachment.pk,
        )
    )
    assert response.status_code == 404


# --- Emails to teams -----------------------------------------------------------------


@pytest.fixture
def template(db):
    return EmailTemplate.objects.create(
        slug="rappel",
        name="Rappel",
        subject_fr="Rappel pour {reference}",
        subject_en="Reminder for {reference}",
        body_fr="Bonjour, votre projet {title} ({call}).",
        body_en="Hello, your project {title} ({call}).",
    )


@pytest.mark.django_db
def test_team_email_preview_fills_placeholders(organiser_client, call, template):
    application = submitted(call, title="Bruit nocturne")
    response = organiser_client.get(
        url("team_email", slug=call.slug), {"template": template.pk}
    )
    preview = {
        code: (subject, body) for code, subject, body in response.context["preview"]
    }
    assert preview["fr"][0] == f"Rappel pour {application.reference}"
    assert "Bonjour, votre projet Bruit nocturne (AMI 2026)." in preview["fr"][1]
    assert "Hello, your project Bruit nocturne (Call 2026)." in preview["en"][1]
    assert not SentEmail.objects.exists()


@pytest.mark.django_db
def test_team_email_send_to_filtered_selection_in_each_language(
    organiser_client,
    call,
    template,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    chosen = submitted(call, reference="SEL-1", title="Bruit")
    english = TeamMemberFactory(application=chosen).user
    english.language = "en"
    english.save(update_fields=["language"])
    ApplicationFactory(call=call, reference="DRAFT-1")
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            url("team_email", slug=call.slug) + "?state=submitted",
            {"template": template.pk},
        )
    assert response.status_code == 302
    sent = SentEmail.objects.get()
    assert (sent.application, sent.template, sent.delivery_status) == (
        chosen,
        template,
        EmailStatus.SENT,
    )
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "[OpenBatignolles] Rappel pour SEL-1",
        "[OpenBatignolles] Reminder for SEL-1",
    ]
    english_message = next(m for m in mail.outbox if m.to == [english.email])
    assert "Hello, your project Bruit (Call 2026)." in english_message.body
    listing = organiser_client.get(url("sent_email_list", slug=call.slug))
    assert "SEL-1" in listing.content.decode()


@pytest.mark.django_db
def test_team_email_failure_recorded_with_the_reason(
    call, template, organiser, settings, django_capture_on_commit_callbacks
):
    from applications.services import queue_team_emails
    from portal.outbox.services import MAX_ATTEMPTS, send_outgoing_email

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 1  # nothing listens there
    application = submitted(call)
    with django_capture_on_commit_callbacks(execute=False):
        [sent] = queue_team_emails([application], template, actor=organiser)
    [delivery] = sent.deliveries.all()

    assert send_outgoing_email(delivery).status == "retry"
    sent = SentEmail.objects.get(pk=sent.pk)
    assert sent.delivery_status == EmailStatus.QUEUED
    assert sent.delivery_errors.startswith(
        f"{application.created_by.email}: ConnectionRefusedError"
    )

    type(delivery).objects.filter(pk=delivery.pk).update(attempts=MAX_ATTEMPTS - 1)
    assert send_outgoing_email(delivery).status == "failed"
    sent = SentEmail.objects.get(pk=sent.pk)
    assert sent.delivery_status == EmailStatus.FAILED
    assert mail.outbox == []


@pytest.mark.django_db
def test_team_email_one_outbox_row_per_member_sent_once(
    call, template, organiser, django_capture_on_commit_callbacks
):
    from applications.services import queue_team_emails
    from portal.outbox.models import OutgoingEmail
    from portal.outbox.tasks import send_outgoing_email_task

    application = submitted(call, reference="ROW-1", title="Bruit")
    member = TeamMemberFactory(application=application).user
    with django_capture_on_commit_callbacks(execute=False):
        [sent] = queue_team_emails([application], template, actor=organiser)

    rows = OutgoingEmail.objects.order_by("to")
    assert [(row.idempotency_key, row.kind, row.to, row.subject) for row in rows] == [
        (
            f"team-email:{sent.pk}:{address}",
            "team_message",
            address,
            "[OpenBatignolles] Rappel pour ROW-1",
        )
        for address in sorted([application.created_by.email, member.email])
    ]
    assert "Bonjour, votre projet Bruit (AMI 2026)." in rows[0].body
    for row in rows:
        assert send_outgoing_email_task(email_id=row.pk) == "sent"
        assert send_outgoing_email_task(email_id=row.pk) == "skipped"
    assert send_outgoing_email_task(email_id=999999) == "gone"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [application.created_by.email, member.email]
    )
    assert SentEmail.objects.get().delivery_status == EmailStatus.SENT


class FlakyBackend(locmem.EmailBackend):
    """Local memory, except that the second message of the process fails once
    (a mail server going away in the middle of a batch)."""

    attempts = 0

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.attempts == 2:
            raise ConnectionRefusedError("mail server unreachable")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_team_email_retried_reaches_each_member_once(
    call,
    template,
    organiser,
    settings,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    from applications.services import queue_team_emails
    from portal.celery import app

    settings.EMAIL_BACKEND = "tests.applications.test_backoffice.FlakyBackend"
    FlakyBackend.attempts = 0
    application = submitted(call)
    second = TeamMemberFactory(application=application).user
    # In eager mode Celery runs a retry in place only when errors do not
    # propagate (a worker retries through the broker whatever this says).
    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            [sent] = queue_team_emails([application], template, actor=organiser)
    finally:
        app.conf.task_eager_propagates = before

    sent = SentEmail.objects.get(pk=sent.pk)
    assert sent.delivery_status == EmailStatus.SENT
    assert sent.delivery_errors == ""
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([application.created_by.email, second.email])
    assert FlakyBackend.attempts == 3
    retried = sent.deliveries.get(attempts=2)
    assert retried.last_error == "ConnectionRefusedError: mail server unreachable"


@pytest.mark.django_db
def test_email_template_create_and_unknown_placeholder_refused(organiser_client):
    data = {
        "name": "Invitation atelier",
        "slug": "",
        "subject_fr": "Atelier {reference}",
        "subject_en": "Workshop {reference}",
        "body_fr": "Bonjour {nom}",
        "body_en": "Hello {name}",
    }
    response = organiser_client.post(url("template_create"), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["body_fr"]
    data["body_fr"] = "Bonjour {name}"
    response = organiser_client.post(url("template_create"), data)
    assert response.status_code == 302
    template = EmailTemplate.objects.get(slug="invitation-atelier")
    assert template.body_fr == "Bonjour {name}"
    assert AuditEvent.objects.for_object(template).get().verb == (
        "email_template.created"
    )


@pytest.mark.django_db
def test_team_email_double_post_queues_once(
    organiser_client, call, template, eager_celery, django_capture_on_commit_callbacks
):
    submitted(call, reference="ONCE-1")
    address = url("team_email", slug=call.slug) + "?q=ONCE"
    data = {"template": template.pk, "batch": "3f2a9c"}
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(address, data)
        organiser_client.post(address, data)
    assert SentEmail.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_call_overview_charts_and_tables(organiser_client, call):
    submitted(call, themes=[Theme.PARKING])
    response = organiser_client.get(url("call_overview", slug=call.slug))
    content = response.content.decode()
    for chart in ("timeline", "themes", "types", "datasets"):
        assert f'data-chart="chart-{chart}"' in content
        assert f'id="chart-{chart}" type="application/json"' in content
    timeline = response.context["charts"]["timeline"]["data"]
    # Opened ten days ago, closes in twenty: the axis runs to the deadline.
    assert len(timeline["labels"]) in (31, 32)
    assert timeline["datasets"][0]["data"][-1] is None
    themes = response.context["charts"]["themes"]["data"]["datasets"][0]["data"]
    assert sum(themes) == 1
    assert "<script>" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 30])
def test_call_list_queries_constant(organiser_client, django_assert_num_queries, count):
    for _ in range(count):
        CallFactory(datasets=[])
    with django_assert_num_queries(3):
        response = organiser_client.get(url("call_list"))
    assert len(response.context["calls"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 30])
def test_sent_email_list_queries_constant(
    organiser_client, call, template, organiser, django_assert_num_queries, count
):
    from applications.services import queue_team_emails

    queue_team_emails(
        [submitted(call) for _ in range(count)], template, actor=organiser
    )
    # The sixth query prefetches the emails' outbox deliveries.
    with django_assert_num_queries(6):
        response = organiser_client.get(url("sent_email_list", slug=call.slug))
    assert len(response.context["page"].object_list) == count


def _form_values(content):
    """The values a browser would post back from the page's forms."""
    data = {}
    for match in re.finditer(r"<input\b([^>]*)>", content):
        attrs = match.group(1)
        name = re.search(r'name="([^"]+)"', attrs)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        value = re.search(r'value="([^"]*)"', attrs)
        value = html.unescape(value.group(1)) if value else ""
        if re.search(r'type="(checkbox|radio)"', attrs):
            if " checked" in attrs:
                data.setdefault(name.group(1), []).append(value or "on")
        else:
            data[name.group(1)] = value
    for match in re.finditer(
        r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', content, re.S
    ):
        data[match.group(1)] = html.unescape(match.group(2)).removeprefix("\n")
    for match in re.finditer(
        r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', content, re.S
    ):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', match.group(2))
        data[match.group(1)] = selected.group(1) if selected else ""
    return data


@pytest.mark.django_db
def test_call_edit_form_posted_back_unchanged_keeps_the_call(organiser_client):
    from applications.backoffice_forms import DEFAULT_GRID

    call = CallFactory(
        slug="ami-9",
        grid=DEFAULT_GRID,
        opens_at=datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2026, 3, 31, 21, 59, tzinfo=datetime.UTC),
    )
    choices = [
        {"value": "a", "label_fr": "A", "label_en": "A"},
        {"value": "b", "label_fr": "B", "label_en": "B"},
    ]
    ExtraQuestion.objects.create(
        call=call, kind=QuestionKind.SINGLE_CHOICE, label_fr="Q", choices=choices
    )
    before = Call.objects.get(pk=call.pk)
    address = url("call_edit", slug="ami-9")
    data = _form_values(organiser_client.get(address).content.decode())
    response = organiser_client.post(address, data)
    assert response.status_code == 302
    after = Call.objects.get(pk=call.pk)
    for name in ("opens_at", "closes_at", "grid", "eligible_types", "themes"):
        assert getattr(after, name) == getattr(before, name), name
    assert after.results_on == before.results_on
    assert ExtraQuestion.objects.get(call=call).choices == choices


@pytest.mark.django_db
def test_application_detail_marks_the_submission_the_jury_sees(organiser_client):
    call = CallFactory(
        opens_at=datetime.datetime(2025, 7, 21, 8, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2025, 9, 30, 21, 59, tzinfo=datetime.UTC),
    )
    application = make_complete_application(call=call, state=S.SUBMITTED)
    on_time = SubmissionFactory(
        application=application,
        number=1,
        submitted_at=datetime.datetime(2025, 9, 30, 21, 58, tzinfo=datetime.UTC),
    )
    SubmissionFactory(
        application=application,
        number=2,
        submitted_at=datetime.datetime(2025, 9, 30, 21, 59, tzinfo=datetime.UTC),
    )
    response = organiser_client.get(
        url("application_detail", slug=call.slug, reference=application.reference)
    )
    assert response.context["submission"].number == 2
    assert response.context["jury_submission"] == on_time
    pdf = organiser_client.get(
        url("application_pdf", slug=call.slug, reference=application.reference),
        {"submission": on_time.pk},
    )
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    other = organiser_client.get(
        url("application_pdf", slug=call.slug, reference=application.reference),
        {"submission": "999999"},
    )
    assert other.status_code == 404
