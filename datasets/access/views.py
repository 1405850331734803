"""A project holder's pages: their grants, keys and usage (/donnees/mes-acces/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import charter, metering, selectors, services
from .forms import ApiKeyForm, KeyRotationForm


def _with_states(grants, now):
    """Label each grant and key with its state (``state``) for the pages."""
    for grant in grants:
        grant.state = selectors.access_state(grant, now)
        grant.key_rows = list(grant.keys.all())
        for key in grant.key_rows:
            key.state = selectors.access_state(key, now)
    return grants


@login_required
@require_GET
def access_list(request):
    return _access_list_page(request)


def _access_list_page(request, *, failed=None):
    """The holder's grants and keys; ``failed``: ``(grant_pk, name, errors)``
    of a key that could not be created, shown on its form with the name kept
    (answered 400)."""
    now = timezone.now()
    grants = _with_states(list(selectors.grants_of(request.user)), now)
    usage = metering.usage_of_grants(grants)
    signed = charter.signed_projects([g.project_id for g in grants if g.project_id])
    for grant in grants:
        grant.usage = usage[grant.pk]
        grant.usage_chart_id = f"usage-{grant.pk}"
        grant.charter_signed = grant.project_id is None or grant.project_id in signed
        grant.key_form = ApiKeyForm(grant=grant, auto_id=f"id_grant{grant.pk}_%s")
        if failed and failed[0] == grant.pk:
            grant.key_form = failed[1]
    return render(
        request,
        "access/grant_list.html",
        {"grants": grants, "now": now},
        status=400 if failed else 200,
    )


def _token_page(request, key, token, *, rotated=None):
    """The only page that ever shows ``token``: rendered from the POST that
    created it, never stored, never cached."""
    grant = key.grant
    first = grant.datasets.order_by("position", "slug").first()
    response = render(
        request,
        "access/key_token.html",
        {
            "key": key,
            "token": token,
            "rotated": rotated,
            "now": timezone.now(),
            "readings_url": request.build_absolute_uri(reverse("api:readings")),
            "example_dataset": first.slug if first else "pedestrian-flows",
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def key_create(request, pk):
    grant = selectors.grant_of_holder(request.user, pk)
    form = ApiKeyForm(request.POST, grant=grant, auto_id=f"id_grant{grant.pk}_%s")
    if form.is_valid():
        try:
            key, token = services.issue_api_key(
                grant,
                name=form.cleaned_data["name"],
                actor=request.user,
                datasets=form.cleaned_data["datasets"],
                expires_at=form.expires_at,
                allowed_networks=form.cleaned_data["allowed_networks"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _token_page(request, key, token)
    return _access_list_page(request, failed=(grant.pk, form))


@login_required
@require_http_methods(["GET", "POST"])
def key_rotate(request, pk):
    key = selectors.key_of_holder(request.user, pk)
    form = KeyRotationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new_key, token = services.rotate_api_key(
                key, actor=request.user, overlap=form.overlap()
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("access:access_list")
        key.refresh_from_db(fields=["expires_at"])
        return _token_page(request, new_key, token, rotated=key)
    return render(
        request,
        "access/key_confirm.html",
        {"key": key, "action": "rotate", "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_revoke(request, pk):
    key = selectors.key_of_holder(request.user, pk)
    if request.method == "POST":
        services.revoke_api_key(key, actor=request.user)
        messages.success(
            request,
            _("The key %(prefix)s is revoked: it is refused from now on.")
            % {"prefix": key.prefix},
        )
        return redirect("access:access_list")
    return render(request, "access/key_confirm.html", {"key": key, "action": "revoke"})
