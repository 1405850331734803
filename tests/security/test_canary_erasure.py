"""Erasure, proven with canaries: a person's name, email address and phone
number are planted across every feature through the portal's own services
(so every copy they make, in emails, audit events, PDFs and logs, is made),
the account is erased, then every text, JSON and binary column of every
table (information_schema), every stored file (MEDIA_ROOT, PDFs read as
text) and the captured log output are searched: no canary is left."""

import datetime
import io
import logging
import os

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from applications.enums import ApplicationState
from applications.jury.models import Conflict, JuryInvitation, JuryMembership
from applications.models import Application
from applications.services import (
    add_attachment,
    invite_member,
    save_draft,
    submit_application,
)
from datasets.access.charter import sign_charter
from datasets.access.leaks import report_leaked_key
from datasets.access.services import grant_data_access, issue_api_key
from datasets.services import submit_feedback
from portal.accounts.services import erase_user, update_profile
from portal.audit.services import record_event
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    DataCharterFactory,
    TeamMemberFactory,
    make_complete_application,
)
from tests.conftest import make_user
from tests.datasets.conftest import make_project
from tests.datasets.factories import DatasetFactory
from tests.workshops.demoday_factories import check_in as demoday_check_in
from tests.workshops.demoday_factories import make_demoday, paris
from tests.workshops.factories import WorkshopFactory
from workshops.models import FollowUpAction, Vote
from workshops.services.after import save_follow_up_action
from workshops.services.certificates import request_certificates
from workshops.services.checkin import check_in
from workshops.services.demoday import draw_running_order, publish_running_order
from workshops.services.demoday_results import add_juror, cast_vote
from workshops.services.feedback import record_feedback
from workshops.services.feeds import new_feed
from workshops.services.registration import register

FIRST_NAME = "Zephyrine"
LAST_NAME = "Canarywood"
NAME = f"{FIRST_NAME} {LAST_NAME}"
EMAIL = "zephyrine.canarywood@canary-mail.example"
PHONE = "06 12 34 98 76"
# What must not be found anywhere, case-insensitively.
CANARIES = (FIRST_NAME, LAST_NAME, "canarywood@", "canary-mail", "12 34 98 76")


def pdf_with_author(text):
    """A one-page PDF whose metadata names ``text`` (stored uncompressed)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": text, "/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def text_columns():
    """(table, column) of every text, JSON and binary column of the schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name, data_type
            FROM information_schema.columns
            WHERE table_schema = current_schema()
              AND data_type IN ('text', 'character varying', 'json', 'jsonb',
                                'bytea', 'ARRAY', 'character')
            ORDER BY table_name, column_name
            """
        )
        return cursor.fetchall()


def database_hits():
    hits = []
    with connection.cursor() as cursor:
        for table, column, data_type in text_columns():
            if data_type == "bytea":
                value = f"encode({connection.ops.quote_name(column)}, 'escape')"
            else:
                value = f"{connection.ops.quote_name(column)}::text"
            for canary in CANARIES:
                cursor.execute(
                    f"SELECT count(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608
                    f"WHERE {value} ILIKE %s",
                    [f"%{canary}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column}: {canary}")
    return hits


def file_hits(root):
    hits = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                raw = handle.read()
            texts = [raw.decode("latin-1"), name]
            if raw.startswith(b"%PDF"):
                reader = PdfReader(io.BytesIO(raw))
                texts += [page.extract_text() or "" for page in reader.pages]
                texts.append(str(reader.metadata or ""))
            for canary in CANARIES:
                if any(canary.lower() in text.lower() for text in texts):
                    hits.append(f"{os.path.relpath(path, root)}: {canary}")
    return hits


def log_hits(text):
    return [canary for canary in CANARIES if canary.lower() in text.lower()]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return settings.MEDIA_ROOT


@pytest.fixture
def canary(db):
    return make_user(EMAIL, full_name=NAME)


def plant_account(person, organiser):
    update_profile(person, full_name=NAME, language="en", actor=person)
    # A staff member changed the account in the Django admin.
    LogEntry.objects.create(
        user=organiser,
        content_type=ContentType.objects.get_for_model(person),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message=f"Nom changé en {NAME}",
    )
    record_event(
        "account.contact_added", actor=person, target=person, data={"phone": PHONE}
    )


def plant_applications(person, capture):
    call = CallFactory()
    # A draft the person leads alone, with an attachment and autosaved text.
    draft = ApplicationFactory(call=call, created_by=person)
    save_draft(
        draft,
        actor=person,
        values={"summary": f"Contact : {NAME}, {PHONE}, {EMAIL}"},
        base_version=draft.version,
    )
    with capture(execute=True):
        add_attachment(
            draft,
            uploaded_file=SimpleUploadedFile(
                f"CV {NAME}.pdf", pdf_with_author(NAME), "application/pdf"
            ),
            is_pitch_deck=True,
            actor=person,
        )
        invite_member(draft, actor=person, email="colleague@example.org")
    # A submitted application led by a colleague, the person in its team.
    lead = make_user("lead@example.org", full_name="Agathe Lemoine")
    submitted = make_complete_application(call=call, created_by=lead)
    TeamMemberFactory(application=submitted, user=person, job_title="Designer")
    with capture(execute=True):
        submit_application(submitted, actor=lead)
    # Someone invited the person to a third application.
    other = ApplicationFactory(call=call, created_by=lead)
    with capture(execute=True):
        invite_member(other, actor=lead, email=EMAIL)
    return call, submitted


def plant_jury(person, call, application):
    JuryInvitation.objects.create(
        call=call, email=EMAIL, organisation="Upciti", accepted_at=timezone.now()
    )
    seat = JuryMembership.objects.create(
        call=call,
        user=person,
        organisation="Upciti",
        conflict_statement=f"{NAME} conseille Upciti ; joignable au {PHONE}.",
        declared_at=timezone.now(),
    )
    Conflict.objects.create(membership=seat, application=application, source="declared")


def plant_workshops(person, organiser, capture):
    workshop = WorkshopFactory()
    with capture(execute=True):
        registration = register(workshop, user=person)
    # The workshop has happened: check-in, feedback, certificate.
    start = timezone.now() - datetime.timedelta(hours=3)
    type(workshop).objects.filter(pk=workshop.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    workshop.refresh_from_db()
    registration.refresh_from_db()
    with capture(execute=True):
        check_in(registration, actor=organiser)
    registration.refresh_from_db()
    record_feedback(
        registration,
        rating=5,
        useful=f"Merci, {NAME} ({PHONE})",
        improve=f"Écrivez-moi : {EMAIL}",
    )
    with capture(execute=True):
        request_certificates(workshop, actor=organiser)
    new_feed(person)
    return workshop, registration


def plant_follow_up_and_vote(person, organiser, workshop, registration, project):
    save_follow_up_action(
        None,
        project=project,
        workshop=workshop,
        title="Préparer le pitch",
        owner=person,
        due_on=datetime.date(2026, 2, 1),
        status="todo",
        actor=organiser,
    )
    # An action written before owners were people names them in text.
    FollowUpAction.objects.filter(owner=person).update(owner_name=NAME)


def plant_demoday_vote(person, organiser):
    demoday, sessions, projects = make_demoday(
        organiser,
        voting_opens_at=paris(2027, 2, 4, 14),
        voting_closes_at=paris(2027, 2, 4, 17),
    )
    draw_running_order(demoday, seed="canary", actor=organiser)
    publish_running_order(demoday, actor=organiser)
    demoday.refresh_from_db()
    demoday_check_in(sessions[0], person)
    cast_vote(demoday, projects[0], user=person, now=paris(2027, 2, 4, 15))
    add_juror(demoday, user=person, actor=organiser)


def plant_data_access(person, organiser, capture):
    project = make_project(person, "Trottoirs vivants", signed=False)
    sign_charter(project, charter=DataCharterFactory(), signer=person, signer_name=NAME)
    with capture(execute=True):
        grant = grant_data_access(
            project,
            holder=person,
            datasets=[DatasetFactory(slug="sound-levels")],
            expires_at=timezone.now() + datetime.timedelta(days=60),
            actor=organiser,
        )
        _key, token = issue_api_key(grant, name=f"Clé de {FIRST_NAME}", actor=person)
        report_leaked_key(token, where=f"https://gist.example/{LAST_NAME}")
    return project


def plant_feedback(person, capture):
    with capture(execute=True):
        submit_feedback(
            message=f"Bruit rue des Dames. {NAME}, {PHONE}",
            name=NAME,
            email=EMAIL,
            author=person,
        )


@pytest.mark.django_db
def test_erasure_leaves_no_canary_in_database_files_or_logs(
    canary, organiser, media, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    # factory_boy's own debug lines describe the test's fixtures, not the portal.
    caplog.set_level(logging.WARNING, logger="factory")
    capture = django_capture_on_commit_callbacks
    plant_account(canary, organiser)
    call, submitted = plant_applications(canary, capture)
    plant_jury(canary, call, submitted)
    workshop, registration = plant_workshops(canary, organiser, capture)
    project = plant_data_access(canary, organiser, capture)
    plant_follow_up_and_vote(canary, organiser, workshop, registration, project)
    plant_feedback(canary, capture)
    plant_demoday_vote(canary, organiser)
    # The canaries are really there before the erasure.
    planted = database_hits()
    assert len(planted) > 20, planted
    planted_files = len(file_hits(media))
    assert planted_files > 0

    with capture(execute=True):
        erase_user(canary, actor=canary)

    left = {
        "database": database_hits(),
        "files": file_hits(media),
        "logs": log_hits(caplog.text),
    }
    assert left == {"database": [], "files": [], "logs": []}, "\n".join(
        f"{where}: {hit}" for where, hits in left.items() for hit in hits
    )
    print(
        f"canary erasure: {len(text_columns())} columns of "
        f"{len({table for table, _c, _t in text_columns()})} tables searched, "
        f"{len(planted)} column hits planted; files planted: {planted_files}"
    )
    # What the call's record keeps stays: the application, naming no one.
    assert Application.objects.filter(
        pk=submitted.pk, state=ApplicationState.SUBMITTED
    ).exists()
    assert Vote.objects.filter(voter=canary).count() == 1
