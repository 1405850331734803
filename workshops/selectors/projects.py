"""Reads of the public Project pages (``/projets/``).

Only what is safe to publish leaves here: the Project's public name and
summary, its application's title, summary, themes and proposed service, the
organisation's name and type. Never the team's members, contact details,
SIRET or the application's other answers.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from applications.enums import ProjectState, Theme
from applications.models import Project, RequestedDataset
from datasets.access.models import DataGrant
from datasets.selectors import streets_for_datasets

from ..enums import (
    ActionStatus,
    InvitationAnswer,
    RegistrationState,
    SlotKind,
    WorkshopKind,
    WorkshopState,
)
from ..filters import ProjectFilter
from ..models import DemoDayResult, FollowUpAction, Slot, Workshop
from .after import with_public_owners

OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
# Withdrawn Projects leave the public pages.
PUBLIC_STATES = [ProjectState.ACTIVE, ProjectState.COMPLETED]


def public_projects():
    """The Projects shown to everyone, with what their cards need."""
    return (
        Project.objects.filter(
            state__in=PUBLIC_STATES, application__call__is_published=True
        )
        .select_related("application__call")
        .prefetch_related(
            Prefetch(
                "data_grants",
                queryset=DataGrant.objects.filter(revoked_at__isnull=True)
                .order_by("created_at", "id")
                .prefetch_related("datasets"),
                to_attr="public_grants",
            ),
            Prefetch(
                "application__requested_datasets",
                queryset=RequestedDataset.objects.select_related("dataset").order_by(
                    "dataset__name_fr", "id"
                ),
                to_attr="public_requests",
            ),
        )
        .order_by("-application__call__opens_at", "name", "id")
    )


def project_filter(params):
    """The FilterSet of the public Projects filtered by ``params`` (GET)."""
    return ProjectFilter(params or None, queryset=public_projects())


def datasets_used(project):
    """The datasets a Project uses: those of its grants (active or past), else
    those its application asked for. Needs ``public_projects``' prefetches."""
    found = {}
    for grant in project.public_grants:
        for dataset in grant.datasets.all():
            found.setdefault(dataset.pk, dataset)
    if not found:
        for request in project.application.public_requests:
            found.setdefault(request.dataset_id, request.dataset)
    return sorted(found.values(), key=lambda dataset: str(dataset.name))


def theme_labels(project):
    labels = dict(Theme.choices)
    return [labels[theme] for theme in project.application.themes if theme in labels]


@dataclass
class Progress:
    done: int = 0
    open: int = 0
    dropped: int = 0

    @property
    def counted(self):
        return self.done + self.open

    @property
    def percent(self):
        return round(100 * self.done / self.counted) if self.counted else 0


@dataclass
class ProjectPage:
    project: Project
    datasets: list
    themes: list
    workshops: list
    pitches: list
    results: list
    actions: list
    progress: Progress = field(default_factory=Progress)
    # The streets whose sensors feed those datasets (``sensor_count`` each).
    streets: list = field(default_factory=list)

    @property
    def map_query(self):
        """The query string of the map's GeoJSON: the Project's datasets."""
        return urlencode([("dataset", dataset.slug) for dataset in self.datasets])


def project_page(slug):
    """Everything the public page of the Project ``slug`` shows (404 when it
    is not public)."""
    project = get_object_or_404(public_projects(), slug=slug)
    workshops = list(
        Workshop.objects.filter(kind=WorkshopKind.WORKSHOP)
        .exclude(state=WorkshopState.DRAFT)
        .filter(
            Q(
                registrations__project=project,
                registrations__state=RegistrationState.CONFIRMED,
            )
            | Q(
                invitations__project=project,
                invitations__answer=InvitationAnswer.ACCEPTED,
            )
        )
        .select_related("room")
        .distinct()
        .order_by("starts_at", "id")
    )
    pitches = list(
        Slot.objects.filter(
            project=project,
            kind=SlotKind.PITCH,
            session__demoday__order_published_at__isnull=False,
        )
        .select_related("session__demoday", "session__room")
        .order_by("starts_at", "id")
    )
    results = list(
        DemoDayResult.objects.filter(
            project=project, demoday__results_published_at__isnull=False
        )
        .select_related("demoday")
        .order_by("demoday__results_published_at", "id")
    )
    actions = with_public_owners(
        FollowUpAction.objects.filter(project=project)
        .select_related("workshop", "project__application")
        .order_by("due_on", "id")
    )
    progress = Progress(
        done=sum(a.status == ActionStatus.DONE for a in actions),
        open=sum(a.status in OPEN_STATUSES for a in actions),
        dropped=sum(a.status == ActionStatus.DROPPED for a in actions),
    )
    datasets = datasets_used(project)
    return ProjectPage(
        project=project,
        datasets=datasets,
        streets=streets_for_datasets(datasets) if datasets else [],
        themes=theme_labels(project),
        workshops=workshops,
        pitches=pitches,
        results=results,
        actions=actions,
        progress=progress,
    )
