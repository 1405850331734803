"""Factories for workshops and the DemoDay.

Defaults are unsurprising: a published in-person workshop in the Mairie's
salle des fêtes, open to both audiences, 30 seats with none reserved,
starting in ten days for two hours, registration open since yesterday and
closing at the start.
"""

import datetime

import factory
from django.utils import timezone

from workshops.enums import (
    Audience,
    RegistrationState,
    Seat,
    WorkshopFormat,
    WorkshopKind,
    WorkshopState,
)
from workshops.models import DemoDay, Registration, Room, Workshop
from workshops.services.registration import recount_seats


def _in_days(days, hour=18):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    name = factory.Sequence(lambda n: f"Salle {n}")
    address = "Mairie du 17e, 16-20 rue des Batignolles, 75017 Paris"
    capacity = 60


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    kind = WorkshopKind.WORKSHOP
    slug = factory.Sequence(lambda n: f"atelier-{n}")
    title = factory.Sequence(lambda n: f"Atelier {n}")
    title_en = factory.Sequence(lambda n: f"Workshop {n}")
    description = "Découvrir les données et leurs fiches DTPR."
    format = WorkshopFormat.IN_PERSON
    room = factory.SubFactory(RoomFactory)
    starts_at = factory.LazyFunction(lambda: _in_days(10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    capacity = 30
    audience = Audience.BOTH
    registration_opens_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=1)
    )
    registration_closes_at = factory.LazyAttribute(lambda o: o.starts_at)
    state = WorkshopState.PUBLISHED


class DemoDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemoDay

    call = factory.SubFactory("tests.applications.factories.CallFactory")
    slug = factory.Sequence(lambda n: f"demoday-{n}")
    title = factory.Sequence(lambda n: f"DemoDay {n}")
    title_en = factory.Sequence(lambda n: f"DemoDay {n}")


class DemoDaySessionFactory(WorkshopFactory):
    kind = WorkshopKind.DEMODAY_SESSION
    demoday = factory.SubFactory(DemoDayFactory)
    capacity = 120


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed resident registration."""

    class Meta:
        model = Registration

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory("tests.applications.factories.UserFactory")
    seat = Seat.RESIDENT
    state = RegistrationState.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        registration = super()._create(model_class, *args, **kwargs)
        # Rows written directly: the workshop's seat counters follow them.
        recount_seats(registration.workshop)
        return registration
