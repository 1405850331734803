"""A project holder's pages: their grants, keys and usage (/donnees/mes-acces/)."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
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


# The secret of a new key waits here between the POST that creates it and the
# GET that shows it (POST/redirect/GET: the Back button never offers to send
# the form again). The session holds only a random handle: its cookie is
# signed, not encrypted, and must never carry the secret.
TOKEN_SESSION_KEY = "access_new_key"
TOKEN_TTL_SECONDS = 300


def _token_cache_key(handle):
    return f"access:new-key:{handle}"


def _show_token_once(request, key, token, *, rotated=None):
    """Keep ``token`` for one GET of the key's page and redirect there."""
    handle = secrets.token_urlsafe(24)
    cache.set(
        _token_cache_key(handle),
        {"key": key.pk, "token": token, "rotated": rotated.pk if rotated else None},
        TOKEN_TTL_SECONDS,
    )
    request.session[TOKEN_SESSION_KEY] = handle
    return redirect("access:key_token", pk=key.pk)


@login_required
@require_GET
def key_token(request, pk):
    """The only page that ever shows a key's secret, once: the value is taken
    out of the cache as it is read, so a reload, the Back then Forward
    buttons or a second tab land on the list with a word instead."""
    key = selectors.key_of_holder(request.user, pk)
    handle = request.session.pop(TOKEN_SESSION_KEY, None)
    kept = None
    if handle:
        kept = cache.get(_token_cache_key(handle))
        cache.delete(_token_cache_key(handle))
    if not kept or kept["key"] != key.pk:
        messages.info(
            request,
            _(
                "The key %(prefix)s was shown once and cannot be shown again. "
                "If you did not copy it, revoke it and create another."
            )
            % {"prefix": f"obk_{key.prefix}_…"},
        )
        return redirect("access:access_list")
    rotated = None
    if kept["rotated"]:
        rotated = selectors.key_of_holder(request.user, kept["rotated"])
    grant = key.grant
    first = grant.datasets.order_by("position", "slug").first()
    response = render(
        request,
        "access/key_token.html",
        {
            "key": key,
            "token": kept["token"],
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
            return _show_token_once(request, key, token)
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
        return _show_token_once(request, new_key, token, rotated=key)
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
