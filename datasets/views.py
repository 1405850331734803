from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Dataset


@require_GET
def catalogue(request):
    datasets = Dataset.objects.published()
    return render(request, "datasets/dataset_list.html", {"datasets": datasets})
