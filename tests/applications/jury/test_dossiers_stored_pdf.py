"""The PDF of a submission is rendered once, stored, and reused by the receipt
and the jury dossier; erasure deletes it with the personal data it shows."""

import io
import zipfile

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import translation
from pypdf import PdfReader

from applications.enums import ApplicationState
from applications.jury.enums import RunState
from applications.jury.models import Dossier
from applications.jury.services.dossiers import build_dossier
from applications.models import Application, Submission
from applications.pdf import RENDERS
from applications.services import submit_application
from portal.accounts.services import erase_user
from tests.applications.factories import CallFactory, make_complete_application

from .factories_dossiers import (
    make_deposited_application,
    make_grid,
    make_juror,
    make_sheet,
)


def _renders():
    return RENDERS["application"]


def _submit(application, actor, capture):
    with capture(execute=True):
        return submit_application(application, actor=actor)


def _build(call, *, include_scores=True):
    dossier = Dossier.objects.create(call=call, include_scores=include_scores)
    with translation.override("en"):
        build_dossier(dossier)
    dossier.refresh_from_db()
    assert (dossier.state, dossier.error) == (RunState.DONE, "")
    with dossier.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _stored_bytes(submission):
    with submission.pdf.open("rb") as handle:
        return handle.read()


def _pages_text(pdf_bytes):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages]


def test_submission_stores_its_pdf_once_and_the_receipt_attaches_it(
    user, django_capture_on_commit_callbacks
):
    application = make_complete_application(created_by=user)
    before = _renders()

    submission = _submit(application, user, django_capture_on_commit_callbacks)

    assert _renders() - before == 1
    submission.refresh_from_db()
    assert submission.pdf.name.startswith(f"submissions/{application.pk}/")
    assert submission.pdf.name.endswith(".pdf")
    stored = _stored_bytes(submission)
    assert stored.startswith(b"%PDF-")
    [message] = mail.outbox
    assert message.attachments == [
        (f"{application.reference}-1.pdf", stored, "application/pdf")
    ]
    # The receipt's PDF: the frozen content, its number and fingerprint.
    text = "\n".join(_pages_text(stored))
    assert "Places de livraison en temps réel" in text
    assert submission.sha256 in text


def test_english_team_still_gets_the_french_pdf_stored(
    user, django_capture_on_commit_callbacks
):
    user.language = "en"
    user.save(update_fields=["language"])
    application = make_complete_application(created_by=user)
    before = _renders()

    submission = _submit(application, user, django_capture_on_commit_callbacks)

    # One in French (stored), one in English (the email's attachment).
    assert _renders() - before == 2
    submission.refresh_from_db()
    stored = _stored_bytes(submission)
    [message] = mail.outbox
    [(name, attached, _mime)] = message.attachments
    assert name == f"{application.reference}-1.pdf"
    assert "Receipt of submission" in "\n".join(_pages_text(attached))
    assert "Receipt of submission" not in "\n".join(_pages_text(stored))
    assert "Places de livraison en temps réel" in "\n".join(_pages_text(stored))


def test_dossier_reuses_the_stored_pdf_without_laying_content_out(
    user, django_capture_on_commit_callbacks
):
    application = make_complete_application(created_by=user)
    submission = _submit(application, user, django_capture_on_commit_callbacks)
    Application.objects.filter(pk=application.pk).update(
        state=ApplicationState.UNDER_REVIEW
    )
    grid = make_grid(application.call)
    juror = make_juror(
        application.call,
        email="karim@parisandco.example",
        full_name="Karim Benali",
        organisation="Paris&Co",
    )
    make_sheet(juror, application, grid, [(4, "Très utile."), 3, 2])
    submission.refresh_from_db()
    stored_name = submission.pdf.name
    stored_pages = _pages_text(_stored_bytes(submission))
    before = _renders()

    archive = _build(application.call, include_scores=True)

    assert _renders() - before == 0
    pages = _pages_text(archive.read(f"{application.reference}.pdf"))
    # The stored content first, as it was, then the scores, then the
    # attachment appended (the factory's one-page PDF).
    assert pages[: len(stored_pages)] == stored_pages
    added = "\n".join(pages[len(stored_pages) :])
    assert "Sheet of Karim Benali (Paris&Co)" in added
    assert "Très utile." in added
    assert "Attachments appended" in added
    submission.refresh_from_db()
    assert submission.pdf.name == stored_name


@pytest.fixture
def old_call(db):
    """A call whose submissions were made before PDFs were stored."""
    call = CallFactory(slug="ami-ancien")
    for number in (1, 2, 3):
        make_deposited_application(
            call, reference=f"OLD-{number:04d}", title=f"Projet ancien {number}"
        )
    return call


def test_old_submissions_get_their_pdf_stored_on_the_first_build(old_call):
    assert not Submission.objects.exclude(pdf="").exists()
    before = _renders()

    first = _build(old_call, include_scores=False)

    assert _renders() - before == 3
    stored = list(
        Submission.objects.filter(application__call=old_call)
        .order_by("application__reference")
        .values_list("application__reference", "pdf")
    )
    assert [reference for reference, _name in stored] == [
        "OLD-0001",
        "OLD-0002",
        "OLD-0003",
    ]
    for _reference, name in stored:
        assert name.startswith("submissions/")
        assert default_storage.exists(name)
    # The dossier's PDF of each application is the stored one (no attachment,
    # no scores asked: nothing added).
    for reference, name in stored:
        with default_storage.open(name, "rb") as handle:
            assert _pages_text(first.read(f"{reference}.pdf")) == _pages_text(
                handle.read()
            )
    # Built in English, stored in French (the programme's language).
    with default_storage.open(stored[0][1], "rb") as handle:
        assert "Projet ancien 1" in "\n".join(_pages_text(handle.read()))

    before = _renders()
    second = _build(old_call, include_scores=False)

    assert _renders() - before == 0
    assert sorted(second.namelist()) == [
        "OLD-0001.pdf",
        "OLD-0002.pdf",
        "OLD-0003.pdf",
        "scores.csv",
    ]


def test_a_missing_stored_file_is_rendered_and_stored_again(old_call):
    _build(old_call, include_scores=False)
    submission = Submission.objects.get(application__reference="OLD-0001")
    lost = submission.pdf.name
    default_storage.delete(lost)
    before = _renders()

    archive = _build(old_call, include_scores=False)

    assert _renders() - before == 1
    submission.refresh_from_db()
    assert submission.pdf.name != lost
    assert default_storage.exists(submission.pdf.name)
    assert "Projet ancien 1" in "\n".join(_pages_text(archive.read("OLD-0001.pdf")))


def test_erasure_deletes_the_stored_pdf_with_the_personal_data(
    user, django_capture_on_commit_callbacks
):
    application = make_complete_application(created_by=user)
    submission = _submit(application, user, django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    stored_name = submission.pdf.name
    assert "Léa Fontaine" in "\n".join(_pages_text(_stored_bytes(submission)))

    with django_capture_on_commit_callbacks(execute=True):
        erase_user(user, actor=user)

    submission.refresh_from_db()
    assert submission.pdf.name == ""
    assert not default_storage.exists(stored_name)

    # The next dossier renders the anonymised content, without the name.
    Application.objects.filter(pk=application.pk).update(
        state=ApplicationState.UNDER_REVIEW
    )
    archive = _build(application.call, include_scores=False)
    text = "\n".join(_pages_text(archive.read(f"{application.reference}.pdf")))
    assert "Places de livraison en temps réel" in text
    assert "Léa Fontaine" not in text
    assert "lea@example.org" not in text
    submission.refresh_from_db()
    assert submission.pdf.name.startswith(f"submissions/{application.pk}/")
