"""Jury pages: membership (phases, invitations, declarations, conflicts).

``declaration_required`` guards every juror page of a call: the other jury
pages use it as ``@declaration_required`` on views taking the call's ``slug``.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.permissions import organiser_required

from ...enums import CALL_PHASE_TRANSITIONS, CallPhase
from ...selectors import call_for_backoffice
from ..enums import ConflictSource, ConflictStatus
from ..forms.membership import (
    ConflictFilterForm,
    ConflictResolutionForm,
    DeclarationForm,
    InviteJurorForm,
    PhaseForm,
)
from ..models import JuryInvitation, JuryMembership
from ..selectors import membership as selectors
from ..services import conflicts as conflict_services
from ..services import membership as services
from ..services.phases import PhaseError, move_call_phase, phase_problems


def juror_membership(request, slug):
    """The user's seat on the jury of the call ``slug`` (its call and user
    joined); 404 for anyone else."""
    membership = (
        JuryMembership.objects.select_related("call", "user")
        .filter(call__slug=slug, user_id=request.user.pk)
        .first()
        if request.user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404
    return membership


def declaration_required(view):
    """View decorator for a juror's page of a call (URL keyword ``slug``).

    404 unless the user sits on the jury of that call; until they have made
    their declaration of interests, redirect to the declaration page. Sets
    ``request.jury_membership`` (with its ``call``) for the view.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = juror_membership(request, kwargs.get("slug"))
        if not membership.has_declared:
            return redirect("jury:declaration", slug=membership.call.slug)
        request.jury_membership = membership
        return view(request, *args, **kwargs)

    return wrapper


def _error_messages(error):
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


# --- Jurors -----------------------------------------------------------------------


def _next_step(membership):
    """What a juror has to do next on one call: (label, url)."""
    call = membership.call
    declaration = reverse("jury:declaration", kwargs={"slug": call.slug})
    if not membership.has_declared:
        return _("Declare your interests"), declaration
    queue = reverse("jury:queue", kwargs={"slug": call.slug})
    done, total = membership.submitted_count, membership.assigned_count
    if call.phase in (CallPhase.SUBMISSION, CallPhase.ADMISSIBILITY):
        return _("Declared. The review has not started yet."), declaration
    if total == 0:
        return _("No application assigned to you yet."), None
    if call.phase == CallPhase.REVIEW and done < total:
        return (
            _("Score the applications: %(done)s / %(total)s")
            % {"done": done, "total": total},
            queue,
        )
    return (
        _("Done: %(done)s / %(total)s scored") % {"done": done, "total": total},
        queue,
    )


@require_http_methods(["GET"])
def home(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    rows = []
    for membership in selectors.memberships_for_juror(request.user):
        label, url = _next_step(membership)
        rows.append({"membership": membership, "next_label": label, "next_url": url})
    return render(request, "jury/membership_home.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def declaration(request, slug):
    membership = (
        JuryMembership.objects.select_related("call", "user")
        .filter(call__slug=slug, user_id=request.user.pk)
        .first()
        if request.user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404
    call = membership.call
    applications = list(services.declarable_applications(call))
    form = DeclarationForm(
        request.POST or None, applications=applications, blind=call.blind_review
    )
    if request.method == "GET":
        declared = [
            conflict.application
            for conflict in membership.conflicts.filter(
                source=ConflictSource.DECLARED
            ).select_related("application")
        ]
        form.initial = {
            "organisation": membership.organisation,
            "conflicts": form.initial_for(declared),
            "statement": membership.conflict_statement,
            "themes": membership.themes,
        }
    elif form.is_valid():
        try:
            services.declare_interests(
                membership,
                organisation=form.cleaned_data["organisation"],
                applications=form.chosen_applications(),
                statement=form.cleaned_data["statement"],
                themes=form.cleaned_data["themes"],
                actor=request.user,
            )
        except services.MembershipError as error:
            for message in _error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("Your declaration is recorded."))
            return redirect(reverse("jury:home"))
    return render(
        request,
        "jury/membership_declaration.html",
        {"call": call, "membership": membership, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- The invitation link (outside /jury/) ---------------------------------------


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    invitation = get_object_or_404(
        JuryInvitation.objects.select_related("call"), token=token
    )
    usable = not (invitation.revoked_at or invitation.accepted_at)
    if request.method == "POST" and usable:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.accept_jury_invitation(invitation, user=request.user)
        except services.MembershipError as error:
            for message in _error_messages(error):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Welcome to the jury. Start with your declaration of interests."),
            )
            return redirect("jury:declaration", slug=invitation.call.slug)
    owns_address = request.user.is_authenticated and (
        request.user.emailaddress_set.filter(
            email__iexact=invitation.email, verified=True
        ).exists()
    )
    return render(
        request,
        "jury/membership_invitation.html",
        {
            "invitation": invitation,
            "call": invitation.call,
            "usable": usable,
            "owns_address": owns_address,
        },
        status=200 if usable else 410,
    )


# --- Organisers ---------------------------------------------------------------


# The jury pages of a call, in the order of the work.
JURY_PAGES = [
    ("jury_bo:members", gettext_lazy("Jury members and invitations")),
    ("jury_bo:conflicts", gettext_lazy("Declarations and conflicts of interest")),
    ("jury_bo:grid", gettext_lazy("Evaluation grid")),
    ("jury_bo:assignment", gettext_lazy("Assignment")),
    ("jury_bo:ranking", gettext_lazy("Progress and ranking")),
    ("jury_bo:deliberation", gettext_lazy("Deliberation")),
    ("jury_bo:dossiers", gettext_lazy("Jury dossiers")),
]


def jury_links(call):
    """The links of the jury pages of ``call``: [(label, url)]."""
    return [
        (label, reverse(name, kwargs={"slug": call.slug})) for name, label in JURY_PAGES
    ]


def _call_home_context(call):
    current = CallPhase(call.phase)
    moves = [
        {"phase": phase, "problems": phase_problems(call, phase)}
        for phase in CallPhase
        if phase in CALL_PHASE_TRANSITIONS[current] and phase != CallPhase.RELEASED
    ]
    members = list(selectors.members_for_call(call))
    return {
        "call": call,
        "phases": [
            {"phase": phase, "current": phase == current} for phase in CallPhase
        ],
        "moves": moves,
        "links": jury_links(call),
        "member_count": len(members),
        "declared_count": sum(1 for member in members if member.has_declared),
        "pending_conflicts": selectors.conflicts_for_call(
            call, status=ConflictStatus.PENDING
        ).count(),
    }


@require_http_methods(["GET"])
@organiser_required
def call_home(request, slug):
    call = call_for_backoffice(slug)
    return render(request, "jury/membership_call.html", _call_home_context(call))


@require_POST
@organiser_required
def move_phase(request, slug):
    call = call_for_backoffice(slug)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a phase from the list."))
        return redirect("jury_bo:call", slug=call.slug)
    try:
        move_call_phase(call, form.cleaned_data["phase"], actor=request.user)
    except PhaseError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The call is now in the phase “%(phase)s”.")
            % {"phase": CallPhase(call.phase).label},
        )
    return redirect("jury_bo:call", slug=call.slug)


def _members_page(request, call, *, form=None, status=200):
    return render(
        request,
        "jury/membership_members.html",
        {
            "call": call,
            "members": selectors.members_for_call(call),
            "invitations": selectors.pending_invitations_for_call(call),
            "form": form or InviteJurorForm(),
        },
        status=status,
    )


@require_http_methods(["GET"])
@organiser_required
def members(request, slug):
    return _members_page(request, call_for_backoffice(slug))


@require_POST
@organiser_required
def invite(request, slug):
    call = call_for_backoffice(slug)
    form = InviteJurorForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_juror(
                call,
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                actor=request.user,
            )
        except services.MembershipError as error:
            for message in _error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(email)s is invited; the email is on its way.")
                % {"email": invitation.email},
            )
            return redirect("jury_bo:members", slug=call.slug)
    return _members_page(request, call, form=form, status=400)


@require_POST
@organiser_required
def withdraw_invitation(request, slug, pk):
    call = call_for_backoffice(slug)
    invitation = get_object_or_404(JuryInvitation, call=call, pk=pk)
    try:
        services.withdraw_jury_invitation(invitation, actor=request.user)
    except services.MembershipError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The invitation is withdrawn."))
    return redirect("jury_bo:members", slug=call.slug)


@require_POST
@organiser_required
def remove_member(request, slug, pk):
    call = call_for_backoffice(slug)
    membership = get_object_or_404(JuryMembership, call=call, pk=pk)
    try:
        services.remove_juror(membership, actor=request.user)
    except services.MembershipError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The member has left the jury."))
    return redirect("jury_bo:members", slug=call.slug)


@require_http_methods(["GET"])
@organiser_required
def conflicts(request, slug):
    call = call_for_backoffice(slug)
    filters = ConflictFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    return render(
        request,
        "jury/membership_conflicts.html",
        {
            "call": call,
            "filters": filters if filters.is_bound else ConflictFilterForm(),
            "status": status,
            "members": selectors.members_for_call(call),
            "conflicts": selectors.conflicts_for_call(call, status=status or None),
            "resolution_form": ConflictResolutionForm(),
        },
    )


@require_POST
@organiser_required
def resolve_conflict(request, slug, pk):
    call = call_for_backoffice(slug)
    conflict = selectors.conflict_for_call(call, pk)
    if conflict is None:
        raise Http404
    form = ConflictResolutionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Give the reason for this decision on the conflict."),
        )
        return redirect("jury_bo:conflicts", slug=call.slug)
    action = (
        conflict_services.confirm_conflict
        if form.cleaned_data["action"] == ConflictResolutionForm.CONFIRM
        else conflict_services.dismiss_conflict
    )
    try:
        action(conflict, reason=form.cleaned_data["reason"], actor=request.user)
    except conflict_services.ConflictError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The conflict is now “%(status)s”.")
            % {"status": ConflictStatus(conflict.status).label},
        )
    return redirect("jury_bo:conflicts", slug=call.slug)


@require_POST
@organiser_required
def detect(request, slug):
    call = call_for_backoffice(slug)
    found = conflict_services.detect_conflicts(call, actor=request.user)
    messages.success(
        request,
        ngettext(
            "Detection done: %(count)s new conflict to check.",
            "Detection done: %(count)s new conflicts to check.",
            len(found),
        )
        % {"count": len(found)},
    )
    return redirect("jury_bo:conflicts", slug=call.slug)


# Juror pages (under /jury/) and organisers' pages (under /gestion/jury/).
urls = [
    path("", home, name="home"),
    path("<slug:slug>/declaration/", declaration, name="declaration"),
]
backoffice_urls = [
    path("<slug:slug>/", call_home, name="call"),
    path("<slug:slug>/phase/", move_phase, name="move_phase"),
    path("<slug:slug>/membres/", members, name="members"),
    path("<slug:slug>/membres/inviter/", invite, name="invite"),
    path("<slug:slug>/membres/<int:pk>/retirer/", remove_member, name="remove_member"),
    path(
        "<slug:slug>/invitations/<int:pk>/retirer/",
        withdraw_invitation,
        name="withdraw_invitation",
    ),
    path("<slug:slug>/conflits/", conflicts, name="conflicts"),
    path("<slug:slug>/conflits/detecter/", detect, name="detect_conflicts"),
    path("<slug:slug>/conflits/<int:pk>/", resolve_conflict, name="resolve_conflict"),
]
# The accept link of an invitation, mounted at /invitation-jury/ (outside
# /jury/, which hides everything from someone not yet on a jury).
invitation_urls = [
    path("<uuid:token>/", accept_invitation, name="accept"),
]
