import datetime
import io
import threading

import pytest
from django.db import connections
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from applications.enums import ApplicationState, EmailStatus
from applications.models import Application, SentEmail, Submission
from applications.selectors import submission_for_review
from applications.services import (
    DeadlinePassedError,
    application_content,
    content_fingerprint,
    save_draft,
    submit_application,
)
from applications.tasks import send_submission_receipt_task
from portal.audit.models import AuditEvent
from portal.outbox.enums import EmailKind
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    TeamMemberFactory,
    make_complete_application,
)
from tests.applications.test_fields import pdf_text

OPENS = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
# 12:00 in Paris (winter time).
CLOSES = datetime.datetime(2026, 3, 20, 11, 0, tzinfo=datetime.UTC)


def submit_url(application):
    return f"/en/appels/candidatures/{application.reference}/deposer/"


def test_submit_incomplete_lists_what_is_missing_with_links(client, user):
    application = ApplicationFactory(created_by=user, title="", summary="")
    client.force_login(user)

    response = client.post(submit_url(application))

    html = response.content.decode()
    assert response.status_code == 200
    edit = f"/en/appels/candidatures/{application.reference}/modifier/"
    assert f'href="{edit}#id_title">The project title is missing.</a>' in html
    assert f'href="{edit}#id_summary">The short summary is missing.</a>' in html
    assert f'href="{edit}#id_pitch_deck">Attach the pitch deck (PDF).</a>' in html
    assert "Accept the data charter (version 1.0)." in html
    assert Submission.objects.count() == 0
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_submit_summary_over_500_characters_is_reported(db):
    application = make_complete_application(summary="x" * 501)
    with pytest.raises(Exception) as excinfo:
        submit_application(application, actor=application.created_by)
    assert (
        "summary",
        "Le résumé fait 501 caractères\u202f; la limite est de 500.",
    ) in [(name, str(message)) for name, message in excinfo.value.missing]


def test_submit_complete_freezes_content_with_its_fingerprint(
    client, user, django_capture_on_commit_callbacks
):
    application = make_complete_application(created_by=user)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url(application))

    assert response.status_code == 302
    submission = Submission.objects.get()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.submitted_at == submission.submitted_at
    assert submission.number == 1
    assert submission.content == application_content(application)
    assert submission.sha256 == content_fingerprint(submission.content)
    assert submission.content["project"]["title"] == "Places de livraison en temps réel"
    assert submission.receipt_queued_at is not None
    event = AuditEvent.objects.get(verb="application.submitted")
    assert (event.before, event.after) == ({"state": "draft"}, {"state": "submitted"})


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        (CLOSES - datetime.timedelta(seconds=1), True),
        (CLOSES, False),
        (CLOSES + datetime.timedelta(seconds=1), False),
    ],
)
def test_submit_deadline_is_enforced_to_the_second(client, user, moment, accepted):
    call = CallFactory(opens_at=OPENS, closes_at=CLOSES)
    application = make_complete_application(call=call, created_by=user)
    client.force_login(user)

    with freeze_time(moment):
        response = client.post(submit_url(application))

    application.refresh_from_db()
    if accepted:
        assert response.status_code == 302
        assert Submission.objects.get().submitted_at == moment
        assert application.state == ApplicationState.SUBMITTED
    else:
        assert response.status_code == 409
        html = response.content.decode()
        assert "The call closed on 20 March 2026, 12:00 (Paris time)." in html
        assert Submission.objects.count() == 0
        assert application.state == ApplicationState.DRAFT


def test_submit_deadline_error_names_the_paris_time(db):
    call = CallFactory(opens_at=OPENS, closes_at=CLOSES)
    application = make_complete_application(call=call)
    with freeze_time(CLOSES + datetime.timedelta(seconds=1)):
        with pytest.raises(DeadlinePassedError) as excinfo:
            submit_application(application, actor=application.created_by)
    assert excinfo.value.params["deadline"] == "20 mars 2026 12:00"


def test_submit_double_click_makes_one_submission_and_one_receipt_each(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_complete_application(created_by=user)
    member = TeamMemberFactory(application=application).user
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(submit_url(application))
        second = client.post(submit_url(application))

    assert (first.status_code, second.status_code) == (302, 302)
    assert Submission.objects.count() == 1
    submission = Submission.objects.get()
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [user.email, member.email]
    )
    assert [len(message.to) for message in mailoutbox] == [1, 1]
    sent = SentEmail.objects.get(kind="submission_receipt")
    assert sent.key == f"receipt:{submission.pk}"
    assert sent.delivery_status == EmailStatus.SENT
    rows = OutgoingEmail.objects.order_by("to")
    assert [(row.idempotency_key, row.kind, row.to) for row in rows] == [
        (f"receipt:{submission.pk}:{address}", "application_receipt", address)
        for address in sorted([user.email, member.email])
    ]
    message = mailoutbox[0]
    assert message.subject == f"Candidature {application.reference} reçue"
    assert submission.sha256 in message.body
    filename, content, mimetype = message.attachments[0]
    assert (filename, mimetype) == (f"{application.reference}-1.pdf", "application/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Places de livraison en temps réel" in text
    assert submission.sha256 in text.replace("\n", "")


def test_receipt_task_twice_queues_and_sends_each_receipt_once(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_complete_application()
    member = TeamMemberFactory(application=application).user
    submission = submit_application(application, actor=application.created_by)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_submission_receipt_task(submission_id=submission.pk) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert send_submission_receipt_task(submission_id=submission.pk) is False
        assert send_submission_receipt_task(submission_id=999999) is False

    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [application.created_by.email, member.email]
    )
    assert SentEmail.objects.filter(kind="submission_receipt").count() == 1
    assert OutgoingEmail.objects.filter(state="sent").count() == 2


def test_receipt_in_each_members_language_with_its_pdf(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_complete_application()
    english = TeamMemberFactory(application=application).user
    english.language = "en"
    english.save(update_fields=["language"])
    submission = submit_application(application, actor=application.created_by)

    with django_capture_on_commit_callbacks(execute=True):
        send_submission_receipt_task(submission_id=submission.pk)

    by_address = {message.to[0]: message for message in mailoutbox}
    assert by_address[english.email].subject == (
        f"Application {application.reference} received"
    )
    assert by_address[application.created_by.email].subject == (
        f"Candidature {application.reference} reçue"
    )
    for message in mailoutbox:
        [(filename, _content, mimetype)] = message.attachments
        assert (filename, mimetype) == (
            f"{application.reference}-1.pdf",
            "application/pdf",
        )
    english_pdf = pdf_text(by_address[english.email].attachments[0][1])
    assert "Organisation name" in english_pdf
    assert "Nom de la structure" not in english_pdf
    french_pdf = pdf_text(by_address[application.created_by.email].attachments[0][1])
    assert "Nom de la structure" in french_pdf
    assert "Organisation name" not in french_pdf
    row = OutgoingEmail.objects.get(to=english.email)
    assert (row.language, row.about) == ("en", application.reference)
    assert [a.filename for a in row.attachments.all()] == [
        f"{application.reference}-1.pdf"
    ]


def test_resubmit_after_a_change_makes_submission_two_and_stays_submitted(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_complete_application(created_by=user)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(application))
    client.post(
        reverse("applications:autosave", args=[application.reference]),
        data={"version": 1, "fields": {"milestones": "Nouveaux jalons"}},
        content_type="application/json",
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(application))

    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    numbers = list(application.submissions.values_list("number", flat=True))
    assert numbers == [2, 1]
    latest = application.submissions.get(number=2)
    assert latest.content["project"]["milestones"] == "Nouveaux jalons"
    assert AuditEvent.objects.filter(verb="application.resubmitted").count() == 1
    assert len(mailoutbox) == 2


def test_submission_for_review_is_the_last_one_before_the_deadline(db):
    call = CallFactory(opens_at=OPENS, closes_at=CLOSES)
    application = make_complete_application(call=call)
    with freeze_time(CLOSES - datetime.timedelta(days=2)):
        submit_application(application, actor=application.created_by)
    application.milestones = "Version finale"
    application.save(update_fields=["milestones"])
    with freeze_time(CLOSES - datetime.timedelta(seconds=1)):
        last = submit_application(application, actor=application.created_by)
    # A submission stamped after the deadline (e.g. imported) is ignored.
    application.submissions.create(
        number=3,
        content={},
        sha256="f" * 64,
        submitted_at=CLOSES + datetime.timedelta(seconds=1),
    )

    assert submission_for_review(application) == last


def test_submit_withdrawn_application_is_refused(client, user):
    application = make_complete_application(
        created_by=user, state=ApplicationState.WITHDRAWN
    )
    client.force_login(user)

    response = client.post(submit_url(application))

    assert response.status_code == 403
    assert Submission.objects.count() == 0


def test_withdraw_asks_for_confirmation_then_withdraws(client, user):
    application = make_complete_application(created_by=user)
    submit_application(application, actor=user)
    client.force_login(user)
    url = f"/en/appels/candidatures/{application.reference}/retirer/"

    confirm = client.get(url)
    assert "Do you really want to withdraw" in confirm.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    client.post(url)

    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN
    page = client.get(f"/en/appels/candidatures/{application.reference}/")
    timeline = page.content.decode().split('id="timeline-title"')[1]
    assert "<strong>Submitted</strong>" in timeline
    assert timeline.index("<strong>Submitted</strong>") < timeline.index(
        "<strong>Withdrawn</strong>"
    )


def test_withdraw_after_a_decision_is_refused(client, user):
    application = ApplicationFactory(created_by=user, state=ApplicationState.RETAINED)
    client.force_login(user)

    client.post(reverse("applications:withdraw", args=[application.reference]))

    application.refresh_from_db()
    assert application.state == ApplicationState.RETAINED


def test_receipt_pdf_download_for_the_team(client, user):
    application = make_complete_application(created_by=user)
    submission = submit_application(application, actor=user)
    client.force_login(user)

    response = client.get(
        reverse("applications:receipt", args=[application.reference, 1])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert submission.sha256 in text.replace("\n", "")


def _run_together(*functions):
    """Run each function in its own thread, released at the same instant."""
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def run(function):
        try:
            barrier.wait()
            results.append(function())
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_submit_two_simultaneous_requests_make_one_submission(mailoutbox):
    application = make_complete_application()
    actor = application.created_by

    def submit():
        fresh = Application.objects.get(pk=application.pk)
        return submit_application(fresh, actor=actor).pk

    results, errors = _run_together(submit, submit)

    assert errors == []
    assert len(set(results)) == 1
    assert Submission.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_autosave_two_simultaneous_edits_of_one_field_never_overwrite():
    application = ApplicationFactory(title="Départ")
    member = TeamMemberFactory(application=application).user

    def edit(user, title):
        def run():
            fresh = Application.objects.get(pk=application.pk)
            return save_draft(
                fresh, actor=user, values={"title": title}, base_version=1
            )

        return run

    results, errors = _run_together(
        edit(application.created_by, "Titre de Léa"), edit(member, "Titre de Mehdi")
    )

    assert errors == []
    saved = [result for result in results if result.saved == ["title"]]
    refused = [result for result in results if "title" in result.conflicts]
    assert (len(saved), len(refused)) == (1, 1)
    application.refresh_from_db()
    assert refused[0].conflicts["title"] == application.title


def test_submit_page_after_the_deadline_lists_nothing_to_complete(client, user):
    call = CallFactory(opens_at=OPENS, closes_at=CLOSES)
    application = ApplicationFactory(call=call, created_by=user)
    client.force_login(user)

    with freeze_time(CLOSES + datetime.timedelta(days=1)):
        response = client.get(submit_url(application))

    html = response.content.decode()
    assert response.status_code == 200
    assert "The call closed on 20 March 2026, 12:00 (Paris time)." in html
    assert 'id="missing"' not in html
    assert "Complete the application" not in html
    assert '<form method="post">' not in html


def test_resubmitting_unchanged_says_no_new_receipt(
    client, user, django_capture_on_commit_callbacks
):
    application = make_complete_application(created_by=user)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(application))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url(application), follow=True)

    assert [str(m) for m in response.context["messages"]][-1:] == [
        "Nothing changed since submission no. 1: it stays the one the jury reads, "
        "and no new receipt is sent."
    ]
    assert Submission.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind=EmailKind.APPLICATION_RECEIPT).count() == 1
