"""Fixtures and helpers of the day and after (wafter): a workshop under way,
its facilitator, participants, a Project."""

import datetime
import io

import pytest
from django.utils import timezone, translation
from pypdf import PdfWriter

from tests.conftest import make_user
from workshops.models import FacilitatorBooking

from .factories import RegistrationFactory, WorkshopFactory


@pytest.fixture(autouse=True)
def _wafter_environment(settings, tmp_path):
    """Tasks in-process, media in tmp, pages in English (the French catalogue
    is merged by the lead): ``reverse`` builds /en/ URLs."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_REQUIRE_MFA = False
    translation.activate("en")
    yield
    translation.activate("fr")


def hours_from_now(hours):
    return timezone.now() + datetime.timedelta(hours=hours)


def make_workshop(slug="donnees-dtpr", *, started_hours_ago=1, length_hours=2, **extra):
    """A published workshop that started ``started_hours_ago`` hours ago."""
    starts_at = hours_from_now(-started_hours_ago).replace(microsecond=0)
    extra.setdefault("title", "Découvrir les données et leurs fiches DTPR")
    return WorkshopFactory(
        slug=slug,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=length_hours),
        registration_opens_at=starts_at - datetime.timedelta(days=20),
        registration_closes_at=starts_at,
        **extra,
    )


def book_facilitator(workshop, person):
    return FacilitatorBooking.objects.create(
        workshop=workshop,
        facilitator=person,
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
    )


def register(workshop, person, **extra):
    return RegistrationFactory(workshop=workshop, user=person, **extra)


def blank_pdf(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def workshop(db):
    return make_workshop()


@pytest.fixture
def facilitator(db, workshop):
    person = make_user("yasmine@example.org", full_name="Yasmine Benali")
    book_facilitator(workshop, person)
    return person


@pytest.fixture
def other_facilitator(db):
    """The facilitator of another workshop (none of this one)."""
    person = make_user("paul@example.org", full_name="Paul Girard")
    book_facilitator(make_workshop("atelier-energie", title="Énergie"), person)
    return person


@pytest.fixture
def participant(user, workshop):
    """Léa Fontaine's confirmed registration."""
    return register(workshop, user)


@pytest.fixture
def other_participant(other_user, workshop):
    """Mehdi Haddad's confirmed registration."""
    return register(workshop, other_user)


def client_for(client, person):
    client.logout()
    if person is not None:
        client.force_login(person)
    return client


__all__ = [
    "_wafter_environment",
    "blank_pdf",
    "book_facilitator",
    "client_for",
    "facilitator",
    "hours_from_now",
    "make_workshop",
    "other_facilitator",
    "other_participant",
    "participant",
    "register",
    "workshop",
]
