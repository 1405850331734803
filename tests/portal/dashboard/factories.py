"""A programme for the dashboard tests, built with the apps' own factories.

``make_programme`` builds two waves: the 2025 one (opened 21 July 2025) with
six submitted applications, a jury, two workshops, a DemoDay, a Project using
the API; the 2026 one with one application, a workshop and a Project. Its
expected figures are written out in the tests. ``grow`` adds ``n`` more of
everything, for the query-count tests.
"""

import datetime
from zoneinfo import ZoneInfo

from applications.enums import ApplicantType, ApplicationState, Theme
from applications.models import Call
from datasets.access.models import ApiKeyUsage
from datasets.access.services import issue_api_key
from datasets.models import SensorDayQuality
from tests.applications.factories import ApplicationFactory, CallFactory, UserFactory
from tests.applications.jury.factories_assignment import (
    AssignmentFactory,
    JurorFactory,
    make_sheet,
)
from tests.datasets.conftest import make_grant, make_project
from tests.datasets.factories import DatasetFactory, SensorFactory
from tests.workshops.factories import (
    DemoDayFactory,
    DemoDaySessionFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from workshops.enums import RegistrationState, WorkshopState
from workshops.models import Vote

PARIS = ZoneInfo("Europe/Paris")
# The figures are computed as of this moment: every 2025 workshop is over.
NOW = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=PARIS)
S = ApplicationState
T = ApplicantType


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def _submitted(call, applicant_type, themes, state, **extra):
    return ApplicationFactory(
        call=call,
        applicant_type=applicant_type,
        themes=[theme.value for theme in themes],
        state=state,
        submitted_at=paris(2025, 9, 1, 10, 0),
        **extra,
    )


def _workshop(call, slug, start, **extra):
    return WorkshopFactory(
        call=call,
        slug=slug,
        title=f"Atelier {slug}",
        title_en=f"Workshop {slug}",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        registration_opens_at=start - datetime.timedelta(days=20),
        registration_closes_at=start,
        **extra,
    )


def _register(workshop, count, *, checked_in=0, state=RegistrationState.CONFIRMED):
    for index in range(count):
        RegistrationFactory(
            workshop=workshop,
            state=state,
            checked_in_at=workshop.starts_at if index < checked_in else None,
        )


def _drop_stray_calls(*keep):
    """``make_project`` makes a call of its own even when given one: remove
    them so the waves are those the test names."""
    Call.objects.exclude(pk__in=[call.pk for call in keep]).delete()


def make_programme(organiser):
    """Build the two waves; return a dict of what the tests name."""
    pedestrian = DatasetFactory(
        slug="pedestrian-flows", name_fr="Flux piétons", name_en="Pedestrian flows"
    )
    parking = DatasetFactory(
        slug="parking-occupancy",
        name_fr="Occupation du stationnement",
        name_en="Parking occupancy",
    )
    wave_2025 = CallFactory(
        slug="ami-2025",
        title_fr="Appel 2025",
        title_en="Call 2025",
        opens_at=paris(2025, 7, 21, 9, 0),
        closes_at=paris(2025, 9, 30, 18, 0),
        datasets=[pedestrian, parking],
    )
    wave_2026 = CallFactory(
        slug="ami-2026",
        title_fr="Appel 2026",
        title_en="Call 2026",
        opens_at=paris(2026, 3, 2, 9, 0),
        closes_at=paris(2026, 5, 29, 18, 0),
        datasets=[pedestrian],
    )
    mobility_parking = [Theme.MOBILITY, Theme.PARKING]
    applications = [
        _submitted(wave_2025, T.STARTUP, mobility_parking, S.RETAINED),
        _submitted(wave_2025, T.STARTUP, mobility_parking, S.WAITING_LIST),
        _submitted(wave_2025, T.STARTUP, mobility_parking, S.SUBMITTED),
        _submitted(wave_2025, T.ASSOCIATION, [Theme.TRANQUILLITY], S.INADMISSIBLE),
        _submitted(wave_2025, T.ASSOCIATION, [Theme.TRANQUILLITY], S.NOT_RETAINED),
        _submitted(
            wave_2025, T.RESEARCH_LAB, [Theme.ENERGY, Theme.MOBILITY], S.UNDER_REVIEW
        ),
    ]
    # Never submitted: not counted.
    ApplicationFactory(call=wave_2025, themes=[Theme.ENERGY.value])
    _submitted(wave_2026, T.SCHOOL, [Theme.CLEANLINESS], S.SUBMITTED)

    # Jury of 2025: five sheets assigned, three submitted.
    first, second = JurorFactory(call=wave_2025), JurorFactory(call=wave_2025)
    for application, submitted in zip(
        applications[:3], [True, True, False], strict=True
    ):
        make_sheet(
            AssignmentFactory(membership=first, application=application),
            submitted=submitted,
        )
    make_sheet(
        AssignmentFactory(membership=second, application=applications[0]),
        submitted=True,
    )
    AssignmentFactory(membership=second, application=applications[5])

    # Workshops: one of the 2025 wave, one of no wave held in 2025, one of
    # the 2026 wave, and a draft never counted.
    dtpr = _workshop(wave_2025, "dtpr", paris(2025, 10, 15, 18, 0))
    _register(dtpr, 3, checked_in=2)
    _register(dtpr, 1, state=RegistrationState.WAITLISTED)
    _register(dtpr, 1, state=RegistrationState.CANCELLED)
    pitch = _workshop(None, "pitch", paris(2025, 11, 20, 18, 0))
    _register(pitch, 2, checked_in=1)
    later = _workshop(wave_2026, "residents", paris(2026, 4, 10, 18, 0))
    _register(later, 4)
    _workshop(wave_2025, "draft", paris(2025, 12, 1, 18, 0), state=WorkshopState.DRAFT)

    # The 2025 wave's DemoDay: four registered, three checked in, two votes.
    lead = UserFactory(email="lea@livraisons.example", full_name="Léa Fontaine")
    deliveries = make_project(lead, "Livraisons", call=wave_2025)
    demoday = DemoDayFactory(
        call=wave_2025,
        slug="demoday-2026",
        title="DemoDay 2026",
        title_en="DemoDay 2026",
    )
    session = DemoDaySessionFactory(
        demoday=demoday,
        call=wave_2025,
        slug="demoday-2026-session",
        starts_at=paris(2026, 2, 5, 14, 0),
        ends_at=paris(2026, 2, 5, 18, 0),
        registration_opens_at=paris(2026, 1, 1, 9, 0),
        registration_closes_at=paris(2026, 2, 5, 14, 0),
    )
    _register(session, 4, checked_in=3)
    _register(session, 1, state=RegistrationState.CANCELLED)
    for registration in session.registrations.filter(checked_in_at__isnull=False)[:2]:
        Vote.objects.create(
            demoday=demoday,
            voter=registration.user,
            registration=registration,
            project=deliveries,
        )

    # API usage: the 2025 Project has a key on the pedestrian data and one on
    # both datasets of its grant; the 2026 Project one key on its only one.
    both = make_grant(lead, [pedestrian, parking], organiser, project=deliveries)
    pedestrian_key, _ = issue_api_key(
        both, name="piétons", actor=lead, datasets=[pedestrian]
    )
    both_key, _ = issue_api_key(both, name="tout", actor=lead)
    noise_lead = UserFactory(email="karim@bruit.example", full_name="Karim Benali")
    noise = make_project(noise_lead, "Bruit nocturne", call=wave_2026)
    noise_grant = make_grant(noise_lead, [pedestrian], organiser, project=noise)
    noise_key, _ = issue_api_key(noise_grant, name="bruit", actor=noise_lead)
    for key, day, requests in [
        (pedestrian_key, datetime.date(2025, 10, 3), 100),
        (pedestrian_key, datetime.date(2025, 10, 20), 50),
        (pedestrian_key, datetime.date(2025, 11, 2), 30),
        (pedestrian_key, datetime.date(2024, 12, 31), 999),  # another year
        (both_key, datetime.date(2025, 11, 5), 7),
        (noise_key, datetime.date(2025, 11, 10), 20),
    ]:
        ApiKeyUsage.objects.create(key=key, day=day, requests=requests)

    # Data quality: two pedestrian counters and a parking sensor.
    counters = [SensorFactory(datasets=[pedestrian]) for _ in range(2)]
    parking_sensor = SensorFactory(datasets=[parking])
    for sensor, day, received in [
        (counters[0], datetime.date(2025, 10, 1), 96),
        (counters[1], datetime.date(2025, 10, 1), 48),
        (parking_sensor, datetime.date(2025, 10, 1), 96),
        (counters[0], datetime.date(2025, 11, 1), 96),
        (counters[1], datetime.date(2025, 11, 2), 24),
    ]:
        SensorDayQuality.objects.create(
            sensor=sensor, day=day, expected=96, received=received
        )
    _drop_stray_calls(wave_2025, wave_2026)
    return {
        "wave_2025": wave_2025,
        "wave_2026": wave_2026,
        "pedestrian": pedestrian,
        "parking": parking,
        "deliveries": deliveries,
    }


def grow(programme, organiser, n):
    """Add ``n`` more waves' worth of rows: applications, sheets, workshops
    with registrations, DemoDays, Projects with usage, sensors with quality."""
    wave = programme["wave_2025"]
    pedestrian = programme["pedestrian"]
    juror = JurorFactory(call=wave)
    for index in range(n):
        application = _submitted(
            wave, T.COMPANY, [Theme.CLEANLINESS, Theme.ENERGY], S.UNDER_REVIEW
        )
        make_sheet(
            AssignmentFactory(membership=juror, application=application),
            submitted=bool(index % 2),
        )
        day = datetime.date(2025, 9, 1) + datetime.timedelta(days=index % 120)
        start = paris(day.year, day.month, day.day, 18, 0)
        workshop = _workshop(wave, f"extra-{index}", start)
        _register(workshop, 3, checked_in=1)
        demoday = DemoDayFactory(call=wave)
        DemoDaySessionFactory(demoday=demoday, call=wave, slug=f"dd-extra-{index}")
        lead = UserFactory()
        project = make_project(lead, f"Projet {index}", call=wave)
        grant = make_grant(lead, [pedestrian], organiser, project=project)
        key, _ = issue_api_key(grant, name="k", actor=lead)
        ApiKeyUsage.objects.create(key=key, day=day, requests=index + 1)
        sensor = SensorFactory(datasets=[pedestrian])
        SensorDayQuality.objects.create(
            sensor=sensor,
            day=day,
            expected=96,
            received=90,
        )
    _drop_stray_calls(wave, programme["wave_2026"])
