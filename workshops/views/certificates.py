"""Certificates of attendance: generated for a workshop by the worker (the
organisers' page follows the progress), downloaded by the participant,
verified by anyone from their code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.permissions import organiser_required
from portal.background import job_status

from ..forms.after import CertificateCodeForm
from ..models import Certificate, CertificateRun, Workshop
from ..selectors.after import attendance_counts
from ..services.certificates import (
    CertificateError,
    certificate_for_code,
    normalise_code,
    request_certificates,
)
from .common_wafter import client_ip, own_registration_or_404

RECENT_RUNS = 10
# Verification lookups per address and window: enough for a person, too few
# to walk the 32^10 codes.
VERIFY_LIMIT = 30
VERIFY_WINDOW = 600


def _run_status(run):
    return job_status(run, done=run.done, total=run.total)


@require_http_methods(["GET", "POST"])
@organiser_required
def certificate_runs(request, slug):
    workshop = get_object_or_404(Workshop, slug=slug)
    if request.method == "POST":
        try:
            request_certificates(workshop, actor=request.user)
        except CertificateError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "The certificates are being generated. "
                    "This page shows the progress."
                ),
            )
        return redirect("workshops_bo:certificates", slug=workshop.slug)
    runs = list(workshop.certificate_runs.select_related("requested_by")[:RECENT_RUNS])
    return render(
        request,
        "workshops/backoffice/certificate_runs.html",
        {
            "workshop": workshop,
            "runs": runs,
            "running": any(not run.is_finished for run in runs),
            "counts": attendance_counts(workshop),
            "issued": Certificate.objects.filter(registration__workshop=workshop)
            .exclude(file="")
            .count(),
        },
    )


@require_GET
@organiser_required
def certificate_run_status(request, slug, pk):
    run = get_object_or_404(CertificateRun, workshop__slug=slug, pk=pk)
    return JsonResponse(_run_status(run))


@require_GET
@login_required
def certificate_download(request, slug):
    registration = own_registration_or_404(request, slug, checked_in=True)
    certificate = Certificate.objects.filter(registration=registration).first()
    if certificate is None or not certificate.file:
        raise Http404
    try:
        handle = certificate.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"attestation-{registration.workshop.slug}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _over_limit(request):
    key = f"workshops:verify:{client_ip(request)}"
    cache.add(key, 0, VERIFY_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, VERIFY_WINDOW)
        count = 1
    return count > VERIFY_LIMIT


@require_GET
def certificate_lookup(request):
    """The form to type a code; a valid form leads to the code's page."""
    form = CertificateCodeForm(request.GET or None)
    if request.GET and form.is_valid():
        code = normalise_code(form.cleaned_data["code"]) or "-"
        return redirect(
            reverse("workshops:certificate_verify", kwargs={"code": code[:16]})
        )
    return render(
        request,
        "workshops/certificate_lookup.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def certificate_verify(request, code):
    """Confirm a certificate: its holder, workshop and date; the same answer
    for any unknown code, and a limit per address on lookups."""
    if _over_limit(request):
        return render(
            request,
            "workshops/certificate_verify.html",
            {"limited": True, "form": CertificateCodeForm()},
            status=429,
        )
    certificate = certificate_for_code(code)
    response = render(
        request,
        "workshops/certificate_verify.html",
        {
            "certificate": certificate,
            "code": normalise_code(code)[:16],
            "form": CertificateCodeForm(),
        },
        status=200 if certificate else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
