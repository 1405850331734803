"""The demo jury (seed_demo's jury part, after the applications).

The closed first wave gets its jury of six with their declarations, declared
and detected conflicts, a complete assignment (3 jurors per application,
loads within one, no conflicted pair), submitted score sheets from jurors of
different severity (the residents' representative lenient, the external
expert severe) and its decisions, released on the results date. The open
wave gets its declared jury and, for its admissible applications, an
assignment in progress with a few draft sheets; its phase is left as it is.

Idempotent and fast: rows are found by their natural keys, and a call that
already has assignments keeps them (and their sheets) as they are.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from ..enums import DECISION_STATES, CallPhase
from ..filters import ADMISSIBLE_STATES
from ..models import Application, Call
from .enums import BLOCKING_CONFLICT_STATUSES, ConflictSource, ConflictStatus
from .models import (
    Assignment,
    Conflict,
    Criterion,
    Decision,
    Grid,
    JuryMembership,
    Score,
    ScoreSheet,
)

PARIS = ZoneInfo("Europe/Paris")

# Email of each demo juror → organisation, themes, other interests declared.
JURORS = {
    "jury.mairie@demo.openbatignolles.fr": (
        "Mairie du 17e arrondissement",
        ["mobility", "tranquillity"],
        "",
    ),
    "jury.parisandco@demo.openbatignolles.fr": (
        "Paris&Co",
        ["mobility", "parking"],
        "Paris&Co accompagne plusieurs start-up du quartier dans son incubateur.",
    ),
    "jury.cci@demo.openbatignolles.fr": (
        "CCI Paris Île-de-France",
        ["parking", "cleanliness"],
        "",
    ),
    "jury.upciti@demo.openbatignolles.fr": (
        "Upciti",
        ["energy", "pedestrian_flows"],
        "Upciti fournit les capteurs du programme et travaille avec des éditeurs "
        "de maquettes 3D.",
    ),
    "jury.expert@demo.openbatignolles.fr": (
        "Université Paris Cité, laboratoire de sciences urbaines",
        ["tranquillity", "energy"],
        "",
    ),
    "jury.habitants@demo.openbatignolles.fr": (
        "Conseil de quartier Batignolles – Cardinet",
        ["cleanliness", "tranquillity"],
        "",
    ),
}
LENIENT = "jury.habitants@demo.openbatignolles.fr"
SEVERE = "jury.expert@demo.openbatignolles.fr"

# How good each final state's applications were, on the 0-5 scale.
QUALITY = {"retained": 4, "waiting_list": 3, "not_retained": 2}

CRITERION_COMMENTS = [
    "Répond à un vrai besoin des habitants du quartier.",
    "Démarche claire, indicateurs bien choisis.",
    "Les données demandées sont justifiées et minimisées.",
    "La protection de la vie privée est bien pensée.",
    "Le calendrier jusqu'au DemoDay paraît ambitieux.",
    "Le lien avec les commerçants reste à construire.",
    "Peu de détails sur l'implication des habitants.",
]
OVERALL_COMMENTS = [
    "Projet solide, utile au quartier ; je recommande de le soutenir.",
    "Idée intéressante, mais la faisabilité d'ici février reste à démontrer.",
    "Dossier clair et honnête sur ses limites.",
    "Bonne équipe ; le modèle économique mérite d'être précisé.",
]
MOTIVATIONS = {
    "retained": "Classé dans le premier tiers par le jury, sans désaccord fort.",
    "waiting_list": "Bon dossier, classé juste après les projets retenus.",
    "not_retained": "Score du jury insuffisant au regard des autres candidatures.",
}


def _paris(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def _grid(call):
    """Return the call's grid version 1, made from its JSON grid if missing."""
    grid, created = Grid.objects.get_or_create(call=call, version=1)
    if created:
        for position, item in enumerate(call.grid or []):
            Criterion.objects.create(
                grid=grid,
                key=str(item.get("key") or f"criterion-{position + 1}")[:60],
                label_fr=str(item.get("label_fr", ""))[:200],
                label_en=str(item.get("label_en", ""))[:200],
                weight=int(item.get("weight") or 0),
                position=position,
            )
    return grid


def _seed_memberships(call, jurors, *, declared_at):
    memberships = []
    for user in jurors:
        organisation, themes, statement = JURORS.get(user.email, ("", [], ""))
        membership, _created = JuryMembership.objects.get_or_create(
            call=call, user=user
        )
        if membership.declared_at is None:
            membership.organisation = organisation
            membership.themes = themes
            membership.conflict_statement = statement
            membership.declared_at = declared_at
            membership.save(
                update_fields=[
                    "organisation",
                    "themes",
                    "conflict_statement",
                    "declared_at",
                ]
            )
        memberships.append(membership)
    return memberships


def _conflict(membership, application, **fields):
    if membership is None or application is None:
        return
    Conflict.objects.get_or_create(
        membership=membership,
        application=application,
        source=fields.pop("source"),
        defaults=fields,
    )


def balanced_assignment(applications, memberships, *, k, blocked):
    """Return ``[(membership, application)]``: ``k`` jurors per application,
    never a ``blocked`` pair ``(membership.pk, application.pk)``, each time the
    least loaded eligible jurors (then the first in the list), so loads stay
    within one when the conflicts allow it."""
    loads = {membership.pk: 0 for membership in memberships}
    pairs = []
    for application in applications:
        eligible = [m for m in memberships if (m.pk, application.pk) not in blocked]
        eligible.sort(key=lambda m: loads[m.pk])
        for membership in eligible[:k]:
            loads[membership.pk] += 1
            pairs.append((membership, application))
    return pairs


def _blocked(call):
    return set(
        Conflict.objects.filter(
            membership__call=call, status__in=BLOCKING_CONFLICT_STATUSES
        ).values_list("membership_id", "application_id")
    )


def _value(rng, *, quality, email):
    """A score on 0-5 around ``quality``, shifted by the juror's severity."""
    value = quality + rng.choice([-1, 0, 0, 1])
    if email == LENIENT:
        return min(5, max(4, value + 1))
    if email == SEVERE:
        return min(3, max(1, value - 1))
    return min(5, max(0, value))


def _seed_sheet(assignment, grid, criteria, *, rng, quality, at, submitted, filled):
    sheet, created = ScoreSheet.objects.get_or_create(
        assignment=assignment,
        defaults={
            "grid": grid,
            "created_at": at - datetime.timedelta(hours=2),
            "updated_at": at,
            "submitted_at": at if submitted else None,
            "overall_comment": rng.choice(OVERALL_COMMENTS) if submitted else "",
        },
    )
    if not created:
        return sheet
    email = assignment.membership.user.email
    scores = []
    for position, criterion in enumerate(criteria[:filled]):
        # "Not applicable" now and then, on collaboration or impact.
        not_applicable = position in (4, 5) and rng.random() < 0.15
        scores.append(
            Score(
                sheet=sheet,
                criterion=criterion,
                value=None
                if not_applicable
                else min(
                    criterion.scale_max, _value(rng, quality=quality, email=email)
                ),
                not_applicable=not_applicable,
                comment=(
                    "Sans objet pour ce projet."
                    if not_applicable
                    else (
                        CRITERION_COMMENTS[position % len(CRITERION_COMMENTS)]
                        if rng.random() < 0.4
                        else ""
                    )
                ),
            )
        )
    Score.objects.bulk_create(scores)
    return sheet


def _seed_first_wave(call, jurors, organiser):
    review_start = _paris(2025, 10, 1, 9)
    results_at = _paris(2025, 10, 24, 10)
    if call.phase != CallPhase.RELEASED:
        Call.objects.filter(pk=call.pk).update(
            phase=CallPhase.RELEASED, phase_changed_at=results_at
        )
    memberships = _seed_memberships(
        call, jurors, declared_at=review_start - datetime.timedelta(days=2)
    )
    by_email = {m.user.email: m for m in memberships}
    applications = list(
        Application.objects.filter(call=call, state__in=ADMISSIBLE_STATES).order_by(
            "reference"
        )
    )
    by_ref = {a.reference: a for a in applications}
    # Declared: the sensor maker works with the 3D-twin start-up.
    _conflict(
        by_email.get("jury.upciti@demo.openbatignolles.fr"),
        by_ref.get("AMI1-0008"),
        source=ConflictSource.DECLARED,
        status=ConflictStatus.CONFIRMED,
        detail=(
            "Upciti a fourni à Volumetrix les plans d'implantation des capteurs ; "
            "un partenariat commercial est en discussion."
        ),
        created_at=review_start - datetime.timedelta(days=2),
    )
    # Detected, still to be checked: the incubator named as a partner.
    _conflict(
        by_email.get("jury.parisandco@demo.openbatignolles.fr"),
        by_ref.get("AMI1-0001"),
        source=ConflictSource.NAMED_PARTNER,
        status=ConflictStatus.PENDING,
        detail="Paris&Co est cité comme partenaire dans la candidature.",
        created_at=review_start - datetime.timedelta(days=1),
    )
    # Detected, dismissed with a reason.
    _conflict(
        by_email.get("jury.cci@demo.openbatignolles.fr"),
        by_ref.get("AMI1-0004"),
        source=ConflictSource.SAME_EMAIL_DOMAIN,
        status=ConflictStatus.DISMISSED,
        detail="Même domaine de messagerie : cci-paris-idf.fr",
        resolution_reason=(
            "Le membre de l'équipe est un ancien conseiller de la CCI, parti en "
            "2023 ; l'adresse n'est plus utilisée. Pas de lien d'intérêt."
        ),
        resolved_by=organiser,
        resolved_at=review_start - datetime.timedelta(hours=20),
        created_at=review_start - datetime.timedelta(days=1),
    )
    grid = _grid(call)
    criteria = list(grid.criteria.all())
    if not Assignment.objects.filter(application__call=call).exists():
        rng = random.Random(2025)
        pairs = balanced_assignment(
            applications,
            memberships,
            k=call.reviewers_per_application,
            blocked=_blocked(call),
        )
        first_at = None
        for number, (membership, application) in enumerate(pairs):
            assignment = Assignment.objects.create(
                membership=membership,
                application=application,
                created_by=organiser,
                created_at=review_start - datetime.timedelta(hours=12),
            )
            at = review_start + datetime.timedelta(days=2 + number % 15, hours=3)
            first_at = at if first_at is None else min(first_at, at)
            _seed_sheet(
                assignment,
                grid,
                criteria,
                rng=rng,
                quality=QUALITY.get(application.state, 3),
                at=at,
                submitted=True,
                filled=len(criteria),
            )
        if first_at and grid.locked_at is None:
            Grid.objects.filter(pk=grid.pk).update(locked_at=first_at)
    for application in applications:
        if application.state not in DECISION_STATES:
            continue
        Decision.objects.get_or_create(
            application=application,
            defaults={
                "outcome": application.state,
                "motivation": MOTIVATIONS[application.state],
                "feedback": application.decision_feedback
                or MOTIVATIONS[application.state],
                "decided_by": organiser,
                "decided_at": results_at - datetime.timedelta(days=2),
                "released_at": results_at,
            },
        )


def _seed_open_wave(call, jurors, organiser):
    now = timezone.now()
    memberships = _seed_memberships(
        call, jurors, declared_at=call.opens_at + datetime.timedelta(days=3)
    )
    applications = list(
        Application.objects.filter(call=call, state__in=ADMISSIBLE_STATES).order_by(
            "reference"
        )
    )
    if not applications or Assignment.objects.filter(application__call=call).exists():
        return
    grid = _grid(call)
    criteria = list(grid.criteria.all())
    rng = random.Random(2026)
    pairs = balanced_assignment(
        applications,
        memberships,
        k=call.reviewers_per_application,
        blocked=_blocked(call),
    )
    drafts = 0
    for number, (membership, application) in enumerate(pairs):
        assignment = Assignment.objects.create(
            membership=membership,
            application=application,
            created_by=organiser,
            created_at=now - datetime.timedelta(days=1),
        )
        # A few drafts begun, none submitted: the review is in progress.
        if number % 4 == 0 and drafts < 4:
            drafts += 1
            _seed_sheet(
                assignment,
                grid,
                criteria,
                rng=rng,
                quality=3,
                at=now - datetime.timedelta(hours=number + 1),
                submitted=False,
                filled=3,
            )
    if drafts and grid.locked_at is None:
        Grid.objects.filter(pk=grid.pk).update(
            locked_at=now - datetime.timedelta(hours=len(pairs) + 1)
        )


def seed_jury(*, accounts, days=21, stdout=None):
    """Seed the demo jury of both waves (see the module's docstring)."""
    jurors = accounts["jurors"]
    organiser = accounts["organisers"][0]
    calls = {
        call.slug: call for call in Call.objects.filter(slug__in=["ami-1", "ami-2"])
    }
    with transaction.atomic():
        if "ami-1" in calls:
            _seed_first_wave(calls["ami-1"], jurors, organiser)
        if "ami-2" in calls:
            _seed_open_wave(calls["ami-2"], jurors, organiser)
    if stdout is not None:
        stdout.write(
            "Jury: {members} seats, {assignments} assignments, {sheets} submitted "
            "sheets, {decisions} decisions.".format(
                members=JuryMembership.objects.filter(call__in=calls.values()).count(),
                assignments=Assignment.objects.filter(
                    application__call__in=calls.values()
                ).count(),
                sheets=ScoreSheet.objects.filter(
                    assignment__application__call__in=calls.values(),
                    submitted_at__isnull=False,
                ).count(),
                decisions=Decision.objects.filter(
                    application__call__in=calls.values()
                ).count(),
            )
        )
