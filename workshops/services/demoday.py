"""The DemoDay: the event, its sessions, and its running order (seeded draw)."""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Project
from portal.audit.services import record_event

from ..draw import TimetableOverflow, draw_order, plan_timetable
from ..enums import SlotKind, WorkshopKind, WorkshopState
from ..models import DemoDay, DemoDayCriterion, DemoDayPlan, Slot, Workshop
from ..tasks import render_demoday_programme_task

DEMODAY_FIELDS = (
    "slug",
    "title",
    "title_en",
    "description",
    "description_en",
    "voting_opens_at",
    "voting_closes_at",
)
SESSION_FIELDS = (
    "slug",
    "title",
    "title_en",
    "room",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
)
SEED_MAX_LENGTH = 64

# The DemoDay grid every new DemoDay starts with (weights out of 100).
DEFAULT_CRITERIA = (
    (
        "results",
        "Résultats obtenus depuis l’appel",
        "Results achieved since the call",
        30,
    ),
    ("usefulness", "Utilité pour les habitants", "Usefulness to residents", 30),
    ("responsibility", "Responsabilité et sobriété", "Responsibility and sobriety", 20),
    ("pitch", "Clarté de la présentation", "Clarity of the pitch", 20),
)

AUDIT_LABELS = {
    "demoday.created": _("DemoDay created"),
    "demoday.updated": _("DemoDay updated"),
    "demoday.session_saved": _("DemoDay session saved"),
    "demoday.plan_saved": _("Running-order settings saved"),
    "demoday.order_drawn": _("Running order drawn"),
    "demoday.order_published": _("Running order published"),
    "demoday.grid_saved": _("DemoDay grid saved"),
    "demoday.juror_added": _("DemoDay juror named"),
    "demoday.juror_removed": _("DemoDay juror removed"),
    "demoday.pitch_scored": _("Pitch scored"),
    "demoday.vote_cast": _("Audience vote cast"),
    "demoday.results_saved": _("Results saved"),
    "demoday.results_published": _("Results published"),
}


class DemoDayError(ValidationError):
    """A DemoDay change that is not allowed (a translated message)."""


def _check_voting_window(opens_at, closes_at):
    if (opens_at is None) != (closes_at is None):
        raise DemoDayError(_("Give both ends of the voting window, or neither."))
    if opens_at is not None and closes_at <= opens_at:
        raise DemoDayError(_("The vote must close after it opens."))


def create_demoday(call, *, fields, actor):
    """Create the DemoDay of ``call`` with ``fields`` (``DEMODAY_FIELDS``).

    Its running order starts with the wave's active Projects and its jury
    grid with ``DEFAULT_CRITERIA``. Records ``demoday.created``.
    """
    _check_voting_window(fields.get("voting_opens_at"), fields.get("voting_closes_at"))
    with transaction.atomic():
        demoday = DemoDay(
            call=call, **{k: fields[k] for k in DEMODAY_FIELDS if k in fields}
        )
        demoday.save()
        plan = DemoDayPlan.objects.create(demoday=demoday)
        plan.projects.set(Project.objects.active().for_call(call))
        DemoDayCriterion.objects.bulk_create(
            DemoDayCriterion(
                demoday=demoday,
                key=key,
                label_fr=label_fr,
                label_en=label_en,
                weight=weight,
                position=position,
            )
            for position, (key, label_fr, label_en, weight) in enumerate(
                DEFAULT_CRITERIA
            )
        )
        record_event(
            "demoday.created", actor=actor, target=demoday, after={"slug": demoday.slug}
        )
    return demoday


def update_demoday(demoday, *, fields, actor):
    """Change the DemoDay's texts and voting window. Records ``demoday.updated``."""
    _check_voting_window(fields.get("voting_opens_at"), fields.get("voting_closes_at"))
    with transaction.atomic():
        changed = [k for k in DEMODAY_FIELDS if k in fields]
        for name in changed:
            setattr(demoday, name, fields[name])
        demoday.save(update_fields=changed)
        record_event("demoday.updated", actor=actor, target=demoday)
    return demoday


def plan_for(demoday):
    """Return the DemoDay's running-order settings, created on first use."""
    plan, _created = DemoDayPlan.objects.get_or_create(demoday=demoday)
    return plan


def _clear_draw(demoday):
    """Forget an unpublished draw whose inputs changed: it must be drawn again."""
    if Slot.objects.filter(session__demoday=demoday).exists() or demoday.draw_seed:
        Slot.objects.filter(session__demoday=demoday).delete()
        demoday.draw_seed = ""
        demoday.save(update_fields=["draw_seed"])


def save_session(demoday, session=None, *, fields, published, actor):
    """Create (``session`` None) or change a session of ``demoday``: a
    ``Workshop`` of kind DemoDay session, open to everyone.

    ``published`` puts it on the agenda (a published session stays published).
    A new session or new times forget an unpublished draw; once the running
    order is published, sessions are neither added nor moved. Raises
    ``DemoDayError`` when the room is already booked at that time. Records
    ``demoday.session_saved``.
    """
    creating = session is None
    moved = creating or any(
        name in fields and fields[name] != getattr(session, name)
        for name in ("starts_at", "ends_at")
    )
    if moved and demoday.order_published_at:
        raise DemoDayError(
            _("The running order is published: sessions are no longer added or moved.")
        )
    if creating:
        session = Workshop(
            kind=WorkshopKind.DEMODAY_SESSION, demoday=demoday, call=demoday.call
        )
    for name in SESSION_FIELDS:
        if name in fields:
            setattr(session, name, fields[name])
    if published and session.state == WorkshopState.DRAFT:
        session.state = WorkshopState.PUBLISHED
    if not creating:
        session.sequence += 1
        session.updated_at = timezone.now()
    try:
        session.validate_constraints()
    except ValidationError as exc:
        raise DemoDayError(exc.messages[0]) from exc
    try:
        with transaction.atomic():
            session.save()
            if moved:
                _clear_draw(demoday)
            record_event(
                "demoday.session_saved",
                actor=actor,
                target=session,
                data={"demoday": demoday.slug, "created": creating},
            )
    except IntegrityError as exc:
        # Another booking of the room committed between the check and the save.
        raise DemoDayError(
            _("This room is already booked for another workshop at that time.")
        ) from exc
    return session


def save_plan(demoday, *, projects, settings, actor):
    """Save which Projects pitch and how long each part lasts.

    ``settings`` holds ``pitch_minutes``, ``questions_minutes``,
    ``group_by_theme`` (on the DemoDay), ``break_every`` and ``break_minutes``
    (on its plan). Refused once the running order is published. Records
    ``demoday.plan_saved``.
    """
    if demoday.order_published_at:
        raise DemoDayError(_("The running order is published: it no longer changes."))
    projects = list(projects)
    for project in projects:
        if project.application.call_id != demoday.call_id:
            raise DemoDayError(_("Only Projects of the DemoDay's wave may pitch."))
    with transaction.atomic():
        plan = plan_for(demoday)
        for name in ("pitch_minutes", "questions_minutes", "group_by_theme"):
            setattr(demoday, name, settings[name])
        demoday.save(
            update_fields=["pitch_minutes", "questions_minutes", "group_by_theme"]
        )
        plan.break_every = settings["break_every"]
        plan.break_minutes = settings["break_minutes"]
        plan.save(update_fields=["break_every", "break_minutes"])
        plan.projects.set(projects)
        _clear_draw(demoday)
        record_event(
            "demoday.plan_saved",
            actor=actor,
            target=demoday,
            after={
                "projects": sorted(p.slug for p in projects),
                "pitch_minutes": demoday.pitch_minutes,
                "questions_minutes": demoday.questions_minutes,
                "break_every": plan.break_every,
                "break_minutes": plan.break_minutes,
                "group_by_theme": demoday.group_by_theme,
            },
        )
    return plan


def project_theme(project):
    """The theme a Project is grouped under: the first of its application's."""
    themes = project.application.themes or []
    return themes[0] if themes and isinstance(themes[0], str) else ""


def draw_inputs(demoday):
    """Return ``(projects by slug, themes by slug or None, sessions)``: what the
    draw reads, the same for the service and for the public snippet."""
    plan = plan_for(demoday)
    projects = {
        p.slug: p for p in plan.projects.select_related("application").order_by("slug")
    }
    themes = (
        {slug: project_theme(p) for slug, p in projects.items()}
        if demoday.group_by_theme
        else None
    )
    sessions = list(
        demoday.sessions.exclude(state=WorkshopState.CANCELLED).order_by(
            "starts_at", "id"
        )
    )
    return projects, themes, sessions


def _valid_seed(seed):
    if len(seed) > SEED_MAX_LENGTH or not seed.isprintable():
        raise DemoDayError(
            _("The seed is printable text of %(max)s characters at most.")
            % {"max": SEED_MAX_LENGTH}
        )
    return seed


def draw_running_order(demoday, *, seed="", actor):
    """Draw the running order under ``seed`` (a new random one when empty) and
    write the sessions' ``Slot`` rows with their times.

    Raises ``DemoDayError`` once the order is published, without Projects or
    sessions, or when the pitches do not fit in the sessions. Records
    ``demoday.order_drawn`` with the seed and the order.
    """
    if demoday.order_published_at:
        raise DemoDayError(_("The running order is published: it no longer changes."))
    seed = _valid_seed(seed.strip()) or secrets.token_hex(8)
    with transaction.atomic():
        demoday = DemoDay.objects.select_for_update().get(pk=demoday.pk)
        plan = plan_for(demoday)
        projects, themes, sessions = draw_inputs(demoday)
        if not projects:
            raise DemoDayError(_("Choose the Projects that pitch first."))
        if not sessions:
            raise DemoDayError(_("Add a session to the DemoDay first."))
        order = draw_order(list(projects), seed, themes=themes)
        try:
            planned = plan_timetable(
                order,
                [(s, s.starts_at, s.ends_at) for s in sessions],
                pitch_minutes=demoday.pitch_minutes,
                questions_minutes=demoday.questions_minutes,
                break_every=plan.break_every,
                break_minutes=plan.break_minutes,
            )
        except TimetableOverflow as exc:
            raise DemoDayError(
                _(
                    "The pitches do not fit in the session “%(session)s”: they "
                    "would end at %(time)s. Add a session, shorten the pitches "
                    "or lengthen the session."
                )
                % {
                    "session": exc.session.title,
                    "time": timezone.localtime(exc.ends_at).strftime("%H:%M"),
                }
            ) from exc
        Slot.objects.filter(session__demoday=demoday).delete()
        Slot.objects.bulk_create(
            Slot(
                session=item.session,
                position=item.position,
                kind=SlotKind.PITCH if item.kind == "pitch" else SlotKind.BREAK,
                project=projects.get(item.slug),
                starts_at=item.starts_at,
                ends_at=item.ends_at,
            )
            for item in planned
        )
        demoday.draw_seed = seed
        demoday.save(update_fields=["draw_seed"])
        record_event(
            "demoday.order_drawn",
            actor=actor,
            target=demoday,
            data={"seed": seed, "order": order},
        )
    return demoday


def publish_running_order(demoday, *, actor, now=None):
    """Publish the drawn running order (it no longer changes).

    Raises ``DemoDayError`` when nothing is drawn or it is already published.
    Records ``demoday.order_published``; the timetable's PDF is then rendered
    in the worker.
    """
    now = now or timezone.now()
    with transaction.atomic():
        demoday = DemoDay.objects.select_for_update().get(pk=demoday.pk)
        if demoday.order_published_at:
            raise DemoDayError(_("The running order is already published."))
        if (
            not demoday.draw_seed
            or not Slot.objects.filter(session__demoday=demoday).exists()
        ):
            raise DemoDayError(_("Draw the running order before publishing it."))
        demoday.order_published_at = now
        demoday.save(update_fields=["order_published_at"])
        record_event(
            "demoday.order_published",
            actor=actor,
            target=demoday,
            data={"seed": demoday.draw_seed},
        )
        transaction.on_commit(
            lambda: render_demoday_programme_task.delay(demoday_id=demoday.pk)
        )
    return demoday
