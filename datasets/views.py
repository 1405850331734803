from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Dataset


@require_GET
def catalogue(request):
    datasets = Dataset.objects.published()
    return render(request, "datasets/dataset_list.html", {"datasets": datasets})


def plan(request):
    raise Http404  # the page comes in the next commit


def api_get_started(request):
    raise Http404  # the page comes in the next commit


def sensor_detail(request, code):
    raise Http404  # the page comes in the next commit


def feedback_thanks(request, code):
    raise Http404  # the page comes in the next commit


def dataset_detail(request, slug):
    raise Http404  # the page comes in the next commit
