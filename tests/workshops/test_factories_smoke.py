import pytest
from django.db import IntegrityError, transaction

from workshops.enums import RegistrationState
from workshops.models import Registration

from .factories import DemoDaySessionFactory, RegistrationFactory, WorkshopFactory


@pytest.mark.django_db
def test_factories_make_a_bookable_workshop_and_a_demoday_session():
    workshop = WorkshopFactory()
    RegistrationFactory(workshop=workshop)
    session = DemoDaySessionFactory()

    assert list(Registration.objects.values_list("state", flat=True)) == [
        RegistrationState.CONFIRMED
    ]
    assert session.demoday.sessions.get() == session


@pytest.mark.django_db
def test_room_refuses_two_overlapping_workshops():
    first = WorkshopFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopFactory(
            room=first.room, starts_at=first.starts_at, ends_at=first.ends_at
        )
