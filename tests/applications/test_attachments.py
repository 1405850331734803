import io
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Attachment
from tests.applications.factories import ApplicationFactory, CallFactory
from tests.applications.test_validators import pdf_bytes
from tests.security.pdf_corpus import build_pdf


def upload(client, application, content, *, name="deck.pdf", kind="pitch_deck"):
    return client.post(
        f"/en/appels/candidatures/{application.reference}/pieces-jointes/",
        {
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            "kind": kind,
        },
        follow=True,
    )


def test_upload_pdf_is_stored_outside_static_and_listed(client, user):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)
    data = pdf_bytes()

    response = upload(client, application, data, name="Pitch Batignolles.pdf")

    attachment = Attachment.objects.get()
    assert attachment.original_name == "Pitch Batignolles.pdf"
    assert attachment.is_pitch_deck is True
    assert attachment.size == len(data)
    path = Path(attachment.file.path)
    assert path.read_bytes() == data
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.BASE_DIR) / "static")
    assert path.name != "Pitch Batignolles.pdf"
    assert "“Pitch Batignolles.pdf” is attached." in response.content.decode()


def test_upload_executable_renamed_pdf_is_refused_with_a_message(client, user):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)

    response = upload(
        client, application, b"MZ\x90\x00" + b"\x00" * 500, name="virus.pdf"
    )

    html = response.content.decode()
    assert "“virus.pdf” was refused: This file is not a PDF" in html
    assert Attachment.objects.count() == 0


def test_upload_html_sent_as_pdf_is_refused(client, user):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)

    response = upload(
        client, application, b"<html><body>hello</body></html>", name="page.pdf"
    )

    assert "This file is not a PDF" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_upload_over_the_per_file_limit_is_refused(client, user):
    call = CallFactory(max_attachment_mb=1)
    application = ApplicationFactory(call=call, created_by=user)
    client.force_login(user)
    big = pdf_bytes()
    big += b"%" + b"0" * (1024 * 1024)  # comment bytes after %%EOF

    response = upload(client, application, big)

    assert "the limit is 1.0\u00a0MB per file" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_upload_over_the_per_application_limit_is_refused(client, user):
    call = CallFactory(max_attachment_mb=1, max_total_attachments_mb=1)
    application = ApplicationFactory(call=call, created_by=user)
    client.force_login(user)
    # A padding stream inside the PDF (bytes after %%EOF are refused).
    half = build_pdf({4: ("<< /Length %LEN% >>", b"0" * (600 * 1024))})
    upload(client, application, half, kind="other", name="a.pdf")

    response = upload(client, application, half, kind="other", name="b.pdf")

    assert "may weigh 1.0\u00a0MB in all" in response.content.decode()
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["a.pdf"]


def test_upload_new_pitch_deck_replaces_the_previous_one(
    client, user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)
    upload(client, application, pdf_bytes(), name="v1.pdf")
    first_path = Path(Attachment.objects.get().file.path)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, application, pdf_bytes(2), name="v2.pdf")

    assert not first_path.exists()
    assert list(Attachment.objects.values_list("original_name", flat=True)) == [
        "v2.pdf"
    ]


def test_download_is_an_attachment_with_nosniff_for_the_team(client, user):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)
    data = pdf_bytes()
    upload(client, application, data, name="deck.pdf")
    attachment = Attachment.objects.get()

    response = client.get(
        reverse(
            "applications:attachment_download",
            args=[application.reference, attachment.pk],
        )
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="deck.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == data


def test_download_by_another_user_is_404(client, user, other_user):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)
    upload(client, application, pdf_bytes())
    attachment = Attachment.objects.get()
    client.force_login(other_user)

    response = client.get(
        reverse(
            "applications:attachment_download",
            args=[application.reference, attachment.pk],
        )
    )

    assert response.status_code == 404


def test_download_by_an_organiser_is_allowed(client, user, organiser):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)
    upload(client, application, pdf_bytes())
    attachment = Attachment.objects.get()
    client.force_login(organiser)

    response = client.get(
        reverse(
            "applications:attachment_download",
            args=[application.reference, attachment.pk],
        )
    )

    assert response.status_code == 200


def test_delete_attachment_removes_the_row(
    client, user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)
    upload(client, application, pdf_bytes())
    attachment = Attachment.objects.get()
    path = Path(attachment.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "applications:attachment_delete",
                args=[application.reference, attachment.pk],
            )
        )

    assert Attachment.objects.count() == 0
    assert not path.exists()


def test_attachment_upload_by_outsider_is_404(client, user, other_user):
    application = ApplicationFactory(created_by=user)
    client.force_login(other_user)

    response = client.post(
        reverse("applications:attachment_upload", args=[application.reference]),
        {"file": io.BytesIO(pdf_bytes()), "kind": "other"},
    )

    assert response.status_code == 404
    assert Attachment.objects.count() == 0


def test_upload_answers_a_file_question_and_satisfies_completeness(client, user):
    from applications.services import completeness_problems
    from tests.applications.factories import ExtraQuestionFactory

    application = ApplicationFactory(created_by=user)
    question = ExtraQuestionFactory(
        call=application.call, kind="file", label_en="Support letter"
    )
    name = f"extra_{question.pk}"
    assert name in dict(completeness_problems(application))
    client.force_login(user)

    client.post(
        reverse("applications:attachment_upload", args=[application.reference]),
        {
            "file": SimpleUploadedFile("lettre.pdf", pdf_bytes()),
            "kind": "other",
            "question": question.pk,
        },
    )

    attachment = Attachment.objects.get()
    assert (attachment.question, attachment.is_pitch_deck) == (question, False)
    assert name not in dict(completeness_problems(application))


def test_upload_message_is_shown_in_the_attachments_section_not_at_the_top(
    client, user
):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)

    html = upload(client, application, pdf_bytes(), name="deck.pdf").content.decode()

    section = html[html.index('id="attachments"') :]
    assert html.count("“deck.pdf” is attached.") == 1
    assert "“deck.pdf” is attached." in section


def test_removing_an_attachment_asks_for_confirmation(client, user):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)

    html = upload(client, application, pdf_bytes(), name="deck.pdf").content.decode()

    assert 'data-confirm="Remove “deck.pdf” from the application?"' in html
    assert '<script src="/static/js/confirm.js" defer></script>' in html


def test_form_says_the_space_used_as_the_file_list_does(client, user):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)
    padding = build_pdf({4: ("<< /Length %LEN% >>", b"0" * (1100 * 1024))})
    upload(client, application, padding, kind="other", name="annexe.pdf")
    size = Attachment.objects.get().size
    shown = f"{size / 1024 / 1024:.1f}".replace(".", ",") + "\u00a0Mo"

    html = client.get(
        f"/appels/candidatures/{application.reference}/modifier/"
    ).content.decode()

    # The same "1,1 Mo" in the summary of the limits and beside the file.
    assert f"({shown} utilisés)" in html
    assert f"({shown})" in html
