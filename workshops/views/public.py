"""The public agenda: workshops and DemoDay sessions, registration,
"my workshops", the team's invitations and the calendar feeds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.selectors import call_milestones
from portal.accounts.permissions import has_verified_email

from ..enums import InvitationAnswer, RegistrationState, Seat, WorkshopState
from ..models import CalendarFeed, ProjectInvitation, Registration, Workshop
from ..permissions import can_cancel_registration, can_see_workshop
from ..selectors.registration import (
    registrations_of,
    upcoming_agenda,
    waitlist_positions,
    workshops_visible_to,
)
from ..services import feeds
from ..services.invitations import InvitationError, answer_invitation
from ..services.registration import (
    RegistrationError,
    cancel_registration,
    online_link_visible,
    register_by_slug,
    registration_problem,
    seats_free,
    taken_seats,
    team_projects,
    waitlist_position,
)


@require_GET
def agenda(request):
    now = timezone.now()
    milestones = call_milestones(now=now)
    return render(
        request,
        "workshops/agenda.html",
        {
            "workshops": upcoming_agenda(request.user, now=now),
            "upcoming": [m for m in milestones if not m.is_past],
            "past": [m for m in milestones if m.is_past],
        },
    )


def _workshop_or_404(request, slug):
    workshop = get_object_or_404(workshops_visible_to(request.user), slug=slug)
    if not can_see_workshop(request.user, workshop):
        raise Http404
    return workshop


@require_GET
def workshop_detail(request, slug):
    now = timezone.now()
    workshop = _workshop_or_404(request, slug)
    registration = None
    position = None
    if request.user.is_authenticated:
        registration = Registration.objects.filter(
            workshop=workshop, user=request.user
        ).first()
        position = waitlist_position(registration) if registration else None
    counts = taken_seats(workshop)
    if registration is not None and registration.state in (
        RegistrationState.CONFIRMED,
        RegistrationState.WAITLISTED,
    ):
        my_seat = registration.seat
    else:
        my_seat = (
            Seat.PROJECT
            if workshop.audience != "residents" and team_projects(request.user).exists()
            else Seat.RESIDENT
        )
    return render(
        request,
        "workshops/workshop_detail.html",
        {
            "workshop": workshop,
            "registration": registration,
            "position": position,
            "seats_left": seats_free(workshop, my_seat, counts),
            "confirmed": sum(counts.values()),
            "problem": registration_problem(workshop, now=now),
            "verified": has_verified_email(request.user),
            "show_link": online_link_visible(workshop, registration, now=now),
            "link_later": bool(
                workshop.online_url
                and registration is not None
                and registration.state == RegistrationState.CONFIRMED
            ),
            "is_live": registration is not None
            and registration.state
            in (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED),
            "cancellable": now < workshop.starts_at
            and workshop.state == WorkshopState.PUBLISHED,
        },
    )


@login_required
@require_POST
def workshop_register(request, slug):
    # One round trip reads the workshop and registers (register_by_slug).
    try:
        registration = register_by_slug(slug, user=request.user)
    except Workshop.DoesNotExist:
        raise Http404 from None
    except RegistrationError as error:
        messages.error(request, error.messages[0])
    else:
        if registration.state == RegistrationState.CONFIRMED:
            messages.success(
                request,
                _(
                    "You are registered. A confirmation with "
                    "a calendar invitation is on its way."
                ),
            )
        else:
            messages.info(
                request,
                _(
                    "The workshop is full: you are "
                    "on the waiting list, in position %(n)s."
                )
                % {"n": registration.position},
            )
    return redirect("workshops:workshop_detail", slug=slug)


@login_required
@require_POST
def workshop_cancel(request, slug):
    workshop = _workshop_or_404(request, slug)
    registration = get_object_or_404(Registration, workshop=workshop, user=request.user)
    if not can_cancel_registration(request.user, registration):
        raise PermissionDenied
    try:
        cancel_registration(registration, actor=request.user)
    except RegistrationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("workshops:workshop_detail", slug=workshop.slug)


@login_required
@require_GET
def my_workshops(request):
    registrations = list(registrations_of(request.user))
    positions = waitlist_positions(registrations)
    for registration in registrations:
        registration.position = positions.get(registration.pk)
    now = timezone.now()
    return render(
        request,
        "workshops/registration_list.html",
        {
            "upcoming": [r for r in registrations if r.workshop.ends_at > now],
            "past": [r for r in registrations if r.workshop.ends_at <= now],
            "feed": CalendarFeed.objects.filter(
                user=request.user, revoked_at__isnull=True
            ).first(),
            "has_projects": team_projects(request.user).exists(),
        },
    )


# --- The team's invitations -----------------------------------------------------


@login_required
@require_GET
def invitations(request):
    rows = (
        ProjectInvitation.objects.filter(project__application__team__user=request.user)
        .select_related("workshop", "workshop__room", "project", "answered_by")
        .order_by("workshop__starts_at", "id")
        .distinct()
    )
    return render(
        request,
        "workshops/invitation_list.html",
        {"invitations": rows, "now": timezone.now()},
    )


@login_required
@require_POST
def invitation_answer(request, pk):
    invitation = get_object_or_404(
        ProjectInvitation.objects.select_related("workshop", "project__application"),
        pk=pk,
        project__application__team__user=request.user,
    )
    accept = request.POST.get("answer") == InvitationAnswer.ACCEPTED
    try:
        registration = answer_invitation(invitation, user=request.user, accept=accept)
    except (InvitationError, RegistrationError) as error:
        messages.error(request, error.messages[0])
    else:
        if (
            registration is not None
            and registration.state == RegistrationState.CONFIRMED
        ):
            messages.success(request, _("The team comes, and you are registered."))
        elif registration is not None:
            messages.info(request, _("The team comes; you are on the waiting list."))
        else:
            messages.success(request, _("Your team's answer is recorded."))
    return redirect("workshops:invitations")


# --- Calendar feeds ---------------------------------------------------------------

ICS = "text/calendar; charset=utf-8"


@require_GET
def public_feed(request):
    return HttpResponse(feeds.public_feed(), content_type=ICS)


@require_GET
def private_feed(request, token):
    content = feeds.private_feed(token)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=ICS)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def feed_manage(request):
    action = request.POST.get("action")
    if action == "revoke":
        feeds.revoke_feeds(request.user)
        messages.success(request, _("Your calendar link is revoked."))
    elif action in ("create", "regenerate"):
        feeds.new_feed(request.user)
        messages.success(
            request,
            _("Your new calendar link is ready. Any previous link no longer works."),
        )
    else:
        messages.error(request, _("Unknown action."))
    return redirect("workshops:my_workshops")
