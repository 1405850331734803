"""The organisers' back office of data access (/gestion/donnees/acces/).

``BackOfficeMFAMiddleware`` already turned away users without a back-office
role and required two-factor authentication; each view here also requires the
organiser role (a jury member gets 403).
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from datasets.rollups import paris_day
from portal.accounts.permissions import organiser_required

from . import metering, selectors, services
from .forms import GrantForm, GrantTermsForm, RevokeGrantForm, SuspendGrantForm
from .grants import experiment_ends_on, lift_grant_suspension, suspend_data_grant
from .sentences import describe_events

PAGE_SIZE = 25


@require_GET
@organiser_required
def grant_list(request):
    grants = selectors.grants_for_backoffice(request.GET)
    page = Paginator(grants.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "access/backoffice/grant_list.html",
        {
            "filter": grants,
            "page": page,
            "now": timezone.now(),
            "usage": metering.usage_of_all_grants(),
        },
    )


def _default_end():
    """One year from today, or the experiment's last day if sooner."""
    return min(
        paris_day(timezone.now()) + datetime.timedelta(days=365),
        experiment_ends_on(),
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def grant_create(request):
    if request.method == "POST":
        form = GrantForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                grant = services.grant_data_access(
                    data["project"],
                    holder=form.holder,
                    datasets=data["datasets"],
                    expires_at=data["expires_at"],
                    actor=request.user,
                    requests_per_minute=data["requests_per_minute"],
                    requests_per_day=data["requests_per_day"],
                    purpose=data["purpose"] or None,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Access granted; the project's team is told by email."),
                )
                return redirect("access:grant_detail", pk=grant.pk)
    else:
        initial = {"ends_on": _default_end()}
        if "project" in request.GET:
            prefill = selectors.grant_prefill_for_project(request.GET["project"])
            if prefill is None:
                messages.error(
                    request, _("Only a project in the programme can be granted access.")
                )
            else:
                initial.update(prefill)
        form = GrantForm(initial=initial)
    return render(
        request,
        "access/backoffice/grant_form.html",
        {"form": form, "max_days": settings.API_GRANT_MAX_DAYS},
    )


def _grant_context(grant, *, change_form=None, revoke_form=None, suspend_form=None):
    now = timezone.now()
    key_rows = list(grant.keys.all())
    for key in key_rows:
        key.state = selectors.access_state(key, now)
    return {
        "grant": grant,
        "grant_state": selectors.access_state(grant, now),
        "is_active": grant.is_active(now),
        "key_rows": key_rows,
        "usage": metering.usage_of_grant(grant),
        "change_form": change_form
        or GrantTermsForm(
            initial={
                "datasets": [dataset.pk for dataset in grant.datasets.all()],
                "ends_on": grant.ends_on,
                "requests_per_minute": grant.requests_per_minute,
                "requests_per_day": grant.requests_per_day,
            }
        ),
        "revoke_form": revoke_form or RevokeGrantForm(),
        "suspend_form": suspend_form or SuspendGrantForm(),
        "events": describe_events(selectors.events_of_grant(grant)),
    }


@require_GET
@organiser_required
def grant_detail(request, pk):
    grant = selectors.grant_for_backoffice(pk)
    return render(request, "access/backoffice/grant_detail.html", _grant_context(grant))


@require_POST
@organiser_required
def grant_change(request, pk):
    grant = selectors.grant_for_backoffice(pk)
    form = GrantTermsForm(request.POST)
    if form.is_valid():
        try:
            services.change_data_grant(
                grant,
                datasets=form.cleaned_data["datasets"],
                expires_at=form.cleaned_data["expires_at"],
                actor=request.user,
                requests_per_minute=form.cleaned_data["requests_per_minute"],
                requests_per_day=form.cleaned_data["requests_per_day"],
            )
        except ValidationError as error:
            # A revoked grant has no change form to show the error on.
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The access was changed; its keys follow."))
        return redirect("access:grant_detail", pk=grant.pk)
    return render(
        request,
        "access/backoffice/grant_detail.html",
        _grant_context(grant, change_form=form),
        status=400,
    )


@require_POST
@organiser_required
def grant_revoke(request, pk):
    grant = selectors.grant_for_backoffice(pk)
    form = RevokeGrantForm(request.POST)
    if form.is_valid():
        services.revoke_data_grant(
            grant, reason=form.cleaned_data["reason"], actor=request.user
        )
        messages.success(
            request,
            _("The access and its keys are revoked; the project's team is told."),
        )
        return redirect("access:grant_detail", pk=grant.pk)
    return render(
        request,
        "access/backoffice/grant_detail.html",
        _grant_context(grant, revoke_form=form),
        status=400,
    )


@require_POST
@organiser_required
def grant_suspend(request, pk):
    grant = selectors.grant_for_backoffice(pk)
    if grant.suspended_at is not None or not grant.is_active():
        # No suspension form on the page to show an error on: say it above.
        messages.error(request, _("This access cannot be suspended now."))
        return redirect("access:grant_detail", pk=grant.pk)
    form = SuspendGrantForm(request.POST)
    if form.is_valid():
        try:
            suspend_data_grant(
                grant, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The access is suspended: its keys are refused; the team is told."),
            )
        return redirect("access:grant_detail", pk=grant.pk)
    return render(
        request,
        "access/backoffice/grant_detail.html",
        _grant_context(grant, suspend_form=form),
        status=400,
    )


@require_POST
@organiser_required
def grant_resume(request, pk):
    grant = selectors.grant_for_backoffice(pk)
    try:
        lift_grant_suspension(grant, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The suspension is lifted: the keys work again; the team is told."),
        )
    return redirect("access:grant_detail", pk=grant.pk)


@require_GET
@organiser_required
def access_journal(request):
    """The audit trail of grants, keys and charter signatures, as sentences,
    filtered by project, key, kind of event and dates."""
    from .sentences import journal_for_backoffice

    journal = journal_for_backoffice(request.GET)
    page = Paginator(journal.qs, 50).get_page(request.GET.get("page"))
    page.object_list = describe_events(list(page.object_list))
    return render(
        request,
        "access/backoffice/journal.html",
        {"filter": journal, "page": page},
    )
