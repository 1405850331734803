"""Reads of data access: grants, keys, their events and who hears of them."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.audit.models import AuditEvent

from .enums import AccessState
from .models import ApiKey, DataGrant


def grants_with_key_counts(*, now=None):
    """Every data access grant with its project, holder, datasets and the
    number of its active keys (``active_keys``): three queries for a page,
    whatever its size.
    """
    now = now or timezone.now()
    return (
        DataGrant.objects.select_related("holder", "project")
        .prefetch_related("datasets")
        .annotate(
            active_keys=Count(
                "keys",
                filter=Q(keys__revoked_at__isnull=True, keys__expires_at__gt=now),
            )
        )
        .order_by("-created_at", "-id")
    )


def grants_for_backoffice(params, *, now=None):
    """The grants matching the back-office filters ``params`` (a QueryDict):
    ``state`` (active, expired, revoked) and ``q`` (project or holder email).
    Return the bound ``DataGrantFilter``; its ``qs`` is the list."""
    from .filters import DataGrantFilter

    return DataGrantFilter(params, queryset=grants_with_key_counts(now=now))


def _keys_queryset():
    return ApiKey.objects.select_related("replaced_by").order_by("-created_at", "-id")


def grant_for_backoffice(pk):
    """One grant with its project, holder, granter, datasets and keys, or 404."""
    return get_object_or_404(
        DataGrant.objects.select_related(
            "holder", "granted_by", "project"
        ).prefetch_related("datasets", Prefetch("keys", queryset=_keys_queryset())),
        pk=pk,
    )


def _grants_of_team(user):
    """The grants ``user`` holds or whose Project's team they belong to: every
    member of the team creates and manages the Project's keys."""
    team = DataGrant.objects.filter(project__application__team__user=user)
    return Q(holder=user) | Q(pk__in=team.values("pk"))


def grants_of(user):
    """The grants of ``user``'s Projects (held, or of a team they are in),
    newest first, with their project, datasets and keys (three queries).
    Nobody else's grant is ever in it."""
    return (
        DataGrant.objects.filter(_grants_of_team(user))
        .select_related("project")
        .prefetch_related("datasets", Prefetch("keys", queryset=_keys_queryset()))
        .order_by("-created_at", "-id")
    )


def key_of_holder(user, pk):
    """The API key ``pk`` if its grant is one of ``user``'s Projects', else 404."""
    return get_object_or_404(
        ApiKey.objects.select_related("grant__project"),
        pk=pk,
        grant__in=DataGrant.objects.filter(_grants_of_team(user)).values("pk"),
    )


def grant_of_holder(user, pk):
    """The grant ``pk`` if it is one of ``user``'s Projects', else 404."""
    return get_object_or_404(
        DataGrant.objects.filter(_grants_of_team(user))
        .select_related("project")
        .prefetch_related("datasets"),
        pk=pk,
    )


def events_of_grant(grant):
    """The audit events of ``grant`` and of its keys, newest first, with their
    actors (one query, plus the content types Django caches)."""
    key_ids = [str(key.pk) for key in grant.keys.all()]
    return list(
        AuditEvent.objects.filter(
            Q(
                target_type=ContentType.objects.get_for_model(DataGrant),
                target_id=str(grant.pk),
            )
            | Q(
                target_type=ContentType.objects.get_for_model(ApiKey),
                target_id__in=key_ids,
            )
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def grant_email_recipients(grant):
    """The people told when ``grant`` is created or revoked: every member of
    its project's team with an open account, and its holder, each once, the
    holder first. A grant made before Projects tells its holder only."""
    from portal.accounts.models import User

    people = User.objects.filter(is_active=True)
    if grant.project_id is None:
        people = people.filter(pk=grant.holder_id)
    else:
        people = people.filter(
            Q(pk=grant.holder_id)
            | Q(team_memberships__application__project=grant.project_id)
        )
    return sorted(
        people.distinct(), key=lambda person: (person.pk != grant.holder_id, person.pk)
    )


def access_state(obj, now):
    """The state of a grant or a key at ``now``: ``revoked``, ``expired``,
    ``suspended`` (a grant), ``rotated`` (a replaced key still in its grace
    period) or ``active``."""
    if obj.revoked_at is not None:
        return AccessState.REVOKED.value
    if obj.expires_at <= now:
        return AccessState.EXPIRED.value
    if getattr(obj, "suspended_at", None) is not None:
        return AccessState.SUSPENDED.value
    if getattr(obj, "replaced_by_id", None) is not None:
        return AccessState.ROTATED.value
    return AccessState.ACTIVE.value


def grant_prefill_for_project(pk):
    """Initial values of the grant form for the active Project ``pk``: the
    project, its team lead as holder and the datasets its application
    requested. ``None`` for an unknown, ended or malformed ``pk``."""
    from applications.enums import TeamRole
    from applications.models import Project

    pk = str(pk)
    if not pk.isdigit() or len(pk) > 18:  # beyond a bigint: no such row
        return None
    project = (
        Project.objects.active()
        .select_related("application")
        .prefetch_related("application__requested_datasets")
        .filter(pk=int(pk))
        .first()
    )
    if project is None:
        return None
    application = project.application
    lead = application.team.filter(role=TeamRole.LEAD).select_related("user").first()
    return {
        "project": project.pk,
        "holder_email": lead.user.email if lead else "",
        "datasets": sorted(
            {item.dataset_id for item in application.requested_datasets.all()}
        ),
        "purpose": project.summary,
    }
