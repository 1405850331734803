from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import Call


@require_GET
def call_list(request):
    calls = Call.objects.published()
    return render(
        request,
        "applications/call_list.html",
        {"calls": calls, "now": timezone.now()},
    )
