"""The organisers' overview of the workshops (``/gestion/ateliers/``): the
agenda of every workshop and DemoDay session, the participation and no-show
figures, and emails to a workshop's participants."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.permissions import organiser_required

from ..forms.messages import ParticipantMessageForm
from ..models import Workshop
from ..selectors.overview import (
    agenda_filter,
    by_week,
    participation,
    participation_charts,
)
from ..services.messages import MessageError, email_participants, message_recipients


@require_GET
@organiser_required
def agenda(request):
    filterset = agenda_filter(request.GET)
    return render(
        request,
        "workshops/backoffice/agenda.html",
        {"filter": filterset, "weeks": by_week(filterset.qs)},
    )


@require_GET
@organiser_required
def participation_figures(request):
    filterset, rows = participation(request.GET)
    counts_chart, rate_chart = participation_charts(rows)
    return render(
        request,
        "workshops/backoffice/participation.html",
        {
            "filter": filterset,
            "rows": rows,
            "counts_chart": counts_chart,
            "rate_chart": rate_chart,
            "has_rates": any(row.no_show_rate is not None for row in rows),
        },
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def email_workshop_participants(request, slug):
    workshop = get_object_or_404(Workshop, slug=slug)
    form = ParticipantMessageForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "send" in request.POST:
            try:
                queued = email_participants(
                    workshop,
                    subject=data["subject"],
                    body=data["body"],
                    recipients=data["recipients"],
                    actor=request.user,
                )
            except MessageError as error:
                form.add_error(None, str(error))
            else:
                if queued:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d email queued.",
                            "%(count)d emails queued.",
                            queued,
                        )
                        % {"count": queued},
                    )
                else:
                    messages.info(
                        request,
                        _(
                            "This message had already been sent to everyone: "
                            "nothing new was queued."
                        ),
                    )
                return redirect("workshops_bo:email", slug=workshop.slug)
        else:
            recipients = message_recipients(workshop, data["recipients"])
            preview = {
                "subject": data["subject"],
                "body": data["body"],
                "count": len(recipients),
                "recipients": recipients,
            }
    return render(
        request,
        "workshops/backoffice/participants_email.html",
        {"workshop": workshop, "form": form, "preview": preview},
    )


urls = [
    path("agenda/", agenda, name="agenda"),
    path("participation/", participation_figures, name="participation"),
    path(
        "<slug:slug>/courriel/",
        email_workshop_participants,
        name="email",
    ),
]
