"""Fixtures shared by the data access tests (grants and API keys)."""

import datetime

import pytest
from django.utils import timezone

from datasets.services import grant_data_access
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


def make_grant(holder, datasets, organiser, *, project="Trottoirs vivants", days=90):
    return grant_data_access(
        holder,
        project=project,
        datasets=datasets,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        actor=organiser,
    )
