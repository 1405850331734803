"""Jury pages: dossiers (organisers only).

``BackOfficeMFAMiddleware`` already turned away users without a back-office
role; each view here also requires the organiser role (a juror, even of the
call, gets 403).
"""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.permissions import organiser_required
from portal.background import job_status

from ...models import Call
from ..enums import RunState
from ..forms.dossiers import DossierRequestForm
from ..models import Dossier
from ..selectors.dossiers import dossier_applications, dossiers_for_call
from ..services.dossiers import record_dossier_download, request_dossier

RECENT_DOSSIERS = 20


def _dossier_or_404(slug, pk):
    return get_object_or_404(
        Dossier.objects.select_related("call"), call__slug=slug, pk=pk
    )


def _status(dossier):
    done = dossier.state == RunState.DONE and bool(dossier.file)
    return job_status(
        dossier,
        download_url=(
            reverse(
                "jury_bo:dossier_download",
                kwargs={"slug": dossier.call.slug, "pk": dossier.pk},
            )
            if done
            else ""
        ),
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def dossier_list(request, slug):
    call = get_object_or_404(Call, slug=slug)
    form = DossierRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request_dossier(
            call,
            include_scores=form.cleaned_data["include_scores"],
            actor=request.user,
        )
        messages.success(
            request,
            _("The dossier is being built. This page shows its progress."),
        )
        return redirect("jury_bo:dossiers", slug=call.slug)
    dossiers = list(dossiers_for_call(call)[:RECENT_DOSSIERS])
    for dossier in dossiers:
        dossier.call = call
    return render(
        request,
        "jury/dossiers_list.html",
        {
            "call": call,
            "form": form,
            "dossiers": dossiers,
            "running": any(not dossier.is_finished for dossier in dossiers),
            "application_count": dossier_applications(call).count(),
        },
    )


@require_GET
@organiser_required
def dossier_status(request, slug, pk):
    return JsonResponse(_status(_dossier_or_404(slug, pk)))


@require_GET
@organiser_required
def dossier_download(request, slug, pk):
    dossier = _dossier_or_404(slug, pk)
    if dossier.state != RunState.DONE or not dossier.file:
        raise Http404
    try:
        handle = dossier.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    record_dossier_download(dossier, actor=request.user)
    filename = f"dossier-jury-{dossier.call.slug}-{dossier.pk}.zip"
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/zip"
    )


# Juror pages (under /jury/) and organisers' pages (under /gestion/jury/).
urls = []
backoffice_urls = [
    path("<slug:slug>/dossiers/", dossier_list, name="dossiers"),
    path("<slug:slug>/dossiers/<int:pk>/etat/", dossier_status, name="dossier_status"),
    path(
        "<slug:slug>/dossiers/<int:pk>/telecharger/",
        dossier_download,
        name="dossier_download",
    ),
]
