"""The public Project pages, under ``/projets/``: the list and each page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from ..selectors.projects import (
    datasets_used,
    project_filter,
    project_page,
    theme_labels,
)

PER_PAGE = 24


@require_GET
def project_list(request):
    filterset = project_filter(request.GET)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    for project in page.object_list:
        project.datasets_used = datasets_used(project)
        project.theme_labels = theme_labels(project)
    return render(
        request, "workshops/project_list.html", {"filter": filterset, "page": page}
    )


@require_GET
def project_detail(request, slug):
    return render(
        request, "workshops/project_detail.html", {"page": project_page(slug)}
    )


urls = [
    path("", project_list, name="list"),
    path("<slug:slug>/", project_detail, name="detail"),
]
