"""After the workshop: minutes, materials and follow-up actions, managed by
its facilitators and the organisers; materials downloaded by whom they are
published to; an action's status moved by its Project's team."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.views.common import render_markdown

from ..enums import Visibility
from ..forms.after import (
    ActionStatusForm,
    FollowUpActionForm,
    MaterialForm,
    MinutesForm,
)
from ..models import FollowUpAction, Material, Minutes
from ..permissions_wafter import (
    can_run_workshop,
    can_update_action_status,
    is_confirmed_participant,
)
from ..services.after import (
    ActionError,
    add_material,
    remove_material,
    save_follow_up_action,
    save_minutes,
    set_action_status,
)
from .common_wafter import runnable_workshop_or_404


@require_http_methods(["GET", "POST"])
@login_required
def minutes_edit(request, slug):
    workshop = runnable_workshop_or_404(request, slug)
    minutes = Minutes.objects.filter(workshop=workshop).first()
    initial = {}
    if minutes is not None:
        initial = {
            "body": minutes.body,
            "visibility": minutes.visibility,
            "publish": minutes.published_at is not None,
        }
    form = MinutesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        save_minutes(
            workshop,
            body=form.cleaned_data["body"],
            visibility=form.cleaned_data["visibility"],
            publish=form.cleaned_data["publish"],
            actor=request.user,
        )
        messages.success(request, _("The minutes are saved."))
        return redirect("workshops:minutes_edit", slug=workshop.slug)
    return render(
        request,
        "workshops/minutes_edit.html",
        {
            "workshop": workshop,
            "form": form,
            "minutes": minutes,
            "preview": render_markdown(minutes.body) if minutes else "",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def materials(request, slug):
    workshop = runnable_workshop_or_404(request, slug)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_material(
                workshop,
                title=form.cleaned_data["title"],
                uploaded_file=form.cleaned_data["file"],
                visibility=form.cleaned_data["visibility"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The file is added."))
            return redirect("workshops:materials", slug=workshop.slug)
    return render(
        request,
        "workshops/material_list.html",
        {
            "workshop": workshop,
            "form": form,
            "materials": Material.objects.filter(workshop=workshop),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def material_remove(request, slug, pk):
    workshop = runnable_workshop_or_404(request, slug)
    material = get_object_or_404(Material, workshop=workshop, pk=pk)
    remove_material(material, actor=request.user)
    messages.success(request, _("The file is removed."))
    return redirect("workshops:materials", slug=workshop.slug)


@require_GET
def material_download(request, slug, pk):
    """A material, to whom it is published: everybody, or the workshop's
    confirmed participants (and those who run it). 404 to anyone else."""
    material = get_object_or_404(
        Material.objects.select_related("workshop"), workshop__slug=slug, pk=pk
    )
    workshop = material.workshop
    if material.visibility != Visibility.PUBLIC and not (
        can_run_workshop(request.user, workshop)
        or is_confirmed_participant(request.user, workshop)
    ):
        raise Http404
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=material.original_name or "document.pdf",
        content_type="application/pdf",
    )
    if material.visibility != Visibility.PUBLIC:
        response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def actions(request, slug):
    workshop = runnable_workshop_or_404(request, slug)
    form = FollowUpActionForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        save_follow_up_action(
            None, workshop=workshop, actor=request.user, **form.cleaned_data
        )
        messages.success(request, _("The follow-up action is saved."))
        return redirect("workshops:actions", slug=workshop.slug)
    return render(
        request,
        "workshops/followupaction_list.html",
        {
            "workshop": workshop,
            "form": form,
            "actions": FollowUpAction.objects.filter(workshop=workshop).select_related(
                "project", "owner"
            ),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def action_edit(request, slug, pk):
    workshop = runnable_workshop_or_404(request, slug)
    action = get_object_or_404(FollowUpAction, workshop=workshop, pk=pk)
    initial = {
        "project": action.project_id,
        "title": action.title,
        "owner": action.owner_id,
        "due_on": action.due_on,
        "status": action.status,
    }
    form = FollowUpActionForm(
        request.POST or None,
        initial=initial,
        workshop=workshop,
        legacy_owner=action.owner_name,
    )
    if request.method == "POST" and form.is_valid():
        save_follow_up_action(
            action, workshop=workshop, actor=request.user, **form.cleaned_data
        )
        messages.success(request, _("The follow-up action is saved."))
        return redirect("workshops:actions", slug=workshop.slug)
    return render(
        request,
        "workshops/followupaction_edit.html",
        {"workshop": workshop, "form": form, "action": action},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def action_status(request, pk):
    """Move a follow-up action's status (its Project's team, the facilitators
    of its workshop, organisers); back to the page it was sent from."""
    action = get_object_or_404(
        FollowUpAction.objects.select_related("project__application", "workshop"),
        pk=pk,
    )
    if not can_update_action_status(request.user, action):
        raise Http404
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses offered."))
    else:
        try:
            set_action_status(action, form.cleaned_data["status"], actor=request.user)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The status of the action is updated."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("accounts:dashboard")
