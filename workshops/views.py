from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def agenda(request):
    return render(request, "workshops/agenda.html")
