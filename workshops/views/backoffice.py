"""The organisers' pages of the workshops: define, publish, cancel, invite
Projects; rooms. Under ``/gestion/ateliers/`` (organisers, 2FA)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.permissions import organiser_required

from ..audit import workshop_history
from ..enums import WorkshopKind, WorkshopState
from ..forms.workshop import InviteProjectsForm, RoomForm, WorkshopForm
from ..models import Room, Workshop
from ..selectors.registration import rooms_with_bookings, with_seat_counts
from ..services.invitations import InvitationError, invite_projects
from ..services.workshops import (
    WorkshopError,
    cancel_workshop,
    create_room,
    create_workshop,
    publish_workshop,
    update_room,
    update_workshop,
)

PAGE_SIZE = 50


def _apply_error(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@organiser_required
def workshop_list(request):
    show = request.GET.get("vue", "a-venir")
    workshops = with_seat_counts(
        Workshop.objects.select_related("room").filter(kind=WorkshopKind.WORKSHOP)
    )
    now = timezone.now()
    if show == "passes":
        workshops = workshops.filter(ends_at__lte=now).order_by("-starts_at", "-id")
    else:
        show = "a-venir"
        workshops = workshops.filter(ends_at__gt=now).order_by("starts_at", "id")
    page = Paginator(workshops, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workshops/backoffice/workshop_list.html",
        {"page": page, "workshops": page.object_list, "show": show},
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def workshop_create(request):
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workshop = form.save()
        try:
            create_workshop(
                workshop,
                facilitators=form.cleaned_data["facilitators"],
                actor=request.user,
            )
        except WorkshopError as error:
            workshop.pk = None
            _apply_error(form, error)
        else:
            messages.success(
                request,
                _("Workshop saved as a draft. Publish it to open registration."),
            )
            return redirect("workshops_bo:workshop_edit", pk=workshop.pk)
    return render(
        request,
        "workshops/backoffice/workshop_form.html",
        {"form": form, "workshop": None},
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def workshop_edit(request, pk):
    workshop = get_object_or_404(
        Workshop.objects.select_related("room"), pk=pk, kind=WorkshopKind.WORKSHOP
    )
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and workshop.state == WorkshopState.CANCELLED:
        form.add_error(None, _("A cancelled workshop can no longer be changed."))
    elif request.method == "POST" and form.is_valid():
        edited = form.save()
        try:
            changed = update_workshop(
                edited,
                facilitators=list(form.cleaned_data["facilitators"]),
                actor=request.user,
            )
        except WorkshopError as error:
            _apply_error(form, error)
        else:
            if changed:
                messages.success(request, _("Workshop updated."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("workshops_bo:workshop_edit", pk=workshop.pk)
    stored = Workshop.objects.get(pk=pk)
    return render(
        request,
        "workshops/backoffice/workshop_form.html",
        {
            "form": form,
            "workshop": stored,
            "invite_form": InviteProjectsForm(),
            "invitations": stored.invitations.select_related("project").order_by(
                "project__name"
            ),
            "history": workshop_history(stored),
            "can_publish": stored.state == WorkshopState.DRAFT,
            "can_cancel": stored.state != WorkshopState.CANCELLED,
        },
    )


@organiser_required
@require_POST
def workshop_publish(request, pk):
    workshop = get_object_or_404(Workshop, pk=pk, kind=WorkshopKind.WORKSHOP)
    try:
        publish_workshop(workshop, actor=request.user)
    except WorkshopError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Workshop published on the agenda."))
    return redirect("workshops_bo:workshop_edit", pk=pk)


@organiser_required
@require_POST
def workshop_cancel(request, pk):
    workshop = get_object_or_404(Workshop, pk=pk, kind=WorkshopKind.WORKSHOP)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the cancellation."))
        return redirect("workshops_bo:workshop_edit", pk=pk)
    try:
        cancel_workshop(workshop, actor=request.user)
    except WorkshopError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("Workshop cancelled; everyone registered is told by email.")
        )
    return redirect("workshops_bo:workshop_edit", pk=pk)


@organiser_required
@require_POST
def workshop_invite(request, pk):
    workshop = get_object_or_404(Workshop, pk=pk, kind=WorkshopKind.WORKSHOP)
    form = InviteProjectsForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("__all__", []) or [_("Check the wave and theme.")]:
            messages.error(request, error)
        return redirect("workshops_bo:workshop_edit", pk=pk)
    try:
        created = invite_projects(
            workshop,
            call=form.cleaned_data["call"],
            theme=form.cleaned_data["theme"],
            actor=request.user,
        )
    except InvitationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s project team invited.",
                "%(count)s project teams invited.",
                len(created),
            )
            % {"count": len(created)},
        )
    return redirect("workshops_bo:workshop_edit", pk=pk)


@organiser_required
@require_http_methods(["GET", "POST"])
def room_list(request):
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        create_room(form.save(commit=False), actor=request.user)
        messages.success(request, _("Room added."))
        return redirect("workshops_bo:room_list")
    return render(
        request,
        "workshops/backoffice/room_list.html",
        {"rooms": rooms_with_bookings(), "form": form},
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def room_edit(request, pk):
    room = get_object_or_404(Room, pk=pk)
    form = RoomForm(request.POST or None, instance=room)
    if request.method == "POST" and form.is_valid():
        changed = update_room(form.save(commit=False), actor=request.user)
        if changed:
            messages.success(request, _("Room saved."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("workshops_bo:room_list")
    return render(
        request,
        "workshops/backoffice/room_form.html",
        {
            "room": room,
            "form": form,
            "upcoming": room.workshops.filter(ends_at__gt=timezone.now())
            .exclude(state=WorkshopState.CANCELLED)
            .order_by("starts_at", "id"),
        },
    )
