"""Fixtures shared by the data access tests (grants and API keys)."""

import datetime

import pytest
from django.utils import timezone

from applications.enums import ApplicationState
from applications.services import create_project
from datasets.access.charter import sign_charter
from datasets.access.services import grant_data_access
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    DataCharterFactory,
)
from tests.conftest import make_user
from tests.datasets.factories import DatasetFactory


@pytest.fixture
def holder(db):
    """A project holder who reads the portal in English."""
    return make_user("ines@example.org", full_name="Inès Moreau", language="en")


@pytest.fixture
def datasets(db):
    return [
        DatasetFactory(
            slug="pedestrian-flows", name_en="Pedestrian flows", name_fr="Flux piétons"
        ),
        DatasetFactory(
            slug="sound-levels",
            name_en="Sound levels",
            name_fr="Niveau sonore",
            position=1,
        ),
    ]


def make_project(lead, name="Trottoirs vivants", *, signed=True, **application):
    """The Project of a retained application titled ``name``, ``lead`` its
    team lead (in a call of no dataset unless ``call=`` is given). With
    ``signed``, ``lead`` signed the data charter in force for it."""
    application.setdefault("call", CallFactory(datasets=[]))
    retained = ApplicationFactory(
        state=ApplicationState.RETAINED, title=name, created_by=lead, **application
    )
    project = create_project(retained, actor=None)
    if signed:
        sign_charter(
            project,
            charter=DataCharterFactory(),
            signer=lead,
            signer_name=lead.full_name or lead.email,
        )
    return project


def make_grant(holder, datasets, organiser, *, project="Trottoirs vivants", days=90):
    """A grant to a new Project named ``project`` whose team lead is
    ``holder`` (or to ``project`` itself when it is a Project)."""
    if isinstance(project, str):
        project = make_project(holder, project)
    return grant_data_access(
        project,
        holder=holder,
        datasets=datasets,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        actor=organiser,
    )
