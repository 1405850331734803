"""The organisers' view of the outbox (/gestion/courriels/).

``BackOfficeMFAMiddleware`` already turned away users without a back-office
role and required two-factor authentication; each view here also requires the
organiser role (a jury member gets 403).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.permissions import organiser_required

from . import selectors, services
from .models import OutgoingEmail

PAGE_SIZE = 50


@require_GET
@organiser_required
def email_list(request):
    emails = selectors.emails_for_backoffice(request.GET)
    page = Paginator(emails.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outbox/outgoingemail_list.html",
        {"filter": emails, "page": page},
    )


@require_POST
@organiser_required
def email_retry(request, pk):
    email = get_object_or_404(OutgoingEmail, pk=pk)
    try:
        services.retry_email(email, actor=request.user)
    except services.OutboxError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The email to %(recipient)s is queued again.") % {"recipient": email.to},
        )
    return redirect("outbox_bo:email_list")
