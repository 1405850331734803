"""Reads of the DemoDay: the public programme, jury totals, results."""

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse

from applications.jury.calculations import mean, weighted_score
from portal.audit.sentences import event_sentence

from ..enums import SlotKind, WorkshopState
from ..models import DemoDay, DemoDayResult, PitchScore, Slot, Workshop


def public_demodays():
    """Return the DemoDays with at least one published session."""
    return DemoDay.objects.filter(sessions__state=WorkshopState.PUBLISHED).distinct()


def programme_sessions(demoday):
    """Return the DemoDay's published sessions in time order, their room and,
    once the running order is published, their slots with the Projects."""
    sessions = Workshop.objects.filter(
        demoday=demoday, state=WorkshopState.PUBLISHED
    ).select_related("room")
    if demoday.order_published_at:
        sessions = sessions.prefetch_related(
            Prefetch(
                "slots",
                queryset=Slot.objects.select_related("project").order_by("position"),
            )
        )
    return list(sessions.order_by("starts_at", "id"))


def pitch_slots(demoday):
    """Return the DemoDay's pitch slots in running order, with the Projects."""
    return list(
        Slot.objects.filter(session__demoday=demoday, kind=SlotKind.PITCH)
        .select_related("project", "session")
        .order_by("session__starts_at", "session_id", "position")
    )


def jury_totals(demoday):
    """Return ``{project_id: {"score": mean of the jurors' weighted scores
    (0-100) or None, "jurors": how many scored}}``, with the jury's arithmetic:
    "not applicable" left out, never counted as zero."""
    per_sheet = {}
    rows = PitchScore.objects.filter(demoday=demoday).select_related("criterion")
    for row in rows:
        per_sheet.setdefault((row.project_id, row.juror_id), []).append(
            (
                row.value,
                row.criterion.scale_max,
                row.criterion.weight,
                row.not_applicable,
            )
        )
    by_project = {}
    for (project_id, _juror), items in per_sheet.items():
        score = weighted_score(items)
        if score is not None:
            by_project.setdefault(project_id, []).append(float(score))
    return {
        project_id: {"score": round(mean(scores), 2), "jurors": len(scores)}
        for project_id, scores in by_project.items()
    }


def published_results(demoday):
    """Return the DemoDay's results with their Projects, ranked first."""
    return list(
        DemoDayResult.objects.filter(demoday=demoday)
        .select_related("project")
        .order_by("rank", "project__name", "id")
    )


def demoday_results_for_project(project):
    """Return the Project's published DemoDay results (newest DemoDay first),
    each with its DemoDay: for the public Project page."""
    return list(
        DemoDayResult.objects.filter(
            project=project, demoday__results_published_at__isnull=False
        )
        .select_related("demoday")
        .order_by("-demoday__results_published_at", "-id")
    )


def demoday_pitch_for_project(project):
    """Return the Project's pitch in the latest published running order (a
    ``Slot`` with its session and DemoDay), or None."""
    return (
        Slot.objects.filter(
            project=project,
            kind=SlotKind.PITCH,
            session__demoday__order_published_at__isnull=False,
            session__state=WorkshopState.PUBLISHED,
        )
        .select_related("session", "session__demoday")
        .order_by("-starts_at")
        .first()
    )


def sessions_with_slots(demoday):
    """Return every session of the DemoDay (drafts too, not cancelled ones) in
    time order, with their slots and Projects: the back office's view."""
    return list(
        Workshop.objects.filter(demoday=demoday)
        .exclude(state=WorkshopState.CANCELLED)
        .select_related("room")
        .prefetch_related(
            Prefetch(
                "slots",
                queryset=Slot.objects.select_related("project").order_by("position"),
            )
        )
        .order_by("starts_at", "id")
    )


def reverse_or_none(name, *args):
    """The URL of ``name`` or None while the page does not exist in this build
    (a Project page or a session page that may be missing)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def timetable_context(demoday):
    """The sessions and their slots as the programme page and its PDF show
    them, with the links that exist in this build."""
    sessions = programme_sessions(demoday)
    rows = []
    for session in sessions:
        slots = list(session.slots.all()) if demoday.order_published_at else []
        rows.append(
            {
                "session": session,
                "register_url": reverse_or_none(
                    "workshops:workshop_detail", session.slug
                ),
                "slots": [
                    {
                        "slot": slot,
                        "project_url": reverse_or_none(
                            "projects:detail", slot.project.slug
                        )
                        if slot.project
                        else None,
                    }
                    for slot in slots
                ],
            }
        )
    return {
        "demoday": demoday,
        "sessions": rows,
        "order_published": demoday.order_published_at is not None,
    }


def demoday_history(demoday, *, limit=30):
    """Return the DemoDay's latest audit events as ``(event, sentence)``, newest
    first: people read sentences, never event codes."""
    from django.contrib.contenttypes.models import ContentType

    from portal.audit.models import AuditEvent

    from ..services.demoday import AUDIT_LABELS

    events = (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(DemoDay),
            target_id=str(demoday.pk),
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        (event, str(AUDIT_LABELS.get(event.verb) or event_sentence(event)))
        for event in events
    ]
