"""Demo data of data access (called by ``seed_demo`` after the applications'
demo, which makes the retained applications' Projects; idempotent)."""

import datetime

from django.utils import timezone

from datasets.models import Dataset
from datasets.rollups import paris_day, paris_midnight

# The retained wave-1 project given 15-minute data in the demo. It has used a
# first key for three weeks (its token is thrown away: a token is shown once,
# so the demo holder creates their own key in the UI to call the API).
DEMO_GRANT_PROJECT = "Baromètre du bruit nocturne rue par rue"
DEMO_GRANT_DATASETS = ("pedestrian-flows", "sound-levels")


def seed_data_access(*, accounts, days, stdout):
    """Grant one year of 15-minute data (pedestrian flows and sound levels) to
    the Project of a retained application of ami-1, held by its team lead.
    Idempotent: nothing is done when that Project already has a grant,
    whatever its state, or when the Project does not exist."""
    from applications.enums import TeamRole
    from applications.models import Project

    from .models import ApiKeyUsage, DataGrant
    from .services import grant_data_access, issue_api_key

    project = (
        Project.objects.filter(application__call__slug="ami-1", name=DEMO_GRANT_PROJECT)
        .select_related("application")
        .first()
    )
    if project is None or DataGrant.objects.filter(project=project).exists():
        return
    lead = (
        project.application.team.filter(role=TeamRole.LEAD)
        .select_related("user")
        .first()
    )
    if lead is None:
        return
    holder = lead.user
    organisers = accounts.get("organisers") or [None]
    grant = grant_data_access(
        project,
        holder=holder,
        datasets=Dataset.objects.filter(slug__in=DEMO_GRANT_DATASETS),
        # Until a Paris midnight, as the back-office form grants.
        expires_at=paris_midnight(
            paris_day(timezone.now()) + datetime.timedelta(days=365)
        ),
        actor=organisers[0],
    )
    key, _token = issue_api_key(grant, name="Prototype (carte du bruit)", actor=holder)
    today = paris_day(timezone.now())
    ApiKeyUsage.objects.bulk_create(
        ApiKeyUsage(
            key=key,
            day=day,
            # A prototype polling every few minutes, busier on weekdays.
            requests=(1900 if day.weekday() < 5 else 700) + 37 * (day.day % 9),
        )
        for day in (today - datetime.timedelta(days=n) for n in range(1, 22))
    )
    stdout.write(
        f"Data access: {holder.email} holds 15-minute data of "
        f"{', '.join(DEMO_GRANT_DATASETS)} for “{DEMO_GRANT_PROJECT}”; "
        "create a key at /donnees/mes-acces/."
    )
