"""The DemoDay's jury scores, audience vote and results."""

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from ..enums import SlotKind
from ..models import (
    DemoDay,
    DemoDayCriterion,
    DemoDayJuror,
    DemoDayResult,
    PitchScore,
    Registration,
    Vote,
)
from .demoday import DemoDayError

NOT_APPLICABLE = "na"


class VoteError(DemoDayError):
    """An audience vote that is refused (a translated message)."""


def pitching_projects(demoday):
    """Return the Projects with a pitch in the DemoDay's running order."""
    from applications.models import Project

    return Project.objects.filter(
        demoday_slots__session__demoday=demoday, demoday_slots__kind=SlotKind.PITCH
    ).distinct()


# --- The jury -------------------------------------------------------------------


def add_juror(demoday, *, user, actor):
    """Name ``user`` a juror of the DemoDay. Raises ``DemoDayError`` when they
    already are one. Records ``demoday.juror_added``."""
    try:
        with transaction.atomic():
            juror = DemoDayJuror.objects.create(demoday=demoday, user=user)
            record_event(
                "demoday.juror_added",
                actor=actor,
                target=demoday,
                data={"user": user.pk},
            )
    except IntegrityError as exc:
        raise DemoDayError(_("This person is already a juror of the DemoDay.")) from exc
    return juror


def remove_juror(juror, *, actor):
    """Remove a juror who has not scored yet. Records ``demoday.juror_removed``."""
    with transaction.atomic():
        if PitchScore.objects.filter(
            demoday_id=juror.demoday_id, juror_id=juror.user_id
        ).exists():
            raise DemoDayError(_("This juror has already scored: they stay."))
        record_event(
            "demoday.juror_removed",
            actor=actor,
            target=juror.demoday,
            data={"user": juror.user_id},
        )
        juror.delete()


def record_pitch_scores(demoday, project, *, juror, scores, now=None):
    """Record ``juror``'s scores of ``project``'s pitch.

    ``scores`` maps each criterion id to an integer (0 to its highest score),
    ``NOT_APPLICABLE``, or None (not scored: any earlier score is removed).
    Raises ``DemoDayError`` when the person is not a juror of the DemoDay, the
    Project does not pitch, scoring is closed (the results are published) or a
    value is out of range. Records ``demoday.pitch_scored``.
    """
    now = now or timezone.now()
    if not DemoDayJuror.objects.filter(demoday=demoday, user=juror).exists():
        raise DemoDayError(_("You are not a juror of this DemoDay."))
    if demoday.results_published_at:
        raise DemoDayError(_("The results are published: scoring is closed."))
    if not pitching_projects(demoday).filter(pk=project.pk).exists():
        raise DemoDayError(_("This Project does not pitch at this DemoDay."))
    criteria = {c.pk: c for c in demoday.criteria.all()}
    cleaned = {}
    for key, value in scores.items():
        criterion = criteria.get(key)
        if criterion is None:
            raise DemoDayError(_("Unknown criterion."))
        if value is None or value == NOT_APPLICABLE:
            cleaned[key] = value
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise DemoDayError(_("Malformed score."))
        if not 0 <= value <= criterion.scale_max:
            raise DemoDayError(
                _("A score is between 0 and %(max)s.") % {"max": criterion.scale_max}
            )
        cleaned[key] = value
    with transaction.atomic():
        existing = {
            s.criterion_id: s
            for s in PitchScore.objects.select_for_update().filter(
                juror=juror, project=project, criterion__demoday=demoday
            )
        }
        for key, value in cleaned.items():
            row = existing.get(key)
            if value is None:
                if row is not None:
                    row.delete()
                continue
            na = value == NOT_APPLICABLE
            if row is None:
                PitchScore.objects.create(
                    demoday=demoday,
                    juror=juror,
                    project=project,
                    criterion_id=key,
                    value=None if na else value,
                    not_applicable=na,
                    updated_at=now,
                )
            else:
                row.value = None if na else value
                row.not_applicable = na
                row.updated_at = now
                row.save(update_fields=["value", "not_applicable", "updated_at"])
        record_event(
            "demoday.pitch_scored",
            actor=juror,
            target=demoday,
            data={
                "project": project.slug,
                "scores": {str(k): v for k, v in cleaned.items()},
            },
        )


# --- The audience vote ----------------------------------------------------------


def voting_is_open(demoday, *, now=None):
    """True inside the DemoDay's voting window."""
    now = now or timezone.now()
    return bool(
        demoday.voting_opens_at
        and demoday.voting_opens_at <= now < demoday.voting_closes_at
    )


def checked_in_registration(demoday, user):
    """Return ``user``'s checked-in registration at a session of the DemoDay
    (the earliest), or None."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.checked_in()
        .filter(workshop__demoday=demoday, user=user)
        .order_by("checked_in_at", "id")
        .first()
    )


def cast_vote(demoday, project, *, user, now=None):
    """Record ``user``'s audience vote for ``project``.

    Only people checked in at a session of the DemoDay, once each (the
    database refuses a second vote), during the voting window, for a Project
    that pitches. Raises ``VoteError``. Records ``demoday.vote_cast`` (without
    the Project: the vote is secret to the audit's readers).
    """
    now = now or timezone.now()
    if not voting_is_open(demoday, now=now):
        raise VoteError(_("The audience vote is not open."))
    registration = checked_in_registration(demoday, user)
    if registration is None:
        raise VoteError(_("Only attendees checked in at the DemoDay may vote."))
    if not pitching_projects(demoday).filter(pk=project.pk).exists():
        raise VoteError(_("This Project does not pitch at this DemoDay."))
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                demoday=demoday,
                voter=user,
                registration=registration,
                project=project,
                cast_at=now,
            )
            record_event("demoday.vote_cast", actor=user, target=demoday)
    except IntegrityError as exc:
        raise VoteError(_("You have already voted.")) from exc
    return vote


def vote_counts(demoday):
    """Return ``{project_id: votes}`` of the DemoDay's audience vote."""
    return dict(
        Vote.objects.filter(demoday=demoday)
        .values("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )


# --- Results --------------------------------------------------------------------


def save_results(demoday, *, rows, actor):
    """Save the results: ``rows`` maps a pitching Project to a dict of
    ``prize``, ``prize_en``, ``rank`` and ``continues``. The audience votes
    are counted in. Records ``demoday.results_saved``."""
    pitching = set(pitching_projects(demoday).values_list("pk", flat=True))
    counts = vote_counts(demoday)
    with transaction.atomic():
        for project, values in rows.items():
            if project.pk not in pitching:
                raise DemoDayError(_("This Project does not pitch at this DemoDay."))
            DemoDayResult.objects.update_or_create(
                demoday=demoday,
                project=project,
                defaults={
                    "prize": values.get("prize", ""),
                    "prize_en": values.get("prize_en", ""),
                    "rank": values.get("rank"),
                    "continues": bool(values.get("continues")),
                    "audience_votes": counts.get(project.pk, 0),
                },
            )
        record_event(
            "demoday.results_saved",
            actor=actor,
            target=demoday,
            data={p.slug: {**v, "rank": v.get("rank")} for p, v in rows.items()},
        )


def publish_results(demoday, *, actor, now=None):
    """Publish the results (prizes, audience votes, who continues).

    Refused while the audience vote is open or when no result is saved. The
    final vote counts are written in. Records ``demoday.results_published``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        demoday = DemoDay.objects.select_for_update().get(pk=demoday.pk)
        if demoday.results_published_at:
            raise DemoDayError(_("The results are already published."))
        if demoday.voting_closes_at and now < demoday.voting_closes_at:
            raise DemoDayError(
                _("The audience vote is not closed yet: publish after it closes.")
            )
        results = list(DemoDayResult.objects.filter(demoday=demoday))
        if not results:
            raise DemoDayError(_("Save the results before publishing them."))
        counts = vote_counts(demoday)
        for result in results:
            result.audience_votes = counts.get(result.project_id, 0)
            result.save(update_fields=["audience_votes"])
        demoday.results_published_at = now
        demoday.save(update_fields=["results_published_at"])
        record_event("demoday.results_published", actor=actor, target=demoday)
    return demoday


def save_demoday_grid(demoday, *, criteria, actor):
    """Replace the DemoDay's grid with ``criteria`` (dicts of ``key``,
    ``label_fr``, ``label_en``, ``weight``; each scored 0-5).

    Refused once a juror has scored: the grid is then locked, as the jury's.
    Records ``demoday.grid_saved``.
    """
    with transaction.atomic():
        DemoDay.objects.select_for_update().get(pk=demoday.pk)
        if PitchScore.objects.filter(demoday=demoday).exists():
            raise DemoDayError(
                _("Jurors have already scored with this grid: it can no longer change.")
            )
        before = list(demoday.criteria.values("key", "label_fr", "label_en", "weight"))
        demoday.criteria.all().delete()
        DemoDayCriterion.objects.bulk_create(
            DemoDayCriterion(
                demoday=demoday,
                key=item["key"],
                label_fr=item["label_fr"],
                label_en=item.get("label_en", ""),
                weight=item["weight"],
                position=position,
            )
            for position, item in enumerate(criteria)
        )
        record_event(
            "demoday.grid_saved",
            actor=actor,
            target=demoday,
            before={"criteria": before},
            after={"criteria": list(criteria)},
        )
