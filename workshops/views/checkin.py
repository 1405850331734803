"""The participant's ticket with its QR code, and check-in on the day from a
phone: search by name, scan the ticket, undo, attendance export."""

import csv as std_csv
import io
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import segno
from defusedcsv import csv
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.permissions import is_organiser
from portal.audit.services import record_event

from ..forms.after import CheckInSearchForm
from ..models import Certificate
from ..selectors.after import (
    attendance_counts,
    attendance_rows,
    participants_for_checkin,
    recent_activity_for,
    search_participants,
)
from ..services.checkin import (
    CheckInError,
    check_in,
    registration_for_token,
    undo_check_in,
)
from .common_wafter import own_registration_or_404, runnable_workshop_or_404

PARIS = ZoneInfo("Europe/Paris")
BOM = "\ufeff"
DELIMITER = ";"


def checkin_url(registration, *, absolute=True):
    """The URL a phone's camera opens from the ticket's QR code."""
    path = reverse(
        "workshops:checkin_scan",
        kwargs={
            "slug": registration.workshop.slug,
            "token": registration.checkin_token,
        },
    )
    return settings.SITE_URL + path if absolute else path


# --- The participant's ticket -----------------------------------------------------


@require_GET
@login_required
def ticket(request, slug):
    registration = own_registration_or_404(request, slug)
    workshop = registration.workshop
    return render(
        request,
        "workshops/registration_ticket.html",
        {
            "registration": registration,
            "workshop": workshop,
            "starts_at": timezone.localtime(workshop.starts_at, PARIS),
            "ends_at": timezone.localtime(workshop.ends_at, PARIS),
            "certificate": Certificate.objects.filter(registration=registration)
            .exclude(file="")
            .first(),
            "checked_in_at": (
                timezone.localtime(registration.checked_in_at, PARIS)
                if registration.checked_in_at
                else None
            ),
        },
    )


@require_GET
@login_required
def ticket_qr(request, slug):
    """The QR code of the ticket, as SVG from its own URL (the strict CSP keeps
    images to the site's own files)."""
    registration = own_registration_or_404(request, slug)
    qr = segno.make(checkin_url(registration), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=8, border=4, xmldecl=False, svgns=True)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Check-in -------------------------------------------------------------------


@require_GET
@login_required
def run_home(request, slug):
    workshop = runnable_workshop_or_404(request, slug)
    return render(
        request,
        "workshops/workshop_run.html",
        {
            "workshop": workshop,
            "counts": attendance_counts(workshop),
            "is_organiser": is_organiser(request.user),
            "activity": recent_activity_for(workshop),
        },
    )


@require_GET
@login_required
def checkin_list(request, slug):
    workshop = runnable_workshop_or_404(request, slug)
    form = CheckInSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    registrations = [
        _with_paris_time(registration)
        for registration in search_participants(workshop, query)
    ]
    return render(
        request,
        "workshops/registration_checkin.html",
        {
            "workshop": workshop,
            "form": form,
            "query": query,
            "registrations": registrations,
            "counts": attendance_counts(workshop),
        },
    )


def _with_paris_time(registration):
    registration.checked_in_paris = (
        timezone.localtime(registration.checked_in_at, PARIS)
        if registration.checked_in_at
        else None
    )
    return registration


def _registration_of(workshop, pk):
    return get_object_or_404(participants_for_checkin(workshop), pk=pk)


def _already_message(registration):
    return _("%(name)s was already checked in at %(time)s.") % {
        "name": registration.user.full_name or registration.user.email,
        "time": timezone.localtime(registration.checked_in_at, PARIS).strftime("%H:%M"),
    }


def _checked_message(registration):
    return _("%(name)s is checked in.") % {
        "name": registration.user.full_name or registration.user.email
    }


def _back_to_list(request, workshop):
    url = reverse("workshops:checkin", kwargs={"slug": workshop.slug})
    query = request.POST.get("q", "")[:100]
    if query:
        url += "?" + urlencode({"q": query})
    return redirect(url)


@require_POST
@login_required
def checkin_do(request, slug, pk):
    workshop = runnable_workshop_or_404(request, slug)
    registration = _registration_of(workshop, pk)
    try:
        result = check_in(registration, actor=request.user)
    except CheckInError as error:
        messages.error(request, error.message)
    else:
        if result.already:
            messages.info(request, _already_message(registration))
        else:
            messages.success(request, _checked_message(registration))
    return _back_to_list(request, workshop)


@require_POST
@login_required
def checkin_undo(request, slug, pk):
    workshop = runnable_workshop_or_404(request, slug)
    registration = _registration_of(workshop, pk)
    undo_check_in(registration, actor=request.user)
    messages.success(
        request,
        _("The check-in of %(name)s is undone.")
        % {"name": registration.user.full_name or registration.user.email},
    )
    return _back_to_list(request, workshop)


@require_http_methods(["GET", "POST"])
@login_required
def checkin_scan(request, slug, token):
    """The page the ticket's QR code opens: who it is, and a button to check
    them in (a GET changes nothing); a second scan says when they came."""
    workshop = runnable_workshop_or_404(request, slug)
    try:
        registration = registration_for_token(workshop, token)
    except CheckInError as error:
        return render(
            request,
            "workshops/registration_scan.html",
            {"workshop": workshop, "error": error.message},
            status=404,
        )
    just_checked = False
    if request.method == "POST":
        try:
            result = check_in(registration, actor=request.user)
        except CheckInError as error:
            messages.error(request, error.message)
        else:
            just_checked = not result.already
    return render(
        request,
        "workshops/registration_scan.html",
        {
            "workshop": workshop,
            "registration": _with_paris_time(registration),
            "just_checked": just_checked,
        },
    )


# --- Attendance export ---------------------------------------------------------


def attendance_csv_rows(workshop):
    """Yield the header and one row per registration of ``workshop``."""
    yield [
        _("Name"),
        _("Email"),
        _("Project"),
        _("Seat"),
        _("State"),
        _("Checked in at (Paris time)"),
    ]
    for registration in attendance_rows(workshop):
        yield [
            registration.user.full_name,
            registration.user.email,
            registration.project.name if registration.project_id else "",
            registration.get_seat_display(),
            registration.get_state_display(),
            (
                timezone.localtime(registration.checked_in_at, PARIS).strftime(
                    "%Y-%m-%d %H:%M"
                )
                if registration.checked_in_at
                else ""
            ),
        ]


@require_GET
@login_required
def attendance_export(request, slug):
    workshop = runnable_workshop_or_404(request, slug)
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=DELIMITER, quoting=std_csv.QUOTE_MINIMAL)
    count = 0
    for row in attendance_csv_rows(workshop):
        writer.writerow(row)
        count += 1
    with transaction.atomic():
        record_event(
            "workshop.attendance_exported",
            actor=request.user,
            target=workshop,
            data={"rows": count - 1},
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="presences-{workshop.slug}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
