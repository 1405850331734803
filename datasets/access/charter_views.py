"""The data charter page of a Project's team (/donnees/mes-acces/charte/)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .charter import charter_in_force, sign_charter


class CharterSignatureForm(forms.Form):
    signer_name = forms.CharField(
        label=_("Your full name"),
        help_text=_("Typing it signs the charter on behalf of the project."),
        max_length=200,
    )
    agree = forms.BooleanField(
        label=_("I have read the charter and I sign it on behalf of the project."),
        error_messages={"required": _("Tick the box to sign.")},
    )


def projects_of_member(user):
    """The active Projects whose team ``user`` is in, with the signature of
    the charter in force (``signature``, or ``None``): two queries."""
    from applications.models import Project

    from .models import CharterSignature

    charter = charter_in_force()
    projects = list(
        Project.objects.active()
        .filter(application__team__user=user)
        .distinct()
        .order_by("name", "pk")
    )
    signed = {}
    if charter is not None and projects:
        signed = {
            signature.project_id: signature
            for signature in CharterSignature.objects.filter(
                charter=charter, project__in=projects
            )
        }
    for project in projects:
        project.signature = signed.get(project.pk)
    return charter, projects


@login_required
@require_http_methods(["GET", "POST"])
def charter_sign(request):
    from applications.views import render_markdown

    charter, projects = projects_of_member(request.user)
    form = CharterSignatureForm(
        request.POST or None, initial={"signer_name": request.user.full_name}
    )
    status = 200
    if request.method == "POST":
        # Only a Project of the user's own team: any other answers 404.
        chosen = _int(request.POST.get("project"))
        project = next((p for p in projects if p.pk == chosen), None)
        if project is None:
            raise Http404
        if form.is_valid():
            try:
                sign_charter(
                    project,
                    charter=charter,
                    signer=request.user,
                    signer_name=form.cleaned_data["signer_name"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("The charter is signed: the project's keys can be created."),
                )
            return redirect("access:charter_sign")
        status = 400
    return render(
        request,
        "access/charter_sign.html",
        {
            "charter": charter,
            "charter_html": render_markdown(charter.text, top_level=3)
            if charter
            else "",
            "projects": projects,
            "to_sign": [p for p in projects if p.signature is None],
            "form": form,
        },
        status=status,
    )


def _int(value):
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 18 else 0
