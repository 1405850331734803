"""Helpers of the public Project pages' and back-office overview tests."""

import datetime

from django.utils import timezone

from applications.enums import ApplicationState
from applications.services import create_project
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    RequestedDatasetFactory,
    TeamMemberFactory,
)
from tests.conftest import make_user
from tests.datasets.factories import DatasetFactory


def datasets():
    return {
        "flows": DatasetFactory(
            slug="pedestrian-flows", name_fr="Flux piétons", name_en="Pedestrian flows"
        ),
        "sound": DatasetFactory(
            slug="sound-levels", name_fr="Niveau sonore", name_en="Sound levels"
        ),
        "parking": DatasetFactory(
            slug="parking-occupancy",
            name_fr="Occupation du stationnement",
            name_en="Parking occupancy",
        ),
    }


def public_project(
    name,
    *,
    call=None,
    lead_email=None,
    requested=(),
    themes=("mobility",),
    **fields,
):
    """A retained application's Project with a lead, a member, a SIRET and a
    website (all private), asking for the ``requested`` datasets."""
    call = call or CallFactory(datasets=list(requested))
    lead = make_user(
        lead_email or f"lead-{name[:10].lower().replace(' ', '-')}@example.org",
        full_name="Odile Secrète",
    )
    fields.setdefault("organisation_name", "Batignolles Lab")
    fields.setdefault("siret", "12345678901234")
    fields.setdefault("website", "https://prive.example.org")
    fields.setdefault("summary", f"{name} : un service pour le quartier.")
    fields.setdefault("proposed_service", f"Le service de {name} en détail.")
    application = ApplicationFactory(
        call=call,
        state=ApplicationState.RETAINED,
        title=name,
        created_by=lead,
        themes=list(themes),
        target_users="Réponse privée sur les usagers",
        privacy_safeguards="Réponse privée sur la vie privée",
        **fields,
    )
    TeamMemberFactory(
        application=application,
        user=make_user(
            f"member-{application.reference.lower()}@example.org",
            full_name="Gaston Caché",
        ),
    )
    for dataset in requested:
        RequestedDatasetFactory(application=application, dataset=dataset)
    return create_project(application, actor=None)


def in_days(days, hour=18):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)
