"""What people see of a workshop on the day and after it: attendance, the
minutes and materials visible to them, follow-up actions, feedback."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from applications.enums import ProjectState
from applications.models import TeamMember
from applications.views.common import render_markdown
from portal.audit.models import AuditEvent

from ..audit_wafter import verb_label
from ..enums import ActionStatus, RegistrationState, Visibility
from ..models import (
    FacilitatorBooking,
    FeedbackResponse,
    FollowUpAction,
    Material,
    Minutes,
    Registration,
    Workshop,
)
from ..permissions_wafter import can_run_workshop, is_confirmed_participant

SEARCH_RESULTS = 30


def _visibilities_for(workshop, user):
    """The visibilities ``user`` may read on ``workshop``."""
    if can_run_workshop(user, workshop) or is_confirmed_participant(user, workshop):
        return [Visibility.PUBLIC, Visibility.PARTICIPANTS]
    return [Visibility.PUBLIC]


@dataclass
class AfterWorkshop:
    minutes_html: str = ""
    minutes: Minutes | None = None
    materials: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    can_run: bool = False

    @property
    def is_empty(self):
        return not (self.minutes_html or self.materials or self.actions)


def after_workshop_for(workshop, user):
    """Return an ``AfterWorkshop``: the published minutes (sanitised HTML) and
    the materials of ``workshop`` that ``user`` may read (public ones for
    everybody, those for participants to its confirmed participants, its
    facilitators and organisers), its follow-up actions, and whether ``user``
    runs it (to show the links to manage them)."""
    allowed = _visibilities_for(workshop, user)
    result = AfterWorkshop(can_run=bool(can_run_workshop(user, workshop)))
    minutes = Minutes.objects.filter(
        workshop=workshop, published_at__isnull=False, visibility__in=allowed
    ).first()
    if minutes is not None:
        result.minutes = minutes
        result.minutes_html = render_markdown(minutes.body)
    result.materials = list(
        Material.objects.filter(workshop=workshop, visibility__in=allowed)
    )
    result.actions = with_public_owners(
        FollowUpAction.objects.filter(workshop=workshop).select_related(
            "project__application"
        )
    )
    return result


def with_public_owners(actions):
    """Return ``actions`` as a list, each with ``public_owner``: the public
    name of its Project's team (organisation, else Project) when a member of
    the team carries it, "the programme's organisers" when an organiser or a
    facilitator does, "" for an old text owner. Never a person's name or
    address: these are public pages. Select ``project__application``. One
    query."""
    actions = list(actions)
    applications = {action.project.application_id for action in actions}
    members = set(
        TeamMember.objects.filter(application_id__in=applications).values_list(
            "application_id", "user_id"
        )
    )
    for action in actions:
        application = action.project.application
        if action.owner_id is None:
            action.public_owner = ""
        elif (application.pk, action.owner_id) in members:
            action.public_owner = application.organisation_name or action.project.name
        else:
            action.public_owner = _("the programme's organisers")
    return actions


def follow_up_actions_for_project(project):
    """The follow-up actions of ``project``, by due date, with their workshop;
    ``.open``/``.done`` counts are for the public Project page (wpublic)."""
    return FollowUpAction.objects.filter(project=project).select_related(
        "workshop", "owner"
    )


def action_counts_for_project(project):
    """Return ``{"done": n, "open": n}``: actions done, and still to do or in
    progress (dropped ones count in neither)."""
    counts = FollowUpAction.objects.filter(project=project).aggregate(
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        open=Count(
            "pk", filter=Q(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        ),
    )
    return counts


def participants_for_checkin(workshop):
    """The confirmed registrations of ``workshop`` with their users, by name."""
    return (
        Registration.objects.filter(
            workshop=workshop, state=RegistrationState.CONFIRMED
        )
        .select_related("user", "project", "checked_in_by")
        .order_by("user__full_name", "user__email", "pk")
    )


def search_participants(workshop, query):
    """The confirmed registrations whose person's name or email contains
    ``query`` (at most ``SEARCH_RESULTS``); all of them for an empty query."""
    registrations = participants_for_checkin(workshop)
    query = " ".join(str(query or "").split())[:100]
    for word in query.split(" ")[:5] if query else []:
        registrations = registrations.filter(
            Q(user__full_name__icontains=word) | Q(user__email__icontains=word)
        )
    return registrations[:SEARCH_RESULTS]


def attendance_counts(workshop):
    """Return ``{"confirmed": n, "checked_in": n, "waitlisted": n}``."""
    return Registration.objects.filter(workshop=workshop).aggregate(
        confirmed=Count("pk", filter=Q(state=RegistrationState.CONFIRMED)),
        checked_in=Count(
            "pk",
            filter=Q(state=RegistrationState.CONFIRMED, checked_in_at__isnull=False),
        ),
        waitlisted=Count("pk", filter=Q(state=RegistrationState.WAITLISTED)),
    )


def attendance_rows(workshop):
    """Every registration of ``workshop`` (confirmed, waiting, cancelled) with
    its person, for the attendance export: by state then name."""
    return (
        Registration.objects.filter(workshop=workshop)
        .select_related("user", "project")
        .order_by("state", "user__full_name", "user__email", "pk")
    )


def feedback_summary(workshop):
    """Return ``{"count", "average", "distribution": [(rating, n), ...],
    "responses": [...]}`` of ``workshop``'s survey."""
    responses = FeedbackResponse.objects.filter(
        registration__workshop=workshop
    ).order_by("-submitted_at", "-pk")
    aggregate = responses.aggregate(count=Count("pk"), average=Avg("rating"))
    by_rating = dict(
        responses.order_by()
        .values_list("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    return {
        "count": aggregate["count"],
        "average": aggregate["average"],
        "distribution": [(rating, by_rating.get(rating, 0)) for rating in range(1, 6)],
        "responses": list(responses),
    }


def recent_activity_for(workshop, *, limit=15):
    """The latest audit events of ``workshop``, its registrations and its
    follow-up actions, newest first, each with ``label`` (a sentence) and
    ``target_name`` (the participant, for a registration's event)."""
    types = ContentType.objects.get_for_models(Workshop, Registration, FollowUpAction)
    registrations = dict(
        Registration.objects.filter(workshop=workshop)
        .select_related("user")
        .values_list("pk", "user__full_name")
    )
    actions = list(
        FollowUpAction.objects.filter(workshop=workshop).values_list("pk", flat=True)
    )
    events = list(
        AuditEvent.objects.filter(
            Q(target_type=types[Workshop], target_id=str(workshop.pk))
            | Q(
                target_type=types[Registration],
                target_id__in=[str(pk) for pk in registrations],
            )
            | Q(
                target_type=types[FollowUpAction],
                target_id__in=[str(pk) for pk in actions],
            )
        )
        .filter(verb__startswith="workshop.")
        .select_related("actor")[:limit]
    )
    for event in events:
        event.label = verb_label(event.verb)
        event.target_name = (
            registrations.get(int(event.target_id), "")
            if event.target_type_id == types[Registration].pk
            else ""
        )
    return events


def action_owner_candidates(workshop):
    """Who may own a follow-up action decided at ``workshop``: ``(teams,
    staff)``, ``teams`` a dict {project id: [users]} of the active Projects'
    team members, ``staff`` the organisers and the workshop's facilitators;
    each list by name (two queries)."""
    from portal.accounts.models import User

    teams = {}
    members = (
        TeamMember.objects.filter(application__project__state=ProjectState.ACTIVE)
        .select_related("user", "application__project")
        .order_by("user__full_name", "user__email", "id")
    )
    for member in members:
        teams.setdefault(member.application.project.pk, []).append(member.user)
    staff = list(
        User.objects.filter(
            Q(organiser_role__isnull=False)
            | Q(
                pk__in=FacilitatorBooking.objects.filter(workshop=workshop).values(
                    "facilitator_id"
                )
            )
        )
        .distinct()
        .order_by("full_name", "email", "id")
    )
    return teams, staff
