from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from applications.selectors import call_milestones


@require_GET
def agenda(request):
    milestones = call_milestones(now=timezone.now())
    return render(
        request,
        "workshops/agenda.html",
        {
            "upcoming": [m for m in milestones if not m.is_past],
            "past": [m for m in milestones if m.is_past],
        },
    )
