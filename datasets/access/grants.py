"""The life of a grant after it is made: its bounds (the experiment's end,
the limits), suspension, the options of a new key, and the emails that tell
the team (made, changed, suspended, resumed, key created, ending soon).

Emails go through the outbox with a key naming the grant or key, the event
and the person, so each is sent once however often a service or the beat
task runs.
"""

import datetime
import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from datasets.rollups import paris_midnight
from portal.audit.services import record_event
from portal.outbox.enums import EmailKind
from portal.outbox.services import one_line, queue_email

from . import keys
from .enums import EXPIRY_REMINDER_DAYS, GrantEmail
from .models import ApiKey, DataGrant

MAX_REQUESTS_PER_MINUTE = 100_000
MAX_REQUESTS_PER_DAY = 100_000_000
MAX_NETWORKS_PER_KEY = 20


def experiment_ends_on():
    """The last day (Paris) of the experiment: ``PORTAL_EXPERIMENT_ENDS_ON``."""
    value = settings.PORTAL_EXPERIMENT_ENDS_ON
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def latest_end():
    """The latest instant any grant or key may run to: the midnight after the
    experiment's last day."""
    return paris_midnight(experiment_ends_on() + datetime.timedelta(days=1))


def check_limits(requests_per_minute, requests_per_day):
    """Refuse limits that are not whole numbers between 1 and the maxima, or
    a daily limit below the per-minute one."""
    for value, highest in (
        (requests_per_minute, MAX_REQUESTS_PER_MINUTE),
        (requests_per_day, MAX_REQUESTS_PER_DAY),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(_("A limit is a whole number of requests."))
        if not 1 <= value <= highest:
            raise ValidationError(
                _("A limit lies between 1 and %(highest)s requests.")
                % {"highest": formats.number_format(highest, force_grouping=True)}
            )
    if requests_per_day < requests_per_minute:
        raise ValidationError(
            _("The daily limit cannot be lower than the per-minute limit.")
        )


def parse_networks(text):
    """The CIDR ranges of ``text`` (one per line, or separated by commas or
    spaces), normalised (``192.0.2.7/24`` becomes ``192.0.2.0/24``); raise
    ``ValidationError`` naming the first value that is not a range."""
    if isinstance(text, (list, tuple)):
        values = [str(value) for value in text]
    else:
        values = str(text or "").replace(",", " ").split()
    if len(values) > MAX_NETWORKS_PER_KEY:
        raise ValidationError(
            _("%(count)s address ranges at most.") % {"count": MAX_NETWORKS_PER_KEY}
        )
    networks = []
    for value in values:
        if len(value) > 43:
            raise ValidationError(
                _("“%(value)s…” is not an IP address range.") % {"value": value[:43]}
            )
        try:
            network = ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not an IP address range (such as 192.0.2.0/24).")
                % {"value": value}
            ) from None
        if str(network) not in networks:
            networks.append(str(network))
    return networks


def check_key_options(grant, *, datasets, expires_at, networks):
    """Check the options of a new key on ``grant``; return ``(datasets,
    networks)`` normalised. Raises ``ValidationError`` for a dataset outside
    the grant, an end not sooner than the grant's or in the past, or a
    malformed address range."""
    datasets = list(datasets or ())
    allowed = set(grant.datasets.values_list("pk", flat=True))
    if any(dataset.pk not in allowed for dataset in datasets):
        raise ValidationError(_("A key reads only datasets of its access."))
    if expires_at is not None:
        if expires_at <= timezone.now():
            raise ValidationError(_("The end of the key must be in the future."))
        if expires_at > grant.expires_at:
            raise ValidationError(
                _("A key ends on %(date)s at the latest, with its access.")
                % {"date": formats.date_format(grant.ends_on)}
            )
    return datasets, parse_networks(networks)


def suspend_data_grant(grant, *, reason, actor):
    """Suspend ``grant``: its keys are refused from the next request until
    ``lift_grant_suspension``. ``reason`` is required, kept, and emailed to
    the team. Raises ``ValidationError`` for a grant revoked, ended or
    already suspended. Writes ``data_grant.suspended``."""
    reason = (reason or "").strip()[:500]
    if not reason:
        raise ValidationError(_("Give the reason for the suspension."))
    now = timezone.now()
    with transaction.atomic():
        grant = DataGrant.objects.select_for_update().get(pk=grant.pk)
        if not grant.is_active(now):
            raise ValidationError(_("This access has ended."))
        if grant.suspended_at is not None:
            raise ValidationError(_("This access is already suspended."))
        grant.suspended_at = now
        grant.suspend_reason = reason
        grant.save(update_fields=["suspended_at", "suspend_reason"])
        keys.forget(grant.keys.values_list("digest", flat=True))
        event = record_event(
            "data_grant.suspended", actor=actor, target=grant, data={"reason": reason}
        )
        queue_grant_email(grant, GrantEmail.SUSPENDED, once=str(event.pk))
    return grant


def lift_grant_suspension(grant, *, actor):
    """Lift the suspension of ``grant``: its keys work again at once. Raises
    ``ValidationError`` for a grant that is not suspended. Writes
    ``data_grant.resumed`` and emails the team."""
    with transaction.atomic():
        grant = DataGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.suspended_at is None:
            raise ValidationError(_("This access is not suspended."))
        if grant.revoked_at is not None:
            raise ValidationError(_("This access was revoked."))
        grant.suspended_at = None
        grant.suspend_reason = ""
        grant.save(update_fields=["suspended_at", "suspend_reason"])
        keys.forget(grant.keys.values_list("digest", flat=True))
        event = record_event("data_grant.resumed", actor=actor, target=grant)
        queue_grant_email(grant, GrantEmail.RESUMED, once=str(event.pk))
    return grant


def queue_grant_email(grant, event, *, once="", **extra):
    """Queue the ``event`` email of ``grant`` to its team (see
    ``services._queue_grant_emails``)."""
    from .services import _queue_grant_emails

    _queue_grant_emails(grant, event, once=once, **extra)


def queue_key_email(key, event, *, once="", **extra):
    """Queue the ``event`` email of ``key`` (``created`` or ``expiring``) to
    its grant's team, each in their language, through the outbox, keyed by
    key, event and person. The email names the key by its name and prefix,
    never its secret."""
    from .selectors import grant_email_recipients

    grant = key.grant
    for person in grant_email_recipients(grant):
        language = (person.language or settings.LANGUAGE_CODE)[:2]
        with translation.override(language):
            context = {
                "key": key,
                "grant": grant,
                "project": grant.project_name,
                "ends_on": key.ends_on,
                "url": settings.SITE_URL + reverse("access:access_list"),
                **extra,
            }
            subject = render_to_string(f"email/api_key_{event}_subject.txt", context)
            body = render_to_string(f"email/api_key_{event}_body.txt", context)
        queue_email(
            key=f"api-key:{key.pk}:{event}:{once}:{person.pk}",
            kind=EmailKind.API_KEY,
            to=person.email,
            subject=one_line(subject),
            body=body,
            language=language,
            about=grant.project_name,
        )


def send_expiry_reminders(*, now=None):
    """Email each team 30 and 7 days before its grant ends, and before a key
    ends sooner than its grant (keys already replaced or revoked excepted).
    Return the number of reminders considered. Safe to run any number of
    times: the outbox key names the end date and the number of days, so each
    reminder goes once (and again after a renewal, for the new end)."""
    now = now or timezone.now()
    count = 0
    for days in EXPIRY_REMINDER_DAYS:
        # Due: ending within ``days`` days, and made long enough before its
        # end for this reminder to mean something.
        horizon = now + datetime.timedelta(days=days)
        shorter = [d for d in EXPIRY_REMINDER_DAYS if d < days]
        floor = now + datetime.timedelta(days=max(shorter)) if shorter else now
        grants = (
            DataGrant.objects.filter(
                revoked_at__isnull=True,
                expires_at__gt=floor,
                expires_at__lte=horizon,
                created_at__lt=models_f_minus("expires_at", days),
            )
            .select_related("project", "holder")
            .order_by("pk")
        )
        for grant in grants:
            queue_grant_email(
                grant,
                GrantEmail.EXPIRING,
                once=f"{days}d:{grant.ends_on.isoformat()}",
                days=days,
            )
            count += 1
        api_keys = (
            ApiKey.objects.filter(
                revoked_at__isnull=True,
                replaced_by__isnull=True,
                grant__revoked_at__isnull=True,
                expires_at__gt=floor,
                expires_at__lte=horizon,
                expires_at__lt=models_f_minus("grant__expires_at", 0),
                created_at__lt=models_f_minus("expires_at", days),
            )
            .select_related("grant__project", "grant__holder")
            .order_by("pk")
        )
        for key in api_keys:
            queue_key_email(
                key, "expiring", once=f"{days}d:{key.ends_on.isoformat()}", days=days
            )
            count += 1
    return count


def models_f_minus(field, days):
    from django.db.models import F

    return F(field) - datetime.timedelta(days=days)
