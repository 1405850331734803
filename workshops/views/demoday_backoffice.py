"""The DemoDay's back office (organisers): event, sessions, running order,
jury, live audience count and results."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.backoffice_forms import GridFormSet
from portal.accounts.permissions import organiser_required
from portal.charts import chart, dataset

from ..enums import WorkshopKind
from ..forms.demoday import (
    DemoDayForm,
    DrawForm,
    JurorForm,
    PlanForm,
    ResultForm,
    SessionForm,
)
from ..models import DemoDay, DemoDayJuror, DemoDayResult, Workshop
from ..selectors import demoday as selectors
from ..services.demoday import (
    DEMODAY_FIELDS,
    SESSION_FIELDS,
    DemoDayError,
    create_demoday,
    draw_running_order,
    plan_for,
    publish_running_order,
    save_plan,
    save_session,
    update_demoday,
)
from ..services.demoday_results import (
    add_juror,
    publish_results,
    remove_juror,
    save_demoday_grid,
    save_results,
    vote_counts,
)


@require_GET
@organiser_required
def demoday_list(request):
    demodays = DemoDay.objects.select_related("call").annotate(
        session_count=Count("sessions", distinct=True)
    )
    return render(
        request, "workshops/backoffice/demoday_list.html", {"demodays": demodays}
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def demoday_create(request):
    form = DemoDayForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            demoday = create_demoday(
                form.cleaned_data["call"],
                fields={k: form.cleaned_data[k] for k in DEMODAY_FIELDS},
                actor=request.user,
            )
        except DemoDayError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The DemoDay is created."))
            return redirect("workshops_bo:demoday", slug=demoday.slug)
    return render(
        request,
        "workshops/backoffice/demoday_form.html",
        {"form": form, "demoday": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def demoday_edit(request, slug):
    demoday = get_object_or_404(DemoDay, slug=slug)
    form = DemoDayForm(request.POST or None, instance=demoday)
    if request.method == "POST" and form.is_valid():
        try:
            update_demoday(
                DemoDay.objects.get(pk=demoday.pk),
                fields={k: form.cleaned_data[k] for k in DEMODAY_FIELDS},
                actor=request.user,
            )
        except DemoDayError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The DemoDay is saved."))
            return redirect("workshops_bo:demoday", slug=form.cleaned_data["slug"])
    return render(
        request,
        "workshops/backoffice/demoday_form.html",
        {"form": form, "demoday": demoday},
        status=400 if form.errors else 200,
    )


@require_GET
@organiser_required
def demoday_detail(request, slug):
    demoday = get_object_or_404(DemoDay.objects.select_related("call"), slug=slug)
    sessions = demoday.sessions.select_related("room").annotate(
        registered=Count("registrations", distinct=True)
    )
    return render(
        request,
        "workshops/backoffice/demoday_detail.html",
        {
            "demoday": demoday,
            "sessions": sessions,
            "history": selectors.demoday_history(demoday),
        },
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def session_edit(request, slug, session_slug=None):
    demoday = get_object_or_404(DemoDay, slug=slug)
    if session_slug is None:
        session = Workshop(
            kind=WorkshopKind.DEMODAY_SESSION, demoday=demoday, call=demoday.call
        )
    else:
        session = get_object_or_404(
            Workshop.objects.demoday_sessions(), demoday=demoday, slug=session_slug
        )
    form = SessionForm(
        request.POST or None,
        instance=session,
        initial={"published": session.state == "published"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_session(
                demoday,
                # The form changed ``session`` in place: the service compares
                # with the stored row.
                None if session_slug is None else Workshop.objects.get(pk=session.pk),
                fields={k: form.cleaned_data[k] for k in SESSION_FIELDS},
                published=form.cleaned_data["published"],
                actor=request.user,
            )
        except DemoDayError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The session is saved."))
            return redirect("workshops_bo:demoday", slug=demoday.slug)
    return render(
        request,
        "workshops/backoffice/demoday_session_form.html",
        {"form": form, "demoday": demoday, "session": session},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def running_order(request, slug):
    demoday = get_object_or_404(DemoDay.objects.select_related("call"), slug=slug)
    plan = plan_for(demoday)
    form = PlanForm(
        request.POST or None,
        demoday=demoday,
        initial={
            "projects": list(plan.projects.all()),
            "pitch_minutes": demoday.pitch_minutes,
            "questions_minutes": demoday.questions_minutes,
            "break_every": plan.break_every,
            "break_minutes": plan.break_minutes,
            "group_by_theme": demoday.group_by_theme,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            save_plan(
                demoday,
                projects=data["projects"],
                settings={
                    k: data[k]
                    for k in (
                        "pitch_minutes",
                        "questions_minutes",
                        "break_every",
                        "break_minutes",
                        "group_by_theme",
                    )
                },
                actor=request.user,
            )
        except DemoDayError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The running-order settings are saved."))
            return redirect("workshops_bo:demoday_order", slug=demoday.slug)
    return render(
        request,
        "workshops/backoffice/demoday_order.html",
        {
            "demoday": demoday,
            "form": form,
            "draw_form": DrawForm(),
            "sessions": selectors.sessions_with_slots(demoday),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@organiser_required
def draw(request, slug):
    demoday = get_object_or_404(DemoDay, slug=slug)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["seed"][0])
    else:
        try:
            draw_running_order(
                demoday, seed=form.cleaned_data["seed"], actor=request.user
            )
        except DemoDayError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The running order is drawn."))
    return redirect("workshops_bo:demoday_order", slug=demoday.slug)


@require_POST
@organiser_required
def publish_order(request, slug):
    demoday = get_object_or_404(DemoDay, slug=slug)
    try:
        publish_running_order(demoday, actor=request.user)
    except DemoDayError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The running order is published."))
    return redirect("workshops_bo:demoday_order", slug=demoday.slug)


@require_http_methods(["GET", "POST"])
@organiser_required
def jury(request, slug):
    demoday = get_object_or_404(DemoDay, slug=slug)
    form = JurorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_juror(demoday, user=form.user, actor=request.user)
        except DemoDayError as exc:
            form.add_error("email", exc.messages[0])
        else:
            messages.success(request, _("The juror is named."))
            return redirect("workshops_bo:demoday_jury", slug=demoday.slug)
    jurors = demoday.jurors.select_related("user").order_by("added_at", "id")
    return render(
        request,
        "workshops/backoffice/demoday_jury.html",
        {
            "demoday": demoday,
            "form": form,
            "jurors": jurors,
            "criteria": list(demoday.criteria.all()),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def grid(request, slug):
    demoday = get_object_or_404(DemoDay, slug=slug)
    criteria = list(demoday.criteria.all())
    locked = demoday.pitch_scores.exists()
    if request.method == "POST" and not locked:
        formset = GridFormSet(request.POST, prefix="criteria")
        if formset.is_valid():
            try:
                save_demoday_grid(demoday, criteria=formset.grid(), actor=request.user)
            except DemoDayError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("The grid is saved."))
                return redirect("workshops_bo:demoday_jury", slug=demoday.slug)
    else:
        formset = GridFormSet(
            prefix="criteria",
            initial=[
                {
                    "key": c.key,
                    "label_fr": c.label_fr,
                    "label_en": c.label_en,
                    "weight": c.weight,
                }
                for c in criteria
            ],
        )
    return render(
        request,
        "workshops/backoffice/demoday_grid.html",
        {"demoday": demoday, "formset": formset, "locked": locked},
        status=400 if request.method == "POST" and not locked else 200,
    )


@require_POST
@organiser_required
def juror_remove(request, slug, pk):
    demoday = get_object_or_404(DemoDay, slug=slug)
    juror = get_object_or_404(DemoDayJuror, demoday=demoday, pk=pk)
    try:
        remove_juror(juror, actor=request.user)
    except DemoDayError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The juror is removed."))
    return redirect("workshops_bo:demoday_jury", slug=demoday.slug)


@require_http_methods(["GET", "POST"])
@organiser_required
def results(request, slug):
    demoday = get_object_or_404(DemoDay, slug=slug)
    slots = selectors.pitch_slots(demoday)
    projects = [slot.project for slot in slots]
    existing = {r.project_id: r for r in DemoDayResult.objects.filter(demoday=demoday)}
    forms = []
    for project in projects:
        result = existing.get(project.pk)
        initial = (
            {
                "prize": result.prize,
                "prize_en": result.prize_en,
                "rank": result.rank,
                "continues": result.continues,
            }
            if result
            else {}
        )
        forms.append(
            (
                project,
                ResultForm(
                    request.POST or None, prefix=f"p{project.pk}", initial=initial
                ),
            )
        )
    if request.method == "POST":
        if demoday.results_published_at:
            messages.error(
                request, _("The results are published: they no longer change.")
            )
            return redirect("workshops_bo:demoday_results", slug=demoday.slug)
        if all(form.is_valid() for _project, form in forms):
            try:
                save_results(
                    demoday,
                    rows={project: form.cleaned_data for project, form in forms},
                    actor=request.user,
                )
            except DemoDayError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("The results are saved."))
                return redirect("workshops_bo:demoday_results", slug=demoday.slug)
    counts = vote_counts(demoday)
    totals = selectors.jury_totals(demoday)
    rows = [
        {
            "project": project,
            "form": form,
            "votes": counts.get(project.pk, 0),
            "jury": totals.get(project.pk),
        }
        for project, form in forms
    ]
    votes_chart = chart(
        "bar",
        [project.name for project in projects],
        [dataset(_("Audience votes"), [counts.get(p.pk, 0) for p in projects])],
        integers=True,
        legend=False,
    )
    return render(
        request,
        "workshops/backoffice/demoday_results.html",
        {
            "demoday": demoday,
            "rows": rows,
            "votes_total": sum(counts.values()),
            "votes_chart": votes_chart,
        },
        status=400 if any(form.errors for _p, form in forms) else 200,
    )


@require_POST
@organiser_required
def results_publish(request, slug):
    demoday = get_object_or_404(DemoDay, slug=slug)
    try:
        publish_results(demoday, actor=request.user)
    except DemoDayError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The results are published."))
    return redirect("workshops_bo:demoday_results", slug=demoday.slug)
