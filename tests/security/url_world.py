"""The world of the URL x role matrix (tests/security/test_url_matrix.py) and
the machinery that walks every URL pattern, fills its arguments and asks.

The world is the demo (``seed_demo``, one day of readings: two waves of the
call, their juries with conflicts, workshops, two DemoDays, Projects with
grants and keys) plus a few rows that give each role exactly one reason to be
there: a resident with no team, a facilitator of one workshop, second factors
for the roles that need them, a draft the team member may edit.

Every request runs in a savepoint rolled back afterwards, so one world serves
the whole module whatever the allowed roles' POSTs do.
"""

import copy
import io
import re
import uuid
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .url_table import ROLES

LOGIN_PATHS = ("/comptes/login/", "/en/comptes/login/")
MFA_PATHS = ("/comptes/2fa/totp/activate/", "/en/comptes/2fa/totp/activate/")
# Tables that a request may write whoever asks (the session of a signed-in
# client, allauth's rate-limit bookkeeping) and the sensor readings, which no
# page writes and which are too big to hash on every request.
UNHASHED_TABLES = {"accounts_session", "django_session"}
COUNTED_ONLY = ("datasets_reading", "datasets_hourlyrollup", "datasets_dailyrollup")


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", as reverse() takes it
    route: str  # for messages
    kwarg_names: tuple
    i18n: bool  # under i18n_patterns: also answers under /en/
    methods: tuple  # the methods tried


def walk_patterns():
    """Every named URL pattern of the project, once (its French form)."""
    found = {}

    def walk(resolver, route, namespaces, i18n):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespaces + ((entry.namespace,) if entry.namespace else ())
                is_i18n = i18n or type(entry.pattern).__name__ == "LocalePrefixPattern"
                walk(entry, route + str(entry.pattern), inner, is_i18n)
            elif isinstance(entry, URLPattern):
                name = ":".join(namespaces + (entry.name or "",))
                if not entry.name:
                    name = ":".join(namespaces + (f"<unnamed {route}{entry.pattern}>",))
                if name in found:
                    continue
                kwargs = tuple(entry.pattern.regex.groupindex)
                found[name] = Pattern(
                    name=name,
                    route=route + str(entry.pattern),
                    kwarg_names=kwargs,
                    i18n=i18n,
                    methods=methods_of(entry.callback),
                )

    walk(get_resolver(), "", (), False)
    return found


def methods_of(callback):
    """GET and POST for every view; PUT, PATCH and DELETE as well where a
    class-based view routes them (the API is read-only: they answer 405)."""
    methods = ["GET", "POST"]
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        for method in ("put", "patch", "delete"):
            if hasattr(view_class, method):
                methods.append(method.upper())
    return tuple(methods)


def build_world():
    """Seed the demo and add the role-defining rows; return the world."""
    from allauth.mfa.models import Authenticator

    from applications.jury.models import Conflict, JuryMembership
    from applications.models import Application, Attachment, TeamInvitation, TeamMember
    from datasets.access.models import ApiKey, DataGrant
    from datasets.models import Dataset, Feedback, IngestionRun, Sensor, Street
    from portal.accounts.models import OrganiserRole, User
    from tests.applications.factories import BLANK_PDF
    from tests.conftest import make_user
    from workshops.enums import Visibility
    from workshops.models import (
        CalendarFeed,
        Certificate,
        CertificateRun,
        DemoDay,
        DemoDayJuror,
        FacilitatorBooking,
        FollowUpAction,
        Material,
        ProjectInvitation,
        Registration,
        Room,
        Workshop,
    )

    debug = settings.DEBUG
    settings.DEBUG = True  # seed_demo refuses to run without it
    try:
        call_command("seed_demo", days=1, stdout=io.StringIO())
    finally:
        settings.DEBUG = debug

    w = SimpleNamespace()
    by_email = User.objects.get
    w.users = {
        "anonymous": None,
        "resident": make_user("resident@acl.example.org", full_name="Rose Habitante"),
        "other_holder": by_email(email="porteur03@demo.openbatignolles.fr"),
        "member": by_email(email="porteur01@demo.openbatignolles.fr"),
        "juror": by_email(email="jury.mairie@demo.openbatignolles.fr"),
        "conflicted_juror": by_email(email="jury.parisandco@demo.openbatignolles.fr"),
        "organiser": OrganiserRole.objects.select_related("user").first().user,
        "facilitator": make_user("animatrice@acl.example.org", full_name="Ana Anim"),
    }
    for role in ("juror", "conflicted_juror", "organiser"):
        Authenticator.objects.create(
            user=w.users[role],
            type=Authenticator.Type.TOTP,
            data={"secret": "not-used-by-these-tests"},
        )

    # Application A (first wave, retained, Project with a grant and keys):
    # the member leads it, the other holder leads application B.
    w.application = Application.objects.get(reference="AMI1-0001")
    w.call = w.application.call
    w.other_application = Application.objects.get(reference="AMI1-0002")
    # A draft of the second wave the member may still edit.
    w.draft = Application.objects.get(reference="AMI2-0012")
    TeamMember.objects.create(application=w.draft, user=w.users["member"])
    w.draft_attachment = Attachment.objects.filter(application=w.draft).first()
    w.attachment = Attachment.objects.filter(application=w.application).first()
    # The demo's rows name files the test storage does not hold: write them.
    for attachment in Attachment.objects.filter(application=w.application):
        if not attachment.file.storage.exists(attachment.file.name):
            attachment.file.storage.save(attachment.file.name, ContentFile(BLANK_PDF))
    w.team_member = (
        TeamMember.objects.filter(application=w.draft)
        .exclude(user=w.users["member"])
        .first()
    )
    w.team_invitation = TeamInvitation.objects.create(
        application=w.draft,
        email="invitee@acl.example.org",
        invited_by=w.users["member"],
    )
    # The conflicted juror's conflict on A is confirmed, and so binding.
    w.conflict = Conflict.objects.get(
        membership__user=w.users["conflicted_juror"], application=w.application
    )
    Conflict.objects.filter(pk=w.conflict.pk).update(status="confirmed")
    w.membership = JuryMembership.objects.get(user=w.users["juror"], call=w.call)

    w.project = w.application.project
    w.grant = DataGrant.objects.filter(project=w.project).first()
    w.key = ApiKey.objects.filter(grant=w.grant).first()
    w.other_key = ApiKey.objects.exclude(grant=w.grant).first()

    w.workshop = Workshop.objects.get(slug="2025-decouvrir-donnees-dtpr")
    FacilitatorBooking.objects.create(
        workshop=w.workshop,
        facilitator=w.users["facilitator"],
        starts_at=w.workshop.starts_at,
        ends_at=w.workshop.ends_at,
    )
    w.demoday = DemoDay.objects.get(slug="demoday-2026-02")
    w.demoday_session = Workshop.objects.filter(demoday=w.demoday).first()
    w.demoday_juror = DemoDayJuror.objects.filter(demoday=w.demoday).first()
    w.registration = Registration.objects.get(
        workshop=w.workshop, user=w.users["member"]
    )
    w.project_invitation = ProjectInvitation.objects.get(
        workshop=w.workshop, project=w.project
    )
    w.action = FollowUpAction.objects.filter(project=w.project).first()
    w.certificate = Certificate.objects.filter(
        registration__user=w.users["member"]
    ).first()
    w.certificate_run = CertificateRun.objects.filter(workshop=w.workshop).first()
    w.feed = CalendarFeed.objects.create(user=w.users["member"])
    w.room = Room.objects.order_by("pk").first()
    # A support published to the workshop's participants, with its file.
    w.material = Material.objects.create(
        workshop=w.workshop,
        title="Support de l'atelier",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="support.pdf"),
        original_name="support.pdf",
        size=15,
        sha256="0" * 64,
        visibility=Visibility.PARTICIPANTS,
    )

    w.dataset = Dataset.objects.get(slug="pedestrian-flows")
    w.sensor = Sensor.objects.order_by("code").first()
    w.street = Street.objects.order_by("slug").first()
    w.feedback = Feedback.objects.order_by("pk").first()
    w.ingestion_run = IngestionRun.objects.order_by("pk").first()
    from portal.outbox.models import OutgoingEmail

    w.mail = OutgoingEmail.objects.order_by("pk").first()
    return w


# What each URL argument is, by argument name, unless the table's KWARGS says
# otherwise for a pattern. Values are attribute paths into the world, or
# literals (prefixed with "=").
DEFAULT_KWARGS = {
    "reference": "application.reference",
    "slug": "call.slug",
    "number": "=1",
    "attachment_id": "attachment.pk",
    "member_id": "team_member.pk",
    "invitation_id": "team_invitation.pk",
    "membership_id": "membership.pk",
    "template_slug": "=invitation-atelier",
    "token": "=" + str(uuid.UUID(int=1)),
    "code": "sensor.code",
    "pk": "=999999",
    "project_slug": "project.slug",
    "session_slug": "demoday_session.slug",
    "key": "=MTE:1abcde:not-a-key",
    "uidb36": "=1",
    "object_id": "=1",
    "app_label": "=applications",
}


def resolve_kwargs(pattern, world, overrides):
    values = {}
    for name in pattern.kwarg_names:
        spec = overrides.get(name, DEFAULT_KWARGS.get(name, "=1"))
        if spec.startswith("="):
            values[name] = spec[1:]
            continue
        value = world
        for part in spec.split("."):
            value = getattr(value, part) if value is not None else None
        values[name] = "999999" if value is None else str(value)
    return values


def url_of(pattern, world, overrides, *, language=None):
    from django.utils import translation

    if "<unnamed " in pattern.name:
        # Nothing to reverse (the admin's redirects): fill the route itself.
        path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", pattern.route)
        path = re.sub(r"<[^>]+>", "1", path).replace("^", "").replace("$", "")
        return ("/en/" if language == "en" else "/") + path
    with translation.override(language or "fr"):
        return reverse(pattern.name, kwargs=resolve_kwargs(pattern, world, overrides))


def clients(world):
    """One signed-in client per role (anonymous: none)."""
    made = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        made[role] = client
    return made


def classify(response):
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        if location.startswith(LOGIN_PATHS):
            return "login"
        if location.startswith(MFA_PATHS):
            return "mfa"
        return "302"
    return str(status)


_FINGERPRINT_SQL = []


def _fingerprint_sql(cursor):
    if _FINGERPRINT_SQL:
        return _FINGERPRINT_SQL[0]
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    )
    tables = sorted(
        name for (name,) in cursor.fetchall() if name not in UNHASHED_TABLES
    )
    parts = []
    for name in tables:
        quoted = connection.ops.quote_name(name)
        if name in COUNTED_ONLY:
            parts.append(f"SELECT '{name}', count(*)::text FROM {quoted}")
        else:
            parts.append(
                f"SELECT '{name}', count(*)::text || ':' || "
                f"coalesce(sum(hashtext(t::text)::bigint), 0)::text "
                f"FROM {quoted} t"
            )
    _FINGERPRINT_SQL.append(" UNION ALL ".join(parts))
    return _FINGERPRINT_SQL[0]


def fingerprint():
    """Rows of every table of the project, as one comparable value (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(cursor))
        return dict(cursor.fetchall())


def ask(client, method, url, *, baseline=None):
    """The outcome of one request, and the tables it changed compared with
    ``baseline`` (the world's fingerprint: every request is rolled back, so
    the world before any request is the world before this one)."""
    cookies = copy.deepcopy(client.cookies)  # a logout must not end the role
    cache.clear()  # each request starts below every rate limit
    with transaction.atomic():
        response = getattr(client, method.lower())(url)
        client.cookies = cookies
        outcome = classify(response)
        changed = []
        if baseline is not None:
            after = fingerprint()
            changed = sorted(t for t in after if after[t] != baseline.get(t))
        body_is_json = response.get("Content-Type", "").startswith(
            ("application/json", "application/problem+json", "application/vnd.oai")
        )
        transaction.set_rollback(True)
    return outcome, changed, body_is_json
