"""Jury pages: assignment.

Organisers see the plan of a call (juror → applications, load), run the
automatic assignment and follow its progress, and adjust it by hand. Jurors
have no page here: their queue (``selectors.assignment.assignments_for_juror``)
is shown by the scoring pages.
"""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.permissions import organiser_required

from ...models import Call
from ..enums import RunState
from ..forms.assignment import AddAssignmentForm, RemoveAssignmentForm
from ..selectors.assignment import assignment_overview_for_call, last_run_for_call
from ..services.assignment import (
    ASSIGNMENT_PHASES,
    RUN_STEP_LABELS,
    AssignmentError,
    add_assignment,
    remove_assignment,
    start_assignment,
)


def _call(slug):
    return get_object_or_404(Call, slug=slug)


def _run_status(run):
    """The state of ``run`` for people: its label, the step and the progress."""
    if run is None:
        return None
    finished = run.state in (RunState.DONE, RunState.FAILED)
    step = "" if finished else str(RUN_STEP_LABELS.get(run.progress, ""))
    return {
        "state": str(run.get_state_display()),
        "step": step,
        "progress": run.progress,
        "finished": finished,
    }


@require_GET
@organiser_required
def assignment_page(request, slug):
    call = _call(slug)
    overview = assignment_overview_for_call(call)
    run = overview["last_run"]
    return render(
        request,
        "jury/assignment_page.html",
        {
            "call": call,
            "overview": overview,
            "run": run,
            "run_status": _run_status(run),
            "can_change": call.phase in ASSIGNMENT_PHASES,
            "add_form": AddAssignmentForm(call=call),
        },
    )


@require_GET
@organiser_required
def assignment_progress(request, slug):
    call = _call(slug)
    status = _run_status(last_run_for_call(call))
    if status is None:
        status = {"state": "", "step": "", "progress": 0, "finished": True}
    return JsonResponse(status)


def _back(call):
    return redirect("jury_bo:assignment", slug=call.slug)


def _show_errors(request, error):
    for message in error.messages:
        messages.error(request, message)


@require_POST
@organiser_required
def assignment_start(request, slug):
    call = _call(slug)
    try:
        start_assignment(call, actor=request.user)
    except AssignmentError as error:
        _show_errors(request, error)
    else:
        messages.success(
            request,
            _("The assignment is running; this page shows its progress."),
        )
    return _back(call)


@require_POST
@organiser_required
def assignment_add(request, slug):
    call = _call(slug)
    form = AddAssignmentForm(request.POST, call=call)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(call)
    membership = form.cleaned_data["membership"]
    application = form.cleaned_data["application"]
    try:
        add_assignment(
            call, membership=membership, application=application, actor=request.user
        )
    except AssignmentError as error:
        _show_errors(request, error)
    else:
        messages.success(
            request,
            _("%(juror)s now reads application %(reference)s.")
            % {
                "juror": membership.user.display_name,
                "reference": application.reference,
            },
        )
    return _back(call)


@require_POST
@organiser_required
def assignment_remove(request, slug):
    call = _call(slug)
    form = RemoveAssignmentForm(request.POST, call=call)
    if not form.is_valid():
        messages.error(request, _("This assignment no longer exists."))
        return _back(call)
    assignment = form.cleaned_data["assignment"]
    try:
        remove_assignment(assignment, actor=request.user)
    except AssignmentError as error:
        _show_errors(request, error)
    else:
        messages.success(
            request,
            _("%(juror)s no longer reads application %(reference)s.")
            % {
                "juror": assignment.membership.user.display_name,
                "reference": assignment.application.reference,
            },
        )
    return _back(call)


# Juror pages (under /jury/) and organisers' pages (under /gestion/jury/).
urls = []
backoffice_urls = [
    path("<slug:slug>/affectation/", assignment_page, name="assignment"),
    path(
        "<slug:slug>/affectation/progression/",
        assignment_progress,
        name="assignment_progress",
    ),
    path("<slug:slug>/affectation/lancer/", assignment_start, name="assignment_start"),
    path("<slug:slug>/affectation/ajouter/", assignment_add, name="assignment_add"),
    path(
        "<slug:slug>/affectation/retirer/", assignment_remove, name="assignment_remove"
    ),
]
