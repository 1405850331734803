"""The demo workshops and DemoDays (seed_demo's workshops part, after the jury).

The first wave's history: the autumn 2025 co-construction workshops at the
Mairie du 17e or online, with their registrations, check-ins, minutes,
certificates and follow-up actions; the February 2026 DemoDay with its
session, running order (drawn from a published seed), the audience's votes
and published results. For the wave open now (dates computed from today):
upcoming workshops, one of them full with a waiting list, and the next
DemoDay with its registrations open.

Idempotent: rows are found by their natural keys (slugs, a person per
workshop, a certificate per registration...). The past is written once and
left alone; the open wave's dates follow today.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from applications.models import Call, Project
from portal.accounts.models import User
from portal.demo import demo_password

from .draw import draw_order
from .enums import (
    ActionStatus,
    Audience,
    InvitationAnswer,
    RegistrationState,
    Seat,
    SlotKind,
    Visibility,
    WorkshopFormat,
    WorkshopKind,
    WorkshopState,
)
from .models import (
    Certificate,
    DemoDay,
    DemoDayResult,
    FacilitatorBooking,
    FollowUpAction,
    Minutes,
    ProjectInvitation,
    Registration,
    Room,
    Slot,
    Vote,
    Workshop,
)
from .services.registration import recount_seats

PARIS = ZoneInfo("Europe/Paris")
MAIRIE = "Mairie du 17e, 16-20 rue des Batignolles, 75017 Paris"
ONLINE_URL = "https://visio.demo.openbatignolles.fr/atelier-{slug}"

# name → (capacity, access and accessibility)
ROOMS = {
    "Salle des fêtes": (
        120,
        "Rez-de-chaussée, accès de plain-pied, boucle magnétique.",
    ),
    "Salle Truffaut": (35, "1er étage, ascenseur depuis le hall."),
}

# A few more residents (they sign in with the demo password too).
GENERATED_RESIDENTS = [
    "Bernard Roux",
    "Nadia Belkacem",
    "Élodie Marchand",
    "Olivier Perrin",
    "Fatou Ndiaye",
    "Gabriel Masson",
    "Lucie Henry",
    "Rachid Amrani",
    "Margaux Vidal",
    "Théo Lemoine",
    "Agnès Caron",
    "Samuel Brun",
]


def _paris(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


# The first wave's autumn workshops: slug, French and English titles, theme,
# format, room (None: online), start, length in minutes, capacity, audience.
AUTUMN_WORKSHOPS = [
    (
        "2025-decouvrir-donnees-dtpr",
        "Découvrir les données et leurs fiches DTPR",
        "Discovering the data and its DTPR sheets",
        "",
        WorkshopFormat.IN_PERSON,
        "Salle des fêtes",
        _paris(2025, 11, 4, 18),
        120,
        40,
        Audience.BOTH,
    ),
    (
        "2025-protection-donnees-dpo",
        "La protection des données dès la conception, avec la DPO",
        "Privacy by design with the DPO",
        "",
        WorkshopFormat.ONLINE,
        None,
        _paris(2025, 11, 13, 12, 30),
        90,
        30,
        Audience.PROJECTS,
    ),
    (
        "2025-besoins-habitants-mobilite",
        "Les besoins des habitants : mobilité",
        "Residents' needs: mobility",
        "mobility",
        WorkshopFormat.IN_PERSON,
        "Salle Truffaut",
        _paris(2025, 11, 18, 18, 30),
        120,
        30,
        Audience.BOTH,
    ),
    (
        "2025-besoins-habitants-tranquillite",
        "Les besoins des habitants : tranquillité publique",
        "Residents' needs: public tranquillity",
        "tranquillity",
        WorkshopFormat.IN_PERSON,
        "Salle Truffaut",
        _paris(2025, 11, 25, 18, 30),
        120,
        30,
        Audience.BOTH,
    ),
    (
        "2025-test-prototypes-habitants",
        "Tester les prototypes avec les habitants",
        "Prototype testing with residents",
        "",
        WorkshopFormat.HYBRID,
        "Salle des fêtes",
        _paris(2025, 12, 9, 18),
        150,
        50,
        Audience.BOTH,
    ),
    (
        "2026-coaching-pitch-demoday",
        "Coaching pitch pour le DemoDay",
        "Pitch coaching for the DemoDay",
        "",
        WorkshopFormat.ONLINE,
        None,
        _paris(2026, 1, 20, 18),
        120,
        25,
        Audience.PROJECTS,
    ),
]

MINUTES = {
    "2025-decouvrir-donnees-dtpr": (
        "## Ce que nous avons vu\n\n"
        "- Les six jeux de données du quartier et leurs pas de temps.\n"
        "- La lecture d'une fiche DTPR : ce qui est mesuré, par qui, et ce qui "
        "n'est jamais collecté.\n\n## Décisions\n\n"
        "- Chaque projet relit la fiche DTPR des jeux qu'il utilise avant le "
        "prochain atelier."
    ),
    "2025-protection-donnees-dpo": (
        "## Points clés\n\n- Minimisation : agréger au plus tôt.\n"
        "- Aucune donnée nominative ne quitte le portail.\n"
        "- Une analyse d'impact pour les projets qui croisent plusieurs jeux."
    ),
    "2025-besoins-habitants-mobilite": (
        "## Ce que les habitants ont dit\n\n"
        "- Les livraisons en double file rue Cardinet aux heures de pointe.\n"
        "- Le manque d'information sur les places de livraison libres."
    ),
    "2025-besoins-habitants-tranquillite": (
        "## Ce que les habitants ont dit\n\n"
        "- Le bruit des terrasses l'été, place du Docteur-Félix-Lobligeois.\n"
        "- L'envie de voir les mesures de bruit en temps réel, pas seulement "
        "des moyennes."
    ),
    "2025-test-prototypes-habitants": (
        "## Retours sur les prototypes\n\n"
        "- Les cartes sont lisibles, les légendes à simplifier.\n"
        "- Les habitants demandent une version imprimable pour le conseil de "
        "quartier."
    ),
    "2026-coaching-pitch-demoday": (
        "## Conseils\n\n- Cinq minutes, une démonstration, un chiffre.\n"
        "- Dire ce que le projet a changé pour les habitants."
    ),
}

# Follow-up actions of each first-wave Project: (title, due, status).
ACTIONS = [
    (
        "Relire les fiches DTPR des jeux de données utilisés",
        datetime.date(2025, 11, 18),
        ActionStatus.DONE,
        "2025-decouvrir-donnees-dtpr",
    ),
    (
        "Rédiger l'analyse d'impact sur la protection des données",
        datetime.date(2025, 12, 15),
        ActionStatus.DONE,
        "2025-protection-donnees-dpo",
    ),
    (
        "Intégrer les retours des habitants au prototype",
        datetime.date(2026, 1, 15),
        ActionStatus.DONE,
        "2025-test-prototypes-habitants",
    ),
    (
        "Publier une version imprimable pour le conseil de quartier",
        datetime.date(2026, 3, 31),
        ActionStatus.IN_PROGRESS,
        "2025-test-prototypes-habitants",
    ),
    (
        "Présenter les premiers résultats au conseil de quartier",
        datetime.date(2026, 6, 30),
        ActionStatus.OPEN,
        "2026-coaching-pitch-demoday",
    ),
]

FIRST_DEMODAY = "demoday-2026-02"
FIRST_SESSION = "demoday-2026-02-soiree"
DRAW_SEED = "openbatignolles-demoday-2026-02"
NEXT_DEMODAY = "demoday-vague-2"
NEXT_SESSION = "demoday-vague-2-soiree"
FULL_WORKSHOP = "vague-2-besoins-habitants-tranquillite"


def seed_workshops(*, accounts, days=21, stdout=None, now=None):
    """Seed the demo workshops and DemoDays (see the module's docstring)."""
    now = now or timezone.now()
    organiser = accounts["organisers"][0]
    residents = list(accounts["residents"])
    calls = {c.slug: c for c in Call.objects.filter(slug__in=["ami-1", "ami-2"])}
    with transaction.atomic():
        rooms = _rooms()
        residents += _generated_residents()
        if "ami-1" in calls:
            _seed_first_wave(calls["ami-1"], rooms, organiser, residents, now)
        if "ami-2" in calls:
            _seed_open_wave(calls["ami-2"], rooms, organiser, residents, now)
    if stdout is not None:
        counts = {
            "workshops": Workshop.objects.count(),
            "registrations": Registration.objects.count(),
            "checked": Registration.objects.checked_in().count(),
            "certificates": Certificate.objects.count(),
            "actions": FollowUpAction.objects.count(),
            "votes": Vote.objects.count(),
        }
        stdout.write(
            "Workshops: {workshops} workshops and sessions, {registrations} "
            "registrations ({checked} checked in), {certificates} certificates, "
            "{actions} follow-up actions, {votes} audience votes.".format(**counts)
        )


def _rooms():
    rooms = {}
    for name, (capacity, access) in ROOMS.items():
        rooms[name], _ = Room.objects.get_or_create(
            name=name,
            defaults={"address": MAIRIE, "capacity": capacity, "accessibility": access},
        )
    return rooms


def _generated_residents():
    # One hash for all (as portal.demo): they sign in with the demo password.
    password_hash = make_password(demo_password())
    users = []
    for number, name in enumerate(GENERATED_RESIDENTS, start=1):
        email = f"voisin{number:02d}@demo.openbatignolles.fr"
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": name}
        )
        if created:
            user.password = password_hash
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users.append(user)
    return users


def _workshop(slug, **values):
    """Create the workshop ``slug`` once; later runs leave the past alone."""
    workshop, _ = Workshop.objects.get_or_create(slug=slug, defaults=values)
    return workshop


def _facilitate(workshop, user):
    FacilitatorBooking.objects.update_or_create(
        workshop=workshop,
        facilitator=user,
        defaults={"starts_at": workshop.starts_at, "ends_at": workshop.ends_at},
    )


def _team(project):
    """The Project's team members (lead first)."""
    members = list(
        project.application.team.select_related("user").order_by("role", "id")
    )
    users = [m.user for m in members]
    lead = project.application.created_by
    if lead is not None and lead not in users:
        users.insert(0, lead)
    return users


def _register(workshop, user, *, state, at, seat, project=None):
    values = {
        "seat": seat,
        "state": state,
        "project": project,
        "created_at": at,
        "confirmed_at": at if state == RegistrationState.CONFIRMED else None,
        "waitlisted_at": at if state == RegistrationState.WAITLISTED else None,
        "cancelled_at": at + datetime.timedelta(days=2)
        if state == RegistrationState.CANCELLED
        else None,
    }
    registration, _ = Registration.objects.get_or_create(
        workshop=workshop, user=user, defaults=values
    )
    # Rows written directly: the workshop's seat counters follow them.
    recount_seats(workshop)
    return registration


def _seed_first_wave(call, rooms, organiser, residents, now):
    rng = random.Random(2025)
    projects = list(
        Project.objects.for_call(call)
        .select_related("application__created_by")
        .order_by("slug")
    )
    workshops = []
    for (
        slug,
        title,
        title_en,
        theme,
        kind,
        room,
        starts_at,
        minutes,
        capacity,
        audience,
    ) in AUTUMN_WORKSHOPS:
        ends_at = starts_at + datetime.timedelta(minutes=minutes)
        workshop = _workshop(
            slug,
            call=call,
            title=title,
            title_en=title_en,
            description=f"Atelier de co-construction de la première vague : {title}.",
            description_en=f"A co-construction workshop of the first wave: {title_en}.",
            theme=theme,
            format=kind,
            room=rooms[room] if room else None,
            online_url=ONLINE_URL.format(slug=slug)
            if kind != WorkshopFormat.IN_PERSON
            else "",
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            audience=audience,
            registration_opens_at=starts_at - datetime.timedelta(days=21),
            registration_closes_at=starts_at - datetime.timedelta(hours=2),
            state=WorkshopState.PUBLISHED,
            created_at=starts_at - datetime.timedelta(days=30),
            updated_at=starts_at - datetime.timedelta(days=30),
        )
        _facilitate(workshop, organiser)
        workshops.append(workshop)
        _fill_past_workshop(workshop, projects, residents, organiser, rng, now)
    by_slug = {w.slug: w for w in workshops}
    for project in projects:
        for title, due_on, status, workshop_slug in ACTIONS:
            FollowUpAction.objects.get_or_create(
                project=project,
                title=title,
                defaults={
                    "workshop": by_slug[workshop_slug],
                    "owner": project.application.created_by,
                    "owner_name": "",
                    "due_on": due_on,
                    "status": status,
                    "created_at": by_slug[workshop_slug].ends_at,
                    "updated_at": by_slug[workshop_slug].ends_at,
                },
            )
    _seed_first_demoday(call, rooms, organiser, projects, residents, now)


def _fill_past_workshop(workshop, projects, residents, organiser, rng, now):
    """Registrations, check-ins, minutes and certificates of a past workshop."""
    opened = workshop.registration_opens_at
    people = []
    for project in projects:
        ProjectInvitation.objects.get_or_create(
            workshop=workshop,
            project=project,
            defaults={
                "answer": InvitationAnswer.ACCEPTED,
                "answered_by": project.application.created_by,
                "invited_at": opened,
                "answered_at": opened + datetime.timedelta(days=1),
            },
        )
        for user in _team(project)[:2]:
            people.append((user, Seat.PROJECT, project))
    if workshop.audience != Audience.PROJECTS:
        for user in residents:
            if rng.random() < 0.6:
                people.append((user, Seat.RESIDENT, None))
    confirmed = 0
    for number, (user, seat, project) in enumerate(people):
        at = opened + datetime.timedelta(hours=3 + 7 * number)
        if confirmed >= workshop.capacity:
            state = RegistrationState.WAITLISTED
        elif seat == Seat.RESIDENT and rng.random() < 0.1:
            state = RegistrationState.CANCELLED
        else:
            state = RegistrationState.CONFIRMED
            confirmed += 1
        registration = _register(
            workshop, user, state=state, at=at, seat=seat, project=project
        )
        # Draw every number on every run so that a second run draws the same.
        came = rng.random() < (0.95 if seat == Seat.PROJECT else 0.75)
        delay = datetime.timedelta(minutes=rng.randint(-15, 20))
        if (
            came
            and registration.state == RegistrationState.CONFIRMED
            and workshop.starts_at < now
            and registration.checked_in_at is None
        ):
            registration.checked_in_at = workshop.starts_at + delay
            registration.checked_in_by = organiser
            registration.save(update_fields=["checked_in_at", "checked_in_by"])
    if workshop.ends_at >= now:
        return
    Minutes.objects.get_or_create(
        workshop=workshop,
        defaults={
            "body": MINUTES[workshop.slug],
            "visibility": Visibility.PUBLIC,
            "published_at": workshop.ends_at + datetime.timedelta(days=2),
            "updated_at": workshop.ends_at + datetime.timedelta(days=2),
            "author": organiser,
        },
    )
    attended_on = workshop.starts_at.astimezone(PARIS).date()
    for registration in workshop.registrations.checked_in().select_related("user"):
        Certificate.objects.get_or_create(
            registration=registration,
            defaults={
                "holder_name": registration.user.full_name or registration.user.email,
                "workshop_title": workshop.title,
                "attended_on": attended_on,
                "issued_at": workshop.ends_at + datetime.timedelta(days=3),
            },
        )


def drawn_order(projects, seed):
    """The running order drawn from ``seed`` by the published draw
    (``workshops.draw.draw_order``, without grouping by theme)."""
    by_slug = {project.slug: project for project in projects}
    return [by_slug[slug] for slug in draw_order(list(by_slug), seed)]


def _seed_first_demoday(call, rooms, organiser, projects, residents, now):
    starts_at = _paris(2026, 2, 12, 18)
    ends_at = starts_at + datetime.timedelta(hours=3)
    demoday, _ = DemoDay.objects.get_or_create(
        slug=FIRST_DEMODAY,
        defaults={
            "call": call,
            "title": "DemoDay de la première vague",
            "title_en": "DemoDay of the first wave",
            "description": "Les projets de la première vague présentent leurs "
            "résultats aux habitants, à la Mairie et aux partenaires.",
            "description_en": "The first wave's projects present their results "
            "to the residents, the Mairie and the partners.",
            "pitch_minutes": 5,
            "questions_minutes": 3,
            "draw_seed": DRAW_SEED,
            "order_published_at": _paris(2026, 2, 2, 10),
            "voting_opens_at": _paris(2026, 2, 12, 20, 15),
            "voting_closes_at": _paris(2026, 2, 12, 21),
            "results_published_at": _paris(2026, 2, 13, 10),
            "created_at": _paris(2025, 12, 15, 10),
        },
    )
    session = _workshop(
        FIRST_SESSION,
        kind=WorkshopKind.DEMODAY_SESSION,
        demoday=demoday,
        call=call,
        title="DemoDay — soirée des pitchs",
        title_en="DemoDay — pitch evening",
        description="Les pitchs des projets, les questions du public, le vote.",
        description_en="The projects' pitches, the audience's questions, the vote.",
        format=WorkshopFormat.IN_PERSON,
        room=rooms["Salle des fêtes"],
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=120,
        audience=Audience.BOTH,
        registration_opens_at=_paris(2026, 1, 12, 10),
        registration_closes_at=starts_at,
        state=WorkshopState.PUBLISHED,
        created_at=_paris(2025, 12, 15, 10),
        updated_at=_paris(2026, 2, 2, 10),
    )
    _facilitate(session, organiser)
    if not session.slots.exists() and projects:
        _running_order(session, demoday, drawn_order(projects, DRAW_SEED))
    # The audience: the teams and the residents, most of them came.
    rng = random.Random(2026)
    opened = session.registration_opens_at
    people = [(u, Seat.PROJECT, p) for p in projects for u in _team(p)[:2]]
    people += [(u, Seat.RESIDENT, None) for u in residents]
    for number, (user, seat, project) in enumerate(people):
        registration = _register(
            session,
            user,
            state=RegistrationState.CONFIRMED,
            at=opened + datetime.timedelta(hours=5 * number + 1),
            seat=seat,
            project=project,
        )
        came = rng.random() < 0.85
        early = datetime.timedelta(minutes=rng.randint(0, 25))
        if came and registration.checked_in_at is None:
            registration.checked_in_at = starts_at - early
            registration.checked_in_by = organiser
            registration.save(update_fields=["checked_in_at", "checked_in_by"])
    # Votes: checked-in residents vote once each, for one project.
    if projects:
        weights = [5, 3, 2, 2, 1, 1, 1][: len(projects)] + [1] * max(
            0, len(projects) - 7
        )
        for registration in session.registrations.checked_in().filter(
            seat=Seat.RESIDENT
        ):
            Vote.objects.get_or_create(
                demoday=demoday,
                voter=registration.user,
                defaults={
                    "registration": registration,
                    "project": rng.choices(projects, weights=weights)[0],
                    "cast_at": demoday.voting_opens_at
                    + datetime.timedelta(minutes=rng.randint(1, 40)),
                },
            )
        _results(demoday, projects)


def _running_order(session, demoday, ordered):
    slot_minutes = demoday.pitch_minutes + demoday.questions_minutes
    moment = session.starts_at
    position = 1
    slots = []

    def add(kind, minutes, *, project=None, label=""):
        nonlocal moment, position
        end = moment + datetime.timedelta(minutes=minutes)
        slots.append(
            Slot(
                session=session,
                position=position,
                kind=kind,
                project=project,
                label=label,
                starts_at=moment,
                ends_at=end,
            )
        )
        moment = end
        position += 1

    add(SlotKind.OTHER, 15, label="Accueil et présentation du programme")
    half = (len(ordered) + 1) // 2
    for number, project in enumerate(ordered):
        if number == half:
            add(SlotKind.BREAK, 15, label="Pause")
        add(SlotKind.PITCH, slot_minutes, project=project)
    add(SlotKind.OTHER, 30, label="Vote du public et délibération du jury")
    Slot.objects.bulk_create(slots)


def _results(demoday, projects):
    votes = {p.pk: 0 for p in projects}
    for project_id in demoday.votes.values_list("project_id", flat=True):
        votes[project_id] = votes.get(project_id, 0) + 1
    ranked = sorted(projects, key=lambda p: (-votes[p.pk], p.slug))
    prizes = {
        0: ("Prix du public", "Audience prize"),
        1: ("Prix du jury", "Jury prize"),
    }
    for rank, project in enumerate(ranked, start=1):
        prize, prize_en = prizes.get(rank - 1, ("", ""))
        DemoDayResult.objects.update_or_create(
            demoday=demoday,
            project=project,
            defaults={
                "rank": rank,
                "prize": prize,
                "prize_en": prize_en,
                "continues": rank <= max(1, len(ranked) - 1),
                "audience_votes": votes[project.pk],
            },
        )


# The open wave's upcoming workshops: slug, titles, theme, format, room,
# days from today, hour, minutes, capacity, audience.
OPEN_WAVE_WORKSHOPS = [
    (
        "vague-2-decouvrir-donnees-dtpr",
        "Découvrir les données et leurs fiches DTPR",
        "Discovering the data and its DTPR sheets",
        "",
        WorkshopFormat.IN_PERSON,
        "Salle des fêtes",
        9,
        18,
        120,
        60,
        Audience.BOTH,
    ),
    (
        FULL_WORKSHOP,
        "Les besoins des habitants : tranquillité publique",
        "Residents' needs: public tranquillity",
        "tranquillity",
        WorkshopFormat.IN_PERSON,
        "Salle Truffaut",
        16,
        18,
        120,
        8,
        Audience.RESIDENTS,
    ),
    (
        "vague-2-protection-donnees-dpo",
        "La protection des données dès la conception, avec la DPO",
        "Privacy by design with the DPO",
        "",
        WorkshopFormat.ONLINE,
        None,
        23,
        12,
        90,
        30,
        Audience.BOTH,
    ),
]


def _day(now, days, hour, minute=0):
    local = timezone.localtime(now, PARIS) + datetime.timedelta(days=days)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _seed_open_wave(call, rooms, organiser, residents, now):
    for (
        slug,
        title,
        title_en,
        theme,
        kind,
        room,
        days,
        hour,
        minutes,
        capacity,
        audience,
    ) in OPEN_WAVE_WORKSHOPS:
        starts_at = _day(now, days, hour)
        workshop, _ = Workshop.objects.update_or_create(
            slug=slug,
            defaults={
                "call": call,
                "title": title,
                "title_en": title_en,
                "description": f"Atelier ouvert de la vague en cours : {title}.",
                "description_en": f"An open workshop of the current wave: {title_en}.",
                "theme": theme,
                "format": kind,
                "room": rooms[room] if room else None,
                "online_url": ONLINE_URL.format(slug=slug)
                if kind != WorkshopFormat.IN_PERSON
                else "",
                "starts_at": starts_at,
                "ends_at": starts_at + datetime.timedelta(minutes=minutes),
                "capacity": capacity,
                "audience": audience,
                "registration_opens_at": _day(now, -5, 9),
                "registration_closes_at": starts_at - datetime.timedelta(hours=2),
                "state": WorkshopState.PUBLISHED,
            },
        )
        _facilitate(workshop, organiser)
        opened = workshop.registration_opens_at
        if slug == FULL_WORKSHOP:
            # Every seat taken, three people waiting.
            people = residents[: capacity + 3]
        else:
            people = residents[: len(residents) // 3]
        for number, user in enumerate(people):
            _register(
                workshop,
                user,
                state=RegistrationState.CONFIRMED
                if number < capacity
                else RegistrationState.WAITLISTED,
                at=min(opened + datetime.timedelta(hours=2 + 3 * number), now),
                seat=Seat.RESIDENT,
            )
    _seed_next_demoday(call, rooms, organiser, residents, now)


def _seed_next_demoday(call, rooms, organiser, residents, now):
    starts_at = _day(now, 75, 18)
    demoday, _ = DemoDay.objects.update_or_create(
        slug=NEXT_DEMODAY,
        defaults={
            "call": call,
            "title": "DemoDay de la deuxième vague",
            "title_en": "DemoDay of the second wave",
            "description": "Les projets de la deuxième vague présentent leurs "
            "résultats. Entrée libre sur inscription.",
            "description_en": "The second wave's projects present their results. "
            "Free entry, registration required.",
        },
    )
    session, _ = Workshop.objects.update_or_create(
        slug=NEXT_SESSION,
        defaults={
            "kind": WorkshopKind.DEMODAY_SESSION,
            "demoday": demoday,
            "call": call,
            "title": "DemoDay — soirée des pitchs",
            "title_en": "DemoDay — pitch evening",
            "format": WorkshopFormat.IN_PERSON,
            "room": rooms["Salle des fêtes"],
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=3),
            "capacity": 120,
            "audience": Audience.BOTH,
            "registration_opens_at": _day(now, -2, 10),
            "registration_closes_at": starts_at,
            "state": WorkshopState.PUBLISHED,
        },
    )
    _facilitate(session, organiser)
    opened = session.registration_opens_at
    for number, user in enumerate(residents[:5]):
        _register(
            session,
            user,
            state=RegistrationState.CONFIRMED,
            at=min(opened + datetime.timedelta(hours=1 + 4 * number), now),
            seat=Seat.RESIDENT,
        )
