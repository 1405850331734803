"""Demo data of data access (called by ``seed_demo`` after the applications'
demo, which makes the retained applications' Projects; idempotent).

The Projects of the closed wave (ami-1) signed the charter, were granted the
datasets their applications requested, and made keys: one rotated, one
revoked, one ending soon, with weeks of usage, each between the key's
creation and its end (no key "created today" with weeks of use). One Project
has not signed yet, to show the charter step. A working key is issued at each
seed for trying the API: printed, and kept in ``var/demo-api-key`` (never in
the repository; a token is shown once).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from datasets.models import Dataset
from datasets.rollups import paris_day, paris_midnight

DEMO_GRANT_PROJECT = "Baromètre du bruit nocturne rue par rue"
DEMO_GRANT_DATASETS = ("pedestrian-flows", "sound-levels")
DEMO_KEY_NAME = "Essai de l’API (démo)"
DEMO_KEY_FILE = "demo-api-key"


def _at(day, hour=10):
    return paris_midnight(day) + datetime.timedelta(hours=hour)


def _backdate(obj, **fields):
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    for name, value in fields.items():
        setattr(obj, name, value)


def _backdate_events(obj, verb, moment):
    from django.contrib.contenttypes.models import ContentType

    from portal.audit.models import AuditEvent

    AuditEvent.objects.filter(
        verb=verb,
        target_type=ContentType.objects.get_for_model(obj),
        target_id=str(obj.pk),
    ).update(created_at=moment)


def _usage(key, first, last, base):
    """Requests per day of ``key`` from ``first`` to ``last`` (Paris days,
    both included), busier on weekdays."""
    from .models import ApiKeyUsage

    days = []
    day = first
    while day <= last:
        days.append(day)
        day += datetime.timedelta(days=1)
    ApiKeyUsage.objects.bulk_create(
        [
            ApiKeyUsage(
                key=key,
                day=day,
                requests=(base if day.weekday() < 5 else base // 3)
                + 37 * (day.day % 9),
            )
            for day in days
        ],
        ignore_conflicts=True,
    )


def _datasets_of(project):
    slugs = set(
        project.application.requested_datasets.values_list("dataset__slug", flat=True)
    )
    if project.name == DEMO_GRANT_PROJECT or not slugs:
        slugs = set(DEMO_GRANT_DATASETS)
    return list(Dataset.objects.filter(slug__in=slugs))


def _lead(project):
    from applications.enums import TeamRole

    lead = (
        project.application.team.filter(role=TeamRole.LEAD)
        .select_related("user")
        .first()
    )
    return lead.user if lead else None


def seed_data_access(*, accounts, days, stdout):
    """Seed charters, grants, keys and usage for the Projects of ami-1 that
    have no grant yet, then issue (or reuse) the demo key and print it."""
    from applications.models import Project

    from .charter import charter_in_force, sign_charter
    from .models import CharterSignature, DataGrant
    from .services import (
        grant_data_access,
        issue_api_key,
        revoke_api_key,
        rotate_api_key,
    )

    charter = charter_in_force()
    organiser = (accounts.get("organisers") or [None])[0]
    today = paris_day(timezone.now())
    yesterday = today - datetime.timedelta(days=1)
    projects = list(
        Project.objects.active()
        .filter(application__call__slug="ami-1")
        .select_related("application")
        .order_by("name", "pk")
    )
    # The demo project first: it holds the rotated and the revoked keys.
    projects.sort(key=lambda p: p.name != DEMO_GRANT_PROJECT)
    for index, project in enumerate(projects):
        lead = _lead(project)
        if lead is None or charter is None:
            continue
        if DataGrant.objects.filter(project=project).exists():
            continue
        retained_on = paris_day(project.created_at)
        last_project = index == len(projects) - 1 and len(projects) > 1
        # Grants made some weeks ago (never before the Project existed).
        granted_on = max(
            retained_on + datetime.timedelta(days=5),
            today - datetime.timedelta(days=(56, 340, 30, 20, 12)[index % 5]),
        )
        signed_on = granted_on - datetime.timedelta(days=2)
        if not CharterSignature.objects.filter(charter=charter, project=project):
            signature = sign_charter(
                project,
                charter=charter,
                signer=lead,
                signer_name=lead.full_name or lead.email,
            )
            _backdate(signature, signed_at=_at(signed_on, 11))
            _backdate_events(signature, "charter.signed", _at(signed_on, 11))
        # One grant ends in 25 days (reminders), the others after a year.
        if index == 1:
            ends_on = today + datetime.timedelta(days=25)
        else:
            ends_on = granted_on + datetime.timedelta(days=365)
        from .grants import experiment_ends_on

        ends_on = min(ends_on, experiment_ends_on())
        grant = grant_data_access(
            project,
            holder=lead,
            datasets=_datasets_of(project),
            expires_at=paris_midnight(ends_on + datetime.timedelta(days=1)),
            actor=organiser,
        )
        _backdate(grant, created_at=_at(granted_on, 9))
        _backdate_events(grant, "data_grant.created", _at(granted_on, 9))
        if last_project:
            # This team has a grant but has not signed the charter in force:
            # its page asks for the signature before any key.
            CharterSignature.objects.filter(project=project).delete()
            continue
        if index == 0:
            _seed_demo_project_keys(
                grant,
                lead,
                granted_on,
                yesterday,
                issue_api_key,
                rotate_api_key,
                revoke_api_key,
            )
        elif index == 2:
            # A key the team gave an end of its own, in 5 days.
            created_on = granted_on + datetime.timedelta(days=1)
            key, _token = issue_api_key(
                grant,
                name="Capteurs des vitrines",
                actor=lead,
                expires_at=paris_midnight(today + datetime.timedelta(days=6)),
            )
            _backdate(key, created_at=_at(created_on), last_used_at=_at(yesterday, 22))
            _backdate_events(key, "api_key.issued", _at(created_on))
            _usage(key, created_on, yesterday, 800)
        elif index in (1, 3):
            created_on = granted_on + datetime.timedelta(days=1)
            key, _token = issue_api_key(grant, name="Tableau de bord", actor=lead)
            _backdate(key, created_at=_at(created_on), last_used_at=_at(yesterday, 21))
            _backdate_events(key, "api_key.issued", _at(created_on))
            # Weeks of use, at most the last 8 weeks of it.
            first = max(created_on, today - datetime.timedelta(days=56))
            _usage(key, first, yesterday, 1200)
    _print_demo_key(stdout)


def _seed_demo_project_keys(grant, lead, granted_on, yesterday, issue, rotate, revoke):
    """The demo project's keys: a prototype key rotated two weeks ago (the
    old one stopped the next day), a test key revoked, each used while it
    worked."""
    first_on = granted_on + datetime.timedelta(days=1)
    old, _token = issue(grant, name="Prototype (carte du bruit)", actor=lead)
    _backdate(old, created_at=_at(first_on))
    _backdate_events(old, "api_key.issued", _at(first_on))
    rotated_on = yesterday - datetime.timedelta(days=13)
    new, _token = rotate(old, actor=lead)
    _backdate(old, expires_at=_at(rotated_on + datetime.timedelta(days=1)))
    _backdate(new, created_at=_at(rotated_on), last_used_at=_at(yesterday, 23))
    _backdate_events(old, "api_key.rotated", _at(rotated_on))
    _backdate_events(new, "api_key.issued", _at(rotated_on))
    _backdate(old, last_used_at=_at(rotated_on + datetime.timedelta(days=1), 9))
    _usage(old, first_on, rotated_on, 1900)
    _usage(new, rotated_on + datetime.timedelta(days=1), yesterday, 1900)
    test_on = first_on + datetime.timedelta(days=10)
    revoked_on = test_on + datetime.timedelta(days=15)
    test, _token = issue(grant, name="Portable de test", actor=lead)
    revoke(test, actor=lead)
    _backdate(
        test,
        created_at=_at(test_on),
        revoked_at=_at(revoked_on, 16),
        last_used_at=_at(revoked_on, 15),
    )
    _backdate_events(test, "api_key.issued", _at(test_on))
    _backdate_events(test, "api_key.revoked", _at(revoked_on, 16))
    _usage(test, test_on, revoked_on, 150)


def _print_demo_key(stdout):
    """Issue the demo key on the demo project's grant (or reuse the one kept
    in ``var/``, if it still works) and print it."""
    from . import keys
    from .models import ApiKey, DataGrant
    from .services import issue_api_key

    path = settings.VAR_DIR / DEMO_KEY_FILE
    token = path.read_text().strip() if path.exists() else ""
    if token and keys.is_well_formed(token):
        alive = ApiKey.objects.filter(
            Q(expires_at__gt=timezone.now()),
            digest=keys.digest_of(token),
            revoked_at__isnull=True,
        ).exists()
        if alive:
            _write_demo_key(stdout, token)
            return
    grant = (
        DataGrant.objects.active()
        .filter(project__name=DEMO_GRANT_PROJECT, suspended_at__isnull=True)
        .select_related("holder")
        .first()
    )
    if grant is None:
        return
    try:
        _key, token = issue_api_key(grant, name=DEMO_KEY_NAME, actor=grant.holder)
    except ValidationError as error:  # the seed goes on without a key
        stdout.write(f"No demo API key: {' '.join(error.messages)}")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(token + "\n")
    path.chmod(0o600)
    _write_demo_key(stdout, token)


def _write_demo_key(stdout, token):
    """Print the demo key and a curl call that returns yesterday's data."""
    today = paris_day(timezone.now())
    query = (
        "sensor=PED-001&metric=pedestrians_in&interval=15min"
        f"&start={today - datetime.timedelta(days=1)}&end={today}"
    )
    stdout.write(f"Demo API key (kept in var/{DEMO_KEY_FILE}, shown once): {token}")
    stdout.write(
        f'Try: curl -H "Authorization: Bearer {token}" '
        f'"http://localhost:8000/api/v1/readings/?{query}"'
    )
