"""Public DemoDay pages: programme (+ PDF), audience vote, results, and the
DemoDay jury's scoring pages (signed-in jurors the organiser named)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applications.enums import Theme

from ..draw import THEME_ORDER
from ..forms.demoday import PitchScoreForm, VoteForm
from ..models import PitchScore, Vote
from ..permissions_demoday import can_score_pitches, is_demoday_juror
from ..selectors import demoday as selectors
from ..services.demoday import DemoDayError, draw_inputs
from ..services.demoday_pdf import programme_pdf_bytes
from ..services.demoday_results import (
    NOT_APPLICABLE,
    VoteError,
    cast_vote,
    checked_in_registration,
    pitching_projects,
    record_pitch_scores,
    voting_is_open,
)


def _public_demoday(slug):
    return get_object_or_404(selectors.public_demodays(), slug=slug)


def draw_snippet(demoday):
    """The Python that re-runs the published draw, with its inputs written out."""
    projects, themes, _sessions = draw_inputs(demoday)
    lines = [
        "import random",
        "",
        f"seed = {demoday.draw_seed!r}",
        f"projects = sorted({sorted(projects)!r})",
        "random.Random(seed).shuffle(projects)",
    ]
    if themes is not None:
        lines += [
            f"themes = {dict(sorted(themes.items()))!r}",
            f"theme_order = {list(THEME_ORDER)!r}",
            "projects.sort(key=lambda slug: theme_order.index(themes[slug])",
            "              if themes[slug] in theme_order else len(theme_order))",
        ]
    lines.append("print(projects)")
    return "\n".join(lines)


@require_GET
def programme(request, slug):
    demoday = _public_demoday(slug)
    context = selectors.timetable_context(demoday)
    if demoday.order_published_at:
        context["snippet"] = draw_snippet(demoday)
        context["themes"] = [(value, label) for value, label in Theme.choices]
    context["now"] = timezone.now()
    context["voting_open"] = voting_is_open(demoday)
    return render(request, "workshops/demoday_detail.html", context)


@require_GET
def programme_pdf(request, slug):
    demoday = _public_demoday(slug)
    if not demoday.order_published_at:
        raise Http404
    pdf = programme_pdf_bytes(demoday, language=translation.get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{demoday.slug}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def vote(request, slug):
    demoday = _public_demoday(slug)
    if not demoday.order_published_at:
        raise Http404
    existing = Vote.objects.filter(demoday=demoday, voter=request.user).first()
    registration = checked_in_registration(demoday, request.user)
    is_open = voting_is_open(demoday)
    projects = pitching_projects(demoday).order_by("name", "id")
    form = VoteForm(request.POST or None, projects=projects)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cast_vote(demoday, form.cleaned_data["project"], user=request.user)
            except VoteError as exc:
                form.add_error(None, exc.messages[0])
                status = 400
            else:
                messages.success(request, _("Thank you: your vote is recorded."))
                return redirect("workshops:demoday_vote", slug=demoday.slug)
        else:
            status = 400
    return render(
        request,
        "workshops/demoday_vote.html",
        {
            "demoday": demoday,
            "form": form,
            "existing": existing,
            "checked_in": registration is not None,
            "voting_open": is_open,
        },
        status=status,
    )


@require_GET
def results(request, slug):
    demoday = _public_demoday(slug)
    published = demoday.results_published_at is not None
    rows = []
    if published:
        for result in selectors.published_results(demoday):
            rows.append(
                {
                    "result": result,
                    "project_url": selectors.reverse_or_none(
                        "projects:detail", result.project.slug
                    ),
                }
            )
    return render(
        request,
        "workshops/demoday_results.html",
        {
            "demoday": demoday,
            "published": published,
            "rows": rows,
            "prizes": [r for r in rows if r["result"].prize],
            "continuing": [r for r in rows if r["result"].continues],
        },
    )


# --- The DemoDay jury -----------------------------------------------------------


def _juror_demoday(request, slug):
    demoday = _public_demoday(slug)
    if not is_demoday_juror(request.user, demoday):
        raise Http404
    return demoday


@login_required
@require_GET
def jury_queue(request, slug):
    demoday = _juror_demoday(request, slug)
    slots = selectors.pitch_slots(demoday) if demoday.order_published_at else []
    scored = set(
        PitchScore.objects.filter(demoday=demoday, juror=request.user).values_list(
            "project_id", flat=True
        )
    )
    return render(
        request,
        "workshops/demoday_jury_queue.html",
        {
            "demoday": demoday,
            "slots": slots,
            "scored": scored,
            "can_score": can_score_pitches(request.user, demoday),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def jury_score(request, slug, project_slug):
    demoday = _juror_demoday(request, slug)
    project = get_object_or_404(pitching_projects(demoday), slug=project_slug)
    if not can_score_pitches(request.user, demoday):
        raise Http404
    criteria = list(demoday.criteria.all())
    initial = {
        s.criterion_id: NOT_APPLICABLE if s.not_applicable else str(s.value)
        for s in PitchScore.objects.filter(
            demoday=demoday, juror=request.user, project=project
        )
    }
    form = PitchScoreForm(
        request.POST or None, criteria=criteria, initial_scores=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record_pitch_scores(
                    demoday, project, juror=request.user, scores=form.scores()
                )
            except DemoDayError as exc:
                form.add_error(None, exc.messages[0])
                status = 400
            else:
                messages.success(request, _("Your scores are saved."))
                return redirect("workshops:demoday_jury", slug=demoday.slug)
        else:
            status = 400
    return render(
        request,
        "workshops/demoday_jury_score.html",
        {"demoday": demoday, "project": project, "form": form},
        status=status,
    )
