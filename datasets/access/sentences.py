"""The audit trail of data access in words: one sentence per event, in the
reader's language, never an event code; and its back-office filters.

Sentences are written when the page is read (``gettext`` at that moment), so
each organiser reads them in their own language.
"""

import datetime

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datasets.rollups import paris_midnight
from portal.audit.models import AuditEvent

from .models import PARIS, ApiKey, CharterSignature, DataGrant

KIND_CHOICES = [
    ("data_grant.created", gettext_lazy("Access granted")),
    ("data_grant.changed", gettext_lazy("Access changed (renewed, narrowed…)")),
    ("data_grant.suspended", gettext_lazy("Access suspended")),
    ("data_grant.resumed", gettext_lazy("Suspension lifted")),
    ("data_grant.revoked", gettext_lazy("Access revoked")),
    ("api_key.issued", gettext_lazy("Key created")),
    ("api_key.rotated", gettext_lazy("Key replaced")),
    ("api_key.revoked", gettext_lazy("Key revoked")),
    ("api_key.reported", gettext_lazy("Key reported as leaked")),
    ("charter.signed", gettext_lazy("Charter signed")),
]


def _day(iso):
    """The last Paris day of access ending at the instant ``iso``."""
    try:
        moment = datetime.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return "?"
    last = timezone.localtime(moment - datetime.timedelta(microseconds=1), PARIS)
    return formats.date_format(last.date())


def _datasets(slugs):
    return ", ".join(slugs or ()) or "—"


def _change_words(event):
    after = event.after or {}
    words = []
    for change in (event.data or {}).get("changes", ()):
        if change == "renewed":
            words.append(
                _("renewed until the end of %(date)s")
                % {"date": _day(after.get("expires_at"))}
            )
        elif change == "shortened":
            words.append(
                _("shortened to the end of %(date)s")
                % {"date": _day(after.get("expires_at"))}
            )
        elif change == "narrowed":
            words.append(
                _("narrowed to %(datasets)s")
                % {"datasets": _datasets(after.get("datasets"))}
            )
        elif change == "widened":
            words.append(
                _("widened to %(datasets)s")
                % {"datasets": _datasets(after.get("datasets"))}
            )
        elif change == "limits":
            words.append(
                _("limits set to %(minute)s requests per minute and %(day)s per day")
                % {
                    "minute": after.get("requests_per_minute"),
                    "day": after.get("requests_per_day"),
                }
            )
    if not words:
        words.append(
            _("datasets %(datasets)s, until the end of %(date)s")
            % {
                "datasets": _datasets(after.get("datasets")),
                "date": _day(after.get("expires_at")),
            }
        )
    return "; ".join(words)


def sentence(event, *, project, key=None):
    """``event`` in one sentence; ``project`` and ``key`` name its subject."""
    data = event.data or {}
    who = event.actor.display_name if event.actor else _("The portal")
    values = {
        "who": who,
        "project": project or "—",
        "name": data.get("name") or (key.name if key else "—"),
        "prefix": data.get("prefix") or (key.prefix if key else "—"),
    }
    verb = event.verb
    if verb == "data_grant.created":
        after = event.after or {}
        values.update(
            datasets=_datasets(after.get("datasets")),
            date=_day(after.get("expires_at")),
        )
        return (
            _(
                "%(who)s granted %(project)s access to %(datasets)s until the end "
                "of %(date)s."
            )
            % values
        )
    if verb == "data_grant.changed":
        values["changes"] = _change_words(event)
        return _("%(who)s changed the access of %(project)s: %(changes)s.") % values
    if verb == "data_grant.suspended":
        values["reason"] = data.get("reason") or "—"
        return (
            _("%(who)s suspended the access of %(project)s. Reason: %(reason)s")
            % values
        )
    if verb == "data_grant.resumed":
        return _("%(who)s lifted the suspension of the access of %(project)s.") % values
    if verb == "data_grant.revoked":
        values["reason"] = data.get("reason") or "—"
        values["count"] = data.get("keys_revoked", 0)
        return (
            _(
                "%(who)s revoked the access of %(project)s; active keys revoked "
                "with it: %(count)s. Reason: %(reason)s"
            )
            % values
        )
    if verb == "data_grant.holder_notified":
        return _("The team of %(project)s was told of its access by email.") % values
    if verb == "api_key.issued":
        return (
            _("%(who)s created the key “%(name)s” (%(prefix)s) of %(project)s.")
            % values
        )
    if verb == "api_key.rotated":
        values.update(
            new_prefix=data.get("new_prefix") or "—",
            date=_day(data.get("old_expires_at")),
        )
        return (
            _(
                "%(who)s replaced the key %(prefix)s of %(project)s by "
                "%(new_prefix)s; the old key works until %(date)s."
            )
            % values
        )
    if verb == "api_key.revoked":
        return (
            _("%(who)s revoked the key “%(name)s” (%(prefix)s) of %(project)s.")
            % values
        )
    if verb == "api_key.reported":
        return (
            _(
                "The key %(prefix)s of %(project)s was reported as leaked and "
                "revoked at once."
            )
            % values
        )
    if verb == "charter.signed":
        values["version"] = data.get("version") or "—"
        return (
            _("%(who)s signed version %(version)s of the data charter for %(project)s.")
            % values
        )
    return _("%(who)s changed the data access of %(project)s.") % values


def describe_events(events):
    """Give each of ``events`` (audit events of grants, keys and charter
    signatures, actors selected) a ``sentence`` and a ``project``; two
    queries for any number of events. Return the list."""
    events = list(events)
    types = ContentType.objects.get_for_models(DataGrant, ApiKey, CharterSignature)
    ids = {model: set() for model in types}
    for event in events:
        for model, content_type in types.items():
            if event.target_type_id == content_type.pk:
                ids[model].add(event.target_id)
    grants = {
        str(grant.pk): grant
        for grant in DataGrant.objects.filter(
            pk__in=_ints(ids[DataGrant])
        ).select_related("project")
    }
    api_keys = {
        str(key.pk): key
        for key in ApiKey.objects.filter(pk__in=_ints(ids[ApiKey])).select_related(
            "grant__project"
        )
    }
    signatures = (
        {
            str(signature.pk): signature
            for signature in CharterSignature.objects.filter(
                pk__in=_ints(ids[CharterSignature])
            ).select_related("project")
        }
        if ids[CharterSignature]
        else {}
    )
    for event in events:
        key = None
        project = ""
        if event.target_type_id == types[DataGrant].pk:
            grant = grants.get(event.target_id)
            project = grant.project_name if grant else ""
        elif event.target_type_id == types[ApiKey].pk:
            key = api_keys.get(event.target_id)
            project = key.grant.project_name if key else ""
        elif event.target_type_id == types[CharterSignature].pk:
            signature = signatures.get(event.target_id)
            project = signature.project.name if signature else ""
        event.project = project
        event.sentence = sentence(event, project=project, key=key)
    return events


def _ints(values):
    return [int(value) for value in values if str(value).isdigit()]


def access_events():
    """Every audit event of a grant, a key or a charter signature, newest
    first, with its actor."""
    types = ContentType.objects.get_for_models(DataGrant, ApiKey, CharterSignature)
    return (
        AuditEvent.objects.filter(target_type__in=list(types.values()))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


class AccessJournalFilter(django_filters.FilterSet):
    """The organisers' filters of the audit trail of data access."""

    project = django_filters.ModelChoiceFilter(
        queryset=None,
        method="filter_project",
        label=gettext_lazy("Project"),
        empty_label=gettext_lazy("All"),
    )
    key = django_filters.CharFilter(
        method="filter_key",
        label=gettext_lazy("Key (its identifier, such as 1a2b3c4d)"),
        max_length=40,
    )
    kind = django_filters.ChoiceFilter(
        choices=KIND_CHOICES,
        field_name="verb",
        label=gettext_lazy("Event"),
        empty_label=gettext_lazy("All"),
    )
    since = django_filters.DateFilter(
        method="filter_since",
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        method="filter_until",
        label=gettext_lazy("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = []

    def __init__(self, *args, **kwargs):
        from applications.models import Project

        super().__init__(*args, **kwargs)
        self.filters["project"].queryset = (
            Project.objects.filter(
                Q(data_grants__isnull=False) | Q(charter_signatures__isnull=False)
            )
            .distinct()
            .order_by("name")
        )

    def filter_project(self, queryset, name, project):
        types = ContentType.objects.get_for_models(DataGrant, ApiKey, CharterSignature)
        grant_ids = list(project.data_grants.values_list("pk", flat=True))
        key_ids = ApiKey.objects.filter(grant_id__in=grant_ids).values_list(
            "pk", flat=True
        )
        signature_ids = project.charter_signatures.values_list("pk", flat=True)
        return queryset.filter(
            Q(target_type=types[DataGrant], target_id__in=[str(i) for i in grant_ids])
            | Q(target_type=types[ApiKey], target_id__in=[str(i) for i in key_ids])
            | Q(
                target_type=types[CharterSignature],
                target_id__in=[str(i) for i in signature_ids],
            )
        )

    def filter_key(self, queryset, name, value):
        value = value.strip().removeprefix("obk_").split("_")[0].lower()
        if not value:
            return queryset
        key_type = ContentType.objects.get_for_model(ApiKey)
        key_ids = ApiKey.objects.filter(prefix=value).values_list("pk", flat=True)
        return queryset.filter(
            target_type=key_type, target_id__in=[str(i) for i in key_ids]
        )

    def filter_since(self, queryset, name, value):
        if value.year < 2000:
            return queryset
        return queryset.filter(created_at__gte=paris_midnight(value))

    def filter_until(self, queryset, name, value):
        if value.year >= 9999:
            return queryset
        return queryset.filter(
            created_at__lt=paris_midnight(value + datetime.timedelta(days=1))
        )


def journal_for_backoffice(params):
    """The bound ``AccessJournalFilter`` over ``access_events()``."""
    return AccessJournalFilter(params, queryset=access_events())
