"""Helpers for the DemoDay tests: a wave with five Projects, a DemoDay with
two sessions, and people checked in."""

import datetime
from zoneinfo import ZoneInfo

from applications.enums import ProjectState
from tests.applications.factories import CallFactory, UserFactory
from tests.datasets.conftest import make_project
from tests.workshops.factories import (
    DemoDaySessionFactory,
    RegistrationFactory,
    RoomFactory,
)
from workshops.services.demoday import create_demoday

PARIS = ZoneInfo("Europe/Paris")

# (public name -> slug, first theme)
PROJECTS = (
    ("Bruit nocturne", "tranquillity"),
    ("Livraisons", "parking"),
    ("PMR", "parking"),
    ("Eclairage", "energy"),
    ("Commerces", "pedestrian_flows"),
)


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def make_wave_projects(call):
    projects = []
    for name, theme in PROJECTS:
        lead = UserFactory()
        projects.append(make_project(lead, name, call=call, themes=[theme]))
    return projects


def make_demoday(organiser, *, sessions=1, slug="demoday-2027", **fields):
    """A DemoDay of a new wave with its five active Projects (plus one
    suspended, left out by default) and ``sessions`` sessions of two hours on
    4 February 2027 from 14:00 and 17:00, Paris time."""
    call = CallFactory()
    projects = make_wave_projects(call)
    stopped = make_project(UserFactory(), "Arrêté", call=call, themes=["energy"])
    stopped.state = ProjectState.WITHDRAWN
    stopped.save(update_fields=["state"])
    demoday = create_demoday(
        call,
        fields={
            "slug": slug,
            "title": "DemoDay 2027",
            "title_en": "DemoDay 2027",
            **fields,
        },
        actor=organiser,
    )
    made = []
    for index in range(sessions):
        starts = paris(2027, 2, 4, 14 + 3 * index, 0)
        made.append(
            DemoDaySessionFactory(
                demoday=demoday,
                call=call,
                slug=f"{slug}-session-{index + 1}",
                title=f"Session {index + 1}",
                room=RoomFactory(),
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
            )
        )
    return demoday, made, projects


def check_in(session, user, *, at=None):
    return RegistrationFactory(
        workshop=session, user=user, checked_in_at=at or session.starts_at
    )
