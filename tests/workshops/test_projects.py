"""The public Project pages: list, filters, page content, no personal data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import ProjectState
from datasets.access.services import grant_data_access
from tests.applications.factories import CallFactory
from tests.workshops.factories import (
    DemoDayFactory,
    DemoDaySessionFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from tests.workshops.public_factories import datasets, in_days, public_project
from workshops.enums import ActionStatus, RegistrationState, Seat, SlotKind
from workshops.models import DemoDayResult, FollowUpAction, Slot

LIST = "/projets/"


@pytest.fixture
def catalogue(db):
    return datasets()


@pytest.fixture
def waves(catalogue):
    first = CallFactory(
        slug="ami-1",
        title_fr="Première vague",
        title_en="First wave",
        opens_at=timezone.now() - datetime.timedelta(days=400),
        datasets=list(catalogue.values()),
    )
    second = CallFactory(
        slug="ami-2",
        title_fr="Deuxième vague",
        title_en="Second wave",
        datasets=list(catalogue.values()),
    )
    return first, second


def _grant(project, datasets, organiser, *, days=90):
    return grant_data_access(
        project,
        holder=project.application.created_by,
        datasets=datasets,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        actor=organiser,
    )


def _names(response):
    return [p.name for p in response.context["page"].object_list]


def test_list_shows_active_and_past_projects_not_withdrawn(client, waves):
    first, second = waves
    public_project("Baromètre du bruit", call=first)
    done = public_project("Éclairage adaptatif", call=first)
    gone = public_project("Projet abandonné", call=second)
    type(done).objects.filter(pk=done.pk).update(state=ProjectState.COMPLETED)
    type(gone).objects.filter(pk=gone.pk).update(state=ProjectState.WITHDRAWN)

    response = client.get(LIST)

    assert response.status_code == 200
    assert _names(response) == ["Baromètre du bruit", "Éclairage adaptatif"]
    assert client.get(reverse("projects:detail", args=[gone.slug])).status_code == 404


def test_filters_by_wave_theme_and_dataset(client, waves, catalogue, organiser):
    first, second = waves
    noise = public_project(
        "Baromètre du bruit",
        call=first,
        themes=["tranquillity"],
        requested=[catalogue["sound"]],
    )
    public_project(
        "Livraisons",
        call=first,
        themes=["mobility", "parking"],
        requested=[catalogue["parking"]],
    )
    flows = public_project(
        "Flux du marché",
        call=second,
        themes=["pedestrian_flows"],
        requested=[catalogue["parking"]],
    )
    # A grant of pedestrian flows; a revoked grant of sound levels counts not.
    _grant(flows, [catalogue["flows"]], organiser)
    revoked = _grant(noise, [catalogue["flows"]], organiser)
    type(revoked).objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())

    assert _names(client.get(LIST, {"wave": "ami-1"})) == [
        "Baromètre du bruit",
        "Livraisons",
    ]
    assert _names(client.get(LIST, {"theme": "parking"})) == ["Livraisons"]
    assert _names(client.get(LIST, {"dataset": "pedestrian-flows"})) == [
        "Flux du marché"
    ]
    # Requested datasets count too (Flux du marché asked for parking).
    assert _names(client.get(LIST, {"dataset": "parking-occupancy"})) == [
        "Flux du marché",
        "Livraisons",
    ]
    assert _names(
        client.get(LIST, {"wave": "ami-2", "dataset": "parking-occupancy"})
    ) == ["Flux du marché"]


def test_unknown_filter_values_are_errors_not_500(client, waves):
    public_project("Baromètre du bruit", call=waves[0])

    response = client.get(LIST, {"wave": "nope", "theme": "x" * 500, "page": "9999"})

    assert response.status_code == 200
    assert response.context["filter"].errors.keys() == {"wave", "theme"}


def test_list_query_count_is_constant(
    client, waves, catalogue, organiser, django_assert_num_queries
):
    def add(count, offset):
        for number in range(count):
            project = public_project(
                f"Projet {offset + number:02d}",
                call=waves[number % 2],
                requested=[catalogue["sound"]],
            )
            _grant(project, [catalogue["flows"], catalogue["parking"]], organiser)

    add(2, 0)
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert len(_names(response)) == 2
    add(8, 10)
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert len(_names(response)) == 10


@pytest.fixture
def full_project(waves, catalogue, organiser):
    """A Project with a grant, two workshops, a DemoDay pitch and result and
    follow-up actions; plus what must not show."""
    first = waves[0]
    project = public_project(
        "Baromètre du bruit",
        call=first,
        themes=["tranquillity", "mobility"],
        requested=[catalogue["parking"]],
        organisation_name="Association Calme Batignolles",
    )
    _grant(project, [catalogue["sound"], catalogue["flows"]], organiser)
    lead = project.application.created_by
    attended = WorkshopFactory(
        title="Découvrir les données",
        title_en="Discovering the data",
        starts_at=in_days(-30),
        registration_closes_at=in_days(-31),
        registration_opens_at=in_days(-40),
    )
    RegistrationFactory(
        workshop=attended, user=lead, project=project, seat=Seat.PROJECT
    )
    cancelled = WorkshopFactory(title="Atelier annulé pour l'équipe")
    RegistrationFactory(
        workshop=cancelled,
        user=lead,
        project=project,
        seat=Seat.PROJECT,
        state=RegistrationState.CANCELLED,
    )
    demoday = DemoDayFactory(
        call=first,
        title="DemoDay de février",
        title_en="February DemoDay",
        order_published_at=timezone.now(),
        results_published_at=timezone.now(),
    )
    session = DemoDaySessionFactory(
        demoday=demoday,
        starts_at=in_days(-5),
        registration_opens_at=in_days(-20),
    )
    Slot.objects.create(
        session=session,
        position=1,
        kind=SlotKind.PITCH,
        project=project,
        starts_at=session.starts_at,
        ends_at=session.starts_at + datetime.timedelta(minutes=8),
    )
    DemoDayResult.objects.create(
        demoday=demoday,
        project=project,
        prize="Prix du public",
        prize_en="Audience prize",
        rank=1,
        continues=True,
        audience_votes=12,
    )
    hidden = DemoDayFactory(call=first, title="DemoDay pas encore publié")
    DemoDayResult.objects.create(
        demoday=hidden, project=project, prize="Prix secret", rank=1
    )
    for title, status in [
        ("Relire les fiches DTPR", ActionStatus.DONE),
        ("Analyse d'impact", ActionStatus.DONE),
        ("Version imprimable", ActionStatus.IN_PROGRESS),
        ("Présenter au conseil de quartier", ActionStatus.OPEN),
        ("Idée abandonnée", ActionStatus.DROPPED),
    ]:
        FollowUpAction.objects.create(
            project=project,
            workshop=attended,
            title=title,
            status=status,
            owner=lead,
            owner_name="Odile Secrète",
            due_on=datetime.date(2026, 3, 1),
        )
    return project


def test_project_page_in_french(client, full_project):
    response = client.get(reverse("projects:detail", args=[full_project.slug]))

    assert response.status_code == 200
    page = response.context["page"]
    assert [d.slug for d in page.datasets] == ["pedestrian-flows", "sound-levels"]
    assert [w.title for w in page.workshops] == ["Découvrir les données"]
    assert (page.progress.done, page.progress.open, page.progress.dropped) == (2, 2, 1)
    assert page.progress.percent == 50
    text = response.content.decode()
    for expected in [
        "Baromètre du bruit",
        "Association Calme Batignolles",
        "Baromètre du bruit : un service pour le quartier.",
        "Le service de Baromètre du bruit en détail.",
        "Flux piétons",
        "Niveau sonore",
        'href="/donnees/pedestrian-flows/"',
        'href="/donnees/sound-levels/"',
        "Découvrir les données",
        "DemoDay de février",
        "Prix du public",
        "Relire les fiches DTPR",
        'max="4" value="2"',
        "Première vague",
    ]:
        assert expected in text, expected
    # Requested datasets give way to the grant's; unpublished results stay hidden.
    for absent in ["Occupation du stationnement", "Prix secret", "Atelier annulé"]:
        assert absent not in text, absent


def test_project_page_in_english(client, full_project):
    response = client.get(f"/en/projets/{full_project.slug}/")

    text = response.content.decode()
    for expected in [
        "Pedestrian flows",
        "Sound levels",
        "Discovering the data",
        "February DemoDay",
        "Audience prize",
        "First wave",
        "Public tranquillity (noise)",
        "What it does",
        "Its progress",
    ]:
        assert expected in text, expected
    assert "Prix du public" not in text


def test_project_pages_publish_no_personal_data(client, full_project):
    application = full_project.application
    pages = [
        client.get(reverse("projects:detail", args=[full_project.slug])),
        client.get(LIST),
    ]
    for response in pages:
        text = response.content.decode()
        for private in [
            "Odile Secrète",
            "Gaston Caché",
            application.created_by.email,
            "member-",
            "12345678901234",
            "prive.example.org",
            "Réponse privée",
            application.reference,
        ]:
            assert private not in text, private


def test_detail_without_grant_lists_the_requested_datasets(client, waves, catalogue):
    project = public_project(
        "Livraisons", call=waves[0], requested=[catalogue["parking"]]
    )

    response = client.get(f"/en/projets/{project.slug}/")

    assert [d.slug for d in response.context["page"].datasets] == ["parking-occupancy"]
    assert "Not presented at a DemoDay yet." in response.content.decode()


def test_unknown_project_is_404(client, db):
    assert client.get("/projets/nope/").status_code == 404


def test_home_page_links_to_the_projects(client, waves):
    first = waves[0]
    type(first).objects.filter(pk=first.pk).update(
        closes_at=timezone.now() - datetime.timedelta(days=60),
        results_on=datetime.date.today() - datetime.timedelta(days=5),
    )
    public_project("Baromètre du bruit", call=first)

    response = client.get("/")

    assert response.context["retained_count"] == 1
    assert '<a href="/projets/"><strong>1</strong>' in response.content.decode()
